"""The shapes the mapping is made of: categories, a person's decision for one account, and a table row.

A *decision* is what people chose for an account (category, whether Routable uses it, a note). A *row*
is what the Map page shows: the synced account, its decision, the suggestion and the row's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from onboarding.mapping.accounts import GLAccount
from onboarding.mapping.defaults import CategoryKind


class ChangeHow(StrEnum):
    """How a change was made, as the audit trail says it."""

    TYPED = "typed"
    BULK = "bulk"
    SUGGESTION_ACCEPTED = "suggestion accepted"
    # "Accept every suggestion at or above the threshold": bulk, and a suggestion accepted.
    BULK_ACCEPTED = "bulk: suggestion accepted"
    IMPORT = "import"


class RowState(StrEnum):
    TO_DO = "to do"
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    SET_BY_PERSON = "set by a person"
    NEW = "new since last approval"
    GONE = "gone from Intacct"


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    kind: CategoryKind
    retired: bool = False

    @property
    def excluded(self) -> bool:
        return self.kind == CategoryKind.EXCLUDED


@dataclass(frozen=True)
class Decision:
    """What people chose for one account. The default (no category, used) means "not decided yet"."""

    category: str | None = None
    use_in_routable: bool = True
    note: str = ""

    @property
    def undecided(self) -> bool:
        return self == UNDECIDED

    def describe(self) -> str:
        """One short line for the diff and the audit trail."""
        if self.undecided:
            return "not mapped"
        text = self.category or "no category"
        # Excluding sets the excluded category and the switch together: say it once, not twice.
        if not self.use_in_routable and "not used in routable" not in text.casefold():
            text += " (not used in Routable)"
        return text


UNDECIDED = Decision()


def changed_accounts(before: dict[str, Decision], after: dict[str, Decision]) -> list[str]:
    """Account numbers whose decision differs between two versions (one missing counts as undecided)."""
    numbers = before.keys() | after.keys()
    return sorted(n for n in numbers if before.get(n, UNDECIDED) != after.get(n, UNDECIDED))


@dataclass(frozen=True)
class SavedDecision:
    """A decision as stored, with who made it and how."""

    decision: Decision
    how: ChangeHow
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class Suggested:
    category: str | None
    confidence: float
    reason: str


@dataclass
class MappingRow:
    account: GLAccount
    decision: Decision
    suggestion: Suggested | None
    how: ChangeHow | None  # None while nobody decided
    # Set when an approved version exists: the account was not in it, or its decision there.
    new_since_approval: bool = False
    approved: Decision | None = None
    problems: list = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.account.number

    def state(self) -> RowState:
        if self.account.deleted:
            return RowState.GONE
        if self.decision.undecided:
            if self.new_since_approval:
                return RowState.NEW
            return RowState.SUGGESTED if self.suggestion and self.suggestion.category else RowState.TO_DO
        if self.how in (ChangeHow.SUGGESTION_ACCEPTED, ChangeHow.BULK_ACCEPTED):
            return RowState.ACCEPTED
        return RowState.SET_BY_PERSON


def is_excluded(decision: Decision, categories: dict[str, Category]) -> bool:
    if decision.undecided:
        return False
    if not decision.use_in_routable:
        return True
    category = categories.get(decision.category or "")
    return category is not None and category.excluded


def is_mapped(decision: Decision, categories: dict[str, Category]) -> bool:
    return bool(decision.category) and not is_excluded(decision, categories)
