"""The checks that gate submitting a mapping for review. Drafts save whatever they hold; only errors
stop a submission or an approval, warnings are there to be read.

errors:   an active income-statement account neither mapped nor excluded; an inactive account newly
          mapped; a balance-sheet account on an expense category; a retired category in use.
warnings: an income account on an expense category; an account that requires dimensions; and, after a
          re-sync, a mapped account that Intacct deleted or inactivated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from onboarding.mapping.defaults import CategoryKind
from onboarding.mapping.model import Category, Decision, MappingRow, is_excluded, is_mapped


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class ProblemKind(StrEnum):
    UNMAPPED = "unmapped"
    INACTIVE_NEWLY_MAPPED = "inactive newly mapped"
    BALANCE_SHEET_ON_EXPENSE = "balance sheet on expense"
    RETIRED_CATEGORY = "retired category"
    INCOME_ON_EXPENSE = "income on expense"
    DIMENSIONS_REQUIRED = "dimensions required"
    GONE_FROM_INTACCT = "gone from Intacct"
    INACTIVATED_IN_INTACCT = "inactivated in Intacct"


SEVERITY = {
    ProblemKind.UNMAPPED: Severity.ERROR,
    ProblemKind.INACTIVE_NEWLY_MAPPED: Severity.ERROR,
    ProblemKind.BALANCE_SHEET_ON_EXPENSE: Severity.ERROR,
    ProblemKind.RETIRED_CATEGORY: Severity.ERROR,
    ProblemKind.INCOME_ON_EXPENSE: Severity.WARNING,
    ProblemKind.DIMENSIONS_REQUIRED: Severity.WARNING,
    ProblemKind.GONE_FROM_INTACCT: Severity.WARNING,
    ProblemKind.INACTIVATED_IN_INTACCT: Severity.WARNING,
}

# An account nobody decided yet is work to do, not a mistake: it still blocks a submission (bills
# need a category for every account they can post to), but pages count it as "to do", apart from the
# real problems, so a freshly synced chart does not open on hundreds of "errors".
TO_DO_KINDS = frozenset({ProblemKind.UNMAPPED})
TO_DO = "to do"

# The line the problem list shows for each kind, with how many accounts it concerns.
KIND_LABELS = {
    ProblemKind.UNMAPPED: "Active income-statement accounts still to decide (choose a category or exclude)",
    ProblemKind.INACTIVE_NEWLY_MAPPED: "Inactive accounts given a category since the last approval",
    ProblemKind.BALANCE_SHEET_ON_EXPENSE: "Balance-sheet accounts on an expense category",
    ProblemKind.RETIRED_CATEGORY: "Accounts on a retired category",
    ProblemKind.INCOME_ON_EXPENSE: "Income accounts on an expense category",
    ProblemKind.DIMENSIONS_REQUIRED: "Accounts whose bills must carry dimensions",
    ProblemKind.GONE_FROM_INTACCT: "Mapped accounts deleted in Intacct",
    ProblemKind.INACTIVATED_IN_INTACCT: "Mapped accounts inactivated in Intacct since the last approval",
}


@dataclass(frozen=True)
class Problem:
    account: str
    kind: ProblemKind
    message: str

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.kind]

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def is_to_do(self) -> bool:
        """A decision still to make (it blocks a submission, but nothing is wrong yet)."""
        return self.kind in TO_DO_KINDS

    @property
    def label(self) -> str:
        """How the pages call it: "to do" for a decision still to make, else its severity."""
        return kind_label(self.kind)


def kind_label(kind: ProblemKind) -> str:
    return TO_DO if kind in TO_DO_KINDS else str(SEVERITY[kind])


def _is_income(row: MappingRow) -> bool:
    # Revenue accounts: income statement with a credit normal balance (contra-expenses are rare and
    # earn only a warning, which a finance lead can read and accept).
    return row.account.income_statement and row.account.normal_balance == "credit"


def check_row(row: MappingRow, categories: dict[str, Category]) -> list[Problem]:
    account, decision = row.account, row.decision
    number = account.number
    problems: list[Problem] = []
    mapped = is_mapped(decision, categories)
    category = categories.get(decision.category or "")
    if account.deleted:
        if mapped:
            problems.append(
                Problem(number, ProblemKind.GONE_FROM_INTACCT,
                        f"Account {number} was deleted in Intacct but is still mapped to "
                        f"{decision.category}: exclude it, or map its replacement.")
            )  # fmt: skip
        return problems
    if account.active and account.income_statement and not mapped and not is_excluded(decision, categories):
        problems.append(
            Problem(number, ProblemKind.UNMAPPED,
                    f"Account {number} is an active income-statement account: choose its category, "
                    "or exclude it if bills never post there.")
        )  # fmt: skip
    if mapped and not account.active:
        approved_mapped = row.approved is not None and is_mapped(row.approved, categories)
        if not approved_mapped:
            problems.append(
                Problem(number, ProblemKind.INACTIVE_NEWLY_MAPPED,
                        f"Account {number} is inactive in Intacct, so bills cannot post to it: exclude it, "
                        "or make it active in Intacct and sync again.")
            )  # fmt: skip
        elif row.approved == decision:
            problems.append(
                Problem(number, ProblemKind.INACTIVATED_IN_INTACCT,
                        f"Account {number} was inactivated in Intacct after it was mapped: "
                        "exclude it or move its bills to another account.")
            )  # fmt: skip
    if mapped and category is not None:
        if category.retired:
            problems.append(
                Problem(number, ProblemKind.RETIRED_CATEGORY,
                        f"Account {number} uses the retired category {category.name}: choose another one.")
            )  # fmt: skip
        if category.kind == CategoryKind.EXPENSE and account.balance_sheet:
            problems.append(
                Problem(number, ProblemKind.BALANCE_SHEET_ON_EXPENSE,
                        f"Account {number} is a balance-sheet account on the expense category "
                        f"{category.name}: choose a balance-sheet category or exclude it.")
            )  # fmt: skip
        if category.kind == CategoryKind.EXPENSE and _is_income(row):
            problems.append(
                Problem(number, ProblemKind.INCOME_ON_EXPENSE,
                        f"Account {number} is an income account on the expense category {category.name}; "
                        "check that bills really post there.")
            )  # fmt: skip
    if mapped and account.required_dimensions:
        problems.append(
            Problem(number, ProblemKind.DIMENSIONS_REQUIRED,
                    f"Bills coded to account {number} must carry: {account.dimensions_text}.")
        )  # fmt: skip
    return problems


def check_rows(rows: Iterable[MappingRow], categories: dict[str, Category]) -> list[Problem]:
    """Check every row, storing each row's problems on it too; returns them all in row order."""
    found: list[Problem] = []
    for row in rows:
        row.problems = check_row(row, categories)
        found.extend(row.problems)
    return found


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Everything that blocks a submission or an approval: real errors and decisions still to make."""
    return [problem for problem in problems if problem.is_error]


def blocking_summary(blocking: Iterable[Problem]) -> str:
    """What stops a submission, in words: so many accounts to decide, so many errors to fix."""
    found = list(blocking)
    to_do = sum(1 for problem in found if problem.is_to_do)
    wrong = len(found) - to_do
    parts = []
    if to_do:
        parts.append(f"{to_do:,} active income-statement account{'s' if to_do != 1 else ''} still to decide")
    if wrong:
        parts.append(f"{wrong:,} error{'s' if wrong != 1 else ''} to fix")
    return " and ".join(parts)


def decision_problems(decision: Decision, row: MappingRow, categories: dict[str, Category]) -> list[Problem]:
    """The problems ``row`` would have with ``decision`` instead of its own (for edits not yet saved)."""
    probe = MappingRow(row.account, decision, row.suggestion, row.how, row.new_since_approval, row.approved)
    return check_row(probe, categories)
