import sqlite3
import threading

import pytest

from onboarding import progress
from onboarding.progress import StepState
from onboarding.steps import STEP_KEYS, SecurityModel, StepKey, step
from onboarding.store import InvalidInput, Store, UnknownWorkspace
from onboarding.vault import Secret, VaultDecryptError
from tests.actors import ANA, LOCAL


def _tick(store, ws_id, step_key, item_key, checked, actor=LOCAL):
    store.apply(ws_id, lambda now: progress.checklist_ticked(now, step_key, item_key, checked, actor=actor))
    return store.get_progress(ws_id)[step_key]


def _tick_all(store, ws_id, step_key, model=None):
    for item in step(step_key).items_for(model):
        _tick(store, ws_id, step_key, item.key, True)


def _set_model(store, ws_id, model):
    store.apply(ws_id, lambda now: progress.security_model_changed(now, model, actor=LOCAL))


# -- workspaces ------------------------------------------------------------------------------


def test_create_and_list_workspaces(store):
    a = store.create_workspace("  Zeta   Ltd ", actor=ANA)
    b = store.create_workspace("acme", actor=LOCAL)
    assert a.name == "Zeta Ltd"  # outer and repeated spaces are tidied
    assert a.created_by == ANA.audit_label and a.plan is None and not a.archived
    assert [w.name for w in store.list_workspaces()] == ["acme", "Zeta Ltd"]
    assert store.get_workspace(b.id) == b
    assert store.get_workspace(9999) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("", "Give the workspace a name"), ("   ", "Give the workspace a name"), ("x" * 81, "80 or fewer")],
)
def test_invalid_workspace_names_are_refused_with_a_message(store, name, fragment):
    with pytest.raises(InvalidInput) as info:
        store.create_workspace(name, actor=LOCAL)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_name_of_exactly_80_characters_is_accepted(store):
    assert len(store.create_workspace("y" * 80, actor=LOCAL).name) == 80


def test_names_are_unique_ignoring_case(store):
    store.create_workspace("Acme Corp", actor=LOCAL)
    with pytest.raises(InvalidInput, match="already exists"):
        store.create_workspace("ACME  corp", actor=LOCAL)


def test_rename_checks_uniqueness_and_archive_frees_the_name(store):
    a = store.create_workspace("Acme", actor=LOCAL)
    b = store.create_workspace("Beta", actor=LOCAL)
    with pytest.raises(InvalidInput):
        store.rename_workspace(b.id, "acme", actor=LOCAL)
    assert store.rename_workspace(b.id, "Beta Inc", actor=LOCAL).name == "Beta Inc"
    store.archive_workspace(a.id, actor=LOCAL)
    assert store.get_workspace(a.id).archived
    assert [w.name for w in store.list_workspaces()] == ["Beta Inc"]
    assert len(store.list_workspaces(include_archived=True)) == 2
    store.create_workspace("Acme", actor=LOCAL)  # the archived one no longer blocks the name


def test_set_plan_and_security_model(store, workspace):
    store.set_plan(workspace.id, "entity", actor=LOCAL)
    _set_model(store, workspace.id, SecurityModel.USER)
    ws = store.get_workspace(workspace.id)
    assert (ws.plan, ws.security_model) == ("entity", "user")
    with pytest.raises(InvalidInput):
        store.set_plan(workspace.id, "sideways", actor=LOCAL)
    with pytest.raises(ValueError):
        _set_model(store, workspace.id, "sideways")
    assert store.get_workspace(workspace.id).security_model == "user"


def test_operations_on_a_missing_workspace_fail_clearly(store):
    with pytest.raises(UnknownWorkspace):
        _tick(store, 42, StepKey.START, "two_tabs", True)


# -- progress --------------------------------------------------------------------------------


def test_progress_lists_every_step_as_todo_initially(store, workspace):
    progress = store.get_progress(workspace.id)
    assert list(progress) == STEP_KEYS
    assert all(p.state == "todo" and not p.checked for p in progress.values())


def test_ticking_every_item_marks_the_step_done_and_unticking_reverts(store, workspace):
    items = [i.key for i in step(StepKey.START).checklist]
    for key in items[:-1]:
        assert _tick(store, workspace.id, StepKey.START, key, True).state == "todo"
    done = _tick(store, workspace.id, StepKey.START, items[-1], True, actor=ANA)
    assert done.state == "done" and done.checked == frozenset(items) and done.updated_by == ANA.audit_label
    assert _tick(store, workspace.id, StepKey.START, items[0], False).state == "todo"


def test_unknown_checklist_item_is_refused(store, workspace):
    with pytest.raises(KeyError):
        _tick(store, workspace.id, StepKey.START, "no_such_item", True)


def test_security_model_decides_which_ws_user_items_count(store, workspace):
    ws_user = step(StepKey.WS_USER)
    for item in ws_user.items_for(SecurityModel.USER):
        _tick(store, workspace.id, StepKey.WS_USER, item.key, True)
    assert store.get_progress(workspace.id)[StepKey.WS_USER].state == "done"
    # Switching to role-based: the role item is not ticked, so the step is no longer complete.
    _set_model(store, workspace.id, SecurityModel.ROLE)
    assert store.get_progress(workspace.id)[StepKey.WS_USER].state == "todo"


def test_attention_state_is_kept_until_the_checklist_is_completed_again(store, workspace):
    _tick_all(store, workspace.id, StepKey.WEB_SERVICES)
    flag = progress.Outcome(
        LOCAL,
        steps=(progress.StepChange(StepKey.WEB_SERVICES, StepState.ATTENTION, "sender not authorized"),),
    )
    store.apply(workspace.id, flag)
    first = step(StepKey.WEB_SERVICES).checklist[0].key
    now = _tick(store, workspace.id, StepKey.WEB_SERVICES, first, False)
    assert (now.state, now.note) == ("attention", "sender not authorized")
    now = _tick(store, workspace.id, StepKey.WEB_SERVICES, first, True)
    assert (now.state, now.note) == ("done", "")


def test_a_step_change_keeps_its_note_and_refuses_unknown_states(store, workspace):
    store.apply(
        workspace.id,
        progress.Outcome(LOCAL, steps=(progress.StepChange(StepKey.SYNC, StepState.DONE, "1,234 records"),)),
    )
    assert store.get_progress(workspace.id)[StepKey.SYNC].note == "1,234 records"
    with pytest.raises(ValueError):
        store.apply(
            workspace.id, progress.Outcome(LOCAL, steps=(progress.StepChange(StepKey.SYNC, "finished"),))
        )
    assert store.get_progress(workspace.id)[StepKey.SYNC].state == "done"  # nothing of it was written


def test_progress_survives_a_restart(tmp_path, vault):
    path = tmp_path / "restart.db"
    first = Store(path)
    ws = first.create_workspace("Acme", actor=LOCAL)
    _tick(first, ws.id, StepKey.START, "two_tabs", True)
    first.set_plan(ws.id, "top", actor=LOCAL)
    first.save_connection(ws.id, "ACME", "", "routable_ws", "s3cret-pw", vault, actor=LOCAL)
    del first

    again = Store(path)
    assert again.get_workspace(ws.id).plan == "top"
    assert again.get_progress(ws.id)[StepKey.START].checked == {"two_tabs"}
    assert again.get_connection(ws.id, vault).password.reveal() == "s3cret-pw"


def test_database_uses_wal_mode(store):
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_ticks_from_many_threads_are_all_kept(store, workspace):
    items = [i.key for i in step(StepKey.START).checklist]
    errors = []

    def tick(key):
        try:
            _tick(store, workspace.id, StepKey.START, key, True)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(k,)) for k in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    progress = store.get_progress(workspace.id)[StepKey.START]
    assert progress.checked == frozenset(items) and progress.state == "done"


# -- connection ------------------------------------------------------------------------------


def test_connection_password_is_encrypted_and_none_keeps_it(store, workspace, vault):
    store.save_connection(workspace.id, "ACME", "E100", "routable_ws", "first-pw", vault, actor=LOCAL)
    with sqlite3.connect(store.path) as conn:
        token = conn.execute("SELECT password_token FROM connections").fetchone()[0]
    assert "first-pw" not in token

    store.save_connection(workspace.id, "ACME", "", "routable_ws", None, vault, actor=LOCAL)
    saved = store.get_connection(workspace.id, vault)
    assert (saved.company_id, saved.entity_id, saved.user_id) == ("ACME", "", "routable_ws")
    assert isinstance(saved.password, Secret) and saved.password.reveal() == "first-pw"
    assert "first-pw" not in repr(saved)

    store.save_connection(workspace.id, "ACME", "", "routable_ws", "second-pw", vault, actor=LOCAL)
    assert store.get_connection(workspace.id, vault).password.reveal() == "second-pw"


def test_connection_without_vault_reports_a_password_without_decrypting(store, workspace, vault):
    assert store.get_connection(workspace.id) is None
    store.save_connection(workspace.id, "ACME", "", "u", "pw", vault, actor=LOCAL)
    saved = store.get_connection(workspace.id)
    assert saved.password is None and saved.has_password


def test_connection_read_with_the_wrong_key_fails_clearly(store, workspace, vault):
    from onboarding.vault import Vault

    store.save_connection(workspace.id, "ACME", "", "u", "pw-123", vault, actor=LOCAL)
    with pytest.raises(VaultDecryptError) as info:
        store.get_connection(workspace.id, Vault([Vault.generate_key()]))
    assert "pw-123" not in str(info.value)


def test_connection_status(store, workspace, vault):
    store.save_connection(workspace.id, "ACME", "", "u", "pw", vault, actor=LOCAL)
    assert store.get_connection(workspace.id).status == "untested"
    store.set_connection_status(workspace.id, "connected", "Signed in")
    saved = store.get_connection(workspace.id)
    assert (saved.status, saved.status_detail) == ("connected", "Signed in") and saved.verified_at
    store.set_connection_status(workspace.id, "failed", "Sign-in refused")
    saved = store.get_connection(workspace.id)
    assert saved.status == "failed" and saved.verified_at is not None  # last success is remembered
    with pytest.raises(ValueError):
        store.set_connection_status(workspace.id, "meh", "")


# -- audit trail -----------------------------------------------------------------------------


def test_events_are_newest_first_and_limited(store, workspace):
    for n in range(5):
        store.record_event(workspace.id, "note", f"event {n}", actor=ANA)
    latest = store.events(workspace.id, limit=3)
    assert [e.message for e in latest] == ["event 4", "event 3", "event 2"]
    assert all(e.actor == ANA.audit_label and e.actor_key == ANA.key and e.kind == "note" for e in latest)


def test_changes_leave_an_audit_trail(store, workspace):
    _tick(store, workspace.id, StepKey.START, "two_tabs", True, actor=ANA)
    store.set_plan(workspace.id, "top", actor=ANA)
    kinds = [e.kind for e in store.events(workspace.id)]
    assert kinds[:3] == ["plan_set", "checklist", "workspace_created"]
    assert "open in two browser tabs" in store.events(workspace.id)[1].message
