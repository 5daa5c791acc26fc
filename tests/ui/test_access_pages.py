"""Every page for every role, through invite links: what each may open, and one refusal for bad links."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from onboarding.access import AccessDenied
from onboarding.access_mode import local_mode_refusal
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Role
from onboarding.invite import INVALID_LINK_MESSAGE, InviteBook
from onboarding.scoped_store import ScopedStore
from onboarding.steps import STEP_KEYS, StepKey, step
from onboarding.sync_jobs import set_aside_damaged_copy, sync_db_path
from tests.ui.harness import APP, ROOT, RUN_TIMEOUT, finish_steps, mark_done, screen_text
from ui.nav import TEAM_PAGE

KEY = "test-invite-signing-key-0123456789abcdef"
PAGES = [*STEP_KEYS, TEAM_PAGE.key]
MANAGER, ADMIN, REVIEWER = Role.IMPLEMENTATION_MANAGER, Role.CUSTOMER_ADMIN, Role.FINANCE_REVIEWER
# The specification, written out: every role opens every step of its workspace; the team page is for those
# who may invite.
ALLOWED = {(role, page) for role in Role for page in STEP_KEYS} | {(MANAGER, "team"), (ADMIN, "team")}


@pytest.fixture
def invite_mode(app_env, monkeypatch):
    monkeypatch.setenv("ROUTABLE_ACCESS_MODE", "invite")
    monkeypatch.setenv("ROUTABLE_INVITE_KEY", KEY)
    return app_env


@pytest.fixture
def world(store, invite_mode):
    """Two workspaces with every step done, so no page is locked by its prerequisites."""
    acme = store.create_workspace("Acme Rockets", actor=LOCAL_IMPLEMENTATION_MANAGER)
    globex = store.create_workspace("Globex Secret Project", actor=LOCAL_IMPLEMENTATION_MANAGER)
    for ws in (acme, globex):
        finish_steps(store, ws, plan="top")
        mark_done(store, ws, [StepKey.CONNECT, StepKey.SYNC, StepKey.MAP])
    return store, acme, globex


def _page_file(page: str) -> str:
    return TEAM_PAGE.page_file if page == TEAM_PAGE.key else step(page).page_file


def _title(page: str) -> str:
    return TEAM_PAGE.title if page == TEAM_PAGE.key else step(page).title


def token_for(store, role: Role, ws_id: int | None) -> str:
    return InviteBook(store, KEY.encode()).create(LOCAL_IMPLEMENTATION_MANAGER, role, ws_id)[1]


def open_with(token: str | None, page: str, *, directly: bool = False, ws_ref: str | None = None) -> AppTest:
    """`page` through app.py (or its file alone, as on a fresh server), holding the invite `token`."""
    at = AppTest.from_file(str(ROOT / _page_file(page) if directly else APP), default_timeout=RUN_TIMEOUT)
    if token is not None:
        at.query_params["invite"] = token
    if ws_ref is not None:
        at.query_params["ws"] = ws_ref
    at.run()
    if not directly and page != STEP_KEYS[0] and not at.error:
        at.switch_page(_page_file(page)).run()
    return at


@pytest.mark.parametrize("directly", [False, True], ids=["via-app", "page-alone"])
@pytest.mark.parametrize("role", list(Role))
def test_every_page_for_every_role(world, role, directly):
    store, acme, globex = world
    token = token_for(store, role, None if role is MANAGER else acme.id)
    for page in PAGES:
        at = open_with(token, page, directly=directly, ws_ref=acme.ref if role is MANAGER else None)
        assert not at.exception, (role, page)
        titles = [t.value for t in at.title]
        if (role, page) in ALLOWED:
            assert titles == [_title(page)], (role, page, titles, [e.value for e in at.error])
            assert not at.error, (role, page, [e.value for e in at.error])
        else:
            assert titles == [_title(page)]
            [refusal] = at.error
            assert refusal.value.startswith("As a finance reviewer you cannot"), refusal.value
        text = screen_text(at)
        if role is not MANAGER:
            assert "Globex Secret Project" not in text, (role, page)


def test_what_a_finance_reviewer_can_and_cannot_touch(world):
    store, acme, _ = world
    token = token_for(store, REVIEWER, acme.id)
    start = open_with(token, StepKey.START)
    assert start.checkbox and all(box.disabled for box in start.checkbox)
    connect = open_with(token, StepKey.CONNECT)
    assert "Company ID" not in [t.label for t in connect.text_input]
    assert not [b for b in connect.button if "credentials" in b.label.lower()]
    assert any("Only a customer admin" in c.value for c in connect.caption)
    sync = open_with(token, StepKey.SYNC)
    labels = [b.label for b in sync.button]
    assert "Start the sync" not in labels and "Stop the sync" not in labels
    switcher = sync.sidebar.selectbox(key="workspace_switcher")
    assert switcher.options == ["Acme Rockets"]


def test_a_customer_admin_works_on_the_own_workspace_only(world):
    store, acme, globex = world
    token = token_for(store, ADMIN, acme.id)
    connect = open_with(token, StepKey.CONNECT)
    assert "Company ID" in [t.label for t in connect.text_input]
    sync = open_with(token, StepKey.SYNC)
    assert "Start the sync" in [b.label for b in sync.button]
    start = open_with(token, StepKey.START)
    assert start.checkbox and not any(box.disabled for box in start.checkbox)
    start.checkbox(key=f"check_{acme.id}_start_two_tabs").uncheck().run()
    assert store.events(acme.id)[0].actor.endswith("(Customer admin)")
    # Someone else's workspace by URL: the same as a workspace that does not exist.
    foreign = open_with(token, StepKey.START, ws_ref=globex.ref)
    missing = open_with(token, StepKey.START, ws_ref="no-such-workspace-reference")
    assert screen_text(foreign) == screen_text(missing)
    assert "Globex Secret Project" not in screen_text(foreign)
    team = open_with(token, TEAM_PAGE.key)
    roles = team.selectbox(key=f"team_invite_role_{acme.id}").options
    assert roles == [ADMIN.label, REVIEWER.label]
    assert not [s for s in team.subheader if s.value == "Delete this workspace"]


def _expire(store, token: str) -> None:
    conn = sqlite3.connect(store.path)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    conn.execute("UPDATE invites SET expires_at = ? WHERE id = ?", (past, token.split(".")[0]))
    conn.commit()
    conn.close()


def test_bad_links_and_no_link_get_one_and_the_same_refusal_on_every_page(world):
    store, acme, globex = world
    book = InviteBook(store, KEY.encode())
    good = token_for(store, REVIEWER, acme.id)
    revoked = token_for(store, REVIEWER, acme.id)
    book.revoke(LOCAL_IMPLEMENTATION_MANAGER, revoked.split(".")[0])
    expired = token_for(store, REVIEWER, acme.id)
    _expire(store, expired)
    gone = token_for(store, REVIEWER, globex.id)
    store.delete_workspace(globex.id, actor=LOCAL_IMPLEMENTATION_MANAGER)
    forged = good.split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    other_key = InviteBook(store, b"z" * 40).create(LOCAL_IMPLEMENTATION_MANAGER, REVIEWER, acme.id)[1]
    bad = {
        "forged": forged,
        "expired": expired,
        "revoked": revoked,
        "malformed": "%%%not-a-link",
        "other workspace gone": gone,
        "other deployment": other_key,
        "none": None,
    }
    screens = set()
    for name, token in bad.items():
        for page in (StepKey.START, StepKey.CONNECT, StepKey.REVIEW, TEAM_PAGE.key):
            for directly in (False, True):
                at = open_with(token, page, directly=directly)
                assert not at.exception, name
                assert [e.value for e in at.error] == [INVALID_LINK_MESSAGE], (name, page, directly)
                assert not at.sidebar.selectbox, name
                screens.add(screen_text(at).replace(str(page), ""))
    assert len({s.count(INVALID_LINK_MESSAGE) for s in screens}) == 1
    assert "Acme" not in "".join(screens)


def test_local_mode_refuses_to_serve_off_loopback(store, monkeypatch):
    from streamlit import config

    ws = store.create_workspace("Acme Rockets", actor=LOCAL_IMPLEMENTATION_MANAGER)
    before = config.get_option("server.address")
    try:
        for address in ("0.0.0.0", "192.168.1.20", ""):
            config.set_option("server.address", address)
            at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
            at.session_state["workspace_id"] = ws.id
            at.run()
            assert [e.value for e in at.error] == [local_mode_refusal(address)], address
            assert "ROUTABLE_ACCESS_MODE" in at.error[0].value
            assert not at.checkbox and "Acme" not in screen_text(at)
        config.set_option("server.address", "127.0.0.1")
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        at.session_state["workspace_id"] = ws.id
        at.run()
        assert not at.error and [t.value for t in at.title] == ["Before you start"]
        assert any("Local mode" in c.value for c in at.sidebar.caption)
    finally:
        config.set_option("server.address", before)


def test_an_unknown_access_mode_names_the_setting(store, monkeypatch):
    monkeypatch.setenv("ROUTABLE_ACCESS_MODE", "everyone")
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT).run()
    assert "ROUTABLE_ACCESS_MODE" in at.error[0].value and "local, invite, oidc" in at.error[0].value


def test_oidc_mode_asks_to_sign_in_on_every_page(store, monkeypatch):
    monkeypatch.setenv("ROUTABLE_ACCESS_MODE", "oidc")
    store.create_workspace("Acme Rockets", actor=LOCAL_IMPLEMENTATION_MANAGER)
    for page in (StepKey.START, StepKey.CONNECT, TEAM_PAGE.key):
        at = open_with(None, page, directly=True)
        assert [b.label for b in at.button] == ["Sign in"]
        assert "Acme" not in screen_text(at)


def test_a_finance_reviewer_is_told_of_a_damaged_copy_but_cannot_move_it_aside(world, invite_mode):
    store, acme, _ = world
    db = sync_db_path(invite_mode / "data", acme.id)
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"not SQLite at all " * 500)
    at = open_with(token_for(store, REVIEWER, acme.id), StepKey.SYNC)
    assert not at.exception
    assert any("is damaged" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Move the damaged copy aside and sync afresh"]
    assert any("can move the damaged copy aside" in c.value for c in at.caption)
    with pytest.raises(AccessDenied) as refused:
        set_aside_damaged_copy(ScopedStore(store, InviteBook(store, KEY.encode()).redeem(
            token_for(store, REVIEWER, acme.id))), invite_mode / "data", acme.id)  # fmt: skip
    assert not refused.value.hidden
    assert db.read_bytes().startswith(b"not SQLite")  # left where it was
    assert [p.name for p in db.parent.iterdir() if ".damaged-" in p.name] == []
