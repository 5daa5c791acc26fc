"""The Map accounts page in AppTest: the table, filters, bulk actions, checks, saving and submitting.

AppTest cannot type into the grid, so edits are seeded into the grid's session-state key the way the
browser sends them (``edited_rows``); the browser journey covers real typing.
"""

from __future__ import annotations

import json

import pytest
from streamlit.proto.Block_pb2 import Block as BlockProto

from onboarding.identity import Identity, Role
from onboarding.mapping.model import UNDECIDED, Decision
from onboarding.mapping.repository import Change
from onboarding.progress import Outcome, StepChange, StepState
from tests.actors import LOCAL
from tests.mapping_helpers import CHART, gl, open_map_sections, write_workspace_accounts
from tests.ui.harness import open_app, sidebar_states
from ui.display import as_text
from ui.map_view import STATE_WIDTH

ANA = Identity("email:ana@acme.test", "Ana", Role.CUSTOMER_ADMIN, "ana@acme.test", verified=True)


@pytest.fixture(autouse=True)
def _suggestions(interim_suggestions):
    return interim_suggestions


TO_DO_LABEL = "{} · Active income-statement accounts still to decide (choose a category or exclude) (to do)"


def k(ws, name):
    return f"map{ws.id}:{name}"


def shown(at, ws):
    return at.session_state[k(ws, "shown")]


def metrics(at):
    return {m.label: m.value for m in at.metric}


def chart_counts(at):
    """The coverage chart's bar, as the spec sent to the browser holds it: {state: accounts}."""
    [chart] = at.get("vega_lite_chart")
    values = json.loads(chart.proto.spec)["layer"][0]["data"]["values"]
    return {v["State"]: v["Accounts"] for v in values}


def edit(at, ws, edits):
    """Seed grid edits: {account: {column: value}}, positions taken from the rows shown."""
    rows = shown(at, ws)
    grid = f"map{ws.id}:grid{at.session_state[k(ws, 'editor')]}"
    at.session_state[grid] = {
        "edited_rows": {rows.index(account): values for account, values in edits.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def click(at, ws, name):
    return at.button(key=k(ws, name)).click().run()


def test_the_table_lists_every_account_with_coverage_and_problems(ws):
    at = open_app(ws, "map")
    assert not at.exception and not at.error
    assert shown(at, ws) == [r["ACCOUNTNO"] for r in CHART]
    # Nothing decided yet is a to-do, not an error: the five that block a submission are said as such.
    assert metrics(at) == {"Mapped": "0", "Excluded": "0", "To do": "8", "Errors": "0", "Warnings": "0"}
    assert any("5 of the accounts to do are active income-statement accounts" in c.value for c in at.caption)
    assert any("No problems in what is decided so far" in s.value for s in at.success)
    labels = [b.label for b in at.button]
    assert TO_DO_LABEL.format(5) in labels
    assert not any(label.endswith("(error)") for label in labels)
    table = at.session_state[k(ws, "draft")].table
    assert table.loc["6000", "Required dimensions"] == "Department, Location"
    assert table.loc["6100", "Suggested category"] == "Software & Subscriptions"
    assert table.loc["6100", "State"] == "suggested"


def test_filters(ws, app_env, mapping):
    at = open_app(ws, "map")
    at.toggle(key=k(ws, "f_unmapped")).set_value(True).run()
    assert len(shown(at, ws)) == 8
    at.toggle(key=k(ws, "f_unmapped")).set_value(False)
    at.toggle(key=k(ws, "f_problems")).set_value(True).run()
    assert shown(at, ws) == []  # accounts still to decide are no problem yet ("unmapped only" shows them)
    at.toggle(key=k(ws, "f_problems")).set_value(False)
    at.multiselect(key=k(ws, "f_types")).set_value(["Balance sheet"]).run()
    assert shown(at, ws) == ["1000", "1500"]
    at.multiselect(key=k(ws, "f_types")).set_value([])
    at.multiselect(key=k(ws, "f_statuses")).set_value(["Inactive"]).run()
    assert shown(at, ws) == ["6300"]
    at.multiselect(key=k(ws, "f_statuses")).set_value([])
    at.text_input(key=k(ws, "f_from")).input("4000")
    at.text_input(key=k(ws, "f_to")).input("6100").run()
    assert shown(at, ws) == ["4000", "6000", "6100"]
    at.text_input(key=k(ws, "f_from")).input("")
    at.text_input(key=k(ws, "f_to")).input("")
    at.text_input(key=k(ws, "f_search")).input("expense").run()
    assert shown(at, ws) == ["6000", "6200"]
    at.text_input(key=k(ws, "f_search")).input("").run()
    assert len(shown(at, ws)) == 8


def test_the_problem_list_filters_to_a_problem(ws):
    at = open_app(ws, "map")
    at.button(key=k(ws, "problem:UNMAPPED")).click().run()
    assert shown(at, ws) == ["4000", "6000", "6100", "6200", "6400"]
    at.button(key=k(ws, "problem:clear")).click().run()
    assert len(shown(at, ws)) == 8


def test_real_problems_lead_the_list_and_the_problems_filter(ws):
    at = open_app(ws, "map")
    edit(
        at, ws, {"1000": {"Routable category": "Travel"}, "6000": {"Routable category": "Rent & Facilities"}}
    )
    labels = [b.label for b in at.button if b.key and ":problem:" in b.key]
    assert labels == [
        "1 · Balance-sheet accounts on an expense category (error)",
        "1 · Accounts whose bills must carry dimensions (warning)",
        TO_DO_LABEL.format(4),
    ]
    assert metrics(at)["Errors"] == "1" and metrics(at)["Warnings"] == "1"
    at.toggle(key=k(ws, "f_problems")).set_value(True).run()
    assert shown(at, ws) == ["1000", "6000"]
    table = at.session_state[k(ws, "draft")].table
    assert table.loc["6100", "Problems"].startswith("to do: active income-statement accounts still to decide")


def test_a_grid_edit_updates_coverage_and_saves_as_typed(ws, mapping):
    at = open_app(ws, "map")
    edit(at, ws, {"6200": {"Routable category": "Meals & Entertainment", "Note": "trips"}})
    assert metrics(at)["Mapped"] == "1" and metrics(at)["To do"] == "7"
    assert chart_counts(at) == {"Mapped": 1, "Excluded": 0, "To do": 7}  # the chart follows the edit
    assert any("4 of the accounts to do are active income-statement" in c.value for c in at.caption)
    assert at.button(key=k(ws, "save")).label == "Save 1 change"
    # A rerun without new edits applies nothing twice.
    at.run()
    assert at.button(key=k(ws, "save")).label == "Save 1 change"
    click(at, ws, "save")
    assert any("Saved 1 change." in s.value for s in at.success)
    assert mapping.load(ws.id).decisions()["6200"] == Decision("Meals & Entertainment", True, "trips")
    entry = next(e for e in mapping.audit(ws.id) if e.field == "category")
    assert (entry.account, entry.after, entry.how) == ("6200", "Meals & Entertainment", "typed")


def test_choosing_the_suggested_category_counts_as_accepting_it(ws, mapping):
    at = open_app(ws, "map")
    edit(at, ws, {"6100": {"Routable category": "Software & Subscriptions"}})
    click(at, ws, "save")
    assert mapping.audit(ws.id)[0].how == "suggestion accepted"
    assert at.session_state[k(ws, "draft")].table.loc["6100", "State"] == "accepted"


def test_bulk_accept_at_the_threshold(ws, mapping):
    at = open_map_sections(open_app(ws, "map"), ws.id, "x_bulk")
    click(at, ws, "accept")
    # Interim confidences: software 0.95, rent 0.9, travel 0.85, equipment 0.82 pass 0.8; telephone 0.7 and
    # bank 0.6 do not.
    assert any("Accepted 4 suggestions at or above 0.80" in i.value for i in at.info)
    click(at, ws, "save")
    decisions = mapping.load(ws.id).decisions()
    assert {n for n, d in decisions.items() if not d.undecided} == {"1500", "6000", "6100", "6200"}
    assert {e.how for e in mapping.audit(ws.id)} == {"bulk: suggestion accepted"}
    at.number_input(key=k(ws, "threshold")).set_value(0.6).run()
    click(at, ws, "accept")
    # Bank fees (0.6) now passes; the inactive telephone account (0.7) is never bulk-accepted.
    assert any("Accepted 1 suggestion at or above 0.60" in i.value for i in at.info)


def test_bulk_set_and_exclude_work_on_the_filtered_rows(ws, mapping):
    at = open_map_sections(open_app(ws, "map"), ws.id, "x_bulk")
    at.text_input(key=k(ws, "f_search")).input("6").run()
    at.multiselect(key=k(ws, "f_statuses")).set_value(["Active"]).run()
    at.selectbox(key=k(ws, "bulk_category")).set_value("Office Supplies & Expenses").run()
    click(at, ws, "set")
    at.multiselect(key=k(ws, "f_statuses")).set_value(["Inactive"]).run()
    click(at, ws, "exclude")
    click(at, ws, "save")
    decisions = mapping.load(ws.id).decisions()
    assert {n for n, d in decisions.items() if d.category == "Office Supplies & Expenses"} == {
        "6000",
        "6100",
        "6200",
        "6400",
    }
    assert decisions["6300"] == Decision("Not used in Routable", False, "")
    assert decisions["4000"].undecided
    assert {e.how for e in mapping.audit(ws.id)} == {"bulk"}


def test_every_check_shows_in_the_problem_list(ws, mapping):
    mapping.retire_category(ws.id, "Utilities", ANA)
    at = open_app(ws, "map")
    edit(
        at,
        ws,
        {
            "1000": {"Routable category": "Travel"},  # balance sheet on expense
            "4000": {"Routable category": "Advertising & Marketing"},  # income on expense
            "6000": {"Routable category": "Rent & Facilities"},  # dimensions
            "6300": {"Routable category": "Telecom & Internet"},  # inactive newly mapped
            "6400": {"Routable category": "Utilities"},  # retired
        },
    )
    labels = " | ".join(b.label for b in at.button)
    for expected in (
        "1 · Balance-sheet accounts on an expense category (error)",
        "1 · Inactive accounts given a category since the last approval (error)",
        "1 · Accounts on a retired category (error)",
        TO_DO_LABEL.format(2),
        "1 · Income accounts on an expense category (warning)",
        "1 · Accounts whose bills must carry dimensions (warning)",
    ):
        assert expected in labels, labels
    table = at.session_state[k(ws, "draft")].table
    assert table.loc["1000", "Problems"] == "error: balance-sheet accounts on an expense category"


def test_submit_is_refused_with_errors_then_done(ws, mapping, store):
    at = open_app(ws, "map")
    click(at, ws, "submit")
    assert any(
        "cannot go to review yet: 5 active income-statement accounts still to decide." in e.value
        for e in at.error
    )
    edit(
        at,
        ws,
        {
            "4000": {"Routable category": "Not used in Routable"},
            "6000": {"Routable category": "Rent & Facilities"},
            "6100": {"Routable category": "Software & Subscriptions"},
            "6200": {"Routable category": "Travel"},
            "6400": {"Routable category": "Bank & Merchant Fees"},
        },
    )
    assert at.button(key=k(ws, "submit")).disabled  # unsaved edits first
    click(at, ws, "save")
    click(at, ws, "submit")
    # One banner says it, with where the approval happens; no second message repeats it.
    who = as_text(LOCAL.audit_label)  # a person's name is shown as typed, never as Markdown
    assert [i.value for i in at.info if "Version 1" in i.value] == [
        f"Version 1 is waiting for review (submitted by {who}). A finance lead approves it or sends it "
        "back on the Review & approve step."
    ]
    assert not any("Version 1" in s.value for s in at.success)
    assert sidebar_states(at)["Map accounts"] == "done"
    assert store.get_progress(ws.id)["map"].state == "done"


def test_two_sessions_editing_the_same_row_get_a_conflict_to_choose(ws, mapping):
    first = open_app(ws, "map")
    second = open_app(ws, "map")
    edit(
        first,
        ws,
        {"6200": {"Routable category": "Travel"}, "6100": {"Routable category": "Software & Subscriptions"}},
    )
    edit(second, ws, {"6200": {"Routable category": "Meals & Entertainment"}, "6400": {"Note": "ask Ana"}})
    click(first, ws, "save")
    click(second, ws, "save")
    assert any("1 row was changed by someone else" in w.value for w in second.warning)
    decisions = mapping.load(ws.id).decisions()
    # Rows only one side changed merged; the contested one kept the first save until the second saver chose.
    assert decisions["6100"].category == "Software & Subscriptions" and decisions["6400"].note == "ask Ana"
    assert decisions["6200"].category == "Travel"
    assert any("you chose *Meals & Entertainment*" in m.value for m in second.markdown)
    second.button(key=k(ws, "mine0")).click().run()
    click(second, ws, "save")
    assert mapping.load(ws.id).decisions()["6200"].category == "Meals & Entertainment"


def test_keeping_theirs_drops_my_edit(ws, mapping):
    first = open_app(ws, "map")
    second = open_app(ws, "map")
    edit(first, ws, {"6200": {"Routable category": "Travel"}})
    edit(second, ws, {"6200": {"Routable category": "Utilities"}})
    click(first, ws, "save")
    click(second, ws, "save")
    second.button(key=k(ws, "theirs0")).click().run()
    assert second.button(key=k(ws, "save")).disabled
    assert mapping.load(ws.id).decisions()["6200"].category == "Travel"


def test_another_session_s_save_shows_up_when_i_have_no_edits(ws, mapping):
    at = open_app(ws, "map")
    mapping.save(ws.id, 0, [Change("6200", UNDECIDED, Decision("Travel"))], ANA)
    at.run()
    assert at.session_state[k(ws, "draft")].table.loc["6200", "Routable category"] == "Travel"


def test_category_changes(ws, mapping):
    at = open_map_sections(open_app(ws, "map"), ws.id, "x_categories")
    at.text_input(key=k(ws, "cat_new")).input("Subcontractors")
    click(at, ws, "cat_add")
    assert any("Category Subcontractors added." in s.value for s in at.success)
    at.selectbox(key=k(ws, "cat_pick")).set_value("Subcontractors")
    at.text_input(key=k(ws, "cat_rename")).input("Freelancers")
    click(at, ws, "cat_do_rename")
    assert "Freelancers" in at.session_state[k(ws, "draft")].view.active_category_names
    edit(at, ws, {"6200": {"Routable category": "Freelancers"}})
    click(at, ws, "save")
    at.selectbox(key=k(ws, "cat_pick")).set_value("Freelancers")
    click(at, ws, "cat_retire")
    assert any("still use 'Freelancers'" in e.value for e in at.error)
    edit(at, ws, {"6200": {"Routable category": "Travel"}})
    click(at, ws, "save")
    at.selectbox(key=k(ws, "cat_pick")).set_value("Freelancers")
    click(at, ws, "cat_retire")
    assert "Freelancers" not in at.session_state[k(ws, "draft")].view.active_category_names
    assert [e.after for e in mapping.audit(ws.id) if e.field == "categories"] == [
        "retired",
        "Freelancers",
        "added Subcontractors",
    ]


def test_resync_flags_show_on_the_page(ws, mapping, store, app_env):
    mapping.save(
        ws.id,
        0,
        [
            Change("4000", UNDECIDED, Decision("Not used in Routable", False)),
            Change("6000", UNDECIDED, Decision("Rent & Facilities")),
            Change("6100", UNDECIDED, Decision("Software & Subscriptions")),
            Change("6200", UNDECIDED, Decision("Travel")),
            Change("6400", UNDECIDED, Decision("Bank & Merchant Fees")),
        ],
        ANA,
    )
    version = mapping.submit(ws.id, mapping.revision(ws.id), ANA)
    mapping.approve(ws.id, version.number, Identity("email:ben@x", "Ben", Role.FINANCE_REVIEWER, "ben@x"))
    write_workspace_accounts(app_env / "data", ws.id, [*CHART, gl(6500, "Postage")], deleted=("6100",))
    mapping.review_after_sync(ws.id, ANA)
    at = open_app(ws, "map")
    assert sidebar_states(at)["Map accounts"] == "needs attention"
    assert any("1 new account to map" in w.value for w in at.warning)
    table = at.session_state[k(ws, "draft")].table
    assert table.loc["6500", "State"] == "new since last approval"
    assert table.loc["6100", "State"] == "gone from Intacct"
    at.toggle(key=k(ws, "f_new")).set_value(True).run()
    assert shown(at, ws) == ["6500"]


def test_csv_import_with_errors_changes_nothing_and_lists_them(ws, mapping):
    at = open_app(ws, "map")
    assert at.session_state[k(ws, "draft")].table.loc["6200", "Routable category"] is None
    before = mapping.revision(ws.id)
    # AppTest has no file uploader element; the import goes through the same action the button calls.
    from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER
    from onboarding.mapping import actions

    outcome = actions.import_mapping_csv(
        mapping, ws.id, b"Account number,Category\n6200,Snacks\n", LOCAL_IMPLEMENTATION_MANAGER
    )
    assert outcome.result is None and mapping.revision(ws.id) == before


def test_mapping_opens_while_the_rest_still_syncs(ws, store, app_env):
    store.apply(ws.id, Outcome(LOCAL, steps=(StepChange("sync", StepState.TODO),)))
    at = open_app(ws, "map")
    assert "Finish these first" in " ".join(i.value for i in at.info)  # no GL accounts synced yet
    import sqlite3

    from onboarding.sync_jobs import sync_db_path

    conn = sqlite3.connect(sync_db_path(app_env / "data", ws.id))
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _sync_state (object TEXT PRIMARY KEY, last_synced_at TEXT, "
        "attempt_done INTEGER DEFAULT 0)"
    )
    conn.execute(
        "INSERT INTO _sync_state (object, last_synced_at) VALUES ('GLACCOUNT', '2026-12-01T10:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    at = open_app(ws, "map")
    assert not at.exception
    assert metrics(at)["To do"] == "8"


def _block_holding(node, key):
    """The innermost block that directly holds the element with `key`."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "key", None) == key:
            return node
        found = _block_holding(child, key)
        if found is not None:
            return found
    return None


def test_the_state_column_and_the_action_buttons_have_room(ws):
    at = open_app(ws, "map")
    columns = json.loads(at.data_editor[0].proto.columns)
    assert columns["State"]["width"] == STATE_WIDTH >= 190  # "new since the last approval" in full
    # Save, discard and submit sit in one row of buttons sized to their labels, not in narrow columns.
    row = _block_holding(at.main, k(ws, "submit"))
    assert row.proto.flex_container.direction == BlockProto.FlexContainer.Direction.HORIZONTAL
    assert {child.key for child in row.children.values()} >= {
        k(ws, "save"),
        k(ws, "discard"),
        k(ws, "submit"),
    }


def test_excluding_by_category_or_by_switch_keeps_both_in_step(ws, mapping):
    at = open_app(ws, "map")
    edit(
        at,
        ws,
        {
            "6100": {"Routable category": "Not used in Routable"},  # the category leads...
            "6200": {"Use in Routable": False},  # ...and switching off picks it
        },
    )
    table = at.session_state[k(ws, "draft")].table
    for account in ("6100", "6200"):
        assert (table.loc[account, "Routable category"], table.loc[account, "Use in Routable"]) == (
            "Not used in Routable",
            False,
        )
    assert metrics(at)["Excluded"] == "2"
    # Switching it back on clears the category, to be chosen again; choosing one turns it on.
    edit(at, ws, {"6200": {"Use in Routable": True}, "6100": {"Routable category": "Travel"}})
    table = at.session_state[k(ws, "draft")].table
    assert table.loc["6200", "Routable category"] is None and table.loc["6200", "Use in Routable"]
    assert (table.loc["6100", "Routable category"], table.loc["6100", "Use in Routable"]) == ("Travel", True)
    edit(at, ws, {"6300": {"Use in Routable": False}})
    click(at, ws, "save")
    entries = [e for e in mapping.audit(ws.id) if e.account == "6300"]
    assert [(e.field, e.after) for e in entries] == [("category", "Not used in Routable")]
