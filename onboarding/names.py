"""Workspace names: what a valid one is, and when two names are the same name.

A name is shown on every page and in every switcher, so characters that hide or reorder text are
refused outright (control characters, zero-width and bidirectional marks, lone surrogates): with them,
"Acme" and a look-alike could be told apart by the database but not by a person. Two names are the
same when they match after Unicode compatibility normalisation (NFKC), with invisible characters
removed, runs of spaces collapsed and case ignored.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 80

# Format characters (Cf) are invisible by design: zero-width spaces and joiners, bidirectional
# embeddings, overrides and isolates, the byte-order mark, soft hyphens. Line and paragraph
# separators break a one-line name. None of them belongs in a customer's name.
_REFUSED_CATEGORIES = {"Cc": "a control character", "Cf": "an invisible or text-direction character",
                       "Cs": "a broken character (half of a surrogate pair)",
                       "Zl": "a line break", "Zp": "a paragraph break"}  # fmt: skip


class NameProblem(ValueError):
    """Why a name is refused, worded for the person who typed it."""


def clean_name(raw: object) -> str:
    """The name as it is stored and shown: spaces trimmed and collapsed. Raises NameProblem."""
    if not isinstance(raw, str) or not raw.strip():
        raise NameProblem("Give the workspace a name, for example the customer's company name.")
    for char in raw:
        kind = _REFUSED_CATEGORIES.get(unicodedata.category(char))
        if kind is not None:
            raise NameProblem(
                f"The workspace name contains {kind} (U+{ord(char):04X}), which does not show on screen "
                "or changes how the text around it reads. Type the name again using only visible "
                "characters."
            )
    cleaned = " ".join(raw.split())
    if len(cleaned) > MAX_NAME_LENGTH:
        raise NameProblem(
            f"The workspace name is {len(cleaned)} characters long; keep it to {MAX_NAME_LENGTH} or fewer."
        )
    return cleaned


def one_line(raw: object, what: str, max_chars: int) -> str:
    """A short label typed into a form (a category, the name on an invitation): spaces collapsed, at most
    `max_chars` long, no control characters. May be empty. Raises NameProblem worded with `what`."""
    cleaned = " ".join(str(raw or "").split())
    if len(cleaned) > max_chars:
        raise NameProblem(f"The {what} is {len(cleaned)} characters long; keep it to {max_chars}.")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise NameProblem(f"The {what} contains control characters; type it again.")
    return cleaned


def name_key(name: str) -> str:
    """What two names are compared by: equal keys mean people would read them as the same name."""
    folded = unicodedata.normalize("NFKC", name)
    visible = "".join(c for c in folded if unicodedata.category(c) not in _REFUSED_CATEGORIES)
    return " ".join(visible.split()).casefold()
