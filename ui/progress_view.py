"""How a sync's progress reads on screen: the overall line, one line per object, the sidebar status.

The wording functions are pure (Progress in, text out) so every figure can be checked without a
browser; ``render_progress`` draws them. A share is shown only once every size is known, and a run
that ended early says where it stopped instead of claiming 100 %.
"""

from __future__ import annotations

import streamlit as st

import intacct.sync
from intacct.sync import ObjectProgress, Progress
from onboarding.sync_jobs import JobSnapshot

LABELS = {name: schema.label for name, schema in intacct.sync.SCHEMAS.items()}
_ENDED_WORDS = {"cancelled": "stopped", "failed": "ended with problems"}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _records(n: int) -> str:
    return f"{n:,} record" + ("" if n == 1 else "s")


def _ending(snapshot_status: str) -> str:
    return _ENDED_WORDS.get(snapshot_status, "")


def overall_line(progress: Progress, status: str = "running") -> str:
    """One sentence for the whole run. `status` is the job's: running, completed, cancelled, failed…"""
    ended = _ending(status) if progress.finished and not progress.complete else ""
    if progress.incremental:
        kinds = len(progress.objects)
        changes = f"{_records(progress.changed)} new or changed"
        removed = sum(item.removed for item in progress.objects)
        if removed:
            changes += f", {removed:,} removed in Intacct"
        if progress.complete:
            return f"**Changes only:** all {kinds} kinds of data checked · {changes}"
        checked = sum(1 for item in progress.objects if item.phase == "done")
        lead = f"{ended} after checking" if ended else "checked"
        return f"**Changes only:** {lead} {checked} of {kinds} kinds of data · {changes} so far"
    if progress.complete:
        return f"**All data:** 100% · {_records(progress.done)}"
    if not progress.determinate:
        if ended:
            return (
                f"**All data:** {ended} · {_records(progress.done)} copied; the rest was not counted "
                "before the end"
            )
        return f"**All data:** counting the records · {progress.done:,} copied so far"
    share = f"{progress.fraction:.0%}"
    size = f"{progress.done:,} of {_records(progress.total or 0)}"
    if ended:
        return f"**All data:** {ended} at {share} · {size} copied"
    eta = ""
    if progress.eta_s is not None and progress.rate > 0:
        eta = f" · about {duration(progress.eta_s)} left"
    return f"**All data:** {share} · {size}{eta}"


def object_line(item: ObjectProgress) -> str:
    label = LABELS.get(item.object, item.object)
    if item.mode == "incremental":
        return f"{label}: {_incremental_detail(item)}"
    if item.phase == "queued":
        return f"{label}: waiting"
    if item.phase == "done":
        return f"{label}: {item.done:,} · done"
    size = f"{item.done:,} of {item.total:,}" if item.total is not None else f"{item.done:,} so far"
    if item.phase in _ENDED_WORDS:
        return f"{label}: {size} · {_ENDED_WORDS[item.phase]}"
    what = "checking for deleted records" if item.phase == "checking deletions" else "copying"
    detail = f"{label}: {size} · {what}"
    if item.eta_s is not None and item.rate > 0 and item.total is not None:
        detail += f" · {item.rate:,.0f} per second, about {duration(item.eta_s)} left"
    return detail


def _incremental_detail(item: ObjectProgress) -> str:
    if item.phase == "queued":
        return "waiting to check for changes"
    changed = f"{item.changed:,} new or changed" if item.changed else "no changes"
    if item.phase == "fetching":
        return f"reading changes · {item.done:,} so far"
    if item.phase == "checking deletions":
        compared = f" ({item.checked:,} compared)" if item.checked else ""
        return f"{changed} · checking for records deleted in Intacct{compared}"
    if item.phase == "done":
        removed = f", {item.removed:,} removed in Intacct" if item.removed else ""
        return f"checked · {changed}{removed}"
    return f"{changed} · {_ENDED_WORDS.get(item.phase, item.phase)}"


def sidebar_status(snapshot: JobSnapshot | None) -> str | None:
    """'running, 45%' while a sync runs (None otherwise), for the step list on every page."""
    if snapshot is None or not snapshot.running:
        return None
    progress = snapshot.progress
    if progress is None or not progress.determinate:
        return "running"
    return f"running, {progress.fraction:.0%}"


def render_progress(snapshot: JobSnapshot) -> None:
    progress = snapshot.progress
    if progress is None:
        st.markdown(":material/hourglass_top: Signing in to Sage Intacct…")
        return
    line = overall_line(progress, snapshot.status)
    if progress.determinate:
        st.progress(progress.fraction, text=line)
    else:
        st.markdown(f":material/hourglass_top: {line}")
    for item in progress.objects:
        text = object_line(item)
        if item.mode == "full" and item.total and item.phase not in ("queued",):
            st.progress(item.fraction, text=text)
        else:
            icon = {"done": ":material/check_circle:", "queued": ":material/schedule:"}.get(
                item.phase, ":material/sync:" if not item.ended else ":material/stop_circle:"
            )
            st.markdown(f"{icon} {text}")
    accounts = next((o for o in progress.objects if o.object == "GLACCOUNT"), None)
    if snapshot.running and accounts is not None and accounts.phase == "done":
        st.caption("GL accounts are in: you can open the mapping step while the rest loads.")
