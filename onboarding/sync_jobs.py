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
from onboarding import gateway_slots, progress
from onboarding.connection import NotConnectedError, open_session
from onboarding.diagnosis import Diagnosis, diagnose
from onboarding.identity import Identity
from onboarding.platform import Platform
from onboarding.steps import SENDER_ID
from onboarding.store import Store
from onboarding.vault import Vault

log = logging.getLogger(__name__)

# A job is running until it ends with one of the sync's own statuses (intacct.sync.SyncStatus).
RUNNING = "running"
COMPLETED = intacct.sync.SyncStatus.COMPLETED
PARTIAL = intacct.sync.SyncStatus.PARTIAL
FAILED = intacct.sync.SyncStatus.FAILED
CANCELLED = intacct.sync.SyncStatus.CANCELLED

_UNEXPECTED = (
    "The sync stopped because of an unexpected problem on our side. Start it again; what was already "
    "copied is kept. If it happens again, contact Routable support."
)


def sync_db_path(data_dir: str | Path, ws_id: int) -> Path:
    """The workspace's own SQLite file for synced Intacct data (kept apart from the app's database)."""
    return Path(data_dir) / f"intacct-{int(ws_id)}.db"


@dataclass(frozen=True)
class JobSnapshot:
    """A consistent view of a job at one instant, safe to read from any thread."""

    ws_id: int
    status: str  # running | completed | partial | failed | cancelled
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
                with gateway_slots.syncing(session):
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
            except sqlite3.DatabaseError as exc:
                log.warning("sync database for workspace %s unusable: %s", self.ws_id, exc)
                message = (
                    f"The local copy of the Intacct data ({self.db_path.name}) is damaged or in use by "
                    "another program. Close anything else using it and start the sync again; if it keeps "
                    "failing, delete that file and Routable will copy everything afresh."
                )
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


def start_sync(
    store: Store,
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

    def finished(snapshot: JobSnapshot) -> None:
        report = snapshot.report
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
