"""Invite links: issued for one workspace and one role (or every workspace, for an implementation manager),
signed with HMAC-SHA256, expiring, revocable, and checked again on every page run.

A link carries only ``<invite id>.<signature>``: no workspace number, no role. Whatever is wrong with a link
(forged, altered, expired, withdrawn, for a workspace since deleted, bound to someone else), the holder gets
the same message, so a link tells nobody whether a workspace exists.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac

from onboarding.access import Action, invite_action, require
from onboarding.identity import Identity, Role
from onboarding.names import NameProblem, one_line
from onboarding.store import BUSY_TIMEOUT_SECONDS, InvalidInput, Store

QUERY_PARAM = "invite"
DEFAULT_HOURS = 72.0
MAX_HOURS = 24.0 * 30
MAX_LABEL_LENGTH = 80
_ID_BYTES = 12
_MAX_TOKEN_CHARS = 200

INVALID_LINK_MESSAGE = (
    "This link does not open anything. It may be incomplete, expired or withdrawn, or it was meant for "
    "someone else. Ask the person who invited you to send a new invitation link."
)


class InvalidInvite(Exception):
    """Any link that cannot be used. str() is always INVALID_LINK_MESSAGE, whatever the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(INVALID_LINK_MESSAGE)
        self.message = INVALID_LINK_MESSAGE
        self.reason = reason  # for tests and logs only; never shown


class UnknownInvite(LookupError):
    def __init__(self, invite_id: str) -> None:
        super().__init__(
            f"No invitation has the ID '{invite_id[:40]}'. List them with --list to see the IDs."
        )


@dataclass(frozen=True)
class Invite:
    id: str
    role: Role
    workspace_id: int | None  # None: every workspace (implementation managers only)
    label: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    bound_email: str | None = None
    used_at: datetime | None = None

    def status(self, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "used" if self.used_at is not None else "open"

    @property
    def holder_name(self) -> str:
        return self.label or f"{self.role.label} invited by link"


def _now() -> datetime:
    return datetime.now(UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _clean_label(label: str) -> str:
    try:
        return one_line(label, "name on the invitation", MAX_LABEL_LENGTH)
    except NameProblem as problem:
        raise InvalidInput(str(problem), "label") from None


class InviteBook:
    """The invitations of one app database, signed with one key."""

    def __init__(self, store: Store, signing_key: bytes) -> None:
        if len(signing_key) < 32:
            raise ValueError("an invite signing key needs at least 32 bytes")
        self._store = store
        self._key = signing_key
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"InviteBook({str(self._store.path)!r})"

    # -- plumbing -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._store.path, timeout=BUSY_TIMEOUT_SECONDS)

    def _ensure_schema(self) -> None:
        conn = self._connect()
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS invites (id TEXT PRIMARY KEY, workspace_id INTEGER, "
                "role TEXT NOT NULL, label TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL DEFAULT '', "
                "created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT, "
                "bound_email TEXT, used_at TEXT)"
            )
            conn.commit()
        finally:
            conn.close()

    def _mac(self, invite_id: str, workspace_id: int | None, role: Role, expires_at: str) -> hmac.HMAC:
        """The MAC over everything the link grants, so no part of an invitation can be changed afterwards."""
        mac = hmac.HMAC(self._key, hashes.SHA256())
        scope = "*" if workspace_id is None else str(int(workspace_id))
        mac.update(f"routable-invite-v1\n{invite_id}\n{scope}\n{role.value}\n{expires_at}".encode())
        return mac

    @staticmethod
    def _invite(row: tuple) -> Invite:
        (id_, ws_id, role, label, created_by, created_at, expires_at, revoked_at, _by, bound, used_at) = row
        return Invite(
            id=id_,
            role=Role(role),
            workspace_id=ws_id,
            label=label or "",
            created_by=created_by or "",
            created_at=datetime.fromisoformat(created_at),
            expires_at=datetime.fromisoformat(expires_at),
            revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
            bound_email=bound,
            used_at=datetime.fromisoformat(used_at) if used_at else None,
        )

    def _row(self, conn: sqlite3.Connection, invite_id: str) -> tuple | None:
        return conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,)).fetchone()

    def _require_may_invite(self, actor: Identity, role: Role, workspace_id: int | None) -> None:
        if workspace_id is None:
            if role is not Role.IMPLEMENTATION_MANAGER:
                raise InvalidInput(
                    f"An invitation as {role.label.lower()} is for one workspace: choose the workspace.",
                    "workspace",
                )
            require(actor, Action.MANAGE_PEOPLE)
            return
        workspace = self._store.get_workspace(workspace_id)
        require(actor, invite_action(role), workspace)
        if workspace is not None and workspace.archived:
            raise InvalidInput(
                "This workspace is archived. Restore it before inviting anyone to it.", "workspace"
            )

    # -- the public operations ------------------------------------------------------------------

    def create(
        self,
        actor: Identity,
        role: Role | str,
        workspace_id: int | None,
        *,
        hours: float = DEFAULT_HOURS,
        label: str = "",
    ) -> tuple[Invite, str]:
        """Issue an invitation; returns it and its token (the secret part of the link, shown once)."""
        role = Role(role)
        self._require_may_invite(actor, role, workspace_id)
        if not (0 < float(hours) <= MAX_HOURS):
            raise InvalidInput(
                f"An invitation lasts more than 0 and at most {int(MAX_HOURS)} hours; {hours:g} is outside "
                "that.",
                "hours",
            )
        cleaned = _clean_label(label)
        # Hex, not URL-safe base64: an ID starting with '-' reads as an option to `--revoke ID`.
        invite_id = secrets.token_hex(_ID_BYTES)
        created = _now()
        expires = (created + timedelta(hours=float(hours))).isoformat(timespec="seconds")
        conn = self._connect()
        try:
            conn.execute(
                "INSERT INTO invites (id, workspace_id, role, label, created_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (invite_id, workspace_id, role.value, cleaned, actor.audit_label, created.isoformat(),
                 expires),
            )
            conn.commit()
            invite = self._invite(self._row(conn, invite_id))
        finally:
            conn.close()
        if workspace_id is not None:
            self._store.record_event(
                workspace_id,
                "invite_created",
                f"Invitation {invite_id} as {role.label.lower()}"
                + (f" for {cleaned}" if cleaned else "")
                + f", valid until {invite.expires_at:%Y-%m-%d %H:%M} UTC",
                actor=actor,
            )
        return invite, f"{invite_id}.{_b64(self._mac(invite_id, workspace_id, role, expires).finalize())}"

    @staticmethod
    def link(token: str, base_url: str) -> str:
        """The full invitation link for a token."""
        return f"{base_url.rstrip('/')}/?{urlencode({QUERY_PARAM: token})}"

    def list(self, actor: Identity, workspace_id: int | None = None) -> list[Invite]:
        """Invitations the actor may see: one workspace's, or (None) every one they may invite to."""
        conn = self._connect()
        try:
            rows = conn.execute("SELECT * FROM invites ORDER BY created_at DESC").fetchall()
        finally:
            conn.close()
        found = []
        for invite in map(self._invite, rows):
            if workspace_id is not None and invite.workspace_id != workspace_id:
                continue
            if self._may_manage(actor, invite):
                found.append(invite)
        return found

    def _may_manage(self, actor: Identity, invite: Invite) -> bool:
        try:
            self._require_may_invite(actor, invite.role, invite.workspace_id)
        except (PermissionError, InvalidInput):
            return False
        return True

    def revoke(self, actor: Identity, invite_id: str) -> Invite:
        conn = self._connect()
        try:
            row = self._row(conn, str(invite_id))
            if row is None:
                raise UnknownInvite(str(invite_id))
            invite = self._invite(row)
            self._require_may_invite(actor, invite.role, invite.workspace_id)
            conn.execute(
                "UPDATE invites SET revoked_at = COALESCE(revoked_at, ?), "
                "revoked_by = COALESCE(revoked_by, ?) WHERE id = ?",
                (_now().isoformat(), actor.audit_label, invite.id),
            )
            conn.commit()
            revoked = self._invite(self._row(conn, invite.id))
        finally:
            conn.close()
        if invite.workspace_id is not None and self._store.get_workspace(invite.workspace_id) is not None:
            self._store.record_event(
                invite.workspace_id, "invite_revoked", f"Invitation {invite.id} withdrawn", actor=actor
            )
        return revoked

    def redeem(self, token: str, *, email: str | None = None) -> Identity:
        """The identity a link gives its holder, checked afresh; raises InvalidInvite for any bad link.

        With `email` (a signed-in person) the invitation binds to that person on first use; afterwards only
        they can use it.
        """
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_CHARS or token.count(".") != 1:
            raise InvalidInvite("malformed")
        invite_id, _, signature = token.partition(".")
        try:
            presented = _unb64(signature)
        except (binascii.Error, ValueError):
            raise InvalidInvite("malformed") from None
        conn = self._connect()
        try:
            row = self._row(conn, invite_id)
            if row is None:
                raise InvalidInvite("unknown")
            invite = self._invite(row)
            try:
                self._mac(invite.id, invite.workspace_id, invite.role, row[6]).verify(presented)
            except InvalidSignature:
                raise InvalidInvite("forged") from None
            status = invite.status()
            if status in ("revoked", "expired"):
                raise InvalidInvite(status)
            if invite.workspace_id is not None:
                workspace = self._store.get_workspace(invite.workspace_id)
                if workspace is None or workspace.archived:
                    raise InvalidInvite("workspace gone")
            person = email.strip().lower() if email else None
            if invite.bound_email and person != invite.bound_email:
                raise InvalidInvite("bound to someone else")
            if invite.used_at is None or (person and not invite.bound_email):
                conn.execute(
                    "UPDATE invites SET used_at = COALESCE(used_at, ?), "
                    "bound_email = COALESCE(bound_email, ?) WHERE id = ?",
                    (_now().isoformat(), person, invite.id),
                )
                conn.commit()
        finally:
            conn.close()
        return Identity(
            key=f"email:{person}" if person else f"invite:{invite.id}",
            name=invite.holder_name,
            role=invite.role,
            email=person,
            workspace_id=invite.workspace_id,
        )

    def invite_for(self, token: str) -> Invite | None:
        """The record behind a token, without any check (for the page that binds it to a person)."""
        invite_id = token.partition(".")[0] if isinstance(token, str) else ""
        conn = self._connect()
        try:
            row = self._row(conn, invite_id)
        finally:
            conn.close()
        return self._invite(row) if row else None
