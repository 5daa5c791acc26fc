"""Invite links: signing, expiry, revocation, scope, binding, and one message for every bad link."""

from __future__ import annotations

import base64
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onboarding.access import AccessDenied
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role
from onboarding.invite import INVALID_LINK_MESSAGE, InvalidInvite, InviteBook, load_signing_key
from onboarding.store import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
KEY = b"k" * 40
MANAGER = LOCAL_IMPLEMENTATION_MANAGER


@pytest.fixture
def book(store):
    return InviteBook(store, KEY)


@pytest.fixture
def two(store):
    return store.create_workspace("Acme", actor=MANAGER), store.create_workspace("Globex", actor=MANAGER)


def _refused(book, token, **kw) -> InvalidInvite:
    with pytest.raises(InvalidInvite) as refused:
        book.redeem(token, **kw)
    assert str(refused.value) == INVALID_LINK_MESSAGE
    return refused.value


def test_a_link_gives_its_role_on_its_workspace(book, two, store):
    acme, _ = two
    invite, token = book.create(MANAGER, Role.FINANCE_REVIEWER, acme.id, hours=2, label="Dana (finance)")
    who = book.redeem(token)
    assert (who.role, who.workspace_id, who.name) == (Role.FINANCE_REVIEWER, acme.id, "Dana (finance)")
    assert who.audit_label == "Dana (finance) (Finance reviewer)"
    assert token.split(".")[0] == invite.id and len(invite.id) >= 16  # random, not a counter
    assert store.events(acme.id)[0].kind == "invite_created"
    assert book.list(MANAGER)[0].status() == "used"


def test_every_kind_of_bad_link_gets_the_same_message(book, two, store):
    acme, globex = two
    invite, token = book.create(MANAGER, Role.CUSTOMER_ADMIN, acme.id)
    invite_id, signature = token.split(".")
    flipped = base64.urlsafe_b64encode(bytes([base64.urlsafe_b64decode(signature + "=")[0] ^ 1]) + b"x" * 31)
    reasons = [
        _refused(book, f"{invite_id}.{flipped.decode().rstrip('=')}").reason,  # forged signature
        _refused(book, "nothing-here.AAAA").reason,  # an invite nobody issued
        _refused(book, "not a link").reason,  # malformed
        _refused(book, token + "x" * 300).reason,  # absurdly long
        _refused(book, "").reason,
    ]
    # Signed under another key: a link from another deployment.
    other = InviteBook(store, b"o" * 40)
    _, foreign = other.create(MANAGER, Role.CUSTOMER_ADMIN, globex.id)
    reasons.append(_refused(book, foreign).reason)
    assert {"forged", "unknown", "malformed"} <= set(reasons)


def test_expired_and_revoked_links_are_refused(book, two, store):
    acme, _ = two
    invite, token = book.create(MANAGER, Role.FINANCE_REVIEWER, acme.id, hours=1)
    book.redeem(token)
    conn = __import__("sqlite3").connect(store.path)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    # Moving the expiry in the database breaks the signature too: both ways the link is dead.
    conn.execute("UPDATE invites SET expires_at = ? WHERE id = ?", (past, invite.id))
    conn.commit()
    assert _refused(book, token).reason in ("expired", "forged")

    second, token2 = book.create(MANAGER, Role.FINANCE_REVIEWER, acme.id, hours=1)
    book.revoke(MANAGER, second.id)
    assert _refused(book, token2).reason == "revoked"
    assert store.events(acme.id)[0].kind == "invite_revoked"


def test_a_link_for_a_deleted_or_archived_workspace_says_the_same(book, two, store):
    acme, globex = two
    _, to_acme = book.create(MANAGER, Role.FINANCE_REVIEWER, acme.id)
    _, to_globex = book.create(MANAGER, Role.FINANCE_REVIEWER, globex.id)
    store.archive_workspace(acme.id, actor=MANAGER)
    store.delete_workspace(globex.id, actor=MANAGER)
    _refused(book, to_acme)
    _refused(book, to_globex)


def test_bound_to_the_first_signed_in_person(book, two):
    acme, _ = two
    _, token = book.create(MANAGER, Role.CUSTOMER_ADMIN, acme.id)
    first = book.redeem(token, email="Ana@Example.com")
    assert first.email == "ana@example.com" and first.key == "email:ana@example.com"
    assert book.redeem(token, email="ana@example.com").role is Role.CUSTOMER_ADMIN
    _refused(book, token, email="mallory@example.com")
    _refused(book, token)


def test_who_may_issue_which_invitation(book, two):
    acme, globex = two
    admin = Identity(key="a", name="Ana", role=Role.CUSTOMER_ADMIN, email="ana@x.com", workspace_id=acme.id)
    reviewer = Identity(
        key="r", name="Rui", role=Role.FINANCE_REVIEWER, email="rui@x.com", workspace_id=acme.id
    )
    book.create(admin, Role.FINANCE_REVIEWER, acme.id)
    book.create(admin, Role.CUSTOMER_ADMIN, acme.id)
    for attempt in (
        lambda: book.create(admin, Role.IMPLEMENTATION_MANAGER, acme.id),
        lambda: book.create(admin, Role.FINANCE_REVIEWER, globex.id),
        lambda: book.create(admin, Role.IMPLEMENTATION_MANAGER, None),
        lambda: book.create(reviewer, Role.FINANCE_REVIEWER, acme.id),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    with pytest.raises(InvalidInput):
        book.create(MANAGER, Role.FINANCE_REVIEWER, None)  # a customer role needs its workspace
    with pytest.raises(InvalidInput):
        book.create(MANAGER, Role.FINANCE_REVIEWER, acme.id, hours=0)
    everywhere = book.redeem(book.create(MANAGER, Role.IMPLEMENTATION_MANAGER, None)[1])
    assert everywhere.workspace_id is None
    assert len(book.list(admin)) == 2  # the admin sees their own workspace's invitations only
    assert len(book.list(reviewer)) == 0


def test_the_signing_key_file_is_generated_private_and_kept(tmp_path):
    key = load_signing_key(tmp_path, env={}, secrets_=None)
    path = tmp_path / "invite.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_signing_key(tmp_path, env={}, secrets_=None) == key
    assert not (tmp_path / "vault.key").exists()
    assert load_signing_key(tmp_path, env={"ROUTABLE_INVITE_KEY": "e" * 32}) == b"e" * 32


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ROUTABLE_DB_PATH": str(tmp_path / "app.db"), "ROUTABLE_DATA_DIR": str(tmp_path)}
    env.pop("ROUTABLE_INVITE_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "onboarding.invite", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_prints_the_link_alone_and_lists_and_revokes(tmp_path):
    from onboarding.store import Store

    store = Store(tmp_path / "app.db")
    ws = store.create_workspace("Acme", actor=MANAGER)
    made = _cli(
        tmp_path,
        "--role",
        "finance_reviewer",
        "--workspace",
        str(ws.id),
        "--hours",
        "5",
        "--base-url",
        "https://onboard.example.com/",
    )
    assert made.returncode == 0, made.stderr
    [link] = made.stdout.splitlines()
    assert link.startswith("https://onboard.example.com/?invite=")
    book = InviteBook(store, load_signing_key(tmp_path, env={}))
    token = link.split("invite=", 1)[1]
    assert book.redeem(token).workspace_id == ws.id

    by_ref = _cli(tmp_path, "--role", "customer_admin", "--workspace", ws.ref)
    assert by_ref.returncode == 0 and by_ref.stdout.startswith("http://localhost:8501/?invite=")

    listed = _cli(tmp_path, "--list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2 and "Acme" in listed.stdout
    invite_id = token.split(".")[0]
    # Never a leading '-', which argparse would read as an option: `--revoke -Gk...` failed 1 time in 64.
    assert re.fullmatch(r"[0-9a-f]{24}", invite_id), invite_id
    revoked = _cli(tmp_path, "--revoke", invite_id)
    assert revoked.returncode == 0 and revoked.stdout == ""
    with pytest.raises(InvalidInvite):
        book.redeem(token)

    for bad in (
        ["--role", "finance_reviewer"],
        ["--role", "customer_admin", "--workspace", "999"],
        ["--revoke", "nope"],
    ):
        refused = _cli(tmp_path, *bad)
        assert refused.returncode == 2 and refused.stdout == "" and refused.stderr.startswith("error: ")


def test_a_reference_starting_with_a_dash_still_works_on_the_command_line(tmp_path):
    from onboarding.store import Store, new_ref

    # New references never start with "-"; one written by an earlier version may.
    assert not any(new_ref().startswith("-") for _ in range(3000))
    store = Store(tmp_path / "app.db")
    ws = store.create_workspace("Acme", actor=MANAGER)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE workspaces SET ref = ? WHERE id = ?", ("-dashFirst0123456789ab", ws.id))
    conn.close()
    made = _cli(tmp_path, "--role", "customer_admin", "--workspace", "-dashFirst0123456789ab")
    assert made.returncode == 0, made.stderr
    [link] = made.stdout.splitlines()
    book = InviteBook(store, load_signing_key(tmp_path, env={}))
    assert book.redeem(link.split("invite=", 1)[1]).workspace_id == ws.id
    # A value left out is still said to be missing, not taken from the next option.
    missing = _cli(tmp_path, "--role", "customer_admin", "--workspace", "--hours", "2")
    assert missing.returncode == 2 and "--workspace: expected one argument" in missing.stderr
