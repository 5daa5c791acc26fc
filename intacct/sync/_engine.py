"""The sync engine: keeps every request slot the company allows busy until every object is copied.

How the work is cut up
    Each object is paged with ``query`` ordered by RECORDNO, ``RECORDNO > last`` (keyset paging, never
    offsets, so records changing mid-sync cannot shift pages and hide rows). The unit of work is a
    *chunk*, a RECORDNO range ``(lo, hi]``. An object starts as one open chunk. When a page says more
    than a page remains, the rest of its range is split into one chunk per expected page, guessing
    boundaries from the RECORDNO density of the page just read (or spreading evenly inside a known
    upper bound). Chunks are independent, so the workers fetch a large object's pages side by side; a
    guess that was off only costs a follow-up page, since a chunk keeps paging until it is empty.
    Pages inside a bounded chunk are asked for as JSON, a fraction of the work of XML on both sides;
    first pages and open-ended chunks stay XML for the counters they carry (see ``_page_format``).

Who does what
    ``concurrency`` request slots are shared by the worker threads. Workers fetch and parse pages and
    split chunks; the calling thread is the only writer: it applies each page and its checkpoint in one
    SQLite transaction, decides what comes after an object's pages (deletion check, completion) and
    reports progress. When the client can cap requests in flight itself, two extra workers parse while
    the slots are busy with the next requests.

What a run does per object
    full         every record; a page that covers ``(lo, hi]`` marks local rows missing from it deleted.
    incremental  records with WHENMODIFIED at or after the last high-water mark, minus an overlap (see
                 ``_since``), and the object's count, asked in the same request; when the counts differ,
                 deletions are found by bisection (see ``_bisect``).
    resume       an attempt interrupted before (killed, cancelled, failed) continues from its chunks.

Batching
    Where round trips, not data, are the cost, requests carry several functions: the first pages of
    objects expected to fit in one page, every part of an incremental start (changes and counts) and
    the range counts of a bisection. A page of an object larger than one page goes alone: the gateway
    runs a request's functions one after another, so big pages gain nothing from sharing a request.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import itemgetter
from pathlib import Path

from .. import F, Filter, PageRequest, Session, errors
from .._rows import rows_of
from ..dates import parse_iso
from ..storage_faults import describe, storage_fault
from . import _progress as P
from ._lock import sync_lock
from ._report import CANCELLED, COMPLETED, FAILED, PARTIAL, ObjectReport, SyncReport
from ._schema import DEFAULT_OBJECTS, MODIFIED_FIELD, ObjectSchema, schema
from ._store import COUNT, FETCH, SCAN, ChunkUpdate, SyncStore, field_signature, modified_key

log = logging.getLogger("intacct.sync")

PAGE_SIZE = 2000
# Re-read records modified this long before the last high-water mark: covers changes committed late
# and clocks that disagree by a little.
OVERLAP = timedelta(minutes=10)
# Most functions in one batched request; and how many ranges a bisection step counts at once.
MAX_BATCH = 32
BISECT_PARTS = 8
BISECT = "bisect"  # a task kind only: counts over RECORDNO ranges, never a stored phase

# Errors that mean the whole connection is unusable: no object can succeed.
_FATAL = (
    errors.LoginError,
    errors.SenderCredentialsError,
    errors.SenderNotAuthorizedError,
    errors.EntityError,
)
# Failures that say nothing about the object: after the client's own retries (the one retry layer) gave
# up on one, the object fails for this run and its chunk stays for the next run to resume.
_PASSING = (
    errors.TransportError,
    errors.ServerError,
    errors.ResponseParseError,
    errors.SessionExpiredError,
)

ProgressCallback = Callable[[P.Progress], None]


@dataclass(order=True)
class _Task:
    sort_key: tuple
    object: str = field(compare=False)
    kind: str = field(compare=False)  # fetch | scan | count
    chunk_id: int = field(compare=False)
    lo: int | None = field(compare=False)
    hi: int | None = field(compare=False)
    first: bool = field(compare=False)  # first page of an attempt or scan: its totalcount is the size
    batchable: bool = field(default=False, compare=False)  # may share a request with other functions
    ranges: tuple[tuple[int | None, int | None, int], ...] = field(default=(), compare=False)  # bisect


@dataclass
class _PageDone:
    task: _Task
    rows: list[tuple]
    covered: tuple[int | None, int | None] | None
    update: ChunkUpdate
    total_count: int
    children: int  # chunks opened by this page
    high_water_key: str | None = None


@dataclass
class _CountDone:
    task: _Task
    remote: int


@dataclass
class _BisectDone:
    task: _Task
    counted: list[tuple[int | None, int | None, int, int]]  # (lo, hi, local, remote)


@dataclass
class _TaskFailed:
    task: _Task
    error: errors.IntacctError


@dataclass
class _Plan:
    """An object's attempt as the coordinator tracks it."""

    schema: ObjectSchema
    index: int
    report: ObjectReport
    mode: str
    since: datetime | None
    phase: str = FETCH
    expected_size: int = 0
    open_chunks: int = 0
    failed: bool = False
    finished: bool = False
    # Incremental: the count asked beside the first page of changes, kept until the changes are in.
    remote_count: int | None = None
    count_pending: bool = False


def sync_objects(
    session: Session,
    db_path: str | Path,
    objects: Iterable[str] = DEFAULT_OBJECTS,
    *,
    concurrency: int = 2,
    incremental: bool = True,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> SyncReport:
    """Copy Intacct objects into the SQLite file at ``db_path``, one table per object.

    ``concurrency`` is the number of requests in flight at once: the company's allowance (2 for most).
    ``incremental`` fetches only what changed since each object's last complete sync (objects never
    synced are fetched in full); ``False`` fetches everything again. ``progress`` is called from the
    calling thread with a ``Progress`` after every page. Setting ``cancel`` stops the run after the
    requests in flight; what was committed stays, and the next run resumes from there.

    Intacct errors never escape: they are in the report (per object, or ``report.error`` when the
    connection itself failed). Bad arguments raise ValueError; ``SyncAlreadyRunning`` means another
    sync (in any process) is writing the same file, and nothing was done.
    """
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError("concurrency must be a whole number of at least 1")
    if isinstance(objects, str):
        objects = [objects]
    schemas = [schema(name) for name in dict.fromkeys(o.upper() for o in objects)]
    with sync_lock(db_path):  # SyncAlreadyRunning when another process is writing this file
        run = _Run(session, SyncStore(db_path), schemas, concurrency, incremental, progress, cancel)
        return run.execute()


class _Run:
    def __init__(
        self,
        session: Session,
        store: SyncStore,
        schemas: list[ObjectSchema],
        concurrency: int,
        incremental: bool,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        self.session = session
        self.store = store
        self.schemas = schemas
        self.concurrency = concurrency
        self.incremental = incremental
        self.progress = progress
        self.cancel = cancel
        self.plans: dict[str, _Plan] = {}
        self.tracker = P.ProgressTracker([s.name for s in schemas])
        self.stop = threading.Event()
        self.cond = threading.Condition()
        self.heap: list[_Task] = []
        self.open = 0  # tasks queued, in flight or awaiting the writer
        self.seq = itertools.count()
        self.chunk_ids = itertools.count(store.max_chunk_id() + 1)
        self.results: queue.Queue = queue.Queue()
        self.fatal: errors.IntacctError | None = None
        self.slots: threading.BoundedSemaphore | None = None
        self.crash: BaseException | None = None
        self._progress_failed = False

    # ------------------------------------------------------------------------------ the run

    def execute(self) -> SyncReport:
        started = time.monotonic()
        stats = self.session.client.stats
        retries0, relogins0 = stats.retries, stats.relogins
        mode = "incremental" if self.incremental else "full"
        run_id = self.store.start_run(mode, [s.name for s in self.schemas])
        report = SyncReport(run_id)
        self.report = report
        workers: list[threading.Thread] = []
        try:
            for index, sch in enumerate(self.schemas):
                self._prepare(sch, index)
            self._emit()
            # The run's own cap on requests in flight (held only while a request is on the wire), so
            # extra workers parse while the slots are busy; the shared client is left as it is.
            self.slots = threading.BoundedSemaphore(self.concurrency)
            n_workers = self.concurrency + 2
            # The writer queue is bounded so memory stays flat when writing falls behind.
            self.results = queue.Queue(maxsize=n_workers)
            workers = [
                threading.Thread(target=self._worker, name=f"intacct-sync-{i}", daemon=True)
                for i in range(n_workers)
            ]
            for worker in workers:
                worker.start()
            self._coordinate(workers)
        except BaseException as exc:
            self.stop.set()
            self.crash = self.crash or exc
        finally:
            self.stop.set()
            for worker in workers:
                worker.join()
        report.wall_s = time.monotonic() - started
        report.retries = stats.retries - retries0
        report.relogins = stats.relogins - relogins0
        self._conclude(report)
        try:
            # The mode the run actually used: incremental only if some object was fetched that way.
            modes = {plan.mode for plan in self.plans.values()}
            self.store.finish_run(
                run_id,
                status=report.status,
                mode="incremental" if "incremental" in modes else "full",
                totals=report.totals(),
                details={name: o.as_dict() for name, o in report.objects.items()},
                error=report.error,
            )
        finally:
            self.store.close()
        self._emit(finished=True)
        log.info("%s", report.summary())
        if self.crash is not None and not isinstance(self.crash, errors.IntacctError):
            raise self.crash
        return report

    def _conclude(self, report: SyncReport) -> None:
        cancelled = self.cancel is not None and self.cancel.is_set()
        stopped_by = self.crash or self.fatal
        for plan in self.plans.values():
            if plan.finished or plan.failed:
                continue
            if stopped_by is not None:
                plan.report.status, plan.report.error = FAILED, _describe(stopped_by)
                plan.report.exception = stopped_by if isinstance(stopped_by, Exception) else None
                self.tracker.set_phase(plan.schema.name, P.FAILED, plan.report.error)
            else:
                plan.report.status = CANCELLED
                self.tracker.set_phase(plan.schema.name, P.CANCELLED)
        if self.crash is not None:
            report.status = FAILED
            report.error = _describe(self.crash)
        elif self.fatal is not None:
            report.status = FAILED
            report.error = str(self.fatal)
            report.exception = self.fatal
        elif any(p.failed for p in self.plans.values()):
            report.status = FAILED if all(p.failed for p in self.plans.values()) else PARTIAL
        elif cancelled and not all(p.finished for p in self.plans.values()):
            report.status = CANCELLED
        else:
            report.status = COMPLETED
        for name, plan in self.plans.items():
            if plan.report.status == CANCELLED:
                self.store.record_failure(name, CANCELLED, "The sync stopped before this object finished.")
            elif plan.report.status == FAILED and stopped_by is not None:
                self.store.record_failure(name, FAILED, plan.report.error or "")

    # ------------------------------------------------------------------------------ planning

    def _prepare(self, sch: ObjectSchema, index: int) -> None:
        self.store.ensure_table(sch)
        name = sch.name
        state = self.store.state(name)
        expected = self.store.local_count(sch) or sch.typical_size
        same_fields = state is not None and state.fields == field_signature(sch)
        synced_before = same_fields and state.last_synced_at is not None and state.high_water is not None
        report = ObjectReport(name)
        self.report.objects[name] = report
        resumable = (
            same_fields
            and state.phase is not None
            # A full run asked for explicitly does not continue an incremental attempt.
            and (self.incremental or state.mode == "full")
        )
        if resumable:
            plan = _Plan(
                sch, index, report, state.mode or "full", parse_iso(state.since), state.phase, expected
            )
            report.mode, report.resumed = plan.mode, True
            self.plans[name] = plan
            self.tracker.set_mode(name, plan.mode)
            self.tracker.resume(name, state.attempt_done, state.attempt_total)
            chunks = self.store.chunks(name)
            if plan.phase == COUNT:
                plan.open_chunks = 1
                self._push(self._task(plan, COUNT, 0, None, None, first=False))
            elif chunks:
                plan.open_chunks = len(chunks)
                for chunk in chunks:
                    first = chunk.lo is None and chunk.hi is None and state.attempt_total is None
                    self._push(self._task(plan, chunk.kind, chunk.id, chunk.lo, chunk.hi, first=first))
            else:
                self._advance(plan)  # killed between the last page and the next phase
            log.info("resuming %s (%s, %d chunks)", name, plan.mode, len(chunks))
            return
        if self.incremental and synced_before:
            mode, since = "incremental", _since(state.high_water, state.last_duration_s)
        else:
            mode, since = "full", None
        plan = _Plan(sch, index, report, mode, since, expected_size=expected)
        report.mode = mode
        self.plans[name] = plan
        self.tracker.set_mode(name, mode)
        chunk_id = next(self.chunk_ids)
        since_text = since.isoformat() if since else None
        self.store.begin_attempt(sch, mode=mode, since=since_text, chunk_id=chunk_id)
        plan.open_chunks = 1
        first = self._task(plan, FETCH, chunk_id, None, None, first=True)
        if mode == "incremental":
            # Changes are usually few: every object's first page of changes and its count go out together.
            first.batchable = True
            count = self._task(plan, COUNT, 0, None, None, first=False)
            plan.count_pending = True
            self._push(first, count)
        else:
            first.batchable = expected <= PAGE_SIZE
            self._push(first)

    def _task(self, plan: _Plan, kind: str, chunk_id: int, lo, hi, *, first: bool) -> _Task:
        # GL accounts (the first object) go before everything. Then every object's first page, so all
        # totals are known early, the biggest objects' first: a big object's first page tells how to
        # split the rest of it, and until it is back the small ones keep the other slots busy.
        # Then the remaining pages in object order, an object's open-ended chunk before its bounded ones:
        # it alone can turn up records beyond the planned ranges (more pages to plan), and it is read as
        # XML, the slowest page to parse, which is better not left for the very end.
        if plan.index == 0:
            key = (0, 0, plan.index)
        elif first:
            key = (1, -plan.expected_size, plan.index)
        else:
            key = (2, plan.index, 0 if hi is None else 1)
        return _Task(
            (*key, next(self.seq)), plan.schema.name, kind, chunk_id, lo, hi, first, batchable=kind == COUNT
        )

    def _push(self, *tasks: _Task, reserved: bool = False) -> None:
        with self.cond:
            for task in tasks:
                heapq.heappush(self.heap, task)
            if not reserved:
                self.open += len(tasks)
            self.cond.notify_all()

    # ------------------------------------------------------------------------------ workers

    def _worker(self) -> None:
        while True:
            with self.cond:
                while not self.heap and self.open > 0 and not self._stopping():
                    self.cond.wait(0.2)
                if self._stopping() or not self.heap:
                    return
                batch = self._take_batch()
            try:
                if len(batch) == 1 and batch[0].kind != BISECT:
                    self._perform(batch[0])
                else:
                    self._perform_batch(batch)
            except errors.IntacctError as exc:
                for task in batch:
                    self._on_error(task, exc)
            except BaseException as exc:  # a bug or a broken environment: stop the run, report it
                self.crash = self.crash or exc
                self.stop.set()
                return

    def _take_batch(self) -> list[_Task]:
        """The next task, and with it every waiting task that may share its request (lock held)."""
        task = heapq.heappop(self.heap)
        if not task.batchable:
            return [task]
        batch, others = [task], []
        functions = max(1, len(task.ranges))
        while self.heap:
            candidate = heapq.heappop(self.heap)
            size = max(1, len(candidate.ranges))
            if candidate.batchable and functions + size <= MAX_BATCH:
                batch.append(candidate)
                functions += size
            else:
                others.append(candidate)
        for other in others:
            heapq.heappush(self.heap, other)
        return batch

    def _perform_batch(self, batch: list[_Task]) -> None:
        """Several tasks in ONE request; a function that fails fails only its own task."""
        requests: list[PageRequest] = []
        for task in batch:
            requests.extend(self._page_requests(task))
        answers = iter(self.session.query_batch(requests, gate=self.slots))
        for task in batch:
            mine = [next(answers) for _ in range(max(1, len(task.ranges)))]
            failure = next((a for a in mine if isinstance(a, errors.IntacctError)), None)
            if failure is not None:
                self._on_error(task, failure)
            elif task.kind == BISECT:
                counted = [(lo, hi, local, page.total_count or 0) for (lo, hi, local), page in
                           zip(task.ranges, mine, strict=True)]  # fmt: skip
                self._deliver(_BisectDone(task, counted))
            elif task.kind == COUNT:
                self._deliver(_CountDone(task, mine[0].total_count or 0))
            else:
                self._finish(task, mine[0])

    def _page_requests(self, task: _Task) -> list[PageRequest]:
        if task.kind == BISECT:
            return [
                PageRequest(task.object, ["RECORDNO"], where=_where(lo, hi, None), page_size=1)
                for lo, hi, _local in task.ranges
            ]
        if task.kind == COUNT:
            return [PageRequest(task.object, ["RECORDNO"], page_size=1)]
        plan = self.plans[task.object]
        fetching = task.kind == FETCH
        since = plan.since if fetching and plan.mode == "incremental" else None
        return [
            PageRequest(
                task.object,
                page_fields(plan.schema, fetching),
                where=_where(task.lo, task.hi, since),
                order_by="RECORDNO",
                page_size=PAGE_SIZE,
            )
        ]

    def _stopping(self) -> bool:
        return self.stop.is_set() or (self.cancel is not None and self.cancel.is_set())

    def _perform(self, task: _Task) -> None:
        plan = self.plans[task.object]
        if task.kind == COUNT:
            self._deliver(_CountDone(task, self.session.count(task.object, gate=self.slots)))
            return
        sch = plan.schema
        fetching = task.kind == FETCH
        since = plan.since if fetching and plan.mode == "incremental" else None
        page = self.session.query_page(
            task.object,
            page_fields(sch, fetching),
            where=_where(task.lo, task.hi, since),
            order_by="RECORDNO",
            page_size=PAGE_SIZE,
            format=_page_format(task),
            gate=self.slots,
            as_rows=True,
        )
        self._finish(task, page)

    def _finish(self, task: _Task, page) -> None:
        """Turn a fetched page into rows and follow-up chunks, and hand it to the writer."""
        plan = self.plans[task.object]
        sch = plan.schema
        fetching = task.kind == FETCH
        since = plan.since if fetching and plan.mode == "incremental" else None
        high_water_key = None
        rows = page.rows if page.rows is not None else rows_of(page.records, page_fields(sch, fetching))
        if fetching:
            stamps = map(itemgetter(sch.data_fields.index(MODIFIED_FIELD) + 1), rows)
            high_water_key = max(filter(None, map(modified_key, stamps)), default=None)
        remaining, total_count = _remaining(page, rows, task.hi), page.total_count or 0
        del page  # only the rows go on; free the parsed records before perhaps waiting on the writer
        follow_ups: list[_Task] = []
        if remaining <= 0 or not rows:
            update = ChunkUpdate(task.chunk_id, None, None)
            covered = (task.lo, task.hi)
            if rows == [] and remaining > 0:
                # An empty page that claims more remain proves nothing; close the chunk, mark nothing.
                log.warning("%s: empty page with %d said to remain", task.object, remaining)
                covered = None
        else:
            ids = [r[0] for r in rows]
            last = max(ids)
            ranges = split_range(last, task.hi, remaining, min(ids), len(ids), PAGE_SIZE)
            children = [(next(self.chunk_ids), lo, hi) for lo, hi in ranges[1:]]
            update = ChunkUpdate(task.chunk_id, ranges[0][0], ranges[0][1], children)
            covered = (task.lo, last)
            follow_ups.append(self._task(plan, task.kind, task.chunk_id, *ranges[0], first=False))
            follow_ups.extend(
                self._task(plan, task.kind, cid, lo, hi, first=False) for cid, lo, hi in children
            )
        if since is not None:
            covered = None  # an incremental page holds only changed records: it proves no deletion
        done = _PageDone(task, rows, covered, update, total_count, len(update.children), high_water_key)
        with self.cond:
            # Counted before the writer sees the page, so the run cannot look finished in between.
            follow_ups = [] if plan.failed else follow_ups
            self.open += len(follow_ups)
        self._deliver(done)
        if follow_ups:
            self._push(*follow_ups, reserved=True)

    def _deliver(self, item: object) -> None:
        while True:
            try:
                self.results.put(item, timeout=0.2)
                return
            except queue.Full:
                if self.stop.is_set() and self.crash is not None:
                    return  # the writer is gone

    def _on_error(self, task: _Task, exc: errors.IntacctError) -> None:
        if isinstance(exc, _FATAL):
            self.fatal = self.fatal or exc
            self.stop.set()
            return
        if isinstance(exc, _PASSING) and self._stopping():
            # The run is ending (stopped, or failed elsewhere): a passing failure proves nothing about
            # this object, so its chunk stays in the file for the next run instead of failing it.
            return
        plan = self.plans[task.object]
        with self.cond:
            plan.failed = True
            kept = [t for t in self.heap if t.object != task.object]
            self.open -= len(self.heap) - len(kept)
            self.heap = kept
            heapq.heapify(self.heap)
        self._deliver(_TaskFailed(task, exc))

    # ------------------------------------------------------------------------------ the writer

    def _coordinate(self, workers: list[threading.Thread]) -> None:
        while True:
            if self.cancel is not None and self.cancel.is_set() and not self.stop.is_set():
                log.info("sync cancelled; finishing the requests in flight")
                self.stop.set()
            try:
                item = self.results.get(timeout=0.1)
            except queue.Empty:
                if not any(w.is_alive() for w in workers) and self.results.empty():
                    return
                continue
            self._apply(item)
            with self.cond:
                self.open -= 1
                finished = self.open == 0
                self.cond.notify_all()
            self._emit()
            if finished:
                return  # nothing queued, in flight or unwritten: the workers are leaving too

    def _apply(self, item: object) -> None:
        plan = self.plans[item.task.object]  # type: ignore[attr-defined]
        name = plan.schema.name
        if isinstance(item, _TaskFailed):
            plan.failed = True
            plan.report.status = FAILED
            plan.report.error = str(item.error)
            plan.report.exception = item.error
            self.store.record_failure(name, FAILED, str(item.error))
            self.tracker.set_phase(name, P.FAILED, str(item.error))
            log.warning("%s failed: %s", name, item.error)
            return
        plan.report.pages += 1
        if isinstance(item, _CountDone):
            self._after_count(plan, item.remote)
            return
        if isinstance(item, _BisectDone):
            plan.report.pages += len(item.counted) - 1  # one count query per range
            plan.open_chunks -= 1
            if not plan.failed:
                self._after_bisect(plan, item.counted)
            return
        assert isinstance(item, _PageDone)
        task = item.task
        total = None
        # A deletion scan's size counts IDs to compare, not records to copy: progress keeps it apart.
        if task.first and task.kind == FETCH:
            total = item.total_count
            self.tracker.set_total(name, total)
        if not plan.failed and not plan.finished:
            self.tracker.set_phase(name, P.FETCHING if task.kind == FETCH else P.CHECKING)
        outcome = self.store.apply_page(
            plan.schema,
            item.rows,
            covered=item.covered,
            update=item.update,
            ids_only=task.kind == SCAN,
            total=total,
            high_water_key=item.high_water_key,
        )
        if task.kind == FETCH:
            plan.report.fetched += len(item.rows)
        plan.report.inserted += outcome.inserted
        plan.report.updated += outcome.updated
        plan.report.deleted += outcome.deleted
        if task.kind == SCAN:
            self.tracker.add_checked(name, len(item.rows))
        else:
            self.tracker.add_done(name, len(item.rows))
        self.tracker.add_changes(name, outcome.inserted + outcome.updated, outcome.deleted)
        plan.open_chunks += item.children - (1 if item.update.next_lo is None else 0)
        if plan.open_chunks == 0 and not plan.failed:
            self._advance(plan)

    def _after_count(self, plan: _Plan, remote: int) -> None:
        plan.count_pending = False
        if plan.phase == FETCH:
            plan.remote_count = remote  # asked beside the changes; compared once they are all in
            return
        self._compare_counts(plan, remote)

    def _compare_counts(self, plan: _Plan, remote: int) -> None:
        local = self.store.local_count(plan.schema)
        if remote == local:
            plan.open_chunks = 0
            self._complete(plan)
            return
        # Some record we hold is gone (or new ones arrived meanwhile): narrow down where.
        log.info("%s: Intacct holds %d records, we hold %d; looking for deletions", plan.schema.name,
                 remote, local)  # fmt: skip
        chunk_id = next(self.chunk_ids)
        # Stored as a full scan: a run cut off during the search resumes it as one, which is exact.
        self.store.set_phase(plan.schema.name, SCAN, chunk_id)
        plan.phase, plan.open_chunks = SCAN, 0
        self.tracker.set_phase(plan.schema.name, P.CHECKING)
        self._after_bisect(plan, [(None, None, local, remote)])

    def _after_bisect(self, plan: _Plan, counted: list[tuple[int | None, int | None, int, int]]) -> None:
        """Deletions by bisection: where Intacct holds fewer records than we do, look closer.

        A range with equal counts has no deletion; one Intacct holds nothing in has lost every local
        record; one small enough for a page is scanned (RECORDNOs only); any other is cut into parts
        with equal local counts, all counted in one request. A handful of deletions costs a handful of
        requests at any size.
        """
        follow_ups: list[_Task] = []
        for lo, hi, local, remote in counted:
            if remote == local:
                continue
            if remote == 0:
                outcome = self.store.apply_page(
                    plan.schema, [], covered=(lo, hi), update=ChunkUpdate(0, None, None), ids_only=True
                )
                plan.report.deleted += outcome.deleted
                continue
            parts = self.store.local_parts(plan.schema, lo, hi, BISECT_PARTS)
            if remote <= PAGE_SIZE or len(parts) < 2:
                chunk_id = next(self.chunk_ids)
                self.store.add_chunk(plan.schema.name, SCAN, chunk_id, lo, hi)
                follow_ups.append(self._task(plan, SCAN, chunk_id, lo, hi, first=False))
            else:
                task = self._task(plan, BISECT, 0, lo, hi, first=False)
                task.batchable, task.ranges = True, tuple(parts)
                follow_ups.append(task)
        plan.open_chunks += len(follow_ups)
        if follow_ups:
            self._push(*follow_ups)
        if plan.open_chunks == 0:
            self._complete(plan)

    def _advance(self, plan: _Plan) -> None:
        """An object's pages are all in: check for deletions, or finish."""
        if plan.phase == FETCH and plan.mode == "incremental":
            plan.phase = COUNT
            self.store.set_phase(plan.schema.name, COUNT)
            self.tracker.set_phase(plan.schema.name, P.CHECKING)
            if plan.remote_count is not None:
                plan.open_chunks = 0
                self._compare_counts(plan, plan.remote_count)
                return
            plan.open_chunks = 1
            if not plan.count_pending:
                self._push(self._task(plan, COUNT, 0, None, None, first=False))
            return
        self._complete(plan)

    def _complete(self, plan: _Plan) -> None:
        self.store.complete_object(plan.schema)
        plan.finished = True
        plan.report.status = COMPLETED
        self.tracker.set_phase(plan.schema.name, P.DONE)

    def _emit(self, finished: bool = False) -> None:
        if self.progress is None:
            return
        try:
            self.progress(self.tracker.snapshot(finished=finished))
        except Exception:  # a broken display must not break the sync
            if not self._progress_failed:
                log.exception("progress callback failed; the sync goes on")
                self._progress_failed = True


# ---------------------------------------------------------------------------------- helpers


def split_range(
    last: int, hi: int | None, remaining: int, first: int, count: int, page_size: int
) -> list[tuple[int, int | None]]:
    """Cut ``(last, hi]``, which holds ``remaining`` records, into ranges of about one page each.

    With an upper bound the records are assumed evenly spread; without one, as dense as the page just
    read (``count`` records from ``first`` to ``last``). The last range stays open-ended so records
    beyond the guess are still fetched.
    """
    pieces = math.ceil(remaining / page_size)
    if pieces <= 1:
        return [(last, hi)]
    if hi is not None:
        width = (hi - last) / pieces
    else:
        density = (last - first) / (count - 1) if count > 1 else 1.0
        width = max(1.0, density) * page_size
    bounds: list[int] = []
    previous = last
    for j in range(1, pieces):
        bound = last + round(j * width)
        if hi is not None and bound >= hi:
            break
        if bound > previous:
            bounds.append(bound)
            previous = bound
    ranges: list[tuple[int, int | None]] = []
    low = last
    for bound in bounds:
        ranges.append((low, bound))
        low = bound
    ranges.append((low, hi))
    return ranges


def page_fields(sch: ObjectSchema, fetching: bool) -> tuple[str, ...]:
    """What a page asks for: every field to fetch records, RECORDNO alone to scan for deletions."""
    return sch.fields if fetching else ("RECORDNO",)


def _page_format(task: _Task) -> str:
    """JSON where the engine can do without the gateway's counters, XML where it needs them.

    JSON pages are a fraction of the work to produce and to read, but carry no totalcount and no
    numremaining. A first page needs totalcount (the object's size, for progress) and numremaining (how
    to split the rest); an open-ended chunk needs numremaining to see records beyond the last guessed
    boundary. Inside a bounded chunk the page itself says enough (see ``_remaining``).
    """
    return "xml" if task.first or task.hi is None else "json"


def _remaining(page, rows: list[tuple], hi: int | None) -> int:
    """Records left in the chunk after this page: the gateway's count, or what a JSON page implies.

    A page shorter than the page size, or one that reaches the chunk's upper bound, leaves nothing. A
    full page short of the bound leaves an unknown number; guess it from the density of this page, so a
    chunk that turned out much fuller than planned is split again rather than read page after page.
    """
    if page.num_remaining is not None:
        return page.num_remaining
    if len(rows) < PAGE_SIZE:
        return 0
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    if hi is None:
        return PAGE_SIZE  # unknown: at least one more page
    if last >= hi:
        return 0
    density = max(1.0, (last - first) / max(1, len(rows) - 1))
    return max(1, math.ceil((hi - last) / density))


def _where(lo: int | None, hi: int | None, since: datetime | None) -> Filter | None:
    parts: list[Filter] = []
    if lo is not None:
        parts.append(F("RECORDNO") > lo)
    if hi is not None:
        parts.append(F("RECORDNO") <= hi)
    if since is not None:
        parts.append(F(MODIFIED_FIELD) >= since)
    if not parts:
        return None
    where = parts[0]
    for part in parts[1:]:
        where = where & part
    return where


def _since(high_water: str | None, last_duration_s: float | None) -> datetime | None:
    """The WHENMODIFIED lower bound for an incremental attempt.

    A record changed while the last attempt ran may carry a stamp earlier than the highest one that
    attempt saw (it changed after its page was fetched), so the bound goes back by the attempt's length
    as well as the overlap.
    """
    mark = parse_iso(high_water)
    if mark is None:
        return None
    return mark - OVERLAP - timedelta(seconds=max(0.0, last_duration_s or 0.0))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, errors.IntacctError):
        return str(exc)
    kind = storage_fault(exc)
    if kind is not None:
        return describe(kind, "the local database")
    return f"Unexpected {type(exc).__name__} during the sync: {exc}"[:500]
