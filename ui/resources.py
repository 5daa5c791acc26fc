"""The long-lived objects every page needs: the progress store, the password vault and the platform.

Each is built once per process and setting (st.cache_resource), keyed on the paths and settings it
depends on, so tests that point ROUTABLE_DB_PATH or ROUTABLE_DATA_DIR at a temporary folder get their
own objects instead of someone else's.
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from onboarding.platform import (
    ENV_ENDPOINT,
    ENV_SENDER_ID,
    ENV_SENDER_PASSWORD,
    Platform,
    resolve_platform,
)
from onboarding.store import Store
from onboarding.vault import ENV_KEY, Vault

log = logging.getLogger(__name__)

# Re-exported: pages and tests import these from here.
from onboarding.paths import (  # noqa: E402, F401
    DB_FILE_NAME,
    DEFAULT_DATA_DIR,
    ENV_DATA_DIR,
    ENV_DB_PATH,
    PROJECT_ROOT,
    data_dir,
    db_path,
)


def _secrets() -> object | None:
    """st.secrets, or None when no secrets file exists (reading a missing file raises)."""
    try:
        found = st.secrets.load_if_toml_exists()
    except Exception as exc:  # noqa: BLE001 - a broken secrets file means "no secrets", said in the log
        log.warning("ignoring .streamlit/secrets.toml, which could not be read (%s)", type(exc).__name__)
        return None
    return st.secrets if found else None


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


# The key material is part of the cache key only through its environment variable's presence and
# a hash, so a changed key in tests or a rotation yields a fresh vault.
@st.cache_resource(show_spinner=False)
def _vault(directory: str, key_fingerprint: int) -> Vault:
    return Vault.load(directory, os.environ, _secrets())


@st.cache_resource(show_spinner=False)
def _platform(settings: tuple[str, str, int]) -> Platform:
    return resolve_platform(os.environ, _secrets())


def get_store() -> Store:
    return _store(str(db_path()))


def get_vault() -> Vault:
    return _vault(str(data_dir()), hash(os.environ.get(ENV_KEY, "")))


def get_platform() -> Platform:
    settings = (
        os.environ.get(ENV_SENDER_ID, ""),
        os.environ.get(ENV_ENDPOINT, ""),
        hash(os.environ.get(ENV_SENDER_PASSWORD, "")),
    )
    return _platform(settings)
