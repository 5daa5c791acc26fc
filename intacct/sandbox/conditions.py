"""Typed comparisons and SQL-style three-valued logic shared by `query` filters and readByQuery strings.

Values are compared by the field's type: integers numerically, decimals exactly, dates and timestamps
chronologically (``MM/DD/YYYY`` and ``MM/DD/YYYY HH:MM:SS``), text case-sensitively unless asked otherwise.
An empty stored value is NULL, as in the Oracle database behind Intacct: any comparison with NULL is
unknown, so ``notequalto`` does not match empty values; only ``isnull`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from .schema import BOOLEAN, DATE, DECIMAL_TYPES, NUMERIC_TYPES, TIMESTAMP, Field

# A predicate answers True, False or None (unknown) for one RECORDNO.
Predicate = Callable[[int], bool | None]


class QueryError(Exception):
    """The filter or query string cannot run; the message says what to fix."""


_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_TRUE = frozenset({"true", "t", "1", "yes"})
_FALSE = frozenset({"false", "f", "0", "no"})


def _date_key(text: str, with_time: bool) -> str | None:
    match = _DATE.match(text.strip())
    if match:
        month, day, year, hour, minute, second = match.groups()
    else:
        # ISO dates are not the gateway's format, but accepting them costs nothing and avoids surprises.
        match = _ISO.match(text.strip())
        if not match:
            return None
        year, month, day, hour, minute, second = match.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    key = f"{int(year):04d}{int(month):02d}{int(day):02d}"
    if with_time:
        key += f"{int(hour or 0):02d}{int(minute or 0):02d}{int(second or 0):02d}"
    return key


class TypedField:
    """Converts a field's stored text and query literals to comparable keys (None for NULL)."""

    def __init__(self, field: Field, case_insensitive: bool = False, raw_codes: bool = False) -> None:
        self.field = field
        self.case_insensitive = case_insensitive
        # readByQuery compares enums against stored codes (T/F, N/I); accept those as well as labels.
        self._raw_to_label = {code: label for label, code in field.raw_codes.items()} if raw_codes else {}
        datatype = field.datatype
        if datatype in NUMERIC_TYPES:
            self.stored = self._stored_int
        elif datatype in DECIMAL_TYPES:
            self.stored = self._stored_decimal
        elif datatype == TIMESTAMP:
            self.stored = self._stored_timestamp
        elif datatype == DATE:
            self.stored = self._stored_date
        elif datatype == BOOLEAN:
            self.stored = self._stored_bool
        elif case_insensitive:
            self.stored = self._stored_folded
        else:
            self.stored = self._stored_text

    # Stored values were written by the sandbox itself, so the fast paths trust their format.
    @staticmethod
    def _stored_text(text: str) -> str | None:
        return text or None

    @staticmethod
    def _stored_folded(text: str) -> str | None:
        return text.casefold() or None

    @staticmethod
    def _stored_int(text: str) -> int | None:
        try:
            return int(text) if text else None
        except ValueError:
            return None

    @staticmethod
    def _stored_decimal(text: str) -> Decimal | None:
        try:
            return Decimal(text) if text else None
        except InvalidOperation:
            return None

    @staticmethod
    def _stored_timestamp(text: str) -> str | None:
        if len(text) == 19 and text[2] == "/":
            return text[6:10] + text[0:2] + text[3:5] + text[11:13] + text[14:16] + text[17:19]
        return _date_key(text, True) if text else None

    @staticmethod
    def _stored_date(text: str) -> str | None:
        if len(text) >= 10 and text[2] == "/":
            return text[6:10] + text[0:2] + text[3:5]
        return _date_key(text, False) if text else None

    @staticmethod
    def _stored_bool(text: str) -> bool | None:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return None

    def literal(self, text: str):
        """A value written in a filter or query string, as a comparable key; raises QueryError."""
        name, datatype = self.field.name, self.field.datatype
        text = self._raw_to_label.get(text, text)
        if text == "":
            return None
        if datatype in NUMERIC_TYPES:
            try:
                return int(text.strip())
            except ValueError:
                raise QueryError(f"'{text}' is not a whole number, but {name} holds whole numbers.") from None
        if datatype in DECIMAL_TYPES:
            try:
                return Decimal(text.strip())
            except InvalidOperation:
                raise QueryError(f"'{text}' is not a number, but {name} holds numbers.") from None
        if datatype in (DATE, TIMESTAMP):
            key = _date_key(text, datatype == TIMESTAMP)
            if key is None:
                shape = "MM/DD/YYYY HH:MM:SS" if datatype == TIMESTAMP else "MM/DD/YYYY"
                raise QueryError(f"'{text}' is not a valid date for {name}; write it as {shape}.")
            return key
        if datatype == BOOLEAN:
            value = self._stored_bool(text)
            if value is None:
                raise QueryError(f"'{text}' is not true or false, but {name} is a true/false field.")
            return value
        return text.casefold() if self.case_insensitive else text


def like_pattern(pattern: str, case_insensitive: bool) -> re.Pattern[str]:
    """SQL LIKE: % is any run of characters, _ is exactly one."""
    parts = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if case_insensitive else 0))


def comparison(
    read: Callable[[int], str], typed: TypedField, operator: str, literals: Sequence[str]
) -> Predicate:
    """One comparison of a field against literals. `operator` is a `query` filter element name."""
    stored = typed.stored

    if operator == "isnull":
        return lambda recno: read(recno) == ""
    if operator == "isnotnull":
        return lambda recno: read(recno) != ""
    if operator in ("like", "notlike"):
        matcher = like_pattern(literals[0], typed.case_insensitive).fullmatch
        wanted = operator == "like"

        def like(recno: int) -> bool | None:
            text = read(recno)
            if text == "":
                return None
            return (matcher(text) is not None) == wanted

        return like
    if operator in ("in", "notin"):
        keys = {typed.literal(text) for text in literals} - {None}
        wanted = operator == "in"

        def member(recno: int) -> bool | None:
            value = stored(read(recno))
            if value is None:
                return None
            return (value in keys) == wanted

        return member
    if operator == "between":
        low, high = typed.literal(literals[0]), typed.literal(literals[1])
        if low is None or high is None:
            return lambda recno: None

        def between(recno: int) -> bool | None:
            value = stored(read(recno))
            return None if value is None else low <= value <= high

        return between

    target = typed.literal(literals[0])
    if target is None:  # comparing with '' is comparing with NULL: never true
        return lambda recno: None
    test = _OPERATORS.get(operator)
    if test is None:
        raise QueryError(f"Unknown operator {operator}.")

    def compare(recno: int) -> bool | None:
        value = stored(read(recno))
        return None if value is None else test(value, target)

    return compare


_OPERATORS: dict[str, Callable] = {
    "equalto": lambda a, b: a == b,
    "notequalto": lambda a, b: a != b,
    "lessthan": lambda a, b: a < b,
    "lessthanorequalto": lambda a, b: a <= b,
    "greaterthan": lambda a, b: a > b,
    "greaterthanorequalto": lambda a, b: a >= b,
}


def all_of(predicates: Sequence[Predicate]) -> Predicate:
    def conjunction(recno: int) -> bool | None:
        unknown = False
        for predicate in predicates:
            outcome = predicate(recno)
            if outcome is False:
                return False
            if outcome is None:
                unknown = True
        return None if unknown else True

    return conjunction


def any_of(predicates: Sequence[Predicate]) -> Predicate:
    def disjunction(recno: int) -> bool | None:
        unknown = False
        for predicate in predicates:
            outcome = predicate(recno)
            if outcome is True:
                return True
            if outcome is None:
                unknown = True
        return None if unknown else False

    return disjunction


def negate(predicate: Predicate) -> Predicate:
    def negation(recno: int) -> bool | None:
        outcome = predicate(recno)
        return None if outcome is None else not outcome

    return negation


def sort_recnos(
    recnos: list[int], keys: Sequence[tuple[Callable[[int], str], TypedField, bool]]
) -> list[int]:
    """Sort by several fields; NULLs last when ascending and first when descending (Oracle's default).

    Ties keep their incoming order, which is RECORDNO ascending, so pages never overlap or skip.
    """
    ordered = list(recnos)
    for read, typed, descending in reversed(keys):
        stored = typed.stored

        def sort_key(recno: int, read=read, stored=stored):
            value = stored(read(recno))
            return (True, 0) if value is None else (False, value)

        ordered.sort(key=sort_key, reverse=descending)
    return ordered
