"""The pure parts of the sync: cutting RECORDNO ranges, progress arithmetic, the field table."""

import pytest

import intacct.sync as sync
from intacct.sync._engine import _since, split_range
from intacct.sync._progress import DONE, FETCHING, ProgressTracker


def _covers(ranges, start, end):
    """The ranges tile (start, end] with no gap and no overlap."""
    assert ranges[0][0] == start
    for (_, hi), (lo, _) in zip(ranges, ranges[1:], strict=False):
        assert hi == lo
    assert ranges[-1][1] == end


def test_an_open_range_is_cut_into_one_page_per_chunk_at_the_density_seen():
    # First page: RECORDNO 1..2000 (dense); 98,000 records remain beyond 2000.
    ranges = split_range(2000, None, 98_000, 1, 2000, 2000)
    assert len(ranges) == 49
    _covers(ranges, 2000, None)
    assert all(hi - lo == 2000 for lo, hi in ranges[:-1])


def test_sparse_record_numbers_widen_the_chunks():
    # Every third number used: 2,000 records span 6,000 numbers.
    ranges = split_range(6000, None, 5000, 3, 2000, 2000)
    assert len(ranges) == 3
    assert ranges == [(6000, 12_000), (12_000, 18_000), (18_000, None)]


def test_a_bounded_range_is_spread_evenly_and_keeps_its_bound():
    ranges = split_range(100, 10_100, 5000, 1, 2000, 2000)
    assert len(ranges) == 3
    _covers(ranges, 100, 10_100)


def test_no_split_when_one_page_remains():
    assert split_range(2000, None, 2000, 1, 2000, 2000) == [(2000, None)]
    assert split_range(2000, 5000, 10, 1, 2000, 2000) == [(2000, 5000)]


def test_a_narrow_bounded_range_never_yields_empty_or_reversed_chunks():
    ranges = split_range(10, 13, 9000, 1, 10, 2000)
    _covers(ranges, 10, 13)
    assert all(hi > lo for lo, hi in ranges)


def test_incremental_lower_bound_goes_back_by_overlap_and_last_duration():
    since = _since("2026-11-20T10:00:00", 120.0)
    assert since.isoformat() == "2026-11-20T09:48:00"  # 10 min overlap + 2 min last run
    assert _since(None, 5.0) is None


def test_progress_reports_totals_rate_and_eta():
    now = [100.0]
    tracker = ProgressTracker(["GLACCOUNT", "VENDOR"], clock=lambda: now[0])
    first = tracker.snapshot()
    assert first.total is None and first.fraction == 0.0
    tracker.set_total("GLACCOUNT", 1000)
    tracker.set_phase("GLACCOUNT", FETCHING)
    tracker.add_done("GLACCOUNT", 1000)
    tracker.set_phase("GLACCOUNT", DONE)
    tracker.set_total("VENDOR", 10_000)
    tracker.set_phase("VENDOR", FETCHING)
    now[0] += 2.0
    tracker.add_done("VENDOR", 4000)
    snap = tracker.snapshot()
    vendor = snap.object("VENDOR")
    assert vendor.rate == pytest.approx(2000.0)
    assert vendor.eta_s == pytest.approx(3.0)
    assert snap.total == 11_000 and snap.done == 5000
    assert snap.fraction == pytest.approx(5000 / 11_000)
    assert snap.object("GLACCOUNT").fraction == 1.0 and snap.object("GLACCOUNT").eta_s == 0.0


def test_every_default_object_has_a_schema_with_the_modified_stamp():
    assert sync.DEFAULT_OBJECTS[0] == "GLACCOUNT"
    for name in sync.DEFAULT_OBJECTS:
        fields = sync.schema(name).fields
        assert fields[0] == "RECORDNO" and "WHENMODIFIED" in fields
    assert "DISPLAYCONTACT.EMAIL1" in sync.schema("VENDOR").fields
    assert "ACHACCOUNTNUMBER" not in sync.schema("VENDOR").fields  # bank details stay in Intacct
    assert {"REQUIREDEPT", "REQUIRELOC", "CATEGORY", "STATUS"} <= set(sync.schema("GLACCOUNT").fields)
    with pytest.raises(ValueError, match="does not know"):
        sync.schema("APBILL")


def test_interpreter_settings_change_only_while_a_sync_runs_and_come_back():
    import gc
    import sys

    from intacct.sync._runtime import tuned_for_sync

    before = (gc.get_threshold(), sys.getswitchinterval())
    with tuned_for_sync():
        assert gc.get_threshold()[0] >= 50_000 and sys.getswitchinterval() <= 0.001
        with tuned_for_sync():  # a second sync in the same process
            pass
        assert gc.get_threshold()[0] >= 50_000  # still tuned: the first sync is still running
    assert (gc.get_threshold(), sys.getswitchinterval()) == before


def test_only_the_cli_and_the_benchmark_opt_in_to_the_tuning():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    tuning = ("gc.set_threshold", "setswitchinterval", "mallopt")
    sources = [
        p for folder in ("intacct", "onboarding", "ui", "pages") for p in (root / folder).rglob("*.py")
    ]
    sources += [root / "app.py"]
    touching = {p.relative_to(root).as_posix() for p in sources if any(t in p.read_text() for t in tuning)}
    assert touching == {"intacct/sync/_runtime.py"}
    callers = {
        p.relative_to(root).as_posix()
        for p in [*sources, *(root / "bench").rglob("*.py")]
        if "tuned_for_sync(" in p.read_text() and p.name != "_runtime.py"
    }
    assert callers == {"intacct/sync/__main__.py", "bench/sync_bench.py"}
