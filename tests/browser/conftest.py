"""Browser tests share one patience: a loaded 2-core machine can take many seconds to start a script run."""

from playwright.sync_api import expect

# Playwright's expect() waits 5 s by default, which a busy shared machine can exceed on a page's first run.
expect.set_options(timeout=20_000)
