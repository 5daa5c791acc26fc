"""Which customer workspace this browser session works on, and the widgets to pick or start one.

The choice lives in session state and is mirrored in the URL as the workspace's opaque reference
(?ws=<ref>, never its number), so a reload or a link shared with a colleague opens the same workspace.
Everything here goes through the identity's ScopedStore: a workspace someone may not see and one that
does not exist look the same, and the lists hold only what the identity may open.
"""

from __future__ import annotations

import streamlit as st

from onboarding.access import Action
from onboarding.identity import Identity
from onboarding.scoped_store import ScopedStore
from onboarding.store import InvalidInput, Workspace
from ui.display import as_text
from ui.safe import guarded

SELECTED_KEY = "workspace_id"
QUERY_PARAM = "ws"
_SWITCHER_KEY = "workspace_switcher"
_NOTICE_KEY = "workspace_notice"
_STALE_LINK_KEY = "workspace_stale_link"


def leave_notice(message: str) -> None:
    """A message for the picker to show once (after the workspace it concerns is gone)."""
    st.session_state[_NOTICE_KEY] = message


def select_workspace(workspace: Workspace) -> None:
    st.session_state[SELECTED_KEY] = workspace.id
    st.query_params[QUERY_PARAM] = workspace.ref


def forget_workspace() -> None:
    st.session_state.pop(SELECTED_KEY, None)
    if QUERY_PARAM in st.query_params:
        del st.query_params[QUERY_PARAM]


# Far longer than any reference we issue; anything beyond is not worth a database look-up.
_MAX_REF_CHARS = 64


def _from_url(store: ScopedStore) -> Workspace | None:
    raw = st.query_params.get(QUERY_PARAM, "")
    if not raw or len(raw) > _MAX_REF_CHARS:
        return None
    return store.workspace_by_ref(raw)


def current_workspace(store: ScopedStore) -> Workspace | None:
    """The selected live workspace the identity may open, or None; a stale or foreign selection is dropped.

    Someone whose access covers a single workspace lands on it without having to pick.
    """
    ws_id = st.session_state.get(SELECTED_KEY)
    from_link = not isinstance(ws_id, int) and bool(st.query_params.get(QUERY_PARAM, ""))
    workspace = store.get_workspace(ws_id) if isinstance(ws_id, int) else _from_url(store)
    if workspace is None and ws_id is None and QUERY_PARAM not in st.query_params:
        only = store.list_workspaces()
        if len(only) == 1 and not store.may(Action.CREATE_WORKSPACE):
            workspace = only[0]
    if workspace is None or workspace.archived:
        forget_workspace()
        # Said on the chooser, so a link to a closed or mistyped workspace is not a silent reset.
        if from_link:
            st.session_state[_STALE_LINK_KEY] = True
        return None
    st.session_state.pop(_STALE_LINK_KEY, None)
    # Page switches drop query parameters; write it back so the URL keeps naming the workspace.
    select_workspace(workspace)
    return workspace


@guarded
def _create(store: ScopedStore, name_key: str, error_key: str, actor: Identity) -> None:
    """Form callback: create the workspace and select it, or keep the message for the form to show."""
    try:
        workspace = store.create_workspace(st.session_state.get(name_key, ""), actor=actor)
    except InvalidInput as problem:
        st.session_state[error_key] = problem.message
        return
    st.session_state.pop(error_key, None)
    st.session_state[name_key] = ""
    select_workspace(workspace)


def creation_form(
    store: ScopedStore, form_key: str, actor: Identity, *, container: object | None = None
) -> None:
    """A one-field form to start a workspace for a new customer (only for those who may)."""
    if not store.may(Action.CREATE_WORKSPACE):
        return
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
def _switch(store: ScopedStore) -> None:
    chosen = st.session_state.get(_SWITCHER_KEY)
    workspace = store.get_workspace(chosen) if chosen is not None else None
    if workspace is not None:
        select_workspace(workspace)


def switcher(store: ScopedStore, current: Workspace, *, screen_share: bool = False) -> None:
    """Sidebar select box to move between the customers this identity may open.

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
        args=(store,),
        help="Each customer's progress is saved separately; switch at any time.",
    )


def picker(store: ScopedStore, actor: Identity, *, screen_share: bool = False) -> None:
    """Main-area chooser shown when no workspace is selected yet (without the list while sharing)."""
    st.title("Connect Sage Intacct to Routable")
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    st.write(
        "This guide walks you through connecting a customer's Sage Intacct company to Routable, step "
        "by step. Progress is saved as you go, so you can stop and pick up where you left off."
    )
    if st.session_state.pop(_STALE_LINK_KEY, None):
        # One answer whether the workspace was archived, never existed or belongs to someone else.
        st.warning(
            "The workspace in the link you opened is not available to you: it may have been archived, "
            "or the link is incomplete. Choose a customer below, or ask whoever sent the link for a "
            "current one.",
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
                workspace = store.get_workspace(chosen)
                if workspace is not None:
                    select_workspace(workspace)
                st.rerun()
        elif store.may(Action.CREATE_WORKSPACE):
            st.info("No workspaces yet. Start the first one on the right.", icon=":material/arrow_forward:")
        else:
            st.info(
                "There is no workspace for you to open. Ask the person who invited you for a new link.",
                icon=":material/lock:",
            )
    if store.may(Action.CREATE_WORKSPACE):
        with right:
            st.subheader("Start a new customer")
            creation_form(store, "workspace_create_main", actor)
