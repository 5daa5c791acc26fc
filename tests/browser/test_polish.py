"""The polished wizard in real Chromium: screen-share mode that survives reloads and new tabs, Cancel
after a refused update, the wait state while signing in, and Connect and Sync at desktop and phone width.

Each test starts its own `streamlit run app.py` with a seeded progress database; the screenshots land in
test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from onboarding.store import Store
from tests.browser.server import (
    PASSWORD,
    ROOT,
    app_env,
    expect,
    free_port,
    new_tab,
    running_app,
    save_shot,
)
from tests.browser.server import wait_idle as _wait_idle
from tests.ui.harness import finish_steps

# Two cores shared with other test runs can take half a minute for a first page: wait, never assert time.
SLOW_MS = 90_000
expect.set_options(timeout=SLOW_MS)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _tab(context):
    return new_tab(context, SLOW_MS)


def _seed(tmp_path: Path, *names: str) -> list[str]:
    """Workspaces with steps 1-5 ticked (top level), as a customer who did the Intacct side leaves them.

    Returns each workspace's link reference (what `?ws=` carries), in order."""
    from tests.actors import LOCAL

    store = Store(tmp_path / "onboarding.db")
    refs = []
    for name in names:
        ws = store.create_workspace(name, actor=LOCAL)
        finish_steps(store, ws, plan="top")
        refs.append(ws.ref)
    return refs


def shot(page, name: str) -> None:
    save_shot(page, f"polish-{name}.png")


def wait_idle(page) -> None:
    _wait_idle(page, 60_000)


def sign_in(page, company="ACME-DEMO", user="routable_ws", password=PASSWORD) -> None:
    form = page.locator("[data-testid='stForm']")
    form.get_by_label("Company ID", exact=True).fill(company)
    form.get_by_label("Web Services user ID", exact=True).fill(user)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name=re.compile("Connect to Sage Intacct|Save and reconnect")).click()


def main(page):
    return page.locator("[data-testid='stMain']")


def test_screen_share_mode_survives_reload_and_a_new_tab(tmp_path, browser):
    acme, _ = _seed(tmp_path, "Acme Corp", "Globex Secret Customer")
    with running_app(tmp_path) as url:
        context = browser.new_context(viewport=DESKTOP)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = _tab(context)
        page.goto(f"{url}/connect?ws={acme}")
        expect(page.get_by_role("heading", name="Connect", exact=True)).to_be_visible()
        sign_in(page)
        expect(page.get_by_text("Signed in to ACME-DEMO at top level.", exact=True)).to_be_visible()

        page.locator("[data-testid='stSidebar']").get_by_text("Screen-share mode").click()
        wait_idle(page)
        _assert_sharing(page)

        page.reload()
        expect(page.get_by_role("heading", name="Connect", exact=True)).to_be_visible()
        _assert_sharing(page)

        other = _tab(context)
        other.goto(f"{url}/sync?ws={acme}")
        expect(other.get_by_role("heading", name="Sync", exact=True)).to_be_visible()
        _assert_sharing(other)
        shot(other, "screen-share-new-tab")

        # The demo sign-ins still work: a copy button puts the value on the clipboard, not on screen.
        page.get_by_role("button", name="Update credentials").click()
        demo = page.get_by_text("Demo sign-ins for the sandbox")
        demo.click()
        frame = page.frame_locator("iframe").first
        frame.get_by_role("button", name="Company ID").click()
        expect(frame.get_by_role("button", name="Copied")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == "ACME-DEMO"
        expect(main(page)).not_to_contain_text("ACME-DEMO")
        shot(page, "screen-share-demo-copy")
        assert PASSWORD not in page.content()


def _assert_sharing(page) -> None:
    expect(page.get_by_text("Screen-share mode: IDs hidden").first).to_be_visible()
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar.get_by_role("switch", name="Screen-share mode")).to_be_checked()
    # Only the current customer's name; the other customer is not listed anywhere.
    expect(sidebar.get_by_text("Acme Corp", exact=True)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Globex Secret Customer")
    expect(main(page)).not_to_contain_text("ACME-DEMO")
    expect(main(page)).not_to_contain_text("routable_ws")


def test_cancel_after_a_refused_update_keeps_the_working_connection(tmp_path, browser):
    [ws] = _seed(tmp_path, "Acme Corp")
    with running_app(tmp_path) as url:
        page = _tab(browser.new_context(viewport=DESKTOP))
        page.goto(f"{url}/connect?ws={ws}")
        sign_in(page)
        expect(page.get_by_text("Signed in to ACME-DEMO at top level.", exact=True)).to_be_visible()

        page.get_by_role("button", name="Update credentials").click()
        form = page.locator("[data-testid='stForm']")
        form.get_by_label("Password", exact=True).fill("Not-The-Password1")
        form.get_by_role("button", name="Save and reconnect").click()
        expect(page.get_by_text("Intacct did not accept the sign-in")).to_be_visible()
        expect(page.get_by_text("Nothing was changed: your saved connection still works.")).to_be_visible()
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_text("6. Connect · done")).to_be_visible()
        expect(sidebar.get_by_text("5. Web Services user · done")).to_be_visible()
        shot(page, "refused-update")

        page.get_by_role("button", name="Cancel, keep the current connection").click()
        expect(page.get_by_text("Intacct did not accept the sign-in")).to_have_count(0)
        expect(main(page).locator("[data-testid='stForm']")).to_have_count(0)
        expect(page.get_by_role("button", name="Check permissions again")).to_be_visible()
        expect(page.get_by_text("Routable can sign in to this Intacct company.")).to_be_visible()

        page.reload()
        expect(page.get_by_text("Routable can sign in to this Intacct company.")).to_be_visible()
        expect(page.get_by_text("needs attention")).to_have_count(0)
        expect(page.get_by_role("button", name="Update credentials")).to_be_visible()


@pytest.fixture
def slow_gateway(tmp_path):
    """A sandbox in its own process answering after 700 ms, as a far-away gateway on a bad day does."""
    port = free_port()
    with open(tmp_path / "sandbox.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "intacct.sandbox", "--port", str(port), "--latency-ms", "700"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_connect_shows_it_is_signing_in_and_disables_its_button(tmp_path, browser, slow_gateway):
    [ws] = _seed(tmp_path, "Acme Corp")
    gateway = {
        "INTACCT_SENDER_ID": "RoutableMPP",
        "INTACCT_SENDER_PASSWORD": "sandbox-sender-secret",
        "INTACCT_ENDPOINT": slow_gateway,
    }
    with running_app(tmp_path, app_env(tmp_path, **gateway)) as url:
        page = _tab(browser.new_context(viewport=DESKTOP))
        page.goto(f"{url}/connect?ws={ws}")
        sign_in(page)
        waiting = page.get_by_role("button", name="Signing in to Sage Intacct…")
        expect(waiting).to_be_visible()
        expect(waiting).to_be_disabled()
        shot(page, "connect-waiting")
        expect(page.get_by_text("Signed in to ACME-DEMO at top level.")).to_be_visible(timeout=60_000)
        expect(waiting).to_have_count(0)

        recheck = page.get_by_role("button", name="Check permissions again")
        recheck.click()
        checking = page.get_by_role("button", name="Checking permissions…")
        expect(checking).to_be_visible()
        expect(checking).to_be_disabled()
        expect(page.get_by_role("button", name="Check permissions again")).to_be_enabled(timeout=60_000)


def test_connect_and_sync_at_desktop_and_phone_width(tmp_path, browser):
    [ws] = _seed(tmp_path, "Acme Corp")
    with running_app(tmp_path) as url:
        page = _tab(browser.new_context(viewport=DESKTOP))
        page.goto(f"{url}/connect?ws={ws}")
        expect(page.get_by_role("heading", name="Connect", exact=True)).to_be_visible()
        shot(page, "connect-form-1280")
        sign_in(page, user="limited_ws")
        expect(page.get_by_text(re.compile("Signed in, but 1 permission is missing"))).to_be_visible()
        shot(page, "connect-limited-1280")
        page.get_by_role("button", name="Update credentials").click()
        sign_in(page, user="routable_ws")
        expect(page.get_by_text("Signed in to ACME-DEMO at top level.", exact=True)).to_be_visible()
        shot(page, "connect-1280")
        page.set_viewport_size(PHONE)
        wait_idle(page)
        shot(page, "connect-390")
        # Nothing is cut off: the saved connection's labels fit, and the step list has a named control.
        expect(page.get_by_role("button", name=re.compile("All steps · this is step 6 of 9"))).to_be_visible()

        page.set_viewport_size(DESKTOP)
        page.goto(f"{url}/sync?ws={ws}")
        page.get_by_role("button", name="Start the sync").click()
        expect(page.get_by_text(re.compile(r"^Sync finished in "))).to_be_visible(timeout=90_000)
        page.get_by_role("button", name="Sync again").click()
        expect(page.get_by_text(re.compile(r"^Sync finished in "))).to_be_visible(timeout=90_000)
        expect(page.get_by_text(re.compile(r"Changes only: all 8 kinds of data checked"))).to_be_visible()
        expect(page.get_by_text(":material/")).to_have_count(0)  # icons, never their codes
        expect(page.get_by_role("button", name="Copy everything again")).to_be_visible()
        shot(page, "sync-1280")
        page.set_viewport_size(PHONE)
        wait_idle(page)
        shot(page, "sync-390")
        assert PASSWORD not in page.content()
