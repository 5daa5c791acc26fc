"""The local SQLite file: object tables, checkpoints, high-water marks and run history.

Every page is applied in one transaction together with its checkpoint, so the file always says exactly
which RECORDNO ranges are still to be fetched; a process killed at any instant resumes from there.

Tables besides the object tables (see ``_schema``):

* ``_sync_state``  one row per object: the attempt under way (mode, WHENMODIFIED lower bound, phase,
  progress) and the outcome of the last complete one (high-water mark, when, how long, error).
* ``_sync_chunks`` the RECORDNO ranges ``(lo, hi]`` still to fetch for each object's attempt.
* ``_sync_runs``   one row per run: start, end, status, counts, error text (never secrets).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..dates import parse_iso
from ..private_files import private_database
from ._report import SyncStatus
from ._schema import ObjectSchema

# Rows per multi-row upsert statement (see ``SyncStore._upsert``): under SQLite's 32,766 bound
# parameters for any field list here, and big enough that a page is a handful of statements.
UPSERT_ROWS = 100

FETCH = "fetch"
SCAN = "scan"
COUNT = "count"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def field_signature(schema: ObjectSchema) -> str:
    """The field list as stored with the state: a change means local rows lack columns."""
    return ",".join(schema.fields)


def _q(name: str) -> str:
    """Quote an identifier: column names carry dots (DISPLAYCONTACT.EMAIL1)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Chunk:
    """A RECORDNO range ``(lo, hi]`` still to fetch; ``None`` is an open end."""

    id: int
    object: str
    kind: str
    lo: int | None
    hi: int | None


@dataclass(frozen=True)
class ObjectState:
    object: str
    fields: str
    phase: str | None  # fetch | count | scan while an attempt is under way, None otherwise
    mode: str | None  # full | incremental
    since: str | None  # ISO timestamp: the attempt's WHENMODIFIED lower bound
    attempt_started_at: str | None
    attempt_total: int | None
    attempt_done: int
    high_water: str | None
    last_duration_s: float | None
    last_synced_at: str | None
    last_status: str | None
    last_error: str | None
    attempt_high_water: str | None  # latest WHENMODIFIED seen by the attempt, as a sortable key


@dataclass(frozen=True)
class PageOutcome:
    inserted: int
    updated: int
    deleted: int


@dataclass(frozen=True)
class ChunkUpdate:
    """What a page does to the checkpoints: move or close its chunk, open new ones."""

    chunk_id: int
    next_lo: int | None  # None: the chunk is finished
    next_hi: int | None
    children: Sequence[tuple[int, int | None, int | None]] = ()


_STATE_COLUMNS = {
    "object": str,
    "fields": str,
    "phase": str,
    "mode": str,
    "since": str,
    "attempt_started_at": str,
    "attempt_total": int,
    "attempt_done": int,
    "high_water": str,
    "last_duration_s": float,
    "last_synced_at": str,
    "last_status": str,
    "last_error": str,
    "attempt_high_water": str,
}

_RUN_COLUMNS = {
    "id": int,
    "started_at": str,
    "ended_at": str,
    "status": str,
    "mode": str,
    "objects": str,
    "fetched": int,
    "inserted": int,
    "updated": int,
    "deleted": int,
    "pages": int,
    "retries": int,
    "wall_s": float,
    "error": str,
    "details": str,
}


_SQL_TYPES = {int: "INTEGER", str: "TEXT", float: "FLOAT"}


def connect(path: str | Path) -> sqlite3.Connection:
    # Autocommit mode with explicit BEGIN/COMMIT, so a transaction is exactly one page.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL is crash-safe in WAL mode (a killed process loses nothing committed); only a power cut
    # can drop the last pages, and those are simply fetched again.
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class SyncStore:
    """Writes of one sync run. Used by one thread at a time (the run's coordinator)."""

    def __init__(self, path: str | Path) -> None:
        self.path = private_database(path)
        self.conn = connect(self.path)
        self._create_meta_tables()
        self._sql: dict[str, tuple[str, str, str]] = {}
        self._many: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite may have rolled back already (a full disk does): the error to report is the first.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------------------------ schema

    def _create_meta_tables(self) -> None:
        # Plain SQL, not sqlite_utils: importing it imports pandas (about 0.4 s and 80 MB per CLI start).
        self._create("_sync_state", _STATE_COLUMNS, pk="object", not_null_zero=("attempt_done",))
        self._create("_sync_chunks", {"id": int, "object": str, "kind": str, "lo": int, "hi": int}, pk="id")
        self._create("_sync_runs", _RUN_COLUMNS, pk="id")

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self.conn.execute(f"PRAGMA table_info({_q(table)})")}

    def _create(
        self, table: str, columns: dict[str, type], *, pk: str, not_null_zero: Sequence[str] = ()
    ) -> None:
        """CREATE TABLE IF NOT EXISTS, then add any column a file written by an earlier version lacks."""

        def column(name: str, kind: type) -> str:
            definition = f"{_q(name)} {_SQL_TYPES[kind]}"
            if name == pk:
                definition += " PRIMARY KEY"
            if name in not_null_zero:
                definition += " NOT NULL DEFAULT 0"
            return definition

        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {_q(table)} ({', '.join(column(n, k) for n, k in columns.items())})"
        )
        present = self._columns(table)
        for name, kind in columns.items():
            if name not in present:
                self.conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {column(name, kind)}")

    def ensure_table(self, schema: ObjectSchema) -> None:
        """Create the object's table, or add columns a newer field list brought."""
        columns: dict[str, type] = {"RECORDNO": int}
        columns.update({f: str for f in schema.data_fields})
        columns.update({"_deleted": int, "_synced_at": str})
        self._create(schema.table, columns, pk="RECORDNO", not_null_zero=("_deleted",))

    def _statements(self, schema: ObjectSchema) -> tuple[str, str, str]:
        cached = self._sql.get(schema.name)
        if cached is None:
            cols = schema.data_fields
            t = _q(schema.table)
            select = f"SELECT RECORDNO, {', '.join(map(_q, cols))}, _deleted FROM {t}"
            marks = ", ".join("?" * (len(cols) + 1))
            updates = ", ".join(f"{_q(c)}=excluded.{_q(c)}" for c in cols)
            upsert = (
                f"INSERT INTO {t} (RECORDNO, {', '.join(map(_q, cols))}, _deleted, _synced_at) "
                f"VALUES ({marks}, 0, ?) ON CONFLICT(RECORDNO) DO UPDATE SET {updates}, "
                "_deleted=0, _synced_at=excluded._synced_at"
            )
            mark = f"UPDATE {t} SET _deleted=1, _synced_at=? WHERE RECORDNO=?"
            cached = self._sql[schema.name] = (select, upsert, mark)
        return cached

    # ------------------------------------------------------------------------------------ pages

    def apply_page(
        self,
        schema: ObjectSchema,
        rows: Sequence[tuple],
        *,
        covered: tuple[int | None, int | None] | None,
        update: ChunkUpdate,
        ids_only: bool = False,
        total: int | None = None,
        high_water_key: str | None = None,
    ) -> PageOutcome:
        """Upsert a page's rows and move its checkpoint, in one transaction.

        ``covered`` is the RECORDNO range ``(lo, hi]`` the page is known to hold completely (a full or a
        deletion scan); local rows in it that the page lacks are marked deleted. ``None`` (an incremental
        page, which holds only changed records) marks nothing. ``ids_only`` pages carry ``(RECORDNO,)``
        rows and only mark deletions. ``total`` (first page of an attempt) records the attempt's size;
        ``high_water_key`` is the page's latest WHENMODIFIED as ``modified_key`` gives it.
        """
        select, upsert, mark = self._statements(schema)
        stamp = utc_now()
        if covered is not None:
            where, args = _range_sql(*covered)
        else:
            # A page that proves no deletion (incremental: only changed records, scattered over the
            # whole object) reads back its own rows and no others.
            where = " WHERE RECORDNO IN (SELECT value FROM json_each(?))"
            args = (json.dumps([r[0] for r in rows]),)
        inserted = updated = 0
        with self.transaction():
            if ids_only:
                existing = {
                    rn: deleted
                    for rn, deleted in self.conn.execute(
                        f"SELECT RECORDNO, _deleted FROM {_q(schema.table)}{where}", args
                    )
                }
                seen = {r[0] for r in rows}
            else:
                existing_rows = {row[0]: row for row in self.conn.execute(select + where, args)}
                existing = {rn: row[-1] for rn, row in existing_rows.items()}
                to_write = []
                for row in rows:
                    old = existing_rows.get(row[0])
                    if old is None:
                        inserted += 1
                    elif old[-1] or old[1:-1] != row[1:]:
                        updated += 1
                    else:
                        continue
                    to_write.append((*row, stamp))
                if to_write:
                    self._upsert(schema, upsert, to_write)
                seen = {r[0] for r in rows}
            missing = []
            if covered is not None:
                missing = [(stamp, rn) for rn, deleted in existing.items() if not deleted and rn not in seen]
                if missing:
                    self.conn.executemany(mark, missing)
            self._move_chunk(update)
            if total is not None:
                self.set_total(schema.name, total)
            if high_water_key is not None:
                self.conn.execute(
                    "UPDATE _sync_state SET attempt_high_water = max(coalesce(attempt_high_water, ''), ?) "
                    "WHERE object = ?",
                    (high_water_key, schema.name),
                )
            self.conn.execute(
                "UPDATE _sync_state SET attempt_done = attempt_done + ? WHERE object = ?",
                (len(rows), schema.name),
            )
        return PageOutcome(inserted, updated, len(missing))

    def _upsert(self, schema: ObjectSchema, upsert: str, rows: list[tuple]) -> None:
        """Write rows ``UPSERT_ROWS`` to a statement, the few left over one at a time.

        Not ``executemany`` alone: it steps once per row, and every step lets go of the interpreter
        lock and takes it back. With workers parsing meanwhile, each take-back waits its turn, two
        thousand times a page; a statement of a hundred rows is one step, written by SQLite unlocked.
        """
        full = len(rows) - len(rows) % UPSERT_ROWS
        if full:
            many = self._many_sql(schema)
            flat = list(itertools.chain.from_iterable(rows[:full]))
            width = len(rows[0]) * UPSERT_ROWS
            for start in range(0, len(flat), width):
                self.conn.execute(many, flat[start : start + width])
        if full < len(rows):
            self.conn.executemany(upsert, rows[full:])

    def _many_sql(self, schema: ObjectSchema) -> str:
        cached = self._many.get(schema.name)
        if cached is None:
            cols = schema.data_fields
            t = _q(schema.table)
            one = "(" + ", ".join("?" * (len(cols) + 1)) + ", 0, ?)"
            updates = ", ".join(f"{_q(c)}=excluded.{_q(c)}" for c in cols)
            cached = self._many[schema.name] = (
                f"INSERT INTO {t} (RECORDNO, {', '.join(map(_q, cols))}, _deleted, _synced_at) "
                f"VALUES {', '.join([one] * UPSERT_ROWS)} ON CONFLICT(RECORDNO) DO UPDATE SET {updates}, "
                "_deleted=0, _synced_at=excluded._synced_at"
            )
        return cached

    def _move_chunk(self, update: ChunkUpdate) -> None:
        if update.next_lo is None:
            self.conn.execute("DELETE FROM _sync_chunks WHERE id = ?", (update.chunk_id,))
        else:
            self.conn.execute(
                "UPDATE _sync_chunks SET lo = ?, hi = ? WHERE id = ?",
                (update.next_lo, update.next_hi, update.chunk_id),
            )
        if update.children:
            obj, kind = self.conn.execute(
                "SELECT object, kind FROM _sync_chunks WHERE id = ?", (update.chunk_id,)
            ).fetchone() or (None, None)
            if obj is None:
                raise RuntimeError("a finished chunk cannot open new ones")
            self.conn.executemany(
                "INSERT INTO _sync_chunks (id, object, kind, lo, hi) VALUES (?, ?, ?, ?, ?)",
                [(cid, obj, kind, lo, hi) for cid, lo, hi in update.children],
            )

    def local_parts(
        self, schema: ObjectSchema, lo: int | None, hi: int | None, parts: int
    ) -> list[tuple[int | None, int | None, int]]:
        """Cut ``(lo, hi]`` into up to ``parts`` ranges holding equal numbers of live local records.

        Returns ``(lo, hi, local count)`` per range; the first starts at ``lo`` and the last ends at
        ``hi``, so together they cover the whole range (records Intacct has beyond ours included).
        """
        where, args = _range_sql(lo, hi)
        live = f"{where} AND _deleted = 0" if where else " WHERE _deleted = 0"
        table = _q(schema.table)
        total = self.conn.execute(f"SELECT count(*) FROM {table}{live}", args).fetchone()[0]
        if total < 2 or parts < 2:
            return [(lo, hi, total)]
        ranges: list[tuple[int | None, int | None, int]] = []
        low, before = lo, 0
        for j in range(1, parts):
            position = j * total // parts
            if position <= before:
                continue
            bound = self.conn.execute(
                f"SELECT RECORDNO FROM {table}{live} ORDER BY RECORDNO LIMIT 1 OFFSET ?",
                (*args, position - 1),
            ).fetchone()[0]
            ranges.append((low, bound, position - before))
            low, before = bound, position
        ranges.append((low, hi, total - before))
        return ranges

    def add_chunk(self, object_name: str, kind: str, chunk_id: int, lo: int | None, hi: int | None) -> None:
        self.conn.execute(
            "INSERT INTO _sync_chunks (id, object, kind, lo, hi) VALUES (?, ?, ?, ?, ?)",
            (chunk_id, object_name, kind, lo, hi),
        )

    def local_count(self, schema: ObjectSchema) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {_q(schema.table)} WHERE _deleted = 0").fetchone()[0]

    # ------------------------------------------------------------------------------------ state

    def state(self, object_name: str) -> ObjectState | None:
        row = self.conn.execute(
            f"SELECT {', '.join(_STATE_COLUMNS)} FROM _sync_state WHERE object = ?", (object_name,)
        ).fetchone()
        return ObjectState(*row) if row else None

    def chunks(self, object_name: str) -> list[Chunk]:
        rows = self.conn.execute(
            "SELECT id, object, kind, lo, hi FROM _sync_chunks WHERE object = ? ORDER BY id", (object_name,)
        )
        return [Chunk(*row) for row in rows]

    def max_chunk_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM _sync_chunks").fetchone()[0]

    def begin_attempt(self, schema: ObjectSchema, *, mode: str, since: str | None, chunk_id: int) -> None:
        """Start a fresh attempt: one open chunk over every RECORDNO."""
        with self.transaction():
            self.conn.execute("DELETE FROM _sync_chunks WHERE object = ?", (schema.name,))
            self.conn.execute(
                "INSERT INTO _sync_state (object, fields, attempt_done) VALUES (?, '', 0) "
                "ON CONFLICT(object) DO NOTHING",
                (schema.name,),
            )
            self.conn.execute(
                "UPDATE _sync_state SET phase = ?, mode = ?, since = ?, attempt_started_at = ?, "
                "attempt_total = NULL, attempt_done = 0, attempt_high_water = NULL, fields = ? "
                "WHERE object = ?",
                (FETCH, mode, since, utc_now(), field_signature(schema), schema.name),
            )
            self.conn.execute(
                "INSERT INTO _sync_chunks (id, object, kind, lo, hi) VALUES (?, ?, ?, NULL, NULL)",
                (chunk_id, schema.name, FETCH),
            )

    def set_total(self, object_name: str, total: int) -> None:
        self.conn.execute("UPDATE _sync_state SET attempt_total = ? WHERE object = ?", (total, object_name))

    def set_phase(self, object_name: str, phase: str, scan_chunk_id: int | None = None) -> None:
        with self.transaction():
            self.conn.execute("UPDATE _sync_state SET phase = ? WHERE object = ?", (phase, object_name))
            if scan_chunk_id is not None:
                self.conn.execute(
                    "INSERT INTO _sync_chunks (id, object, kind, lo, hi) VALUES (?, ?, ?, NULL, NULL)",
                    (scan_chunk_id, object_name, SCAN),
                )

    def complete_object(self, schema: ObjectSchema) -> None:
        state = self.state(schema.name)
        started = parse_iso(state.attempt_started_at, assume_utc=True) if state else None
        duration = (datetime.now(UTC) - started).total_seconds() if started else None
        # The latest change seen by this attempt or any before it (an incremental attempt sees few).
        keys = [state.attempt_high_water, modified_key_of_iso(state.high_water)] if state else []
        high_water = iso_of_modified_key(max((k for k in keys if k), default=None))
        with self.transaction():
            self.conn.execute("DELETE FROM _sync_chunks WHERE object = ?", (schema.name,))
            self.conn.execute(
                "UPDATE _sync_state SET phase = NULL, fields = ?, high_water = ?, last_duration_s = ?, "
                "last_synced_at = ?, last_status = 'ok', last_error = NULL WHERE object = ?",
                (field_signature(schema), high_water, duration, utc_now(), schema.name),
            )

    def record_failure(self, object_name: str, status: str, error: str) -> None:
        # The attempt's chunks stay: the next run resumes them.
        self.conn.execute(
            "UPDATE _sync_state SET last_status = ?, last_error = ? WHERE object = ?",
            (status, error, object_name),
        )

    # ------------------------------------------------------------------------------------ runs

    def start_run(self, mode: str, objects: Sequence[str]) -> int:
        with self.transaction():
            # A run still marked running was cut off (killed process): say so in the history.
            self.conn.execute(
                "UPDATE _sync_runs SET status = ? WHERE status = ?",
                (SyncStatus.INTERRUPTED, SyncStatus.RUNNING),
            )
            cursor = self.conn.execute(
                "INSERT INTO _sync_runs (started_at, status, mode, objects) VALUES (?, ?, ?, ?)",
                (utc_now(), SyncStatus.RUNNING, mode, ",".join(objects)),
            )
        return int(cursor.lastrowid)

    def finish_run(
        self, run_id: int, *, status: str, mode: str, totals: dict, details: dict, error: str | None
    ) -> None:
        self.conn.execute(
            "UPDATE _sync_runs SET ended_at = ?, status = ?, mode = ?, fetched = ?, inserted = ?, "
            "updated = ?, deleted = ?, pages = ?, retries = ?, wall_s = ?, error = ?, details = ? "
            "WHERE id = ?",
            (
                utc_now(),
                status,
                mode,
                totals["fetched"],
                totals["inserted"],
                totals["updated"],
                totals["deleted"],
                totals["pages"],
                totals["retries"],
                totals["wall_s"],
                error,
                json.dumps(details, sort_keys=True),
                run_id,
            ),
        )


def modified_key(value: str) -> str | None:
    """WHENMODIFIED (MM/DD/YYYY HH:MM:SS) rearranged so that text order is time order; None if not one."""
    if len(value) >= 10 and value[2] == "/" and value[5] == "/":
        return value[6:10] + value[0:2] + value[3:5] + value[10:]
    return None


def iso_of_modified_key(key: str | None) -> str | None:
    for layout in ("%Y%m%d %H:%M:%S", "%Y%m%d"):
        try:
            return datetime.strptime(key, layout).isoformat() if key else None
        except ValueError:
            continue
    return None


def modified_key_of_iso(value: str | None) -> str | None:
    moment = parse_iso(value, assume_utc=True)
    return moment.strftime("%Y%m%d %H:%M:%S") if moment else None


def _range_sql(low: int | None, high: int | None) -> tuple[str, tuple]:
    parts, args = [], []
    if low is not None:
        parts.append("RECORDNO > ?")
        args.append(low)
    if high is not None:
        parts.append("RECORDNO <= ?")
        args.append(high)
    return (" WHERE " + " AND ".join(parts) if parts else ""), tuple(args)
