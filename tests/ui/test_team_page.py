"""The People and access page: invitations made and withdrawn in the app, grants by email, deletion."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Role
from onboarding.invite import INVALID_LINK_MESSAGE, InviteBook, load_signing_key
from onboarding.people import People
from onboarding.sync_jobs import sync_db_path
from tests.ui.harness import APP, RUN_TIMEOUT, screen_text
from ui.nav import TEAM_PAGE

LOCAL = LOCAL_IMPLEMENTATION_MANAGER


def open_team(ws) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.session_state["workspace_id"] = ws.id
    at.run()
    return at.switch_page(TEAM_PAGE.page_file).run()


def _book(app_env, store) -> InviteBook:
    return InviteBook(store, load_signing_key(app_env / "data", env={}))


def test_a_manager_creates_a_reviewer_invitation_whose_link_opens_that_workspace(app_env, store):
    ws = store.create_workspace("Acme Rockets", actor=LOCAL)
    at = open_team(ws)
    assert [t.value for t in at.title] == [TEAM_PAGE.title]
    at.selectbox(key=f"team_invite_role_{ws.id}").select(Role.FINANCE_REVIEWER)
    at.text_input(key=f"team_invite_label_{ws.id}").input("Dana, finance lead")
    next(b for b in at.button if b.label == "Create invitation link").click().run()

    assert not at.exception and not at.error
    [link] = [c.value for c in at.code]
    assert link.startswith("http") and "invite=" in link
    token = link.split("invite=", 1)[1]
    who = _book(app_env, store).redeem(token)
    assert (who.role, who.workspace_id, who.name) == (Role.FINANCE_REVIEWER, ws.id, "Dana, finance lead")
    assert any("Dana, finance lead" in m.value and "Finance reviewer" in m.value for m in at.markdown)
    created = store.events(ws.id)[0]
    assert created.kind == "invite_created" and created.actor == LOCAL.audit_label


def test_screen_share_mode_keeps_a_new_link_off_the_screen(app_env, store):
    ws = store.create_workspace("Acme Rockets", actor=LOCAL)
    at = open_team(ws)
    at.sidebar.toggle(key="screen_share_toggle").set_value(True).run()
    next(b for b in at.button if b.label == "Create invitation link").click().run()
    assert not at.code
    assert "invite=" not in screen_text(at)
    assert any("stays hidden" in s.value for s in at.success)


def test_withdrawing_an_invitation_kills_its_link(app_env, store):
    ws = store.create_workspace("Acme Rockets", actor=LOCAL)
    invite, token = _book(app_env, store).create(LOCAL, Role.CUSTOMER_ADMIN, ws.id, label="Ana")
    at = open_team(ws)
    at.button(key=f"team_revoke_{invite.id}").click().run()
    assert not at.exception
    with pytest.raises(Exception, match=INVALID_LINK_MESSAGE[:30]):
        _book(app_env, store).redeem(token)
    assert store.events(ws.id)[0].kind == "invite_revoked"


def test_a_manager_gives_a_person_access_by_email(app_env, store):
    ws = store.create_workspace("Acme Rockets", actor=LOCAL)
    at = open_team(ws)
    at.text_input(key=f"team_people_email_{ws.id}").input("Rui@Acme.test")
    at.selectbox(key=f"team_people_role_{ws.id}").select(Role.CUSTOMER_ADMIN)
    next(b for b in at.button if b.label == "Give access").click().run()
    assert not at.exception and not at.error
    who = People(store).identity_for("rui@acme.test")
    assert (who.role, who.workspace_id) == (Role.CUSTOMER_ADMIN, ws.id)
    at.text_input(key=f"team_people_email_{ws.id}").input("not an email")
    next(b for b in at.button if b.label == "Give access").click().run()
    assert any("email address" in e.value for e in at.error)


def test_deleting_needs_the_typed_name_and_then_removes_everything(app_env, store):
    ws = store.create_workspace("Acme Rockets", actor=LOCAL)
    other = store.create_workspace("Globex", actor=LOCAL)
    synced = sync_db_path(app_env / "data", ws.id)
    synced.parent.mkdir(parents=True, exist_ok=True)
    synced.write_bytes(b"synced data")
    at = open_team(ws)
    at.text_input(key=f"team_delete_confirm_{ws.id}").input("Acme")
    at.button(key=f"team_delete_{ws.id}").click().run()
    assert any("type the workspace's name exactly" in e.value for e in at.error)
    assert store.get_workspace(ws.id) is not None

    at.text_input(key=f"team_delete_confirm_{ws.id}").input("acme rockets")
    at.button(key=f"team_delete_{ws.id}").click().run()
    assert not at.exception
    assert store.get_workspace(ws.id) is None and not synced.exists()
    assert store.get_workspace(other.id) is not None
    assert any("Acme Rockets" in s.value and "deleted" in s.value for s in at.success)
    assert store.events(ws.id)[0].kind == "workspace_deleted"
