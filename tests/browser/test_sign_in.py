"""OpenID Connect sign-in end to end: Chromium, `streamlit run app.py` in oidc mode, and a real OpenID
provider on loopback (oidc-provider-mock). Sign in, get the role an implementation manager gave the email
address, see only that workspace, sign out.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright import sync_api as playwright_api

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Role
from onboarding.people import People
from onboarding.store import Store
from tests.browser.test_journey import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, _free_port, _wait_healthy

expect = playwright_api.expect
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
REVIEWER_EMAIL = "dana@acme.test"


@pytest.fixture
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(tmp_path, provider):
    """The app in oidc mode, its [auth] section pointing at the provider; two workspaces, one grant."""
    port = _free_port()
    store = Store(tmp_path / "onboarding.db")
    acme = store.create_workspace("Acme Rockets", actor=LOCAL_IMPLEMENTATION_MANAGER)
    store.create_workspace("Globex Secret Project", actor=LOCAL_IMPLEMENTATION_MANAGER)
    People(store).assign(LOCAL_IMPLEMENTATION_MANAGER, REVIEWER_EMAIL, Role.FINANCE_REVIEWER, acme.id)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'access_mode = "oidc"\n'
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-the-test-0123456789"\n'
        'client_id = "routable-onboarding-test"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTACCT_", "ROUTABLE_"))}
    env.update(ROUTABLE_DB_PATH=str(tmp_path / "onboarding.db"), ROUTABLE_DATA_DIR=str(tmp_path / "data"))
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                "--server.headless=true", "--browser.gatherUsageStats=false", f"--secrets.files={secrets}",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log_path)
        yield url
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


def _sign_in(page, app_url: str, email: str) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Sign in with your work account to continue.")).to_be_visible()
    assert "Acme" not in page.content()
    page.get_by_role("button", name="Sign in").click()
    # The provider's own page: type who we are and authorize.
    page.locator("input[name='sub']").last.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")


def test_sign_in_gives_the_role_granted_to_the_email_and_sign_out_ends_it(oidc_app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    _sign_in(page, oidc_app, REVIEWER_EMAIL)

    sidebar = page.locator("[data-testid='stSidebar']")
    # The name is shown as literal text: a zero-width joiner keeps the address from becoming a link.
    signed_in = re.compile(r"Signed in as: dana@\u2060?acme\.test · Finance reviewer")
    expect(sidebar.get_by_text(signed_in)).to_be_visible()
    # A finance reviewer's access covers one workspace: it opens on it, and the list holds nothing else.
    expect(page.get_by_role("heading", name="Before you start", exact=True)).to_be_visible()
    expect(page.get_by_text("Step 1: Before you start · Acme Rockets")).to_be_visible()
    assert "Globex" not in page.content()
    expect(page.get_by_role("checkbox").first).to_be_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sign-in-reviewer.png"), full_page=True)

    sidebar.get_by_role("button", name="Sign out").click()
    # The provider may ask to confirm ending its session too; either way we come back signed out.
    end_session = page.get_by_role("button", name="End session")
    with contextlib.suppress(playwright_api.TimeoutError):
        end_session.click(timeout=5_000)
    page.goto(oidc_app)
    expect(page.get_by_text("Sign in with your work account to continue.")).to_be_visible()
    assert "Acme Rockets" not in page.content()
    context.close()


def test_a_signed_in_stranger_gets_no_workspace(oidc_app, browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    _sign_in(page, oidc_app, "mallory@elsewhere.test")
    expect(page.get_by_text("nobody has given this address access yet")).to_be_visible()
    content = page.content()
    assert "Acme" not in content and "Globex" not in content
    context.close()
