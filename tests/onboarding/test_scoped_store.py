"""The store seen through an identity: two workspaces, every query and change, only the allowed one's rows."""

from __future__ import annotations

import inspect

import pytest
from cryptography.fernet import Fernet

from onboarding import progress
from onboarding.access import NOT_FOUND_MESSAGE, AccessDenied
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role
from onboarding.scoped_store import NOT_SCOPED, ScopedStore
from onboarding.steps import StepKey
from onboarding.store import Store
from onboarding.vault import Vault
from tests.actors import LOCAL


@pytest.fixture
def vault():
    return Vault([Fernet.generate_key()])


@pytest.fixture
def two(store, vault):
    """Two workspaces with progress, a connection and events each."""
    mine, theirs = store.create_workspace("Mine", actor=LOCAL), store.create_workspace("Theirs", actor=LOCAL)
    for ws, user in ((mine, "mine_ws"), (theirs, "theirs_ws")):
        store.set_plan(ws.id, "top", actor=LOCAL)
        store.apply(
            ws.id, lambda now: progress.checklist_ticked(now, StepKey.START, "two_tabs", True, actor=LOCAL)
        )
        store.save_connection(ws.id, f"{ws.name.upper()}-CO", "", user, "pw-" + user, vault, actor=LOCAL)
    return mine, theirs


def identity(role: Role, ws_id: int | None) -> Identity:
    return Identity(key=f"t:{role}", name="Tester", role=role, email="tester@example.com", workspace_id=ws_id)


READS = [
    ("get_progress", lambda s, ws: s.get_progress(ws)),
    ("get_connection", lambda s, ws: s.get_connection(ws)),
    ("events", lambda s, ws: s.events(ws)),
]


@pytest.mark.parametrize("role", [Role.CUSTOMER_ADMIN, Role.FINANCE_REVIEWER])
def test_every_query_returns_only_the_allowed_workspaces_rows(store, two, role):
    mine, theirs = two
    scoped = ScopedStore(store, identity(role, mine.id))

    assert [w.id for w in scoped.list_workspaces()] == [mine.id]
    assert [w.id for w in scoped.list_workspaces(include_archived=True)] == [mine.id]
    assert scoped.get_workspace(mine.id) == store.get_workspace(mine.id)
    assert scoped.get_workspace(theirs.id) is None
    assert scoped.workspace_by_ref(mine.ref).id == mine.id
    assert scoped.workspace_by_ref(theirs.ref) is None
    assert scoped.get_connection(mine.id).user_id == "mine_ws"
    assert scoped.get_progress(mine.id)[StepKey.START].checked == {"two_tabs"}
    assert all(e.workspace_id == mine.id for e in scoped.events(mine.id))
    for name, read in READS:
        with pytest.raises(AccessDenied) as refused:
            read(scoped, theirs.id)
        assert str(refused.value) == NOT_FOUND_MESSAGE, name
        # A workspace that does not exist is refused with the very same words.
        with pytest.raises(AccessDenied) as missing:
            read(scoped, 10_000)
        assert str(missing.value) == str(refused.value), name


def test_the_implementation_manager_sees_every_workspace(store, two):
    scoped = ScopedStore(store, LOCAL_IMPLEMENTATION_MANAGER)
    assert {w.name for w in scoped.list_workspaces()} == {"Mine", "Theirs"}
    store.archive_workspace(two[1].id, actor=LOCAL)
    assert {w.name for w in scoped.list_workspaces()} == {"Mine"}
    assert {w.name for w in scoped.list_workspaces(include_archived=True)} == {"Mine", "Theirs"}


def test_a_finance_reviewer_never_gets_the_password_and_changes_nothing(store, two, vault):
    mine, _ = two
    scoped = ScopedStore(store, identity(Role.FINANCE_REVIEWER, mine.id))
    before = store.events(mine.id)
    changes = [
        lambda: scoped.get_connection(mine.id, vault),
        lambda: scoped.save_connection(mine.id, "X", "", "u", "p", vault),
        lambda: scoped.set_connection_status(mine.id, "failed", "x"),
        lambda: scoped.set_plan(mine.id, "entity"),
        lambda: scoped.apply(mine.id, lambda now: progress.security_model_changed(now, "role", actor=LOCAL)),
        lambda: scoped.apply(
            mine.id, lambda now: progress.checklist_ticked(now, StepKey.START, "two_tabs", False, actor=LOCAL)
        ),
        lambda: scoped.apply(
            mine.id, lambda now: progress.sync_finished(now, status="completed", actor=LOCAL)
        ),
        lambda: scoped.apply(mine.id, lambda now: progress.steps_marked_done(now, ["start"], actor=LOCAL)),
        lambda: scoped.record_event(mine.id, "sync", "Sync started."),
        lambda: scoped.rename_workspace(mine.id, "New"),
        lambda: scoped.archive_workspace(mine.id),
        lambda: scoped.delete_workspace(mine.id),
        lambda: scoped.create_workspace("Another"),
    ]
    for change in changes:
        with pytest.raises(AccessDenied) as refused:
            change()
        assert not refused.value.hidden
    assert store.events(mine.id) == before
    assert store.get_connection(mine.id).user_id == "mine_ws"
    assert len(store.list_workspaces()) == 2


def test_a_customer_admin_changes_only_their_own_workspace(store, two, vault):
    mine, theirs = two
    scoped = ScopedStore(store, identity(Role.CUSTOMER_ADMIN, mine.id))
    scoped.set_plan(mine.id, "entity")
    assert scoped.get_connection(mine.id, vault).password.reveal() == "pw-mine_ws"
    for change in (
        lambda: scoped.set_plan(theirs.id, "entity"),
        lambda: scoped.get_connection(theirs.id, vault),
        lambda: scoped.save_connection(theirs.id, "X", "", "u", "p", vault),
        lambda: scoped.record_event(theirs.id, "note", "hello"),
    ):
        with pytest.raises(AccessDenied) as refused:
            change()
        assert refused.value.hidden
    assert store.get_workspace(theirs.id).plan == "top"
    with pytest.raises(AccessDenied):
        scoped.delete_workspace(mine.id)


def test_changes_are_recorded_under_the_identity_whatever_actor_the_caller_passes(store, two):
    mine, _ = two
    admin = identity(Role.CUSTOMER_ADMIN, mine.id)
    scoped = ScopedStore(store, admin)
    scoped.set_plan(mine.id, "entity", actor=LOCAL)
    assert store.events(mine.id)[0].actor == "tester@example.com (Customer admin)"
    # An event decided for someone else is written under the scoped identity too.
    scoped.apply(
        mine.id, lambda now: progress.checklist_ticked(now, StepKey.START, "two_tabs", False, actor=LOCAL)
    )
    assert store.events(mine.id)[0].actor == "tester@example.com (Customer admin)"
    assert store.get_progress(mine.id)[StepKey.START].updated_by == "tester@example.com (Customer admin)"


def test_a_finance_reviewer_may_approve_and_send_back_but_not_submit(store, two):
    mine, _ = two
    scoped = ScopedStore(store, identity(Role.FINANCE_REVIEWER, mine.id))
    scoped.apply(mine.id, lambda now: progress.mapping_approved(now, version=1, actor=LOCAL))
    scoped.apply(
        mine.id, lambda now: progress.mapping_sent_back(now, version=1, comment="fix 6100", actor=LOCAL)
    )
    with pytest.raises(AccessDenied):
        scoped.apply(mine.id, lambda now: progress.mapping_submitted(now, version=2, actor=LOCAL))
    admin = ScopedStore(store, identity(Role.CUSTOMER_ADMIN, mine.id))
    admin.apply(mine.id, lambda now: progress.mapping_submitted(now, version=2, actor=LOCAL))
    with pytest.raises(AccessDenied):
        admin.apply(mine.id, lambda now: progress.mapping_approved(now, version=2, actor=LOCAL))


def test_the_scoped_store_covers_every_public_store_method():
    public = {n for n, _ in inspect.getmembers(Store, inspect.isfunction) if not n.startswith("_")}
    scoped = {n for n, _ in inspect.getmembers(ScopedStore, inspect.isfunction) if not n.startswith("_")}
    missing = public - scoped - NOT_SCOPED
    assert not missing, f"add these to ScopedStore with their access check (or to NOT_SCOPED): {missing}"
