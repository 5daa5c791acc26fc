"""Invite links end to end in Chromium, the app in invite mode.

An implementation manager (let in by a link from the command line) creates a workspace and a finance
reviewer's invitation in the app. The customer's admin, let in by an invitation of their own, connects,
syncs from the sandbox and submits a mapping (through the domain, as the mapping journey clicks that part);
a second browser opens the reviewer's link, sees that workspace only, finds no connect form and no sync
buttons, approves the mapping and downloads it, and cannot open the other workspace.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role
from onboarding.invite import INVALID_LINK_MESSAGE, InviteBook
from onboarding.mapping.model import UNDECIDED, Decision
from onboarding.mapping.repository import Change, MappingStore
from onboarding.platform import Platform
from onboarding.scoped_store import ScopedStore
from onboarding.steps import StepKey
from onboarding.store import Store, Workspace
from onboarding.sync_jobs import SyncJobs, start_sync
from onboarding.vault import Secret, Vault
from tests.browser.server import ARTIFACTS, PASSWORD, ROOT, VIEWPORT, app_env, new_tab, running_app, wait_idle
from tests.browser.test_journey import open_step
from tests.ui.harness import finish_steps, mark_done

expect = playwright_api.expect
KEY = "browser-test-invite-signing-key-0123456789"
ACCOUNT, CATEGORY = "6030", "Insurance"  # Health Insurance, given a category the suggestions do not offer
ADMIN = "Sam, Acme's Intacct admin"
STALE_LINK = "The workspace in the link you opened is not available to you"


@pytest.fixture
def invite_app(tmp_path):
    env = app_env(tmp_path, ROUTABLE_ACCESS_MODE="invite", ROUTABLE_INVITE_KEY=KEY)
    with running_app(tmp_path, env) as url:
        yield url, env, Store(tmp_path / "onboarding.db"), tmp_path / "data"


def _tab(browser):
    context = browser.new_context(viewport=VIEWPORT)
    return context, new_tab(context)


def _customer_admin(store: Store, workspace: Workspace, manager_link: str) -> Identity:
    """The identity the customer's admin acts as: what redeeming their own invitation link gives.

    The manager who invites them is the one the command-line link let in."""
    book = InviteBook(store, KEY.encode())
    manager = book.redeem(manager_link.split("invite=", 1)[1])
    _invite, token = book.create(manager, Role.CUSTOMER_ADMIN, workspace.id, label=ADMIN)
    admin = book.redeem(token)
    assert (admin.role, admin.workspace_id, admin.verified) == (Role.CUSTOMER_ADMIN, workspace.id, True)
    return admin


def _admin_syncs_maps_and_submits(store: Store, data_dir: Path, workspace: Workspace, admin: Identity,
                                  sandbox, sender) -> int:  # fmt: skip
    """Steps 6 to 8 as the customer admin: connect, a real sync from the sandbox, map every account, submit.

    Everything goes through the store as the admin may use it, so access is checked as in the app.
    Returns the number of accounts synced.
    """
    scoped = ScopedStore(store, admin)
    vault = Vault.load(data_dir, {}, None)  # the app's own key file in its data folder
    scoped.save_connection(workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, vault)
    mark_done(store, workspace, [StepKey.CONNECT])
    platform = Platform(sender[0], Secret(sender[1]), sandbox.url, True)
    job = start_sync(scoped, vault, platform, workspace.id, data_dir, actor=admin, registry=SyncJobs())
    deadline = time.monotonic() + 120
    while job.snapshot().running:
        assert time.monotonic() < deadline, "the sandbox sync did not finish"
        time.sleep(0.05)
    assert job.snapshot().status == "completed", job.snapshot().message

    mapping = MappingStore(store, data_dir)
    view = mapping.load(workspace.id)
    chosen, excluded = Decision(CATEGORY, True), Decision(view.excluded_category, False)
    changes = [
        Change(row.number, UNDECIDED, chosen if row.number == ACCOUNT else excluded) for row in view.rows
    ]
    assert any(change.account == ACCOUNT for change in changes)
    mapping.save(workspace.id, view.revision, changes, admin)
    assert mapping.load(workspace.id).errors == []
    mapping.submit(workspace.id, mapping.revision(workspace.id), admin)
    return len(view.rows)


def test_a_manager_invites_a_finance_reviewer_who_sees_only_that_workspace(invite_app, browser, sandbox,
                                                                           sender):  # fmt: skip
    url, env, store, data_dir = invite_app
    globex = store.create_workspace("Globex Secret Project", actor=LOCAL_IMPLEMENTATION_MANAGER)
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

    # The customer did the Intacct side meanwhile: steps 1 to 5 ticked, then their admin connected,
    # synced and submitted the mapping, so the reviewer has a version waiting.
    [acme] = [w for w in store.list_workspaces() if w.name == "Acme Rockets"]
    finish_steps(store, acme, plan="top")
    admin = _customer_admin(store, acme, manager_link)
    synced = _admin_syncs_maps_and_submits(store, data_dir, acme, admin, sandbox, sender)

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

    # The mapping table is there to read, not to change: no save, no bulk actions, no submit.
    open_step(reviewer, StepKey.MAP)
    for name in ("Save", "Submit for review", "Accept suggestions", "Exclude the rows shown"):
        expect(reviewer.get_by_role("button", name=name)).to_have_count(0)

    # Review & approve: the admin made every change, so the reviewer is the second person who checks.
    open_step(reviewer, StepKey.REVIEW)
    expect(reviewer.get_by_role("heading", name="Version 1")).to_be_visible()
    expect(reviewer.get_by_text(f"Submitted by {ADMIN} (Customer admin)", exact=False)).to_be_visible()
    reviewer.get_by_label("Comment (optional)").fill("Checked against the chart of accounts")
    reviewer.get_by_role("button", name="Approve this version").click()
    expect(rsidebar.get_by_text("9. Review & approve · done")).to_be_visible()
    expect(reviewer.get_by_role("heading", name="Approved: version 1")).to_be_visible()
    approved_by = reviewer.get_by_text("Approved by Dana, finance lead (Finance reviewer)", exact=False)
    expect(approved_by).to_be_visible()
    expect(reviewer.get_by_text("not checked by a second person", exact=False)).to_have_count(0)
    # Once approved, nothing is left to decide: the decision form is gone.
    expect(reviewer.get_by_role("heading", name="Your decision")).to_have_count(0)
    wait_idle(reviewer)
    reviewer.screenshot(path=str(ARTIFACTS / "invite-reviewer-approved.png"), full_page=True)
    with reviewer.expect_download() as download:
        reviewer.get_by_role("button", name="Download as JSON").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename == "mapping-v1.json"
    assert exported["workspace"] == "Acme Rockets" and exported["version"] == 1
    assert exported["status"] == "approved" and exported["checked_by_a_second_person"] is True
    assert exported["approved_by"] == "Dana, finance lead (Finance reviewer)"
    assert exported["submitted_by"] == f"{ADMIN} (Customer admin)"
    accounts = {row["account_number"]: row for row in exported["accounts"]}
    assert len(accounts) == synced
    assert (accounts[ACCOUNT]["category"], accounts[ACCOUNT]["use_in_routable"]) == (CATEGORY, True)
    assert sum(1 for row in accounts.values() if row["use_in_routable"]) == 1
    assert PASSWORD not in reviewer.content()

    # The other workspace, asked for by its own reference, answers as a workspace that does not exist.
    token = reviewer_link.split("invite=", 1)[1]
    answers = []
    for ref in (globex.ref, "no-such-workspace-reference-0000"):
        reviewer.goto(f"{url}/?invite={token}&ws={ref}")
        expect(reviewer.get_by_text(STALE_LINK)).to_be_visible()
        # The whole answer, down to the chooser's last button, before reading it.
        expect(reviewer.get_by_role("button", name="Open workspace")).to_be_visible()
        wait_idle(reviewer)
        answers.append(reviewer.locator("[data-testid='stMain']").inner_text())
        assert "Globex" not in reviewer.content()
    assert answers[0] == answers[1]
    reviewer.goto(reviewer_link)
    expect(reviewer.get_by_text("Step 1: Before you start · Acme Rockets")).to_be_visible()

    # Withdrawn by the manager, the link stops working, with the same words as any bad link.
    manager.reload()  # the admin's invitation, made meanwhile, joins the list
    rows = manager.locator("[data-testid='stHorizontalBlock']")
    dana = rows.filter(has_text="Dana, finance lead").filter(has=manager.get_by_role("button"))
    dana.get_by_role("button", name="Withdraw").click()
    expect(rows.filter(has_text="Dana, finance lead").get_by_text("revoked", exact=False)).to_be_visible()
    expect(manager.get_by_role("button", name="Withdraw")).to_have_count(1)  # the admin's, still open
    reviewer.reload()
    expect(reviewer.get_by_text(INVALID_LINK_MESSAGE)).to_be_visible()
    assert "Acme" not in reviewer.content()
    manager_context.close()
    reviewer_context.close()
