"""Onboarding state in one SQLite file: workspaces, step progress, the connection, and an audit trail.

The store only persists. What an event does to the steps is decided in onboarding.progress; the store
writes each such outcome in one transaction (`apply`). Every change names who made it: an Identity,
recorded on the audit event (its audit label and its key).

Every public method opens its own connection and closes it, so a Store can be shared by Streamlit's
script threads and the sync worker. WAL mode lets readers carry on while one writer commits.
Passwords only ever arrive here already encrypted by the vault.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import sqlite_utils

from intacct.dates import parse_iso
from intacct.private_files import private_database
from onboarding.identity import Identity
from onboarding.names import NameProblem, clean_name, name_key
from onboarding.progress import AuditEntry, Outcome, Snapshot, StepProgress, StepState
from onboarding.sqlite_pool import ConnectionPool
from onboarding.steps import STEP_KEYS
from onboarding.vault import Secret

PLANS = ("top", "entity")
CONNECTION_STATUSES = ("untested", "connected", "failed")
BUSY_TIMEOUT_SECONDS = 15.0
# 16 random bytes: a workspace reference in a URL can be neither guessed nor counted.
_REF_BYTES = 16


class InvalidInput(ValueError):
    """Bad user input; str(error) is a message written for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownWorkspace(LookupError):
    def __init__(self, ws_id: int) -> None:
        super().__init__(f"Workspace {ws_id} does not exist. Pick a workspace from the list.")
        self.ws_id = ws_id


@dataclass(frozen=True)
class Workspace:
    """A customer's onboarding. `id` stays inside the app; `ref` is the opaque name URLs and links use."""

    id: int
    name: str
    created_at: datetime
    created_by: str = ""
    plan: str | None = None
    security_model: str | None = None
    archived_at: datetime | None = None
    ref: str = ""

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class ConnectionSettings:
    company_id: str
    entity_id: str
    user_id: str
    # None when no vault was given or nothing is stored; has_password tells the two apart.
    password: Secret | None
    has_password: bool
    status: str = "untested"
    status_detail: str = ""
    updated_at: datetime | None = None
    verified_at: datetime | None = None


@dataclass(frozen=True)
class Event:
    id: int
    workspace_id: int
    at: datetime
    kind: str
    message: str
    actor: str = ""  # the actor's audit label: who, and in which role
    actor_key: str = ""  # the actor's stable key (Identity.key)


@dataclass(frozen=True)
class SavedSettings:
    """Connection settings to save; the password arrives already encrypted (None keeps the stored one)."""

    company_id: str
    entity_id: str
    user_id: str
    password_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ConnectionChange:
    """What a connection attempt changes in the saved connection, written with the attempt's outcome."""

    status: str | None  # None keeps the status (a new connection starts untested)
    detail: str = ""
    settings: SavedSettings | None = None  # None: the settings stay as they are


def saved_settings(
    company_id: str, entity_id: str | None, user_id: str, password: str | Secret | None, vault: Encryptor
) -> SavedSettings:
    """Settings ready to save, the password encrypted here (None keeps the stored one)."""
    token = None
    if password is not None:
        token = vault.encrypt(password.reveal() if isinstance(password, Secret) else password)
    return SavedSettings(company_id, entity_id or "", user_id, token)


def connection_saved_entry(settings: SavedSettings) -> AuditEntry:
    what = "new password" if settings.password_token is not None else "password unchanged"
    return AuditEntry("connection_saved", f"Connection settings saved for user {settings.user_id} ({what})")


class Encryptor(Protocol):
    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> Secret: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_ref() -> str:
    """A random URL-safe reference that never starts with "-" (a command line would read it as an option)."""
    while True:
        ref = secrets.token_urlsafe(_REF_BYTES)
        if not ref.startswith("-"):
            return ref


class Store:
    def __init__(self, db_path: str | Path) -> None:
        self.path = private_database(db_path)
        self._pool = ConnectionPool(self.path, BUSY_TIMEOUT_SECONDS, ("PRAGMA foreign_keys = ON",))
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _db(self, *, reuse: bool = True) -> Iterator[sqlite_utils.Database]:
        """A connection with foreign keys on; reused from earlier calls unless ``reuse`` is False."""
        with self._pool.connection(reuse=reuse) as conn:
            yield sqlite_utils.Database(conn, execute_plugins=False)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so read-modify-write sequences cannot interleave."""
        with self._db() as db:
            conn = db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _ensure_schema(self) -> None:
        with self._db() as db:
            db.conn.execute("PRAGMA journal_mode = WAL")
            db["workspaces"].create(
                {
                    "id": int,
                    "name": str,
                    "name_key": str,
                    "created_at": str,
                    "created_by": str,
                    "plan": str,
                    "security_model": str,
                    "archived_at": str,
                    "ref": str,
                    "deleted_at": str,
                },
                pk="id",
                not_null={"name", "name_key", "created_at"},
                if_not_exists=True,
            )
            self._add_missing_columns(db)
            db.conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS workspaces_by_ref ON workspaces(ref)")
            # Names are unique among live workspaces only, so an archived name can be reused.
            db.conn.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS workspaces_live_name "
                "ON workspaces(name_key) WHERE archived_at IS NULL"
            )
            db["step_progress"].create(
                {
                    "workspace_id": int,
                    "step_key": str,
                    "state": str,
                    "checked": str,
                    "note": str,
                    "updated_at": str,
                    "updated_by": str,
                },
                pk=("workspace_id", "step_key"),
                foreign_keys=[("workspace_id", "workspaces", "id")],
                if_not_exists=True,
            )
            db["connections"].create(
                {
                    "workspace_id": int,
                    "company_id": str,
                    "entity_id": str,
                    "user_id": str,
                    "password_token": str,
                    "status": str,
                    "status_detail": str,
                    "updated_at": str,
                    "verified_at": str,
                },
                pk="workspace_id",
                foreign_keys=[("workspace_id", "workspaces", "id")],
                if_not_exists=True,
            )
            db["events"].create(
                {
                    "id": int,
                    "workspace_id": int,
                    "at": str,
                    "kind": str,
                    "message": str,
                    "actor": str,
                    "actor_key": str,
                },
                pk="id",
                foreign_keys=[("workspace_id", "workspaces", "id")],
                if_not_exists=True,
            )
            if "actor_key" not in db["events"].columns_dict:  # databases from before identities
                db["events"].add_column("actor_key", str)
            db.conn.execute("CREATE INDEX IF NOT EXISTS events_by_workspace ON events(workspace_id, id)")
            # A person's own settings (screen-share mode), keyed by Identity.key, not by browser tab.
            db["preferences"].create(
                {"identity_key": str, "name": str, "value": str, "updated_at": str},
                pk=("identity_key", "name"),
                not_null={"value"},
                if_not_exists=True,
            )
            db.conn.commit()
            self._refresh_name_keys(db.conn)

    @staticmethod
    def _refresh_name_keys(conn: sqlite3.Connection) -> None:
        """Recompute name keys written under an older comparison rule (before normalisation).

        Two live names that now compare equal keep their old keys (both stay usable), but no third
        look-alike can join them.
        """
        for ws_id, name, key in conn.execute("SELECT id, name, name_key FROM workspaces").fetchall():
            fresh = name_key(name)
            if fresh == key:
                continue
            try:
                with conn:
                    conn.execute("UPDATE workspaces SET name_key = ? WHERE id = ?", (fresh, ws_id))
            except sqlite3.IntegrityError:
                continue

    @staticmethod
    def _add_missing_columns(db: sqlite_utils.Database) -> None:
        """Databases made before workspaces had opaque references or deletion get both, refs filled in."""
        columns = db["workspaces"].columns_dict
        for name in ("ref", "deleted_at"):
            if name not in columns:
                db["workspaces"].add_column(name, str)
        for (ws_id,) in db.conn.execute("SELECT id FROM workspaces WHERE ref IS NULL").fetchall():
            db.conn.execute("UPDATE workspaces SET ref = ? WHERE id = ?", (new_ref(), ws_id))

    @staticmethod
    def _require_workspace(conn: sqlite3.Connection, ws_id: int) -> None:
        row = conn.execute("SELECT deleted_at FROM workspaces WHERE id = ?", (ws_id,)).fetchone()
        if row is None or row[0] is not None:
            raise UnknownWorkspace(ws_id)

    @staticmethod
    def _insert_event(conn: sqlite3.Connection, ws_id: int, kind: str, message: str, actor: Identity) -> None:
        conn.execute(
            "INSERT INTO events (workspace_id, at, kind, message, actor, actor_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (ws_id, _now(), kind, message, actor.audit_label, actor.key),
        )

    # -- workspaces -----------------------------------------------------------------------------

    @staticmethod
    def _valid_name(name: str) -> str:
        try:
            return clean_name(name)
        except NameProblem as problem:
            raise InvalidInput(str(problem), "name") from None

    def create_workspace(self, name: str, *, actor: Identity) -> Workspace:
        cleaned = self._valid_name(name)
        now = _now()
        try:
            with self._write() as conn:
                cursor = conn.execute(
                    "INSERT INTO workspaces (name, name_key, created_at, created_by, ref) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (cleaned, name_key(cleaned), now, actor.audit_label, new_ref()),
                )
                ws_id = cursor.lastrowid
                self._insert_event(conn, ws_id, "workspace_created", f"Workspace '{cleaned}' created", actor)
        except sqlite3.IntegrityError:
            raise InvalidInput(
                f"A workspace named '{cleaned}' already exists (names ignore upper and lower case, and "
                "characters that look alike). "
                "Open that one from the list, or choose another name.",
                "name",
            ) from None
        ws = self.get_workspace(ws_id)
        assert ws is not None
        return ws

    def list_workspaces(self, include_archived: bool = False) -> list[Workspace]:
        sql = "SELECT * FROM workspaces WHERE deleted_at IS NULL"
        if not include_archived:
            sql += " AND archived_at IS NULL"
        sql += " ORDER BY name_key, id"
        with self._db() as db:
            return [self._workspace(row) for row in db.query(sql)]

    def get_workspace(self, ws_id: int) -> Workspace | None:
        """The workspace, archived or not; None when it never existed or was deleted."""
        with self._db() as db:
            rows = list(db.query("SELECT * FROM workspaces WHERE id = ? AND deleted_at IS NULL", [ws_id]))
        return self._workspace(rows[0]) if rows else None

    def workspace_by_ref(self, ref: str) -> Workspace | None:
        """The workspace a URL names, or None for a reference nobody issued (or one since deleted)."""
        if not isinstance(ref, str) or not ref:
            return None
        with self._db() as db:
            rows = list(db.query("SELECT * FROM workspaces WHERE ref = ? AND deleted_at IS NULL", [ref]))
        return self._workspace(rows[0]) if rows else None

    @staticmethod
    def _workspace(row: dict) -> Workspace:
        return Workspace(
            id=row["id"],
            name=row["name"],
            created_at=parse_iso(row["created_at"]),
            created_by=row["created_by"] or "",
            plan=row["plan"],
            security_model=row["security_model"],
            archived_at=parse_iso(row["archived_at"]),
            ref=row["ref"] or "",
        )

    def rename_workspace(self, ws_id: int, new_name: str, *, actor: Identity) -> Workspace:
        cleaned = self._valid_name(new_name)
        try:
            with self._write() as conn:
                self._require_workspace(conn, ws_id)
                conn.execute(
                    "UPDATE workspaces SET name = ?, name_key = ? WHERE id = ?",
                    (cleaned, name_key(cleaned), ws_id),
                )
                self._insert_event(
                    conn, ws_id, "workspace_renamed", f"Workspace renamed to '{cleaned}'", actor
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(
                f"Another workspace is already named '{cleaned}'. Choose a different name.", "name"
            ) from None
        return self.get_workspace(ws_id)  # type: ignore[return-value]

    def archive_workspace(self, ws_id: int, *, actor: Identity) -> None:
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            conn.execute(
                "UPDATE workspaces SET archived_at = COALESCE(archived_at, ?) WHERE id = ?", (_now(), ws_id)
            )
            self._insert_event(conn, ws_id, "workspace_archived", "Workspace archived", actor)

    def delete_workspace(self, ws_id: int, *, actor: Identity) -> str:
        """Remove everything the workspace holds but its audit trail; returns its name for the tombstone.

        Rows are erased with secure_delete on, the file is vacuumed and the write-ahead log truncated, so no
        password ciphertext survives in free pages of the database file or its log.
        """
        # A connection of its own: secure_delete stays with it, not with connections reused later.
        with self._db(reuse=False) as db:
            conn = db.conn
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("BEGIN IMMEDIATE")
            # Tables added by other features may reference each other; check keys once all rows are gone.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            try:
                self._require_workspace(conn, ws_id)
                name = conn.execute("SELECT name FROM workspaces WHERE id = ?", (ws_id,)).fetchone()[0]
                for table in self._workspace_tables(conn):
                    conn.execute(f'DELETE FROM "{table}" WHERE workspace_id = ?', (ws_id,))  # noqa: S608
                now = _now()
                conn.execute(
                    "UPDATE workspaces SET deleted_at = ?, archived_at = COALESCE(archived_at, ?), "
                    "plan = NULL, security_model = NULL WHERE id = ?",
                    (now, now, ws_id),
                )
                self._insert_event(
                    conn, ws_id, "workspace_deleted", f"Workspace '{name}' deleted with all its data", actor
                )
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return name

    @staticmethod
    def _workspace_tables(conn: sqlite3.Connection) -> list[str]:
        """Every table keyed by workspace except the audit trail, so tables added later are covered too."""
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        keep = {"events", "workspaces"}
        return [
            t
            for t in tables
            if t not in keep
            and not t.startswith("sqlite_")
            and any(col[1] == "workspace_id" for col in conn.execute(f'PRAGMA table_info("{t}")'))
        ]

    def set_plan(self, ws_id: int, level: str, *, actor: Identity) -> None:
        if level not in PLANS:
            raise InvalidInput("Choose where to connect: top level or a single entity.", "plan")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            conn.execute("UPDATE workspaces SET plan = ? WHERE id = ?", (level, ws_id))
            words = "top level" if level == "top" else "a single entity"
            self._insert_event(conn, ws_id, "plan_set", f"Plan: connect at {words}", actor)

    # -- step progress --------------------------------------------------------------------------

    def get_progress(self, ws_id: int) -> dict[str, StepProgress]:
        """Progress for every step, in catalogue order; steps never touched are to do."""
        with self._db() as db:
            if db.conn.execute("SELECT 1 FROM workspaces WHERE id = ?", (ws_id,)).fetchone() is None:
                return {key: StepProgress() for key in STEP_KEYS}
            return dict(self._snapshot(db.conn, ws_id).steps)

    def snapshot(self, ws_id: int) -> Snapshot:
        """The workspace's progress and security model, as the events in onboarding.progress read them."""
        with self._db() as db:
            self._require_workspace(db.conn, ws_id)
            return self._snapshot(db.conn, ws_id)

    def apply(self, ws_id: int, change: Outcome | Callable[[Snapshot], Outcome]) -> Outcome:
        """Write one event's outcome in one transaction, and return it.

        `change` is an Outcome, or a function that decides one from the progress as it stands; it is
        called inside the transaction, so what it read cannot change before its outcome is written.
        """
        with self._write() as conn:
            return self.apply_in(conn, ws_id, change)

    def apply_in(
        self, conn: sqlite3.Connection, ws_id: int, change: Outcome | Callable[[Snapshot], Outcome]
    ) -> Outcome:
        """`apply` inside a write transaction the caller holds (one taken with this store's file)."""
        self._require_workspace(conn, ws_id)
        outcome = change if isinstance(change, Outcome) else change(self._snapshot(conn, ws_id))
        if outcome.sets_security_model:
            conn.execute(
                "UPDATE workspaces SET security_model = ? WHERE id = ?", (outcome.security_model, ws_id)
            )
        if outcome.connection is not None:
            self._write_connection(conn, ws_id, outcome.connection)
        for change_ in outcome.steps:
            self._write_step(
                conn, ws_id, change_.step_key, change_.state, change_.checked, change_.note, outcome.actor
            )
        for entry in outcome.events:
            self._insert_event(conn, ws_id, entry.kind, entry.message, outcome.actor)
        return outcome

    def _snapshot(self, conn: sqlite3.Connection, ws_id: int) -> Snapshot:
        model = conn.execute("SELECT security_model FROM workspaces WHERE id = ?", (ws_id,)).fetchone()[0]
        rows = conn.execute(
            "SELECT step_key, state, checked, note, updated_at, updated_by FROM step_progress "
            "WHERE workspace_id = ?",
            (ws_id,),
        ).fetchall()
        by_key = {row[0]: row for row in rows}
        return Snapshot({key: self._step(by_key.get(key)) for key in STEP_KEYS}, model)

    @staticmethod
    def _step(row: tuple | None) -> StepProgress:
        if row is None:
            return StepProgress()
        return StepProgress(
            state=StepState(row[1]),
            checked=frozenset(json.loads(row[2] or "[]")),
            note=row[3] or "",
            updated_at=parse_iso(row[4]),
            updated_by=row[5] or "",
        )

    @staticmethod
    def _write_step(
        conn: sqlite3.Connection,
        ws_id: int,
        step_key: str,
        state: StepState,
        checked: frozenset[str] | None,
        note: str,
        actor: Identity,
    ) -> None:
        # checked None keeps the stored ticks (COALESCE with the row being replaced).
        ticks = None if checked is None else json.dumps(sorted(checked))
        conn.execute(
            "INSERT INTO step_progress "
            "(workspace_id, step_key, state, checked, note, updated_at, updated_by) "
            "VALUES (?, ?, ?, COALESCE(?, '[]'), ?, ?, ?) "
            "ON CONFLICT (workspace_id, step_key) DO UPDATE SET state = excluded.state, "
            "checked = COALESCE(?, step_progress.checked), note = excluded.note, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (ws_id, step_key, StepState(state).value, ticks, note, _now(), actor.audit_label, ticks),
        )

    # -- connection -----------------------------------------------------------------------------

    def save_connection(
        self,
        ws_id: int,
        company_id: str,
        entity_id: str | None,
        user_id: str,
        password: str | Secret | None,
        vault: Encryptor,
        *,
        actor: Identity,
    ) -> None:
        """Save the connection settings; password None keeps the stored one (encrypted, never plain)."""
        settings = saved_settings(company_id, entity_id, user_id, password, vault)
        self.apply(
            ws_id,
            Outcome(
                actor,
                events=(connection_saved_entry(settings),),
                connection=ConnectionChange(None, "", settings),
            ),
        )

    def get_connection(self, ws_id: int, vault: Encryptor | None = None) -> ConnectionSettings | None:
        with self._db() as db:
            rows = list(db.query("SELECT * FROM connections WHERE workspace_id = ?", [ws_id]))
        if not rows:
            return None
        row = rows[0]
        token = row["password_token"]
        password = vault.decrypt(token) if (vault is not None and token) else None
        return ConnectionSettings(
            company_id=row["company_id"] or "",
            entity_id=row["entity_id"] or "",
            user_id=row["user_id"] or "",
            password=password,
            has_password=bool(token),
            status=row["status"] or "untested",
            status_detail=row["status_detail"] or "",
            updated_at=parse_iso(row["updated_at"]),
            verified_at=parse_iso(row["verified_at"]),
        )

    def set_connection_status(self, ws_id: int, status: str, detail: str = "") -> None:
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._write_connection(conn, ws_id, ConnectionChange(status, detail))

    @staticmethod
    def _write_connection(conn: sqlite3.Connection, ws_id: int, change: ConnectionChange) -> None:
        if change.status is not None and change.status not in CONNECTION_STATUSES:
            raise ValueError(f"connection status must be one of {CONNECTION_STATUSES}, not {change.status!r}")
        settings = change.settings
        if settings is not None:
            conn.execute(
                "INSERT INTO connections (workspace_id, company_id, entity_id, user_id, password_token, "
                "status, status_detail, updated_at) VALUES (?, ?, ?, ?, ?, 'untested', '', ?) "
                "ON CONFLICT (workspace_id) DO UPDATE SET company_id = excluded.company_id, "
                "entity_id = excluded.entity_id, user_id = excluded.user_id, "
                "password_token = COALESCE(excluded.password_token, connections.password_token), "
                "updated_at = excluded.updated_at",
                (
                    ws_id,
                    settings.company_id,
                    settings.entity_id,
                    settings.user_id,
                    settings.password_token,
                    _now(),
                ),
            )
        if change.status is not None:
            verified = _now() if change.status == "connected" else None
            conn.execute(
                "UPDATE connections SET status = ?, status_detail = ?, "
                "verified_at = COALESCE(?, verified_at) WHERE workspace_id = ?",
                (change.status, change.detail, verified, ws_id),
            )

    def password_tokens(self) -> dict[int, str]:
        """Live workspace id -> its stored (encrypted) password, for checking them against the vault."""
        with self._db() as db:
            rows = db.conn.execute(
                "SELECT c.workspace_id, c.password_token FROM connections c JOIN workspaces w "
                "ON w.id = c.workspace_id WHERE w.archived_at IS NULL AND c.password_token != ''"
            ).fetchall()
        return dict(rows)

    def rewrap_passwords(self, transform: Callable[[str], str], *, actor: Identity) -> int:
        """Replace every stored password token with transform(token), all or nothing.

        Used by vault key rotation: if transform fails for any row, no row changes.
        """
        with self._write() as conn:
            rows = conn.execute(
                "SELECT workspace_id, password_token FROM connections WHERE password_token IS NOT NULL "
                "AND password_token != ''"
            ).fetchall()
            for ws_id, token in rows:
                conn.execute(
                    "UPDATE connections SET password_token = ? WHERE workspace_id = ?",
                    (transform(token), ws_id),
                )
            for ws_id, _ in rows:
                self._insert_event(
                    conn, ws_id, "vault_rotated", "Stored password re-encrypted under a new key", actor
                )
        return len(rows)

    # -- preferences ----------------------------------------------------------------------------

    def get_preference(self, identity_key: str, name: str) -> str | None:
        """The value a person set for `name`, or None when they never set it."""
        with self._db() as db:
            row = db.conn.execute(
                "SELECT value FROM preferences WHERE identity_key = ? AND name = ?", (identity_key, name)
            ).fetchone()
        return row[0] if row else None

    def set_preference(self, identity_key: str, name: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO preferences (identity_key, name, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (identity_key, name) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (identity_key, name, value, _now()),
            )

    # -- audit trail ----------------------------------------------------------------------------

    def record_event(self, ws_id: int, kind: str, message: str, *, actor: Identity) -> None:
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._insert_event(conn, ws_id, kind, message, actor)

    def events(self, ws_id: int, limit: int = 100) -> list[Event]:
        """Most recent first."""
        with self._db() as db:
            rows = db.query(
                "SELECT * FROM events WHERE workspace_id = ? ORDER BY id DESC LIMIT ?", [ws_id, int(limit)]
            )
            return [
                Event(
                    id=r["id"],
                    workspace_id=r["workspace_id"],
                    at=parse_iso(r["at"]),
                    kind=r["kind"],
                    message=r["message"],
                    actor=r["actor"] or "",
                    actor_key=r["actor_key"] or "",
                )
                for r in rows
            ]
