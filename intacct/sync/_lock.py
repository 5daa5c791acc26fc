"""One sync per database at a time, across processes: the CLI, a scheduler and the app may all try.

The lock is an ``flock`` on a small file next to the database. The kernel drops it when its holder's
file is closed, which includes the process dying in any way (SIGKILL too), so a crashed sync never
leaves a stale lock behind. The file keeps the holder's start time and process id, to say who holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..dates import parse_iso
from ..private_files import private_file

LOCK_SUFFIX = "-sync.lock"


class SyncAlreadyRunning(RuntimeError):
    """Another sync is writing this database; ``since`` and ``pid`` say which, when known."""

    def __init__(self, db_path: Path, since: datetime | None, pid: int | None) -> None:
        self.db_path = db_path
        self.since = since
        self.pid = pid
        when = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if since else "a moment ago"
        by = f" (process {pid})" if pid else ""
        super().__init__(
            f"A sync of this company is already running since {when}{by}, writing {db_path.name}. "
            "Wait for it to finish (or stop it), then start this one again; it picks up what that one copied."
        )


def lock_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + LOCK_SUFFIX)


@contextlib.contextmanager
def sync_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the database's sync lock for the block, or raise SyncAlreadyRunning at once."""
    path = lock_path(db_path)
    fd = os.open(private_file(path), os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            since, pid = _holder(fd)
            raise SyncAlreadyRunning(Path(db_path), since, pid) from None
        holder = json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat()}).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder, 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> tuple[datetime | None, int | None]:
    try:
        found = json.loads(os.pread(fd, 4096, 0) or b"{}")
        since = parse_iso(found.get("since"))
        pid = int(found["pid"]) if found.get("pid") else None
        return since, pid
    except (ValueError, TypeError, KeyError, OSError):  # written half-way, or by someone else
        return None, None
