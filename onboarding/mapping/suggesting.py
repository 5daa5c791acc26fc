"""The one place the mapping reads suggestions from ``onboarding.mapping.suggest``.

The suggestion engine is its own part of the package; everything else asks for suggestions through
``suggestions_for`` so the call and its shape live here only.
"""

from __future__ import annotations

from collections.abc import Sequence

import onboarding.mapping as package
from onboarding.mapping.accounts import GLAccount
from onboarding.mapping.model import Suggested


def engine_available() -> bool:
    return callable(getattr(package, "suggest", None))


def suggestions_for(accounts: Sequence[GLAccount], categories: Sequence[str]) -> list[Suggested | None]:
    """One suggestion per account, in order; all None while no suggestion engine is installed."""
    suggest = getattr(package, "suggest", None)
    if not callable(suggest) or not accounts:
        return [None] * len(accounts)
    found = suggest([account.as_intacct() for account in accounts], list(categories))
    allowed = set(categories)
    out: list[Suggested | None] = []
    for item in found:
        category = item.category if item.category in allowed else None
        out.append(Suggested(category, float(item.confidence), str(item.reason)) if category else None)
    return out
