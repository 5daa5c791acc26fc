"""The mapping as files: CSV (the round-trippable working format), JSON and Excel of an approved version,
and CSV of the diff and the audit trail.

Every text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-`` or ``@``)
is written with a leading apostrophe, which spreadsheets show as text; the import takes it off again, so
export, import and export give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from onboarding.mapping.model import Decision, MappingRow
from onboarding.mapping.repository import AuditEntry, Coverage, DiffRow, Version

CSV_COLUMNS = ("Account number", "Title", "Category", "Use in Routable", "Note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    return (BOM + buffer.getvalue()).encode("utf-8")


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def mapping_csv(rows: Iterable[tuple[str, str, Decision]]) -> bytes:
    """(account number, title, decision) rows as the mapping CSV."""
    return _csv(
        CSV_COLUMNS,
        ((number, title, d.category or "", yes_no(d.use_in_routable), d.note) for number, title, d in rows),
    )


def rows_csv(rows: Iterable[MappingRow]) -> bytes:
    return mapping_csv((row.number, row.account.title, row.decision) for row in rows)


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def diff_csv(rows: Iterable[DiffRow]) -> bytes:
    return _csv(
        ("Account number", "Title", "Before", "After", "Changed by", "Changed at", "Note"),
        ((r.account, r.title, r.before, r.after, r.who, _when(r.when), r.note) for r in rows),
    )


def audit_csv(entries: Iterable[AuditEntry]) -> bytes:
    return _csv(
        ("When", "Who", "Account number", "What", "Before", "After", "How", "Note"),
        ((_when(e.at), e.who, e.account, e.field, e.before, e.after, e.how, e.note) for e in entries),
    )


def _version_header(version: Version, workspace: str) -> dict[str, object]:
    return {
        "workspace": workspace,
        "version": version.number,
        "status": version.status,
        "submitted_by": version.submitted_by,
        "submitted_at": _when(version.submitted_at),
        "approved_by": version.decided_by,
        "approved_at": _when(version.decided_at),
        "checked_by_a_second_person": bool(version.second_person_checked),
    }


def version_json(
    version: Version,
    workspace: str,
    decisions: dict[str, Decision],
    titles: dict[str, str],
    kinds: dict[str, str],
) -> bytes:
    document = {
        **_version_header(version, workspace),
        "accounts": [
            {
                "account_number": number,
                "title": titles.get(number, ""),
                "category": decision.category,
                "category_kind": kinds.get(decision.category or ""),
                "use_in_routable": decision.use_in_routable,
                "note": decision.note,
            }
            for number, decision in decisions.items()
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def version_xlsx(
    version: Version,
    workspace: str,
    decisions: dict[str, Decision],
    titles: dict[str, str],
    coverage: Coverage,
) -> bytes:
    """An Excel workbook: the mapping sheet (with the version's status, who submitted and who approved it
    when) and a coverage sheet."""
    from openpyxl import Workbook  # only this export needs it
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Mapping"
    header = _version_header(version, workspace)
    # The status leads: a workbook of a version still under review must not pass for an approved one.
    for label, key in (("Workspace", "workspace"), ("Version", "version"), ("Status", "status"),
                       ("Submitted by", "submitted_by"), ("Approved by", "approved_by"),
                       ("Approved at", "approved_at")):  # fmt: skip
        value = header[key]
        sheet.append([label, value if isinstance(value, int) else neutralise(value)])
    sheet.append([])
    sheet.append(list(CSV_COLUMNS))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    # The column names stay in sight while scrolling down a long chart of accounts.
    sheet.freeze_panes = f"A{sheet.max_row + 1}"
    for number, decision in decisions.items():
        sheet.append([neutralise(number), neutralise(titles.get(number, "")),
                      neutralise(decision.category or ""), yes_no(decision.use_in_routable),
                      neutralise(decision.note)])  # fmt: skip
    for column, width in zip("ABCDE", (16, 40, 32, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width

    summary = book.create_sheet("Coverage")
    summary.append(["Version", version.number])
    summary.append([])
    for label, value in (("Accounts", coverage.accounts), ("Mapped", coverage.mapped),
                         ("Excluded", coverage.excluded), ("To do", coverage.to_do),
                         ("Errors", coverage.errors), ("Warnings", coverage.warnings)):  # fmt: skip
        summary.append([label, value])
    summary.append([])
    summary.append(["Category", "Accounts"])
    counts = Counter(d.category for d in decisions.values() if d.category)
    for category, count in sorted(counts.items()):
        summary.append([neutralise(category), count])
    summary.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
