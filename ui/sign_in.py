"""Who is using this browser session: resolved at the top of every page run, before anything is shown.

Local mode answers "the local implementation manager" (and refuses to serve off loopback); invite mode
answers from the invite link the session was opened with; oidc mode from Streamlit's signed-in user and
the grants an implementation manager gave their email address. When nobody may go on, the run stops here
after saying why, so a page opened by URL without app.py shows the same refusal as any other.
"""

from __future__ import annotations

import logging

import streamlit as st

from onboarding.access_mode import AccessMode, AccessModeError, is_loopback, local_mode_refusal
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity
from onboarding.invite import (
    HOLD_COOKIE_NAME,
    HOLD_MINUTES,
    INVALID_LINK_MESSAGE,
    QUERY_PARAM,
    InvalidInvite,
    InviteKeyError,
)
from ui.display import as_text
from ui.resources import get_access_mode, get_held_links, get_invite_book, get_people
from ui.safe import guarded

log = logging.getLogger("routable.ui")

INVITE_TOKEN_KEY = "invite_token"
HOLD_KEY = "invite_hold"  # (token, key) of the link this session holds across sign-in
HOLD_CHECKED_KEY = "invite_hold_checked"
SIGNED_IN_TITLE = "Sage Intacct setup · Routable"


def _stop_with(message: str, *, icon: str = ":material/lock:") -> None:
    st.title(SIGNED_IN_TITLE)
    st.error(message, icon=icon)
    st.stop()


def access_mode() -> AccessMode:
    try:
        return get_access_mode()
    except AccessModeError as problem:
        _stop_with(str(problem), icon=":material/build:")
        raise  # unreachable: st.stop() ends the run


def _local() -> Identity:
    address = st.get_option("server.address")
    if not is_loopback(address):
        log.warning("local access mode refused on non-loopback address %r", address)
        _stop_with(local_mode_refusal(address), icon=":material/public_off:")
    return LOCAL_IMPLEMENTATION_MANAGER


def _presented_token() -> str | None:
    raw = st.query_params.get(QUERY_PARAM)
    return raw or st.session_state.get(INVITE_TOKEN_KEY)


def _forget_token() -> None:
    st.session_state.pop(INVITE_TOKEN_KEY, None)
    if QUERY_PARAM in st.query_params:
        del st.query_params[QUERY_PARAM]


def _invite_book():
    try:
        return get_invite_book()
    except (InviteKeyError, OSError) as problem:
        unreadable = "The invitation key file cannot be read. Check the data folder's permissions."
        message = str(problem) if isinstance(problem, InviteKeyError) else unreadable
        _stop_with(message, icon=":material/build:")
        raise


def _by_invite() -> Identity:
    token = _presented_token()
    if not token:
        _stop_with(INVALID_LINK_MESSAGE)
    try:
        identity = _invite_book().redeem(token)
    except InvalidInvite as refused:
        log.info("invite link refused (%s)", refused.reason)
        _forget_token()
        _stop_with(INVALID_LINK_MESSAGE)
        raise
    # Kept in the session and the URL: page switches drop query parameters, and a reload needs the link.
    st.session_state[INVITE_TOKEN_KEY] = token
    st.query_params[QUERY_PARAM] = token
    return identity


def _set_hold_cookie(value: str, max_age: int) -> None:
    # Sign-in comes back to the home page in a new session: only the browser carries anything across.
    # The value is a random key of our own (never the link), so it is safe to put into the page.
    st.html(
        f"<script>document.cookie = '{HOLD_COOKIE_NAME}={value}; path=/; max-age={max_age}; "
        "samesite=lax';</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def _hold_for_sign_in(token: str) -> None:
    """Keep the link's token while its holder signs in, keyed by a cookie only this browser gets."""
    held = st.session_state.get(HOLD_KEY)
    if held is None or held[0] != token:
        try:
            key = get_held_links().hold(token)
        except ValueError:
            return  # not a token at all: after sign-in it would only be refused anyway
        held = (token, key)
        st.session_state[HOLD_KEY] = held
    _set_hold_cookie(held[1], int(HOLD_MINUTES * 60))


def _held_token() -> str | None:
    """The link this browser opened before signing in, once; None when it holds none."""
    # A session sees the cookies its page was loaded with, so the first run after sign-in settles it.
    if st.session_state.get(HOLD_CHECKED_KEY):
        return None
    st.session_state[HOLD_CHECKED_KEY] = True
    key = st.context.cookies.get(HOLD_COOKIE_NAME)
    if not key:
        return None
    _set_hold_cookie("", 0)  # used or stale, the cookie has done its job
    return get_held_links().take(key)


def _by_sign_in() -> Identity:
    user = st.user
    if not user.get("is_logged_in", False):
        st.title(SIGNED_IN_TITLE)
        st.write("Sign in with your work account to continue. Your implementation manager gave it access.")
        token = st.query_params.get(QUERY_PARAM)
        if token:
            _hold_for_sign_in(token)
            st.info(
                "You opened an invitation. Sign in and it is accepted for you: there is no need to open "
                "the link again.",
                icon=":material/mail:",
            )
        st.button("Sign in", type="primary", icon=":material/login:", on_click=guarded(st.login))
        st.stop()
    email = str(user.get("email") or "").strip().lower()
    if not email or user.get("email_verified") is False:
        _signed_in_without_access(email or "an account without an email address")
    token = st.query_params.get(QUERY_PARAM) or _held_token()
    if token:
        try:
            invited = _invite_book().redeem(token, email=email)
        except InvalidInvite as refused:
            log.info("invite link refused for a signed-in person (%s)", refused.reason)
            _forget_token()
            _stop_with(INVALID_LINK_MESSAGE)
            raise
        get_people().grant_from_invite(invited)
        _forget_token()  # the grant is remembered; the link has done its job
    identity = get_people().identity_for(email, name=str(user.get("name") or ""))
    if identity is None:
        _signed_in_without_access(email)
    return identity


def _signed_in_without_access(who: str) -> None:
    st.title(SIGNED_IN_TITLE)
    st.warning(
        f"You are signed in as {who}, but nobody has given this address access yet. Ask your Routable "
        "implementation manager to add you, or open the invitation link you were sent.",
        icon=":material/person_off:",
    )
    st.button("Sign out", on_click=guarded(st.logout))
    st.stop()


def current_identity() -> Identity:
    """The identity acting in this run; stops the run (after saying why) when there is none."""
    mode = access_mode()
    if mode is AccessMode.LOCAL:
        return _local()
    if mode is AccessMode.INVITE:
        return _by_invite()
    return _by_sign_in()


def who_am_i(identity: Identity, mode: AccessMode) -> None:
    """The sidebar's line about who is acting, and the way out."""
    st.caption(f":material/person: Signed in as: {as_text(identity.name)} · {identity.role.label}")
    if mode is AccessMode.LOCAL:
        st.caption(
            ":material/computer: **Local mode.** Nobody signs in: whoever opens the app is the local "
            "implementation manager, so it only answers on this computer."
        )
    elif mode is AccessMode.OIDC:
        st.button("Sign out", key="sign_out", on_click=guarded(st.logout))
