"""Browser tests share one patience (a loaded 2-core machine can take many seconds to start a script run)
and one way to run the app and Chromium (tests/browser/server.py, whose fixtures are registered here)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.server import app_url, browser, page  # noqa: F401 - fixtures for every browser test

# Playwright's expect() waits 5 s by default, which a busy shared machine can exceed on a page's first run.
expect.set_options(timeout=20_000)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A whole journey is dozens of page runs; the suite-wide 300 s guard is meant for single tests.
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.timeout(900))
