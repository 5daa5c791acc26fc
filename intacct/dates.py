"""Reading the timestamps the gateway, the sync's files and the app's database hold: one parser."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(value: str | None, *, assume_utc: bool = False) -> datetime | None:
    """An ISO 8601 timestamp, or None when there is none or it cannot be read.

    ``assume_utc``: a timestamp written without an offset is in UTC (the sync's own files write UTC).
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if assume_utc and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
