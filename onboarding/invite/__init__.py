"""Invite links: signed, expiring, revocable, one workspace and one role each.

    book = InviteBook(store, load_signing_key(data_dir))
    invite, token = book.create(actor, Role.FINANCE_REVIEWER, ws.id, hours=72, label="Dana (finance)")
    InviteBook.link(token, "https://onboarding.example.com")
    book.redeem(token)            # -> Identity, or InvalidInvite with one message for every kind of bad link
    book.revoke(actor, invite.id)

A link opened before signing in (oidc mode) is held across the sign-in round trip:

    key = HeldLinks(store).hold(token)   # the browser keeps `key` in a short-lived cookie
    HeldLinks(store).take(key)           # after sign-in, once

From the command line: ``python -m onboarding.invite --role ROLE [--workspace ID] [--hours H]
[--base-url URL]``, ``--list`` and ``--revoke ID``.
"""

from onboarding.invite._book import (
    DEFAULT_HOURS,
    INVALID_LINK_MESSAGE,
    QUERY_PARAM,
    InvalidInvite,
    Invite,
    InviteBook,
    UnknownInvite,
)
from onboarding.invite._hold import COOKIE_NAME as HOLD_COOKIE_NAME
from onboarding.invite._hold import HOLD_MINUTES, HeldLinks
from onboarding.invite._key import ENV_INVITE_KEY, SECRETS_INVITE_KEY, InviteKeyError, load_signing_key

__all__ = [
    "DEFAULT_HOURS",
    "ENV_INVITE_KEY",
    "HOLD_COOKIE_NAME",
    "HOLD_MINUTES",
    "HeldLinks",
    "INVALID_LINK_MESSAGE",
    "QUERY_PARAM",
    "SECRETS_INVITE_KEY",
    "InvalidInvite",
    "Invite",
    "InviteBook",
    "InviteKeyError",
    "UnknownInvite",
    "load_signing_key",
]
