"""The step-state owner: each event as a pure function of a snapshot, and the store writing one outcome."""

import sqlite3
from functools import partial

import pytest

from onboarding import progress
from onboarding.diagnosis import Diagnosis
from onboarding.preflight import PreflightCheck
from onboarding.progress import Outcome, Snapshot, StepChange, StepProgress, StepState
from onboarding.steps import STEP_KEYS, SecurityModel, StepKey, step
from tests.actors import ANA, LOCAL


def _snapshot(model=None, **steps: StepProgress) -> Snapshot:
    return Snapshot({key: steps.get(key, StepProgress()) for key in STEP_KEYS}, model)


def _states(outcome: Outcome, now: Snapshot) -> dict[str, StepState]:
    after = outcome.after(now)
    return {key: after[key].state for key in STEP_KEYS}


def _all_items(step_key, model=None) -> frozenset[str]:
    return frozenset(i.key for i in step(step_key).items_for(model))


def _check(obj: str, ok: bool) -> PreflightCheck:
    return PreflightCheck(obj, obj.title(), ok, "", "")


def test_stored_values_are_the_words_existing_databases_hold():
    assert [s.value for s in StepState] == ["todo", "done", "attention"]
    assert StepState("attention") is StepState.ATTENTION


def test_settled_state_is_done_only_for_a_complete_checklist():
    assert progress.settled_state(StepKey.START, _all_items(StepKey.START), None) == StepState.DONE
    assert progress.settled_state(StepKey.START, list(_all_items(StepKey.START))[1:], None) == StepState.TODO
    assert progress.settled_state(StepKey.CONNECT, [], None) == StepState.TODO  # no checklist: never by ticks


def test_ticking_the_last_item_completes_the_step_and_records_the_tick():
    items = sorted(_all_items(StepKey.START))
    now = _snapshot(start=StepProgress(checked=frozenset(items[:-1])))
    outcome = progress.checklist_ticked(now, StepKey.START, items[-1], True, actor=ANA)
    assert outcome.state_of(StepKey.START) == StepState.DONE
    assert outcome.after(now)[StepKey.START].checked == frozenset(items)
    assert [e.kind for e in outcome.events] == ["checklist"] and outcome.actor == ANA
    again = progress.checklist_ticked(outcome.after(now), StepKey.START, items[0], False, actor=ANA)
    assert again.state_of(StepKey.START) == StepState.TODO
    assert again.events[0].message.startswith("Unticked")


def test_a_flag_survives_an_untick_and_clears_when_the_list_is_complete_again():
    items = _all_items(StepKey.WEB_SERVICES)
    first = sorted(items)[0]
    flagged = StepProgress(StepState.ATTENTION, items, "sender not authorized")
    now = _snapshot(web_services=flagged)
    off = progress.checklist_ticked(now, StepKey.WEB_SERVICES, first, False, actor=LOCAL)
    assert off.after(now)[StepKey.WEB_SERVICES].state == StepState.ATTENTION
    assert off.after(now)[StepKey.WEB_SERVICES].note == "sender not authorized"
    on = progress.checklist_ticked(off.after(now), StepKey.WEB_SERVICES, first, True, actor=LOCAL)
    assert (on.after(now)[StepKey.WEB_SERVICES].state, on.after(now)[StepKey.WEB_SERVICES].note) == (
        StepState.DONE,
        "",
    )


def test_an_unknown_checklist_item_is_a_key_error():
    with pytest.raises(KeyError):
        progress.checklist_ticked(_snapshot(), StepKey.START, "no_such_item", True, actor=LOCAL)


def test_changing_the_security_model_re_decides_ticked_steps_but_keeps_flags():
    user_items = _all_items(StepKey.WS_USER, SecurityModel.USER)
    now = _snapshot(
        SecurityModel.USER,
        ws_user=StepProgress(StepState.DONE, user_items),
        web_services=StepProgress(StepState.ATTENTION, frozenset(), "flagged"),
    )
    outcome = progress.security_model_changed(now, SecurityModel.ROLE, actor=LOCAL)
    states = _states(outcome, now)
    assert states[StepKey.WS_USER] == StepState.TODO  # the role item is not ticked
    assert states[StepKey.WEB_SERVICES] == StepState.ATTENTION
    assert outcome.security_model == SecurityModel.ROLE and outcome.after(now).security_model == "role"
    assert outcome.events[0].message == "Security model: role"
    with pytest.raises(ValueError):
        progress.security_model_changed(now, "sideways", actor=LOCAL)


def test_signing_in_proves_the_ids_and_the_sender_and_clears_old_flags():
    now = _snapshot(
        ws_user=StepProgress(StepState.ATTENTION, frozenset(), "missing access"),
        sync=StepProgress(StepState.ATTENTION, frozenset(), "not a connect flag"),
    )
    outcome = progress.connected(now, company_id="ACME", level="top level", user_id="ws", actor=LOCAL)
    states = _states(outcome, now)
    assert states[StepKey.IDS] == states[StepKey.WEB_SERVICES] == StepState.DONE
    assert states[StepKey.WS_USER] == StepState.TODO  # flag dropped; its ticks decide, and there are none
    assert states[StepKey.SYNC] == StepState.ATTENTION  # not something signing in proves
    assert outcome.events[0].message == "Signed in to ACME at top level as ws"
    assert [e.kind for e in outcome.events].count("step_state") == 3


@pytest.mark.parametrize(
    ("checks", "needs_entity", "ws_user", "connect"),
    [
        ([_check("GLACCOUNT", True)], False, StepState.DONE, StepState.DONE),
        ([_check("GLACCOUNT", True)], True, StepState.DONE, StepState.TODO),
        ([_check("GLACCOUNT", False)], False, StepState.ATTENTION, StepState.ATTENTION),
    ],
)
def test_the_permission_check_decides_the_user_and_connect_steps(checks, needs_entity, ws_user, connect):
    now = _snapshot()
    outcome = progress.preflight_checked(now, checks, needs_entity=needs_entity, actor=LOCAL)
    states = _states(outcome, now)
    assert (states[StepKey.WS_USER], states[StepKey.CONNECT]) == (ws_user, connect)
    assert outcome.events[0].kind == "preflight"
    if connect == StepState.ATTENTION:
        assert outcome.after(now)[StepKey.CONNECT].note == "Missing read access: Glaccount"


def test_a_stopped_permission_check_flags_connect_with_the_reason():
    outcome = progress.preflight_stopped(_snapshot(), "Intacct is busy", actor=LOCAL)
    assert outcome.state_of(StepKey.CONNECT) == StepState.ATTENTION
    assert outcome.events[0].message == "Permission check stopped: Intacct is busy"


def test_a_failed_sign_in_flags_connect_and_the_step_to_revisit():
    now = _snapshot(ws_user=StepProgress(StepState.ATTENTION, frozenset(), "old flag"))
    diagnosis = Diagnosis(StepKey.WEB_SERVICES, "Sender not authorized", "m", "f", code="XL03000006")
    outcome = progress.connect_failed(now, diagnosis, actor=LOCAL)
    states = _states(outcome, now)
    assert states[StepKey.CONNECT] == states[StepKey.WEB_SERVICES] == StepState.ATTENTION
    assert states[StepKey.WS_USER] == StepState.TODO  # a real answer replaces earlier flags
    assert "Connection failed: Sender not authorized [XL03000006]" in [e.message for e in outcome.events]

    hiccup = Diagnosis(None, "Intacct did not answer", "m", "f", retryable=True)
    kept = _states(progress.connect_failed(now, hiccup, actor=LOCAL), now)
    assert kept[StepKey.WS_USER] == StepState.ATTENTION  # a hiccup proves nothing either way


def test_sync_finished_marks_flags_or_only_notes_the_end():
    now = _snapshot()
    done = progress.sync_finished(now, status="completed", fetched=12, wall_s=3.2, actor=LOCAL)
    assert done.state_of(StepKey.SYNC) == StepState.DONE
    assert done.events[-1].message == "Sync finished: 12 records fetched in 3 s."
    partial_ = progress.sync_finished(now, status="partial", failed_objects=["GLACCOUNT"], actor=LOCAL)
    assert partial_.after(now)[StepKey.SYNC].note == "Some objects could not be synced: GLACCOUNT."
    failed = progress.sync_finished(now, status="failed", problem="No connection.", actor=LOCAL)
    flagged = failed.after(now)[StepKey.SYNC]
    assert (flagged.state, flagged.note) == (StepState.ATTENTION, "No connection.")
    stopped = progress.sync_finished(now, status="cancelled", actor=LOCAL)
    assert stopped.steps == () and "stopped by a user" in stopped.events[0].message
    with pytest.raises(ValueError):
        progress.sync_finished(now, status="running", actor=LOCAL)


def test_the_mapping_events_move_map_and_review():
    now = _snapshot()
    submitted = progress.mapping_submitted(now, version=3, actor=ANA)
    assert _states(submitted, now)[StepKey.MAP] == StepState.DONE
    assert _states(submitted, now)[StepKey.REVIEW] == StepState.TODO
    approved = progress.mapping_approved(submitted.after(now), version=3, actor=ANA)
    assert _states(approved, submitted.after(now))[StepKey.REVIEW] == StepState.DONE

    after_approval = approved.after(submitted.after(now))
    back = progress.mapping_sent_back(after_approval, version=3, comment="  fix travel  ", actor=ANA)
    sent_back = back.after(after_approval)[StepKey.MAP]
    assert (sent_back.state, sent_back.note, sent_back.updated_by) == (
        StepState.ATTENTION,
        "fix travel",
        ANA.audit_label,
    )
    assert back.state_of(StepKey.REVIEW) == StepState.TODO
    with pytest.raises(ValueError, match="comment"):
        progress.mapping_sent_back(after_approval, version=3, comment=" ", actor=ANA)

    resynced = progress.mapping_needs_attention(after_approval, reason="4 new GL accounts", actor=LOCAL)
    assert resynced.after(after_approval)[StepKey.MAP].state == StepState.ATTENTION
    assert resynced.state_of(StepKey.REVIEW) is None  # the approved version stays approved
    assert [e.kind for e in resynced.events][0] == "mapping_needs_attention"


def test_marking_several_steps_done_is_one_outcome_in_catalogue_order():
    outcome = progress.steps_marked_done(_snapshot(), [StepKey.SYNC, StepKey.START], actor=LOCAL)
    assert [c.step_key for c in outcome.steps] == [StepKey.START, StepKey.SYNC]
    assert [e.kind for e in outcome.events] == ["step_state", "step_state", "steps_marked_done"]
    with pytest.raises(KeyError):
        progress.steps_marked_done(_snapshot(), ["nope"], actor=LOCAL)


def test_outcomes_of_one_action_add_up_but_never_mix_actors():
    now = _snapshot()
    first = progress.connected(now, company_id="A", level="top level", user_id="u", actor=LOCAL)
    both = first + progress.preflight_checked(first.after(now), [], needs_entity=False, actor=LOCAL)
    assert both.events[0].kind == "connected" and both.events[-1].kind == "step_state"
    with pytest.raises(ValueError, match="one actor"):
        first + progress.mapping_approved(now, version=1, actor=ANA)


# -- the store writes one outcome in one transaction -----------------------------------------------


def test_apply_writes_steps_events_and_the_actor_together(store, workspace):
    store.apply(workspace.id, partial(progress.steps_marked_done, step_keys=[StepKey.START], actor=ANA))
    mine = store.get_progress(workspace.id)[StepKey.START]
    assert mine.state == StepState.DONE and mine.updated_by == ANA.audit_label
    latest = store.events(workspace.id, limit=2)
    assert [e.kind for e in latest] == ["steps_marked_done", "step_state"]
    assert all(e.actor == ANA.audit_label and e.actor_key == ANA.key for e in latest)


def test_a_failing_outcome_writes_nothing(store, workspace):
    before = store.events(workspace.id)
    bad = Outcome(LOCAL, steps=(StepChange(StepKey.START, StepState.DONE), StepChange(StepKey.SYNC, "bogus")))
    with pytest.raises(ValueError):
        store.apply(workspace.id, bad)
    assert store.get_progress(workspace.id)[StepKey.START].state == StepState.TODO
    assert store.events(workspace.id) == before


def test_apply_decides_inside_the_transaction_from_what_is_stored(store, workspace):
    seen = []

    def decide(now):
        seen.append(now)
        return progress.checklist_ticked(now, StepKey.START, "two_tabs", True, actor=LOCAL)

    store.apply(workspace.id, decide)
    store.apply(workspace.id, decide)
    assert seen[0][StepKey.START].checked == frozenset()
    assert seen[1][StepKey.START].checked == {"two_tabs"}
    assert store.snapshot(workspace.id)[StepKey.START].checked == {"two_tabs"}


def test_events_of_an_older_database_read_with_an_empty_actor_key(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, workspace_id INTEGER, at TEXT, kind TEXT, "
            "message TEXT, actor TEXT)"
        )
        conn.execute(
            "CREATE TABLE workspaces (id INTEGER PRIMARY KEY, name TEXT, name_key TEXT, "
            "created_at TEXT, created_by TEXT, plan TEXT, security_model TEXT, archived_at TEXT)"
        )
        conn.execute(
            "INSERT INTO workspaces VALUES (1, 'Old', 'old', '2026-01-01T00:00:00+00:00', '', "
            "NULL, NULL, NULL)"
        )
        conn.execute(
            "INSERT INTO events VALUES (1, 1, '2026-01-01T00:00:00+00:00', 'note', 'old', 'someone')"
        )
    from onboarding.store import Store

    old = Store(path)
    assert [(e.actor, e.actor_key) for e in old.events(1)] == [("someone", "")]
    old.record_event(1, "note", "new", actor=LOCAL)
    assert old.events(1)[0].actor_key == LOCAL.key
