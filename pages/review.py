"""Step 9: a finance lead reviews the account mapping and approves it."""

import streamlit as st

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.REVIEW)

with friendly_errors():
    page_heading(ctx)
    st.info(
        "This is where the finance lead will see each GL account next to the Routable category chosen for "
        "it and approve the mapping as a whole. The approval is recorded with who gave it and when.",
        icon=":material/verified:",
    )
