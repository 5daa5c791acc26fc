"""The sync against a real sandbox over loopback HTTP, into a real SQLite file."""

import sqlite3
import threading

import pytest

import intacct.sync
from intacct import errors
from intacct.sync import DEFAULT_OBJECTS, sync_objects


def _assert_exact(box, db, tables, objects=DEFAULT_OBJECTS, **where):
    for name in objects:
        local, remote = tables.local(db, name), tables.remote(box, name, **where)
        assert local == remote, f"{name}: local table differs from the sandbox"


def test_a_first_sync_copies_every_object_exactly_and_reports_it(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=4500, accounts=300)
    db = tmp_path / "intacct.db"
    seen = []
    report = sync_objects(login(box.url), db, progress=seen.append)

    assert report.status == "completed" and report.ok
    _assert_exact(box, db, tables)
    for name in DEFAULT_OBJECTS:
        size = len(box.records("ACME-DEMO", name))
        item = report.objects[name]
        assert (item.mode, item.status, item.resumed) == ("full", "completed", False)
        assert item.fetched == item.inserted == size and item.updated == item.deleted == 0
    assert report.objects["VENDOR"].pages == 3  # 4,500 records: three 2,000-record pages, no more
    assert report.pages == box.stats.functions["query"] == 10
    # Progress: totals from totalcount, a final snapshot at 100 %.
    last = seen[-1]
    assert last.finished and last.fraction == 1.0 and last.done == sum(
        len(box.records("ACME-DEMO", n)) for n in DEFAULT_OBJECTS
    )
    assert last.object("VENDOR").total == 4500 and last.object("VENDOR").phase == "done"
    assert all(p.total is None or p.done <= p.total for p in seen)


def test_gl_accounts_are_ready_before_the_big_objects(make_sandbox, login, tmp_path):
    box = make_sandbox(vendors=10_000, latency_ms=20)
    seen = []
    sync_objects(login(box.url), tmp_path / "i.db", progress=seen.append)
    first_gl_done = next(p for p in seen if p.object("GLACCOUNT").phase == "done")
    assert first_gl_done.object("VENDOR").done <= 2000  # at most the vendors' first page was in by then


def test_requests_fill_the_allowance_and_never_exceed_it(make_sandbox, login, tmp_path):
    box = make_sandbox(vendors=8000, latency_ms=30, max_concurrent=2)
    report = sync_objects(login(box.url), tmp_path / "i.db", concurrency=2)
    assert report.ok
    # The sandbox counts a request in flight until it has finished writing the reply, so a request
    # sent the instant the previous reply was read can, rarely, still find both slots taken.
    assert box.stats.rate_limited <= 1
    assert box.stats.max_in_flight["ACME-DEMO"] == 2


def test_exact_under_5xx_drops_429_bursts_bad_replies_and_expiring_sessions(
    make_sandbox, login, tables, tmp_path
):
    # The added latency keeps the run longer than a few expiry periods however fast the machine is.
    box = make_sandbox(vendors=5000, accounts=200, max_concurrent=2, latency_ms=30)
    # The client is the one retry layer: under four in ten requests failing and every session ending
    # three times a second, a page needs a deep budget (each send of it counts, a send after signing in
    # again too).
    session = login(box.url, max_retries=30)
    box.set_faults("error5xx=0.15,drop=0.05,rate429=0.15,malformed=0.05")
    stop = threading.Event()

    def expire_often():
        while not stop.wait(0.3):
            box.expire_sessions()

    expirer = threading.Thread(target=expire_often, daemon=True)
    expirer.start()
    try:
        report = sync_objects(session, tmp_path / "i.db")
    finally:
        stop.set()
        expirer.join()
        box.set_faults(None)

    assert report.ok, report.errors
    _assert_exact(box, tmp_path / "i.db", tables)
    assert report.inserted == report.fetched == sum(len(box.records("ACME-DEMO", n)) for n in DEFAULT_OBJECTS)
    assert report.retries > 0 and report.relogins > 0
    assert sum(box.stats.faults.values()) > 0


def test_incremental_picks_up_created_changed_and_deleted_records(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=3000, accounts=200)
    db = tmp_path / "i.db"
    session = login(box.url)
    assert sync_objects(session, db).ok

    created = int(box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "VNEW-1", "NAME": "Nouveau & Fils"}))
    changed, gone = (int(r["RECORDNO"]) for r in box.records("ACME-DEMO", "VENDOR")[10:12])
    box.update_record("ACME-DEMO", "VENDOR", changed, {"NAME": "Renamed Vendor Ltd"})
    box.delete_record("ACME-DEMO", "VENDOR", gone)
    account = box.records("ACME-DEMO", "GLACCOUNT")[5]
    box.update_record("ACME-DEMO", "GLACCOUNT", account["RECORDNO"], {"TITLE": "Software - Renamed"})
    department = box.records("ACME-DEMO", "DEPARTMENT")[-1]
    box.delete_record("ACME-DEMO", "DEPARTMENT", department["RECORDNO"])
    box.reset_stats()

    report = sync_objects(session, db)

    assert report.ok
    assert {o.mode for o in report.objects.values()} == {"incremental"}
    vendor = report.objects["VENDOR"]
    assert (vendor.inserted, vendor.updated, vendor.deleted) == (1, 1, 1)
    assert (report.objects["GLACCOUNT"].updated, report.objects["DEPARTMENT"].deleted) == (1, 1)
    assert report.inserted == 1 and report.updated == 2 and report.deleted == 2
    assert report.fetched < 50  # changes only, not the 3,000 vendors again
    _assert_exact(box, db, tables)
    assert tables.local(db, "VENDOR")[created][1] == "Nouveau & Fils"
    assert set(tables.local(db, "VENDOR", deleted=True)) == {gone}
    assert set(tables.local(db, "DEPARTMENT", deleted=True)) == {int(department["RECORDNO"])}
    # Objects with nothing deleted cost one page and one count, no RECORDNO scan.
    assert report.objects["CLASS"].pages == 2
    assert box.stats.functions["query"] == report.pages


def test_a_full_resync_marks_deleted_records_and_restores_changed_ones(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=2500)
    db = tmp_path / "i.db"
    session = login(box.url)
    sync_objects(session, db, ["VENDOR"])
    gone = int(box.records("ACME-DEMO", "VENDOR")[100]["RECORDNO"])
    box.delete_record("ACME-DEMO", "VENDOR", gone)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute('UPDATE VENDOR SET NAME = ? WHERE RECORDNO = 7', ("tampered locally",))
    conn.close()

    report = sync_objects(session, db, ["VENDOR"], incremental=False)

    item = report.objects["VENDOR"]
    assert (item.mode, item.fetched, item.inserted, item.updated, item.deleted) == ("full", 2499, 0, 1, 1)
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
    assert set(tables.local(db, "VENDOR", deleted=True)) == {gone}


def test_an_object_the_user_may_not_read_fails_alone(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=500)
    db = tmp_path / "i.db"
    report = sync_objects(login(box.url, user="limited_ws"), db)

    gl = report.objects["GLACCOUNT"]
    assert report.status == "partial" and gl.status == "failed"
    assert isinstance(gl.exception, errors.PermissionDeniedError) and "PL04000005" in gl.error
    others = [n for n in DEFAULT_OBJECTS if n != "GLACCOUNT"]
    assert all(report.objects[n].status == "completed" for n in others)
    _assert_exact(box, db, tables, others)
    assert intacct.sync.last_synced(db)["GLACCOUNT"] is None
    assert intacct.sync.last_synced(db)["VENDOR"] is not None
    run = intacct.sync.history(db)[0]
    assert run.status == "partial" and "PL04000005" in run.details["GLACCOUNT"]["error"]
    assert "Demo-Passw0rd!" not in (run.error or "") + str(run.details)


def test_an_entity_user_gets_what_that_entity_sees(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=800)
    db = tmp_path / "i.db"
    report = sync_objects(login(box.url, user="entity_ws", entity="E200"), db)
    assert report.ok
    _assert_exact(box, db, tables, entity="E200")
    assert len(tables.local(db, "VENDOR")) < len(box.records("ACME-DEMO", "VENDOR"))


def test_cancel_stops_early_and_the_next_run_resumes_without_refetching(
    make_sandbox, login, tables, tmp_path
):
    # Enough pages that, once Stop is pressed at 4,000 vendors, many are still unrequested even when a
    # loaded machine lets the in-flight ones finish first.
    box = make_sandbox(vendors=60_000, latency_ms=80)
    db = tmp_path / "i.db"
    session = login(box.url)
    cancel = threading.Event()

    def stop_after_some_vendors(progress):
        if progress.object("VENDOR").done >= 4000:
            cancel.set()

    objects = ["GLACCOUNT", "VENDOR"]
    first = sync_objects(session, db, objects, progress=stop_after_some_vendors, cancel=cancel)
    assert first.status == "cancelled" and first.objects["VENDOR"].status == "cancelled"
    assert first.objects["GLACCOUNT"].status == "completed"
    committed = len(tables.local(db, "VENDOR"))
    assert 4000 <= committed < 60_000

    second = sync_objects(session, db, objects)
    vendor = second.objects["VENDOR"]
    assert second.ok and vendor.resumed and vendor.mode == "full"
    assert vendor.fetched == vendor.inserted == 60_000 - committed
    assert second.objects["GLACCOUNT"].mode == "incremental"
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
    statuses = [run.status for run in intacct.sync.history(db)]
    assert statuses == ["completed", "cancelled"]


def test_history_and_object_status_describe_what_is_held(sandbox, login, tmp_path):
    db = tmp_path / "i.db"
    assert intacct.sync.history(db) == [] and set(intacct.sync.last_synced(db).values()) == {None}
    session = login(sandbox.url)
    sync_objects(session, db, ["GLACCOUNT", "APTERM"])
    sync_objects(session, db, ["GLACCOUNT"])
    runs = intacct.sync.history(db)
    assert [r.objects for r in runs] == [("GLACCOUNT",), ("GLACCOUNT", "APTERM")]
    sizes = {name: len(sandbox.records("ACME-DEMO", name)) for name in ("GLACCOUNT", "APTERM")}
    assert (runs[1].mode, runs[1].fetched) == ("full", sizes["GLACCOUNT"] + sizes["APTERM"])
    assert runs[0].mode == "incremental" and runs[0].details["GLACCOUNT"]["fetched"] < sizes["GLACCOUNT"]
    assert runs[0].started_at <= runs[0].ended_at
    status = {s.object: s for s in intacct.sync.object_status(db)}
    assert status["GLACCOUNT"].rows == len(sandbox.records("ACME-DEMO", "GLACCOUNT"))
    assert status["GLACCOUNT"].last_status == "ok" and status["VENDOR"].last_synced_at is None
    assert not status["GLACCOUNT"].in_progress


def test_a_progress_callback_that_fails_does_not_stop_the_sync(sandbox, login, tables, tmp_path):
    def broken(progress):
        raise RuntimeError("display went away")

    report = sync_objects(login(sandbox.url), tmp_path / "i.db", ["APTERM", "CLASS"], progress=broken)
    assert report.ok
    _assert_exact(sandbox, tmp_path / "i.db", tables, ["APTERM", "CLASS"])


def test_bad_arguments_are_refused_before_anything_is_written(sandbox, login, tmp_path):
    session = login(sandbox.url)
    with pytest.raises(ValueError, match="does not know"):
        sync_objects(session, tmp_path / "i.db", ["GLACCOUNT", "APBILL"])
    with pytest.raises(ValueError, match="concurrency"):
        sync_objects(session, tmp_path / "i.db", concurrency=0)
    assert not (tmp_path / "i.db").exists()


def test_stopping_while_intacct_is_failing_counts_as_stopped_not_failed(make_sandbox, login, tmp_path):
    # A user often presses Stop because Intacct is failing: the pages still in the client's retries when
    # the stop comes must leave their chunks for the next run, not fail their objects.
    box = make_sandbox(vendors=3000, latency_ms=20)
    session = login(box.url)
    box.set_faults("error5xx=1.0")
    cancel = threading.Event()
    before = box.stats.requests

    def stop_once_failing():
        while box.stats.requests < before + 4:
            threading.Event().wait(0.005)
        cancel.set()

    stopper = threading.Thread(target=stop_once_failing, daemon=True)
    stopper.start()
    report = sync_objects(session, tmp_path / "i.db", ["GLACCOUNT", "VENDOR"], cancel=cancel)
    stopper.join()
    assert report.status == "cancelled"
    assert {o.status for o in report.objects.values()} == {"cancelled"}
    box.set_faults("")
    assert sync_objects(session, tmp_path / "i.db", ["GLACCOUNT", "VENDOR"]).ok


@pytest.mark.parametrize("max_retries", [0, 2])
def test_a_page_is_sent_at_most_max_retries_plus_one_times_in_all(make_sandbox, login, tmp_path, max_retries):
    # One retry layer: the client's. The engine marks the object failed once the client gives up.
    box = make_sandbox(accounts=50)
    session = login(box.url, max_retries=max_retries)
    box.set_faults("error5xx=1.0")
    before = box.stats.requests
    report = sync_objects(session, tmp_path / "i.db", ["GLACCOUNT"])
    assert report.objects["GLACCOUNT"].status == "failed"
    assert isinstance(report.objects["GLACCOUNT"].exception, errors.ServerError)
    # Its first request (the one a one-page object needs) was sent max_retries + 1 times, then no more.
    assert box.stats.requests - before == max_retries + 1
    assert report.retries == max_retries
    box.set_faults("")
    assert sync_objects(session, tmp_path / "i.db", ["GLACCOUNT"]).ok  # the next run picks it up


def test_sending_again_after_an_expired_session_comes_out_of_the_same_budget(make_sandbox, login, tmp_path):
    box = make_sandbox(accounts=50)
    session = login(box.url, max_retries=3)
    box.set_faults("session_ttl=0")  # every session ends at once: signing in again is tried once only
    before, relogins = box.stats.requests, session.client.stats.relogins
    report = sync_objects(session, tmp_path / "i.db", ["GLACCOUNT"])
    assert isinstance(report.objects["GLACCOUNT"].exception, errors.SessionExpiredError)
    # The page twice (before and after signing in again) and the sign-in itself, nothing more.
    assert box.stats.requests - before == 3 and session.client.stats.relogins - relogins == 1


def test_the_sync_caps_its_own_requests_without_changing_the_shared_client(make_sandbox, login, tmp_path):
    box = make_sandbox(vendors=6000, max_concurrent=8, latency_ms=20)
    session = login(box.url)
    client = session.client
    client.max_in_flight = 5
    seen = set()
    report = sync_objects(
        session,
        tmp_path / "i.db",
        ["VENDOR"],
        concurrency=2,
        progress=lambda _: seen.add(client.max_in_flight),
    )
    assert report.ok
    assert seen == {5} and client.max_in_flight == 5  # the shared client's slots never changed
    assert box.stats.max_in_flight["ACME-DEMO"] == 2  # yet the run kept to its own two


def test_a_sync_leaves_the_interpreter_settings_alone(make_sandbox, login, tmp_path):
    # Inside the app the sync shares the interpreter with the Streamlit server: not a library's to tune.
    import gc
    import sys

    box = make_sandbox(vendors=2500)
    before = (gc.get_threshold(), sys.getswitchinterval())
    during = set()
    report = sync_objects(
        login(box.url),
        tmp_path / "i.db",
        ["VENDOR"],
        progress=lambda _: during.add((gc.get_threshold(), sys.getswitchinterval())),
    )
    assert report.ok
    assert during == {before} and (gc.get_threshold(), sys.getswitchinterval()) == before

