"""Files that hold customer data are readable by their owner only, from the moment they exist.

SQLite creates a database with the process umask (usually 0644) and gives its -wal, -shm and journal
files the database file's own mode. So creating the database file ourselves, 0600, before SQLite first
opens it keeps every companion file private too. Folders made for such files are 0700.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path, *, tighten: bool = False) -> Path:
    """Create the folder (and missing parents) 0700; ``tighten`` also restricts an existing one.

    Only pass ``tighten`` for a folder the app owns (its data folder): a database path the user chose
    may live in a shared folder whose mode is not ours to change.
    """
    folder = Path(path)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for created in reversed(missing):
        with contextlib.suppress(FileExistsError):
            created.mkdir(mode=DIR_MODE)
    if tighten:
        _restrict(folder, DIR_MODE)
    return folder


def private_file(path: str | Path) -> Path:
    """Make sure the file exists and is 0600 (a database about to be opened, a log about to be written)."""
    target = Path(path)
    private_dir(target.parent)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _restrict(target, FILE_MODE)
    else:
        os.close(fd)
    return target


def private_database(path: str | Path) -> Path:
    """Prepare a SQLite file: the file itself and any companion files left from before are 0600."""
    target = private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = target.with_name(target.name + suffix)
        if companion.exists():
            _restrict(companion, FILE_MODE)
    return target


def _restrict(path: Path, mode: int) -> None:
    try:
        found = path.lstat()
        # Never through a symlink or on a device: only the plain files and folders we keep.
        if not (stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode)):
            return
        current = stat.S_IMODE(found.st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)
            log.warning("%s was open to other users (mode %o); restricted it to its owner", path, current)
    except OSError:  # not ours to change (another owner, read-only mount): leave it as it is
        pass
