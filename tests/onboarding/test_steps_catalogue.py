import pytest

from onboarding.steps import SENDER_ID, STEP_KEYS, STEPS, TICKABLE_STEPS, SecurityModel, StepKey, step


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


def test_web_services_step_names_our_sender_id_and_the_authorization_menu():
    ws = step(StepKey.WEB_SERVICES)
    assert SENDER_ID == "RoutableMPP"
    assert any(SENDER_ID in i.label for i in ws.checklist)
    assert ws.menu_path == "Company > Setup > Company > Security > Web Services authorizations"


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
