"""Which customer workspace this browser session works on, and the widgets to pick or start one.

The choice lives in session state and is mirrored in the URL (?ws=<id>), so a reload or a link
shared with a colleague opens the same workspace.
"""

from __future__ import annotations

import streamlit as st

from onboarding.identity import Identity
from onboarding.store import InvalidInput, Store, Workspace
from ui.display import as_text
from ui.safe import guarded

SELECTED_KEY = "workspace_id"
QUERY_PARAM = "ws"
_SWITCHER_KEY = "workspace_switcher"
_STALE_LINK_KEY = "workspace_stale_link"


def select_workspace(ws_id: int) -> None:
    st.session_state[SELECTED_KEY] = ws_id
    st.query_params[QUERY_PARAM] = str(ws_id)


def forget_workspace() -> None:
    st.session_state.pop(SELECTED_KEY, None)
    if QUERY_PARAM in st.query_params:
        del st.query_params[QUERY_PARAM]


# Anything longer is not one of our ids, and SQLite cannot even compare integers past 2**63.
_MAX_ID_DIGITS = 18


def _id_from_url(raw: str) -> int | None:
    """The id in ?ws=..., or None for anything a hand-edited or mangled link may hold."""
    if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_ID_DIGITS:
        return int(raw)
    return None


def current_workspace(store: Store) -> Workspace | None:
    """The selected live workspace, or None; a stale or archived selection is dropped."""
    ws_id = st.session_state.get(SELECTED_KEY)
    from_link = ws_id is None
    if from_link:
        ws_id = _id_from_url(st.query_params.get(QUERY_PARAM, ""))
    if ws_id is None:
        return None
    workspace = store.get_workspace(ws_id)
    if workspace is None or workspace.archived:
        forget_workspace()
        # Said on the chooser, so a link to a closed or mistyped workspace is not a silent reset.
        if from_link:
            st.session_state[_STALE_LINK_KEY] = (ws_id, workspace is not None)
        return None
    st.session_state.pop(_STALE_LINK_KEY, None)
    # Page switches drop query parameters; write it back so the URL keeps naming the workspace.
    select_workspace(workspace.id)
    return workspace


@guarded
def _create(store: Store, name_key: str, error_key: str, actor: Identity) -> None:
    """Form callback: create the workspace and select it, or keep the message for the form to show."""
    try:
        workspace = store.create_workspace(st.session_state.get(name_key, ""), actor=actor)
    except InvalidInput as problem:
        st.session_state[error_key] = problem.message
        return
    st.session_state.pop(error_key, None)
    st.session_state[name_key] = ""
    select_workspace(workspace.id)


def creation_form(store: Store, form_key: str, actor: Identity, *, container: object | None = None) -> None:
    """A one-field form to start a workspace for a new customer."""
    target = container if container is not None else st
    name_key, error_key = f"{form_key}_name", f"{form_key}_error"
    with target.form(form_key, border=False):
        st.text_input(
            "Customer name",
            key=name_key,
            max_chars=80,
            placeholder="e.g. Acme Corporation",
            help="Usually the customer's company name. You can have one workspace per customer.",
        )
        st.form_submit_button(
            "Create workspace", type="primary", on_click=_create, args=(store, name_key, error_key, actor)
        )
    if st.session_state.get(error_key):
        # The message repeats the name as typed: shown as text, so a name cannot format the page.
        target.error(as_text(st.session_state[error_key]))


@guarded
def _switch() -> None:
    chosen = st.session_state.get(_SWITCHER_KEY)
    if chosen is not None:
        select_workspace(chosen)


def switcher(store: Store, current: Workspace, *, screen_share: bool = False) -> None:
    """Sidebar select box to move between customers without losing anyone's progress.

    While the screen is shared it shows the current customer only: the customer watching must not see
    who else we work with.
    """
    if screen_share:
        st.markdown("**Customer workspace**")
        st.text(current.name)
        st.caption("Other customers are hidden while you share your screen.")
        return
    workspaces = store.list_workspaces()
    names = {w.id: w.name for w in workspaces}
    # Seed the widget from our own key each run: widget state alone does not survive page switches.
    st.session_state[_SWITCHER_KEY] = current.id
    st.selectbox(
        "Customer workspace",
        options=list(names),
        format_func=lambda ws_id: names.get(ws_id, "?"),
        key=_SWITCHER_KEY,
        on_change=_switch,
        help="Each customer's progress is saved separately; switch at any time.",
    )


def picker(store: Store, actor: Identity, *, screen_share: bool = False) -> None:
    """Main-area chooser shown when no workspace is selected yet (without the list while sharing)."""
    st.title("Connect Sage Intacct to Routable")
    st.write(
        "This guide walks you through connecting a customer's Sage Intacct company to Routable, step "
        "by step. Progress is saved as you go, so you can stop and pick up where you left off."
    )
    stale = st.session_state.pop(_STALE_LINK_KEY, None)
    if stale is not None:
        ws_id, archived = stale
        why = "was archived" if archived else "does not exist"
        st.warning(
            f"The link you opened points to workspace number {ws_id}, which {why}. Choose a customer "
            "below, or ask whoever sent the link for a current one.",
            icon=":material/link_off:",
        )
    workspaces = store.list_workspaces()
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Continue with a customer")
        if workspaces and screen_share:
            st.info(
                "The list of customers stays hidden while screen-share mode is on. Open the customer's "
                "own link, or turn the mode off for a moment to choose.",
                icon=":material/visibility_off:",
            )
        elif workspaces:
            names = {w.id: w.name for w in workspaces}
            chosen = st.selectbox(
                "Customer workspace",
                options=list(names),
                format_func=lambda ws_id: names[ws_id],
                index=None,
                placeholder="Choose a customer",
                key="workspace_picker",
            )
            if st.button("Open workspace", disabled=chosen is None, key="workspace_open"):
                select_workspace(chosen)
                st.rerun()
        else:
            st.info("No workspaces yet. Start the first one on the right.", icon=":material/arrow_forward:")
    with right:
        st.subheader("Start a new customer")
        creation_form(store, "workspace_create_main", actor)
