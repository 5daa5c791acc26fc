"""Checklist ticks and plan choices are saved at once, per workspace, and survive a restart."""

from onboarding.steps import step
from tests.actors import LOCAL
from tests.ui.harness import finish_steps, open_app, sidebar_states


def test_ticks_survive_a_restart_with_the_same_database(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws)
    labels = [item.label for item in step("start").checklist]
    at.checkbox(key=f"check_{ws.id}_start_routable_admin").check().run()
    at.checkbox(key=f"check_{ws.id}_start_two_tabs").check().run()

    # A brand-new session, as after a server restart: only the database carries the state.
    restarted = open_app(ws)
    ticked = {c.label for c in restarted.checkbox if c.value}
    assert ticked == {labels[0], labels[2]}
    assert store.get_progress(ws.id)["start"].checked == {"routable_admin", "two_tabs"}
    assert sidebar_states(restarted)["Before you start"] == "to do"


def test_ticking_the_last_item_marks_the_step_done_and_unticking_reopens_it(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    at = open_app(ws)
    for checkbox in at.checkbox:
        checkbox.check()
    at.run()
    assert sidebar_states(at)["Before you start"] == "done"
    assert any("done" in s.value for s in at.success)
    assert "Step 2: Plan your connection" in [link.proto.label for link in at.main.get("page_link")]

    at.checkbox(key=f"check_{ws.id}_start_time_set_aside").uncheck().run()
    assert sidebar_states(at)["Before you start"] == "to do"
    assert store.get_progress(ws.id)["start"].state == "todo"


def test_the_plan_helper_recommendation_is_stored_with_one_click(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, ["start"])
    at = open_app(ws, "plan")
    at.radio(key=f"plan_q_entities_{ws.id}").set_value("several").run()
    at.radio(key=f"plan_q_bills_{ws.id}").set_value("single").run()
    assert any("We recommend: One entity" in i.value for i in at.info)

    at.button(key=f"plan_adopt_{ws.id}").click().run()
    assert store.get_workspace(ws.id).plan == "entity"
    assert at.radio(key=f"plan_choice_{ws.id}").value == "entity"

    at.radio(key=f"plan_choice_{ws.id}").set_value("top").run()
    assert store.get_workspace(ws.id).plan == "top"


def test_ws_user_checklist_follows_the_security_model(store):
    ws = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, ws, ["start"])
    at = open_app(ws, "ws_user")
    all_labels = {c.label for c in at.checkbox}
    role_item = step("ws_user").item("role_assigned").label
    user_item = step("ws_user").item("permissions_assigned").label
    assert {role_item, user_item} <= all_labels  # unknown model: both branches are offered
    assert [t.label for t in at.tabs] == ["Role-based permissions", "User-based permissions"]

    at.radio(key=f"security_model_{ws.id}").set_value("user").run()
    labels = {c.label for c in at.checkbox}
    assert user_item in labels and role_item not in labels
    assert store.get_workspace(ws.id).security_model == "user"
    assert not at.tabs

    for checkbox in at.checkbox:
        checkbox.check()
    at.run()
    assert store.get_progress(ws.id)["ws_user"].state == "done"
