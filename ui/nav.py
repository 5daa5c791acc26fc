"""Links between steps, and the page list the entry point hands to st.navigation."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from onboarding.progress import StepState
from onboarding.steps import STEPS, Step, step
from onboarding.store import Workspace
from ui.resources import PROJECT_ROOT
from ui.workspaces import QUERY_PARAM

STATE_LABELS = {StepState.TODO: "to do", StepState.DONE: "done", StepState.ATTENTION: "needs attention"}
STATE_ICONS = {StepState.DONE: ":material/check_circle:", StepState.ATTENTION: ":material/error:"}


# Not a wizard step: who may work on the workspace (invitations, sign-in grants) and deleting it.
TEAM_PAGE = Step(
    key="team",
    title="People and access",
    page_file="pages/team.py",
    icon=":material/group:",
    summary="Invite colleagues to this workspace, withdraw invitations, and decide who signs in as what.",
)


def build_pages() -> list[st.Page]:
    """One st.Page per step, in catalogue order, then the team page; paths are absolute."""
    pages = [
        st.Page(PROJECT_ROOT / s.page_file, title=s.title, icon=s.icon, default=(index == 0))
        for index, s in enumerate(STEPS)
    ]
    pages.append(st.Page(PROJECT_ROOT / TEAM_PAGE.page_file, title=TEAM_PAGE.title, icon=TEAM_PAGE.icon))
    return pages


def workspace_link(workspace: Workspace | None = None) -> dict[str, str] | None:
    """The query string that makes a step link land on the same workspace, also in a new tab."""
    ref = workspace.ref if workspace is not None else st.query_params.get(QUERY_PARAM, "")
    return {QUERY_PARAM: ref} if ref else None


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
