"""Streamlit-only helpers shared by the pages: the guard, the sidebar, and the step views."""
