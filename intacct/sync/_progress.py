"""Progress snapshots for a running sync: per object and overall done/total, rate and ETA.

Totals come from the gateway's ``totalcount`` on each object's first page, so an object's total is
unknown (None) until that page arrives; the sync asks for every object's first page early so that the
overall figures settle within the first few requests.

The figures are meant to be shown to people as they are, so they keep three promises:
- the overall share is only given once every total is known (``determinate``); until then there is
  a count of records so far and no percentage;
- the overall share never goes down from one snapshot to the next, even when a total grows;
- a run that ends early (stopped, failed) reports the real share it reached, not 100 %.
An incremental object reads only what changed: its ``done``/``total`` count changed records, and
``checked`` counts the record IDs compared while looking for deletions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    """Where one object of a running sync stands; the words progress reports and the pages show."""

    QUEUED = "queued"
    FETCHING = "fetching"
    CHECKING = "checking deletions"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


# The members under their own names, as the engine and the CLI use them.
QUEUED, FETCHING, CHECKING, DONE, FAILED, CANCELLED = Phase

_ENDED = (DONE, FAILED, CANCELLED)


@dataclass(frozen=True)
class ObjectProgress:
    object: str
    phase: str
    done: int
    total: int | None
    rate: float  # records per second in this run
    eta_s: float | None
    error: str | None = None
    mode: str = "full"  # "incremental": done/total count changed records only
    changed: int = 0  # records new or changed in Routable's copy, in this run
    removed: int = 0  # records found deleted in Intacct, in this run
    checked: int = 0  # record IDs compared with Intacct's while looking for deletions

    @property
    def fraction(self) -> float:
        if self.phase == DONE:
            return 1.0
        if not self.total:
            return 0.0
        return min(1.0, self.done / self.total)

    @property
    def ended(self) -> bool:
        return self.phase in _ENDED


@dataclass(frozen=True)
class Progress:
    objects: tuple[ObjectProgress, ...]
    done: int
    total: int | None  # None while some object's total is still unknown
    rate: float
    eta_s: float | None
    elapsed_s: float
    fraction: float  # 0..1 for an overall bar; meaningful only when `determinate`
    finished: bool = False
    # False while some object's size is still unknown: show a count, not a share.
    determinate: bool = True
    # Every object is incremental: the share counts objects checked, not records.
    incremental: bool = False

    @property
    def complete(self) -> bool:
        """Finished with every object done (a stopped or failed run is finished, not complete)."""
        return self.finished and all(item.phase == DONE for item in self.objects)

    @property
    def objects_ended(self) -> int:
        return sum(1 for item in self.objects if item.ended)

    @property
    def changed(self) -> int:
        return sum(item.changed for item in self.objects)

    def object(self, name: str) -> ObjectProgress:
        for item in self.objects:
            if item.object == name:
                return item
        raise KeyError(name)


class _Counter:
    __slots__ = ("phase", "done", "total", "fetched", "started", "error", "mode", "changed", "removed",
                 "checked")

    def __init__(self, done: int, total: int | None) -> None:
        self.phase = QUEUED
        self.done = done
        self.total = total
        self.fetched = 0  # in this run, for the rate
        self.started: float | None = None
        self.error: str | None = None
        self.mode = "full"
        self.changed = 0
        self.removed = 0
        self.checked = 0


class ProgressTracker:
    """Owned by the run's coordinator thread; ``snapshot()`` builds the immutable view callbacks get."""

    def __init__(self, objects: list[str], clock=time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._counters = {name: _Counter(0, None) for name in objects}
        self._shown = 0.0  # the highest overall share reported so far

    def set_mode(self, name: str, mode: str) -> None:
        self._counters[name].mode = mode

    def add_changes(self, name: str, changed: int, removed: int = 0) -> None:
        counter = self._counters[name]
        counter.changed += changed
        counter.removed += removed

    def add_checked(self, name: str, n: int) -> None:
        """Record IDs compared while looking for deletions: work done, but not records copied."""
        counter = self._counters[name]
        if counter.started is None:
            counter.started = self._clock()
        counter.checked += n

    def resume(self, name: str, done: int, total: int | None) -> None:
        counter = self._counters[name]
        counter.done, counter.total = done, total

    def set_phase(self, name: str, phase: str, error: str | None = None) -> None:
        counter = self._counters[name]
        counter.phase = phase
        if error is not None:
            counter.error = error
        if phase in (FETCHING, CHECKING) and counter.started is None:
            counter.started = self._clock()

    def add_total(self, name: str, extra: int) -> None:
        counter = self._counters[name]
        counter.total = (counter.total or 0) + extra

    def set_total(self, name: str, total: int) -> None:
        self._counters[name].total = total

    def add_done(self, name: str, n: int) -> None:
        counter = self._counters[name]
        if counter.started is None:
            counter.started = self._clock()
        counter.done += n
        counter.fetched += n
        if counter.total is not None and counter.done > counter.total:
            counter.total = counter.done  # records created while we were syncing

    def snapshot(self, finished: bool = False) -> Progress:
        now = self._clock()
        elapsed = max(now - self._start, 1e-9)
        counters = self._counters.values()
        items = []
        for name, c in self._counters.items():
            running_for = max(now - c.started, 1e-9) if c.started is not None else 0.0
            rate = c.fetched / running_for if running_for else 0.0
            eta = None
            if c.phase in _ENDED:
                eta = 0.0
            elif c.total is not None and rate > 0:
                eta = max(0, c.total - c.done) / rate
            items.append(
                ObjectProgress(
                    name, c.phase, c.done, c.total, rate, eta, c.error, c.mode, c.changed, c.removed,
                    c.checked,
                )
            )
        done = sum(c.done for c in counters)
        # Every object counts, ended or not: leaving out a stopped one would claim its records were
        # never wanted ("27,126 of 1,126"). An object done before its total arrived has total = done.
        totals = [c.total if c.total is not None or c.phase != DONE else c.done for c in counters]
        total = None if any(t is None for t in totals) else sum(totals)
        incremental = bool(self._counters) and all(c.mode == "incremental" for c in counters)
        complete = finished and all(c.phase == DONE for c in counters)
        if complete or not self._counters:
            fraction, determinate = 1.0, True
        elif incremental:
            # Changes are few and their number unknown until read: count objects checked instead.
            fraction, determinate = sum(1 for c in counters if c.phase == DONE) / len(self._counters), True
        elif total:
            fraction, determinate = min(1.0, done / total), True
        else:
            fraction, determinate = 0.0, total is not None
        if determinate:
            fraction = max(fraction, self._shown)
            self._shown = fraction
        rate = sum(c.fetched for c in counters) / elapsed
        eta = None
        if finished:
            eta = 0.0
        elif total is not None and rate > 0:
            remaining = sum(max(0, (c.total or 0) - c.done) for c in counters if c.phase not in _ENDED)
            eta = remaining / rate
        return Progress(
            tuple(items), done, total, rate, eta, elapsed, fraction, finished, determinate, incremental
        )
