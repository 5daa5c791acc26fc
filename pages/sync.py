"""Step 7: copy the customer's Intacct data into Routable (the sync view is added separately)."""

import streamlit as st

from onboarding.steps import StepKey
from ui.guard import page_heading, page_setup
from ui.safe import friendly_errors

ctx = page_setup(StepKey.SYNC)

with friendly_errors():
    page_heading(ctx)
    st.info(
        "Your connection is ready. Here Routable will copy your chart of accounts, vendors and coding "
        "lists from Intacct, showing its progress as it goes. Next comes mapping GL accounts to Routable "
        "categories.",
        icon=":material/sync:",
    )
