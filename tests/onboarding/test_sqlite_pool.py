"""The store's reused SQLite connections: handed back clean, dropped when the file is replaced."""

from __future__ import annotations

import sqlite3
import threading

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER
from onboarding.sqlite_pool import ConnectionPool
from onboarding.store import Store


def _pool(tmp_path) -> ConnectionPool:
    path = tmp_path / "pool.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    return ConnectionPool(path, 5.0, ("PRAGMA foreign_keys = ON",))


def test_a_connection_is_reused_with_its_setup(tmp_path):
    pool = _pool(tmp_path)
    with pool.connection() as first:
        assert first.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with pool.connection() as second:
        assert second is first


def test_a_connection_comes_back_without_a_transaction_or_row_factory(tmp_path):
    pool = _pool(tmp_path)
    with pool.connection() as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("INSERT INTO t VALUES (1)")  # opens a transaction nobody commits
    with pool.connection() as again:
        assert again is conn and not again.in_transaction and again.row_factory is None
        assert again.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_a_connection_that_saw_an_error_is_never_handed_out_again(tmp_path):
    pool = _pool(tmp_path)
    try:
        with pool.connection() as broken:
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with pool.connection() as fresh:
        assert fresh is not broken


def test_a_replaced_file_is_read_through_a_new_connection(tmp_path):
    pool = _pool(tmp_path)
    with pool.connection() as old:
        old.execute("INSERT INTO t VALUES (1)")
        old.commit()
    replacement = tmp_path / "other.db"
    with sqlite3.connect(replacement) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    conn.close()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"pool.db{suffix}").unlink(missing_ok=True)
    replacement.replace(tmp_path / "pool.db")
    with pool.connection() as conn:
        assert conn is not old
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (3,)


def test_threads_never_share_a_connection(tmp_path):
    pool = _pool(tmp_path)
    inside: list[sqlite3.Connection] = []
    clashes: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(50):
            with pool.connection() as conn:
                with lock:
                    if any(c is conn for c in inside):
                        clashes.append("shared")
                    inside.append(conn)
                conn.execute("SELECT count(*) FROM t").fetchone()
                with lock:
                    inside.remove(conn)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not clashes


def test_the_store_sees_writes_made_by_another_store_on_the_same_file(tmp_path):
    one, two = Store(tmp_path / "o.db"), Store(tmp_path / "o.db")
    ws = one.create_workspace("Acme", actor=LOCAL_IMPLEMENTATION_MANAGER)
    assert two.get_workspace(ws.id).name == "Acme"  # two's connection now sits idle in its pool
    one.rename_workspace(ws.id, "Acme Corp", actor=LOCAL_IMPLEMENTATION_MANAGER)
    assert two.get_workspace(ws.id).name == "Acme Corp"
