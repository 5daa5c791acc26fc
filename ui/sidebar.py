"""The sidebar every page shares: workspace switcher, the steps with their state, screen-share mode."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from onboarding.access import Action
from onboarding.access_mode import AccessMode
from onboarding.identity import Identity
from onboarding.platform import Platform
from onboarding.progress import StepState
from onboarding.scoped_store import ScopedStore
from onboarding.steps import STEPS
from onboarding.store import StepProgress, Workspace
from ui import workspaces
from ui.nav import STATE_ICONS, STATE_LABELS, TEAM_PAGE
from ui.safe import guarded
from ui.sign_in import who_am_i

SCREEN_SHARE_KEY = "screen_share"
_SCREEN_SHARE_WIDGET = "screen_share_toggle"


def screen_share_on() -> bool:
    return bool(st.session_state.get(SCREEN_SHARE_KEY, False))


@guarded
def _copy_screen_share() -> None:
    st.session_state[SCREEN_SHARE_KEY] = bool(st.session_state.get(_SCREEN_SHARE_WIDGET))


def _screen_share_toggle() -> None:
    # Our own key outlives page switches; the widget's key is re-seeded from it on every run.
    st.session_state[_SCREEN_SHARE_WIDGET] = screen_share_on()
    st.toggle(
        "Screen-share mode",
        key=_SCREEN_SHARE_WIDGET,
        on_change=_copy_screen_share,
        help="Turn this on before sharing your screen: Company IDs and user IDs are partly hidden on "
        "every page. Passwords are never shown, in either mode.",
    )
    if screen_share_on():
        st.caption(":material/lock: IDs are partly hidden while you share your screen.")


def _sandbox_banner(platform: Platform) -> None:
    if platform.sandbox:
        st.info(
            "**Sandbox mode.** This app talks to Routable's practice Intacct, not a real company, so you "
            "can try every step safely. The demo sign-ins are listed on the Connect step.",
            icon=":material/science:",
        )


def _step_list(progress: dict[str, StepProgress]) -> None:
    st.markdown("**Your steps**")
    for number, definition in enumerate(STEPS, start=1):
        state = progress[definition.key].state if definition.key in progress else StepState.TODO
        label = f"{number}. {definition.nav_title} · {STATE_LABELS.get(state, state)}"
        _page_link(definition.page_file, label, STATE_ICONS.get(state, definition.icon))


def _page_link(page_file: str, label: str, icon: str) -> None:
    try:
        st.page_link(page_file, label=label, icon=icon)
    except StreamlitAPIException:
        # The page file runs without the app around it (see ui.nav.step_link): plain text instead.
        st.markdown(f"{icon} {label}")


def render_sidebar(
    store: ScopedStore,
    platform: Platform | None,
    workspace: Workspace | None,
    progress: dict[str, StepProgress] | None,
    mode: AccessMode = AccessMode.LOCAL,
) -> None:
    identity: Identity = store.identity
    with st.sidebar:
        st.markdown("### Routable × Sage Intacct")
        who_am_i(identity, mode)
        if workspace is not None:
            workspaces.switcher(store, workspace)
            if store.may(Action.CREATE_WORKSPACE):
                with st.expander("Start a new customer workspace", expanded=False):
                    workspaces.creation_form(store, "workspace_create_sidebar", identity)
        if workspace is not None and progress is not None:
            st.divider()
            _step_list(progress)
            if store.may(Action.INVITE_FINANCE_REVIEWER, workspace.id):
                _page_link(TEAM_PAGE.page_file, TEAM_PAGE.title, TEAM_PAGE.icon)
        st.divider()
        _screen_share_toggle()
        if platform is not None:
            _sandbox_banner(platform)
