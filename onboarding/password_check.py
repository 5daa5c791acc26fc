"""Which saved passwords the current vault key can no longer read.

When the key file goes missing the vault makes a new key, which is the only way the app can keep
saving passwords, but every password saved under the old key is then unreadable. That must never pass
quietly: this check names the workspaces affected, so the app can ask for those passwords again (or
for the old key to be restored), and it says so in the log as a warning.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Protocol

from onboarding.store import Store, Workspace
from onboarding.vault import VaultDecryptError

log = logging.getLogger(__name__)

_logged: set[tuple[str, frozenset[int]]] = set()
_logged_lock = threading.Lock()


class Decryptor(Protocol):
    primary_key_id: str

    def decrypt(self, token: str) -> object: ...


# Tokens each vault has already read. A vault's keys never change (a new key is a new Vault), so a token
# it decrypted once it always will: every page run asks, and decrypting every saved password each time
# was a measurable share of a rerun. Weak keys: a vault no longer used takes its entry with it.
_read_by: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def unreadable_passwords(store: Store, vault: Decryptor) -> list[Workspace]:
    """Live workspaces whose saved password none of the vault's keys decrypts, in name order."""
    unreadable = []
    with _logged_lock:
        known = _read_by.setdefault(vault, set())
    for ws_id, token in store.password_tokens().items():
        if token in known:
            continue
        try:
            vault.decrypt(token)
        except VaultDecryptError:
            unreadable.append(ws_id)
        else:
            with _logged_lock:
                known.add(token)
    if not unreadable:
        return []
    marker = (vault.primary_key_id, frozenset(unreadable))
    with _logged_lock:
        first_time = marker not in _logged
        _logged.add(marker)
    if first_time:  # once per key and set of workspaces, not on every page run
        log.warning(
            "%d saved password(s) cannot be decrypted with the current vault key %s (workspaces %s): "
            "the key was replaced or its file lost; the passwords must be entered again",
            len(unreadable),
            vault.primary_key_id,
            ", ".join(map(str, sorted(unreadable))),
        )
    found = [store.get_workspace(ws_id) for ws_id in unreadable]
    return sorted((w for w in found if w is not None), key=lambda w: (w.name.casefold(), w.id))
