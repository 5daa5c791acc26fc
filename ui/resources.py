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

from intacct.private_files import private_dir
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

ENV_DB_PATH = "ROUTABLE_DB_PATH"
ENV_DATA_DIR = "ROUTABLE_DATA_DIR"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DB_FILE_NAME = "onboarding.db"


def data_dir() -> Path:
    """The app's data folder, created 0700 (and tightened to that if it was looser)."""
    folder = Path(os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR)
    try:
        return private_dir(folder, tighten=True)
    except OSError:  # opening the store or the vault there says what is wrong, in words
        return folder


def db_path() -> Path:
    configured = os.environ.get(ENV_DB_PATH)
    return Path(configured) if configured else data_dir() / DB_FILE_NAME


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
