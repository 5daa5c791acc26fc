"""A lost vault key never loses passwords in silence, and a rotation works while the store stays open."""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet

from onboarding.password_check import unreadable_passwords
from onboarding.store import Store
from onboarding.vault import KEY_FILE_NAME, Vault, rotate_vault_key
from tests.actors import LOCAL

PASSWORD = "Tr1cky-pässwörd!"


def test_a_missing_key_file_names_the_connections_that_can_no_longer_be_read(tmp_path, caplog):
    data = tmp_path / "data"
    store = Store(data / "onboarding.db")
    acme = store.create_workspace("Acme", actor=LOCAL)
    globex = store.create_workspace("Globex", actor=LOCAL)
    store.create_workspace("Initech", actor=LOCAL)  # no connection saved: nothing to lose
    old = Vault.load(data, env={})
    for ws in (acme, globex):
        store.save_connection(ws.id, "ACME", "", "ws_user", PASSWORD, old, actor=LOCAL)
    assert unreadable_passwords(store, old) == []

    (data / KEY_FILE_NAME).unlink()  # a restore that forgot the key file, a wiped folder
    caplog.set_level(logging.WARNING, logger="onboarding.password_check")
    new = Vault.load(data, env={})
    assert new.primary_key_id != old.primary_key_id

    assert [w.name for w in unreadable_passwords(store, new)] == ["Acme", "Globex"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2 saved password(s)" in warnings[0].getMessage()
    assert PASSWORD not in caplog.text
    unreadable_passwords(store, new)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1  # said once, not per page

    # Nothing was thrown away: with the old key back, every password reads again.
    restored = Vault([*new._keys, *old._keys])
    assert unreadable_passwords(store, restored) == []
    assert store.get_connection(acme.id, restored).password.reveal() == PASSWORD


def test_rotation_while_the_store_is_open_keeps_every_password_readable(tmp_path):
    data = tmp_path / "data"
    store = Store(data / "onboarding.db")
    ws = store.create_workspace("Acme", actor=LOCAL)
    vault = Vault.load(data, env={})
    store.save_connection(ws.id, "ACME", "", "ws_user", PASSWORD, vault, actor=LOCAL)

    new_key = Fernet.generate_key()
    rotated = rotate_vault_key(store, vault, new_key, actor=LOCAL)
    # Retire the old key, as an operator finishing the rotation would: only the new key is left.
    (data / KEY_FILE_NAME).write_text(new_key.decode() + "\n")

    reloaded = Vault.load(data, env={})
    assert reloaded.primary_key_id == rotated.primary_key_id
    assert store.get_connection(ws.id, reloaded).password.reveal() == PASSWORD
    assert unreadable_passwords(store, reloaded) == []
    assert [w.name for w in unreadable_passwords(store, vault)] == ["Acme"]  # the old key alone cannot


class _Counting:
    """A vault that counts its decryptions."""

    def __init__(self, vault: Vault) -> None:
        self.vault, self.decrypted = vault, 0
        self.primary_key_id = vault.primary_key_id

    def decrypt(self, token: str):
        self.decrypted += 1
        return self.vault.decrypt(token)


def test_a_password_read_once_is_not_decrypted_on_every_page_run_and_a_new_one_still_is(tmp_path):
    store = Store(tmp_path / "onboarding.db")
    acme = store.create_workspace("Acme", actor=LOCAL)
    mine = Vault([Fernet.generate_key()])
    store.save_connection(acme.id, "ACME", "", "ws_user", PASSWORD, mine, actor=LOCAL)
    counting = _Counting(mine)
    assert unreadable_passwords(store, counting) == [] and counting.decrypted == 1
    assert unreadable_passwords(store, counting) == [] and counting.decrypted == 1

    # Saved again under a key this vault lacks: a token it has never read, so it is checked and named.
    stranger = Vault([Fernet.generate_key()])
    store.save_connection(acme.id, "ACME", "", "ws_user", PASSWORD, stranger, actor=LOCAL)
    assert [w.name for w in unreadable_passwords(store, counting)] == ["Acme"]
    assert counting.decrypted == 2
