"""AppTest fixtures: a temporary database and data folder per test."""

from __future__ import annotations

import pytest

from onboarding.store import Store
from tests.ui.harness import DEAD_ENDPOINT


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Point the app at temporary storage and at an endpoint that refuses connections."""
    monkeypatch.setenv("ROUTABLE_DB_PATH", str(tmp_path / "onboarding.db"))
    monkeypatch.setenv("ROUTABLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ROUTABLE_VAULT_KEY", raising=False)
    monkeypatch.setenv("INTACCT_SENDER_ID", "RoutableMPP")
    monkeypatch.setenv("INTACCT_SENDER_PASSWORD", "sandbox-sender-secret")
    monkeypatch.setenv("INTACCT_ENDPOINT", DEAD_ENDPOINT)
    return tmp_path


@pytest.fixture
def sandbox_env(app_env, monkeypatch):
    """No Intacct settings at all: the app runs in sandbox mode against its in-process sandbox."""
    for name in ("INTACCT_SENDER_ID", "INTACCT_SENDER_PASSWORD", "INTACCT_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return app_env


@pytest.fixture
def store(app_env) -> Store:
    return Store(app_env / "onboarding.db")


@pytest.fixture
def mapping(store, app_env):
    from onboarding.mapping.repository import MappingStore

    return MappingStore(store, app_env / "data")


@pytest.fixture
def ws(app_env, store):
    """A workspace synced up to the Map step, holding the small chart of tests/mapping_helpers.py."""
    from tests.actors import LOCAL
    from tests.mapping_helpers import CHART, write_workspace_accounts
    from tests.ui.harness import finish_steps, mark_done

    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="top")
    mark_done(store, workspace, ["connect", "sync"])
    write_workspace_accounts(app_env / "data", workspace.id, CHART)
    return workspace
