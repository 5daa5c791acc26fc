"""Progress situations seen in real runs, built with the sync's own tracker (shared by two test files)."""

from intacct.sync._progress import CANCELLED, CHECKING, DONE, FETCHING, ProgressTracker


def accounts_done() -> ProgressTracker:
    """GL accounts all in (1,126 of them), vendors not started."""
    tracker = ProgressTracker(["GLACCOUNT", "VENDOR"], clock=lambda: 0.0)
    tracker.set_total("GLACCOUNT", 1126)
    tracker.set_phase("GLACCOUNT", FETCHING)
    tracker.add_done("GLACCOUNT", 1126)
    tracker.set_phase("GLACCOUNT", DONE)
    return tracker


def stopped_in_vendors() -> ProgressTracker:
    """The report from the field: stopped with 26,000 of 100,000 vendors copied."""
    tracker = accounts_done()
    tracker.set_total("VENDOR", 100_000)
    tracker.set_phase("VENDOR", FETCHING)
    tracker.add_done("VENDOR", 26_000)
    tracker.set_phase("VENDOR", CANCELLED)
    return tracker


def incremental_accounts_checked(vendors_checking: bool = False) -> ProgressTracker:
    """A changes-only run: one changed GL account read; vendors waiting, or comparing IDs."""
    tracker = ProgressTracker(["GLACCOUNT", "VENDOR"], clock=lambda: 0.0)
    for name in ("GLACCOUNT", "VENDOR"):
        tracker.set_mode(name, "incremental")
    tracker.set_total("GLACCOUNT", 1)
    tracker.add_done("GLACCOUNT", 1)
    tracker.add_changes("GLACCOUNT", 1)
    tracker.set_phase("GLACCOUNT", DONE)
    if vendors_checking:
        tracker.set_phase("VENDOR", CHECKING)
        tracker.add_checked("VENDOR", 4000)
    return tracker
