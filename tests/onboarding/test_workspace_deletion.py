"""Deleting a workspace: everything but the audit trail goes, and no ciphertext stays in the file's bytes."""

from __future__ import annotations

import sqlite3

from cryptography.fernet import Fernet

from onboarding import progress
from onboarding.steps import StepKey
from onboarding.vault import Vault
from tests.actors import ANA, LOCAL


def _file_bytes(store) -> bytes:
    found = b""
    for suffix in ("", "-wal", "-shm"):
        path = store.path.with_name(store.path.name + suffix)
        if path.exists():
            found += path.read_bytes()
    return found


def _token(store, ws_id: int) -> str:
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(
            "SELECT password_token FROM connections WHERE workspace_id = ?", (ws_id,)
        ).fetchone()[0]
    finally:
        conn.close()


def test_deleting_leaves_no_password_ciphertext_in_the_database_file(store):
    vault = Vault([Fernet.generate_key()])
    keep, gone = store.create_workspace("Keep", actor=LOCAL), store.create_workspace("Gone", actor=LOCAL)
    store.save_connection(keep.id, "KEEP-CO", "", "keep_ws", "keep-password", vault, actor=LOCAL)
    # Several saves leave old versions of the row in free pages: the delete must scrub those too.
    gone_tokens = []
    for attempt in range(3):
        store.save_connection(
            gone.id, "GONE-CO", "", "gone_ws", f"gone-password-{attempt}", vault, actor=LOCAL
        )
        gone_tokens.append(_token(store, gone.id))
    store.apply(
        gone.id, lambda now: progress.checklist_ticked(now, StepKey.START, "two_tabs", True, actor=LOCAL)
    )
    keep_token = _token(store, keep.id)
    assert gone_tokens[-1].encode() in _file_bytes(store)

    name = store.delete_workspace(gone.id, actor=ANA)

    data = _file_bytes(store)
    assert name == "Gone"
    for token in gone_tokens:
        assert token.encode() not in data
        assert token[:40].encode() not in data
    assert b"GONE-CO" not in data
    assert keep_token.encode() in data  # the other workspace's connection is untouched
    assert store.get_workspace(gone.id) is None
    assert [w.name for w in store.list_workspaces(include_archived=True)] == ["Keep"]
    tombstone = store.events(gone.id)[0]
    assert (tombstone.kind, tombstone.actor) == ("workspace_deleted", ANA.audit_label)
    assert store.get_connection(gone.id) is None
    assert store.get_progress(gone.id)[StepKey.START].checked == frozenset()


def test_a_deleted_workspace_name_can_be_used_again(store):
    first = store.create_workspace("Acme", actor=LOCAL)
    store.delete_workspace(first.id, actor=LOCAL)
    again = store.create_workspace("Acme", actor=LOCAL)
    assert again.id != first.id and again.ref != first.ref
