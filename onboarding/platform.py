"""Routable's own Web Services sender credentials, and where requests go.

With nothing configured the app runs against the built-in sandbox, started once per process, so a
fresh checkout works offline with the demo companies below.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import intacct
from onboarding.steps import SENDER_ID
from onboarding.vault import Secret

log = logging.getLogger(__name__)

ENV_SENDER_ID = "INTACCT_SENDER_ID"
ENV_SENDER_PASSWORD = "INTACCT_SENDER_PASSWORD"
ENV_ENDPOINT = "INTACCT_ENDPOINT"
SECRET_SENDER_ID = "intacct_sender_id"
SECRET_SENDER_PASSWORD = "intacct_sender_password"
SECRET_ENDPOINT = "intacct_endpoint"

SANDBOX_SENDER_ID = SENDER_ID
SANDBOX_SENDER_PASSWORD = "sandbox-sender-secret"


@dataclass(frozen=True)
class DemoAccount:
    company_id: str
    user_id: str
    password: str
    entity_ids: tuple[str, ...]
    description: str


_DEMO_PASSWORD = "Demo-Passw0rd!"

DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "ACME-DEMO",
        "routable_ws",
        _DEMO_PASSWORD,
        ("E100", "E200", "E300"),
        "Multi-entity company; this user has full access.",
    ),
    DemoAccount("SOLO-DEMO", "routable_ws", _DEMO_PASSWORD, (), "Single-entity company; full access."),
    DemoAccount(
        "NOAUTH-DEMO",
        "routable_ws",
        _DEMO_PASSWORD,
        (),
        "This company has not authorized our sender ID: shows the Web Services step failing.",
    ),
    DemoAccount(
        "ACME-DEMO",
        "limited_ws",
        _DEMO_PASSWORD,
        ("E100", "E200", "E300"),
        "This user may not read GL accounts: shows a red permission check.",
    ),
    DemoAccount(
        "ACME-DEMO",
        "entity_ws",
        _DEMO_PASSWORD,
        ("E200",),
        "This user is restricted to entity E200: top level fails, E200 works.",
    ),
]


class PlatformConfigError(RuntimeError):
    """Our own configuration is incomplete; the message names the setting to fix (never its value)."""


@dataclass(frozen=True)
class Platform:
    sender_id: str
    sender_password: Secret
    endpoint: str
    sandbox: bool
    sandbox_handle: Any = field(default=None, repr=False, compare=False)
    # Defaults for every client made here (timeout, retries, backoff); tests shrink the backoff.
    client_options: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def client(self, **kw: Any) -> intacct.IntacctClient:
        options = {"endpoint": self.endpoint, **self.client_options, **kw}
        return intacct.IntacctClient(self.sender_id, self.sender_password.reveal(), **options)

    @property
    def demo_accounts(self) -> list[DemoAccount]:
        return list(DEMO_ACCOUNTS) if self.sandbox else []


_sandbox_lock = threading.Lock()
_sandbox_handle: Any = None


def _shared_sandbox() -> Any:
    """Start the in-process sandbox the first time anyone asks; Streamlit reruns must not start more."""
    global _sandbox_handle
    with _sandbox_lock:
        if _sandbox_handle is None:
            from intacct import sandbox

            try:
                _sandbox_handle = sandbox.start()
            except OSError as exc:
                raise PlatformConfigError(
                    f"The built-in Intacct sandbox could not start ({exc.strerror or type(exc).__name__}). "
                    "Set INTACCT_SENDER_ID and INTACCT_SENDER_PASSWORD to use a real Intacct gateway, "
                    "or restart the app."
                ) from None
            atexit.register(_sandbox_handle.stop)
            log.info("no Intacct sender configured: using the built-in sandbox at %s", _sandbox_handle.url)
        return _sandbox_handle


def _setting(env: Mapping[str, str], secrets: Mapping | None, env_name: str, secret_name: str) -> str:
    value = env.get(env_name)
    if not value and secrets is not None:
        try:  # st.secrets raises when no secrets file exists
            value = secrets.get(secret_name)
        except Exception:  # unreadable optional config counts as not set
            value = None
    return str(value).strip() if value else ""


def resolve_platform(env: Mapping[str, str] = os.environ, secrets: Mapping | None = None) -> Platform:
    sender_id = _setting(env, secrets, ENV_SENDER_ID, SECRET_SENDER_ID)
    sender_password = _setting(env, secrets, ENV_SENDER_PASSWORD, SECRET_SENDER_PASSWORD)
    endpoint = _setting(env, secrets, ENV_ENDPOINT, SECRET_ENDPOINT)
    if not (sender_id or sender_password or endpoint):
        handle = _shared_sandbox()
        return Platform(SANDBOX_SENDER_ID, Secret(SANDBOX_SENDER_PASSWORD), handle.url, True, handle)
    missing = [
        name
        for name, value in ((ENV_SENDER_ID, sender_id), (ENV_SENDER_PASSWORD, sender_password))
        if not value
    ]
    if missing:
        raise PlatformConfigError(
            "The Intacct sender configuration is incomplete: set "
            + " and ".join(missing)
            + " (or the matching intacct_* entries in the secrets file), or remove all INTACCT_* settings "
            "to use the built-in sandbox."
        )
    endpoint = endpoint or intacct.DEFAULT_ENDPOINT
    try:
        # The client validates endpoints (https, or http on loopback only); building one costs no I/O.
        intacct.IntacctClient(sender_id, sender_password, endpoint=endpoint).close()
    except ValueError:
        raise PlatformConfigError(
            f"{ENV_ENDPOINT} must be an https URL (plain http is accepted only for this machine)."
        ) from None
    return Platform(sender_id, Secret(sender_password), endpoint, False)
