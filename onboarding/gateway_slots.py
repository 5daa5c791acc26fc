"""Request slots shared by a running sync and the interactive calls for the same Intacct company.

Intacct lets a company have only a couple of requests in flight at once, and a sync uses every one of
them. A sign-in on the Connect page for a company that is being synced borrows one of the sync's slots
for as long as its calls take: it waits a moment for a request under way to finish instead of being
refused as "too many requests", and the sync carries on with one slot fewer meanwhile.

    with syncing(session):                      # the sync, for its whole run
        ...
    with interactive_slot(client, company_id):  # an interactive sign-in and permission check
        ...
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import intacct

_lock = threading.Lock()
_syncs: dict[tuple[str, str], intacct.IntacctClient] = {}


def _key(endpoint: str, company_id: str) -> tuple[str, str]:
    # Intacct compares Company IDs without regard to case.
    return endpoint.rstrip("/").lower(), (company_id or "").strip().upper()


@contextmanager
def syncing(session: intacct.Session, slots: int) -> Iterator[None]:
    """Announce, for the block's duration, that this session's client runs a sync of its company.

    The client's own cap is set to the sync's `slots` meanwhile: that cap is what a sign-in borrows from.
    """
    client = session.client
    key = _key(client.endpoint, session.company_id)
    previous = client.max_in_flight
    client.max_in_flight = slots
    with _lock:
        _syncs[key] = client
    try:
        yield
    finally:
        with _lock:
            if _syncs.get(key) is client:
                del _syncs[key]
        client.max_in_flight = previous


def sync_running(endpoint: str, company_id: str) -> bool:
    with _lock:
        return _key(endpoint, company_id) in _syncs


@contextmanager
def interactive_slot(client: intacct.IntacctClient, company_id: str) -> Iterator[bool]:
    """Run the block within the company's allowance; yields True when it had to share with a sync.

    While sharing, the interactive client sends one request at a time, on the slot the sync lends it.
    """
    with _lock:
        sync_client = _syncs.get(_key(client.endpoint, company_id))
    if sync_client is None:
        yield False
        return
    previous = client.max_in_flight
    client.max_in_flight = 1
    try:
        with sync_client.lend_slot():
            yield True
    finally:
        client.max_in_flight = previous
