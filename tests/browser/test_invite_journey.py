"""Invite links end to end in Chromium, the app in invite mode.

An implementation manager (let in by a link from the command line) creates a workspace and a finance
reviewer's invitation in the app; a second browser opens that link, sees that workspace only, and finds
no connect form and no sync buttons.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER
from onboarding.invite import INVALID_LINK_MESSAGE
from onboarding.steps import StepKey
from onboarding.store import Store
from tests.browser.test_journey import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, _free_port, _wait_healthy, open_step
from tests.ui.harness import finish_steps, mark_done

expect = playwright_api.expect
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
KEY = "browser-test-invite-signing-key-0123456789"


@pytest.fixture
def invite_app(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTACCT_", "ROUTABLE_"))}
    env.update(
        ROUTABLE_DB_PATH=str(tmp_path / "onboarding.db"),
        ROUTABLE_DATA_DIR=str(tmp_path / "data"),
        ROUTABLE_ACCESS_MODE="invite",
        ROUTABLE_INVITE_KEY=KEY,
    )
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                "--server.headless=true", "--browser.gatherUsageStats=false",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log_path)
        yield url, env, Store(tmp_path / "onboarding.db")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def test_a_manager_invites_a_finance_reviewer_who_sees_only_that_workspace(invite_app, browser):
    url, env, store = invite_app
    store.create_workspace("Globex Secret Project", actor=LOCAL_IMPLEMENTATION_MANAGER)
    made = subprocess.run(
        [sys.executable, "-m", "onboarding.invite", "--role", "implementation_manager", "--base-url", url,
         "--label", "Ana (Routable)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    [manager_link] = made.stdout.splitlines()

    # Without a link, nothing opens.
    stranger_context, stranger = _tab(browser)
    stranger.goto(f"{url}/connect")
    expect(stranger.get_by_text(INVALID_LINK_MESSAGE)).to_be_visible()
    assert "Globex" not in stranger.content()
    stranger_context.close()

    manager_context, manager = _tab(browser)
    manager.goto(manager_link)
    sidebar = manager.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_text("Signed in as: Ana (Routable) · Implementation manager")).to_be_visible()
    manager.get_by_label("Customer name", exact=True).fill("Acme Rockets")
    manager.get_by_role("button", name="Create workspace").click()
    expect(manager.get_by_role("heading", name="Before you start", exact=True)).to_be_visible()
    sidebar.get_by_role("link", name="People and access").click()
    expect(manager.get_by_role("heading", name="People and access", exact=True)).to_be_visible()
    form = manager.locator("[data-testid='stMain'] [data-testid='stForm']").first
    form.get_by_label("Who is it for", exact=True).fill("Dana, finance lead")
    form.get_by_role("combobox").first.click()
    manager.get_by_role("option", name="Finance reviewer").click()
    form.get_by_role("button", name="Create invitation link").click()
    code = manager.locator("[data-testid='stCode'] code")
    expect(code).to_contain_text("invite=")
    reviewer_link = code.inner_text().strip()
    ARTIFACTS.mkdir(exist_ok=True)
    manager.screenshot(path=str(ARTIFACTS / "invite-manager-team-page.png"), full_page=True)

    # The customer did the Intacct side meanwhile (steps 1 to 7), so every page is open to look at.
    [acme] = [w for w in store.list_workspaces() if w.name == "Acme Rockets"]
    finish_steps(store, acme, plan="top")
    mark_done(store, acme, [StepKey.CONNECT, StepKey.SYNC])

    reviewer_context, reviewer = _tab(browser)
    reviewer.goto(reviewer_link)
    rsidebar = reviewer.locator("[data-testid='stSidebar']")
    expect(rsidebar.get_by_text("Signed in as: Dana, finance lead · Finance reviewer")).to_be_visible()
    expect(reviewer.get_by_text("Step 1: Before you start · Acme Rockets")).to_be_visible()
    assert "Globex" not in reviewer.content()
    expect(rsidebar.get_by_role("link", name="People and access")).to_have_count(0)
    expect(reviewer.get_by_role("checkbox").first).to_be_disabled()

    open_step(reviewer, StepKey.CONNECT)
    expect(reviewer.get_by_text("Only a customer admin or your implementation manager")).to_be_visible()
    expect(reviewer.get_by_label("Company ID", exact=True)).to_have_count(0)
    expect(reviewer.get_by_label("Password", exact=True)).to_have_count(0)
    expect(reviewer.get_by_role("button", name="Update credentials")).to_have_count(0)

    open_step(reviewer, StepKey.SYNC)
    expect(reviewer.get_by_text("can start or stop a sync")).to_be_visible()
    for name in ("Start the sync", "Sync again", "Copy everything again", "Stop the sync"):
        expect(reviewer.get_by_role("button", name=name)).to_have_count(0)
    assert "Globex" not in reviewer.content()
    reviewer.screenshot(path=str(ARTIFACTS / "invite-reviewer-sync.png"), full_page=True)

    # Withdrawn by the manager, the link stops working, with the same words as any bad link.
    manager.get_by_role("button", name="Withdraw").first.click()
    expect(manager.get_by_role("button", name="Withdraw")).to_have_count(0)
    reviewer.reload()
    expect(reviewer.get_by_text(INVALID_LINK_MESSAGE)).to_be_visible()
    assert "Acme" not in reviewer.content()
    manager_context.close()
    reviewer_context.close()
