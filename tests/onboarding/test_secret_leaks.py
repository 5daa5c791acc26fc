"""The customer's password must never reach the database file, the WAL, or any log line."""

import logging
import sqlite3

import pytest

from onboarding.connection import choose_entity, connect_workspace, open_session
from onboarding.platform import Platform
from onboarding.steps import SENDER_ID
from onboarding.vault import Secret
from tests.actors import LOCAL

PASSWORD = "Demo-Passw0rd!"
WRONG_PASSWORD = "Wr0ng-Unique-Pw-7741"
SENDER_PASSWORD = "sandbox-sender-secret"


@pytest.fixture
def platform(sandbox):
    options = {"backoff_base": 0.001, "backoff_max": 0.01, "timeout": 5.0}
    return Platform(SENDER_ID, Secret(SENDER_PASSWORD), sandbox.url, True, sandbox, client_options=options)


def _all_bytes(db_path):
    files = sorted(db_path.parent.glob(db_path.name + "*"))
    return files, b"".join(f.read_bytes() for f in files)


def test_password_is_not_in_the_database_files_or_the_logs(store, vault, platform, workspace, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    # An open connection keeps SQLite from folding the WAL back into the main file, so the WAL is
    # still there for us to inspect at the end.
    keeper = sqlite3.connect(store.path)
    keeper.execute("SELECT count(*) FROM workspaces").fetchone()  # actually opens the file
    try:
        args = (store, vault, platform, workspace.id)
        assert not connect_workspace(*args, "ACME-DEMO", "", "routable_ws", WRONG_PASSWORD, actor=LOCAL).ok
        assert connect_workspace(*args, "ACME-DEMO", "", "routable_ws", PASSWORD, actor=LOCAL).ok
        assert choose_entity(*args, "E100", actor=LOCAL).ok
        assert connect_workspace(*args, "ACME-DEMO", "E200", "routable_ws", None, actor=LOCAL).ok
        open_session(*args).client.close()

        files, blob = _all_bytes(store.path)
        assert any(f.name.endswith("-wal") and f.stat().st_size > 0 for f in files)
        assert b"routable_ws" in blob  # the raw bytes do hold the saved settings, in clear
        for secret in (PASSWORD, WRONG_PASSWORD, SENDER_PASSWORD):
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in blob, (secret, encoding)
    finally:
        keeper.close()

    captured = capfd.readouterr()
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records) + captured.out + captured.err
    assert caplog.records, "expected the connection flow to log something at DEBUG/INFO"
    for secret in (PASSWORD, WRONG_PASSWORD, SENDER_PASSWORD):
        assert secret not in logged


def test_outcomes_and_settings_do_not_show_the_password(store, vault, platform, workspace):
    outcome = connect_workspace(
        store, vault, platform, workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, actor=LOCAL
    )
    saved = store.get_connection(workspace.id, vault)
    for shown in (repr(outcome), str(outcome), repr(saved), repr(platform), repr(vault), repr(store)):
        assert PASSWORD not in shown and SENDER_PASSWORD not in shown
    for event in store.events(workspace.id):
        assert PASSWORD not in event.message
