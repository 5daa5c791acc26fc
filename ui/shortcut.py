""""The customer already did the Intacct side": steps 1 to 5 marked done in one recorded action.

Implementation managers often join after the customer's admin has set everything up in Intacct.
Ticking seventeen boxes they did not watch being done would be a pretence; one action that says what
happened, recorded in the audit trail under their name, is the honest shortcut. The live sign-in on
the Connect step then proves or disproves it.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from onboarding import progress
from onboarding.identity import Identity, Role
from onboarding.steps import STEP_KEYS, StepKey, step
from onboarding.store import Store, Workspace
from ui.display import as_text
from ui.nav import workspace_link
from ui.safe import guarded

# Everything before Connect happens in Sage Intacct.
INTACCT_SIDE = tuple(STEP_KEYS[: STEP_KEYS.index(StepKey.CONNECT)])
NOTE = "the customer set up the Intacct side"
_DONE_KEY = "shortcut_done"


def offered_to(actor: Identity, missing: list[str]) -> bool:
    """Only implementation managers, and only when what is missing is all on the Intacct side."""
    return actor.role == Role.IMPLEMENTATION_MANAGER and bool(missing) and set(missing) <= set(INTACCT_SIDE)


@guarded
def _mark_done(store: Store, ws_id: int, actor: Identity, go_to_connect: bool) -> None:
    store.apply(ws_id, lambda now: progress.steps_marked_done(now, INTACCT_SIDE, actor=actor, note=NOTE))
    if go_to_connect:
        st.session_state[_DONE_KEY] = ws_id


def offer(
    store: Store,
    workspace: Workspace,
    actor: Identity,
    missing: list[str],
    *,
    key: str,
    go_to_connect: bool = True,
) -> None:
    """Offer the shortcut when it applies; right after it was used, go on to Connect.

    `go_to_connect` False where the page itself turns into Connect once the steps are done.
    """
    if st.session_state.get(_DONE_KEY) == workspace.id:
        st.session_state.pop(_DONE_KEY)
        connect = step(StepKey.CONNECT)
        try:
            st.switch_page(connect.page_file, query_params=workspace_link(workspace))
        except StreamlitAPIException:  # a page run on its own cannot switch: say where to go instead
            st.success(f"Steps 1 to 5 are done. Open {connect.title} from the step list.")
        return
    if offered_to(actor, missing):
        _render(store, workspace, actor, key, go_to_connect)


def _render(store: Store, workspace: Workspace, actor: Identity, key: str, go_to_connect: bool) -> None:
    """The offer, with a confirmation so a stray click cannot skip five steps."""
    with st.expander("The customer already did the Intacct side?", icon=":material/fast_forward:"):
        st.write(
            f"If {as_text(workspace.name)}'s own Intacct administrator has already turned on Web Services, "
            "authorized our sender ID and created the Web Services user, you can mark steps 1 to 5 done "
            "at once and go straight to Connect. It is recorded under your name; the live sign-in there "
            "then checks that everything really is in place."
        )
        sure = st.checkbox("I confirmed with the customer that steps 1 to 5 are done", key=f"{key}_sure")
        st.button(
            "Mark steps 1–5 done",
            key=f"{key}_go",
            type="primary",
            disabled=not sure,
            on_click=_mark_done,
            args=(store, workspace.id, actor, go_to_connect),
        )
