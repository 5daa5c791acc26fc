"""The sidebar every page shares: workspace switcher, the steps with their state, screen-share mode."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from onboarding.access import Action, may
from onboarding.access_mode import AccessMode
from onboarding.identity import Identity
from onboarding.platform import Platform
from onboarding.progress import StepState
from onboarding.scoped_store import ScopedStore
from onboarding.steps import STEPS, StepKey
from onboarding.store import StepProgress, Workspace
from onboarding.sync_jobs import current_job
from ui import screen_share, workspaces
from ui.nav import STATE_ICONS, STATE_LABELS, TEAM_PAGE, workspace_link
from ui.progress_view import sidebar_status
from ui.resources import data_dir
from ui.sign_in import who_am_i


def _sandbox_banner(platform: Platform) -> None:
    if platform.sandbox:
        st.info(
            "**Sandbox mode.** This app talks to Routable's practice Intacct, not a real company, so you "
            "can try every step safely. The demo sign-ins are listed on the Connect step.",
            icon=":material/science:",
        )


SYNC_POLL_SECONDS = 2.0


def _sync_status(ws_id: int) -> str | None:
    job = current_job(data_dir(), ws_id)
    return sidebar_status(job.snapshot() if job is not None else None)


def _step_list(progress: dict[str, StepProgress], workspace: Workspace, poll: bool) -> None:
    st.markdown("**Your steps**")
    if poll and _sync_status(workspace.id) is not None:
        # A sync is running: redraw the list on its own until it ends, so "7. Sync · running, 45%"
        # moves on every page (except where the caller said polling would disturb the page).
        @st.fragment(run_every=SYNC_POLL_SECONDS)
        def live_steps() -> None:
            status = _sync_status(workspace.id)
            _step_lines(progress, workspace, status)
            if status is None:
                st.rerun()  # the sync ended: the whole page again, with the new step states

        live_steps()
    else:
        _step_lines(progress, workspace, _sync_status(workspace.id))


def step_links(progress: dict[str, StepProgress], workspace: Workspace) -> None:
    """The step list as links, each with its state (also shown outside the sidebar)."""
    _step_lines(progress, workspace, _sync_status(workspace.id))


def _step_lines(progress: dict[str, StepProgress], workspace: Workspace, sync_status: str | None) -> None:
    for number, definition in enumerate(STEPS, start=1):
        state = progress[definition.key].state if definition.key in progress else StepState.TODO
        label = f"{number}. {definition.nav_title} · {STATE_LABELS.get(state, state)}"
        icon = STATE_ICONS.get(state, definition.icon)
        if definition.key == StepKey.SYNC and sync_status is not None:
            label, icon = f"{number}. {definition.nav_title} · {sync_status}", ":material/sync:"
        _page_link(definition.page_file, label, icon, workspace_link(workspace))


def _page_link(page_file: str, label: str, icon: str, query_params: dict[str, str] | None = None) -> None:
    try:
        st.page_link(page_file, label=label, icon=icon, query_params=query_params)
    except StreamlitAPIException:
        # The page file runs without the app around it (see ui.nav.step_link): plain text instead.
        st.markdown(f"{icon} {label}")


def render_sidebar(
    store: ScopedStore,
    platform: Platform | None,
    workspace: Workspace | None,
    progress: dict[str, StepProgress] | None,
    mode: AccessMode = AccessMode.LOCAL,
    *,
    poll: bool = True,
    sharing: bool | None = None,
) -> None:
    """`poll` False keeps the sidebar still while a sync runs (pages with an editor that reruns upset).

    `sharing` is the screen-share setting when the caller read it already in this run.
    """
    identity: Identity = store.identity
    with st.sidebar:
        st.markdown("### Routable × Sage Intacct")
        who_am_i(identity, mode)
        if sharing is None:
            sharing = screen_share.screen_share_on(store, identity)
        if workspace is not None:
            workspaces.switcher(store, workspace, screen_share=sharing)
            if store.may(Action.CREATE_WORKSPACE):
                # Its form is drawn only while the expander is open (opening it reruns the page).
                with st.expander(
                    "Start a new customer workspace", key="workspace_create_open", on_change="rerun"
                ) as creating:
                    if creating.open:
                        workspaces.creation_form(store, "workspace_create_sidebar", identity)
        if workspace is not None and progress is not None:
            st.divider()
            _step_list(progress, workspace, poll)
            # Asked of the workspace read at the top of this run, rather than reading it once more.
            if may(identity, Action.INVITE_FINANCE_REVIEWER, workspace):
                _page_link(TEAM_PAGE.page_file, TEAM_PAGE.title, TEAM_PAGE.icon, workspace_link(workspace))
        st.divider()
        screen_share.toggle(store, identity, on=sharing)
        if sharing:
            screen_share.badge()
        if platform is not None:
            _sandbox_banner(platform)
