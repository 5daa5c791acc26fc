"""The whole setup journey in real Chromium, against `streamlit run app.py` in sandbox mode.

New workspace -> tick every checklist -> connect with a company that has not authorized our sender
ID (the message names that step) -> connect correctly -> every permission check green. Screenshots
go to test-artifacts/; the password must never be in the page's HTML.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from onboarding.steps import STEP_KEYS, step
from tests.browser.server import PASSWORD, WAIT_MS, expect, save_shot, wait_idle

# The machine running the suite may be busy: assertions wait as long as actions do.
expect.set_options(timeout=WAIT_MS)


def shot(page, name: str) -> None:
    save_shot(page, f"journey-{name}.png")


def assert_no_password(page) -> None:
    assert PASSWORD not in page.content()


def open_step(page, key: str) -> None:
    """Click the step in the sidebar (which shows its short title) and wait for its page."""
    definition = step(key)
    number = STEP_KEYS.index(key) + 1
    page.locator("[data-testid='stSidebar']").get_by_text(f"{number}. {definition.nav_title} ·").click()
    expect(page.get_by_role("heading", name=definition.title, exact=True)).to_be_visible()


def tick_all(page, key: str) -> None:
    wait_idle(page)
    # Checklist boxes only: the shortcut's confirmation box sits folded away in an expander.
    boxes = page.locator("[data-testid='stMain'] [data-testid='stCheckbox']:visible")
    expect(boxes.first).to_be_visible()
    for _ in range(20):
        unchecked = boxes.filter(has=page.locator("input:not(:checked)"))
        if unchecked.count() == 0:
            break
        box = unchecked.first
        label = box.inner_text()
        checkbox = boxes.filter(has_text=label).get_by_role("checkbox")
        # A click that lands while a rerun swaps the element is lost; once the page is idle an
        # unchecked box can only mean that, so clicking again cannot undo a slow but real tick.
        for _attempt in range(3):
            box.locator("label").click()
            wait_idle(page)
            if checkbox.is_checked():
                break
        expect(checkbox).to_be_checked()
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text(re.compile(rf"{re.escape(step(key).nav_title)} · done"))).to_be_visible()


def assert_sidebar_lines_fit(page) -> None:
    """Each step line shows its state in full: nothing in it is clipped by the sidebar's width."""
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']")
    clipped = links.evaluate_all(
        "links => links.filter(link => [...link.querySelectorAll('*')]"
        ".some(e => e.scrollWidth > e.clientWidth + 1)).map(link => link.innerText)"
    )
    assert clipped == []


def submit_connect(page, company: str) -> None:
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("Company ID", exact=True))
    form.get_by_label("Company ID", exact=True).fill(company)
    form.get_by_label("Web Services user ID", exact=True).fill("routable_ws")
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_role("button", name="Connect to Sage Intacct").click()


def test_setup_journey(app_url, page):
    # The first session after a server start opens a page by URL: it runs without app.py.
    page.goto(f"{app_url}/connect")
    expect(page.get_by_role("heading", name="Connect Sage Intacct to Routable")).to_be_visible()
    page.get_by_label("Customer name", exact=True).fill("Journey Test Co")
    page.get_by_role("button", name="Create workspace").click()
    expect(page.get_by_role("heading", name="Connect", exact=True)).to_be_visible()
    expect(page.get_by_text("Finish these first")).to_be_visible()
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("link", name="Step 1: Before you start")).to_be_visible()
    expect(main.get_by_role("link", name="Step 5: Create the Web Services user")).to_be_visible()
    shot(page, "0-direct-url")
    # The URL names the workspace by an opaque reference, not by its number.
    ref = parse_qs(urlparse(page.url).query)["ws"][0]
    assert len(ref) >= 20 and not ref.isdigit()

    # A fresh load of the entry point with the workspace in the URL picks up where we were.
    page.goto(f"{app_url}/?ws={ref}")
    expect(page.get_by_role("heading", name="Before you start", exact=True)).to_be_visible()
    shot(page, "1-start")

    tick_all(page, "start")
    open_step(page, "plan")
    page.get_by_text("Top level (all entities)", exact=True).click()
    tick_all(page, "plan")
    open_step(page, "ids")
    tick_all(page, "ids")
    open_step(page, "web_services")
    expect(page.get_by_text("RoutableMPP", exact=True).first).to_be_visible()
    tick_all(page, "web_services")
    open_step(page, "ws_user")
    page.get_by_text("Role-based permissions", exact=True).first.click()
    tick_all(page, "ws_user")
    shot(page, "2-ws-user-done")

    open_step(page, "connect")
    submit_connect(page, "NOAUTH-DEMO")
    diagnosis = page.get_by_test_id("stAlertContentError")
    expect(diagnosis.get_by_text("Intacct has not authorized our sender ID yet")).to_be_visible()
    back_link = "Go back to Step 4: Turn on Web Services and authorize our sender ID"
    expect(page.get_by_text(back_link)).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_test_id("stCode").filter(has_text="RoutableMPP")).to_be_visible()
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("4. Web Services and sender ID · needs attention")).to_be_visible()
    assert_sidebar_lines_fit(page)
    shot(page, "3-noauth")
    assert_no_password(page)

    submit_connect(page, "ACME-DEMO")
    expect(page.get_by_text("The Web Services user can read everything Routable needs.")).to_be_visible()
    expect(page.get_by_text("Signed in to ACME-DEMO at top level.")).to_be_visible()
    shot(page, "4-connected")
    assert_no_password(page)

    page.locator("[data-testid='stSidebar']").get_by_text("Screen-share mode").click()
    expect(page.get_by_text("Signed in to AC•••••O at top level.")).to_be_visible()
    expect(page.locator("[data-testid='stMain']")).not_to_contain_text("ACME-DEMO")
    expect(page.locator("[data-testid='stMain']")).not_to_contain_text("routable_ws")
    shot(page, "5-screen-share")
    assert_no_password(page)

    # Step 7: the sync runs in the background while the page polls it, then shows what was copied.
    open_step(page, "sync")
    page.get_by_role("button", name="Start the sync").click()
    expect(page.get_by_text(re.compile(r"^Sync finished in "))).to_be_visible(timeout=60_000)
    expect(sidebar.get_by_text("7. Sync · done")).to_be_visible()
    history = page.get_by_role("heading", name="Sync history")
    expect(history).to_be_visible()
    expect(page.get_by_role("button", name="Sync again")).to_be_visible()
    shot(page, "6-synced")
    assert_no_password(page)
