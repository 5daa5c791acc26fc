"""Storage faults on screen: a damaged synced copy has a way out, a sync running elsewhere is not a
failure, a full disk is named, and no message claims a failed write was saved."""

from __future__ import annotations

import sqlite3
import time

import pytest

import intacct.sync
from onboarding.sync_jobs import current_job, sync_db_path
from onboarding.vault import Vault
from tests.actors import LOCAL
from tests.ui.harness import DEMO_PASSWORD, finish_steps, mark_done, open_app, sidebar_states


@pytest.fixture
def ws(sandbox_env, store):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="top")
    mark_done(store, workspace, ["connect"])
    vault = Vault.load(sandbox_env / "data", {}, None)
    store.save_connection(workspace.id, "ACME-DEMO", "", "routable_ws", DEMO_PASSWORD, vault, actor=LOCAL)
    return workspace


def _wait(sandbox_env, ws, at, timeout=60.0):
    job = current_job(sandbox_env / "data", ws.id)
    assert job is not None and job.join(timeout)
    deadline = time.monotonic() + 5
    while job.snapshot().running and time.monotonic() < deadline:
        time.sleep(0.01)
    return at.run()


def test_a_damaged_synced_copy_is_named_and_can_be_moved_aside(store, ws, sandbox_env):
    db = sync_db_path(sandbox_env / "data", ws.id)
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"not SQLite at all " * 500)

    at = open_app(ws, "sync")
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "is damaged" in error and "Something went wrong" not in error
    assert intacct.sync.history(db) == []  # the documented promise: an answer, not an exception
    [way_out] = [b for b in at.button if b.label == "Move the damaged copy aside and sync afresh"]
    way_out.click()
    at.run()
    at = _wait(sandbox_env, ws, at)

    assert not at.error
    assert any(s.value.startswith("Sync finished in") for s in at.success)
    kept = [p.name for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].endswith(".db")  # the damaged file is kept for support
    assert (db.parent / kept[0]).read_bytes().startswith(b"not SQLite")
    assert sidebar_states(at)["Sync"] == "done"


def test_a_sync_running_in_another_process_is_said_and_flags_nothing(store, ws, sandbox_env):
    db = sync_db_path(sandbox_env / "data", ws.id)
    with intacct.sync.sync_lock(db):  # as the CLI holds it while it syncs the same company
        at = open_app(ws, "sync")
        next(b for b in at.button if b.label == "Start the sync").click()
        at.run()
        at = _wait(sandbox_env, ws, at)
    assert not at.exception and not at.error
    assert any("A sync of this company is already running since" in i.value for i in at.info)
    assert sidebar_states(at)["Sync"] != "needs attention"
    assert intacct.sync.history(db) == []  # nothing was written next to the other sync


def test_a_full_disk_while_saving_says_so_and_promises_nothing(store, sandbox_env, monkeypatch):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws, "start")
    # A real SQLITE_FULL from a real file: SQLite's page cap refuses to grow the file, as a full disk does.
    probe = sqlite3.connect(sandbox_env / "full.db")
    probe.execute("PRAGMA max_page_count = 2")
    probe.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError) as full:
        probe.execute("INSERT INTO t VALUES (randomblob(50000))")
    probe.close()

    def fail(*args, **kwargs):
        raise full.value

    monkeypatch.setattr(type(store), "apply", fail)
    checkbox = at.checkbox[0]
    checkbox.check()
    at.run()

    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "disk" in error and "full" in error and "was not saved" in error
    assert "progress is saved" not in error.lower()
