"""Who may sign in with OpenID Connect, and as what: an implementation manager's grants, by email address.

    people = People(store)
    people.assign(actor, "dana@acme.com", Role.FINANCE_REVIEWER, ws.id)
    people.identity_for("dana@acme.com")   # -> Identity, or None when nobody gave that address access

An invite link redeemed by a signed-in person grants the same way (``grant_from_invite``), so the link is
needed only once.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from onboarding.access import Action, require
from onboarding.identity import Identity, Role
from onboarding.store import BUSY_TIMEOUT_SECONDS, InvalidInput, Store

# Deliberately loose: the provider vouches for the address; this only catches typing mistakes.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class Grant:
    email: str
    role: Role
    workspace_id: int | None
    granted_by: str
    granted_at: datetime


def normal_email(email: str) -> str:
    cleaned = str(email or "").strip().lower()
    if not cleaned or len(cleaned) > MAX_EMAIL_LENGTH or not _EMAIL.match(cleaned):
        raise InvalidInput(
            "Type the person's email address as their sign-in provider knows it, e.g. dana@acme.com.", "email"
        )
    return cleaned


class People:
    def __init__(self, store: Store) -> None:
        self._store = store
        conn = self._connect()
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS people (email TEXT PRIMARY KEY, role TEXT NOT NULL, "
                "workspace_id INTEGER, granted_by TEXT NOT NULL DEFAULT '', granted_at TEXT NOT NULL)"
            )
            conn.commit()
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._store.path, timeout=BUSY_TIMEOUT_SECONDS)

    def _write(self, email: str, role: Role, workspace_id: int | None, by: str) -> None:
        conn = self._connect()
        try:
            conn.execute(
                "INSERT INTO people (email, role, workspace_id, granted_by, granted_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET role = excluded.role, "
                "workspace_id = excluded.workspace_id, granted_by = excluded.granted_by, "
                "granted_at = excluded.granted_at",
                (email, role.value, workspace_id, by, datetime.now(UTC).isoformat()),
            )
            conn.commit()
        finally:
            conn.close()

    def assign(self, actor: Identity, email: str, role: Role | str, workspace_id: int | None) -> Grant:
        """Give `email` a role (on one workspace, or on all for an implementation manager)."""
        require(actor, Action.MANAGE_PEOPLE)
        role = Role(role)
        person = normal_email(email)
        if role is not Role.IMPLEMENTATION_MANAGER:
            if workspace_id is None:
                raise InvalidInput(f"Choose the workspace this {role.label.lower()} works on.", "workspace")
            if self._store.get_workspace(workspace_id) is None:
                raise InvalidInput("That workspace no longer exists. Choose another.", "workspace")
        self._write(person, role, workspace_id, actor.audit_label)
        if workspace_id is not None:
            message = f"{person} may sign in as {role.label.lower()}"
            self._store.record_event(workspace_id, "access_granted", message, actor=actor)
        return Grant(person, role, workspace_id, actor.audit_label, datetime.now(UTC))

    def grant_from_invite(self, identity: Identity) -> None:
        """Remember the role a signed-in person got from an invite link (the link was checked already)."""
        if identity.email:
            self._write(identity.email, identity.role, identity.workspace_id, f"invite ({identity.name})")

    def remove(self, actor: Identity, email: str) -> None:
        require(actor, Action.MANAGE_PEOPLE)
        conn = self._connect()
        try:
            conn.execute("DELETE FROM people WHERE email = ?", (normal_email(email),))
            conn.commit()
        finally:
            conn.close()

    def list(self, actor: Identity) -> list[Grant]:
        require(actor, Action.MANAGE_PEOPLE)
        conn = self._connect()
        try:
            rows = conn.execute("SELECT * FROM people ORDER BY email").fetchall()
        finally:
            conn.close()
        return [Grant(r[0], Role(r[1]), r[2], r[3], datetime.fromisoformat(r[4])) for r in rows]

    def identity_for(self, email: str, name: str = "") -> Identity | None:
        """The identity of a signed-in person, or None when nobody gave this address access."""
        try:
            person = normal_email(email)
        except InvalidInput:
            return None
        conn = self._connect()
        try:
            row = conn.execute("SELECT role, workspace_id FROM people WHERE email = ?", (person,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        return Identity(
            key=f"email:{person}", name=name or person, role=Role(row[0]), email=person, workspace_id=row[1]
        )
