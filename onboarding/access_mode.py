"""How people get in: the access mode, and the rule that keeps local mode on the local machine.

    local   one implementation manager, nobody signs in; only while the server listens on loopback
    invite  signed invite links (onboarding.invite)
    oidc    Streamlit's OpenID Connect sign-in (st.login, [auth] in secrets); invite links still work

Set with the ROUTABLE_ACCESS_MODE environment variable or the `access_mode` secret (the environment wins).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from enum import StrEnum

ENV_ACCESS_MODE = "ROUTABLE_ACCESS_MODE"
SECRETS_ACCESS_MODE = "access_mode"


class AccessMode(StrEnum):
    LOCAL = "local"
    INVITE = "invite"
    OIDC = "oidc"


class AccessModeError(ValueError):
    """The configured access mode is not one we know; str() says what to write instead."""


def resolve_access_mode(env: Mapping[str, str], secrets: Mapping | None = None) -> AccessMode:
    raw, source = env.get(ENV_ACCESS_MODE, ""), ENV_ACCESS_MODE
    if not raw.strip() and secrets is not None:
        try:
            raw, source = str(secrets.get(SECRETS_ACCESS_MODE, "") or ""), f"the {SECRETS_ACCESS_MODE} secret"
        except Exception:  # noqa: BLE001 - an unreadable secrets file means "not set there"
            raw = ""
    value = raw.strip().lower()
    if not value:
        return AccessMode.LOCAL
    try:
        return AccessMode(value)
    except ValueError:
        choices = ", ".join(m.value for m in AccessMode)
        raise AccessModeError(
            f"The access mode in {source} is '{raw.strip()[:40]}', which the app does not know. "
            f"Set it to one of: {choices}."
        ) from None


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable from this machine only.

    An empty address means every interface, which is the opposite.
    """
    if not address:
        return False
    host = address.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_mode_refusal(address: str | None) -> str:
    """What the app says instead of serving, when local mode meets a non-loopback address."""
    where = f"address {address}" if address else "every network address"
    return (
        f"This server listens on {where}, so other computers can reach it, but sign-in is off (local mode "
        "trusts whoever opens the app). Turn sign-in on by setting ROUTABLE_ACCESS_MODE (or the access_mode "
        "secret) to 'invite' or 'oidc' and restart, or listen on this machine only with "
        "--server.address=127.0.0.1."
    )
