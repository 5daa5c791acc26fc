"""Screen-share mode: a person's setting, kept in the progress database, that hides IDs on every page.

It is stored per identity (Identity.key), not per browser tab, so a reload or a new tab cannot drop it
while the screen is being shared. Until sign-in exists everyone is the local implementation manager;
with sign-in it becomes each person's own.
"""

from __future__ import annotations

import streamlit as st

from onboarding.identity import Identity
from onboarding.scoped_store import ScopedStore
from onboarding.store import Store
from ui.safe import guarded

PREFERENCE = "screen_share"
_WIDGET = "screen_share_toggle"
BADGE_TEXT = "Screen-share mode: IDs hidden"


def screen_share_on(store: Store | ScopedStore, identity: Identity) -> bool:
    return store.get_preference(identity.key, PREFERENCE) == "on"


def set_screen_share(store: Store | ScopedStore, identity: Identity, on: bool) -> None:
    store.set_preference(identity.key, PREFERENCE, "on" if on else "off")


@guarded
def _save(store: Store | ScopedStore, identity: Identity) -> None:
    set_screen_share(store, identity, bool(st.session_state.get(_WIDGET)))


def toggle(store: Store | ScopedStore, identity: Identity, on: bool | None = None) -> None:
    """The sidebar switch; the stored setting, not the widget, is the truth on every run.

    ``on`` is that setting when the caller read it already in this run.
    """
    st.session_state[_WIDGET] = screen_share_on(store, identity) if on is None else on
    st.toggle(
        "Screen-share mode",
        key=_WIDGET,
        on_change=_save,
        args=(store, identity),
        help="Turn this on before sharing your screen: Company IDs and user IDs are partly hidden, and "
        "the list of customers is not shown. It stays on after a reload and in new tabs until you turn "
        "it off. Passwords are never shown, in either mode.",
    )


def badge() -> None:
    """A mark at the top of the page, so everyone can see at a glance that the mode is on."""
    st.badge(BADGE_TEXT, icon=":material/visibility_off:", color="orange")
