"""An implementation manager marks the Intacct side (steps 1 to 5) done in one recorded action."""

from tests.actors import LOCAL
from tests.ui.harness import open_app, sidebar_states


def _go(at):
    return next(b for b in at.button if b.label == "Mark steps 1–5 done")


def test_the_shortcut_marks_steps_one_to_five_done_and_opens_connect(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws, "connect")
    assert any("builds on earlier ones" in i.value for i in at.info)
    assert _go(at).disabled  # a confirmation comes first

    at.checkbox(key="shortcut_connect_sure").check().run()
    _go(at).click().run()

    assert not at.exception
    assert any(t.value == "Connect" for t in at.title)  # now on the Connect step itself
    states = sidebar_states(at)
    assert [states[s] for s in list(states)[:5]] == ["done"] * 5
    assert states["Connect"] == "to do"
    entry = store.events(ws.id, limit=5)[0]
    assert entry.kind == "steps_marked_done" and entry.actor == LOCAL.audit_label
    assert "the customer set up the Intacct side" in entry.message


def test_the_start_page_offers_it_too_and_it_is_gone_once_done(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws)
    at.checkbox(key="shortcut_start_sure").check().run()
    _go(at).click().run()
    assert any(t.value == "Connect" for t in at.title)

    again = open_app(ws)
    assert not [b for b in again.button if b.label == "Mark steps 1–5 done"]
