"""What went wrong with a local file, named for what it is: a full disk is not a damaged database.

``storage_fault(error)`` sorts an exception from SQLite or the file system into one of a few kinds the
callers word for their readers (the CLI on stderr, the app on a page); None means it is no storage
fault at all. SQLite's result code decides when there is one (Python 3.11 exposes it); the text is
only a fallback, for errors raised without it.
"""

from __future__ import annotations

import errno
import sqlite3

FULL = "full"  # no space left (or the quota is used up)
DAMAGED = "damaged"  # not a SQLite file, or one whose pages are corrupt
BUSY = "busy"  # another connection holds the lock longer than we wait
READ_ONLY = "read-only"  # the file, its folder or the whole file system may not be written
UNREACHABLE = "unreachable"  # cannot be opened or read: missing folder, permissions, I/O error

_SQLITE_CODES = {
    5: BUSY,  # SQLITE_BUSY
    6: BUSY,  # SQLITE_LOCKED
    8: READ_ONLY,  # SQLITE_READONLY
    10: UNREACHABLE,  # SQLITE_IOERR
    11: DAMAGED,  # SQLITE_CORRUPT
    13: FULL,  # SQLITE_FULL
    14: UNREACHABLE,  # SQLITE_CANTOPEN
    23: UNREACHABLE,  # SQLITE_AUTH
    26: DAMAGED,  # SQLITE_NOTADB
}
_SQLITE_TEXT = (
    ("database or disk is full", FULL),
    ("file is not a database", DAMAGED),
    ("malformed", DAMAGED),
    ("database is locked", BUSY),
    ("readonly database", READ_ONLY),
    ("unable to open database", UNREACHABLE),
    ("disk i/o error", UNREACHABLE),
)
_ERRNOS = {
    errno.ENOSPC: FULL,
    errno.EDQUOT: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: UNREACHABLE,
    errno.EPERM: UNREACHABLE,
    errno.ENOENT: UNREACHABLE,
    errno.ENOTDIR: UNREACHABLE,
    errno.EISDIR: UNREACHABLE,
    errno.EIO: UNREACHABLE,
}


def storage_fault(error: BaseException) -> str | None:
    """The kind of storage failure ``error`` is (FULL, DAMAGED, ...), or None if it is not one."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        text = str(error).lower()
        for fragment, kind in _SQLITE_TEXT:
            if fragment in text:
                return kind
        return UNREACHABLE if isinstance(error, sqlite3.OperationalError) else DAMAGED
    if isinstance(error, OSError) and error.errno in _ERRNOS:
        return _ERRNOS[error.errno]
    return None


def describe(kind: str, what: str) -> str:
    """A sentence for the reader about ``what`` (e.g. "the database /data/x.db"), without blame or jargon."""
    return {
        FULL: f"the disk holding {what} is full, so nothing more could be written; free some space "
        "and try again",
        DAMAGED: f"{what} is damaged (it is not a readable SQLite database)",
        BUSY: f"{what} is locked by another program that kept it busy too long; try again in a moment",
        READ_ONLY: f"{what} may not be written (a read-only file, folder or disk)",
        UNREACHABLE: f"{what} cannot be opened or read (check that its folder exists and that this "
        "user may read and write there)",
    }.get(kind, f"{what} could not be used")
