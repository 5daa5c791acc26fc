"""Where the app keeps its files: one answer for the pages and the command-line tools."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_DB_PATH = "ROUTABLE_DB_PATH"
ENV_DATA_DIR = "ROUTABLE_DATA_DIR"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DB_FILE_NAME = "onboarding.db"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR)


def db_path(env: Mapping[str, str] = os.environ) -> Path:
    configured = env.get(ENV_DB_PATH)
    return Path(configured) if configured else data_dir(env) / DB_FILE_NAME
