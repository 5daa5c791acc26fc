"""Shared fixtures: a local Intacct sandbox over real loopback HTTP, and the demo sender.

`sandbox` is one sandbox per test session (per xdist worker), with default data. Tests that change records
or behaviour (faults, expired sessions, mutations) should use `make_sandbox` for their own instance.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # tests import the project's packages from the repository root
    sys.path.insert(0, str(ROOT))

from intacct.sandbox import SandboxHandle, start  # noqa: E402

DEMO_SENDER = ("RoutableMPP", "sandbox-sender-secret")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxHandle]:
    """Default demo data; concurrency limit raised so tests running side by side never see a 429."""
    with start(max_concurrent=8) as handle:
        yield handle


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., SandboxHandle]]:
    """Start sandboxes with any `intacct.sandbox.start` options; all are stopped after the test."""
    handles: list[SandboxHandle] = []

    def factory(**options) -> SandboxHandle:
        handle = start(**options)
        handles.append(handle)
        return handle

    yield factory
    for handle in handles:
        handle.stop()


@pytest.fixture
def sender() -> tuple[str, str]:
    return DEMO_SENDER


@pytest.fixture
def interim_suggestions(monkeypatch):
    """Suggestions from the test-only stand-in (tests/mapping_helpers.py) instead of the real engine."""
    import onboarding.mapping
    from tests.mapping_helpers import interim_suggest

    monkeypatch.setattr(onboarding.mapping, "suggest", interim_suggest, raising=False)
    return interim_suggest
