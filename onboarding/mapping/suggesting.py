"""The one place the mapping asks ``onboarding.mapping.suggest`` for suggestions.

The engine is looked up on the package at each call, so everything else depends on its signature only
here (tests may put a stand-in there to pin confidences).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import onboarding.mapping as package
from onboarding.mapping.accounts import GLAccount
from onboarding.mapping.model import Suggested


def suggestions_for(
    accounts: Sequence[GLAccount],
    categories: Sequence[str],
    approved: Iterable[tuple[Mapping[str, object], str]] | None = None,
) -> list[Suggested | None]:
    """One suggestion per account, in order (None where the engine has no category to offer).

    ``approved`` holds (account, category) pairs approved in other workspaces, for the engine to learn from.
    """
    if not accounts:
        return []
    found = package.suggest(
        [account.as_intacct() for account in accounts],
        list(categories),
        approved=list(approved) if approved else None,
    )
    allowed = set(categories)
    out: list[Suggested | None] = []
    for item in found:
        category = item.category if item.category in allowed else None
        out.append(Suggested(category, float(item.confidence), str(item.reason)) if category else None)
    return out
