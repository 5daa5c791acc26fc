"""Copy Intacct objects into a local SQLite file: fast, resumable, observable.

report = intacct.sync.sync_objects(session, "intacct.db", progress=print)
intacct.sync.history("intacct.db")       # past runs, newest first
intacct.sync.last_synced("intacct.db")   # object -> when it last synced completely
intacct.sync.database_fault("intacct.db")  # None, or why the file cannot be read ("damaged", ...)

Each object lands in its own table (named after the object, keyed by RECORDNO, see ``SCHEMAS``). The
command line runs the same sync for large accounts and schedulers: ``python -m intacct.sync --help``.
One sync writes a file at a time, whichever process runs it: a second raises ``SyncAlreadyRunning``.
"""

from ._engine import OVERLAP, PAGE_SIZE, sync_objects
from ._history import ObjectStatus, SyncRun, database_fault, history, last_synced, object_status
from ._lock import SyncAlreadyRunning, sync_lock
from ._progress import ObjectProgress, Phase, Progress
from ._report import ObjectReport, SyncReport, SyncStatus
from ._runtime import tuned_for_sync
from ._schema import DEFAULT_OBJECTS, SCHEMAS, ObjectSchema, schema

__all__ = [
    "DEFAULT_OBJECTS",
    "OVERLAP",
    "PAGE_SIZE",
    "SCHEMAS",
    "ObjectProgress",
    "ObjectReport",
    "ObjectSchema",
    "ObjectStatus",
    "Phase",
    "Progress",
    "SyncAlreadyRunning",
    "SyncReport",
    "SyncRun",
    "SyncStatus",
    "database_fault",
    "history",
    "last_synced",
    "object_status",
    "schema",
    "sync_lock",
    "sync_objects",
    "tuned_for_sync",
]
