"""The Sync step's view: start, watch, stop and review syncs of one workspace.

The sync runs in a worker thread (onboarding.sync_jobs) that never calls Streamlit; this module only
reads its progress. While a sync runs, one fragment redraws the progress every second; when the sync
ends it asks for one full redraw and stops polling, so the page is quiet the rest of the time.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

import intacct.sync
from intacct.storage_faults import DAMAGED
from intacct.sync import SyncStatus
from onboarding.access import Action
from onboarding.diagnosis import support_line
from onboarding.steps import StepKey
from onboarding.sync_jobs import (
    BUSY,
    JobSnapshot,
    current_job,
    set_aside_damaged_copy,
    start_sync,
    stop_sync,
    storage_message,
    synced_database,
)
from ui.display import redact
from ui.guard import PageContext
from ui.nav import step_link
from ui.progress_view import LABELS, duration, render_progress
from ui.resources import data_dir
from ui.safe import friendly_errors, guarded

POLL_SECONDS = 1.0
# Emoji rather than Streamlit's icon codes: a table cell shows text as it is.
RUN_STATUS = {
    SyncStatus.COMPLETED: "✅ finished",
    SyncStatus.PARTIAL: "⚠️ finished with problems",
    SyncStatus.FAILED: "❌ failed",
    SyncStatus.CANCELLED: "⏹️ stopped",
    SyncStatus.INTERRUPTED: "❌ cut off",
    SyncStatus.RUNNING: "🔄 running",
}


def _masked(page: PageContext, text: str | None) -> str:
    if not text:
        return ""
    saved = page.store.get_connection(page.ws_id)
    ids = [saved.company_id, saved.user_id, saved.entity_id] if saved else []
    return redact(text, ids, page.screen_share)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- actions ----------------------------------------------------------------------------------------


def _start(page: PageContext, full: bool) -> None:
    start_sync(page.store, page.vault, page.platform, page.ws_id, data_dir(), full=full, actor=page.actor)


def _start_afresh(page: PageContext) -> None:
    set_aside_damaged_copy(page.store, data_dir(), page.ws_id)
    _start(page, full=True)


def _stop(page: PageContext) -> None:
    stop_sync(page.store, data_dir(), page.ws_id)


# -- live progress ----------------------------------------------------------------------------------


def _live(page: PageContext, polling: bool) -> None:
    @st.fragment(run_every=POLL_SECONDS if polling else None)
    def live_progress() -> None:
        # Timed reruns run this function alone, outside the page's friendly_errors block.
        with friendly_errors():
            _live_body(page, polling)

    live_progress()


def _live_body(page: PageContext, polling: bool) -> None:
    job = current_job(data_dir(), page.ws_id)
    if job is None:
        return
    snapshot = job.snapshot()
    _running_body(page, snapshot, polling)


def _running_body(page: PageContext, snapshot: JobSnapshot, polling: bool) -> None:
    if snapshot.running and page.may(Action.SYNC_START):
        st.button(
            "Stop the sync",
            icon=":material/stop_circle:",
            disabled=snapshot.cancel_requested,
            on_click=guarded(_stop),
            args=(page,),
            help="Stops after the requests under way. What was copied is kept; the next sync resumes.",
        )
        if snapshot.cancel_requested:
            st.caption("Stopping after the requests under way…")
    render_progress(snapshot)
    if polling and not snapshot.running:
        st.rerun()  # the sync ended: draw the whole page once more, without polling
    if not snapshot.running:
        _outcome(page, snapshot)
    # Inside the polled fragment, so each object's row changes as soon as it finishes.
    _holdings(synced_database(page.store, data_dir(), page.ws_id))


# -- outcome, status and history --------------------------------------------------------------------


def _outcome(page: PageContext, snapshot: JobSnapshot) -> None:
    report = snapshot.report
    if snapshot.status == SyncStatus.COMPLETED and report is not None:
        st.success(
            f"Sync finished in {duration(report.wall_s)}: {report.fetched:,} records read, "
            f"{report.inserted:,} new, {report.updated:,} changed, {report.deleted:,} removed in Intacct.",
            icon=":material/check_circle:",
        )
        step_link(StepKey.MAP, "Next: map your GL accounts to Routable categories")
        return
    if snapshot.status == BUSY:
        st.info(_masked(page, snapshot.message), icon=":material/hourglass_top:")
        return
    if snapshot.status == SyncStatus.CANCELLED:
        st.info(
            "The sync was stopped. What was copied is kept; the next sync picks up from there.",
            icon=":material/stop_circle:",
        )
        return
    if snapshot.message:
        st.error(_masked(page, snapshot.message), icon=":material/error:")
    elif snapshot.status == SyncStatus.PARTIAL:
        st.warning("Some objects could not be copied. The others are up to date.", icon=":material/warning:")
    for name, advice in snapshot.advice.items():
        where = "The sync" if name == "run" else LABELS.get(name, name)
        st.markdown(f"**{where}: {advice.title}.** {_masked(page, advice.message)}")
        st.markdown(_masked(page, advice.fix))
        if advice.step_key:
            step_link(advice.step_key, f"Go back to the step: {advice.step_title}")
        if support_line(advice):
            st.caption(support_line(advice))


def _holdings(db) -> None:
    st.subheader("What Routable holds")
    _object_table(db)


def _object_table(db) -> None:
    rows = [
        {
            "Data": status.label,
            "Records": status.rows,
            "Removed in Intacct": status.deleted_rows,
            "Last synced": _when(status.last_synced_at),
            "Last result": {"ok": "up to date", "failed": "failed", "cancelled": "stopped"}.get(
                status.last_status or "", "not synced yet"
            )
            + (" (resumes next time)" if status.in_progress else ""),
        }
        for status in intacct.sync.object_status(db)
    ]
    st.dataframe(rows, hide_index=True)


def _history_table(page: PageContext, db) -> None:
    runs = intacct.sync.history(db, limit=10)
    if not runs:
        st.caption("No sync has run for this workspace yet.")
        return
    st.dataframe(
        [
            {
                "Started": _when(run.started_at),
                "Result": RUN_STATUS.get(run.status, run.status),
                "Kind": "changes only" if run.mode == "incremental" else "everything",
                "Read": run.fetched,
                "New": run.inserted,
                "Changed": run.updated,
                "Removed": run.deleted,
                "Took": duration(run.wall_s),
                "Problem": _masked(page, run.error)
                or "; ".join(
                    f"{LABELS.get(name, name)}: {_masked(page, item.get('error'))}"
                    for name, item in run.details.items()
                    if item.get("error") and item.get("status") == "failed"
                ),
            }
            for run in runs
        ],
        hide_index=True,
    )


def _unusable_copy(page: PageContext, fault: str, db) -> None:
    """The local copy cannot be read: say why, and for a damaged one offer the way out."""
    st.error(storage_message(fault, db), icon=":material/database:")
    if fault == DAMAGED and not page.may(Action.SYNC_START):
        st.caption(
            ":material/lock: Only a customer admin or your implementation manager can move the damaged "
            "copy aside and sync again."
        )
    elif fault == DAMAGED:
        st.button(
            "Move the damaged copy aside and sync afresh",
            type="primary",
            icon=":material/restart_alt:",
            on_click=guarded(_start_afresh),
            args=(page,),
            help="Renames the damaged file (kept for support) and copies everything from Intacct again.",
        )


def render_sync(page: PageContext) -> None:
    st.markdown(
        "Routable copies what it needs from Intacct into its own database: GL accounts first, so mapping "
        "can begin early, then entities, locations, departments, classes, projects, payment terms and "
        "vendors. The first sync reads everything; later ones read only what changed and notice records "
        "deleted in Intacct. You can leave this page while it runs."
    )
    if page.platform is None:
        st.error(page.platform_problem, icon=":material/build:")
        return
    db = synced_database(page.store, data_dir(), page.ws_id)
    job = current_job(data_dir(), page.ws_id)
    snapshot = job.snapshot() if job is not None else None
    running = snapshot is not None and snapshot.running
    fault = None if running else intacct.sync.database_fault(db)
    if fault is not None:
        _unusable_copy(page, fault, db)
        return
    synced_before = any(status.last_synced_at for status in intacct.sync.object_status(db))

    if not page.may(Action.SYNC_START):
        st.caption(
            ":material/lock: Only a customer admin or your implementation manager can start or stop a sync."
        )
    elif not running:
        # A wrapping row sized to the labels: fixed columns cut "Copy everything again" short.
        row = st.container(horizontal=True)
        row.button(
            "Sync again" if synced_before else "Start the sync",
            type="primary",
            icon=":material/sync:",
            on_click=guarded(_start),
            args=(page, False),
        )
        if synced_before:
            row.button(
                "Copy everything again",
                icon=":material/restart_alt:",
                on_click=guarded(_start),
                args=(page, True),
                help="Reads every record again instead of only the changes. Slower; rarely needed.",
            )
    if snapshot is not None:
        _live(page, polling=running)
    else:
        _holdings(db)
    st.subheader("Sync history")
    _history_table(page, db)
