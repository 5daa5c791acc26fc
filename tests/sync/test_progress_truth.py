"""Progress figures that tell the truth: no share before the sizes are known, never backwards, the real
share after a stop, and incremental runs counted in objects checked and records changed."""

import threading

import pytest

from intacct.sync import sync_objects
from intacct.sync._progress import DONE, FETCHING, ProgressTracker
from tests.sync.progress_cases import incremental_accounts_checked, stopped_in_vendors
from ui.progress_view import object_line, overall_line


def _tracker(*names):
    now = [0.0]
    return ProgressTracker(list(names), clock=lambda: now[0]), now


def test_no_share_until_every_total_is_known():
    tracker, _ = _tracker("GLACCOUNT", "VENDOR")
    tracker.set_total("GLACCOUNT", 100)
    tracker.add_done("GLACCOUNT", 100)
    tracker.set_phase("GLACCOUNT", DONE)
    early = tracker.snapshot()
    assert not early.determinate  # vendors' size unknown: a share now would be a guess
    assert "counting" in overall_line(early) and "%" not in overall_line(early)

    tracker.set_total("VENDOR", 900)
    assert tracker.snapshot().determinate and tracker.snapshot().fraction == pytest.approx(0.1)


def test_the_share_never_goes_down_when_a_total_grows():
    tracker, _ = _tracker("VENDOR")
    tracker.set_total("VENDOR", 100)
    tracker.set_phase("VENDOR", FETCHING)
    tracker.add_done("VENDOR", 50)
    assert tracker.snapshot().fraction == pytest.approx(0.5)
    tracker.set_total("VENDOR", 1000)  # records created in Intacct while we sync
    assert tracker.snapshot().fraction == pytest.approx(0.5)
    tracker.add_done("VENDOR", 500)
    assert tracker.snapshot().fraction == pytest.approx(0.55)


def test_a_stopped_run_reports_the_share_it_reached():
    stopped = stopped_in_vendors().snapshot(finished=True)

    assert stopped.total == 101_126 and stopped.done == 27_126
    assert stopped.fraction == pytest.approx(27_126 / 101_126) and not stopped.complete
    line = overall_line(stopped, "cancelled")
    assert line == "**All data:** stopped at 27% · 27,126 of 101,126 records copied"
    assert object_line(stopped.object("VENDOR")) == "Vendors: 26,000 of 100,000 · stopped"


def test_an_incremental_run_counts_objects_checked_and_records_changed():
    half = incremental_accounts_checked(vendors_checking=True).snapshot()

    assert half.incremental and half.determinate and half.fraction == pytest.approx(0.5)
    assert overall_line(half) == (
        "**Changes only:** checked 1 of 2 kinds of data · 1 record new or changed so far"
    )
    assert object_line(half.object("GLACCOUNT")) == "GL accounts: checked · 1 new or changed"
    assert object_line(half.object("VENDOR")) == (
        "Vendors: no changes · checking for records deleted in Intacct (4,000 compared)"
    )
    assert half.done == 1  # compared IDs are not records copied


def test_a_real_second_sync_reads_as_changes_only(make_sandbox, login, tmp_path):
    box = make_sandbox(vendors=500, accounts=50)
    db = tmp_path / "intacct.db"
    sync_objects(login(box.url), db)
    seen = []
    sync_objects(login(box.url), db, progress=seen.append)

    last = seen[-1]
    assert last.incremental and last.complete
    assert overall_line(last, "completed").startswith("**Changes only:** all 8 kinds of data checked")
    fractions = [p.fraction for p in seen if p.determinate]
    assert fractions == sorted(fractions)


def test_a_real_stopped_sync_never_claims_more_than_it_copied(make_sandbox, login, tmp_path):
    box = make_sandbox(vendors=20_000, latency_ms=80)
    cancel = threading.Event()
    seen = []

    def watch(progress):
        seen.append(progress)
        if progress.object("VENDOR").done >= 2000:
            cancel.set()

    report = sync_objects(
        login(box.url), tmp_path / "intacct.db", ["GLACCOUNT", "VENDOR"], progress=watch, cancel=cancel
    )
    assert report.status == "cancelled"
    last = seen[-1]
    assert last.finished and not last.complete and last.fraction < 1.0
    assert last.total is None or last.done <= last.total
    fractions = [p.fraction for p in seen if p.determinate]
    assert fractions == sorted(fractions)
