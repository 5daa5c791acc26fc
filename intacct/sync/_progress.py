"""Progress snapshots for a running sync: per object and overall done/total, rate and ETA.

Totals come from the gateway's ``totalcount`` on each object's first page, so an object's total is
unknown (None) until that page arrives; the sync asks for every object's first page early so that the
overall figures settle within the first few requests.
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
    fraction: float  # 0..1 for an overall bar
    finished: bool = False

    def object(self, name: str) -> ObjectProgress:
        for item in self.objects:
            if item.object == name:
                return item
        raise KeyError(name)


class _Counter:
    __slots__ = ("phase", "done", "total", "fetched", "started", "error")

    def __init__(self, done: int, total: int | None) -> None:
        self.phase = QUEUED
        self.done = done
        self.total = total
        self.fetched = 0  # in this run, for the rate
        self.started: float | None = None
        self.error: str | None = None


class ProgressTracker:
    """Owned by the run's coordinator thread; ``snapshot()`` builds the immutable view callbacks get."""

    def __init__(self, objects: list[str], clock=time.monotonic) -> None:
        self._clock = clock
        self._start = clock()
        self._counters = {name: _Counter(0, None) for name in objects}

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
        items = []
        for name, c in self._counters.items():
            running_for = max(now - c.started, 1e-9) if c.started is not None else 0.0
            rate = c.fetched / running_for if running_for else 0.0
            eta = None
            if c.phase in _ENDED:
                eta = 0.0
            elif c.total is not None and rate > 0:
                eta = max(0, c.total - c.done) / rate
            items.append(ObjectProgress(name, c.phase, c.done, c.total, rate, eta, c.error))
        done = sum(c.done for c in self._counters.values())
        live = [c for c in self._counters.values() if c.phase not in (FAILED, CANCELLED)]
        total = None if any(c.total is None for c in live) else sum(c.total or 0 for c in live)
        if finished or not live:
            fraction = 1.0
        elif total:
            fraction = min(1.0, sum(c.done for c in live) / total)
        else:
            # Sizes still unknown: each object weighs the same until they are known.
            fractions = [item.fraction for item in items if item.phase not in (FAILED, CANCELLED)]
            fraction = sum(fractions) / len(live)
        rate = sum(c.fetched for c in self._counters.values()) / elapsed
        eta = None
        if finished:
            eta = 0.0
        elif total is not None and rate > 0:
            remaining = sum(
                max(0, (c.total or 0) - c.done) for c in self._counters.values() if c.phase not in _ENDED
            )
            eta = remaining / rate
        return Progress(tuple(items), done, total, rate, eta, elapsed, fraction, finished)
