"""A radio whose answer lives in the workspace's database row rather than in the browser session."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.safe import guarded


@guarded
def _save(widget_key: str, save: Callable[[str], None]) -> None:
    save(st.session_state.get(widget_key))


def saved_radio(
    label: str,
    options: dict[str, str],
    saved: str | None,
    widget_key: str,
    save: Callable[[str], None],
    *,
    help: str | None = None,
    disabled: bool = False,
) -> None:
    """Options map stored values to their labels; `save` receives the value the user picks.

    The widget is re-seeded from `saved` on every run: widget state alone is lost on a page switch,
    and another session may have changed the answer meanwhile.
    """
    st.session_state[widget_key] = saved
    st.radio(
        label,
        options=list(options),
        format_func=options.get,
        key=widget_key,
        on_change=_save,
        args=(widget_key, save),
        horizontal=True,
        help=help,
        disabled=disabled,
    )
