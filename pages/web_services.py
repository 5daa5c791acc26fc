"""Step 4: turn on the Web Services subscription and authorize Routable's sender ID."""

import streamlit as st

from onboarding.steps import MENU_COMPANY_INFO, MENU_SUBSCRIPTIONS, StepKey
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.guidance import copy_value, menu_path, numbered, sandbox_hint
from ui.safe import friendly_errors

ctx = page_setup(StepKey.WEB_SERVICES)

with friendly_errors():
    page_heading(ctx)
    sender_id = ctx.sender_id
    st.markdown(
        "Intacct only answers programs that it has been told to trust. Two switches do that: the Web "
        "Services subscription lets programs in at all, and the authorization names Routable as one of them."
    )

    st.subheader("1. Turn on Web Services")
    menu_path(MENU_SUBSCRIPTIONS)
    st.markdown(
        "Find **Web Services** in the list of applications. If its switch is off, turn it on and confirm. "
        "If it is on already, there is nothing to change here."
    )

    st.subheader("2. Authorize our sender ID")
    menu_path(MENU_COMPANY_INFO)
    numbered(
        [
            "On the company information page, click **Edit** (top right).",
            "Open the **Security** tab and scroll down to **Web Services authorizations**.",
            "Click **Add**. Paste our sender ID (below) into **Sender ID** and set **Status** to **Active**.",
            "Click **Save** at the top of the page. The new line only counts once the page is saved.",
        ]
    )
    copy_value("Our sender ID", sender_id)

    st.warning(
        f"""**Three things that trip people up**
- **Capital letters matter.** Intacct treats `{sender_id.lower()}` and `{sender_id}` as two different
  senders. Paste the value above instead of typing it.
- **The status must be Active.** An inactive line is the same as no line at all.
- **No extra login for API calls.** If the authorization line offers a setting that makes the sender
  sign in separately for API requests, leave it off. Turned on, it makes every connection fail even
  though everything else is right.""",
        icon=":material/warning:",
    )
    sandbox_hint(
        ctx,
        f"the practice companies have authorized {sender_id} already, except one that leaves it out on "
        "purpose, so you can see how a missing authorization is reported. The demo list on the Connect step "
        "says which.",
    )
    render_checklist(ctx)
    completion_note(ctx, StepKey.WS_USER)
