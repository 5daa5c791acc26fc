"""The reading functions keep their documented promise: an answer for any file, never an exception,
and database_fault() tells a damaged file from one that simply has not been synced yet."""

from __future__ import annotations

import sqlite3

import pytest

from intacct import sync
from intacct.storage_faults import DAMAGED


def _files(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE unrelated (x)")
    conn.commit()
    conn.close()
    odd = tmp_path / "odd-details.db"
    conn = sqlite3.connect(odd)  # a history row whose details are not an object (an older writer)
    columns = "started_at, ended_at, status, mode, objects, fetched, inserted, updated, deleted, pages, "
    columns += "retries, wall_s, error, details"
    conn.execute(f"CREATE TABLE _sync_runs (id INTEGER PRIMARY KEY, {columns})")
    conn.execute("INSERT INTO _sync_runs (status, details) VALUES ('completed', '[1, 2]')")
    conn.commit()
    conn.close()
    return {"missing": tmp_path / "missing.db", "empty": empty, "other": other, "odd": odd}


@pytest.mark.parametrize("kind", ["missing", "empty", "other", "odd"])
def test_nothing_synced_yet_reads_as_empty_and_no_fault(tmp_path, kind):
    path = _files(tmp_path)[kind]
    runs = sync.history(path)
    assert all(isinstance(run.details, dict) for run in runs)
    assert len(runs) == (1 if kind == "odd" else 0)
    assert all(s.last_synced_at is None for s in sync.object_status(path))
    assert set(sync.last_synced(path).values()) == {None}
    assert sync.database_fault(path) is None


def test_a_damaged_file_answers_too_and_is_named_damaged(tmp_path):
    path = tmp_path / "damaged.db"
    path.write_bytes(b"this was never SQLite " * 300)
    assert sync.history(path) == []  # the page that asks still renders
    assert [s.rows for s in sync.object_status(path)] == [0] * len(sync.DEFAULT_OBJECTS)
    assert sync.database_fault(path) == DAMAGED
