"""Query filters that cannot be injected into.

``F("RECORDNO") > 100`` builds a condition object, never a string: field names are checked against
Intacct's identifier syntax and values travel as XML text (``query``) or as quoted literals
(``readByQuery``), so a value such as ``' OR 1=1`` stays a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from xml.sax.saxutils import escape

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_MAX_IN_VALUES = 1000  # the XSD's limit for in/notin lists


def check_field_name(name: str) -> str:
    if not isinstance(name, str) or not _FIELD_NAME.match(name):
        raise ValueError(f"not a valid Intacct field name: {name!r}")
    return name


def format_value(value: object) -> str:
    """Render a Python value the way Intacct writes it in data and filters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot use a {type(value).__name__} as an Intacct filter value")


class Filter:
    """A node of a filter tree; combine with ``&`` and ``|``."""

    def __and__(self, other: Filter) -> Filter:
        return _Logical("and", _flatten("and", self, other))

    def __or__(self, other: Filter) -> Filter:
        return _Logical("or", _flatten("or", self, other))

    def to_xml(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_query_text(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _flatten(op: str, *parts: Filter) -> list[Filter]:
    out: list[Filter] = []
    for part in parts:
        if not isinstance(part, Filter):
            raise TypeError("filters combine only with other filters")
        out.extend(part.children if isinstance(part, _Logical) and part.op == op else [part])
    return out


class _Logical(Filter):
    def __init__(self, op: str, children: list[Filter]) -> None:
        self.op = op
        self.children = children

    def to_xml(self) -> str:
        return f"<{self.op}>{''.join(c.to_xml() for c in self.children)}</{self.op}>"

    def to_query_text(self) -> str:
        return "(" + f" {self.op.upper()} ".join(c.to_query_text() for c in self.children) + ")"

    def __repr__(self) -> str:
        return f"{self.op.upper()}({', '.join(map(repr, self.children))})"


# query operator -> readByQuery operator
_TEXT_OPS = {
    "equalto": "=",
    "notequalto": "!=",
    "lessthan": "<",
    "lessthanorequalto": "<=",
    "greaterthan": ">",
    "greaterthanorequalto": ">=",
    "like": "LIKE",
    "notlike": "NOT LIKE",
    "in": "IN",
    "notin": "NOT IN",
    "isnull": "IS NULL",
    "isnotnull": "IS NOT NULL",
}


def _quote(value: object) -> str:
    text = format_value(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class _Condition(Filter):
    def __init__(self, op: str, field: str, values: tuple[object, ...]) -> None:
        self.op = op
        self.field = check_field_name(field)
        for value in values:
            format_value(value)  # reject unsupported types now, not when the request is sent
        self.values = values

    def to_xml(self) -> str:
        values = "".join(f"<value>{escape(format_value(v))}</value>" for v in self.values)
        return f"<{self.op}><field>{self.field}</field>{values}</{self.op}>"

    def to_query_text(self) -> str:
        if self.op == "between":
            low, high = self.values
            return f"({self.field} >= {_quote(low)} AND {self.field} <= {_quote(high)})"
        symbol = _TEXT_OPS[self.op]
        if self.op in ("isnull", "isnotnull"):
            return f"{self.field} {symbol}"
        if self.op in ("in", "notin"):
            return f"{self.field} {symbol} ({', '.join(_quote(v) for v in self.values)})"
        return f"{self.field} {symbol} {_quote(self.values[0])}"

    def __repr__(self) -> str:
        return f"{self.op}({self.field}, {', '.join(map(repr, self.values))})"


class F:
    """A field to filter on: ``F("WHENMODIFIED") >= datetime(2026, 1, 1)``."""

    __hash__ = None  # comparisons build filters, so F is not a dictionary key

    def __init__(self, name: str) -> None:
        self.name = check_field_name(name)

    def _one(self, op: str, value: object) -> Filter:
        return _Condition(op, self.name, (value,))

    def __eq__(self, value: object) -> Filter:  # type: ignore[override]
        return self._one("equalto", value)

    def __ne__(self, value: object) -> Filter:  # type: ignore[override]
        return self._one("notequalto", value)

    def __lt__(self, value: object) -> Filter:
        return self._one("lessthan", value)

    def __le__(self, value: object) -> Filter:
        return self._one("lessthanorequalto", value)

    def __gt__(self, value: object) -> Filter:
        return self._one("greaterthan", value)

    def __ge__(self, value: object) -> Filter:
        return self._one("greaterthanorequalto", value)

    def like(self, pattern: str) -> Filter:
        return self._one("like", pattern)

    def notlike(self, pattern: str) -> Filter:
        return self._one("notlike", pattern)

    def between(self, low: object, high: object) -> Filter:
        return _Condition("between", self.name, (low, high))

    def isin(self, values: Iterable[object]) -> Filter:
        return self._many("in", values)

    def notin(self, values: Iterable[object]) -> Filter:
        return self._many("notin", values)

    def isnull(self) -> Filter:
        return _Condition("isnull", self.name, ())

    def isnotnull(self) -> Filter:
        return _Condition("isnotnull", self.name, ())

    def _many(self, op: str, values: Iterable[object]) -> Filter:
        values = tuple(values)
        if not 1 <= len(values) <= _MAX_IN_VALUES:
            raise ValueError(f"{op} takes 1 to {_MAX_IN_VALUES} values, got {len(values)}")
        return _Condition(op, self.name, values)

    def __repr__(self) -> str:
        return f"F({self.name!r})"
