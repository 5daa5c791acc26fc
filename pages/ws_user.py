"""Step 5: create the Web Services user, with role-based and user-based permission branches."""

import streamlit as st

from onboarding.steps import MENU_WS_USERS, StepKey
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.guidance import copy_value, demo_users, menu_path, numbered, sandbox_hint
from ui.permissions_view import (
    branch_instructions,
    permissions_table,
    plan_reminder,
    security_model_choice,
)
from ui.safe import friendly_errors

SUGGESTED_USER_ID = "Routable"

ctx = page_setup(StepKey.WS_USER)

with friendly_errors():
    page_heading(ctx)
    st.markdown(
        "Routable signs in as a user of its own. A *Web Services user* can only be used by programs, never "
        "to open the Intacct screens, so it stays separate from everyone's personal sign-in."
    )

    st.subheader("1. Create the user")
    menu_path(MENU_WS_USERS)
    numbered(
        [
            "Click **Add**.",
            "In **User ID**, paste the ID suggested below. Any ID works as long as you note it for the "
            "Connect step.",
            "Fill in **Last name**, **First name** and **Email address**. A shared finance mailbox works "
            "well, since Intacct emails the new user's password there.",
            "Set **User type** to **Business User** and **Admin privileges** to **Full**. Leave **Status** "
            "at **Active**.",
            "Give it permission to read (part 2 below), then click **Save**.",
        ]
    )
    copy_value("Suggested user ID", SUGGESTED_USER_ID)
    plan_reminder(ctx)

    st.subheader("2. Give it permission to read")
    model = security_model_choice(ctx)
    branch_instructions(model)
    permissions_table()

    st.subheader("3. Keep the password safe")
    st.markdown(
        "You will type the password once, on the Connect step. Routable stores it encrypted and never "
        "shows it again. If you lose it, reset it in Intacct and use *Update credentials* on the Connect "
        "step."
    )
    sandbox_hint(ctx, "the Web Services users exist already:\n" + demo_users(ctx))
    render_checklist(ctx)
    completion_note(ctx, StepKey.CONNECT)
