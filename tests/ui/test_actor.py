"""Every change made through a page is recorded against the acting identity, named on screen too."""

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER
from tests.ui.harness import finish_steps, open_app


def test_the_sidebar_names_who_is_signed_in(store):
    at = open_app()
    assert any("Signed in as: Local implementation manager" in c.value for c in at.sidebar.caption)


def test_changes_made_through_pages_carry_the_actor_in_the_trail(store):
    at = open_app()
    at.text_input(key="workspace_create_main_name").input("Acme Corp")
    next(b for b in at.button if b.label == "Create workspace").click().run()
    ws = store.list_workspaces()[0]
    assert ws.created_by == LOCAL_IMPLEMENTATION_MANAGER.audit_label

    at.checkbox(key=f"check_{ws.id}_start_two_tabs").check().run()
    finish_steps(store, ws, ["start"])
    at = open_app(ws, "ws_user")
    at.radio(key=f"security_model_{ws.id}").set_value("user").run()

    assert store.get_workspace(ws.id).security_model == "user"
    trail = store.events(ws.id)
    kinds = {e.kind for e in trail}
    assert {"workspace_created", "checklist", "security_model_set"} <= kinds
    for event in trail:
        if event.kind in ("workspace_created", "security_model_set") or "two browser tabs" in event.message:
            assert event.actor == "Local implementation manager (Implementation manager)", event
            assert event.actor_key == "local"
    assert all(e.actor for e in trail)
