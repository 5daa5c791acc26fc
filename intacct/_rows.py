"""Query replies as rows: records as tuples in a caller's field order, ready to write.

A sync writes every record as one tuple ``(RECORDNO, *other fields)``. Building those tuples from
parsed records costs as much as the parsing: a 2,000-vendor JSON page is 40,000 values, first made into
2,000 dicts, then checked, then picked field by field. ``RowReader`` does all three in one pass inside
msgspec's decoder: the JSON array is decoded straight into typed records (every field text, RECORDNO an
integer, a missing field empty) and each becomes a tuple. A page that is not that plain shape (numbers
or booleans left bare, related objects nested) is read the general way instead, with the same result.

msgspec rather than orjson (used here before): orjson can only build dicts, and the dicts were the cost.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from operator import itemgetter

import msgspec

from . import errors

RECORDNO = "RECORDNO"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flat(record: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value if type(value) is str else _text(value)
    return out


_any_json = msgspec.json.Decoder()


def decode_records(body: bytes) -> list[dict[str, str]]:
    """A bare JSON array of records, shaped like the XML form: flat dotted keys, text values.

    Related objects may arrive nested (``{"DISPLAYCONTACT": {"EMAIL1": ...}}``), numbers and booleans
    bare; callers read them by dotted name as text, as the XML form gives them.
    """
    try:
        records = _any_json.decode(body)
    except msgspec.DecodeError:
        raise errors.ResponseParseError("The JSON reply is not well-formed.") from None
    if type(records) is not list or set(map(type, records)) - {dict}:
        raise errors.ResponseParseError("The JSON reply is not a list of records.")
    if set(map(type, itertools.chain.from_iterable(r.values() for r in records))) - {str}:
        for i, record in enumerate(records):
            if any(type(value) is not str for value in record.values()):
                records[i] = _flat(record)
    return records


def rows_of(records: Sequence[dict[str, str]], fields: Sequence[str]) -> list[tuple]:
    """``(RECORDNO, *other fields)`` per record, RECORDNO an integer; a field left out is empty.

    ``fields`` must start with RECORDNO.
    """
    others = _others(tuple(fields))
    if not others:
        return [(int(r[RECORDNO]),) for r in records]
    pick = itemgetter(*others)
    try:
        if len(others) > 1:
            return [(int(r[RECORDNO]), *pick(r)) for r in records]
        return [(int(r[RECORDNO]), pick(r)) for r in records]
    except KeyError:
        blanks = ("",) * len(others)
        return [(int(r[RECORDNO]), *map(r.get, others, blanks)) for r in records]


def _others(fields: tuple[str, ...]) -> tuple[str, ...]:
    if not fields or fields[0] != RECORDNO:
        raise ValueError("the field list must start with RECORDNO")
    return fields[1:]


class RowReader:
    """Reads a JSON query reply straight into rows for one field list (see the module docstring).

    Only a page of plain flat records takes the fast path: every asked field present, as text. A field
    absent, null, a bare number or nested (a dotted name can arrive as an object) fails the record type,
    and such a page is read again the general way, which flattens, converts and fills in blanks.
    """

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        others = _others(self.fields)
        # Field names become attribute names inside the record type, and dotted names (related fields)
        # are not valid ones: each field is declared under a placeholder and renamed to its JSON key.
        names = {f"f{i}": name for i, name in enumerate(others)}
        record = msgspec.defstruct(
            "Record",
            [("recordno", int), *((attr, str) for attr in names)],
            rename={"recordno": RECORDNO, **names},
            gc=False,  # records hold only text and integers: no cycles for the collector to look for
        )
        # strict=False reads RECORDNO "123" as an integer; text fields still accept only text.
        self._decoder = msgspec.json.Decoder(list[record], strict=False)

    def read(self, body: bytes) -> list[tuple]:
        try:
            records = self._decoder.decode(body)
        except msgspec.ValidationError:
            return rows_of(decode_records(body), self.fields)
        except msgspec.DecodeError:
            raise errors.ResponseParseError("The JSON reply is not well-formed.") from None
        return list(map(msgspec.structs.astuple, records))


@functools.lru_cache(maxsize=64)
def row_reader(fields: tuple[str, ...]) -> RowReader:
    """One reader per field list: building the record type is the costly part."""
    return RowReader(fields)
