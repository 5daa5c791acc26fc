"""Import of the mapping CSV: every row is checked first, and nothing changes unless all of them pass.

The file is the one ``exports.mapping_csv`` writes (account number, title, category, use in Routable,
note), read as UTF-8 with or without a byte-order mark. Each problem names the row as a spreadsheet
numbers it (the header is row 1), the column, and what is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from onboarding.mapping.exports import CSV_COLUMNS, FORMULA_STARTS
from onboarding.mapping.model import Category, Decision
from onboarding.mapping.repository import MAX_NOTE

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_REPORTED = 50
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
REQUIRED = ("Account number", "Category")


@dataclass(frozen=True)
class ImportProblem:
    row: int  # 0: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}: " if self.row else ""
        return where + self.message


@dataclass(frozen=True)
class ParsedImport:
    decisions: dict[str, Decision]
    problems: list[ImportProblem]
    total_problems: int

    @property
    def ok(self) -> bool:
        return not self.problems


def _failed(message: str, column: str = "") -> ParsedImport:
    return ParsedImport({}, [ImportProblem(0, column, message)], 1)


def _text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return text


def _cell(value: str) -> tuple[str, bool]:
    """The cell's text without our neutralising apostrophe; True when it would run as a formula."""
    text = value.strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:], False
    return text, text.startswith(FORMULA_STARTS[:4])


def parse_mapping_csv(data: bytes, accounts: Sequence[str], categories: Sequence[Category]) -> ParsedImport:
    """Check the whole file against the workspace's accounts and categories; decisions only if all pass."""
    if len(data) > MAX_BYTES:
        return _failed(f"The file is {len(data) // (1024 * 1024)} MB; a mapping file is far smaller. "
                       "Check that you picked the mapping CSV exported from this page.")  # fmt: skip
    text = _text(data)
    if text is None:
        return _failed("The file is not UTF-8 text. In your spreadsheet choose 'Save as' → 'CSV UTF-8' and "
                       "import that file.")  # fmt: skip
    if not text.strip():
        return _failed("The file is empty. Export the mapping from this page, edit it, and import it again.")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader)
    except csv.Error:
        return _failed("The file is not a readable CSV file. Export the mapping again and edit that copy.")
    names = [name.strip().lstrip("\ufeff").casefold() for name in header]
    index = {}
    for column in CSV_COLUMNS:
        if column.casefold() in names:
            index[column] = names.index(column.casefold())
    missing = [column for column in REQUIRED if column not in index]
    if missing:
        return _failed(
            f"The first row must name the columns {', '.join(CSV_COLUMNS)}; "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.",
            "header",
        )
    known_accounts = set(accounts)
    by_key = {category.name.casefold(): category for category in categories}
    problems: list[ImportProblem] = []
    total = 0
    decisions: dict[str, Decision] = {}
    seen: dict[str, int] = {}

    def problem(row: int, column: str, message: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_REPORTED:
            problems.append(ImportProblem(row, column, message))

    row_number = 1
    try:
        for values in reader:
            row_number += 1
            if row_number - 1 > MAX_ROWS:
                return _failed(
                    f"The file has more than {MAX_ROWS:,} rows, but this workspace has "
                    f"{len(known_accounts):,} GL accounts and a mapping has one row per account. "
                    "Check that you picked the right file."
                )
            if not any(value.strip() for value in values):
                continue

            def get(column: str, values: list[str] = values) -> tuple[str, bool]:
                position = index.get(column)
                if position is None or position >= len(values):
                    return "", False
                return _cell(values[position])

            cells = {column: get(column) for column in CSV_COLUMNS}
            for column, (_, formula) in cells.items():
                if formula:
                    problem(row_number, column, "starts with a character that makes spreadsheets run it "
                                                "as a formula; remove it, or start the cell with an "
                                                "apostrophe.")  # fmt: skip
            if any(formula for _, formula in cells.values()):
                continue
            number = cells["Account number"][0]
            if not number:
                problem(row_number, "Account number", "is empty; every row needs the account it maps.")
                continue
            if number not in known_accounts:
                problem(row_number, "Account number", f"{number} is not a GL account of this workspace "
                                                      "(as of the last sync).")  # fmt: skip
                continue
            if number in seen:
                problem(row_number, "Account number", f"{number} is also on row {seen[number]}; keep one row "
                                                      "per account.")  # fmt: skip
                continue
            seen[number] = row_number
            category_name = cells["Category"][0]
            category = by_key.get(category_name.casefold()) if category_name else None
            if category_name and category is None:
                problem(row_number, "Category", f"'{category_name}' is not a category of this workspace; use "
                                                "one of the names in the table's Category list.")  # fmt: skip
                continue
            if category is not None and category.retired:
                problem(row_number, "Category", f"'{category.name}' is retired; choose another category.")
                continue
            use_text = cells["Use in Routable"][0].casefold()
            if use_text and use_text not in YES | NO:
                problem(row_number, "Use in Routable", f"'{cells['Use in Routable'][0]}' is not yes or no.")
                continue
            note = " ".join(cells["Note"][0].split())
            if len(note) > MAX_NOTE:
                problem(row_number, "Note", f"is {len(note)} characters long; keep notes to {MAX_NOTE}.")
                continue
            use = use_text not in NO and not (category is not None and category.excluded)
            decisions[number] = Decision(category.name if category else None, use, note)
    except csv.Error:
        return _failed(
            f"Row {row_number} cannot be read as CSV (an unclosed quote?). Fix it and import again."
        )
    if total:
        return ParsedImport({}, problems, total)
    if not decisions:
        return _failed("The file has a header but no rows to import.")
    return ParsedImport(decisions, [], 0)
