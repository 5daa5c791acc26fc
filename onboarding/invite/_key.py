"""The key invite links are signed with: never the vault key, so one leaking does not give away the other.

Lookup order: env ROUTABLE_INVITE_KEY, then secrets["invite_key"], then <data_dir>/invite.key (created on
first use with 32 random bytes, mode 0600). A configured key is any text of at least 32 characters.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from onboarding.vault import _create_exclusive, _secret_value

ENV_INVITE_KEY = "ROUTABLE_INVITE_KEY"
SECRETS_INVITE_KEY = "invite_key"
INVITE_KEY_FILE_NAME = "invite.key"
MIN_KEY_CHARS = 32


class InviteKeyError(ValueError):
    """The configured signing key is unusable; str() says how to fix it and never contains the key."""


def _checked(raw: str, source: str) -> bytes:
    value = raw.strip()
    if len(value) < MIN_KEY_CHARS:
        raise InviteKeyError(
            f"The invite signing key in {source} is too short: use at least {MIN_KEY_CHARS} random "
            "characters, for example the output of "
            "`python -c \"import secrets; print(secrets.token_urlsafe(32))\"`."
        )
    return value.encode("utf-8")


def load_signing_key(
    data_dir: Path | str, env: Mapping[str, str] = os.environ, secrets_: Mapping | None = None
) -> bytes:
    from_env = env.get(ENV_INVITE_KEY)
    if from_env:
        return _checked(from_env, f"the environment variable {ENV_INVITE_KEY}")
    from_secrets = _secret_value(secrets_, SECRETS_INVITE_KEY)
    if from_secrets:
        return _checked(str(from_secrets), f"the secrets entry {SECRETS_INVITE_KEY!r}")
    path = Path(data_dir) / INVITE_KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            _create_exclusive(path, key + "\n")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return _checked(path.read_text(encoding="utf-8"), f"the key file {path}")
