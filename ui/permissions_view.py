"""The Web Services user step's two branches (role-based, user-based) and the permissions table."""

from __future__ import annotations

from functools import partial

import streamlit as st

from onboarding import progress
from onboarding.access import Action
from onboarding.preflight import PERMISSIONS, RIGHTS
from onboarding.steps import (
    MENU_ROLES,
    MENU_WS_USERS,
    SECURITY_MODEL_HINT,
    SECURITY_MODELS,
    SecurityModel,
    StepKey,
)
from ui.guard import PageContext
from ui.guidance import copy_value, menu_path, numbered
from ui.nav import step_link
from ui.saved_choice import saved_radio

SUGGESTED_ROLE_NAME = "Routable read access"


def permissions_table() -> None:
    """What the Web Services user must be able to read, straight from the preflight's own table."""
    # A data table scrolls sideways on a narrow screen; a text table would cut its columns short.
    st.dataframe(
        [
            {
                "Data": p.label,
                "Intacct application": p.application,
                "Permission": p.permission,
                "Tick": RIGHTS,
                "Needed": "Required" if p.required else "If you use it",
                "Used for": p.purpose,
            }
            for p in PERMISSIONS.values()
        ],
        hide_index=True,
    )
    notes = [p.note for p in PERMISSIONS.values() if p.note]
    if notes:
        st.caption(" ".join(notes))
    st.caption(
        "Routable only reads these lists during onboarding. When you connect, we test every line and "
        "tell you exactly which one is missing."
    )


def security_model_choice(ctx: PageContext) -> str | None:
    """Ask once and remember: the instructions and the checklist follow the answer."""
    saved_radio(
        "How does your company grant permissions in Intacct?",
        SECURITY_MODELS,
        ctx.workspace.security_model,
        f"security_model_{ctx.ws_id}",
        lambda model: ctx.store.apply(
            ctx.ws_id, partial(progress.security_model_changed, model=model, actor=ctx.actor)
        ),
        help=SECURITY_MODEL_HINT,
        disabled=not ctx.may(Action.EDIT_SETUP),
    )
    if ctx.workspace.security_model is None:
        st.caption(SECURITY_MODEL_HINT)
    return ctx.workspace.security_model


def role_based_steps() -> None:
    menu_path(MENU_ROLES)
    numbered(
        [
            "Either open a role that already has full access and skip to the last point, or click **Add** "
            "to create a role just for Routable (a name is suggested below).",
            "In the new role, click **Subscriptions**. Next to each application in the table below, click "
            "**Permissions** and tick the rights shown for its permission. Save the role.",
            f"Back in **{MENU_WS_USERS}**, open the Routable user, click **Edit**, add the role on its "
            "**Roles** tab, and click **Save**.",
        ]
    )
    copy_value("Suggested role name", SUGGESTED_ROLE_NAME)


def user_based_steps() -> None:
    menu_path(MENU_WS_USERS)
    numbered(
        [
            "Open the Routable user, click **Edit**, then **Subscriptions**.",
            "Next to each application in the table below, click **Permissions** and tick the rights shown "
            "for its permission.",
            "Click **Save** on the permissions and again on the user.",
        ]
    )


def branch_instructions(model: str | None) -> None:
    """One branch when the model is known; both, in tabs, while it is not."""
    if model == SecurityModel.ROLE:
        role_based_steps()
    elif model == SecurityModel.USER:
        user_based_steps()
    else:
        role_tab, user_tab = st.tabs(
            [SECURITY_MODELS[SecurityModel.ROLE], SECURITY_MODELS[SecurityModel.USER]]
        )
        with role_tab:
            role_based_steps()
        with user_tab:
            user_based_steps()


def plan_reminder(ctx: PageContext) -> None:
    if ctx.workspace.plan == "entity":
        st.markdown(
            "**Entity access.** Your plan is to connect to one entity, so give the user access to that "
            "entity on its entity tab."
        )
    elif ctx.workspace.plan == "top":
        st.markdown(
            "**Entity access.** Your plan is a top-level connection, so do not restrict the user to any "
            "entity: leave its entity list empty."
        )
    else:
        st.markdown("**Entity access** depends on your plan, which is not chosen yet:")
        step_link(StepKey.PLAN)
