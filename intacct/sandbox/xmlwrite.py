"""Fast string building for replies: escaping, error blocks and record lists.

Replies are built by joining strings rather than through a DOM: a 2,000-record page of vendors is about
150,000 elements, and string joins keep that to tens of milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

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
    opens = [f"<{name}>" for name in fields]
    closes = [f"</{name}>" for name in fields]
    pairs = list(zip(fields, opens, closes, strict=True))
    parts: list[str] = []
    append = parts.append
    record_open, record_close = f"<{record_tag}>", f"</{record_tag}>"
    for recno in recnos:
        record = read_record(recno)
        append(record_open)
        for name, open_tag, close_tag in pairs:
            value = record.get(name, "")
            if value and ("&" in value or "<" in value or ">" in value or not value.isprintable()):
                value = esc(value)
            append(open_tag)
            append(value)
            append(close_tag)
        append(record_close)
    return "".join(parts)


def attributes(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(f' {name}="{esc_attr(str(value))}"' for name, value in pairs)
