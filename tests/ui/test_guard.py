"""The shared guard: workspace selection, prerequisites, sidebar state, and no tracebacks."""

from onboarding.store import Store
from tests.actors import LOCAL
from tests.ui.harness import finish_steps, flag, open_app, open_page_directly, sidebar_states


def test_without_a_workspace_every_page_shows_the_picker_instead(store):
    at = open_page_directly("connect")

    assert not at.exception
    assert [t.value for t in at.title] == ["Connect Sage Intacct to Routable"]
    assert [s.value for s in at.subheader] == ["Continue with a customer", "Start a new customer"]
    assert "Company ID" not in [t.label for t in at.text_input]


def test_creating_a_workspace_opens_it_on_the_first_step(store):
    at = open_app()
    at.text_input(key="workspace_create_main_name").input("  Acme   Corp ")
    next(b for b in at.button if b.label == "Create workspace").click().run()

    assert not at.exception
    [workspace] = store.list_workspaces()
    assert workspace.name == "Acme Corp"
    assert at.session_state["workspace_id"] == workspace.id
    assert [t.value for t in at.title] == ["Before you start"]
    assert at.query_params["ws"] in (str(workspace.id), [str(workspace.id)])


def test_a_duplicate_workspace_name_gets_a_message_not_a_second_workspace(store):
    store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app()
    at.text_input(key="workspace_create_main_name").input("acme corp")
    next(b for b in at.button if b.label == "Create workspace").click().run()

    assert not at.exception
    assert len(store.list_workspaces()) == 1
    assert any("already exists" in e.value for e in at.error)
    assert "workspace_id" not in at.session_state


def test_picking_an_existing_workspace_from_the_list(store):
    ws = store.create_workspace("Globex", actor=LOCAL)
    at = open_app()
    at.selectbox(key="workspace_picker").select(ws.id).run()
    at.button(key="workspace_open").click().run()

    assert at.session_state["workspace_id"] == ws.id
    assert [t.value for t in at.title] == ["Before you start"]


def test_the_url_names_the_workspace_so_a_reload_reopens_it(store):
    ws = store.create_workspace("Initech", actor=LOCAL)
    at = open_app()
    assert [t.value for t in at.title] == ["Connect Sage Intacct to Routable"]

    reloaded = open_app()
    reloaded.query_params["ws"] = str(ws.id)
    reloaded.run()
    assert [t.value for t in reloaded.title] == ["Before you start"]


def test_missing_prerequisites_say_what_to_finish_first_and_stop(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, ["start", "plan", "ids"])
    at = open_app(ws, "connect")

    assert not at.exception
    assert [t.value for t in at.title] == ["Connect"]
    assert any("Finish these first" in i.value for i in at.info)
    links = [link.proto.label for link in at.main.get("page_link")]
    assert links == [
        "Step 4: Turn on Web Services and authorize our sender ID",
        "Step 5: Create the Web Services user",
    ]
    assert "Company ID" not in [t.label for t in at.text_input]  # the connect form never rendered


def test_prerequisites_without_app_py_are_named_in_plain_text(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_page_directly("ids", ws)

    assert not at.exception
    assert any("Step 2: Plan your connection" in m.value for m in at.main.markdown)


def test_a_step_flagged_for_attention_does_not_lock_later_steps(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws)
    note = "Intacct has not authorized our sender ID yet"
    flag(store, ws, "web_services", note)
    at = open_app(ws, "connect")
    assert "Company ID" in [t.label for t in at.text_input]

    at.switch_page("pages/web_services.py").run()
    assert any("needs attention" in w.value and "not authorized" in w.value for w in at.warning)
    assert sidebar_states(at)["Turn on Web Services and authorize our sender ID"] == "needs attention"


def test_switching_workspace_keeps_each_customers_progress_apart(store):
    first = store.create_workspace("Acme Corp", actor=LOCAL)
    second = store.create_workspace("Globex", actor=LOCAL)
    finish_steps(store, first, ["start"])
    at = open_app(first)
    assert sidebar_states(at)["Before you start"] == "done"

    at.sidebar.selectbox(key="workspace_switcher").select(second.id).run()
    assert at.session_state["workspace_id"] == second.id
    assert sidebar_states(at)["Before you start"] == "to do"
    assert not any(c.value for c in at.checkbox)


def test_an_unexpected_failure_shows_a_calm_message_not_a_traceback(store, monkeypatch):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)

    def broken(self, ws_id):
        raise RuntimeError("disk on fire: secret-looking detail")

    monkeypatch.setattr(Store, "get_progress", broken)
    at = open_app(ws)

    assert not at.exception
    [message] = at.error
    assert "Something went wrong" in message.value and "reference" in message.value
    assert "disk on fire" not in message.value


def test_a_broken_sender_configuration_names_the_setting(store, monkeypatch):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws)
    monkeypatch.delenv("INTACCT_SENDER_PASSWORD")
    at = open_app(ws, "connect")

    assert not at.exception
    assert any("INTACCT_SENDER_PASSWORD" in e.value for e in at.error)
    assert "Company ID" not in [t.label for t in at.text_input]


def test_a_failing_callback_shows_a_calm_message_too(store, monkeypatch):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws)

    def locked(self, *args, **kwargs):
        raise OSError("database is locked at /secret/path")

    monkeypatch.setattr(Store, "apply", locked)
    at.checkbox(key=f"check_{ws.id}_start_two_tabs").check().run()

    assert not at.exception
    assert any("Something went wrong" in e.value for e in at.error)
    assert not any("/secret/path" in e.value for e in at.error)


def test_a_mangled_workspace_link_opens_the_picker_not_an_error(store):
    store.create_workspace("Initech", actor=LOCAL)
    for raw in ("²", "9" * 40, "1; DROP TABLE workspaces", "-1", ""):
        at = open_app()
        at.query_params["ws"] = raw
        at.run()
        assert not at.exception, raw
        assert not at.error, (raw, [e.value for e in at.error])
        assert [t.value for t in at.title] == ["Connect Sage Intacct to Routable"], raw
