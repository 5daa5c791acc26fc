"""The Sync page's progress figures as drawn, from snapshots built by the sync's own progress tracker."""

from streamlit.testing.v1 import AppTest

from intacct.sync._progress import FETCHING
from onboarding.sync_jobs import JobSnapshot
from tests.sync.progress_cases import accounts_done, incremental_accounts_checked, stopped_in_vendors


def _draw(progress, status="running"):
    def script(progress, status):
        # The function's source runs as its own script: it imports what it needs.
        from datetime import UTC, datetime

        from onboarding.sync_jobs import JobSnapshot
        from ui.progress_view import render_progress

        render_progress(JobSnapshot(1, status, datetime.now(UTC), None, progress, None, None))

    at = AppTest.from_function(script, args=(progress, status), default_timeout=10)
    at.run()
    assert not at.exception
    bars = [(p.proto.value, p.proto.text) for p in at.get("progress")]
    lines = [m.value for m in at.markdown]
    return bars, lines


def test_while_a_total_is_unknown_there_is_a_count_and_no_share():
    tracker = accounts_done()
    tracker.set_phase("VENDOR", FETCHING)
    tracker.add_done("VENDOR", 1973)
    bars, lines = _draw(tracker.snapshot())

    overall = next(line for line in lines if "All data" in line)
    assert "counting the records" in overall and "3,099 copied so far" in overall and "%" not in overall
    assert not any("All data" in text for _, text in bars)  # no bar pretending to know the share
    assert any("Vendors: 1,973 so far · copying" in line for line in lines)


def test_a_stopped_run_shows_where_it_stopped():
    bars, _ = _draw(stopped_in_vendors().snapshot(finished=True), status="cancelled")

    value, text = bars[0]
    assert text == "**All data:** stopped at 27% · 27,126 of 101,126 records copied"
    assert value == 26  # Streamlit keeps the bar as a whole percentage
    assert any(t == "Vendors: 26,000 of 100,000 · stopped" for _, t in bars)


def test_an_incremental_run_says_what_it_checked_and_changed():
    bars, lines = _draw(incremental_accounts_checked().snapshot())

    assert bars[0][1].startswith("**Changes only:** checked 1 of 2 kinds of data")
    assert any(line.endswith("GL accounts: checked · 1 new or changed") for line in lines)
    assert any(line.endswith("Vendors: waiting to check for changes") for line in lines)
    assert not any("1 / 1" in text for _, text in bars) and not any("1 / 1" in line for line in lines)


def test_snapshot_type_is_the_jobs_own():
    # The view draws what the job hands over, nothing shaped for the test.
    assert JobSnapshot.__module__ == "onboarding.sync_jobs"
