import pytest

from onboarding.progress import unfinished_prerequisites
from onboarding.steps import (
    SENDER_ID,
    STEP_KEYS,
    STEPS,
    TICKABLE_STEPS,
    SecurityModel,
    StepKey,
    step,
)


def test_steps_are_in_the_documented_order_with_their_titles():
    assert [(s.key, s.title) for s in STEPS] == [
        ("start", "Before you start"),
        ("plan", "Plan your connection"),
        ("ids", "Find your Company ID and Entity ID"),
        ("web_services", "Turn on Web Services and authorize our sender ID"),
        ("ws_user", "Create the Web Services user"),
        ("connect", "Connect"),
        ("sync", "Sync"),
        ("map", "Map accounts"),
        ("review", "Review & approve"),
    ]


def test_each_step_has_a_page_file_and_a_material_icon():
    for s in STEPS:
        assert s.page_file == f"pages/{s.key}.py"
        assert s.icon.startswith(":material/") and s.icon.endswith(":")


def test_only_the_intacct_side_steps_have_checklists():
    assert TICKABLE_STEPS == ["start", "plan", "ids", "web_services", "ws_user"]
    for key in ("connect", "sync", "map", "review"):
        assert step(key).checklist == []


def test_prerequisites_point_backwards_to_known_steps():
    for position, s in enumerate(STEPS):
        for prerequisite in s.prerequisites:
            assert prerequisite in STEP_KEYS
            assert STEP_KEYS.index(prerequisite) < position


def test_item_keys_are_unique_within_each_step():
    for s in STEPS:
        keys = [i.key for i in s.checklist]
        assert len(keys) == len(set(keys)), s.key


def test_web_services_step_names_the_authorization_menu_but_not_a_fixed_sender_id():
    ws = step(StepKey.WEB_SERVICES)
    assert ws.menu_path == (
        "Company › Setup › Company Information › Edit › Security › Web Services authorizations"
    )
    # The deployed sender ID comes from settings; the page shows that one, so the catalogue must not
    # promise another.
    texts = [ws.summary] + [i.label for i in ws.checklist] + [i.help for i in ws.checklist]
    assert not any(SENDER_ID in text for text in texts)
    assert any("sender ID" in i.label for i in ws.checklist)


def test_sidebar_lines_fit_even_with_the_longest_state():
    # The sidebar shows "<n>. <title> · needs attention" on one line of about 55 characters.
    for number, s in enumerate(STEPS, start=1):
        assert len(f"{number}. {s.nav_title} · needs attention") <= 50, s.key
    assert step(StepKey.WEB_SERVICES).nav_title != step(StepKey.WEB_SERVICES).title
    assert step(StepKey.CONNECT).nav_title == "Connect"


def test_unfinished_prerequisites_walk_back_through_every_earlier_step():
    assert unfinished_prerequisites(StepKey.START, {}) == []
    everything_todo = unfinished_prerequisites(StepKey.REVIEW, {})
    assert everything_todo == STEP_KEYS[: STEP_KEYS.index(StepKey.REVIEW)]

    states = {key: "done" for key in STEP_KEYS}
    states.update({StepKey.WEB_SERVICES: "todo", StepKey.SYNC: "todo"})
    assert unfinished_prerequisites(StepKey.CONNECT, states) == [StepKey.WEB_SERVICES]
    assert unfinished_prerequisites(StepKey.MAP, states) == [StepKey.WEB_SERVICES, StepKey.SYNC]
    # A flag for attention is advice, not a lock.
    states[StepKey.WEB_SERVICES] = "attention"
    assert unfinished_prerequisites(StepKey.CONNECT, states) == []


def test_unknown_step_is_a_key_error():
    with pytest.raises(KeyError):
        step("nope")


def test_ws_user_branches_count_only_the_chosen_security_model():
    ws_user = step(StepKey.WS_USER)
    common = {i.key for i in ws_user.checklist if i.branch is None}
    role_item = next(i.key for i in ws_user.checklist if i.branch == SecurityModel.ROLE)
    user_item = next(i.key for i in ws_user.checklist if i.branch == SecurityModel.USER)

    assert not ws_user.is_complete(common)
    # Model unknown: either branch completes the step.
    assert ws_user.is_complete(common | {role_item})
    assert ws_user.is_complete(common | {user_item})
    # Model known: only its own branch counts.
    assert ws_user.is_complete(common | {role_item}, SecurityModel.ROLE)
    assert not ws_user.is_complete(common | {user_item}, SecurityModel.ROLE)
    assert {i.key for i in ws_user.items_for(SecurityModel.USER)} == common | {user_item}


def test_a_step_without_a_checklist_is_never_complete_by_ticks():
    assert not step(StepKey.SYNC).is_complete(set())
