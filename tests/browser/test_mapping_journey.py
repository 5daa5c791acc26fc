"""The journey on from a finished sync, in real Chromium: map, save, export, submit, approve, audit.

The setup steps are prepared through the domain (test_journey.py walks them in the browser); the sync
runs from the app's own Sync page against its sandbox, and everything after it is done as a person does:
double-click a category cell and pick from the dropdown, save, watch coverage, download the CSV, clear
the errors with the page's bulk actions, submit, and approve on Review & approve.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright import sync_api as playwright_api

from onboarding.store import Store
from onboarding.vault import Vault
from tests.actors import LOCAL
from tests.browser.test_journey import (
    PASSWORD,
    assert_no_password,
    expect,
    open_step,
    shot,
    wait_idle,
)
from tests.ui.harness import finish_steps, mark_done
from ui.map_view import ACCOUNT_WIDTH, GRID_ROW_PX, TITLE_WIDTH

ACCOUNT = "6030"
# Health Insurance is suggested as payroll and benefits; picking that would record "suggestion
# accepted", so the person here chooses another category and the audit says "typed".
CATEGORY = "Insurance"
SYNC_PATIENCE_MS = 90_000


def _prepared_workspace(tmp_path: Path) -> str:
    """A workspace with every setup step done and the sandbox connection saved; its URL reference."""
    store = Store(tmp_path / "onboarding.db")
    workspace = store.create_workspace("Mapping Journey Co", actor=LOCAL)
    finish_steps(store, workspace, plan="top")
    mark_done(store, workspace, ["connect"])
    # The app's vault lives in its data folder: opening it here creates the key file the server reads.
    vault = Vault.load(tmp_path / "data", {}, None)
    store.save_connection(workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, vault, actor=LOCAL)
    return workspace.ref


def metric(tab, label: str):
    """The value shown under a coverage figure's label."""
    card = tab.get_by_test_id("stMetric").filter(
        has=tab.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def pick_category(tab, row: int, category: str, typed: str, pending: str) -> None:
    """Double-click the row's category cell, type into the dropdown that opens, choose the option.

    Done when the Save button reads `pending` ("Save 1 change"): the server has the edit. Under heavy
    load the grid can be drawn anew just after a run seems over; an edit made in the grid being replaced
    never reaches the server (its log shows no run after the pick) and the cell reads empty again, so a
    person picks once more. The test does the same, at most twice more, and fails if it never takes.
    """
    save = tab.get_by_role("button", name=pending)
    for attempt in range(3):
        try:
            _pick_once(tab, row, category, typed)
            expect(save).to_be_visible(timeout=8_000)
            break
        except (AssertionError, playwright_api.Error):
            if attempt == 2:
                raise
            tab.keyboard.press("Escape")
    # Leave the grid before the next click: under heavy load, the first click after choosing an option
    # went to the grid, which still held the cell, and not to the button under the pointer. Save then
    # seemed to do nothing (3 of 4 runs with the machine saturated; the edit stayed unsaved, not lost).
    tab.get_by_role("heading", name="Map accounts").first.click()
    wait_idle(tab)


def _pick_once(tab, row: int, category: str, typed: str) -> None:
    # The grid is drawn anew by each run: take it once the last one has ended, not one being replaced.
    wait_idle(tab)
    grid = tab.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Account and title have fixed widths; the category cell starts right after them (read-only
    # columns between are configured after it in COLUMNS order: see ui/map_view.py).
    x = box["x"] + ACCOUNT_WIDTH + TITLE_WIDTH + 80
    y = box["y"] + GRID_ROW_PX * (row + 1) + GRID_ROW_PX / 2
    tab.mouse.dblclick(x, y)
    editor = tab.get_by_role("combobox").last
    expect(editor).to_be_focused()
    editor.fill(typed)
    tab.get_by_role("option", name=category, exact=True).click()
    wait_idle(tab)


def download_csv(tab, button: str) -> list[list[str]]:
    # A button left from the previous run serves the previous run's file: wait for this run to end.
    wait_idle(tab)
    with tab.expect_download() as download:
        tab.get_by_role("button", name=button).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def page_shot(tab, name: str) -> None:
    """A screenshot of the finished run from the page's top, where a reader starts."""
    wait_idle(tab)
    tab.get_by_role("heading", level=1).first.scroll_into_view_if_needed()
    shot(tab, name)


def set_search(tab, text: str) -> None:
    search = tab.get_by_label("Search number or title")
    search.fill(text)
    search.press("Enter")
    wait_idle(tab)


def test_map_submit_approve_after_sync(app_url, page, tmp_path):  # noqa: F811
    ref = _prepared_workspace(tmp_path)
    page.goto(f"{app_url}/?ws={ref}")
    expect(page.get_by_role("heading", name="Before you start", exact=True)).to_be_visible(
        timeout=SYNC_PATIENCE_MS
    )
    sidebar = page.locator("[data-testid='stSidebar']")
    main = page.locator("[data-testid='stMain']")

    open_step(page, "sync")
    page.get_by_role("button", name="Start the sync").click()
    expect(page.get_by_text(re.compile(r"^Sync finished in "))).to_be_visible(timeout=SYNC_PATIENCE_MS)
    expect(sidebar.get_by_text("7. Sync · done")).to_be_visible()

    # Step 8: one category typed into the grid, saved; coverage counts it.
    open_step(page, "map")
    wait_idle(page)
    expect(metric(page, "Mapped")).to_have_text("0")
    set_search(page, ACCOUNT)
    expect(page.get_by_text(re.compile(r"^1 of [\d,]+ accounts shown"))).to_be_visible()
    pick_category(page, row=0, category=CATEGORY, typed="Insur", pending="Save 1 change")
    page.get_by_role("button", name="Save 1 change").click()
    # Durable signs rather than the one-run message: a busy machine may redraw the page once more.
    expect(metric(page, "Mapped")).to_have_text("1")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_disabled()
    page_shot(page, "map-1-edited")

    main.get_by_text("Export or import as CSV").click()
    wait_idle(page)
    rows = download_csv(page, "Download the mapping (CSV)")
    assert rows[0] == ["Account number", "Title", "Category", "Use in Routable", "Note"]
    mine = [r for r in rows[1:] if r[0] == ACCOUNT]
    assert len(mine) == 1 and mine[0][2:4] == [CATEGORY, "yes"]
    # Nothing else is decided yet, so no other row carries a category.
    assert [r[0] for r in rows[1:] if r[2]] == [ACCOUNT]
    set_search(page, "")

    # Clear the errors as a user would: accept confident suggestions, exclude what is still unmapped.
    # The bulk controls are drawn by the run that opening the expander starts: let it finish first.
    main.get_by_text("Bulk actions on the rows shown").click()
    wait_idle(page)
    page.get_by_role("button", name="Accept suggestions").click()
    wait_idle(page)
    expect(page.get_by_role("button", name=re.compile(r"^Save \d+ changes$"))).to_be_visible()
    page.get_by_text("Unmapped only", exact=True).click()
    expect(page.get_by_role("switch", name="Unmapped only")).to_be_checked()
    wait_idle(page)
    # By the text each count reads: under load the caption of the run before can linger beside the new.
    expect(page.get_by_text(re.compile(r"^[1-9][\d,]* of [\d,]+ accounts shown")).first).to_be_visible()
    page.get_by_role("button", name="Exclude the rows shown").click()
    expect(page.get_by_text(re.compile(r"^0 of [\d,]+ accounts shown"))).to_be_visible()
    page.get_by_text("Unmapped only", exact=True).click()
    expect(page.get_by_role("switch", name="Unmapped only")).not_to_be_checked()
    wait_idle(page)
    # Any error left (say a balance-sheet account on an expense category): filter to it, exclude it.
    for _ in range(6):
        errors = main.get_by_role("button", name=re.compile(r"\(error\)$")).filter(visible=True)
        if errors.count() == 0:
            break
        errors.first.click()
        wait_idle(page)
        page.get_by_role("button", name="Exclude the rows shown").click()
        wait_idle(page)
    expect(metric(page, "Errors")).to_have_text("0")
    page.get_by_role("button", name=re.compile(r"^Save [\d,]+ changes?$")).click()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_disabled()
    expect(metric(page, "To do")).to_have_text("0")
    page.get_by_role("button", name="Submit for review").click()
    expect(sidebar.get_by_text("8. Map accounts · done")).to_be_visible()
    expect(page.get_by_text("Version 1 is waiting for review")).to_be_visible()
    page_shot(page, "map-2-submitted")
    assert_no_password(page)

    # Step 9: the finance lead approves; the typed change is in the audit trail.
    open_step(page, "review")
    expect(page.get_by_role("heading", name="Version 1")).to_be_visible()
    page.get_by_role("button", name="Approve this version").click()
    expect(sidebar.get_by_text("9. Review & approve · done")).to_be_visible()
    expect(page.get_by_role("heading", name="Approved: version 1")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Approved by .*not checked by a second person"))).to_be_visible()
    # After an approval the page leads with the approved version and says nothing is waiting.
    expect(page.get_by_text(re.compile(r"Nothing is waiting for review\."))).to_be_visible()
    expect(page.get_by_role("heading", name="Your decision")).to_have_count(0)
    # Until the run ends, the previous run's buttons (its audit download among them) stay on screen.
    expect(page.get_by_role("button", name="Download as JSON")).to_have_count(1)
    # Before any download: a download button reruns the page, and a shot mid-run shows both runs' parts.
    page_shot(page, "review-approved")
    # The audit file is written when the button is clicked, so the first click already holds the approval.
    audit = download_csv(page, "Download the audit trail (CSV)")
    header, entries = audit[0], audit[1:]
    column = {name: i for i, name in enumerate(header)}
    typed = [
        e for e in entries
        if e[column["Account number"]] == ACCOUNT and e[column["After"]] == CATEGORY
    ]  # fmt: skip
    assert len(typed) == 1 and typed[0][column["How"]] == "typed"
    assert entries[0][column["After"]] == "version 1 approved"
    assert_no_password(page)
