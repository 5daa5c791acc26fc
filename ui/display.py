"""How identifiers appear on screen: in full normally, partly masked in screen-share mode; and how
text people typed (workspace names) is put into Markdown so that it shows as typed."""

from __future__ import annotations

import re

from onboarding.masking import mask_identifier


def shown(value: str | None, screen_share: bool) -> str:
    """The text to display for a Company ID, Entity ID or user ID."""
    if not value:
        return ""
    return mask_identifier(value) if screen_share else value


def redact(text: str, identifiers: list[str | None], screen_share: bool) -> str:
    """Mask every occurrence of the given identifiers inside free text (audit messages, notes)."""
    if not screen_share:
        return text
    # Longest first, so an ID that contains another is masked as a whole.
    for value in sorted((v for v in identifiers if v), key=len, reverse=True):
        text = text.replace(value, mask_identifier(value))
    return text


# Every character that can start Markdown, HTML, LaTeX ($) or a Streamlit directive (:red[...]) is
# backslash-escaped (CommonMark allows it before any ASCII punctuation); commas, quotes and the like
# mean nothing there and stay as typed, so the source still reads as the text.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


# Escapes cannot stop GFM's bare-URL links: they are found in the text after Markdown is parsed
# ("https://...", "www.", "name@host"). A word joiner (U+2060, invisible and zero-width) inside each
# such marker leaves the text looking the same but no longer a link.
# Streamlit reads ":material/warning:", ":red[...]" and ":smile:" in the parsed text too, escaped or
# not: a word joiner after each colon that starts a word keeps those from becoming icons or colours.
_AUTOLINK_MARKERS = re.compile(
    r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)|(?<=:)(?=[a-z0-9_+\-])"
)
_WORD_JOINER = "\u2060"


def as_text(value: str | None) -> str:
    """``value`` escaped for st.markdown, st.caption and friends: it renders literally, never as Markdown."""
    if not value:
        return ""
    unlinked = _AUTOLINK_MARKERS.sub(_WORD_JOINER, value)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked)
