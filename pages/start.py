"""Step 1: who needs to be there, what you will collect, and how long it takes."""

import streamlit as st

from onboarding.steps import StepKey
from ui import shortcut
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.START)

with friendly_errors():
    page_heading(ctx)
    st.markdown(
        """
**Where this leads.** At the end, Routable signs in to your Sage Intacct company with a user made
just for it, copies your chart of accounts, vendors and coding lists, and a finance lead approves
which GL account each Routable category posts to.

**Who should be here**
- A Routable administrator, to connect the accounting system on the Routable side.
- A Sage Intacct administrator whose own role can manage subscriptions, users and company security.
  If that is a colleague, work through this together; before sharing your screen, turn on
  *Screen-share mode* in the sidebar.

**What you will collect on the way**

| You will need | Where it comes from | When |
|---|---|---|
| Company ID | Intacct company information | Always |
| Entity ID | Intacct list of entities | Only to connect to a single entity |
| Web Services user ID and password | The user you create in step 5 | Always |

**How long it takes.** Around a quarter of an hour for the setup itself. The first sync can take
longer when the company has years of data; you can leave it running.
"""
    )
    st.info(
        "Open Sage Intacct in a second browser tab now. You will switch between the two, copying a few "
        "values across.",
        icon=":material/tab:",
    )
    render_checklist(ctx)
    completion_note(ctx, StepKey.PLAN)
    to_do = [key for key in shortcut.INTACCT_SIDE if ctx.progress[key].state == "todo"]
    shortcut.offer(ctx.store, ctx.workspace, ctx.actor, to_do, key="shortcut_start")
