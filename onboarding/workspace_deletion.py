"""Deleting a customer workspace for good: credentials, synced data and mapping go; the audit trail stays.

Only an implementation manager may, and only by typing the workspace's name: a slip of the mouse must
not erase a customer. A running sync is stopped first; it would otherwise write into a deleted workspace.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from onboarding.access import Action
from onboarding.identity import Identity
from onboarding.scoped_store import ScopedStore, require_on
from onboarding.store import InvalidInput, Store, UnknownWorkspace
from onboarding.sync_jobs import SyncJobs, current_job, sync_db_path


def _same_name(typed: str, name: str) -> bool:
    return " ".join(str(typed or "").split()).casefold() == " ".join(name.split()).casefold()


def delete_workspace(
    store: Store | ScopedStore,
    data_dir: str | Path,
    ws_id: int,
    confirmation: str,
    *,
    actor: Identity,
    registry: SyncJobs | None = None,
) -> str:
    """Delete the workspace once `confirmation` repeats its name; returns the name for the message."""
    require_on(store, Action.DELETE_WORKSPACE, ws_id)
    workspace = store.get_workspace(ws_id)
    if workspace is None:
        raise UnknownWorkspace(ws_id)
    if not _same_name(confirmation, workspace.name):
        raise InvalidInput(
            f"To delete, type the workspace's name exactly as shown: {workspace.name}", "confirmation"
        )
    job = current_job(data_dir, ws_id, registry)
    if job is not None and job.snapshot().running:
        job.cancel()
        if not job.join(timeout=30):
            raise InvalidInput("A sync of this workspace is still stopping. Wait a moment and try again.")
    name = store.delete_workspace(ws_id, actor=actor)
    synced = sync_db_path(data_dir, ws_id)
    for path in (synced, synced.with_name(synced.name + "-wal"), synced.with_name(synced.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return name
