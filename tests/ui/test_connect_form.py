"""The Connect form before any network call: field messages, the plan's effect, and the password."""

import pytest

from tests.actors import LOCAL
from tests.ui.harness import finish_steps, open_app, screen_text, session_text

TYPED_PASSWORD = "Hunter2-Typed!"


@pytest.fixture
def ws(store):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="entity")
    return workspace


def submit(at, label="Connect to Sage Intacct"):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def password_field(at):
    [field] = [t for t in at.text_input if t.label == "Password"]
    return field


def test_format_problems_are_shown_next_to_each_field_without_calling_intacct(store, ws):
    at = open_app(ws, "connect")
    at.text_input(key=f"connect_company_{ws.id}").input("ACME-DEMO ")
    at.text_input(key=f"connect_entity_{ws.id}").input("ACME|E100")
    password_field(at).input(TYPED_PASSWORD)
    submit(at)

    assert not at.exception
    messages = [e.value for e in at.error]
    assert any(m.startswith("The Company ID has a space at the end") for m in messages)
    assert any(m.startswith("The Entity ID contains a | character") for m in messages)
    assert any(m.startswith("Enter the user ID") for m in messages)
    assert any("Nothing was sent to Intacct" in m for m in messages)
    # The endpoint refuses connections: had we called it, this diagnosis would be on screen.
    assert not any("could not reach Intacct" in m for m in messages)
    # What the user typed stays, except the password.
    assert at.text_input(key=f"connect_company_{ws.id}").value == "ACME-DEMO "
    assert password_field(at).value == ""
    assert TYPED_PASSWORD not in screen_text(at)
    assert TYPED_PASSWORD not in session_text(at)
    assert store.get_connection(ws.id) is None
    assert store.events(ws.id, limit=1)[0].kind == "connect_form_rejected"


def test_a_top_level_plan_disables_the_entity_field(store, ws):
    store.set_plan(ws.id, "top", actor=LOCAL)
    at = open_app(ws, "connect")

    [entity] = [t for t in at.text_input if t.label == "Entity ID"]
    assert entity.disabled
    assert any("top-level connection" in c.value for c in at.caption)


def test_screen_share_mode_shows_typed_ids_as_dots(store, ws):
    at = open_app(ws, "connect")
    at.sidebar.toggle(key="screen_share_toggle").set_value(True).run()
    at.text_input(key=f"connect_company_{ws.id}").input("ACME-DEMO")
    submit(at)  # no user ID: a field message, and the form shows again

    company = at.text_input(key=f"connect_company_{ws.id}")
    user = at.text_input(key=f"connect_user_{ws.id}")
    assert company.value == "ACME-DEMO"  # kept, so the user can fix the other field
    assert company.proto.type == company.proto.PASSWORD
    assert user.proto.type == user.proto.PASSWORD
    at.sidebar.toggle(key="screen_share_toggle").set_value(False).run()
    assert at.text_input(key=f"connect_company_{ws.id}").proto.type == company.proto.DEFAULT
