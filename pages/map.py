"""Step 8: match each GL account to a Routable category."""

import streamlit as st

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.MAP)

with friendly_errors():
    page_heading(ctx)
    st.info(
        "Once the first sync has finished, this page lists your GL accounts in an editable table so you "
        "can choose the Routable category for each one. After that, a finance lead reviews and approves.",
        icon=":material/account_tree:",
    )
