"""Workspace names on screen are text: Markdown in a name is shown, never obeyed; hidden ones refused."""

from __future__ import annotations

import pytest

from onboarding.steps import STEPS
from tests.actors import LOCAL
from tests.ui.harness import mark_done, open_app
from ui.display import as_text

HOSTILE = "[Click to re-verify](https://evil.example) **now** :red[x] $x$ <b>"


@pytest.mark.parametrize("page", [s.key for s in STEPS])
def test_a_markdown_looking_name_is_escaped_on_every_step_page(store, page):
    ws = store.create_workspace(HOSTILE, actor=LOCAL)
    mark_done(store, ws, [s.key for s in STEPS])  # every page open: each shows its heading
    at = open_app(ws, page)

    assert not at.exception
    sources = [c.value for c in at.caption] + [m.value for m in at.markdown]
    assert any(as_text(HOSTILE) in source for source in sources), sources
    assert not any(HOSTILE in source for source in sources)  # never the raw, live Markdown
    for selectbox in at.sidebar.selectbox:  # option labels are plain text in Streamlit already
        assert HOSTILE in selectbox.options


def test_a_name_with_a_direction_override_gets_a_specific_message(store):
    at = open_app()
    at.text_input(key="workspace_create_main_name").input("Acme\u202eevil")
    next(b for b in at.button if b.label == "Create workspace").click().run()

    assert not at.exception
    assert store.list_workspaces() == []
    assert any(as_text("an invisible or text-direction character") in e.value for e in at.error)


def test_the_duplicate_message_repeats_a_hostile_name_as_text(store):
    store.create_workspace(HOSTILE, actor=LOCAL)
    at = open_app()
    at.text_input(key="workspace_create_main_name").input(HOSTILE.upper())
    next(b for b in at.button if b.label == "Create workspace").click().run()

    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "already exists" in error
    assert as_text(HOSTILE.upper()) in error and HOSTILE.upper() not in error


def test_bare_urls_and_addresses_in_a_name_cannot_become_links():
    for bare in ("https://evil.example/x", "http://evil.example", "www.evil.example", "ops@evil.example"):
        shown = as_text(f"Acme {bare}")
        # GFM links these after parsing, escapes or not; a word joiner inside each marker stops it.
        assert not any(marker in shown for marker in ("://", "\\:\\/\\/", "www\\.", "@e", "\\@e"))
        assert shown.replace("\u2060", "").replace("\\", "") == f"Acme {bare}"
