"""The app says which saved connections the vault key cannot read, and picks up a rotated key at once."""

from __future__ import annotations

from cryptography.fernet import Fernet

from onboarding.vault import KEY_FILE_NAME, Vault, rotate_vault_key
from tests.actors import LOCAL
from tests.ui.harness import DEMO_PASSWORD, open_app, screen_text


def _saved(store, app_env, name="Acme Corp"):
    ws = store.create_workspace(name, actor=LOCAL)
    vault = Vault.load(app_env / "data", {}, None)  # the key file the app itself uses
    store.save_connection(ws.id, "ACME-DEMO", "", "routable_ws", DEMO_PASSWORD, vault, actor=LOCAL)
    return ws, vault


def _key_warnings(at) -> list[str]:
    return [w.value for w in at.sidebar.warning if "cannot be read" in w.value]


def test_a_lost_key_file_is_said_naming_each_connection_to_enter_again(store, app_env):
    acme, _ = _saved(store, app_env)
    _saved(store, app_env, "Globex")
    (app_env / "data" / KEY_FILE_NAME).unlink()

    at = open_app(acme, "start")

    assert not at.exception
    [warning] = _key_warnings(at)
    assert "Acme Corp" in warning and "Globex" in warning and "enter each of these passwords again" in warning
    assert any("this workspace can no longer be read" in w.value for w in at.main.warning)
    assert DEMO_PASSWORD not in screen_text(at)


def test_a_key_rotated_while_the_app_runs_takes_effect_without_a_restart(store, app_env):
    ws, vault = _saved(store, app_env)
    at = open_app(ws, "start")
    assert not at.exception and _key_warnings(at) == []

    new_key = Fernet.generate_key()
    rotate_vault_key(store, vault, new_key, actor=LOCAL)  # the Store the app holds stays open
    (app_env / "data" / KEY_FILE_NAME).write_text(new_key.decode() + "\n")  # old key retired

    at.run()  # the same running app, next page run

    assert not at.exception
    assert _key_warnings(at) == []  # a vault still holding only the old key would fail to read it
