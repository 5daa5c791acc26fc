"""Fast string building for replies: escaping, error blocks and record lists.

Replies are built by joining strings rather than through a DOM: a 2,000-record page of vendors is about
150,000 elements, and string joins and per-record templates keep that to a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from .messages import ErrorItem

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 cannot carry at all; they are dropped rather than producing an unreadable reply.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not text.isprintable() and _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text


def esc_attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


def element(tag: str, text: str = "") -> str:
    return f"<{tag}>{esc(text)}</{tag}>"


def error_block(error: ErrorItem) -> str:
    return (
        "<error>"
        f"{element('errorno', error.errorno)}"
        f"{element('description', error.description)}"
        f"{element('description2', error.description2)}"
        f"{element('correction', error.correction)}"
        "</error>"
    )


def errormessage(errors: Iterable[ErrorItem]) -> str:
    return "<errormessage>" + "".join(error_block(e) for e in errors) + "</errormessage>"


def records_xml(
    record_tag: str,
    fields: Sequence[str],
    recnos: Iterable[int],
    read_record: Callable[[int], dict[str, str]],
) -> str:
    """`<TAG><F1>v</F1>...</TAG>` for each record, fields in the given order."""
    return "".join(record_fragments(record_tag, fields, recnos, read_record))


def record_fragments(
    record_tag: str,
    fields: Sequence[str],
    recnos: Iterable[int],
    read_record: Callable[[int], dict[str, str]],
) -> list[str]:
    """One `<TAG><F1>v</F1>...</TAG>` text per record (what records_xml joins, and tables cache).

    Each record is one %-format of a template holding the tags; only a record with a value that needs
    escaping has its values escaped one by one.
    """
    if not fields:
        return [f"<{record_tag}></{record_tag}>" for _ in recnos]
    tag, names = record_tag.replace("%", "%%"), [name.replace("%", "%%") for name in fields]
    template = f"<{tag}>" + "".join(f"<{name}>%s</{name}>" for name in names) + f"</{tag}>"
    pick_values = itemgetter(*fields) if len(fields) > 1 else (lambda record: (record[fields[0]],))
    parts: list[str] = []
    append = parts.append
    for recno in recnos:
        record = read_record(recno)
        try:
            values = pick_values(record)
        except KeyError:
            values = tuple(record.get(name, "") for name in fields)
        joined = "".join(values)
        if "&" in joined or "<" in joined or ">" in joined or not joined.isprintable():
            values = tuple(map(esc, values))
        append(template % values)
    return parts


def attributes(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(f' {name}="{esc_attr(str(value))}"' for name, value in pairs)
