"""Step 3: where to find the Company ID and, for an entity-level connection, the Entity ID."""

import streamlit as st

from onboarding.steps import MENU_COMPANY_INFO, MENU_ENTITIES, StepKey
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.guidance import demo_companies, menu_path, sandbox_hint
from ui.safe import friendly_errors

ctx = page_setup(StepKey.IDS)

with friendly_errors():
    page_heading(ctx)

    st.subheader("Company ID")
    menu_path(MENU_COMPANY_INFO)
    st.markdown(
        """
Your Company ID is in the **ID** field of the general information section. It is the same value
you type in the Company field when you sign in to Intacct.

- Copy it exactly. IDs are compared character by character, and a space before or after the ID
  is one of the most common reasons a first connection fails.
- If you sign in through an accounting firm's console, use the client company's own ID, not the
  console's ID.
"""
    )

    st.subheader("Entity ID")
    if ctx.workspace.plan == "top":
        st.success(
            "Your plan is a top-level connection, so you need no Entity ID. Tick the second item below "
            "and move on.",
            icon=":material/thumb_up:",
        )
    else:
        menu_path(MENU_ENTITIES)
        st.markdown(
            """
The list shows each entity with its **ID** (for example `E100`). Note the ID of the entity Routable
should connect to. A company with a single entity has no such list and needs no Entity ID.

**Rather not type it?** Leave the Entity ID empty on the Connect step: after signing in we show your
company's entities and you pick one from the list.
"""
        )
    sandbox_hint(ctx, "nothing to look up. The practice companies are " + demo_companies(ctx) + ".")
    render_checklist(ctx)
    completion_note(ctx, StepKey.WEB_SERVICES)
