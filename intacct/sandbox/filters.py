"""The two ways a caller says which records it wants: `query`'s XML filter and readByQuery's query string.

Both compile to the same predicates (see conditions.py). The string grammar is the one the docs describe:
``=  !=  <>  <  >  <=  >=  like  not like  in (...)  not in (...)  IS NULL  IS NOT NULL``, combined with
``AND``, ``OR``, ``NOT`` and parentheses; strings in single quotes with ``\\'`` for a quote inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .conditions import Predicate, QueryError, TypedField, all_of, any_of, comparison, negate
from .xmlparse import Node

# Resolves a field name to (one-field reader, typed converter); raises QueryError for unknown fields.
Resolver = Callable[[str], tuple[Callable[[int], str], TypedField]]

FILTER_OPERATORS = frozenset(
    {
        "equalto",
        "notequalto",
        "lessthan",
        "lessthanorequalto",
        "greaterthan",
        "greaterthanorequalto",
        "between",
        "in",
        "notin",
        "like",
        "notlike",
        "isnull",
        "isnotnull",
    }
)


def compile_filter(node: Node, resolve: Resolver) -> Predicate:
    """`node` is the single child of <filter> (an operator, <and> or <or>); structure already validated."""
    if node.tag in ("and", "or"):
        parts = [compile_filter(child, resolve) for child in node.children]
        return all_of(parts) if node.tag == "and" else any_of(parts)
    if node.tag not in FILTER_OPERATORS:
        raise QueryError(f"{node.tag} is not a filter operator.")
    read, typed = resolve(node.text_of("field"))
    values = [value.text for value in node.findall("value")]
    return comparison(read, typed, node.tag, values)


def recordno_bounds(node: Node) -> tuple[int | None, int | None]:
    """Inclusive RECORDNO bounds that a filter implies, from its top-level AND (None: unbounded).

    Lets `query` slice the ascending RECORDNO list by bisection before testing each record: keyset
    paging (``RECORDNO > last AND RECORDNO <= end``) then costs a page, not a scan of the whole table.
    The full predicate still runs on the slice, so the bounds only ever narrow, never decide.
    """
    low: int | None = None
    high: int | None = None
    for part in node.children if node.tag == "and" else [node]:
        if part.tag not in FILTER_OPERATORS or part.text_of("field").upper() != "RECORDNO":
            continue
        values = [value.text.strip() for value in part.findall("value")]
        try:
            numbers = [int(v) for v in values]
        except ValueError:
            continue  # the predicate reports (or tolerates) it, exactly as without this shortcut
        if not numbers:
            continue
        lo = hi = None
        if part.tag == "greaterthan":
            lo = numbers[0] + 1
        elif part.tag == "greaterthanorequalto":
            lo = numbers[0]
        elif part.tag == "lessthan":
            hi = numbers[0] - 1
        elif part.tag == "lessthanorequalto":
            hi = numbers[0]
        elif part.tag in ("equalto", "between", "in"):
            lo, hi = min(numbers), max(numbers)
        if lo is not None:
            low = lo if low is None else max(low, lo)
        if hi is not None:
            high = hi if high is None else min(high, hi)
    return low, high


# -- readByQuery strings ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:\\.|''|[^'\\])*'|"(?:\\.|[^"\\])*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op><=|>=|<>|!=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = frozenset({"AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL"})
_COMPARE = {
    "=": "equalto",
    "!=": "notequalto",
    "<>": "notequalto",
    "<": "lessthan",
    "<=": "lessthanorequalto",
    ">": "greaterthan",
    ">=": "greaterthanorequalto",
}


def _unquote(token: str) -> str:
    quote, body = token[0], token[1:-1]
    if quote == "'":
        body = body.replace("''", "'")
    return re.sub(r"\\(.)", r"\1", body, flags=re.DOTALL)


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise QueryError(f"The query cannot be read near: {text[position : position + 30].strip()}")
        kind = match.lastgroup or ""
        value, start = match.group(kind), match.start(kind)
        if kind == "word" and value.upper() in _KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append((kind, value, start))
        position = match.end()
    return tokens


class _QueryStringParser:
    def __init__(self, text: str, resolve: Resolver) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.resolve = resolve

    def parse(self) -> Predicate:
        predicate = self._or()
        if self.index < len(self.tokens):
            self._fail()
        return predicate

    def _peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self) -> tuple[str, str, int]:
        token = self._peek()
        if token is None:
            raise QueryError(f"The query ends too early: {self.text.strip()}")
        self.index += 1
        return token

    def _accept(self, kind: str, value: str | None = None) -> bool:
        token = self._peek()
        if token and token[0] == kind and (value is None or token[1] == value):
            self.index += 1
            return True
        return False

    def _fail(self):
        token = self._peek()
        where = self.text[token[2] : token[2] + 30].strip() if token else "the end"
        raise QueryError(f"The query cannot be read near: {where}")

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._accept("keyword", "OR"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else any_of(parts)

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._accept("keyword", "AND"):
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else all_of(parts)

    def _not(self) -> Predicate:
        if self._accept("keyword", "NOT"):
            return negate(self._not())
        if self._accept("punct", "("):
            inner = self._or()
            if not self._accept("punct", ")"):
                self._fail()
            return inner
        return self._comparison()

    def _literal(self) -> str:
        kind, value, _ = self._take()
        if kind == "string":
            return _unquote(value)
        if kind == "number":
            return value
        self.index -= 1
        self._fail()
        return ""

    def _comparison(self) -> Predicate:
        kind, name, _ = self._take()
        if kind != "word":
            self.index -= 1
            self._fail()
        read, typed = self.resolve(name)
        if self._accept("keyword", "IS"):
            negated = self._accept("keyword", "NOT")
            if not self._accept("keyword", "NULL"):
                self._fail()
            return comparison(read, typed, "isnotnull" if negated else "isnull", ())
        negated = self._accept("keyword", "NOT")
        if self._accept("keyword", "LIKE"):
            return comparison(read, typed, "notlike" if negated else "like", (self._literal(),))
        if self._accept("keyword", "IN"):
            if not self._accept("punct", "("):
                self._fail()
            values = [self._literal()]
            while self._accept("punct", ","):
                values.append(self._literal())
            if not self._accept("punct", ")"):
                self._fail()
            return comparison(read, typed, "notin" if negated else "in", values)
        if negated:
            self._fail()
        token = self._take()
        if token[0] != "op":
            self.index -= 1
            self._fail()
        return comparison(read, typed, _COMPARE[token[1]], (self._literal(),))


def compile_query_string(text: str, resolve: Resolver) -> Predicate | None:
    """None for an empty query (every record)."""
    if not text.strip():
        return None
    return _QueryStringParser(text, resolve).parse()
