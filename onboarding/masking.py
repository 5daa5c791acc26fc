"""Masking for screen-share mode: identifiers stay recognisable to their owner, useless to onlookers."""

from __future__ import annotations

BULLET = "•"
# A fixed number of bullets, so the mask does not reveal how long the value is.
MASKED_RUN = BULLET * 5
# Below this length, showing three characters would give away most of the value.
MIN_PARTIAL_LENGTH = 6


def mask_identifier(value: str | None) -> str:
    """'ACME-DEMO' -> 'AC•••••O'; short values are masked entirely; empty stays empty."""
    if not value:
        return ""
    text = str(value)
    if len(text) < MIN_PARTIAL_LENGTH:
        return MASKED_RUN
    return f"{text[:2]}{MASKED_RUN}{text[-1]}"

