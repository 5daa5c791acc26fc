"""Per-company concurrency accounting and the counters tests read."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stats:
    """A consistent snapshot of the sandbox's counters."""

    requests: int = 0
    rate_limited: int = 0
    max_in_flight: dict[str, int] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    functions: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    # CPU seconds this process has used (every thread). Meaningful as the sandbox's own when it runs in a
    # process of its own (``python -m intacct.sandbox``); in-process it includes the caller's work.
    cpu_s: float = 0.0

    def as_json(self) -> dict:
        return {
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "functions": dict(self.functions),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "cpu_s": self.cpu_s,
        }


class Traffic:
    """Admits at most `limit` simultaneous requests per company and counts what happens."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.limit = limit
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._requests = 0
        self._rate_limited = 0
        self._in_flight: Counter = Counter()
        self._max_in_flight: dict[str, int] = {}
        self._functions: Counter = Counter()
        self._faults: Counter = Counter()
        self._statuses: Counter = Counter()

    def try_enter(self, company: str) -> bool:
        with self._lock:
            if self._in_flight[company] >= self.limit:
                return False
            self._in_flight[company] += 1
            self._max_in_flight[company] = max(self._max_in_flight.get(company, 0), self._in_flight[company])
            return True

    def leave(self, company: str) -> None:
        with self._lock:
            self._in_flight[company] -= 1
            if self._in_flight[company] <= 0:
                del self._in_flight[company]

    def count_request(self) -> None:
        with self._lock:
            self._requests += 1

    def count_reply(self, status: int, fault: str = "") -> None:
        with self._lock:
            self._statuses[status] += 1
            if status == 429:
                self._rate_limited += 1
            if fault:
                self._faults[fault] += 1

    def count_functions(self, names: list[str]) -> None:
        with self._lock:
            self._functions.update(names)

    def snapshot(self) -> Stats:
        with self._lock:
            return Stats(
                requests=self._requests,
                rate_limited=self._rate_limited,
                max_in_flight=dict(self._max_in_flight),
                in_flight=dict(self._in_flight),
                functions=Counter(self._functions),
                faults=Counter(self._faults),
                statuses=Counter(self._statuses),
                cpu_s=time.process_time(),
            )

    def reset(self) -> None:
        """Zero every counter (requests still in flight keep their slots)."""
        with self._lock:
            in_flight = self._in_flight
            self._reset()
            self._in_flight = in_flight
