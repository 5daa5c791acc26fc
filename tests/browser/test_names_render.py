"""In real Chromium: a workspace name that looks like Markdown shows as the text typed, never as a link."""

from __future__ import annotations

from tests.browser.test_journey import expect, shot

HOSTILE = "[Click to re-verify](https://evil.example) **urgent** :red[x] :material/warning:"
# A fresh server's first runs start the sandbox and import everything; on a shared, loaded machine
# that alone has taken over 20 s. Waiting longer asserts nothing about speed.
PATIENCE_MS = 90_000


def test_a_markdown_looking_workspace_name_shows_as_plain_text(app_url, page):
    page.set_default_timeout(PATIENCE_MS)
    page.goto(app_url)
    first_run = page.get_by_role("heading", name="Connect Sage Intacct to Routable")
    expect(first_run).to_be_visible(timeout=PATIENCE_MS)
    page.get_by_label("Customer name", exact=True).fill(HOSTILE)
    page.get_by_role("button", name="Create workspace").click()
    first_step = page.get_by_role("heading", name="Before you start", exact=True)
    expect(first_step).to_be_visible(timeout=PATIENCE_MS)

    main = page.locator("[data-testid='stMain']")
    heading = main.get_by_text("Click to re-verify", exact=False).first
    expect(heading).to_be_visible(timeout=PATIENCE_MS)
    shot(page, "name-as-text")
    # Every bracket, star and colon as typed (word joiners, invisible, keep bare URLs from linking).
    assert HOSTILE in heading.inner_text().replace("\u2060", "")
    assert page.locator("a[href*='evil.example']").count() == 0
    assert main.locator("strong", has_text="urgent").count() == 0
    # Streamlit reads icon and emoji codes in the parsed text: they too stay as typed.
    assert heading.locator("[data-testid='stIconMaterial']").count() == 0
    assert "Click to re-verify" not in [link.inner_text() for link in page.locator("a").all()]
