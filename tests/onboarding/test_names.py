"""Workspace names: invisible and direction-changing characters refused, look-alikes are one name."""

from __future__ import annotations

import sqlite3

import pytest

from onboarding.names import clean_name, name_key
from onboarding.store import InvalidInput, Store
from tests.actors import LOCAL


@pytest.mark.parametrize(
    "name, what",
    [
        ("Ac\u200bme", "invisible"),  # zero-width space
        ("Acme\u202e tneilc", "text-direction"),  # right-to-left override
        ("\u2067Acme\u2069", "text-direction"),  # isolate
        ("Acme\ufeff", "invisible"),  # byte-order mark
        ("Ac\x07me", "control character"),
        ("Acme\u2028Corp", "line break"),
        ("Acme \ud800", "surrogate"),  # a lone surrogate, as a broken browser or API may send
    ],
)
def test_hidden_characters_are_refused_with_a_message_that_says_which(store, name, what):
    with pytest.raises(InvalidInput) as info:
        store.create_workspace(name, actor=LOCAL)
    assert what in info.value.message and "U+" in info.value.message
    assert info.value.field == "name"
    assert store.list_workspaces() == []


def test_names_that_read_the_same_are_the_same_name(store):
    store.create_workspace("Acme Corp", actor=LOCAL)
    for look_alike in ("ＡＣＭＥ ｃｏｒｐ", "acme   corp", "Acme\u00a0Corp", "ACME CORP"):
        with pytest.raises(InvalidInput, match="already exists"):
            store.create_workspace(look_alike, actor=LOCAL)
    assert [w.name for w in store.list_workspaces()] == ["Acme Corp"]
    assert name_key("Ac\u200bme") == name_key("Acme") == name_key("ＡＣＭＥ")


def test_a_look_alike_saved_before_the_rule_still_blocks_a_new_twin(tmp_path):
    db = tmp_path / "onboarding.db"
    Store(db)
    conn = sqlite3.connect(db)
    with conn:  # what an older version stored: the zero-width space kept in name and key
        conn.execute(
            "INSERT INTO workspaces (name, name_key, created_at) VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
            ("Ac\u200bme", "ac\u200bme"),
        )
    conn.close()
    store = Store(db)  # opening the file brings old keys up to date
    with pytest.raises(InvalidInput, match="already exists"):
        store.create_workspace("Acme", actor=LOCAL)


def test_markdown_looking_names_are_kept_exactly_as_typed(store):
    name = "[Click to re-verify](https://evil.example) **now**"
    assert clean_name(name) == name
    assert store.create_workspace(name, actor=LOCAL).name == name
