"""Background syncs, one per workspace at a time: a plain thread runs the sync and keeps its progress in
a lock-guarded object that pages poll. Nothing here touches Streamlit: a worker thread must never call
it, and a page must never wait for a sync.

    job = start_sync(store, vault, platform, ws_id, data_dir)
    job.snapshot()   # status, latest progress, report, advice when something failed
    job.cancel()

The registry lives at module level so every browser session of the process sees the same jobs: opening
the Sync page in a second tab shows the sync already running instead of starting another.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import intacct
import intacct.sync
from intacct import errors
from intacct.storage_faults import BUSY as STORAGE_BUSY
from intacct.storage_faults import DAMAGED, FULL, describe, storage_fault
from onboarding import gateway_slots, progress
from onboarding.access import Action
from onboarding.connection import NotConnectedError, open_session
from onboarding.diagnosis import Diagnosis, diagnose
from onboarding.identity import Identity
from onboarding.platform import Platform
from onboarding.scoped_store import ScopedStore, require_on
from onboarding.steps import SENDER_ID
from onboarding.store import Store
from onboarding.vault import Vault

log = logging.getLogger(__name__)

# A job is running until it ends with one of the sync's own statuses (intacct.sync.SyncStatus).
RUNNING = intacct.sync.SyncStatus.RUNNING
COMPLETED = intacct.sync.SyncStatus.COMPLETED
PARTIAL = intacct.sync.SyncStatus.PARTIAL
FAILED = intacct.sync.SyncStatus.FAILED
CANCELLED = intacct.sync.SyncStatus.CANCELLED
BUSY = "busy"  # another process (the CLI, another app) is syncing this workspace's file: nothing done

_UNEXPECTED = (
    "The sync stopped because of an unexpected problem on our side. Start it again; what was already "
    "copied is kept. If it happens again, contact Routable support."
)


def sync_db_path(data_dir: str | Path, ws_id: int) -> Path:
    """The workspace's own SQLite file for synced Intacct data (kept apart from the app's database)."""
    return Path(data_dir) / f"intacct-{int(ws_id)}.db"


def synced_database(store: Store | ScopedStore, data_dir: str | Path, ws_id: int) -> Path:
    """The workspace's synced-data file, for whoever may see the workspace (its status, history, rows).

    Pages ask for it here rather than building the path, so reading synced data asks onboarding.access
    like every other read.
    """
    require_on(store, Action.VIEW, ws_id)
    return sync_db_path(data_dir, ws_id)


@dataclass(frozen=True)
class JobSnapshot:
    """A consistent view of a job at one instant, safe to read from any thread."""

    ws_id: int
    status: str  # running | completed | partial | failed | cancelled | busy
    started_at: datetime
    ended_at: datetime | None
    progress: intacct.sync.Progress | None
    report: intacct.sync.SyncReport | None
    message: str | None  # what went wrong, in our words, when the whole sync failed
    advice: dict[str, Diagnosis] = field(default_factory=dict)  # object (or "run") -> what to do
    cancel_requested: bool = False

    @property
    def running(self) -> bool:
        return self.status == RUNNING


class SyncJob:
    """One sync of one workspace, running in its own thread."""

    def __init__(
        self,
        ws_id: int,
        db_path: str | Path,
        open_session: Callable[[], intacct.Session],
        *,
        full: bool = False,
        objects: Iterable[str] = intacct.sync.DEFAULT_OBJECTS,
        concurrency: int = 2,
        on_finish: Callable[[JobSnapshot], None] | None = None,
        sender_id: str = SENDER_ID,
    ) -> None:
        self.ws_id = ws_id
        self._sender_id = sender_id  # named in advice when Intacct refuses our sender
        self.db_path = Path(db_path)
        self._open_session = open_session
        self._full = full
        self._objects = tuple(objects)
        self._concurrency = concurrency
        self._on_finish = on_finish
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._status = RUNNING
        self._started_at = datetime.now(UTC)
        self._ended_at: datetime | None = None
        self._progress: intacct.sync.Progress | None = None
        self._report: intacct.sync.SyncReport | None = None
        self._message: str | None = None
        self._advice: dict[str, Diagnosis] = {}
        self._thread = threading.Thread(target=self._run, name=f"sync-ws-{ws_id}", daemon=True)

    def start(self) -> SyncJob:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            return JobSnapshot(
                ws_id=self.ws_id,
                status=self._status,
                started_at=self._started_at,
                ended_at=self._ended_at,
                progress=self._progress,
                report=self._report,
                message=self._message,
                advice=dict(self._advice),
                cancel_requested=self._cancel.is_set(),
            )

    # ------------------------------------------------------------------------------ the thread

    def _set_progress(self, progress: intacct.sync.Progress) -> None:
        with self._lock:
            self._progress = progress

    def _run(self) -> None:
        status, message, advice, report = FAILED, None, {}, None
        try:
            session = self._open_session()
        except NotConnectedError as exc:
            message = str(exc)
        except errors.IntacctError as exc:
            advice["run"] = diagnose(exc, sender_id=self._sender_id)
            message = advice["run"].title
        except Exception:
            log.exception("could not open an Intacct session for workspace %s", self.ws_id)
            message = _UNEXPECTED
        else:
            try:
                with gateway_slots.syncing(session, self._concurrency):
                    report = intacct.sync.sync_objects(
                        session,
                        self.db_path,
                        self._objects,
                        concurrency=self._concurrency,
                        incremental=not self._full,
                        progress=self._set_progress,
                        cancel=self._cancel,
                    )
                status = report.status
                advice = _advice(report, self._sender_id)
                if report.exception is not None and "run" in advice:
                    message = advice["run"].title
            except intacct.sync.SyncAlreadyRunning as exc:
                status, message = BUSY, str(exc)
            except (sqlite3.Error, OSError) as exc:
                kind = storage_fault(exc)
                if kind is None:
                    log.exception("sync of workspace %s stopped by a file error", self.ws_id)
                    message = _UNEXPECTED
                else:
                    log.warning("sync database for workspace %s unusable (%s): %s", self.ws_id, kind, exc)
                    message = storage_message(kind, self.db_path)
            except Exception:
                log.exception("sync of workspace %s stopped unexpectedly", self.ws_id)
                message = _UNEXPECTED
            finally:
                session.client.close()
        final = JobSnapshot(
            ws_id=self.ws_id,
            status=status,
            started_at=self._started_at,
            ended_at=datetime.now(UTC),
            progress=self._progress,
            report=report,
            message=message,
            advice=advice,
            cancel_requested=self._cancel.is_set(),
        )
        # Recorded before the job shows as finished, so a page that sees it finished also sees the step.
        if self._on_finish is not None:
            try:
                self._on_finish(final)
            except Exception:
                log.exception("recording the end of the sync for workspace %s failed", self.ws_id)
        with self._lock:
            self._status = status
            self._message = message
            self._advice = advice
            self._report = report
            self._ended_at = final.ended_at


def storage_message(kind: str, db_path: Path) -> str:
    """What the user reads when the workspace's sync file cannot be used, and what to do about it."""
    name = db_path.name
    if kind == FULL:
        return (
            f"The disk holding the local copy of the Intacct data ({name}) is full, so the sync stopped. "
            "What was copied before is kept. Free some space on that disk, then start the sync again; "
            "it picks up where it stopped."
        )
    if kind == DAMAGED:
        return (
            f"The local copy of the Intacct data ({name}) is damaged, so Routable cannot read or add to it. "
            "Move it aside below and sync afresh: a full sync copies everything again, and the damaged "
            "file is kept next to it for support."
        )
    if kind == STORAGE_BUSY:
        return (
            f"Another program kept the local copy of the Intacct data ({name}) locked. Close anything "
            "else using that file, then start the sync again."
        )
    return (
        f"Routable could not write the local copy of the Intacct data ({name}): "
        + describe(kind, "that file")
        + ". Then start the sync again."
    )


def set_aside_damaged_copy(store: Store | ScopedStore, data_dir: str | Path, ws_id: int) -> Path:
    """Rename the workspace's sync file (and its -wal/-shm) out of the way; returns the new name.

    For whoever may start a sync (it is the first half of syncing afresh). Refuses (SyncAlreadyRunning)
    while a sync holds the file. The next sync starts a fresh file and copies everything; the old one
    stays, renamed, for support to look at.
    """
    require_on(store, Action.SYNC_START, ws_id)
    db_path = sync_db_path(data_dir, ws_id)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = db_path.with_name(f"{db_path.stem}.damaged-{stamp}{db_path.suffix}")
    with intacct.sync.sync_lock(db_path):
        for suffix in ("", "-wal", "-shm"):
            source = db_path.with_name(db_path.name + suffix)
            if source.exists():
                source.rename(aside.with_name(aside.name + suffix))
    log.warning("workspace %s: damaged sync file set aside as %s", ws_id, aside.name)
    return aside


def _advice(report: intacct.sync.SyncReport, sender_id: str) -> dict[str, Diagnosis]:
    out: dict[str, Diagnosis] = {}
    if isinstance(report.exception, errors.IntacctError):
        out["run"] = diagnose(report.exception, sender_id=sender_id)
    for name, item in report.objects.items():
        if isinstance(item.exception, errors.IntacctError) and "run" not in out:
            out[name] = diagnose(item.exception, sender_id=sender_id)
    return out


class SyncJobs:
    """The jobs of this process, at most one running per sync database (that is, per workspace).

    Jobs are keyed by their database file rather than the workspace number alone, so two app
    databases in one process (tests do this) never see each other's jobs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[Path, SyncJob] = {}

    def get(self, db_path: str | Path) -> SyncJob | None:
        with self._lock:
            return self._jobs.get(Path(db_path).resolve())

    def start(self, job: SyncJob) -> SyncJob:
        """Start ``job`` unless its database already has one running; returns the one that runs."""
        key = job.db_path.resolve()
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.snapshot().running:
                return current
            self._jobs[key] = job
        return job.start()


JOBS = SyncJobs()


def current_job(data_dir: str | Path, ws_id: int, registry: SyncJobs | None = None) -> SyncJob | None:
    """The workspace's running or last job in this process, if any."""
    return (registry or JOBS).get(sync_db_path(data_dir, ws_id))


def _review_mapping(store: Store, data_dir: str | Path, ws_id: int, actor: Identity) -> None:
    """A finished sync may bring accounts the mapping must hear about (see onboarding.mapping)."""
    from onboarding.mapping.repository import MappingStore  # the mapping reads this module's paths

    MappingStore(store, data_dir).review_after_sync(ws_id, actor)


def start_sync(
    store: Store | ScopedStore,
    vault: Vault,
    platform: Platform,
    ws_id: int,
    data_dir: str | Path,
    *,
    full: bool = False,
    actor: Identity,
    registry: SyncJobs = JOBS,
) -> SyncJob:
    """Start (or join) the workspace's sync; marks the Sync step done when every object synced."""
    require_on(store, Action.SYNC_START, ws_id)

    def finished(snapshot: JobSnapshot) -> None:
        report = snapshot.report
        if snapshot.status == BUSY:
            # Not a failure of this workspace's set-up: the step keeps its state.
            note = "Sync not started: another sync of this company was running."
            store.record_event(ws_id, "sync", note, actor=actor)
            return
        if snapshot.status == COMPLETED and report is None:
            return  # cannot happen: a completed job always has its report
        failed = [n for n, o in (report.objects.items() if report else ()) if o.status == FAILED]
        store.apply(
            ws_id,
            lambda now: progress.sync_finished(
                now,
                status=snapshot.status,
                fetched=report.fetched if report else 0,
                wall_s=report.wall_s if report else 0.0,
                failed_objects=failed,
                problem=snapshot.message,
                actor=actor,
            ),
        )
        if snapshot.status == COMPLETED:
            _review_mapping(store, data_dir, ws_id, actor)

    job = SyncJob(
        ws_id,
        sync_db_path(data_dir, ws_id),
        lambda: open_session(store, vault, platform, ws_id),
        full=full,
        on_finish=finished,
        sender_id=platform.sender_id,
    )
    started = registry.start(job)
    if started is job:
        store.record_event(ws_id, "sync", "Full sync started." if full else "Sync started.", actor=actor)
    return started


def stop_sync(
    store: Store | ScopedStore, data_dir: str | Path, ws_id: int, registry: SyncJobs | None = None
) -> bool:
    """Ask the workspace's running sync to stop; False when none is running."""
    require_on(store, Action.SYNC_START, ws_id)
    job = current_job(data_dir, ws_id, registry)
    if job is None or not job.snapshot().running:
        return False
    job.cancel()
    return True
