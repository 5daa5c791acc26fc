"""How every browser test runs the app and Chromium, in one place.

The app: `streamlit run app.py` on a free loopback port with its own progress database and data folder
under the test's tmp_path, and nothing from the caller's INTACCT_/ROUTABLE_ environment, so sandbox mode
and local access are the defaults a test changes on purpose. Chromium: Debian's, through Playwright, with
the arguments the style notes give. The fixtures below are registered for the folder by conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

expect = playwright_api.expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The sandbox's demo password: no server log may ever contain it.
PASSWORD = "Demo-Passw0rd!"
WAIT_MS = 20_000
VIEWPORT = {"width": 1400, "height": 1000}

# Missing Chromium is a failure, not a skip: `make test` installs it, so its absence is a broken set-up.
assert Path(CHROMIUM).exists(), "Chromium is not installed at /usr/bin/chromium: run `make browser`"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not become healthy:\n{log_path.read_text()[-3000:]}")


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The app's environment: this test's database and data folder, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTACCT_", "ROUTABLE_"))}
    env.update(ROUTABLE_DB_PATH=str(tmp_path / "onboarding.db"), ROUTABLE_DATA_DIR=str(tmp_path / "data"))
    env.update(extra)
    return env


@contextmanager
def running_app(
    tmp_path: Path, env: dict[str, str] | None = None, args: Sequence[str] = (), port: int | None = None
) -> Iterator[str]:
    """`streamlit run app.py` for one test; yields its URL and stops it afterwards.

    `env` defaults to app_env(tmp_path); `args` adds command-line options (say --secrets.files=...).
    """
    port = port or free_port()
    log_path = tmp_path / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                "--server.headless=true", "--browser.gatherUsageStats=false", *args,
            ],
            cwd=ROOT, env=env if env is not None else app_env(tmp_path), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        assert PASSWORD not in log_path.read_text(), "the password reached the server log"


def new_tab(context, timeout_ms: int = WAIT_MS):
    tab = context.new_page()
    tab.set_default_timeout(timeout_ms)
    return tab


def wait_idle(page, timeout_ms: int | None = None) -> None:
    """Wait until Streamlit has finished the current run (its status widget disappears)."""
    page.wait_for_timeout(150)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=timeout_ms)
    # Elements the run has not redrawn yet stay marked stale until the frontend clears them.
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout_ms)


def save_shot(page, file_name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / file_name), full_page=True)


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """One tab of a desktop-sized window."""
    return new_tab(browser.new_context(viewport=VIEWPORT))


@pytest.fixture
def app_url(tmp_path):
    """The app in its defaults (sandbox, local access) for this test."""
    with running_app(tmp_path) as url:
        yield url
