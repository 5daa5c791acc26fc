"""What a sync run did: per-object counts and the run's totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SyncStatus(StrEnum):
    """How a run (or one object of it) ended; the words the history, the CLI and the app all use."""

    COMPLETED = "completed"
    PARTIAL = "partial"  # some objects synced, some failed
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Only in the history: a run still going, and one that ended without recording how (killed).
    RUNNING = "running"
    INTERRUPTED = "interrupted"


# The ways a run ends, under their own names, as the engine and the CLI use them.
COMPLETED, PARTIAL, FAILED, CANCELLED = list(SyncStatus)[:4]


@dataclass
class ObjectReport:
    """One object's share of a run. ``fetched`` counts records received in this run only, so a resumed
    run shows what it had left to do, not what an earlier, interrupted run already committed."""

    object: str
    mode: str = "full"  # full | incremental
    status: str = "queued"  # queued | completed | failed | cancelled
    resumed: bool = False
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    pages: int = 0
    error: str | None = None
    # The Intacct error itself, for callers that turn it into advice; not stored in the history.
    exception: Exception | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "status": self.status,
            "resumed": self.resumed,
            "fetched": self.fetched,
            "inserted": self.inserted,
            "updated": self.updated,
            "deleted": self.deleted,
            "pages": self.pages,
            "error": self.error,
        }


@dataclass
class SyncReport:
    run_id: int
    status: str = COMPLETED
    objects: dict[str, ObjectReport] = field(default_factory=dict)
    retries: int = 0
    relogins: int = 0
    wall_s: float = 0.0
    error: str | None = None  # a failure that stopped the whole run
    exception: Exception | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == COMPLETED

    @property
    def fetched(self) -> int:
        return sum(o.fetched for o in self.objects.values())

    @property
    def inserted(self) -> int:
        return sum(o.inserted for o in self.objects.values())

    @property
    def updated(self) -> int:
        return sum(o.updated for o in self.objects.values())

    @property
    def deleted(self) -> int:
        return sum(o.deleted for o in self.objects.values())

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.objects.values())

    @property
    def errors(self) -> dict[str, str]:
        """Object (or ``"run"``) -> error text, for everything that went wrong."""
        out = {name: o.error for name, o in self.objects.items() if o.error}
        if self.error:
            out["run"] = self.error
        return out

    def totals(self) -> dict:
        return {
            "fetched": self.fetched,
            "inserted": self.inserted,
            "updated": self.updated,
            "deleted": self.deleted,
            "pages": self.pages,
            "retries": self.retries,
            "wall_s": round(self.wall_s, 3),
        }

    def summary(self) -> str:
        """One line, key=value, for logs and the CLI."""
        failed = [name for name, o in self.objects.items() if o.status == FAILED]
        line = (
            f"sync status={self.status} objects={len(self.objects)} fetched={self.fetched} "
            f"inserted={self.inserted} updated={self.updated} deleted={self.deleted} pages={self.pages} "
            f"retries={self.retries} wall_s={self.wall_s:.2f}"
        )
        if failed:
            line += f" failed={','.join(failed)}"
        return line
