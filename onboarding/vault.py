"""Encryption at rest for the customer's Web Services password, and a wrapper that keeps it out of sight.

Key lookup order: env ``ROUTABLE_VAULT_KEY``, then ``secrets["vault_key"]``, then ``<data_dir>/vault.key``
(created on first run, mode 0600). A key source may hold several keys, newest first, separated by commas
or new lines: the first encrypts, all of them decrypt, which is what lets a key rotation happen without
a moment where stored passwords are unreadable.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from intacct.private_files import private_dir

if TYPE_CHECKING:
    from onboarding.identity import Identity

log = logging.getLogger(__name__)

ENV_KEY = "ROUTABLE_VAULT_KEY"
SECRETS_KEY = "vault_key"
KEY_FILE_NAME = "vault.key"
MASK = "••••••"


class Secret:
    """A string that does not show itself: repr, str and format all give a mask; call reveal() to use it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(
            other._value.encode("utf-8"), self._value.encode("utf-8")
        )

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self):  # a pickled Secret would carry the plaintext; refuse rather than leak
        raise TypeError("a Secret cannot be pickled")


class VaultError(Exception):
    """Base for vault failures; messages are safe to show and never contain a key or a plaintext."""


class VaultKeyError(VaultError):
    """The configured key is missing or malformed."""


class VaultDecryptError(VaultError):
    """A stored value cannot be decrypted with any of the configured keys."""


def _parse_keys(raw: str, source: str) -> list[bytes]:
    parts = [p.strip() for p in raw.replace("\n", ",").split(",")]
    keys = [p.encode("ascii", "replace") for p in parts if p]
    if not keys:
        raise VaultKeyError(
            f"The vault key in {source} is empty. Put a key made by Fernet.generate_key() there."
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise VaultKeyError(
                f"The vault key in {source} (key {position} of {len(keys)}) is not valid: a key is 32 "
                "random bytes in URL-safe base64, 44 characters long, as made by Fernet.generate_key(). "
                "Restore the original key; if it is lost, stored passwords must be entered again."
            ) from None
    return keys


class Vault:
    def __init__(self, keys: Iterable[bytes | str], *, source: str = "memory", key_file: Path | None = None):
        self._keys = [k.encode("ascii") if isinstance(k, str) else k for k in keys]
        if not self._keys:
            raise VaultKeyError("A vault needs at least one key.")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in self._keys])
        except (ValueError, TypeError):
            raise VaultKeyError(
                "A vault key is not valid: it must be 44 characters of URL-safe base64, "
                "as made by Fernet.generate_key()."
            ) from None
        self.source = source
        self.key_file = key_file

    def __repr__(self) -> str:
        return f"Vault(source={self.source!r}, keys={len(self._keys)})"

    @classmethod
    def load(
        cls, data_dir: Path | str, env: Mapping[str, str] = os.environ, secrets: Mapping | None = None
    ) -> Vault:
        data_dir = Path(data_dir)
        from_env = env.get(ENV_KEY)
        if from_env:
            return cls(_parse_keys(from_env, f"the environment variable {ENV_KEY}"), source="env")
        from_secrets = _secret_value(secrets, SECRETS_KEY)
        if from_secrets:
            return cls(_parse_keys(str(from_secrets), f"the secrets entry {SECRETS_KEY!r}"), source="secrets")
        key_file = data_dir / KEY_FILE_NAME
        return cls(_read_or_create_key_file(key_file), source="file", key_file=key_file)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    @property
    def primary_key_id(self) -> str:
        """A short fingerprint of the encrypting key, for audit messages (not the key itself)."""
        return hashlib.sha256(self._keys[0]).hexdigest()[:8]

    def encrypt(self, plaintext: str) -> str:
        if not isinstance(plaintext, str):
            raise TypeError("only text can be encrypted")
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> Secret:
        try:
            value = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError, AttributeError):
            raise VaultDecryptError(
                "A stored password could not be decrypted with the current vault key. The key was probably "
                "changed or replaced: restore the previous key, or enter the password again on the Connect "
                "step."
            ) from None
        return Secret(value.decode("utf-8"))

    def rotate_token(self, token: str) -> str:
        """Re-encrypt a token under the primary key (it may have been written under any known key)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise VaultDecryptError(
                "A stored password could not be decrypted with any vault key, so it cannot be re-encrypted. "
                "Enter that workspace's password again on the Connect step, then rotate."
            ) from None

    def with_primary(self, new_key: bytes | str) -> Vault:
        """A vault that encrypts with new_key and still reads everything this one reads."""
        new = new_key.encode("ascii") if isinstance(new_key, str) else new_key
        _parse_keys(new.decode("ascii", "replace"), "the new key")
        keys = [new] + [k for k in self._keys if k != new]
        return Vault(keys, source=self.source, key_file=self.key_file)

    def _key_lines(self) -> str:
        return "\n".join(k.decode("ascii") for k in self._keys) + "\n"


class PasswordStore(Protocol):
    """What rotate_vault_key needs from the store (onboarding.store.Store provides it)."""

    def rewrap_passwords(self, transform, *, actor) -> int: ...


def rotate_vault_key(store: PasswordStore, vault: Vault, new_key: bytes | str, *, actor: Identity) -> Vault:
    """Re-encrypt every stored password under new_key and return the vault to use from now on.

    Order matters for crash safety: the key file first learns the new key (keeping the old ones), then
    the database is rewritten in one transaction. If we stop in between, every token is still readable.
    Keys that come from the environment or the secrets file cannot be written by us: the caller must set
    ROUTABLE_VAULT_KEY (or vault_key) to "<new>,<old>" before the next start.
    """
    rotated = vault.with_primary(new_key)
    if rotated.source == "file" and rotated.key_file is not None:
        _write_key_file(rotated.key_file, rotated._key_lines())
    count = store.rewrap_passwords(rotated.rotate_token, actor=actor)
    log.info(
        "vault key rotated: %d stored password(s) re-encrypted under key %s", count, rotated.primary_key_id
    )
    return rotated


def _secret_value(secrets: Mapping | None, name: str):
    if secrets is None:
        return None
    # st.secrets raises (not returns None) when no secrets file exists; treat that as "not configured".
    try:
        return secrets.get(name)
    except Exception:  # optional config that cannot be read counts as absent
        return None


def _read_or_create_key_file(path: Path) -> list[bytes]:
    source = f"the key file {path}"
    try:
        raw = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raw = None
    except (UnicodeDecodeError, OSError) as exc:
        raise VaultKeyError(f"The vault key file {path} cannot be read ({type(exc).__name__}).") from None
    if raw is not None:
        _tighten_mode(path)
        return _parse_keys(raw, source)
    key = Fernet.generate_key()
    private_dir(path.parent)
    try:
        _create_exclusive(path, key.decode("ascii") + "\n")
        log.info("created a new vault key file at %s", path)
        return [key]
    except FileExistsError:
        # Another process or thread created it between our read and our write: use theirs.
        return _parse_keys(path.read_text(encoding="ascii"), source)


def _create_exclusive(path: Path, content: str) -> None:
    """Write a complete file and only then give it its name, so no reader sees it half-written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(content)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)  # fails with FileExistsError if someone else won the race
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _write_key_file(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.rotate.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _tighten_mode(path: Path) -> None:
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("vault key file %s was readable by other users; restricted it to its owner", path)
    except OSError:
        pass


__all__ = [
    "ENV_KEY",
    "SECRETS_KEY",
    "KEY_FILE_NAME",
    "MASK",
    "Secret",
    "Vault",
    "VaultError",
    "VaultKeyError",
    "VaultDecryptError",
    "rotate_vault_key",
]
