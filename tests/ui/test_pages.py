"""Every page renders, through the app and on its own, and shows its own guidance."""

import pytest

from onboarding.steps import SENDER_ID, STEP_KEYS, step
from tests.actors import LOCAL
from tests.ui.harness import finish_steps, mark_done, markdown_text, open_app, open_page_directly


@pytest.fixture
def ready_workspace(store):
    """A workspace whose checklist steps are all ticked, so no page is held back by prerequisites."""
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, plan="top")
    mark_done(store, ws, ["connect", "sync", "map"])
    return ws


@pytest.mark.parametrize("page", STEP_KEYS)
def test_each_page_renders_through_the_app(store, ready_workspace, page):
    at = open_app(ready_workspace, page)

    assert not at.exception
    assert [t.value for t in at.title] == [step(page).title]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", STEP_KEYS)
def test_each_page_file_sets_itself_up_without_app_py(store, ready_workspace, page):
    at = open_page_directly(page, ready_workspace)

    assert not at.exception
    assert [t.value for t in at.title] == [step(page).title]
    # The sidebar came from the guard: workspace switcher and the step list (as text: no navigation).
    assert at.sidebar.selectbox(key="workspace_switcher").value == ready_workspace.id
    sidebar_text = "\n".join(m.value for m in at.sidebar.markdown)
    assert "1. Before you start · done" in sidebar_text


def test_web_services_page_offers_our_sender_id_to_copy(store, ready_workspace):
    at = open_app(ready_workspace, "web_services")

    assert [c.value for c in at.code] == [SENDER_ID]
    text = markdown_text(at)
    assert (
        "In Sage Intacct, go to **Company › Setup › Company Information** (in newer Intacct menus: "
        "**Company › Setup › Company**)." in text
    )
    assert "**Security** tab" in text and "**Web Services authorizations**" in text


def test_the_sender_id_to_authorize_is_the_configured_one(store, ready_workspace, monkeypatch):
    monkeypatch.setenv("INTACCT_SENDER_ID", "AcmePayMPP")
    at = open_app(ready_workspace, "web_services")

    assert [c.value for c in at.code] == ["AcmePayMPP"]
    assert SENDER_ID not in markdown_text(at) + "".join(w.value for w in at.warning)
    assert not any(SENDER_ID in c.label for c in at.checkbox)


def test_a_locked_step_still_says_what_it_is_for(store):
    # A finance lead opening the Review link early learns what will be asked of them.
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws)
    at = open_app(ws, "review")

    assert [t.value for t in at.title] == ["Review & approve"]
    assert step("review").summary in markdown_text(at)
    assert "finance lead" in step("review").summary
    links = [link.proto.label for link in at.main.get("page_link")]
    assert links == ["Step 6: Connect", "Step 7: Sync", "Step 8: Map accounts"]


def test_ids_page_skips_the_entity_id_for_a_top_level_plan(store, ready_workspace):
    at = open_app(ready_workspace, "ids")
    assert any("no Entity ID" in s.value for s in at.success)

    store.set_plan(ready_workspace.id, "entity", actor=LOCAL)
    at.run()
    assert not any("no Entity ID" in s.value for s in at.success)
    assert "Company › Setup › Entities" in markdown_text(at)


def test_ws_user_page_lists_the_permissions_the_preflight_checks(store, ready_workspace):
    at = open_app(ready_workspace, "ws_user")
    table = at.dataframe[0].value.set_index("Data")
    for label in ("GL accounts", "Vendors", "AP terms"):
        assert label in table.index
    assert table.loc["GL accounts"].tolist()[:4] == ["General Ledger", "Accounts", "List, View", "Required"]
