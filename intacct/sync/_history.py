"""Reading what the sync left behind: run history and per-object status, for pages and reports.

Every function here opens the file read-only and answers with empty results when nothing was synced yet
(no file, or no sync tables), so a page can call them before the first sync. They answer the same way
for a file that is not a readable database, rather than fail the page that asked: ``database_fault``
tells that case apart, so the page can say so and offer a way out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..dates import parse_iso
from ..storage_faults import storage_fault
from ._schema import DEFAULT_OBJECTS, SCHEMAS


@dataclass(frozen=True)
class SyncRun:
    """One row of the sync history."""

    id: int
    started_at: datetime | None
    ended_at: datetime | None
    status: str  # running | completed | partial | failed | cancelled | interrupted
    mode: str
    objects: tuple[str, ...]
    fetched: int
    inserted: int
    updated: int
    deleted: int
    pages: int
    retries: int
    wall_s: float | None
    error: str | None
    details: dict = field(default_factory=dict)  # object -> that object's counts and error


@dataclass(frozen=True)
class ObjectStatus:
    """What is held locally for one object and how its last sync went."""

    object: str
    label: str
    rows: int  # records present in Intacct as of the last sync
    deleted_rows: int  # records we hold that Intacct no longer has
    last_synced_at: datetime | None
    last_status: str | None  # ok | failed | cancelled
    last_error: str | None
    in_progress: bool  # an attempt was started and not finished (the next run resumes it)


@contextmanager
def _read(db_path: str | Path) -> Iterator[sqlite3.Connection | None]:
    path = Path(db_path)
    if not path.exists():
        yield None
        return
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def database_fault(db_path: str | Path) -> str | None:
    """None when the file is absent or readable; else its storage fault (``intacct.storage_faults``)."""
    path = Path(db_path)
    if not path.exists():
        return None
    try:
        with _read(path) as conn:
            # The schema lives on the first page: reading it proves the file is SQLite at all.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, OSError) as exc:
        return storage_fault(exc)
    return None


def history(db_path: str | Path, limit: int = 20) -> list[SyncRun]:
    """The latest runs, newest first."""
    try:
        with _read(db_path) as conn:
            if conn is None:
                return []
            rows = conn.execute(
                "SELECT id, started_at, ended_at, status, mode, objects, fetched, inserted, updated, "
                "deleted, pages, retries, wall_s, error, details FROM _sync_runs ORDER BY id DESC LIMIT ?",
                (int(limit),),
            ).fetchall()
    except sqlite3.DatabaseError:  # no history table yet, or not a database (see database_fault)
        return []
    runs = []
    for row in rows:
        try:
            details = json.loads(row[14]) if row[14] else {}
        except ValueError:
            details = {}
        if not isinstance(details, dict):
            details = {}
        runs.append(
            SyncRun(
                id=row[0],
                started_at=parse_iso(row[1]),
                ended_at=parse_iso(row[2]),
                status=row[3] or "",
                mode=row[4] or "",
                objects=tuple(o for o in (row[5] or "").split(",") if o),
                fetched=row[6] or 0,
                inserted=row[7] or 0,
                updated=row[8] or 0,
                deleted=row[9] or 0,
                pages=row[10] or 0,
                retries=row[11] or 0,
                wall_s=row[12],
                error=row[13],
                details=details,
            )
        )
    return runs


def last_synced(db_path: str | Path) -> dict[str, datetime | None]:
    """Object -> when its last complete sync ended (None: never), for every object the sync knows."""
    return {s.object: s.last_synced_at for s in object_status(db_path)}


def object_status(db_path: str | Path, objects: tuple[str, ...] = DEFAULT_OBJECTS) -> list[ObjectStatus]:
    """One entry per object, in sync order, whether or not it was synced yet."""
    states: dict[str, tuple] = {}
    counts: dict[str, tuple[int, int]] = {}
    try:
        with _read(db_path) as conn:
            if conn is not None:
                _read_status(conn, objects, states, counts)
    except sqlite3.DatabaseError:  # not a database at all (see database_fault): nothing readable
        states.clear()
        counts.clear()
    out = []
    for name in objects:
        state = states.get(name)
        live, gone = counts.get(name, (0, 0))
        out.append(
            ObjectStatus(
                object=name,
                label=SCHEMAS[name].label if name in SCHEMAS else name,
                rows=live,
                deleted_rows=gone,
                last_synced_at=parse_iso(state[1]) if state else None,
                last_status=state[2] if state else None,
                last_error=state[3] if state else None,
                in_progress=bool(state and state[4]),
            )
        )
    return out


def _read_status(
    conn: sqlite3.Connection, objects: tuple[str, ...], states: dict, counts: dict[str, tuple[int, int]]
) -> None:
    try:
        for row in conn.execute(
            "SELECT object, last_synced_at, last_status, last_error, phase FROM _sync_state"
        ):
            states[row[0]] = row
    except sqlite3.OperationalError:  # no state table yet
        pass
    for name in objects:
        try:
            total, gone = conn.execute(
                f'SELECT count(*), coalesce(sum(_deleted), 0) FROM "{name}"'
            ).fetchone()
        except sqlite3.OperationalError:  # that object was never synced
            continue
        counts[name] = (total - gone, gone)
