"""The sandbox's notion of "now" for record timestamps, and the gateway's date formats.

Intacct stamps WHENMODIFIED with one-second resolution. Incremental syncs filter on
``WHENMODIFIED > last_seen``, so two changes in the same second must still get different stamps, or a sync
could miss the second one. The clock therefore never hands out the same second twice: when asked again
within a second it runs ahead of the wall clock by one second.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

TIMESTAMP_FORMAT = "%m/%d/%Y %H:%M:%S"
DATE_FORMAT = "%m/%d/%Y"


def format_timestamp(moment: datetime) -> str:
    return moment.strftime(TIMESTAMP_FORMAT)


def format_date(moment: datetime) -> str:
    return moment.strftime(DATE_FORMAT)


def iso_with_offset(moment: datetime) -> str:
    """Session stamps are ISO 8601 with an explicit offset, e.g. 2024-05-01T10:00:00+00:00."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def wall_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


class RecordClock:
    """Strictly increasing one-second timestamps for record changes (naive UTC)."""

    def __init__(self, not_before: datetime) -> None:
        self._last = not_before.replace(microsecond=0)
        self._lock = threading.Lock()

    def tick(self) -> datetime:
        """A timestamp later than every one handed out before."""
        with self._lock:
            now = wall_now()
            if now <= self._last:
                now = self._last + timedelta(seconds=1)
            self._last = now
            return now

    def peek(self) -> datetime:
        """The latest timestamp handed out, or the wall clock if that is later; does not advance."""
        with self._lock:
            return max(self._last, wall_now())
