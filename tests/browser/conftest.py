"""Browser tests share one patience: a loaded 2-core machine can take many seconds to start a script run."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's expect() waits 5 s by default, which a busy shared machine can exceed on a page's first run.
expect.set_options(timeout=20_000)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A whole journey is dozens of page runs; the suite-wide 300 s guard is meant for single tests.
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.timeout(900))
