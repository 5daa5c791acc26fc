"""API sessions and readByQuery result sets.

A session remembers company, user and entity, and expires a fixed time after its last use (sliding, as the
gateway's ``sessiontimeout`` shows). It is not tied to a host name: some production clients post a session
to the default endpoint rather than the one getAPISession returned, and the gateway accepts that.
"""

from __future__ import annotations

import secrets
import threading
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class Session:
    session_id: str = field(repr=False)
    company_id: str
    user_id: str
    entity: str
    last_used: float


class SessionStore:
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, company_id: str, user_id: str, entity: str) -> Session:
        # Real session ids are opaque url-safe tokens ending in "..".
        session = Session(secrets.token_urlsafe(24) + "..", company_id, user_id, entity, time.monotonic())
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def peek(self, session_id: str) -> Session | None:
        """The live session, without counting this as a use (for routing decisions)."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or time.monotonic() - session.last_used > self.timeout_s:
                return None
            return session

    def use(self, session_id: str) -> Session | None:
        """The live session, extending its life; None when unknown or expired."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            now = time.monotonic()
            if now - session.last_used > self.timeout_s:
                del self._sessions[session_id]
                return None
            session.last_used = now
            return session

    def expire_all(self) -> None:
        with self._lock:
            self._sessions.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)


@dataclass
class ResultSet:
    result_id: str
    owner: str
    object_name: str
    fields: tuple[str, ...]
    recnos: array
    pagesize: int
    position: int = 0
    touched: float = field(default_factory=time.monotonic)

    @property
    def total(self) -> int:
        return len(self.recnos)


class ResultSets:
    """Pending readByQuery results, so readMore can continue them.

    How long the gateway keeps a resultId is unconfirmed; the sandbox keeps the most recent 200 and
    forgets any idle for 30 minutes, and forgets a result once its last page has been read.
    """

    MAX_KEPT = 200
    IDLE_LIMIT_S = 1800.0

    def __init__(self) -> None:
        self._results: OrderedDict[str, ResultSet] = OrderedDict()
        self._latest: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def open(
        self,
        owner: str,
        object_name: str,
        fields: tuple[str, ...],
        recnos: list[int],
        pagesize: int,
        position: int,
    ) -> ResultSet:
        """Remember a result whose first `position` records have already been sent."""
        result_id = f"{secrets.randbelow(10**10):010d}{secrets.token_urlsafe(18).replace('-', 'x')}"
        result = ResultSet(result_id, owner, object_name, fields, array("q", recnos), pagesize, position)
        with self._lock:
            self._results[result_id] = result
            self._latest[(owner, object_name)] = result_id
            while len(self._results) > self.MAX_KEPT:
                self._results.popitem(last=False)
        return result

    def find(self, owner: str, result_id: str = "", object_name: str = "") -> ResultSet | None:
        with self._lock:
            if not result_id:
                result_id = self._latest.get((owner, object_name), "")
            result = self._results.get(result_id)
            if result is None or result.owner != owner:
                return None
            if time.monotonic() - result.touched > self.IDLE_LIMIT_S:
                del self._results[result_id]
                return None
            result.touched = time.monotonic()
            self._results.move_to_end(result_id)
            return result

    def close(self, result: ResultSet) -> None:
        with self._lock:
            self._results.pop(result.result_id, None)
            if self._latest.get((result.owner, result.object_name)) == result.result_id:
                del self._latest[(result.owner, result.object_name)]
