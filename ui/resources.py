"""The long-lived objects every page needs: the progress store, the password vault and the platform.

Each is built once per process and setting (st.cache_resource), keyed on the paths and settings it
depends on, so tests that point ROUTABLE_DB_PATH or ROUTABLE_DATA_DIR at a temporary folder get their
own objects instead of someone else's.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from onboarding.access_mode import AccessMode, resolve_access_mode
from onboarding.invite import ENV_INVITE_KEY, HeldLinks, InviteBook, load_signing_key
from onboarding.people import People
from onboarding.platform import (
    ENV_ENDPOINT,
    ENV_SENDER_ID,
    ENV_SENDER_PASSWORD,
    Platform,
    resolve_platform,
)
from onboarding.store import Store
from onboarding.vault import ENV_KEY, KEY_FILE_NAME, Vault

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


# The key material is part of the cache key only through a hash of the environment variable and the
# key file's identity (inode, size, change time), so a changed key, or a rotation that rewrote the key
# file while the app runs, yields a fresh vault on the next page run: no restart needed.
@st.cache_resource(show_spinner=False, max_entries=4)
def _vault(directory: str, key_fingerprint: int, key_file: tuple[int, int, int] | None) -> Vault:
    return Vault.load(directory, os.environ, _secrets())


def _key_file_identity(directory: Path) -> tuple[int, int, int] | None:
    try:
        found = (directory / KEY_FILE_NAME).stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


@st.cache_resource(show_spinner=False)
def _platform(settings: tuple[str, str, int]) -> Platform:
    return resolve_platform(os.environ, _secrets())


def get_store() -> Store:
    return _store(str(db_path()))


def get_vault() -> Vault:
    directory = data_dir()
    return _vault(str(directory), hash(os.environ.get(ENV_KEY, "")), _key_file_identity(directory))


def get_platform() -> Platform:
    settings = (
        os.environ.get(ENV_SENDER_ID, ""),
        os.environ.get(ENV_ENDPOINT, ""),
        hash(os.environ.get(ENV_SENDER_PASSWORD, "")),
    )
    return _platform(settings)


@st.cache_resource(show_spinner=False)
def _invite_book(path: str, directory: str, key_fingerprint: int) -> InviteBook:
    return InviteBook(_store(path), load_signing_key(directory, os.environ, _secrets()))


def get_invite_book() -> InviteBook:
    return _invite_book(str(db_path()), str(data_dir()), hash(os.environ.get(ENV_INVITE_KEY, "")))


@st.cache_resource(show_spinner=False)
def _held_links(path: str) -> HeldLinks:
    return HeldLinks(_store(path))


def get_held_links() -> HeldLinks:
    return _held_links(str(db_path()))


@st.cache_resource(show_spinner=False)
def _people(path: str) -> People:
    return People(_store(path))


def get_people() -> People:
    return _people(str(db_path()))


def get_access_mode() -> AccessMode:
    """The configured access mode; AccessModeError (with its fix) when the setting is not one we know."""
    return resolve_access_mode(os.environ, _secrets())
