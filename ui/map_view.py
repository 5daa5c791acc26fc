"""The Map accounts step's view: the mapping table, its filters, bulk actions, checks and files.

The table follows the master-table pattern (see the style notes): the session keeps a ``Draft`` whose
table is the master; the grid shows a filtered copy, its ``edited_rows`` are folded into the master in
``on_change``, and the grid's key then changes so the next run starts it clean. No edit is lost or
applied twice, and nothing on this page polls.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

import intacct.sync
from onboarding.access import Action
from onboarding.identity import Identity
from onboarding.mapping import actions
from onboarding.mapping.checks import KIND_LABELS, TO_DO_KINDS, ProblemKind, Severity, kind_label
from onboarding.mapping.defaults import CategoryKind
from onboarding.mapping.draft import (
    ACCOUNT,
    CATEGORY,
    COLUMNS,
    CONFIDENCE,
    DEFAULT_THRESHOLD,
    EDITABLE,
    NOTE,
    STATE,
    TITLE,
    TYPE_LABELS,
    USE,
    Draft,
    Filters,
)
from onboarding.mapping.repository import Coverage, MappingError, MappingStore
from onboarding.progress import StepState
from onboarding.steps import StepKey
from onboarding.store import InvalidInput
from onboarding.sync_jobs import current_job, sync_db_path
from ui.display import as_text
from ui.guard import PageContext
from ui.nav import step_link
from ui.resources import data_dir
from ui.safe import guarded

# Fixed widths keep the category column at a known place (the browser test double-clicks into it).
ACCOUNT_WIDTH = 90
TITLE_WIDTH = 260
STATE_WIDTH = 200
METRIC_WIDTH = 105
CHART_HEIGHT = 64  # the bar and its three-line legend
GRID_ROW_PX = 35

T = TypeVar("T")


def acting(page: PageContext) -> Identity:
    """Who is acting on this page (the audit trail names them)."""
    return page.actor


@st.cache_resource(show_spinner=False)
def _mapping_store(db: str, folder: str, _store: object) -> MappingStore:
    return MappingStore(_store, folder)  # type: ignore[arg-type]


def mapping_store(page: PageContext) -> MappingStore:
    # One shared MappingStore per database, seen through this page's identity: each of its reads and
    # changes asks onboarding.access.
    return _mapping_store(str(page.store.path), str(data_dir()), page.store.unscoped).scoped(page.store)


def gl_accounts_arrived(ws_id: int, missing: list[str]) -> bool:
    """The Map page may open before the whole sync finished, once the GL accounts are in."""
    if missing != [StepKey.SYNC]:
        return False
    statuses = intacct.sync.object_status(sync_db_path(data_dir(), ws_id))
    return any(s.object == "GLACCOUNT" and s.last_synced_at is not None for s in statuses)


# -- session state --------------------------------------------------------------------------------


@dataclass
class _Keys:
    ws_id: int

    def __getattr__(self, name: str) -> str:
        return f"map{self.ws_id}:{name}"


def _stamp(mapping: MappingStore, ws_id: int) -> tuple[int, float]:
    path = Path(mapping.sync_db(ws_id))
    return mapping.revision(ws_id), path.stat().st_mtime if path.exists() else 0.0


def _reload(mapping: MappingStore, ws_id: int) -> Draft:
    keys = _Keys(ws_id)
    draft = Draft(mapping.load(ws_id))
    st.session_state[keys.draft] = draft
    st.session_state[keys.stamp] = _stamp(mapping, ws_id)
    st.session_state[keys.editor] = st.session_state.get(keys.editor, 0) + 1
    return draft


def current_draft(mapping: MappingStore, ws_id: int, *, editable: bool = True) -> Draft:
    """This session's draft; re-read when someone saved or a sync ran, unless it holds unsaved edits.

    A session that may not edit never folds grid edits in, so its draft always shows what is saved.
    """
    keys = _Keys(ws_id)
    draft: Draft | None = st.session_state.get(keys.draft)
    if draft is None:
        return _reload(mapping, ws_id)
    if editable:
        _fold_leftover(ws_id, draft)  # before any reload, so edits already made are never dropped
    if not draft.dirty and st.session_state.get(keys.stamp) != _stamp(mapping, ws_id):
        return _reload(mapping, ws_id)
    return draft


def _flash(ws_id: int, kind: str, text: str) -> None:
    st.session_state.setdefault(_Keys(ws_id).flash, []).append((kind, text))


def _show_flash(ws_id: int) -> None:
    for kind, text in st.session_state.pop(_Keys(ws_id).flash, []):
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(text)


def _filters(ws_id: int) -> Filters:
    state, keys = st.session_state, _Keys(ws_id)
    return Filters(
        unmapped_only=bool(state.get(keys.f_unmapped)),
        problems_only=bool(state.get(keys.f_problems)),
        new_only=bool(state.get(keys.f_new)),
        types=tuple(state.get(keys.f_types) or ()),
        statuses=tuple(state.get(keys.f_statuses) or ()),
        number_from=str(state.get(keys.f_from) or ""),
        number_to=str(state.get(keys.f_to) or ""),
        search=str(state.get(keys.f_search) or ""),
        problem_kind=str(state.get(keys.f_kind) or ""),
    )


def _shown(draft: Draft, ws_id: int) -> list[str]:
    return _visible(draft, draft.mask(_filters(ws_id)))


def _visible(draft: Draft, mask: pd.Series) -> list[str]:
    # tolist() reads the account numbers in one go; list() walks them one Arrow scalar at a time.
    return draft.table.index[mask].tolist()


# -- callbacks ------------------------------------------------------------------------------------


def _fold(ws_id: int, editor_key: str) -> None:
    keys = _Keys(ws_id)
    draft: Draft = st.session_state[keys.draft]
    edits = (st.session_state.get(editor_key) or {}).get("edited_rows") or {}
    draft.apply_edits(edits, st.session_state[keys.shown])
    st.session_state[keys.editor] = st.session_state.get(keys.editor, 0) + 1


def _bulk(ws_id: int, action: str) -> None:
    keys = _Keys(ws_id)
    draft: Draft = st.session_state[keys.draft]
    shown = _shown(draft, ws_id)
    if action == "accept":
        threshold = float(st.session_state.get(keys.threshold, DEFAULT_THRESHOLD))
        count = draft.accept_suggestions(shown, threshold)
        _flash(
            ws_id,
            "info",
            f"Accepted {count} suggestion{'s' if count != 1 else ''} at or above "
            f"{threshold:.2f}. Save to keep them.",
        )
    elif action == "set":
        category = st.session_state.get(keys.bulk_category)
        if not category:
            _flash(ws_id, "error", "Choose the category to set on the filtered rows first.")
            return
        count = draft.set_category(shown, category)
        _flash(ws_id, "info", f"Set {category} on {count} row{'s' if count != 1 else ''}. Save to keep it.")
    elif action == "exclude":
        count = draft.exclude(shown)
        _flash(ws_id, "info", f"Excluded {count} row{'s' if count != 1 else ''}. Save to keep it.")
    st.session_state[keys.editor] = st.session_state.get(keys.editor, 0) + 1


def _save(page: PageContext) -> None:
    ws_id, keys = page.ws_id, _Keys(page.ws_id)
    mapping = mapping_store(page)
    draft: Draft = st.session_state[keys.draft]
    changes = draft.changes()
    try:
        result = actions.save_mapping(mapping, ws_id, draft.revision, changes, acting(page))
    except MappingError as problem:
        _flash(ws_id, "error", str(problem))
        return
    _reload(mapping, ws_id)
    st.session_state[keys.conflicts] = list(result.conflicts)
    saved = len(result.applied)
    text = f"Saved {saved} change{'s' if saved != 1 else ''}."
    if result.conflicts:
        text += (
            f" {len(result.conflicts)} row{'s were' if len(result.conflicts) != 1 else ' was'} changed by "
            "someone else meanwhile: choose below which decision stays."
        )
        _flash(ws_id, "warning", text)
    else:
        _flash(ws_id, "success", text)


def _discard(page: PageContext) -> None:
    _reload(mapping_store(page), page.ws_id)
    st.session_state.pop(_Keys(page.ws_id).conflicts, None)
    _flash(page.ws_id, "info", "Unsaved edits discarded; the table shows what is saved.")


def _resolve(page: PageContext, index: int, keep_mine: bool) -> None:
    keys = _Keys(page.ws_id)
    conflicts = st.session_state.get(keys.conflicts) or []
    if index >= len(conflicts):
        return
    conflict = conflicts.pop(index)
    if keep_mine:
        draft: Draft = st.session_state[keys.draft]
        draft.take(conflict.account, conflict.mine, conflict.how)
        st.session_state[keys.editor] = st.session_state.get(keys.editor, 0) + 1


def _saved_draft(page: PageContext, refusal: str) -> Draft | None:
    """This session's draft when it holds no unsaved edit; else None, after saying ``refusal``."""
    draft: Draft = st.session_state[_Keys(page.ws_id).draft]
    if draft.dirty:
        _flash(page.ws_id, "error", refusal)
        return None
    return draft


def _submit(page: PageContext) -> None:
    ws_id = page.ws_id
    mapping = mapping_store(page)
    draft = _saved_draft(page, "Save your edits (or discard them) before submitting for review.")
    if draft is None:
        return
    try:
        actions.submit_mapping(mapping, ws_id, draft.revision, acting(page))
    except MappingError as problem:
        _flash(ws_id, "error", str(problem))
        return
    # No message of its own: the standing "waiting for review" banner says it, once.
    _reload(mapping, ws_id)


def _import(page: PageContext) -> None:
    ws_id, keys = page.ws_id, _Keys(page.ws_id)
    mapping = mapping_store(page)
    upload = st.session_state.get(keys.upload)
    if upload is None:
        _flash(ws_id, "error", "Choose the CSV file to import first.")
        return
    refusal = "Save or discard your edits before importing, so nothing of yours is mixed in."
    if _saved_draft(page, refusal) is None:
        return
    outcome = actions.import_mapping_csv(mapping, ws_id, upload.getvalue(), acting(page))
    if outcome.result is None:
        st.session_state[keys.import_problems] = (outcome.parsed.problems, outcome.parsed.total_problems)
        _flash(
            ws_id,
            "error",
            f"Nothing was imported: the file has {outcome.parsed.total_problems} "
            "problem(s), listed below. Fix them and import the file again.",
        )
        return
    st.session_state.pop(keys.import_problems, None)
    _reload(mapping, ws_id)
    st.session_state[keys.conflicts] = list(outcome.result.conflicts)
    _flash(ws_id, "success", f"Imported: {len(outcome.result.applied)} account(s) changed.")


def _category_action(page: PageContext, action: str) -> None:
    ws_id, keys = page.ws_id, _Keys(page.ws_id)
    mapping = mapping_store(page)
    if _saved_draft(page, "Save or discard your edits before changing the categories.") is None:
        return
    state = st.session_state
    try:
        if action == "add":
            category = actions.add_category(
                mapping,
                ws_id,
                state.get(keys.cat_new, ""),
                state.get(keys.cat_kind, CategoryKind.EXPENSE),
                acting(page),
            )
            text = f"Category {as_text(category.name)} added."
        elif action == "rename":
            category = actions.rename_category(
                mapping, ws_id, state.get(keys.cat_pick, ""), state.get(keys.cat_rename, ""), acting(page)
            )
            text = f"Category renamed to {as_text(category.name)}."
        else:
            actions.retire_category(mapping, ws_id, state.get(keys.cat_pick, ""), acting(page))
            text = f"Category {as_text(state.get(keys.cat_pick))} retired."
    except InvalidInput as problem:
        _flash(ws_id, "error", str(problem))
        return
    _reload(mapping, ws_id)
    _flash(ws_id, "success", text)


def _filter_problem(ws_id: int, kind: str) -> None:
    st.session_state[_Keys(ws_id).f_kind] = kind
    st.session_state[_Keys(ws_id).editor] = st.session_state.get(_Keys(ws_id).editor, 0) + 1


# -- sections -------------------------------------------------------------------------------------


def _status(page: PageContext, mapping: MappingStore, draft: Draft) -> None:
    view = draft.view
    if view.pending is not None:
        st.info(
            f"Version {view.pending.number} is waiting for review "
            f"(submitted by {as_text(view.pending.submitted_by)}). A finance lead approves it or sends it "
            "back on the Review & approve step.",
            icon=":material/hourglass_top:",
        )
    latest = next(iter(mapping.versions(page.ws_id)), None)
    if latest is not None and latest.status == "sent back":
        # The step's attention banner above quotes the comment already while it stands: not twice.
        mine = page.my_progress
        quoted = mine.state == StepState.ATTENTION and bool(latest.comment) and latest.comment in mine.note
        st.warning(
            f"Version {latest.number} was sent back by {as_text(latest.decided_by)}"
            + (" with the comment above." if quoted else f": “{as_text(latest.comment)}”"),
            icon=":material/undo:",
        )
    if view.approved is not None:
        st.caption(
            f":material/verified: Version {view.approved.number} was approved by "
            f"{as_text(view.approved.decided_by)}"
            f" on {view.approved.decided_at:%Y-%m-%d %H:%M} UTC."
        )
    job = current_job(data_dir(), page.ws_id)
    if job is not None and job.snapshot().running:
        st.caption(
            ":material/sync: The rest of the Intacct data is still syncing; the GL accounts are all here. "
            "Reload this page after the sync to see accounts it changes."
        )


TO_DO_HELP = (
    "Accounts with no category that are not excluded yet. Only the active income-statement ones among "
    "them have to be decided before submitting."
)


def _per_draft(draft: Draft, name: str, compute: Callable[[], T], also: Hashable = None) -> T:
    """``compute()`` for this draft (and ``also``), worked out again only when either changed.

    Every change to a draft (a folded edit, a bulk action, a kept conflict, a reload) also moves the
    grid to a new key, so the grid's counter tells whether this draft changed since it was counted.
    """
    keys = _Keys(draft.view.ws_id)
    stamp = (st.session_state.get(keys.editor, 0), also)
    key = getattr(keys, f"cached_{name}")
    cached = st.session_state.get(key)
    if cached is None or cached[0] is not draft or cached[1] != stamp:
        cached = (draft, stamp, compute())
        st.session_state[key] = cached
    return cached[2]


def _rows_shown(draft: Draft, filters: Filters) -> tuple[list[str], pd.DataFrame]:
    """The accounts the filters keep, and the grid's frame of them (rebuilt only when either changed)."""

    def compute() -> tuple[list[str], pd.DataFrame]:
        mask = draft.mask(filters)
        # Selecting by the mask, not by the shown labels: looking 20,000 labels up again cost a tenth
        # of a rerun. The grid copies its frame, so the same frame serves every rerun.
        return _visible(draft, mask), draft.table.loc[mask, list(COLUMNS)].reset_index(drop=True)

    return _per_draft(draft, "rows", compute, also=filters)


def _coverage(draft: Draft) -> Coverage:
    return _per_draft(draft, "coverage", draft.coverage)


def _coverage_chart(coverage: Coverage) -> dict:
    """A one-bar Vega-Lite spec: mapped, excluded and to do side by side in one stacked bar.

    A fixed spec with three inline values costs a fraction of a millisecond, where st.bar_chart built
    and validated an Altair chart on every rerun (a sixth of the page's time on 20,000 accounts).
    The values sit in a layer so they travel in the spec itself, with no table to convert. The legend
    stands to the right: below the bar it would take the little height the bar has.
    """
    parts = {"Mapped": coverage.mapped, "Excluded": coverage.excluded, "To do": coverage.to_do}
    values = [{"Accounts": n, "State": s, "Order": i} for i, (s, n) in enumerate(parts.items())]
    return {
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "Accounts", "type": "quantitative", "stack": "zero", "axis": None},
                    "color": {
                        "field": "State",
                        "type": "nominal",
                        "sort": list(parts),
                        "scale": {"domain": list(parts), "range": ["#2e7d32", "#9e9e9e", "#f9a825"]},
                        "legend": {"orient": "right", "title": None},
                    },
                    "order": {"field": "Order"},
                },
            }
        ],
    }


def coverage_summary(draft: Draft) -> None:
    coverage = _coverage(draft)
    # One row (a single block) of fixed-width figures, the chart under them across the width.
    row = st.container(horizontal=True, vertical_alignment="center")
    row.metric("Mapped", f"{coverage.mapped:,}", width=METRIC_WIDTH)
    row.metric("Excluded", f"{coverage.excluded:,}", width=METRIC_WIDTH)
    row.metric("To do", f"{coverage.to_do:,}", help=TO_DO_HELP, width=METRIC_WIDTH)
    row.metric(
        "Errors",
        f"{coverage.errors:,}",
        help="Decisions that look wrong; each must be fixed.",
        width=METRIC_WIDTH,
    )
    row.metric(
        "Warnings",
        f"{coverage.warnings:,}",
        help="Worth a look; they do not stop a submission.",
        width=METRIC_WIDTH,
    )
    st.vega_lite_chart(
        _coverage_chart(coverage), height=CHART_HEIGHT, width="stretch", key=_Keys(draft.view.ws_id).chart
    )
    if coverage.must_decide:
        st.caption(
            f":material/pending_actions: {coverage.must_decide:,} of the accounts to do are active "
            "income-statement accounts, where bills post: give each a category or exclude it before "
            "submitting. Balance-sheet accounts may stay undecided."
        )


def _problem_button(ws_id: int, kind: ProblemKind, severity: Severity, count: int) -> None:
    if kind in TO_DO_KINDS:
        icon = ":material/pending_actions:"
    else:
        icon = ":material/error:" if severity == Severity.ERROR else ":material/warning:"
    st.button(
        f"{count:,} · {KIND_LABELS[kind]} ({kind_label(kind)})",
        key=f"map{ws_id}:problem:{kind.name}",
        icon=icon,
        type="tertiary",
        on_click=guarded(_filter_problem),
        args=(ws_id, str(kind)),
    )


def _problem_list(ws_id: int, draft: Draft) -> None:
    summary = _per_draft(draft, "problems", draft.problem_summary)
    active = st.session_state.get(_Keys(ws_id).f_kind) or ""
    wrong = [item for item in summary if item[0] not in TO_DO_KINDS]
    to_do = [item for item in summary if item[0] in TO_DO_KINDS]
    # Real problems lead; accounts nobody decided yet come after them, as the work still to do.
    if wrong:
        st.markdown("**Problems** · click one to show only its rows")
        for item in wrong:
            _problem_button(ws_id, *item)
    elif to_do:
        st.success("No problems in what is decided so far.", icon=":material/check_circle:")
    else:
        st.success("No problems found: every check passes.", icon=":material/check_circle:")
    if to_do:
        st.markdown("**Still to decide** · click to show only those rows")
        for item in to_do:
            _problem_button(ws_id, *item)
    if active:
        st.button(
            "Show every problem kind again",
            key=f"map{ws_id}:problem:clear",
            icon=":material/close:",
            on_click=guarded(_filter_problem),
            args=(ws_id, ""),
        )


def _lazy(key: str) -> dict[str, str]:
    """Expander arguments that run its content only while it is open.

    Opening one reruns the page (as any click does); a closed one costs the page nothing, where the
    categories table, the CSV files and the bulk controls drawn unseen took a tenth of every rerun.
    """
    return {"key": key, "on_change": "rerun"}


def _filter_widgets(ws_id: int) -> None:
    keys = _Keys(ws_id)
    # Rows of fixed-width widgets rather than st.columns: one block per row instead of one per cell.
    with st.expander("Filters", expanded=True, icon=":material/filter_list:"):
        top = st.container(horizontal=True, gap="medium", vertical_alignment="center")
        top.toggle("Unmapped only", key=keys.f_unmapped)
        top.toggle("Problems only", key=keys.f_problems)
        top.toggle("New since the last approval", key=keys.f_new)
        kind = st.session_state.get(keys.f_kind)
        if kind:
            top.caption(f"Showing only: {KIND_LABELS[ProblemKind(kind)].lower()}")
        row = st.container(horizontal=True)
        row.multiselect("Type", list(TYPE_LABELS.values()), key=keys.f_types, width=210)
        row.multiselect("Status", ["Active", "Inactive", "Deleted"], key=keys.f_statuses, width=210)
        row.text_input("Number from", key=keys.f_from, width=110)
        row.text_input("Number to", key=keys.f_to, width=110)
        row.text_input("Search number or title", key=keys.f_search, width="stretch")


def _bulk_widgets(ws_id: int, draft: Draft, count: int) -> None:
    keys = _Keys(ws_id)
    # A steady label: Streamlit treats an expander with a new label as a new one, closing it.
    with st.expander(
        "Bulk actions on the rows shown", icon=":material/done_all:", **_lazy(keys.x_bulk)
    ) as box:
        if not box.open:
            return
        st.caption(f"The actions below change the {count:,} rows the filters show.")
        left, middle, right = st.columns(3)
        with left:
            st.number_input("Confidence at least", 0.0, 1.0, DEFAULT_THRESHOLD, 0.05, key=keys.threshold)
            st.button(
                "Accept suggestions",
                key=keys.accept,
                on_click=guarded(_bulk),
                args=(ws_id, "accept"),
                help="Only rows nobody decided yet; recorded as a bulk acceptance.",
            )
        with middle:
            st.selectbox(
                "Category",
                draft.view.active_category_names,
                index=None,
                key=keys.bulk_category,
                placeholder="Choose a category",
            )
            st.button("Set on the rows shown", key=keys.set, on_click=guarded(_bulk), args=(ws_id, "set"))
        with right:
            st.caption("Mark the rows shown as not used in Routable.")
            st.button(
                "Exclude the rows shown", key=keys.exclude, on_click=guarded(_bulk), args=(ws_id, "exclude")
            )


def _fold_leftover(ws_id: int, draft: Draft) -> None:
    """Fold grid edits that reached the session without the change callback (AppTest seeds them so)."""
    keys = _Keys(ws_id)
    editor_key = f"map{ws_id}:grid{st.session_state.get(keys.editor, 0)}"
    edits = (st.session_state.get(editor_key) or {}).get("edited_rows")
    if edits and keys.shown in st.session_state:
        draft.apply_edits(edits, st.session_state[keys.shown])
        st.session_state[keys.editor] = st.session_state.get(keys.editor, 0) + 1


def _editor(ws_id: int, draft: Draft, shown: list[str], frame: pd.DataFrame, editable: bool) -> None:
    keys = _Keys(ws_id)
    st.session_state[keys.shown] = shown
    editor_key = f"map{ws_id}:grid{st.session_state.get(keys.editor, 0)}"
    st.data_editor(
        frame,
        key=editor_key,
        on_change=guarded(_fold) if editable else None,
        args=(ws_id, editor_key) if editable else None,
        hide_index=True,
        num_rows="fixed",
        # Read-only is the whole grid, so someone who may not edit never sees an editable cell.
        disabled=True if not editable else [c for c in COLUMNS if c not in EDITABLE],
        column_config={
            ACCOUNT: st.column_config.TextColumn(pinned=True, width=ACCOUNT_WIDTH),
            TITLE: st.column_config.TextColumn(width=TITLE_WIDTH),
            CONFIDENCE: st.column_config.NumberColumn(format="%.2f"),
            CATEGORY: st.column_config.SelectboxColumn(options=draft.view.active_category_names, width=220),
            USE: st.column_config.CheckboxColumn(
                help="Off means the account is not used in Routable; its category then reads so too."
            ),
            NOTE: st.column_config.TextColumn(max_chars=500),
            # Wide enough for the longest state, "new since the last approval", in a 1280-px window.
            STATE: st.column_config.TextColumn(width=STATE_WIDTH),
        },
        # A short list gets a short grid; a long one scrolls inside a fixed height.
        height=min(520, GRID_ROW_PX * (len(shown) + 1) + 3),
        width="stretch",
    )


def _conflicts(page: PageContext) -> None:
    conflicts = st.session_state.get(_Keys(page.ws_id).conflicts) or []
    if not conflicts:
        return
    st.subheader("Rows changed by someone else")
    for index, conflict in enumerate(conflicts):
        when = f" at {conflict.theirs_at:%H:%M} UTC" if conflict.theirs_at else ""
        st.markdown(
            f"**{conflict.account}**: you chose *{conflict.mine.describe()}*; "
            f"{conflict.theirs_by or 'someone'} saved *{conflict.theirs.describe()}*{when}."
        )
        left, right, _ = st.columns([1, 1, 3])
        left.button(
            "Keep mine",
            key=f"map{page.ws_id}:mine{index}",
            on_click=guarded(_resolve),
            args=(page, index, True),
        )
        right.button(
            "Keep theirs",
            key=f"map{page.ws_id}:theirs{index}",
            on_click=guarded(_resolve),
            args=(page, index, False),
        )


def _actions(page: PageContext, draft: Draft) -> None:
    if not page.may(Action.MAP_EDIT):
        return
    pending = len(draft.changes())
    # A row of buttons each as wide as its label: equal columns cut "Submit for review" short.
    row = st.container(horizontal=True, key=_Keys(page.ws_id).action_row)
    row.button(
        f"Save {pending} change{'s' if pending != 1 else ''}" if pending else "Save",
        type="primary",
        disabled=not pending,
        key=f"map{page.ws_id}:save",
        on_click=guarded(_save),
        args=(page,),
        icon=":material/save:",
    )
    row.button(
        "Discard edits",
        disabled=not pending,
        key=f"map{page.ws_id}:discard",
        on_click=guarded(_discard),
        args=(page,),
    )
    if not page.may(Action.SUBMIT):
        return
    row.button(
        "Submit for review",
        key=f"map{page.ws_id}:submit",
        on_click=guarded(_submit),
        args=(page,),
        icon=":material/send:",
        disabled=bool(pending),
        help="Freezes the saved mapping as a version a finance lead approves. Every error must be fixed and "
        "every account still to decide decided first.",
    )
    if pending:
        st.caption(f":material/edit: {pending} unsaved change{'s' if pending != 1 else ''}.")


def _files(page: PageContext, draft: Draft) -> None:
    editable, exportable = page.may(Action.MAP_EDIT), page.may(Action.EXPORT)
    if not (editable or exportable):
        return
    label = "Export or import as CSV" if editable else "Export as CSV"
    with st.expander(label, icon=":material/download:", **_lazy(_Keys(page.ws_id).x_files)) as box:
        if not box.open:
            return
        if exportable:
            _download(page, draft)
        if editable:
            _import_widgets(page)


def _saved_csv(page: PageContext, draft: Draft) -> bytes:
    """The saved mapping as CSV, written once per saved view rather than on every rerun.

    Building it for 20,000 accounts took half of each rerun, and it only changes when the draft is
    re-read (after a save, an import, a category change or a sync).
    """
    key = _Keys(page.ws_id).csv
    cached = st.session_state.get(key)
    if cached is None or cached[0] is not draft.view:
        cached = (draft.view, actions.export_mapping_csv(draft.view, actor=acting(page)))
        st.session_state[key] = cached
    return cached[1]


def _download(page: PageContext, draft: Draft) -> None:
    st.download_button(
        "Download the mapping (CSV)",
        data=_saved_csv(page, draft),
        file_name=f"mapping-{page.ws_id}-rev{draft.revision}.csv",
        mime="text/csv",
        key=_Keys(page.ws_id).download,
        icon=":material/download:",
        help="The saved mapping: account number, title, category, use in Routable, note.",
    )


def _import_widgets(page: PageContext) -> None:
    keys = _Keys(page.ws_id)
    st.file_uploader("CSV file to import", type=["csv"], key=keys.upload)
    st.button("Import", key=keys.do_import, on_click=guarded(_import), args=(page,))
    found = st.session_state.get(keys.import_problems)
    if found:
        problems, total = found
        st.dataframe(
            [{"Row": p.row or "", "Column": p.column, "Problem": p.message} for p in problems],
            hide_index=True,
        )
        if total > len(problems):
            st.caption(f"… and {total - len(problems)} more.")


def _categories(page: PageContext, draft: Draft) -> None:
    keys = _Keys(page.ws_id)
    with st.expander(
        "Routable categories of this workspace", icon=":material/category:", **_lazy(keys.x_categories)
    ) as box:
        if not box.open:
            return
        listed = [
            {"Category": c.name, "Kind": c.kind.replace("_", " "), "Retired": c.retired}
            for c in draft.view.categories
        ]
        st.dataframe(listed, hide_index=True, height=240)
        if not page.may(Action.MAP_EDIT):
            return
        add, change = st.columns(2)
        with add:
            st.text_input("New category", key=keys.cat_new)
            st.radio(
                "Kind",
                [CategoryKind.EXPENSE, CategoryKind.BALANCE_SHEET],
                key=keys.cat_kind,
                format_func=lambda k: k.replace("_", " "),
                horizontal=True,
            )
            st.button(
                "Add category", key=keys.cat_add, on_click=guarded(_category_action), args=(page, "add")
            )
        with change:
            st.selectbox("Category", draft.view.active_category_names, key=keys.cat_pick)
            st.text_input("New name", key=keys.cat_rename)
            one, two = st.columns(2)
            one.button(
                "Rename", key=keys.cat_do_rename, on_click=guarded(_category_action), args=(page, "rename")
            )
            two.button(
                "Retire",
                key=keys.cat_retire,
                on_click=guarded(_category_action),
                args=(page, "retire"),
                help="Only a category no account uses can be retired.",
            )


def render_map(page: PageContext) -> None:
    mapping = mapping_store(page)
    editable = page.may(Action.MAP_EDIT)
    draft = current_draft(mapping, page.ws_id, editable=editable)
    with st.container():
        _show_flash(page.ws_id)
    if not draft.view.rows:
        st.info(
            "No GL accounts have been synced for this workspace yet. Run the sync; the accounts arrive "
            "first, and this table fills in as soon as they are in.",
            icon=":material/sync:",
        )
        step_link(StepKey.SYNC, "Go to the Sync step")
        return
    # Sections of varying length sit in containers, so widgets below them keep their place (and an
    # open expander stays open) when the number of messages or problems changes.
    with st.container():
        _status(page, mapping, draft)
    coverage_summary(draft)
    with st.container():
        _problem_list(page.ws_id, draft)
    _filter_widgets(page.ws_id)
    shown, frame = _rows_shown(draft, _filters(page.ws_id))
    if editable:
        _bulk_widgets(page.ws_id, draft, len(shown))
    else:
        st.caption(
            ":material/visibility: You can read and export this mapping; changing it is up to the customer "
            "admin or the implementation manager."
        )
    st.caption(
        f"{len(shown):,} of {len(draft.table):,} accounts shown. Suggested categories stay suggestions "
        "until someone accepts them."
    )
    _editor(page.ws_id, draft, shown, frame, editable)
    _actions(page, draft)
    if editable:
        _conflicts(page)
    _files(page, draft)
    _categories(page, draft)
