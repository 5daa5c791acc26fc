"""Step 9: a finance lead reviews the account mapping and approves it."""

import streamlit as st

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.REVIEW)

with friendly_errors():
    page_heading(ctx)
    st.info(
        "When the mapping is complete, a finance lead checks it here and approves it. Routable then uses "
        "it to code your bills.",
        icon=":material/verified:",
    )
