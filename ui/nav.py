"""Links between steps, and the page list the entry point hands to st.navigation."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from onboarding.progress import StepState
from onboarding.steps import STEPS, Step, step
from ui.resources import PROJECT_ROOT
from ui.workspaces import QUERY_PARAM, SELECTED_KEY

STATE_LABELS = {StepState.TODO: "to do", StepState.DONE: "done", StepState.ATTENTION: "needs attention"}
STATE_ICONS = {StepState.DONE: ":material/check_circle:", StepState.ATTENTION: ":material/error:"}


def build_pages() -> list[st.Page]:
    """One st.Page per step, in catalogue order; paths are absolute so the app runs from any directory."""
    return [
        st.Page(PROJECT_ROOT / s.page_file, title=s.title, icon=s.icon, default=(index == 0))
        for index, s in enumerate(STEPS)
    ]


def workspace_link(ws_id: int | None = None) -> dict[str, str] | None:
    """The query string that makes a step link land on the same workspace, also in a new tab."""
    if ws_id is None:
        ws_id = st.session_state.get(SELECTED_KEY)
    return {QUERY_PARAM: str(ws_id)} if ws_id is not None else None


def step_number(step_key: str) -> int:
    return next(i for i, s in enumerate(STEPS, start=1) if s.key == step_key)


def step_label(definition: Step) -> str:
    return f"Step {step_number(definition.key)}: {definition.title}"


def step_link(
    step_key: str,
    label: str | None = None,
    *,
    icon: str | None = None,
    container: object | None = None,
) -> None:
    """A link to a step's page.

    Streamlit can only link to pages it knows about in this run. When a page file runs on its own
    (a test harness, for example) it knows none, so we fall back to naming the step in plain text;
    the user still learns where to go.
    """
    definition = step(step_key)
    text = label or step_label(definition)
    target = container if container is not None else st
    try:
        target.page_link(
            definition.page_file, label=text, icon=icon or definition.icon, query_params=workspace_link()
        )
    except StreamlitAPIException:
        target.markdown(f":material/arrow_forward: **{text}** (open it from the step list in the sidebar)")
