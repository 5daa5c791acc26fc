"""Where the app keeps its files: one answer for the pages and the command-line tools."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from intacct.private_files import private_dir

ENV_DB_PATH = "ROUTABLE_DB_PATH"
ENV_DATA_DIR = "ROUTABLE_DATA_DIR"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DB_FILE_NAME = "onboarding.db"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The app's data folder, created 0700 (and tightened to that if it was looser)."""
    folder = Path(env.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR)
    try:
        return private_dir(folder, tighten=True)
    except OSError:  # opening the store or the vault there says what is wrong, in words
        return folder


def db_path(env: Mapping[str, str] = os.environ) -> Path:
    configured = env.get(ENV_DB_PATH)
    return Path(configured) if configured else data_dir(env) / DB_FILE_NAME
