"""An invitation link kept across the sign-in round trip, so opening it before signing in still works.

Streamlit's sign-in (st.login) comes back to the app's home page without the link's query string, and a
new browser session without the old one's state. So before sending someone to their provider, the page
holds the link's token here under a random key that only that browser is given (in a short-lived cookie),
and after sign-in takes it back once, to bind the invitation to the person who just signed in.

    key = held.hold(token)       # before st.login; the browser keeps `key` in a cookie
    held.take(key)               # after sign-in: the token once, or None (unknown, used or expired)
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import UTC, datetime, timedelta

from onboarding.store import BUSY_TIMEOUT_SECONDS, Store

HOLD_MINUTES = 15
COOKIE_NAME = "routable_invite_hold"
_KEY_BYTES = 24
_MAX_KEY_CHARS = 64
_MAX_TOKEN_CHARS = 200


class HeldLinks:
    """Invitation tokens waiting for their holder to finish signing in, in the app's database."""

    def __init__(self, store: Store) -> None:
        self._path = store.path
        conn = self._connect()
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS invite_holds (key TEXT PRIMARY KEY, token TEXT NOT NULL, "
                "expires_at TEXT NOT NULL)"
            )
            conn.commit()
        finally:
            conn.close()

    def __repr__(self) -> str:
        return f"HeldLinks({str(self._path)!r})"

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_SECONDS)

    def hold(self, token: str, *, minutes: float = HOLD_MINUTES) -> str:
        """Keep `token` for `minutes`; returns the random key to give the browser (never the token)."""
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_CHARS:
            raise ValueError("not an invitation token")
        key = secrets.token_urlsafe(_KEY_BYTES)
        now = datetime.now(UTC)
        conn = self._connect()
        try:
            # Expired holds go whenever a new one comes: the table stays as small as the traffic.
            conn.execute("DELETE FROM invite_holds WHERE expires_at <= ?", (now.isoformat(),))
            conn.execute(
                "INSERT INTO invite_holds (key, token, expires_at) VALUES (?, ?, ?)",
                (key, token, (now + timedelta(minutes=minutes)).isoformat()),
            )
            conn.commit()
        finally:
            conn.close()
        return key

    def take(self, key: str | None) -> str | None:
        """The token held under `key`, once: taking it removes it. None when unknown, taken or expired."""
        if not key or not isinstance(key, str) or len(key) > _MAX_KEY_CHARS:
            return None
        conn = self._connect()
        try:
            row = conn.execute("SELECT token, expires_at FROM invite_holds WHERE key = ?", (key,)).fetchone()
            conn.execute("DELETE FROM invite_holds WHERE key = ?", (key,))
            conn.commit()
        finally:
            conn.close()
        if row is None or datetime.fromisoformat(row[1]) <= datetime.now(UTC):
            return None
        return row[0]
