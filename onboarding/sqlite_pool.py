"""Open SQLite connections kept for reuse, so a page run does not open the database for every read.

Opening a connection costs about half a millisecond (SQLite reads and parses the schema again); a
page asks the store a dozen questions per run, so reopening was most of what its reads cost. A
connection goes back to the pool only in the state a fresh one has: no open transaction, tuples for
rows, no pragma a caller set for itself. Connections are dropped when the file behind the path is a
different one (deleted, replaced or restored from a copy), so nobody reads a file that is gone.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Enough for the page runs and sync threads that overlap on one server; more are opened when needed
# and closed after use.
MAX_IDLE = 4


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


class ConnectionPool:
    """Connections to one database file, each used by one thread at a time."""

    def __init__(self, path: Path, timeout: float, setup: tuple[str, ...] = ()) -> None:
        self.path = path
        self._timeout = timeout
        self._setup = setup
        self._idle: list[sqlite3.Connection] = []
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        # Handed from thread to thread, never shared at one time: the pool hands each out once.
        conn = sqlite3.connect(self.path, timeout=self._timeout, check_same_thread=False)
        try:
            for statement in self._setup:
                conn.execute(statement)
        except BaseException:
            conn.close()
            raise
        return conn

    def _take(self) -> sqlite3.Connection:
        identity = _file_identity(self.path)
        with self._lock:
            if identity != self._identity:
                stale, self._idle = self._idle, []
                self._identity = identity
            else:
                stale = []
            conn = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        return conn if conn is not None else self._open()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.rollback()
        conn.row_factory = None
        with self._lock:
            keep = len(self._idle) < MAX_IDLE and _file_identity(self.path) == self._identity
            if keep:
                self._idle.append(conn)
        if not keep:
            conn.close()

    @contextmanager
    def connection(self, *, reuse: bool = True) -> Iterator[sqlite3.Connection]:
        """A connection for one block; ``reuse=False`` for one that sets pragmas only it should keep."""
        conn = self._take() if reuse else self._open()
        try:
            yield conn
        except BaseException:
            conn.close()  # whatever went wrong may have left it half-way: never hand it out again
            raise
        if reuse:
            self._give_back(conn)
        else:
            conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
