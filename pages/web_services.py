"""Step 4: turn on the Web Services subscription and authorize Routable's sender ID."""

import streamlit as st

from onboarding.steps import MENU_SUBSCRIPTIONS, MENU_WS_AUTHORIZATIONS, SENDER_ID, StepKey
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.guidance import copy_value, menu_path, numbered, sandbox_hint
from ui.safe import friendly_errors

ctx = page_setup(StepKey.WEB_SERVICES)

with friendly_errors():
    page_heading(ctx)
    st.markdown(
        "Intacct only answers programs that it has been told to trust. Two switches do that: the Web "
        "Services subscription lets programs in at all, and the authorization names Routable as one of them."
    )

    st.subheader("1. Turn on Web Services")
    menu_path(MENU_SUBSCRIPTIONS)
    st.markdown(
        "Find **Web Services** in the list of applications. If it is not subscribed yet, subscribe to it. "
        "If it already is, there is nothing to change here."
    )

    st.subheader("2. Authorize our sender ID")
    menu_path(MENU_WS_AUTHORIZATIONS)
    numbered(
        [
            "Open the company information page and choose **Edit**.",
            "Go to the **Security** tab and find the list of **Web Services authorizations**.",
            "Add a line and paste our sender ID, then set the status to **Active**.",
            "Save the company information page; the new line only counts once it is saved.",
        ]
    )
    copy_value("Our sender ID", SENDER_ID, "use the copy button on the right")

    st.warning(
        f"""**Three things that trip people up**
- **Capital letters matter.** Intacct treats `{SENDER_ID.lower()}` and `{SENDER_ID}` as two different
  senders. Paste the value above instead of typing it.
- **The status must be Active.** An inactive line is the same as no line at all.
- **No extra login for API calls.** If the authorization line offers a setting that makes the sender
  sign in separately for API requests, leave it off. Turned on, it makes every connection fail even
  though everything else is right.""",
        icon=":material/warning:",
    )
    sandbox_hint(
        ctx,
        f"the practice companies have authorized {SENDER_ID} already, except one that leaves it out on "
        "purpose, so you can see how a missing authorization is reported. The demo list on the Connect step "
        "says which.",
    )
    render_checklist(ctx)
    completion_note(ctx, StepKey.WS_USER)
