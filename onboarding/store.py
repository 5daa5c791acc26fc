"""Onboarding state in one SQLite file: workspaces, step progress, the connection, and an audit trail.

Every public method opens its own connection and closes it, so a Store can be shared by Streamlit's
script threads and the sync worker. WAL mode lets readers carry on while one writer commits.
Passwords only ever arrive here already encrypted by the vault.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import sqlite_utils

from onboarding.steps import STEP_KEYS, STEP_STATES, SecurityModel, step
from onboarding.vault import Secret

MAX_NAME_LENGTH = 80
PLANS = ("top", "entity")
SECURITY_MODEL_VALUES = (SecurityModel.ROLE, SecurityModel.USER)
CONNECTION_STATUSES = ("untested", "connected", "failed")
BUSY_TIMEOUT_SECONDS = 15.0


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
    id: int
    name: str
    created_at: datetime
    created_by: str = ""
    plan: str | None = None
    security_model: str | None = None
    archived_at: datetime | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class StepProgress:
    state: str = "todo"
    checked: frozenset[str] = frozenset()
    note: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""


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
    actor: str = ""


class Encryptor(Protocol):
    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> Secret: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Store:
    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _db(self) -> Iterator[sqlite_utils.Database]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            yield sqlite_utils.Database(conn, execute_plugins=False)
        finally:
            conn.close()

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
                },
                pk="id",
                not_null={"name", "name_key", "created_at"},
                if_not_exists=True,
            )
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
                },
                pk="id",
                foreign_keys=[("workspace_id", "workspaces", "id")],
                if_not_exists=True,
            )
            db.conn.execute("CREATE INDEX IF NOT EXISTS events_by_workspace ON events(workspace_id, id)")
            # A person's own settings (screen-share mode), keyed by Identity.key, not by browser tab.
            db["preferences"].create(
                {"identity_key": str, "name": str, "value": str, "updated_at": str},
                pk=("identity_key", "name"),
                not_null={"value"},
                if_not_exists=True,
            )
            db.conn.commit()

    @staticmethod
    def _require_workspace(conn: sqlite3.Connection, ws_id: int) -> None:
        if conn.execute("SELECT 1 FROM workspaces WHERE id = ?", (ws_id,)).fetchone() is None:
            raise UnknownWorkspace(ws_id)

    @staticmethod
    def _insert_event(conn: sqlite3.Connection, ws_id: int, kind: str, message: str, actor: str) -> None:
        conn.execute(
            "INSERT INTO events (workspace_id, at, kind, message, actor) VALUES (?, ?, ?, ?, ?)",
            (ws_id, _now(), kind, message, actor or ""),
        )

    # -- workspaces -----------------------------------------------------------------------------

    @staticmethod
    def _valid_name(name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("Give the workspace a name, for example the customer's company name.", "name")
        cleaned = " ".join(name.split())
        if len(cleaned) > MAX_NAME_LENGTH:
            raise InvalidInput(
                f"The workspace name is {len(cleaned)} characters long; "
                f"keep it to {MAX_NAME_LENGTH} or fewer.",
                "name",
            )
        if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
            raise InvalidInput("The workspace name contains control characters; type it again.", "name")
        return cleaned

    def create_workspace(self, name: str, created_by: str = "") -> Workspace:
        cleaned = self._valid_name(name)
        now = _now()
        try:
            with self._write() as conn:
                cursor = conn.execute(
                    "INSERT INTO workspaces (name, name_key, created_at, created_by) VALUES (?, ?, ?, ?)",
                    (cleaned, _name_key(cleaned), now, created_by or ""),
                )
                ws_id = cursor.lastrowid
                self._insert_event(
                    conn, ws_id, "workspace_created", f"Workspace '{cleaned}' created", created_by
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(
                f"A workspace named '{cleaned}' already exists (names ignore upper and lower case). "
                "Open that one from the list, or choose another name.",
                "name",
            ) from None
        ws = self.get_workspace(ws_id)
        assert ws is not None
        return ws

    def list_workspaces(self, include_archived: bool = False) -> list[Workspace]:
        sql = "SELECT * FROM workspaces"
        if not include_archived:
            sql += " WHERE archived_at IS NULL"
        sql += " ORDER BY name_key, id"
        with self._db() as db:
            return [self._workspace(row) for row in db.query(sql)]

    def get_workspace(self, ws_id: int) -> Workspace | None:
        with self._db() as db:
            rows = list(db.query("SELECT * FROM workspaces WHERE id = ?", [ws_id]))
        return self._workspace(rows[0]) if rows else None

    @staticmethod
    def _workspace(row: dict) -> Workspace:
        return Workspace(
            id=row["id"],
            name=row["name"],
            created_at=_parse_time(row["created_at"]),
            created_by=row["created_by"] or "",
            plan=row["plan"],
            security_model=row["security_model"],
            archived_at=_parse_time(row["archived_at"]),
        )

    def rename_workspace(self, ws_id: int, new_name: str, actor: str = "") -> Workspace:
        cleaned = self._valid_name(new_name)
        try:
            with self._write() as conn:
                self._require_workspace(conn, ws_id)
                conn.execute(
                    "UPDATE workspaces SET name = ?, name_key = ? WHERE id = ?",
                    (cleaned, _name_key(cleaned), ws_id),
                )
                self._insert_event(
                    conn, ws_id, "workspace_renamed", f"Workspace renamed to '{cleaned}'", actor
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(
                f"Another workspace is already named '{cleaned}'. Choose a different name.", "name"
            ) from None
        return self.get_workspace(ws_id)  # type: ignore[return-value]

    def archive_workspace(self, ws_id: int, actor: str = "") -> None:
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            conn.execute(
                "UPDATE workspaces SET archived_at = COALESCE(archived_at, ?) WHERE id = ?", (_now(), ws_id)
            )
            self._insert_event(conn, ws_id, "workspace_archived", "Workspace archived", actor)

    def set_plan(self, ws_id: int, level: str, actor: str = "") -> None:
        if level not in PLANS:
            raise InvalidInput("Choose where to connect: top level or a single entity.", "plan")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            conn.execute("UPDATE workspaces SET plan = ? WHERE id = ?", (level, ws_id))
            words = "top level" if level == "top" else "a single entity"
            self._insert_event(conn, ws_id, "plan_set", f"Plan: connect at {words}", actor)

    def set_security_model(self, ws_id: int, model: str | None, actor: str = "") -> None:
        if model is not None and model not in SECURITY_MODEL_VALUES:
            raise InvalidInput("Choose role-based or user-based permissions.", "security_model")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            conn.execute("UPDATE workspaces SET security_model = ? WHERE id = ?", (model, ws_id))
            self._insert_event(
                conn, ws_id, "security_model_set", f"Security model: {model or 'not set'}", actor
            )
            # Which items count depends on the model, so a ticked step may become (in)complete.
            self._refresh_tick_state(conn, ws_id, model)

    # -- step progress --------------------------------------------------------------------------

    def get_progress(self, ws_id: int) -> dict[str, StepProgress]:
        """Progress for every step, in catalogue order; steps never touched are 'todo'."""
        with self._db() as db:
            rows = {
                r["step_key"]: r
                for r in db.query("SELECT * FROM step_progress WHERE workspace_id = ?", [ws_id])
            }
        progress: dict[str, StepProgress] = {}
        for key in STEP_KEYS:
            row = rows.get(key)
            if row is None:
                progress[key] = StepProgress()
                continue
            progress[key] = StepProgress(
                state=row["state"],
                checked=frozenset(json.loads(row["checked"] or "[]")),
                note=row["note"] or "",
                updated_at=_parse_time(row["updated_at"]),
                updated_by=row["updated_by"] or "",
            )
        return progress

    @staticmethod
    def _read_step(conn: sqlite3.Connection, ws_id: int, step_key: str) -> tuple[str, set[str], str]:
        row = conn.execute(
            "SELECT state, checked, note FROM step_progress WHERE workspace_id = ? AND step_key = ?",
            (ws_id, step_key),
        ).fetchone()
        if row is None:
            return "todo", set(), ""
        return row[0], set(json.loads(row[1] or "[]")), row[2] or ""

    @staticmethod
    def _write_step(
        conn: sqlite3.Connection,
        ws_id: int,
        step_key: str,
        state: str,
        checked: set[str],
        note: str,
        actor: str,
    ) -> None:
        conn.execute(
            "INSERT INTO step_progress "
            "(workspace_id, step_key, state, checked, note, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workspace_id, step_key) DO UPDATE SET state = excluded.state, "
            "checked = excluded.checked, note = excluded.note, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            (ws_id, step_key, state, json.dumps(sorted(checked)), note, _now(), actor or ""),
        )

    def set_checked(
        self, ws_id: int, step_key: str, item_key: str, checked: bool, actor: str = ""
    ) -> StepProgress:
        definition = step(step_key)
        item = definition.item(item_key)  # KeyError for an item the step does not have
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            model = conn.execute("SELECT security_model FROM workspaces WHERE id = ?", (ws_id,)).fetchone()[0]
            state, ticked, note = self._read_step(conn, ws_id, step_key)
            if checked:
                ticked.add(item_key)
            else:
                ticked.discard(item_key)
            complete = definition.is_complete(ticked, model)
            if complete:
                # Ticking everything again is the user telling us a flagged problem is fixed.
                state, note = "done", ""
            elif state == "done":
                state = "todo"
            self._write_step(conn, ws_id, step_key, state, ticked, note, actor)
            verb = "Ticked" if checked else "Unticked"
            self._insert_event(conn, ws_id, "checklist", f"{verb} '{item.label}' ({definition.title})", actor)
        return self.get_progress(ws_id)[step_key]

    def set_step_state(self, ws_id: int, step_key: str, state: str, note: str = "", actor: str = "") -> None:
        definition = step(step_key)
        if state not in STEP_STATES:
            raise ValueError(f"step state must be one of {STEP_STATES}, not {state!r}")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            old_state, ticked, _ = self._read_step(conn, ws_id, step_key)
            self._write_step(conn, ws_id, step_key, state, ticked, note, actor)
            if old_state != state:
                message = f"{definition.title}: {state}" + (f" ({note})" if note else "")
                self._insert_event(conn, ws_id, "step_state", message, actor)

    def _refresh_tick_state(self, conn: sqlite3.Connection, ws_id: int, model: str | None) -> None:
        for row in conn.execute(
            "SELECT step_key, state, checked, note FROM step_progress WHERE workspace_id = ?", (ws_id,)
        ).fetchall():
            definition = step(row[0])
            if not definition.tickable or row[1] == "attention":
                continue
            ticked = set(json.loads(row[2] or "[]"))
            new_state = "done" if definition.is_complete(ticked, model) else "todo"
            if new_state != row[1]:
                self._write_step(conn, ws_id, row[0], new_state, ticked, row[3] or "", "")

    # -- connection -----------------------------------------------------------------------------

    def save_connection(
        self,
        ws_id: int,
        company_id: str,
        entity_id: str | None,
        user_id: str,
        password: str | Secret | None,
        vault: Encryptor,
        actor: str = "",
    ) -> None:
        """Save the connection settings; password None keeps the stored one (encrypted, never plain)."""
        token = None
        if password is not None:
            plain = password.reveal() if isinstance(password, Secret) else password
            token = vault.encrypt(plain)
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            existing = conn.execute(
                "SELECT password_token FROM connections WHERE workspace_id = ?", (ws_id,)
            ).fetchone()
            if token is None:
                token = existing[0] if existing else None
            conn.execute(
                "INSERT INTO connections (workspace_id, company_id, entity_id, user_id, password_token, "
                "status, status_detail, updated_at) VALUES (?, ?, ?, ?, ?, 'untested', '', ?) "
                "ON CONFLICT (workspace_id) DO UPDATE SET company_id = excluded.company_id, "
                "entity_id = excluded.entity_id, user_id = excluded.user_id, "
                "password_token = excluded.password_token, updated_at = excluded.updated_at",
                (ws_id, company_id, entity_id or "", user_id, token, _now()),
            )
            what = "new password" if password is not None else "password unchanged"
            self._insert_event(
                conn,
                ws_id,
                "connection_saved",
                f"Connection settings saved for user {user_id} ({what})",
                actor,
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
            updated_at=_parse_time(row["updated_at"]),
            verified_at=_parse_time(row["verified_at"]),
        )

    def set_connection_status(self, ws_id: int, status: str, detail: str = "") -> None:
        if status not in CONNECTION_STATUSES:
            raise ValueError(f"connection status must be one of {CONNECTION_STATUSES}, not {status!r}")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            verified = _now() if status == "connected" else None
            conn.execute(
                "UPDATE connections SET status = ?, status_detail = ?, "
                "verified_at = COALESCE(?, verified_at) WHERE workspace_id = ?",
                (status, detail, verified, ws_id),
            )

    def rewrap_passwords(self, transform: Callable[[str], str]) -> int:
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
                    conn, ws_id, "vault_rotated", "Stored password re-encrypted under a new key", ""
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

    def record_event(self, ws_id: int, kind: str, message: str, actor: str = "") -> None:
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
                    at=_parse_time(r["at"]),
                    kind=r["kind"],
                    message=r["message"],
                    actor=r["actor"] or "",
                )
                for r in rows
            ]
