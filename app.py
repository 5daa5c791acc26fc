"""Entry point: `streamlit run app.py`. One page per onboarding step, in the order a customer does them.

Each page calls ui.guard.page_setup itself, so a page opened directly by URL is set up the same way.
"""

import streamlit as st

from ui.guard import configure_page
from ui.nav import build_pages

configure_page()
# The guard's sidebar lists the steps with their state, so Streamlit's own menu stays hidden.
st.navigation(build_pages(), position="hidden").run()
