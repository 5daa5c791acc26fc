"""The store as one identity may use it: every read and change asks onboarding.access first.

    store = ScopedStore(Store(path), identity)
    store.list_workspaces()        # only the workspaces the identity may open
    store.get_progress(other_ws)   # AccessDenied, worded as for a workspace that does not exist

Pages and the domain's entry points get this, never the bare Store, so no page decides anything itself.
Each change is recorded against the scoped identity, whatever the caller passes as `actor`.
The bare Store stays for the command-line tools and migrations, which act as the deployment itself.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from onboarding.access import Action, may, require, visible
from onboarding.identity import Identity, Role
from onboarding.progress import Outcome, Snapshot, StepProgress
from onboarding.store import ConnectionSettings, Encryptor, Event, Store, Workspace

# What each kind of audit entry is an instance of: the store writes an event's outcome only when the
# identity may do every action its entries stand for. A kind not listed counts as set-up work;
# "step_state" entries only report what the event itself did to the steps, so they need nothing more.
_KIND_ACTIONS: dict[str, tuple[Action, ...]] = {
    "checklist": (Action.EDIT_SETUP,),
    "security_model_set": (Action.EDIT_SETUP,),
    "steps_marked_done": (Action.EDIT_SETUP,),
    "connection_saved": (Action.CONNECT,),
    "connected": (Action.CONNECT,),
    "connect_failed": (Action.CONNECT,),
    "connect_not_applied": (Action.CONNECT,),
    "preflight": (Action.CONNECT,),
    "preflight_failed": (Action.CONNECT,),
    "sync": (Action.SYNC_START,),
    "mapping_submitted": (Action.SUBMIT,),
    "mapping_approved": (Action.APPROVE,),
    "mapping_sent_back": (Action.SEND_BACK,),
    "mapping_needs_attention": (Action.MAP_EDIT, Action.SYNC_START),
    "comment": (Action.COMMENT,),
}
_SETUP = (Action.EDIT_SETUP,)
_CONSEQUENCE = "step_state"


def _scoped(method: Callable, action: Action) -> Callable:
    """A Store change as ScopedStore offers it: asks for `action` on its workspace (the first argument)
    and acts as the scoped identity, whatever `actor` the caller passes. Same signature as the Store's."""

    @functools.wraps(method)
    def scoped(self: ScopedStore, ws_id: int, *args, actor: Identity | None = None, **kwargs):
        self.require(action, ws_id)
        return method(self._store, ws_id, *args, actor=self._actor, **kwargs)

    return scoped


class ScopedStore:
    """A Store seen through one identity. Methods mirror Store's; tests keep the two lists in step."""

    def __init__(self, store: Store, identity: Identity) -> None:
        self._store = store
        self.identity = identity

    def __repr__(self) -> str:
        return f"ScopedStore({self._store!r}, {self.identity.key!r})"

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def unscoped(self) -> Store:
        """The bare store, for code that already checked access (the domain's own entry points)."""
        return self._store

    @property
    def _actor(self) -> Identity:
        return self.identity

    # -- asking ---------------------------------------------------------------------------------

    def may(self, action: Action, ws_id: int | None = None) -> bool:
        workspace = self._store.get_workspace(ws_id) if ws_id is not None else None
        return may(self.identity, action, workspace)

    def require(self, action: Action, ws_id: int | None = None) -> None:
        """Raise AccessDenied unless the identity may do `action` on the workspace (None: across them)."""
        if ws_id is None:
            require(self.identity, action, None)
            return
        # A deleted or unknown workspace is passed as None: refused exactly like someone else's.
        require(self.identity, action, self._store.get_workspace(ws_id))

    def _require_any(self, actions: tuple[Action, ...], ws_id: int) -> None:
        workspace = self._store.get_workspace(ws_id)
        if not any(may(self.identity, action, workspace) for action in actions):
            require(self.identity, actions[0], workspace)

    # -- workspaces -----------------------------------------------------------------------------

    def list_workspaces(self, include_archived: bool = False) -> list[Workspace]:
        archived = include_archived and self.identity.role is Role.IMPLEMENTATION_MANAGER
        return visible(self.identity, self._store.list_workspaces(include_archived=archived))

    def get_workspace(self, ws_id: int) -> Workspace | None:
        """None both when the workspace does not exist and when this identity may not see it."""
        workspace = self._store.get_workspace(ws_id)
        return workspace if workspace is not None and may(self.identity, Action.VIEW, workspace) else None

    def workspace_by_ref(self, ref: str) -> Workspace | None:
        workspace = self._store.workspace_by_ref(ref)
        return workspace if workspace is not None and may(self.identity, Action.VIEW, workspace) else None

    def create_workspace(self, name: str, *, actor: Identity | None = None) -> Workspace:
        require(self.identity, Action.CREATE_WORKSPACE)
        return self._store.create_workspace(name, actor=self._actor)

    def rename_workspace(self, ws_id: int, new_name: str, *, actor: Identity | None = None) -> Workspace:
        self.require(Action.RENAME_WORKSPACE, ws_id)
        return self._store.rename_workspace(ws_id, new_name, actor=self._actor)

    def archive_workspace(self, ws_id: int, *, actor: Identity | None = None) -> None:
        self.require(Action.ARCHIVE_WORKSPACE, ws_id)
        self._store.archive_workspace(ws_id, actor=self._actor)

    def delete_workspace(self, ws_id: int, *, actor: Identity | None = None) -> str:
        self.require(Action.DELETE_WORKSPACE, ws_id)
        return self._store.delete_workspace(ws_id, actor=self._actor)

    def set_plan(self, ws_id: int, level: str, *, actor: Identity | None = None) -> None:
        self.require(Action.EDIT_SETUP, ws_id)
        self._store.set_plan(ws_id, level, actor=self._actor)

    # -- step progress --------------------------------------------------------------------------

    def get_progress(self, ws_id: int) -> dict[str, StepProgress]:
        self.require(Action.VIEW, ws_id)
        return self._store.get_progress(ws_id)

    def snapshot(self, ws_id: int) -> Snapshot:
        self.require(Action.VIEW, ws_id)
        return self._store.snapshot(ws_id)

    def _checked(
        self, ws_id: int, change: Outcome | Callable[[Snapshot], Outcome]
    ) -> Callable[[Snapshot], Outcome]:
        """`change`, refused inside the writer's transaction unless the identity may do all it stands for."""
        self.require(Action.VIEW, ws_id)
        workspace = self._store.get_workspace(ws_id)

        def checked(now: Snapshot) -> Outcome:
            outcome = change if isinstance(change, Outcome) else change(now)
            primary = [entry for entry in outcome.events if entry.kind != _CONSEQUENCE]
            needed = [_KIND_ACTIONS.get(entry.kind, _SETUP) for entry in primary]
            if outcome.connection is not None:
                needed.append((Action.CONNECT,))
            if outcome.sets_security_model or (outcome.steps and not primary):
                needed.append(_SETUP)
            for actions in needed:
                if not any(may(self.identity, action, workspace) for action in actions):
                    require(self.identity, actions[0], workspace)  # raises inside the transaction
            return replace(outcome, actor=self.identity)

        return checked

    def apply(self, ws_id: int, change: Outcome | Callable[[Snapshot], Outcome]) -> Outcome:
        """Write an event's outcome if the identity may do everything it stands for, under the identity."""
        return self._store.apply(ws_id, self._checked(ws_id, change))

    def apply_in(
        self, conn: sqlite3.Connection, ws_id: int, change: Outcome | Callable[[Snapshot], Outcome]
    ) -> Outcome:
        """`apply` inside a write transaction the caller holds, checked the same way."""
        return self._store.apply_in(conn, ws_id, self._checked(ws_id, change))

    # -- connection -----------------------------------------------------------------------------

    save_connection = _scoped(Store.save_connection, Action.CONNECT)

    def get_connection(self, ws_id: int, vault: Encryptor | None = None) -> ConnectionSettings | None:
        """The saved IDs for anyone who may view; the decrypted password only for who signs in with it."""
        if vault is None:
            self.require(Action.VIEW, ws_id)
        else:
            self._require_any((Action.CONNECT, Action.SYNC_START), ws_id)
        return self._store.get_connection(ws_id, vault)

    def password_tokens(self) -> dict[int, str]:
        """Stored password ciphertexts of the workspaces whose connection this identity may change.

        Only to test whether the vault still reads them (never shown): whoever may not re-enter a password
        has no use for knowing it is unreadable.
        """
        return {
            ws_id: token
            for ws_id, token in self._store.password_tokens().items()
            if self.may(Action.CONNECT, ws_id)
        }

    def set_connection_status(self, ws_id: int, status: str, detail: str = "") -> None:
        self.require(Action.CONNECT, ws_id)
        self._store.set_connection_status(ws_id, status, detail)

    # -- preferences ----------------------------------------------------------------------------

    def _own(self, identity_key: str) -> str:
        # Settings are personal: nobody reads or changes another person's, whatever their role.
        if identity_key != self.identity.key:
            raise PermissionError("a person's settings are their own")
        return identity_key

    def get_preference(self, identity_key: str, name: str) -> str | None:
        return self._store.get_preference(self._own(identity_key), name)

    def set_preference(self, identity_key: str, name: str, value: str) -> None:
        self._store.set_preference(self._own(identity_key), name, value)

    # -- audit trail ----------------------------------------------------------------------------

    def record_event(self, ws_id: int, kind: str, message: str, *, actor: Identity | None = None) -> None:
        self._require_any(_KIND_ACTIONS.get(kind, _SETUP), ws_id)
        self._store.record_event(ws_id, kind, message, actor=self._actor)

    def events(self, ws_id: int, limit: int = 100) -> list[Event]:
        self.require(Action.VIEW, ws_id)
        return self._store.events(ws_id, limit)


# Store methods a person never calls through a page: they act on every workspace at once.
NOT_SCOPED = frozenset({"rewrap_passwords"})


def require_on(store: Store | ScopedStore, action: Action, ws_id: int | None) -> None:
    """The check at the top of each domain entry point.

    A ScopedStore carries the person acting and is checked; a bare Store means the deployment itself (the
    command-line tools), which pages never hold.
    """
    if isinstance(store, ScopedStore):
        store.require(action, ws_id)
