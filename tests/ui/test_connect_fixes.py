"""The Connect page fixes what it can, keeps a working connection through a refused update, and gives
advice that fits the case. Field checks run offline; sign-ins go to the in-process sandbox."""

import pytest

from tests.actors import LOCAL
from tests.ui.harness import (
    DEMO_PASSWORD,
    LOGIN_TIMEOUT,
    finish_steps,
    markdown_text,
    open_app,
    sidebar_states,
)


@pytest.fixture
def ws(store):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="entity")
    return workspace


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _password(at):
    [field] = [t for t in at.text_input if t.label == "Password"]
    return field


def _fill(at, ws, company=None, entity=None, user=None, password=None):
    for key, value in (("company", company), ("entity", entity), ("user", user)):
        if value is not None:
            at.text_input(key=f"connect_{key}_{ws.id}").input(value)
    if password is not None:
        _password(at).input(password)


def test_one_click_removes_spaces_around_an_id(store, ws):
    at = open_app(ws, "connect")
    _fill(at, ws, company=" ACME-DEMO ", user="routable_ws ", password=DEMO_PASSWORD)
    _button(at, "Connect to Sage Intacct").click().run()
    assert any("has a space" in e.value for e in at.error)

    _button(at, "Remove the spaces around the Company ID").click().run()
    assert at.text_input(key=f"connect_company_{ws.id}").value == "ACME-DEMO"
    assert not any("The Company ID has a space" in e.value for e in at.error)
    _button(at, "Remove the spaces around the User ID").click().run()
    assert at.text_input(key=f"connect_user_{ws.id}").value == "routable_ws"
    # The password field was emptied when the form came back: the page says so.
    assert any("password field was emptied" in c.value for c in at.caption)


def test_one_click_splits_company_and_entity(store, ws):
    at = open_app(ws, "connect")
    _fill(at, ws, company="ACME-DEMO|E200", user="routable_ws", password=DEMO_PASSWORD)
    _button(at, "Connect to Sage Intacct").click().run()

    label = "Split it: the part before | as Company ID, the part after as Entity ID"
    _button(at, label).click().run()
    assert at.text_input(key=f"connect_company_{ws.id}").value == "ACME-DEMO"
    assert at.text_input(key=f"connect_entity_{ws.id}").value == "E200"
    assert not [b for b in at.button if b.label == label]


def test_no_split_offered_when_the_plan_has_no_entity_field(store):
    ws = store.create_workspace("Top Co", actor=LOCAL)
    finish_steps(store, ws, plan="top")
    at = open_app(ws, "connect")
    _fill(at, ws, company="ACME-DEMO|E200", user="routable_ws", password=DEMO_PASSWORD)
    _button(at, "Connect to Sage Intacct").click().run()
    assert not [b for b in at.button if b.label.startswith("Split it")]


@pytest.fixture
def connected(sandbox_env, store, ws):
    at = open_app(ws, "connect")
    _fill(at, ws, company="ACME-DEMO", user="routable_ws", password=DEMO_PASSWORD)
    _button(at, "Connect to Sage Intacct").click().run(timeout=LOGIN_TIMEOUT)
    assert store.get_connection(ws.id).status == "connected"
    return at


def test_cancel_after_a_refused_update_restores_the_working_connection(store, ws, connected):
    at = connected
    before = sidebar_states(at)
    _button(at, "Update credentials").click().run()
    _password(at).input("Not-The-Password1")
    _button(at, "Save and reconnect").click().run(timeout=LOGIN_TIMEOUT)

    assert any("did not accept the sign-in" in e.value for e in at.error)
    assert any("saved connection still works" in i.value for i in at.info)
    assert sidebar_states(at) == before  # nothing flagged for a refused change
    assert store.get_connection(ws.id).status == "connected"

    _button(at, "Cancel, keep the current connection").click().run()
    assert not at.error
    assert any("Routable can sign in" in s.value for s in at.success)
    assert _button(at, "Update credentials") and _button(at, "Check permissions again")

    # A fresh session (a reload) shows the same working state.
    again = open_app(ws, "connect")
    assert not again.error and not any("needs attention" in w.value for w in again.warning)
    assert sidebar_states(again) == before


def test_blank_fields_of_an_update_keep_the_saved_values(store, ws, connected):
    at = connected
    _button(at, "Update credentials").click().run()
    at.text_input(key=f"connect_company_{ws.id}").input("")
    at.text_input(key=f"connect_user_{ws.id}").input("")
    at.text_input(key=f"connect_entity_{ws.id}").input("E300")
    _button(at, "Save and reconnect").click().run(timeout=LOGIN_TIMEOUT)

    assert not at.error
    saved = store.get_connection(ws.id)
    assert (saved.company_id, saved.user_id, saved.entity_id) == ("ACME-DEMO", "routable_ws", "E300")


def test_a_refused_entity_names_the_entities_a_top_level_sign_in_listed(store, ws, connected):
    at = connected
    _button(at, "Update credentials").click().run()
    at.text_input(key=f"connect_entity_{ws.id}").input("E999")
    _button(at, "Save and reconnect").click().run(timeout=LOGIN_TIMEOUT)

    assert any("refused the entity" in e.value for e in at.error)
    assert "This company's entities are E100, E200, E300" in markdown_text(at)
    # Each failure quotes Intacct's own words beside the shared code, for support.
    assert any("XL03000006 · Intacct said:" in c.value and "E999" in c.value for c in at.caption)
