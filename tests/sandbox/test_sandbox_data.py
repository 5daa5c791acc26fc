"""The demo data (deterministic, realistic, complete) and the in-process mutation API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intacct.sandbox.schema import OBJECTS
from tests.sandbox.wire import call, ok_data, query, records


@pytest.fixture
def box(make_sandbox):
    return make_sandbox(vendors=30, accounts=60)


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%m/%d/%Y %H:%M:%S")


def test_same_seed_same_data_other_seed_other_data(make_sandbox):
    first = make_sandbox(seed=5, vendors=40, accounts=50)
    again = make_sandbox(seed=5, vendors=40, accounts=50)
    other = make_sandbox(seed=6, vendors=40, accounts=50)
    for obj in ("VENDOR", "GLACCOUNT", "PROJECT"):
        assert first.records("ACME-DEMO", obj) == again.records("ACME-DEMO", obj)
    assert first.records("ACME-DEMO", "VENDOR") != other.records("ACME-DEMO", "VENDOR")


def test_every_record_has_exactly_its_objects_fields(sandbox):
    for name, spec in OBJECTS.items():
        rows = sandbox.records("ACME-DEMO", name)
        assert rows, name
        assert all(set(row) == set(spec.field_names) for row in rows), name


def test_gl_accounts_look_like_a_chart_of_accounts(sandbox):
    accounts = sandbox.records("ACME-DEMO", "GLACCOUNT")
    assert len(accounts) == 400
    numbers = [r["ACCOUNTNO"] for r in accounts]
    assert len(set(numbers)) == 400 and all(len(n) == 4 and n.isdigit() for n in numbers)
    by_number = {r["ACCOUNTNO"]: r for r in accounts}
    assert by_number["6200"]["TITLE"] == "Office Supplies"
    assert by_number["6400"]["TITLE"] == "Travel - Airfare"
    assert by_number["2000"]["NORMALBALANCE"] == "credit"
    for row in accounts:
        income = int(row["ACCOUNTNO"]) >= 4000 and int(row["ACCOUNTNO"]) < 9000
        assert row["ACCOUNTTYPE"] == ("incomestatement" if income else "balancesheet"), row["ACCOUNTNO"]
    assert {r["STATUS"] for r in accounts} == {"active", "inactive"}
    assert {r["MEGAENTITYID"] for r in accounts} >= {"", "E100"}
    assert sum(r["MEGAENTITYID"] == "" for r in accounts) > 350  # most belong to the top level


def test_vendors_include_awkward_names_and_full_contacts(sandbox):
    vendors = sandbox.records("ACME-DEMO", "VENDOR")
    assert len(vendors) == 2000
    names = {r["NAME"] for r in vendors}
    assert {"Müller GmbH", "Société Générale", "Smith & Sons Plumbing", "Less<More Design Studio"} <= names
    assert len({r["VENDORID"] for r in vendors}) == 2000
    emails = [r["DISPLAYCONTACT.EMAIL1"] for r in vendors]
    assert all("@" in e and e.isascii() for e in emails)
    assert all(r["DISPLAYCONTACT.MAILADDRESS.CITY"] for r in vendors)


def test_solo_company_is_smaller_and_different(sandbox):
    solo = sandbox.records("SOLO-DEMO", "VENDOR")
    assert 0 < len(solo) < 2000
    assert solo[0]["NAME"] != sandbox.records("ACME-DEMO", "VENDOR")[0]["NAME"]
    assert {r["MEGAENTITYID"] for r in solo} == {""}


def test_created_records_are_served_and_stamped_now(box):
    before = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    recordno = box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "V-NEW", "NAME": "Nouveau Café & Co"})
    assert recordno == "31"
    data = ok_data(
        call(
            box.url,
            query(
                "VENDOR",
                ["RECORDNO", "NAME", "STATUS", "WHENMODIFIED"],
                filter_xml="<equalto><field>VENDORID</field><value>V-NEW</value></equalto>",
            ),
        )
    )
    [row] = records(data)
    assert row["NAME"] == "Nouveau Café & Co" and row["STATUS"] == "active"
    assert _stamp(row["WHENMODIFIED"]) >= before


def test_quick_updates_get_strictly_increasing_timestamps(box):
    stamps = []
    for title in ("First", "Second", "Third"):
        box.update_record("ACME-DEMO", "GLACCOUNT", 5, {"TITLE": title})
        stamps.append(box.records("ACME-DEMO", "GLACCOUNT")[4]["WHENMODIFIED"])
    assert _stamp(stamps[0]) < _stamp(stamps[1]) < _stamp(stamps[2])


def test_incremental_filter_finds_exactly_the_changed_records(box):
    box.update_record("ACME-DEMO", "VENDOR", 3, {"COMMENTS": "touched"})
    mark = box.records("ACME-DEMO", "VENDOR")[2]["WHENMODIFIED"]
    box.update_record("ACME-DEMO", "VENDOR", 7, {"COMMENTS": "changed later"})
    new = box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "V-LATE", "NAME": "Late Arrival LLC"})
    data = ok_data(
        call(
            box.url,
            query(
                "VENDOR",
                ["RECORDNO"],
                filter_xml=(f"<greaterthan><field>WHENMODIFIED</field><value>{mark}</value></greaterthan>"),
            ),
        )
    )
    assert [r["RECORDNO"] for r in records(data)] == ["7", new]


def test_deleted_records_disappear(box):
    box.delete_record("ACME-DEMO", "VENDOR", 2)
    numbers = [r["RECORDNO"] for r in box.records("ACME-DEMO", "VENDOR")]
    assert "2" not in numbers and len(numbers) == 29
    data = ok_data(call(box.url, query("VENDOR", ["RECORDNO"], pagesize=3)))
    assert [r["RECORDNO"] for r in records(data)] == ["1", "3", "4"]
    with pytest.raises(KeyError):
        box.update_record("ACME-DEMO", "VENDOR", 2, {"NAME": "ghost"})


def test_entity_owned_records_created_through_the_api(box):
    recordno = box.create_record(
        "ACME-DEMO", "GLACCOUNT", {"ACCOUNTNO": "6999", "TITLE": "Local Fees", "MEGAENTITYID": "E300"}
    )
    row = next(r for r in box.records("ACME-DEMO", "GLACCOUNT") if r["RECORDNO"] == recordno)
    assert (row["MEGAENTITYNAME"], row["MEGAENTITYKEY"]) == ("Acme Canada Ltd.", "3")
    assert recordno in [r["RECORDNO"] for r in box.records("ACME-DEMO", "GLACCOUNT", "E300")]
    assert recordno not in [r["RECORDNO"] for r in box.records("ACME-DEMO", "GLACCOUNT", "E100")]


def test_mutation_api_rejects_unknown_things(box):
    with pytest.raises(ValueError, match="NOPE"):
        box.create_record("ACME-DEMO", "VENDOR", {"NOPE": "x"})
    with pytest.raises(KeyError):
        box.records("NO-SUCH", "VENDOR")
    with pytest.raises(KeyError):
        box.records("ACME-DEMO", "VENDOR", "E999")
