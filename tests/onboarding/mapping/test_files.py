"""CSV round trip, import validation (fuzzed), and the approved version as JSON and Excel."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from openpyxl import load_workbook

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER as LOCAL
from onboarding.mapping import actions
from onboarding.mapping.exports import neutralise
from onboarding.mapping.model import Decision
from onboarding.mapping.repository import MappingStore
from tests.mapping_helpers import CHART, gl, write_workspace_accounts
from tests.onboarding.mapping.test_repository import GOOD, save


@pytest.fixture
def mapping(store, tmp_path):
    return MappingStore(store, tmp_path / "data")


@pytest.fixture
def ws(store, tmp_path):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    chart = [*CHART, gl(6600, "=SUM(A1:A9) Fees"), gl(6700, "-Discounts taken", balance="credit")]
    write_workspace_accounts(tmp_path / "data", workspace.id, chart)
    return workspace.id


def export(mapping, ws) -> bytes:
    return actions.export_mapping_csv(mapping.load(ws), actor=LOCAL)


def read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def snapshot(mapping, ws):
    return mapping.revision(ws), mapping.load(ws).decisions(), len(mapping.audit(ws))


def test_export_lists_every_account_with_its_decision(mapping, ws):
    save(mapping, ws, {"6200": Decision("Travel", note="trips")})
    data = export(mapping, ws)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read(data)
    assert rows[0] == ["Account number", "Title", "Category", "Use in Routable", "Note"]
    assert ["6200", "Travel Expense", "Travel", "yes", "trips"] in rows
    assert ["1000", "Cash - Operating", "", "yes", ""] in rows


def test_cells_a_spreadsheet_would_run_are_neutralised(mapping, ws):
    save(mapping, ws, {"6400": Decision("Bank & Merchant Fees", note="@admin +1 check")})
    rows = {row[0]: row for row in read(export(mapping, ws))}
    assert rows["6600"][1] == "'=SUM(A1:A9) Fees"
    assert rows["6700"][1] == "'-Discounts taken"
    assert rows["6400"][4] == "'@admin +1 check"
    assert all(neutralise(v) == v for v in ("Travel", "'quoted", "12"))


def test_export_import_export_gives_identical_bytes(mapping, ws):
    save(mapping, ws, {**GOOD, "6400": Decision("Bank & Merchant Fees", note="=not a formula")})
    first = export(mapping, ws)
    outcome = actions.import_mapping_csv(mapping, ws, first, LOCAL)
    assert outcome.parsed.ok and outcome.result is not None and outcome.result.applied == ()
    assert export(mapping, ws) == first


def test_import_applies_changes_recorded_as_import(mapping, ws):
    rows = read(export(mapping, ws))
    for row in rows[1:]:
        if row[0] == "6100":
            row[2], row[4] = "software & subscriptions", "from the sheet"
        if row[0] == "6300":
            row[2], row[3] = "Not used in Routable", "no"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    outcome = actions.import_mapping_csv(mapping, ws, buffer.getvalue().encode("utf-8"), LOCAL)  # no BOM
    assert outcome.parsed.ok and set(outcome.result.applied) == {"6100", "6300"}
    decisions = mapping.load(ws).decisions()
    assert decisions["6100"] == Decision("Software & Subscriptions", True, "from the sheet")
    assert decisions["6300"] == Decision("Not used in Routable", False, "")
    assert {e.how for e in mapping.audit(ws) if e.account in ("6100", "6300")} == {"import"}


def _file(
    *rows: list[str], header=("Account number", "Title", "Category", "Use in Routable", "Note")
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_row_errors_name_row_column_and_problem_and_change_nothing(mapping, ws):
    save(mapping, ws, {"6200": Decision("Travel")})
    before = snapshot(mapping, ws)
    data = _file(
        ["6100", "", "Software & Subscriptions", "yes", ""],  # fine, but must not be applied
        ["9999", "", "Travel", "yes", ""],
        ["6200", "", "Snacks", "yes", ""],
        ["6400", "", "Bank & Merchant Fees", "maybe", ""],
        ["6100", "", "Travel", "yes", ""],
        ["6000", "", '=HYPERLINK("http://x")', "yes", ""],
    )
    outcome = actions.import_mapping_csv(mapping, ws, data, LOCAL)
    assert outcome.result is None
    assert [(p.row, p.column) for p in outcome.parsed.problems] == [
        (3, "Account number"), (4, "Category"), (5, "Use in Routable"), (6, "Account number"),
        (7, "Category"),
    ]  # fmt: skip
    messages = [str(p) for p in outcome.parsed.problems]
    assert "9999 is not a GL account" in messages[0]
    assert "'Snacks' is not a category" in messages[1]
    assert "'maybe' is not yes or no" in messages[2]
    assert "also on row 2" in messages[3]
    assert "formula" in messages[4]
    assert snapshot(mapping, ws) == before


def test_a_retired_category_cannot_be_imported(mapping, ws):
    mapping.retire_category(ws, "Travel", LOCAL)
    outcome = actions.import_mapping_csv(mapping, ws, _file(["6200", "", "Travel", "yes", ""]), LOCAL)
    assert "'Travel' is retired" in str(outcome.parsed.problems[0])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (bytes(random.Random(7).randrange(256) for _ in range(4000)), "not UTF-8 text"),
        ("Account number,Category\n6200,Café & Repas\n".encode("cp1252"), "not UTF-8 text"),
        (b"", "empty"),
        (b"\x00\x01\x02binary", "not UTF-8 text"),
        (b"Title,Note\nx,y\n", "Account number and Category are missing"),
        (b"Account number,Category\n", "no rows to import"),
        (b'Account number,Category\n"6200,Travel\n', "unclosed quote"),
    ],
    ids=["garbage", "cp1252", "empty", "binary", "no-columns", "header-only", "open-quote"],
)
def test_files_that_are_not_a_mapping_get_a_clear_error(mapping, ws, data, expected):
    before = snapshot(mapping, ws)
    outcome = actions.import_mapping_csv(mapping, ws, data, LOCAL)
    assert outcome.result is None and expected in str(outcome.parsed.problems[0])
    assert snapshot(mapping, ws) == before


def test_a_100000_row_file_is_refused_without_changes(mapping, ws):
    before = snapshot(mapping, ws)
    data = _file(*([str(6000 + i % 5), "", "Travel", "yes", ""] for i in range(100_000)))
    outcome = actions.import_mapping_csv(mapping, ws, data, LOCAL)
    assert outcome.result is None
    assert "more than 50,000 rows" in str(outcome.parsed.problems[0])
    assert snapshot(mapping, ws) == before


def test_many_bad_rows_report_the_first_ones_and_the_count(mapping, ws):
    data = _file(*([str(6000 + (i % 3) * 100), "", "Travel", "yes", ""] for i in range(300)))
    outcome = actions.import_mapping_csv(mapping, ws, data, LOCAL)
    assert outcome.result is None and len(outcome.parsed.problems) == 50
    assert outcome.parsed.total_problems == 297  # every row after the first three is a duplicate


def test_fuzzed_mutations_of_a_good_file_never_half_apply(mapping, ws):
    good = export(mapping, ws)
    rng = random.Random(11)
    for _ in range(60):
        data = bytearray(good)
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        before = snapshot(mapping, ws)
        outcome = actions.import_mapping_csv(mapping, ws, bytes(data), LOCAL)
        if outcome.result is None:
            assert outcome.parsed.problems and snapshot(mapping, ws) == before
            assert all(str(p) for p in outcome.parsed.problems)


def test_the_approved_version_exports_as_json_and_excel(mapping, ws, tmp_path):
    write_workspace_accounts(tmp_path / "data", ws, CHART)
    save(mapping, ws, GOOD)
    version = mapping.approve(ws, mapping.submit(ws, mapping.revision(ws), LOCAL).number, LOCAL)
    document = json.loads(actions.export_approved_json(mapping, ws, version.number, "Acme Corp", actor=LOCAL))
    assert document["version"] == 1 and document["approved_by"] == LOCAL.audit_label
    assert document["approved_at"] and document["checked_by_a_second_person"] is False
    by_number = {a["account_number"]: a for a in document["accounts"]}
    assert by_number["6200"]["category"] == "Travel" and by_number["6200"]["category_kind"] == "expense"

    book = load_workbook(
        io.BytesIO(actions.export_approved_xlsx(mapping, ws, version.number, "Acme Corp", actor=LOCAL))
    )
    assert book.sheetnames == ["Mapping", "Coverage"]
    sheet = book["Mapping"]
    assert sheet["A2"].value == "Version" and sheet["B2"].value == 1  # a number, as on the Coverage sheet
    assert (sheet["A3"].value, sheet["B3"].value) == ("Status", "approved")
    assert (sheet["A5"].value, sheet["B5"].value) == ("Approved by", LOCAL.audit_label)
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=9)]
    assert ["6200", "Travel Expense", "Travel", "yes", "trips"] in rows
    coverage = {r[0].value: r[1].value for r in book["Coverage"].iter_rows() if r[0].value}
    assert coverage["Mapped"] == 4 and coverage["Excluded"] == 2 and coverage["Travel"] == 1


def test_only_approved_versions_export_as_json(mapping, ws, tmp_path):
    write_workspace_accounts(tmp_path / "data", ws, CHART)
    save(mapping, ws, GOOD)
    version = mapping.submit(ws, mapping.revision(ws), LOCAL)
    with pytest.raises(actions.MappingError, match="not approved"):
        actions.export_approved_json(mapping, ws, version.number, "Acme Corp", actor=LOCAL)


def test_audit_and_diff_export(mapping, ws):
    save(mapping, ws, {"6200": Decision("Travel", note="=1+1")})
    rows = read(actions.export_audit_csv(mapping, ws, actor=LOCAL))
    assert rows[0][:4] == ["When", "Who", "Account number", "What"]
    assert any(r[2] == "6200" and r[5] == "Travel" and r[7] == "'=1+1" for r in rows[1:])
    diff = read(actions.export_diff_csv(mapping, mapping.load(ws), actor=LOCAL))
    assert diff[1][:4] == ["6200", "Travel Expense", "not mapped", "Travel"]
