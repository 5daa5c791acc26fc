import pickle
import stat

import pytest
from cryptography.fernet import Fernet

from onboarding.vault import (
    ENV_KEY,
    KEY_FILE_NAME,
    Secret,
    Vault,
    VaultDecryptError,
    VaultKeyError,
    rotate_vault_key,
)
from tests.actors import LOCAL

PLAINTEXT = "Tr1cky-pässwörd!"


def test_secret_hides_its_value_everywhere_but_reveal():
    secret = Secret(PLAINTEXT)
    assert secret.reveal() == PLAINTEXT
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret]), str([secret])):
        assert PLAINTEXT not in shown
        assert "••••••" in shown
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_encrypt_then_decrypt_round_trips_and_hides_the_plaintext(vault):
    token = vault.encrypt(PLAINTEXT)
    assert PLAINTEXT not in token and PLAINTEXT.encode() not in token.encode()
    assert vault.encrypt(PLAINTEXT) != token  # random IV each time
    decrypted = vault.decrypt(token)
    assert isinstance(decrypted, Secret) and decrypted.reveal() == PLAINTEXT


def test_decrypting_with_the_wrong_key_gives_a_clear_error_without_the_plaintext(vault):
    token = vault.encrypt(PLAINTEXT)
    with pytest.raises(VaultDecryptError) as info:
        Vault([Fernet.generate_key()]).decrypt(token)
    assert "key" in str(info.value) and PLAINTEXT not in str(info.value)
    with pytest.raises(VaultDecryptError):
        vault.decrypt("not-a-token")


def test_load_creates_a_key_file_with_owner_only_permissions_and_reuses_it(tmp_path):
    first = Vault.load(tmp_path / "data", env={})
    key_file = tmp_path / "data" / KEY_FILE_NAME
    assert first.source == "file" and key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    token = first.encrypt(PLAINTEXT)
    second = Vault.load(tmp_path / "data", env={})
    assert second.decrypt(token).reveal() == PLAINTEXT
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary files left behind


def test_a_loose_key_file_is_tightened_to_0600(tmp_path):
    key_file = tmp_path / KEY_FILE_NAME
    key_file.write_text(Fernet.generate_key().decode())
    key_file.chmod(0o644)
    Vault.load(tmp_path, env={})
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_environment_key_wins_over_secrets_and_file(tmp_path):
    env_key, secret_key = Vault.generate_key(), Vault.generate_key()
    from_env = Vault.load(tmp_path, env={ENV_KEY: env_key}, secrets={"vault_key": secret_key})
    assert from_env.source == "env"
    assert Vault([env_key]).decrypt(from_env.encrypt("x")).reveal() == "x"
    from_secrets = Vault.load(tmp_path, env={}, secrets={"vault_key": secret_key})
    assert from_secrets.source == "secrets"
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_a_secrets_object_that_raises_counts_as_absent(tmp_path):
    class NoSecretsFile:
        def get(self, name, default=None):
            raise FileNotFoundError("no secrets.toml")

    assert Vault.load(tmp_path, env={}, secrets=NoSecretsFile()).source == "file"


@pytest.mark.parametrize("bad", ["not-a-key", "x" * 44, "  ,  "])
def test_a_corrupt_key_gives_a_clear_error_that_does_not_repeat_it(tmp_path, bad):
    with pytest.raises(VaultKeyError) as info:
        Vault.load(tmp_path, env={ENV_KEY: bad})
    message = str(info.value)
    assert ENV_KEY in message
    assert "x" * 44 not in message and "not-a-key" not in message


def test_a_corrupt_key_file_gives_a_clear_error(tmp_path):
    (tmp_path / KEY_FILE_NAME).write_text("garbage\n")
    with pytest.raises(VaultKeyError, match="key file"):
        Vault.load(tmp_path, env={})


def test_several_keys_decrypt_old_tokens_and_encrypt_with_the_first():
    old, new = Vault.generate_key(), Vault.generate_key()
    old_token = Vault([old]).encrypt("a")
    both = Vault.load("/nonexistent", env={ENV_KEY: f"{new}, {old}"})
    assert both.decrypt(old_token).reveal() == "a"
    assert Vault([new]).decrypt(both.encrypt("b")).reveal() == "b"


def test_rotation_reencrypts_every_stored_password(store, tmp_path):
    vault = Vault.load(tmp_path / "keys", env={})
    workspaces = [store.create_workspace(f"Customer {n}", actor=LOCAL) for n in range(3)]
    for n, ws in enumerate(workspaces):
        store.save_connection(ws.id, f"CO{n}", "", "u", f"pw-{n}", vault, actor=LOCAL)
    new_key = Vault.generate_key()

    rotated = rotate_vault_key(store, vault, new_key, actor=LOCAL)

    only_new = Vault([new_key])
    for n, ws in enumerate(workspaces):
        assert store.get_connection(ws.id, only_new).password.reveal() == f"pw-{n}"
        assert store.get_connection(ws.id, rotated).password.reveal() == f"pw-{n}"
    with pytest.raises(VaultDecryptError):
        store.get_connection(workspaces[0].id, vault)  # tokens are no longer under the old key
    # The key file now starts with the new key and still knows the old one.
    reloaded = Vault.load(tmp_path / "keys", env={})
    assert reloaded.primary_key_id == only_new.primary_key_id
    assert reloaded.decrypt(vault.encrypt("still readable")).reveal() == "still readable"
    assert stat.S_IMODE((tmp_path / "keys" / KEY_FILE_NAME).stat().st_mode) == 0o600


def test_rotation_is_all_or_nothing(store, vault):
    good = store.create_workspace("Good", actor=LOCAL)
    bad = store.create_workspace("Bad", actor=LOCAL)
    store.save_connection(good.id, "G", "", "u", "pw-good", vault, actor=LOCAL)
    stranger = Vault([Fernet.generate_key()])
    store.save_connection(
        bad.id, "B", "", "u", "pw-bad", stranger, actor=LOCAL
    )  # a token no key of ours can read

    with pytest.raises(VaultDecryptError):
        rotate_vault_key(store, vault, Vault.generate_key(), actor=LOCAL)

    # Nothing changed: the readable password is still under the old key.
    assert store.get_connection(good.id, vault).password.reveal() == "pw-good"


def test_old_tokens_stay_readable_during_the_switch(vault):
    old_token = vault.encrypt("pw")
    switching = vault.with_primary(Vault.generate_key())
    assert switching.decrypt(old_token).reveal() == "pw"
    assert switching.rotate_token(old_token) != old_token


def test_rotating_to_an_invalid_key_is_refused(store, vault):
    with pytest.raises(VaultKeyError):
        rotate_vault_key(store, vault, "short", actor=LOCAL)


def test_vault_repr_shows_no_key_material():
    key = Vault.generate_key()
    assert key not in repr(Vault([key])) and key[:8] not in repr(Vault([key]))
