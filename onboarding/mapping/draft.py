"""One person's unsaved edits to the mapping, over the table they started from.

The Map page keeps a ``Draft`` per browser session: the master table every edit is folded into, the
decisions it started from (the base of the three-way merge) and how each edit was made. Nothing here
touches Streamlit, so the edit, filter and bulk rules are tested on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from onboarding.mapping.checks import (
    KIND_LABELS,
    SEVERITY,
    TO_DO_KINDS,
    Problem,
    ProblemKind,
    Severity,
    decision_problems,
)
from onboarding.mapping.model import ChangeHow, Decision, MappingRow, RowState
from onboarding.mapping.repository import Change, Coverage, MappingView

# Columns of the table, in the order the Map page shows them.
ACCOUNT = "Account"
TITLE = "Title"
TYPE = "Type"
BALANCE = "Normal balance"
STATUS = "Status"
ENTITY = "Entity"
DIMENSIONS = "Required dimensions"
SUGGESTED = "Suggested category"
CONFIDENCE = "Confidence"
REASON = "Why"
CATEGORY = "Routable category"
USE = "Use in Routable"
NOTE = "Note"
STATE = "State"
PROBLEMS = "Problems"
# The columns people edit come right after the account, so they are in view without scrolling.
COLUMNS = (ACCOUNT, TITLE, CATEGORY, USE, NOTE, STATE, SUGGESTED, CONFIDENCE, REASON, PROBLEMS, TYPE, BALANCE,
           STATUS, ENTITY, DIMENSIONS)  # fmt: skip
EDITABLE = (CATEGORY, USE, NOTE)
TYPE_LABELS = {"incomestatement": "Income statement", "balancesheet": "Balance sheet"}
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Filters:
    unmapped_only: bool = False
    problems_only: bool = False
    new_only: bool = False
    types: tuple[str, ...] = ()  # TYPE labels; empty: every type
    statuses: tuple[str, ...] = ()
    number_from: str = ""
    number_to: str = ""
    search: str = ""
    problem_kind: str = ""  # a ProblemKind value: only rows with that problem
    category: str = ""  # only rows on that category


def _number_key(number: str) -> float:
    return float(number) if number.replace(".", "", 1).isdigit() else float("inf")


def _problem_text(problems: Sequence[Problem]) -> str:
    return "; ".join(f"{p.label}: {KIND_LABELS[p.kind].lower()}" for p in problems)


class Draft:
    """The master table and the edits not yet saved."""

    def __init__(self, view: MappingView) -> None:
        self.view = view
        self.revision = view.revision
        self.rows: dict[str, MappingRow] = {row.number: row for row in view.rows}
        self.base: dict[str, Decision] = {row.number: row.decision for row in view.rows}
        self.how: dict[str, ChangeHow] = {}
        self.categories = view.category_map
        self.problems: dict[str, list[Problem]] = {row.number: list(row.problems) for row in view.rows}
        self.table = self._table(view.rows)

    # -- the table ------------------------------------------------------------------------------

    def _table(self, rows: Sequence[MappingRow]) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                ACCOUNT: [r.number for r in rows],
                TITLE: [r.account.title for r in rows],
                TYPE: [TYPE_LABELS.get(r.account.account_type, r.account.account_type) for r in rows],
                BALANCE: [r.account.normal_balance.capitalize() for r in rows],
                STATUS: ["Deleted" if r.account.deleted else r.account.status.capitalize() for r in rows],
                ENTITY: [r.account.entity for r in rows],
                DIMENSIONS: [r.account.dimensions_text for r in rows],
                SUGGESTED: [r.suggestion.category if r.suggestion else None for r in rows],
                CONFIDENCE: [r.suggestion.confidence if r.suggestion else None for r in rows],
                REASON: [r.suggestion.reason if r.suggestion else "" for r in rows],
                CATEGORY: [r.decision.category for r in rows],
                USE: [r.decision.use_in_routable for r in rows],
                NOTE: [r.decision.note for r in rows],
                STATE: [str(r.state()) for r in rows],
                PROBLEMS: [_problem_text(r.problems) for r in rows],
            },
            index=pd.Index([r.number for r in rows], name="account"),
        )
        frame[CONFIDENCE] = frame[CONFIDENCE].astype("Float64")
        frame["_new"] = [r.new_since_approval for r in rows]
        frame["_number"] = [_number_key(r.number) for r in rows]
        return frame

    def decision(self, account: str) -> Decision:
        row = self.table.loc[account]
        category = row[CATEGORY]
        return Decision(category if isinstance(category, str) and category else None, bool(row[USE]),
                        str(row[NOTE] or ""))  # fmt: skip

    def _set(self, account: str, decision: Decision, how: ChangeHow) -> None:
        if (
            decision.category
            and self.categories.get(decision.category)
            and self.categories[decision.category].excluded
        ):
            decision = Decision(decision.category, False, decision.note)
        self.table.loc[account, [CATEGORY, USE, NOTE]] = [
            decision.category,
            decision.use_in_routable,
            decision.note,
        ]
        if decision == self.base[account]:
            self.how.pop(account, None)
        else:
            self.how[account] = how
        row = self.rows[account]
        problems = decision_problems(decision, row, self.categories)
        self.problems[account] = problems
        self.table.loc[account, PROBLEMS] = _problem_text(problems)
        self.table.loc[account, STATE] = str(self._state(account, decision))

    def _state(self, account: str, decision: Decision) -> RowState:
        row = self.rows[account]
        how = self.how.get(account, row.how)
        probe = MappingRow(row.account, decision, row.suggestion, how, row.new_since_approval, row.approved)
        return probe.state()

    # -- edits ----------------------------------------------------------------------------------

    def apply_edits(self, edited_rows: Mapping[int, Mapping[str, object]], shown: Sequence[str]) -> int:
        """Fold the grid's ``edited_rows`` (row position in ``shown`` -> column -> value) into the table."""
        count = 0
        for position, values in edited_rows.items():
            account = shown[int(position)]
            current = self.decision(account)
            decision = self._edited(current, values)
            if decision == current:
                continue
            suggestion = self.rows[account].suggestion
            accepted = suggestion is not None and decision.category == suggestion.category != current.category
            self._set(account, decision, ChangeHow.SUGGESTION_ACCEPTED if accepted else ChangeHow.TYPED)
            count += 1
        return count

    def _edited(self, current: Decision, values: Mapping[str, object]) -> Decision:
        """The decision a row's edited cells make, keeping the category and the switch in step.

        Excluding has one meaning shown two ways: the category "Not used in Routable" and "use in
        Routable" off. The category leads: choosing it turns the switch off, choosing any other turns
        it on. Turning the switch off picks that category; turning it back on clears it, to be chosen.
        """
        note = " ".join(str(values.get(NOTE, current.note) or "").split())
        if CATEGORY in values:
            category = values[CATEGORY]
            chosen = category if isinstance(category, str) and category else None
            if chosen is None:
                return Decision(None, True, note)
            return Decision(chosen, not self._excluding(chosen), note)
        if USE in values and bool(values[USE]) != current.use_in_routable:
            if values[USE]:
                kept = (
                    current.category if current.category and not self._excluding(current.category) else None
                )
                return Decision(kept, True, note)
            return Decision(self.view.excluded_category, False, note)
        return Decision(current.category, current.use_in_routable, note)

    def _excluding(self, category: str) -> bool:
        found = self.categories.get(category)
        return found is not None and found.excluded

    def accept_suggestions(self, accounts: Iterable[str], threshold: float = DEFAULT_THRESHOLD) -> int:
        """Accept every suggestion at or above ``threshold`` on rows nobody decided yet."""
        count = 0
        for account in accounts:
            row = self.rows[account]
            suggestion = row.suggestion
            current = self.decision(account)
            if suggestion is None or not suggestion.category or not current.undecided:
                continue
            # An inactive account takes no bills: mapping it is an error a bulk action must not create.
            if suggestion.confidence < threshold or not row.account.active:
                continue
            self._set(account, Decision(suggestion.category, True, current.note), ChangeHow.BULK_ACCEPTED)
            count += 1
        return count

    def set_category(self, accounts: Iterable[str], category: str) -> int:
        count = 0
        for account in accounts:
            current = self.decision(account)
            if current.category != category:
                self._set(account, Decision(category, True, current.note), ChangeHow.BULK)
                count += 1
        return count

    def exclude(self, accounts: Iterable[str]) -> int:
        excluded = self.view.excluded_category
        count = 0
        for account in accounts:
            current = self.decision(account)
            wanted = Decision(excluded, False, current.note)
            if current != wanted:
                self._set(account, wanted, ChangeHow.BULK)
                count += 1
        return count

    def take(self, account: str, decision: Decision, how: ChangeHow) -> None:
        """Put a decision back as an unsaved edit (keeping one's own side of a conflict)."""
        self._set(account, decision, how)

    # -- what to save ---------------------------------------------------------------------------

    def changes(self) -> list[Change]:
        return [
            Change(account, self.base[account], self.decision(account), how)
            for account, how in self.how.items()
            if self.decision(account) != self.base[account]
        ]

    @property
    def dirty(self) -> bool:
        return bool(self.how)

    # -- filters and summaries ------------------------------------------------------------------

    def mask(self, filters: Filters) -> pd.Series:
        table = self.table
        keep = pd.Series(True, index=table.index)
        category = table[CATEGORY].fillna("")
        if filters.unmapped_only:
            keep &= (category == "") & table[USE]
        if filters.problems_only:
            # Real problems: an account still to decide is what "unmapped only" shows.
            wrong = {a for a, problems in self.problems.items() if any(not p.is_to_do for p in problems)}
            keep &= table.index.isin(wrong)
        if filters.new_only:
            keep &= table["_new"]
        if filters.types:
            keep &= table[TYPE].isin(filters.types)
        if filters.statuses:
            keep &= table[STATUS].isin(filters.statuses)
        if filters.number_from.strip():
            keep &= table["_number"] >= _number_key(filters.number_from.strip())
        if filters.number_to.strip():
            keep &= table["_number"] <= _number_key(filters.number_to.strip())
        if filters.search.strip():
            needle = filters.search.strip()
            keep &= table[ACCOUNT].str.contains(needle, case=False, regex=False) | table[TITLE].str.contains(
                needle, case=False, regex=False
            )
        if filters.problem_kind:
            kind = ProblemKind(filters.problem_kind)
            with_kind = {a for a, problems in self.problems.items() if any(p.kind == kind for p in problems)}
            keep &= table.index.isin(with_kind)
        if filters.category:
            keep &= category == filters.category
        return keep

    def all_problems(self) -> list[Problem]:
        return [problem for problems in self.problems.values() for problem in problems]

    def problem_summary(self) -> list[tuple[ProblemKind, Severity, int]]:
        """(kind, severity, how many accounts) for every kind found: errors, warnings, then to-dos."""
        counts = Counter(problem.kind for problem in self.all_problems())
        order = list(ProblemKind)
        return sorted(
            ((kind, SEVERITY[kind], count) for kind, count in counts.items()),
            key=lambda item: (item[0] in TO_DO_KINDS, item[1] != Severity.ERROR, order.index(item[0])),
        )

    def coverage(self) -> Coverage:
        table = self.table[self.table[STATUS] != "Deleted"]
        category = table[CATEGORY].fillna("")
        excluded_names = [name for name, c in self.categories.items() if c.excluded]
        decided = (category != "") | ~table[USE] | (table[NOTE] != "")
        excluded = decided & (~table[USE] | category.isin(excluded_names))
        mapped = (category != "") & ~excluded
        return Coverage.counted(len(table), int(mapped.sum()), int(excluded.sum()), self.all_problems())
