"""Round trips where they, not data, are the cost: small objects share a request, an incremental run
starts with one request for every object's changes and count, and deletions are found by bisection."""

from __future__ import annotations

import dataclasses

import pytest

from intacct import errors
from intacct.sync import DEFAULT_OBJECTS, _engine, sync_objects
from intacct.sync._schema import SCHEMAS


def _assert_exact(box, db, tables, objects=DEFAULT_OBJECTS):
    for name in objects:
        assert tables.local(db, name) == tables.remote(box, name), f"{name}: local table differs"


def test_objects_that_fit_one_page_share_one_request(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=3000, accounts=300)
    session = login(box.url)
    box.reset_stats()
    report = sync_objects(session, tmp_path / "i.db")

    assert report.ok, report.errors
    _assert_exact(box, tmp_path / "i.db", tables)
    # GL accounts and the six dimensions in one request, then the vendors' two pages one each.
    assert box.stats.requests == 3
    assert box.stats.functions["query"] == len(DEFAULT_OBJECTS) - 1 + 2


def test_a_denied_or_failing_function_fails_only_its_own_object(
    make_sandbox, login, tables, monkeypatch, tmp_path
):
    real = _engine.schema
    broken = dataclasses.replace(SCHEMAS["CLASS"], fields=(*SCHEMAS["CLASS"].fields, "NOSUCHFIELD"))
    monkeypatch.setattr(_engine, "schema", lambda name: broken if name == "CLASS" else real(name))
    box = make_sandbox(vendors=500, accounts=100)
    session = login(box.url, user="limited_ws")
    box.reset_stats()
    report = sync_objects(session, tmp_path / "i.db")

    assert report.status == "partial"
    failed = {name: o for name, o in report.objects.items() if o.status == "failed"}
    assert set(failed) == {"GLACCOUNT", "CLASS"}
    assert isinstance(failed["GLACCOUNT"].exception, errors.PermissionDeniedError)
    assert "NOSUCHFIELD" in failed["CLASS"].error
    _assert_exact(box, tmp_path / "i.db", tables, [n for n in DEFAULT_OBJECTS if n not in failed])
    assert box.stats.requests == 2  # the batch and the vendors' page: refusals are not retried


def test_a_resync_with_nothing_changed_is_one_request(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=5000, accounts=300)
    session = login(box.url)
    db = tmp_path / "i.db"
    assert sync_objects(session, db).ok
    box.reset_stats()
    again = sync_objects(session, db)

    assert again.ok and again.deleted == 0 and again.inserted == 0
    assert {o.mode for o in again.objects.values()} == {"incremental"}
    assert box.stats.requests == 1  # every object's changes and count together
    assert box.stats.functions["query"] == 2 * len(DEFAULT_OBJECTS)
    _assert_exact(box, db, tables)


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 50 records, so 2,000 vendors take several bisection levels to narrow down."""
    monkeypatch.setattr(_engine, "PAGE_SIZE", 50)


@pytest.mark.parametrize(
    ("deleted", "most_requests"),
    [
        ((), 1),
        ((1037,), 5),
        ((1,), 5),
        ((2000,), 5),
        ((1, 2000), 8),
        (tuple(range(3, 2000, 97)), 30),
        (tuple(range(600, 700)), 12),
    ],
    ids=["none", "one", "first", "last", "both-ends", "scattered", "a-block"],
)
def test_bisection_finds_every_deletion(small_pages, make_sandbox, login, tables, tmp_path, deleted,
                                        most_requests):  # fmt: skip
    box = make_sandbox(vendors=2000, accounts=40)
    session = login(box.url)
    db = tmp_path / "i.db"
    assert sync_objects(session, db, ["VENDOR"]).ok
    for recordno in deleted:
        box.delete_record("ACME-DEMO", "VENDOR", recordno)
    box.reset_stats()
    report = sync_objects(session, db, ["VENDOR"])

    assert report.ok and report.objects["VENDOR"].deleted == len(deleted)
    assert set(tables.local(db, "VENDOR", deleted=True)) == set(deleted)
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
    # A full RECORDNO scan would take 40 pages of 50.
    assert box.stats.requests <= most_requests


def test_bisection_with_a_creation_and_a_change_in_the_same_run(small_pages, make_sandbox, login, tables,
                                                                tmp_path):  # fmt: skip
    box = make_sandbox(vendors=2000, accounts=40)
    session = login(box.url)
    db = tmp_path / "i.db"
    assert sync_objects(session, db, ["VENDOR"]).ok
    box.delete_record("ACME-DEMO", "VENDOR", 512)
    created = int(box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "VNEW", "NAME": "New Vendor"}))
    box.update_record("ACME-DEMO", "VENDOR", 1500, {"NAME": "Changed Vendor"})
    report = sync_objects(session, db, ["VENDOR"])

    vendor = report.objects["VENDOR"]
    assert report.ok and (vendor.inserted, vendor.updated, vendor.deleted) == (1, 1, 1)
    assert set(tables.local(db, "VENDOR", deleted=True)) == {512}
    assert created in tables.local(db, "VENDOR")
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
