"""Customer data on disk is private to its owner, and the app listens on loopback unless told otherwise."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from intacct.sync._store import SyncStore
from onboarding.store import Store
from onboarding.vault import KEY_FILE_NAME, Vault
from tests.actors import LOCAL

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The usual umask, under which SQLite on its own would create world-readable files."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_app_binds_to_loopback_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"


def test_data_folder_databases_and_their_companions_are_owner_only(tmp_path, loose_umask):
    data = tmp_path / "fresh" / "data"
    store = Store(data / "onboarding.db")
    vault = Vault.load(data, env={})
    ws = store.create_workspace("Acme", actor=LOCAL)
    store.save_connection(ws.id, "ACME", "", "ws_user", "Secret-1!", vault, actor=LOCAL)

    sync_db = data / "intacct-1.db"
    sync = SyncStore(sync_db)
    sync.start_run("full", ["GLACCOUNT"])  # a write, so the -wal and -shm files exist while open
    try:
        assert _mode(tmp_path / "fresh") == 0o700
        assert _mode(data) == 0o700
        written = [data / "onboarding.db", data / KEY_FILE_NAME, sync_db]
        written += [sync_db.with_name(sync_db.name + s) for s in ("-wal", "-shm")]
        for path in written:
            assert path.exists(), path
            assert _mode(path) == 0o600, f"{path.name} is {_mode(path):o}"
    finally:
        sync.close()


def test_loose_existing_files_are_tightened_when_opened(tmp_path, loose_umask):
    db = tmp_path / "onboarding.db"
    Store(db)
    os.chmod(db, 0o644)
    Store(db)
    assert _mode(db) == 0o600


def test_the_app_tightens_a_data_folder_left_open_to_others(tmp_path, monkeypatch, loose_umask):
    from ui.resources import data_dir

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    monkeypatch.setenv("ROUTABLE_DATA_DIR", str(data))
    assert data_dir() == data
    assert _mode(data) == 0o700
