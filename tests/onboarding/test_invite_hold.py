"""A link held across sign-in: handed back once, to the key it was held under, and only while fresh."""

from __future__ import annotations

import sqlite3

import pytest

from onboarding.invite import HeldLinks

TOKEN = "AbCdEfGh12345678.c2lnbmF0dXJl"


def test_a_held_link_is_taken_back_once_with_its_key(store):
    held = HeldLinks(store)
    key = held.hold(TOKEN)
    assert TOKEN not in key and len(key) >= 30
    assert held.take("another-key-entirely") is None
    assert held.take(key) == TOKEN
    assert held.take(key) is None  # taken: a replayed cookie gets nothing


def test_two_browsers_holding_the_same_link_get_different_keys(store):
    held = HeldLinks(store)
    first, second = held.hold(TOKEN), held.hold(TOKEN)
    assert first != second
    assert held.take(second) == TOKEN and held.take(first) == TOKEN


def test_an_expired_hold_gives_nothing_and_is_cleared_by_the_next_hold(store):
    held = HeldLinks(store)
    stale = held.hold(TOKEN, minutes=-1)
    assert held.take(stale) is None
    held.hold(TOKEN, minutes=-1)
    held.hold(TOKEN)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM invite_holds").fetchone()[0] == 1


@pytest.mark.parametrize("key", [None, "", "x" * 500, 42])
def test_a_missing_or_absurd_cookie_gives_nothing(store, key):
    assert HeldLinks(store).take(key) is None


@pytest.mark.parametrize("token", ["", "t" * 201, None])
def test_only_something_shaped_like_a_token_is_held(store, token):
    with pytest.raises(ValueError):
        HeldLinks(store).hold(token)
