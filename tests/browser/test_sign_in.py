"""OpenID Connect sign-in end to end: Chromium, `streamlit run app.py` in oidc mode, and a real OpenID
provider on loopback (oidc-provider-mock). Sign in, get the role an implementation manager gave the email
address, see only that workspace, sign out; an invitation link opened before signing in is accepted once
the person is back from their provider, and binds to them.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright import sync_api as playwright_api

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Role
from onboarding.invite import InviteBook
from onboarding.people import People
from onboarding.store import Store
from tests.browser.server import ARTIFACTS, VIEWPORT, app_env, free_port, new_tab, running_app

expect = playwright_api.expect
REVIEWER_EMAIL = "dana@acme.test"
INVITED_EMAIL = "erin@acme.test"
INVITE_KEY = "browser-test-oidc-invite-signing-key-0123456789"


@dataclass(frozen=True)
class OidcApp:
    url: str
    store: Store
    invite_id: str
    invite_link: str  # a finance reviewer's invitation to Acme Rockets, for whoever opens it first


@pytest.fixture
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(tmp_path, provider):
    """The app in oidc mode, its [auth] section pointing at the provider; two workspaces, one grant."""
    port = free_port()
    store = Store(tmp_path / "onboarding.db")
    acme = store.create_workspace("Acme Rockets", actor=LOCAL_IMPLEMENTATION_MANAGER)
    store.create_workspace("Globex Secret Project", actor=LOCAL_IMPLEMENTATION_MANAGER)
    People(store).assign(LOCAL_IMPLEMENTATION_MANAGER, REVIEWER_EMAIL, Role.FINANCE_REVIEWER, acme.id)
    invite, token = InviteBook(store, INVITE_KEY.encode()).create(
        LOCAL_IMPLEMENTATION_MANAGER, Role.FINANCE_REVIEWER, acme.id, label="Erin, finance"
    )
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
    env = app_env(tmp_path, ROUTABLE_INVITE_KEY=INVITE_KEY)
    with running_app(tmp_path, env, [f"--secrets.files={secrets}"], port=port) as url:
        yield OidcApp(url, store, invite.id, InviteBook.link(token, url))


def _sign_in(page, app_url: str, email: str, opened: str | None = None) -> None:
    page.goto(opened or app_url)
    expect(page.get_by_text("Sign in with your work account to continue.")).to_be_visible()
    assert "Acme" not in page.content()
    page.get_by_role("button", name="Sign in").click()
    # The provider's own page: type who we are and authorize.
    page.locator("input[name='sub']").last.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")


def test_sign_in_gives_the_role_granted_to_the_email_and_sign_out_ends_it(oidc_app, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = new_tab(context)
    _sign_in(page, oidc_app.url, REVIEWER_EMAIL)

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
    page.goto(oidc_app.url)
    expect(page.get_by_text("Sign in with your work account to continue.")).to_be_visible()
    assert "Acme Rockets" not in page.content()
    context.close()


def test_a_signed_in_stranger_gets_no_workspace(oidc_app, browser):
    context = browser.new_context()
    page = new_tab(context)
    _sign_in(page, oidc_app.url, "mallory@elsewhere.test")
    expect(page.get_by_text("nobody has given this address access yet")).to_be_visible()
    content = page.content()
    assert "Acme" not in content and "Globex" not in content
    context.close()


def test_an_invitation_opened_before_sign_in_is_accepted_after_it(oidc_app, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = new_tab(context)
    _sign_in(page, oidc_app.url, INVITED_EMAIL, opened=oidc_app.invite_link)
    # Back from the provider on the home page, without the link: the held invitation is accepted anyway.
    sidebar = page.locator("[data-testid='stSidebar']")
    signed_in = re.compile(r"Signed in as: erin@\u2060?acme\.test · Finance reviewer")
    expect(sidebar.get_by_text(signed_in)).to_be_visible()
    expect(page.get_by_text("Step 1: Before you start · Acme Rockets")).to_be_visible()
    assert "Globex" not in page.content()
    assert "invite=" not in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sign-in-invited.png"), full_page=True)

    # The invitation is now Erin's, and Erin's address keeps the role without the link.
    invite = InviteBook(oidc_app.store, INVITE_KEY.encode()).invite_for(oidc_app.invite_id + ".x")
    assert invite.bound_email == INVITED_EMAIL and invite.used_at is not None
    granted = People(oidc_app.store).identity_for(INVITED_EMAIL)
    assert granted is not None and granted.role is Role.FINANCE_REVIEWER
    with sqlite3.connect(oidc_app.store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM invite_holds").fetchone()[0] == 0  # taken once, gone
    page.goto(oidc_app.url)
    expect(sidebar.get_by_text(signed_in)).to_be_visible()
    expect(page.get_by_text("Step 1: Before you start · Acme Rockets")).to_be_visible()

    # Someone else signing in with the same link later is refused: it belongs to Erin now.
    other = browser.new_context()
    stranger = new_tab(other)
    _sign_in(stranger, oidc_app.url, "mallory@elsewhere.test", opened=oidc_app.invite_link)
    expect(stranger.get_by_text("This link does not open anything")).to_be_visible()
    assert "Acme" not in stranger.content()
    other.close()
    context.close()
