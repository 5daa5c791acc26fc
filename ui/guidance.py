"""Small building blocks for the written guidance: where to click in Intacct, and values to copy."""

from __future__ import annotations

import streamlit as st


def menu_path(path: str, lead: str = "In Sage Intacct, go to") -> None:
    """The exact menu path, set apart so it is easy to follow while clicking through Intacct."""
    st.markdown(f"{lead} **{path.replace(' > ', ' › ')}**.")


def copy_value(label: str, value: str, note: str = "") -> None:
    """A value the user pastes into Intacct; st.code gives it a copy button."""
    st.markdown(f"**{label}**" + (f" · {note}" if note else ""))
    st.code(value, language=None)


def numbered(instructions: list[str]) -> None:
    st.markdown("\n".join(f"{n}. {text}" for n, text in enumerate(instructions, start=1)))
