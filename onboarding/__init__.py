"""Onboarding domain logic (no Streamlit): steps, progress store, vault, connection and diagnosis.

Import the modules directly (``from onboarding.store import Store``); this package re-exports nothing so
that importing one module never drags in the Intacct client or the sandbox.
"""
