"""Step links keep their workspace, and a link to a workspace that is gone says so."""

from streamlit.testing.v1 import AppTest

from tests.actors import LOCAL
from tests.ui.harness import APP, RUN_TIMEOUT, finish_steps, open_app


def _open_link(ws_id: str) -> AppTest:
    """A new tab opening a shared link: a fresh session whose only clue is the URL."""
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.query_params["ws"] = ws_id
    return at.run()


def test_sidebar_step_links_carry_the_workspace(store):
    store.create_workspace("Another Co", actor=LOCAL)
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, plan="top")
    at = open_app(ws, "connect")

    links = at.sidebar.get("page_link")
    assert len(links) == 9
    assert {link.proto.query_string for link in links} == {f"ws={ws.id}"}


def test_a_link_opens_that_workspace_in_a_new_session(store):
    store.create_workspace("Another Co", actor=LOCAL)
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = _open_link(str(ws.id))
    assert not at.exception
    assert any(ws.name in c.value for c in at.caption)


def test_a_link_to_an_archived_workspace_says_so(store):
    ws = store.create_workspace("Gone Co", actor=LOCAL)
    store.archive_workspace(ws.id, actor=LOCAL)
    at = _open_link(str(ws.id))

    assert any(f"workspace number {ws.id}, which was archived" in w.value for w in at.warning)
    assert any(h.value == "Connect Sage Intacct to Routable" for h in at.title)


def test_a_link_to_an_unknown_workspace_says_so(store):
    at = _open_link("4242")
    assert any("workspace number 4242, which does not exist" in w.value for w in at.warning)
