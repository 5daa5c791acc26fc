"""A step's checklist: one checkbox per item, saved to the workspace the moment it is ticked."""

from __future__ import annotations

import streamlit as st

from onboarding import progress
from onboarding.identity import Identity
from onboarding.progress import StepState
from onboarding.steps import ChecklistItem
from onboarding.store import Store
from ui.guard import PageContext
from ui.nav import step_link
from ui.safe import guarded


@guarded
def _save_tick(
    store: Store, ws_id: int, step_key: str, item_key: str, widget_key: str, actor: Identity
) -> None:
    ticked = bool(st.session_state.get(widget_key))
    store.apply(ws_id, lambda now: progress.checklist_ticked(now, step_key, item_key, ticked, actor=actor))


def render_checklist(
    ctx: PageContext, items: list[ChecklistItem] | None = None, *, title: str | None = "Checklist"
) -> None:
    """Checkboxes for `items` (default: every item that applies to the workspace's security model)."""
    definition = ctx.step
    if items is None:
        items = definition.items_for(ctx.workspace.security_model)
    if title:
        st.subheader(title)
    ticked = ctx.my_progress.checked
    for item in items:
        # The workspace is part of the key, so switching customers never carries ticks across.
        widget_key = f"check_{ctx.ws_id}_{definition.key}_{item.key}"
        help_text = item.help + (f"\n\nIn Intacct: **{item.menu_path}**" if item.menu_path else "")
        st.checkbox(
            item.label,
            value=item.key in ticked,
            key=widget_key,
            help=help_text,
            on_change=_save_tick,
            args=(ctx.store, ctx.ws_id, definition.key, item.key, widget_key, ctx.actor),
        )


def completion_note(ctx: PageContext, next_step_key: str | None) -> None:
    """Tell the user where they stand, and where to go next once the step is done."""
    state = ctx.my_progress.state
    if state == StepState.DONE:
        st.success("This step is done. Nice work.", icon=":material/check_circle:")
        if next_step_key:
            step_link(next_step_key, icon=":material/arrow_forward:")
    elif state == StepState.TODO and ctx.step.tickable:
        st.caption("Tick each item once it is true; your ticks are saved straight away.")
