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
    assert len(links) >= 9  # the nine steps, and the team page for those who may invite
    assert {link.proto.query_string for link in links} == {f"ws={ws.ref}"}


def test_a_link_opens_that_workspace_in_a_new_session(store):
    store.create_workspace("Another Co", actor=LOCAL)
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = _open_link(ws.ref)
    assert not at.exception
    assert any(ws.name in c.value for c in at.caption)


def test_a_link_to_an_archived_workspace_says_so(store):
    ws = store.create_workspace("Gone Co", actor=LOCAL)
    store.archive_workspace(ws.id, actor=LOCAL)
    at = _open_link(ws.ref)

    assert _unavailable_warning(at)
    assert any(h.value == "Connect Sage Intacct to Routable" for h in at.title)


def _unavailable_warning(at: AppTest) -> str:
    return next(w.value for w in at.warning if "link you opened is not available" in w.value)


def test_a_link_to_an_unknown_workspace_says_so_in_the_same_words(store):
    archived = store.create_workspace("Gone Co", actor=LOCAL)
    store.archive_workspace(archived.id, actor=LOCAL)
    said_for_archived = _unavailable_warning(_open_link(archived.ref))
    # A made-up reference and a bare number (the old ids) get the archived workspace's very words.
    assert _unavailable_warning(_open_link("4242")) == said_for_archived
    assert _unavailable_warning(_open_link("Zm9yZ2VkLXJlZmVyZW5jZQ")) == said_for_archived


def test_the_heading_s_step_list_is_drawn_when_opened(store):
    from ui.guard import STEPS_POPOVER_KEY

    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, plan="top")
    at = open_app(ws, "connect")
    assert not at.main.get("page_link")  # closed: the links are not drawn at all
    at.session_state[STEPS_POPOVER_KEY] = True
    at.run()
    links = at.main.get("page_link")
    assert [link.proto.label.split(" · ")[0] for link in links][:2] == [
        "1. Before you start",
        "2. Plan your connection",
    ]
    assert {link.proto.query_string for link in links} == {f"ws={ws.ref}"}


def test_the_sidebar_s_new_workspace_form_is_drawn_when_opened(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws, "start")
    assert not [t for t in at.sidebar.text_input if t.key == "workspace_create_sidebar_name"]
    at.session_state["workspace_create_open"] = True
    at.run()
    at.sidebar.text_input(key="workspace_create_sidebar_name").input("Beta Ltd")
    next(b for b in at.sidebar.button if b.label == "Create workspace").click().run()
    assert "Beta Ltd" in [w.name for w in store.list_workspaces()]
