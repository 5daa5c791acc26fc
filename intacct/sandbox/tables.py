"""One object's records in one company: generated base records plus the changes tests make on top.

Base records come from a *source* that can produce any record (or one field of it) from its RECORDNO, so
100,000 vendors cost almost nothing until they are read. Created and updated records are kept whole in a
small overlay; deleted ones are remembered by number.

What a request would otherwise recompute every time is kept until the table changes: the visible
RECORDNOs per entity, and each record's rendered text per reply shape (format, record tag and fields).
A sync reads the same records with the same fields over and over (full runs, retried pages, benchmarks):
rendering them once keeps the sandbox's CPU per page small at any data size, so a benchmark measures the
client, not the sandbox. A change to a record drops its rendered texts; any change drops the lists.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from .clock import format_timestamp
from .schema import BOOLEAN, ObjectDef


class RecordSource(Protocol):
    first_recno: int
    count: int

    def record(self, recno: int) -> dict[str, str]: ...

    def view(self, recno: int) -> dict[str, str]: ...

    def value(self, recno: int, field: str) -> str: ...


class ListSource:
    """Base records held as plain dicts (the small objects: hundreds of rows at most)."""

    def __init__(self, records: list[dict[str, str]], first_recno: int = 1) -> None:
        self._records = records
        self.first_recno = first_recno
        self.count = len(records)

    def record(self, recno: int) -> dict[str, str]:
        return dict(self._records[recno - self.first_recno])

    def view(self, recno: int) -> dict[str, str]:
        return self._records[recno - self.first_recno]

    def value(self, recno: int, field: str) -> str:
        return self._records[recno - self.first_recno].get(field, "")


def to_text(value: object) -> str:
    """How a Python value is stored: booleans as true/false, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Table:
    def __init__(self, object_def: ObjectDef, source: RecordSource) -> None:
        self.object_def = object_def
        self._source = source
        self._base_lo = source.first_recno
        self._base_hi = source.first_recno + source.count
        self._overlay: dict[int, dict[str, str]] = {}
        self._created: list[int] = []
        self._deleted: set[int] = set()
        self._next_recno = self._base_hi
        self._id_index: dict[str, int] | None = None
        self._lock = threading.RLock()
        # Bumped on every change, under the lock: a cache entry computed across a change is not kept.
        self._version = 0
        self._visible: dict[str, tuple[int, ...]] = {}
        self._rendered: dict[tuple, dict[int, bytes]] = {}
        # field -> (stored-key function, sorted [(key, recno)], recno -> key): see from_key().
        self._indexes: dict[str, tuple[Callable[[str], object], list, dict[int, object]]] = {}

    # -- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._lock:
            return self._base_hi - self._base_lo - len(self._deleted) + len(self._created)

    def recnos(self) -> list[int]:
        """Every live RECORDNO, ascending."""
        with self._lock:
            base = range(self._base_lo, self._base_hi)
            live = [r for r in base if r not in self._deleted] if self._deleted else list(base)
            live.extend(r for r in self._created if r not in self._deleted)
            return live

    def exists(self, recno: int) -> bool:
        with self._lock:
            if recno in self._deleted:
                return False
            return self._base_lo <= recno < self._base_hi or recno in self._overlay

    def get(self, recno: int, field: str) -> str:
        changed = self._overlay.get(recno)
        if changed is not None:
            return changed.get(field, "")
        return self._source.value(recno, field)

    def getter(self, field: str) -> Callable[[int], str]:
        """A fast one-field reader for scanning many records (filters, sorting, scoping)."""
        overlay = self._overlay
        source_value = self._source.value

        def read(recno: int) -> str:
            changed = overlay.get(recno)
            if changed is not None:
                return changed.get(field, "")
            return source_value(recno, field)

        return read

    def record(self, recno: int) -> dict[str, str]:
        """A copy of the record, safe to change."""
        changed = self._overlay.get(recno)
        if changed is not None:
            return dict(changed)
        return self._source.record(recno)

    def view(self, recno: int) -> dict[str, str]:
        """The record itself, for rendering only: callers must not change it (saves a copy per row)."""
        changed = self._overlay.get(recno)
        if changed is not None:
            return changed
        return self._source.view(recno)

    def find_id(self, value: str) -> int | None:
        """RECORDNO of the record whose ID field (VENDORID, ACCOUNTNO...) equals value."""
        with self._lock:
            if self._id_index is None:
                read = self.getter(self.object_def.id_field)
                index: dict[str, int] = {}
                for recno in self.recnos():
                    index.setdefault(read(recno), recno)
                self._id_index = index
            return self._id_index.get(value)

    # -- entity scoping --------------------------------------------------------------------------------

    def visible_recnos(self, entity: str) -> tuple[int, ...]:
        """What a user signed in at `entity` (empty: top level) sees: shared records plus the entity's own.

        Ascending; kept until the table next changes.
        """
        known = self._visible.get(entity)
        if known is not None:
            return known
        with self._lock:
            version = self._version
        found = tuple(self._visible_now(entity))
        with self._lock:
            if self._version == version:
                self._visible[entity] = found
        return found

    def _visible_now(self, entity: str) -> list[int]:
        recnos = self.recnos()
        scope_field = self.object_def.scope_field
        if not entity or not scope_field:
            return recnos
        read = self.getter(scope_field)
        if self.object_def.scope_shares_blank:
            return [r for r in recnos if read(r) in ("", entity)]
        return [r for r in recnos if read(r) == entity]

    def is_visible(self, recno: int, entity: str) -> bool:
        if not self.exists(recno):
            return False
        scope_field = self.object_def.scope_field
        if not entity or not scope_field:
            return True
        owner = self.get(recno, scope_field)
        return owner == entity or (owner == "" and self.object_def.scope_shares_blank)

    def rendered(
        self, shape: tuple, recnos: Sequence[int], render: Callable[[list[int]], list[bytes]]
    ) -> list[bytes]:
        """Each record's text in the reply shape ``shape``, rendering with ``render`` only what is not kept.

        ``render`` turns a list of RECORDNOs into one text per record; ``shape`` must name everything
        the text depends on besides the record itself (format, record tag, field list).
        """
        cache = self._rendered.get(shape)
        if cache is None:
            cache = self._rendered.setdefault(shape, {})
        get = cache.get
        texts = [get(r) for r in recnos]
        missing = [r for r, text in zip(recnos, texts, strict=True) if text is None]
        if not missing:
            return texts
        with self._lock:
            version = self._version
        fresh = dict(zip(missing, render(missing), strict=True))
        with self._lock:
            if self._version == version:
                cache.update(fresh)
        return [fresh[r] if text is None else text for r, text in zip(recnos, texts, strict=True)]

    def from_key(
        self, field: str, stored: Callable[[str], object], low: object, inclusive: bool
    ) -> list[int]:
        """Live RECORDNOs whose ``stored(value of field)`` is at least ``low`` (more, if not inclusive).

        Kept as a sorted index per field and patched record by record on every change, so an
        incremental sync's ``WHENMODIFIED >= mark`` costs the records it finds, not a scan of the table.
        NULLs (empty values) never match, as in any comparison. Unordered; the caller sorts.
        """
        with self._lock:
            index = self._indexes.get(field)
            if index is None or index[0] is not stored:
                read = self.getter(field)
                keyed = {r: k for r in self.recnos() if (k := stored(read(r))) is not None}
                index = (stored, sorted((k, r) for r, k in keyed.items()), keyed)
                self._indexes[field] = index
            ordered = index[1]
            start = bisect_left(ordered, (low,)) if inclusive else bisect_right(ordered, (low, float("inf")))
            return [recno for _key, recno in ordered[start:]]

    def _changed(self, recno: int | None = None) -> None:
        """Forget what depended on the old state (called with the lock held)."""
        self._version += 1
        self._visible = {}
        self._id_index = None
        if recno is None:
            self._indexes = {}
            return
        for cache in self._rendered.values():
            cache.pop(recno, None)
        live = self.exists(recno)
        for field, (stored, ordered, keyed) in self._indexes.items():
            old = keyed.pop(recno, None)
            if old is not None:
                del ordered[bisect_left(ordered, (old, recno))]
            new = stored(self.get(recno, field)) if live else None
            if new is not None:
                keyed[recno] = new
                insort(ordered, (new, recno))

    # -- changes ---------------------------------------------------------------------------------------

    def _checked(self, values: Mapping[str, object]) -> dict[str, str]:
        clean: dict[str, str] = {}
        for name, value in values.items():
            spec = self.object_def.field(name)
            if spec is None:
                raise ValueError(f"{self.object_def.name} has no field {name!r}")
            if spec.name == "RECORDNO":
                raise ValueError("RECORDNO is assigned by the sandbox and cannot be set")
            clean[spec.name] = to_text(value)
        return clean

    def create(self, values: Mapping[str, object], now: datetime) -> int:
        clean = self._checked(values)
        stamp = format_timestamp(now)
        record = {f.name: ("false" if f.datatype == BOOLEAN else "") for f in self.object_def.fields}
        if "STATUS" in record:
            record["STATUS"] = "active"
        record.update(clean)
        with self._lock:
            recno = self._next_recno
            self._next_recno += 1
            record["RECORDNO"] = str(recno)
            if not clean.get("WHENCREATED"):
                record["WHENCREATED"] = stamp
            record["WHENMODIFIED"] = stamp
            self._overlay[recno] = record
            self._created.append(recno)
            self._changed(recno)
        return recno

    def update(self, recno: int, values: Mapping[str, object], now: datetime) -> None:
        clean = self._checked(values)
        with self._lock:
            if not self.exists(recno):
                raise KeyError(f"{self.object_def.name} {recno} does not exist")
            record = self.record(recno)
            record.update(clean)
            record["WHENMODIFIED"] = format_timestamp(now)
            self._overlay[recno] = record
            self._changed(recno)

    def delete(self, recno: int) -> None:
        with self._lock:
            if not self.exists(recno):
                raise KeyError(f"{self.object_def.name} {recno} does not exist")
            self._deleted.add(recno)
            self._overlay.pop(recno, None)
            self._changed(recno)


def build_table(object_def: ObjectDef, records: Iterable[dict[str, str]]) -> Table:
    """A table over eagerly generated records, numbered from 1 in the given order."""
    rows = []
    for recno, values in enumerate(records, start=1):
        row = {f.name: ("false" if f.datatype == BOOLEAN else "") for f in object_def.fields}
        row.update(values)
        row["RECORDNO"] = str(recno)
        rows.append(row)
    return Table(object_def, ListSource(rows))
