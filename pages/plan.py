"""Step 2: connect at top level or to one entity, with a short decision helper."""

import streamlit as st

from onboarding.steps import StepKey
from ui.checklist import completion_note, render_checklist
from ui.guard import page_heading, page_setup
from ui.plan_helper import decision_helper, plan_choice
from ui.safe import friendly_errors

ctx = page_setup(StepKey.PLAN)

with friendly_errors():
    page_heading(ctx)
    st.markdown(
        """
A company with several entities in Intacct can let Routable in at two levels. Decide this with your
Routable implementation manager before you create anything in Intacct, because it changes what the
Web Services user may see.
"""
    )
    top, entity = st.columns(2, gap="large")
    with top:
        st.markdown(
            """
#### Top level
- Routable sees every entity.
- Bills can be coded to the locations of any entity.
- Vendors live in one shared list, so nobody creates the same vendor twice.
- **Recommended** for most companies, and the only option when there is a single entity.
"""
        )
    with entity:
        st.markdown(
            """
#### One entity
- Routable sees a single entity and its locations.
- Location coding on bills is limited to that entity.
- You will need that entity's ID.
- Suits companies where only one entity pays its bills through Routable.
"""
        )
    decision_helper(ctx)
    plan_choice(ctx)
    render_checklist(ctx)
    completion_note(ctx, StepKey.IDS)
