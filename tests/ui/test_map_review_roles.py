"""The Map and Review pages for a finance reviewer and a customer admin: each sees only what it may do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Role
from onboarding.invite import InviteBook
from onboarding.steps import StepKey, step
from tests.mapping_helpers import open_map_sections
from tests.onboarding.mapping.test_repository import GOOD
from tests.ui.harness import APP, RUN_TIMEOUT, mark_done
from tests.ui.test_review_page import submit

KEY = "test-invite-signing-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _suggestions(interim_suggestions):
    return interim_suggestions


@pytest.fixture
def invite_mode(app_env, monkeypatch):
    monkeypatch.setenv("ROUTABLE_ACCESS_MODE", "invite")
    monkeypatch.setenv("ROUTABLE_INVITE_KEY", KEY)


def open_as(store, ws, role: Role, page: str) -> AppTest:
    token = InviteBook(store, KEY.encode()).create(LOCAL_IMPLEMENTATION_MANAGER, role, ws.id)[1]
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.query_params["invite"] = token
    at.run()
    at.switch_page(step(page).page_file).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def keys_of(at, kind: str) -> set[str]:
    return {w.key for w in at.get(kind) if w.key}


def test_a_finance_reviewer_reads_the_mapping_and_may_export_it(ws, store, mapping, invite_mode):
    at = open_as(store, ws, Role.FINANCE_REVIEWER, StepKey.MAP)
    [grid] = at.data_editor
    assert grid.proto.disabled is True
    open_map_sections(at, ws.id)
    buttons = keys_of(at, "button")
    for name in (
        "save",
        "discard",
        "submit",
        "accept",
        "set",
        "exclude",
        "do_import",
        "cat_add",
        "cat_retire",
    ):
        assert f"map{ws.id}:{name}" not in buttons, name
    assert not at.get("file_uploader")
    assert f"map{ws.id}:download" in keys_of(at, "download_button")
    assert any("You can read and export this mapping" in c.value for c in at.caption)
    # Filters still work, and grid edits sent anyway change nothing in the draft.
    at.toggle(key=f"map{ws.id}:f_unmapped").set_value(True).run()
    grid_key = f"map{ws.id}:grid{at.session_state[f'map{ws.id}:editor']}"
    at.session_state[grid_key] = {
        "edited_rows": {0: {"Routable category": "Travel"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.session_state[f"map{ws.id}:draft"].dirty


def test_a_customer_admin_edits_the_mapping(ws, store, invite_mode):
    at = open_as(store, ws, Role.CUSTOMER_ADMIN, StepKey.MAP)
    [grid] = at.data_editor
    assert grid.proto.disabled is False
    open_map_sections(at, ws.id)
    buttons = keys_of(at, "button")
    assert {f"map{ws.id}:{name}" for name in ("save", "submit", "accept", "do_import", "cat_add")} <= buttons
    assert not any("You can read and export this mapping" in c.value for c in at.caption)


def test_a_customer_admin_sees_no_decision_on_review(ws, store, mapping, invite_mode):
    submit(mapping, ws, GOOD)
    mark_done(store, ws, [StepKey.MAP])
    at = open_as(store, ws, Role.CUSTOMER_ADMIN, StepKey.REVIEW)
    buttons = keys_of(at, "button")
    assert f"review{ws.id}:approve" not in buttons and f"review{ws.id}:send_back" not in buttons
    assert not at.text_area
    assert any("is for the finance reviewer or the implementation manager" in c.value for c in at.caption)
    assert any(m.label == "Mapped" for m in at.metric)  # the version itself is still shown


def test_a_finance_reviewer_decides_on_review(ws, store, mapping, invite_mode):
    submit(mapping, ws, GOOD)
    mark_done(store, ws, [StepKey.MAP])
    at = open_as(store, ws, Role.FINANCE_REVIEWER, StepKey.REVIEW)
    buttons = keys_of(at, "button")
    assert {f"review{ws.id}:approve", f"review{ws.id}:send_back"} <= buttons
    at.button(key=f"review{ws.id}:approve").click().run()
    assert any("Version 1 is approved" in t.value for t in at.toast)
