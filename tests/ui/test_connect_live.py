"""The Connect step against the in-process sandbox (sandbox mode): real sign-ins over loopback HTTP."""

import re

import pytest

from tests.actors import LOCAL
from tests.ui.harness import (
    DEMO_PASSWORD,
    LOGIN_TIMEOUT,
    finish_steps,
    markdown_text,
    open_app,
    screen_text,
    session_text,
    sidebar_states,
)

GREEN = ":green[:material/check_circle:]"
RED = ":red[:material/cancel:]"


@pytest.fixture
def ws(sandbox_env, store):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="entity")
    return workspace


def connect(at, ws, company, user, password=DEMO_PASSWORD, entity=""):
    at.text_input(key=f"connect_company_{ws.id}").input(company)
    if entity:
        at.text_input(key=f"connect_entity_{ws.id}").input(entity)
    at.text_input(key=f"connect_user_{ws.id}").input(user)
    [password_field] = [t for t in at.text_input if t.label == "Password"]
    password_field.input(password)
    label = next(b.label for b in at.button if b.label in ("Connect to Sage Intacct", "Save and reconnect"))
    next(b for b in at.button if b.label == label).click()
    at.run(timeout=LOGIN_TIMEOUT)
    assert not at.exception
    return at


def links(at):
    return [link.proto.label for link in at.main.get("page_link")]


def assert_password_nowhere(at, password=DEMO_PASSWORD):
    assert password not in screen_text(at)
    assert password not in session_text(at)
    assert all(t.value in ("", None) for t in at.text_input if t.label == "Password")


def test_a_company_that_has_not_authorized_us_leads_to_the_web_services_step(store, ws):
    at = connect(open_app(ws, "connect"), ws, "NOAUTH-DEMO", "routable_ws")

    assert any("not authorized our sender ID" in e.value for e in at.error)
    assert "Go back to Step 4: Turn on Web Services and authorize our sender ID" in links(at)
    assert "RoutableMPP" in markdown_text(at)  # the fix names the exact sender ID to add
    assert [c.value for c in at.code] == ["RoutableMPP"]  # ... and offers it with a copy button
    assert any(c.value.startswith("Intacct error code, for support: ") for c in at.caption)
    # ...next to the request's and the function's control IDs, so support can find the exchange.
    assert any(
        re.search(r"reference: request [0-9a-f-]{36}, function [0-9a-f-]{36}", c.value) for c in at.caption
    )
    assert sidebar_states(at)["Turn on Web Services and authorize our sender ID"] == "needs attention"
    assert sidebar_states(at)["Connect"] == "needs attention"
    assert_password_nowhere(at)


def test_a_wrong_password_leads_to_the_web_services_user_step(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", password="Not-The-Password1")

    assert any("did not accept the sign-in" in e.value for e in at.error)
    assert "Go back to Step 5: Create the Web Services user" in links(at)
    assert sidebar_states(at)["Create the Web Services user"] == "needs attention"
    assert store.get_connection(ws.id) is None  # nothing is saved from a failed sign-in
    assert_password_nowhere(at, "Not-The-Password1")


def test_an_unknown_entity_leads_to_the_ids_step(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E999")

    assert any("refused the entity" in e.value for e in at.error)
    assert "Go back to Step 3: Find your Company ID and Entity ID" in links(at)
    assert_password_nowhere(at)


def test_top_level_success_offers_the_entities_to_pick_from(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws")

    assert any("Signed in to ACME-DEMO at top level" in s.value for s in at.success)
    picker = at.selectbox(key=f"connect_entity_picker_{ws.id}_top")
    assert picker.options[0] == "Top level (all entities)"
    assert [option.split(" · ")[0] for option in picker.options[1:]] == ["E100", "E200", "E300"]
    assert picker.value is None  # the plan is entity level: the user must choose

    picker.select("E200").run()
    next(b for b in at.button if b.label.startswith("Connect to E200")).click().run(timeout=LOGIN_TIMEOUT)

    assert not at.exception
    assert any("at entity E200" in s.value for s in at.success)
    assert store.get_connection(ws.id).entity_id == "E200"
    assert sidebar_states(at)["Connect"] == "done"
    assert_password_nowhere(at)


def test_preflight_is_all_green_for_a_full_access_user(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E100")

    assert any("can read everything Routable needs" in s.value for s in at.success)
    text = markdown_text(at)
    for label in ("GL accounts", "Vendors", "AP terms", "Departments"):
        assert f"{GREEN} **{label}**" in text
    assert RED not in text
    assert "Step 7: Sync" in links(at)
    assert_password_nowhere(at)


def test_preflight_names_the_missing_gl_account_permission(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "limited_ws", entity="E100")

    # One verdict: signed in, but a permission is missing; never a green success above a red list.
    [verdict] = [w.value for w in at.warning if "Signed in, but" in w.value]
    assert "1 permission is missing" in verdict and "GL accounts" in verdict
    assert not any("Signed in to" in s.value for s in at.success)
    text = markdown_text(at)
    assert f"{RED} **GL accounts**" in text
    assert f"{GREEN} **Vendors**" in text
    fix = next(m.value for m in at.markdown if m.value.startswith("> **Permission to add:**"))
    assert "General Ledger" in fix and "Accounts" in fix and "List, View" in fix
    assert sidebar_states(at)["Create the Web Services user"] == "needs attention"
    assert "Step 7: Sync" not in links(at)


def test_screen_share_mode_masks_ids_everywhere(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E100")
    assert "ACME-DEMO" in screen_text(at)

    at.sidebar.toggle(key="screen_share_toggle").set_value(True).run()
    text = screen_text(at)
    assert "ACME-DEMO" not in text and "routable_ws" not in text
    assert "AC•••••O" in text and "ro•••••s" in text

    # Updating credentials starts from empty ID fields; the Entity ID, never masked, stays filled in.
    next(b for b in at.button if b.label == "Update credentials").click().run()
    assert at.text_input(key=f"connect_company_{ws.id}").value == ""
    assert at.text_input(key=f"connect_entity_{ws.id}").value == "E100"
    assert "ACME-DEMO" not in screen_text(at)
    # The mode follows the user to other pages.
    at.switch_page("pages/ws_user.py").run()
    assert at.sidebar.toggle(key="screen_share_toggle").value is True
    assert "ro•••••s at AC•••••O" in markdown_text(at) + "".join(i.value for i in at.info)
    assert "routable_ws" not in screen_text(at) and "ACME-DEMO" not in screen_text(at)


def test_update_credentials_keeps_all_other_progress(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E100")
    before = {key: p.checked for key, p in store.get_progress(ws.id).items()}

    next(b for b in at.button if b.label == "Update credentials").click().run()
    assert at.text_input(key=f"connect_company_{ws.id}").value == "ACME-DEMO"
    at.text_input(key=f"connect_entity_{ws.id}").input("E300")
    next(b for b in at.button if b.label == "Save and reconnect").click().run(timeout=LOGIN_TIMEOUT)

    assert not at.exception
    saved = store.get_connection(ws.id)
    assert (saved.entity_id, saved.has_password, saved.status) == ("E300", True, "connected")
    assert {key: p.checked for key, p in store.get_progress(ws.id).items()} == before
    assert any("password unchanged" in e.message for e in store.events(ws.id, limit=5))
    assert_password_nowhere(at)


def test_sandbox_mode_names_the_practice_companies_on_the_ids_step(store, ws):
    at = open_app(ws, "ids")

    hint = next(i.value for i in at.info if i.value.startswith("**In the sandbox:**"))
    assert "ACME-DEMO (entities E100, E200, E300)" in hint and "NOAUTH-DEMO" in hint


def test_sandbox_mode_lists_demo_sign_ins_but_hides_the_password_until_asked(store, ws):
    at = open_app(ws, "connect")

    assert any("Sandbox mode" in i.value for i in at.sidebar.info)
    assert "**NOAUTH-DEMO · routable_ws**" in markdown_text(at)
    assert DEMO_PASSWORD not in screen_text(at)
    # Each demo sign-in has copy buttons that carry the values without showing them.
    frames = [f.proto.srcdoc for f in at.get("iframe")]
    assert len(frames) == 5 and all(">Password<" in f and ">Company ID<" in f for f in frames)
    assert not any(DEMO_PASSWORD in f or "NOAUTH-DEMO" in f for f in frames)

    at.toggle(key="connect_show_demo_password").set_value(True).run()
    assert DEMO_PASSWORD in [c.value for c in at.code]


def test_in_screen_share_mode_blank_fields_reconnect_with_everything_saved(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E200")
    at.sidebar.toggle(key="screen_share_toggle").set_value(True).run()
    next(b for b in at.button if b.label == "Update credentials").click().run()

    next(b for b in at.button if b.label == "Save and reconnect").click().run(timeout=LOGIN_TIMEOUT)

    assert not at.exception
    assert any("at entity E200" in s.value for s in at.success)
    saved = store.get_connection(ws.id)
    assert (saved.company_id, saved.entity_id, saved.user_id, saved.status) == (
        "ACME-DEMO",
        "E200",
        "routable_ws",
        "connected",
    )
    assert "ACME-DEMO" not in screen_text(at) and "routable_ws" not in screen_text(at)


def test_an_unknown_company_leads_to_the_web_services_user_step_and_mentions_the_company_id(store, ws):
    at = connect(open_app(ws, "connect"), ws, "NO-SUCH-CO", "routable_ws")

    assert any("did not accept the sign-in" in e.value for e in at.error)
    assert "Go back to Step 5: Create the Web Services user" in links(at)
    assert "Company ID character by character" in markdown_text(at)


def test_an_entity_restricted_user_at_top_level_leads_to_the_ids_step(store, ws):
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "entity_ws")

    assert any("may only connect to certain entities" in e.value for e in at.error)
    # The Entity ID was blank: advice to leave it blank would send the user round in circles.
    assert "blank" not in markdown_text(at) and "clear the Entity ID" not in markdown_text(at)
    assert "Go back to Step 3: Find your Company ID and Entity ID" in links(at)
    assert sidebar_states(at)["Find your Company ID and Entity ID"] == "needs attention"


@pytest.fixture
def fast_retries(monkeypatch):
    from onboarding import connection

    monkeypatch.setitem(connection.INTERACTIVE_CLIENT_OPTIONS, "backoff_base", 0.001)
    monkeypatch.setitem(connection.INTERACTIVE_CLIENT_OPTIONS, "backoff_max", 0.01)


def _configured(monkeypatch, endpoint, sender_password="sandbox-sender-secret"):
    monkeypatch.setenv("INTACCT_SENDER_ID", "RoutableMPP")
    monkeypatch.setenv("INTACCT_SENDER_PASSWORD", sender_password)
    monkeypatch.setenv("INTACCT_ENDPOINT", endpoint)


@pytest.mark.parametrize(
    ("situation", "title", "retry_hint"),
    [
        ("our sender refused", "Our own Intacct credentials were refused", False),
        ("unreachable", "We could not reach Intacct", True),
        ("rate limited", "Intacct is busy with other requests from your company", True),
    ],
)
def test_failures_with_nothing_to_fix_in_intacct_send_nobody_back(
    store, ws, sandbox, make_sandbox, fast_retries, monkeypatch, situation, title, retry_hint
):
    if situation == "our sender refused":
        _configured(monkeypatch, sandbox.url, sender_password="not-our-sender-secret")
    elif situation == "unreachable":
        _configured(monkeypatch, "http://127.0.0.1:9/ia/xml/xmlgw.phtml")
    else:
        _configured(monkeypatch, make_sandbox(faults="rate429=1").url)
    at = connect(open_app(ws, "connect"), ws, "ACME-DEMO", "routable_ws", entity="E100")

    assert any(title in e.value for e in at.error)
    assert not any(label.startswith("Go back to") for label in links(at))
    assert "Nothing to change in Intacct" in markdown_text(at)
    assert any("usually temporary" in c.value for c in at.caption) is retry_hint
    states = sidebar_states(at)
    # A busy or unreachable gateway says nothing about the details: it marks nothing failed.
    assert states["Connect"] == ("to do" if retry_hint else "needs attention")
    for earlier in ("Find your Company ID and Entity ID", "Create the Web Services user"):
        assert states[earlier] == "done"  # nothing there to revisit
    assert store.get_connection(ws.id) is None
    assert_password_nowhere(at)


def test_screen_share_mode_hides_the_demo_password_even_when_it_was_revealed(store, ws):
    at = open_app(ws, "connect")
    at.toggle(key="connect_show_demo_password").set_value(True).run()
    assert DEMO_PASSWORD in [c.value for c in at.code]

    at.sidebar.toggle(key="screen_share_toggle").set_value(True).run()
    assert DEMO_PASSWORD not in screen_text(at)
    assert "**AC•••••O · ro•••••s**" in markdown_text(at)
    assert any("stays hidden" in c.value for c in at.caption)
