"""connect_workspace, choose_entity and open_session against the real sandbox over loopback HTTP."""

from functools import partial

import pytest

from onboarding import progress
from onboarding.connection import NotConnectedError, choose_entity, connect_workspace, open_session
from onboarding.platform import Platform
from onboarding.steps import SENDER_ID, StepKey
from onboarding.vault import Secret
from tests.actors import ANA, LOCAL

PASSWORD = "Demo-Passw0rd!"
FAST = {"backoff_base": 0.001, "backoff_max": 0.01, "timeout": 5.0}


@pytest.fixture
def platform(sandbox):
    return Platform(
        SENDER_ID, Secret("sandbox-sender-secret"), sandbox.url, True, sandbox, client_options=FAST
    )


@pytest.fixture
def connect(store, vault, platform, workspace):
    def _connect(company="ACME-DEMO", entity="", user="routable_ws", password=PASSWORD, ws_id=None):
        return connect_workspace(
            store, vault, platform, ws_id or workspace.id, company, entity, user, password, actor=ANA
        )

    return _connect


def _states(store, ws_id):
    return {key: p.state for key, p in store.get_progress(ws_id).items()}


def test_full_access_at_top_level_is_ready_and_lists_the_entities(connect, store, vault, workspace):
    outcome = connect()

    assert outcome.ok and outcome.ready and outcome.diagnosis is None and outcome.field_errors == {}
    assert sorted(e["LOCATIONID"] for e in outcome.entities) == ["E100", "E200", "E300"]
    assert [c.object for c in outcome.preflight][:2] == ["GLACCOUNT", "VENDOR"]
    assert all(c.ok for c in outcome.preflight)
    assert (outcome.company_id, outcome.entity_id, outcome.top_level) == ("ACME-DEMO", "", True)
    assert not outcome.needs_entity  # no plan chosen, so top level is fine

    saved = store.get_connection(workspace.id, vault)
    assert (saved.company_id, saved.entity_id, saved.user_id, saved.status) == (
        "ACME-DEMO",
        "",
        "routable_ws",
        "connected",
    )
    assert saved.password.reveal() == PASSWORD
    states = _states(store, workspace.id)
    assert [states[k] for k in ("ids", "web_services", "ws_user", "connect")] == ["done"] * 4
    assert any(e.kind == "connected" and e.actor == ANA.audit_label for e in store.events(workspace.id))


def test_single_entity_company_has_no_entities_to_pick(connect):
    outcome = connect(company="SOLO-DEMO")
    assert outcome.ready and outcome.entities == []


def test_entity_plan_at_top_level_asks_for_an_entity_then_choose_entity_connects_there(
    connect, store, vault, platform, workspace
):
    store.set_plan(workspace.id, "entity", actor=LOCAL)
    outcome = connect()
    assert outcome.ok and outcome.needs_entity
    assert _states(store, workspace.id)["connect"] == "todo"

    chosen = choose_entity(store, vault, platform, workspace.id, "E200", actor=LOCAL)
    assert chosen.ready and chosen.entity_id == "E200" and chosen.entities == []
    assert store.get_connection(workspace.id, vault).entity_id == "E200"
    assert store.get_connection(workspace.id, vault).password.reveal() == PASSWORD
    assert _states(store, workspace.id)["connect"] == "done"


def test_limited_user_gets_a_red_gl_accounts_line_with_its_fix(connect, store, workspace):
    store.apply(workspace.id, partial(progress.security_model_changed, model="role", actor=LOCAL))
    outcome = connect(user="limited_ws")

    assert outcome.ok and not outcome.ready
    by_object = {c.object: c for c in outcome.preflight}
    gl = by_object["GLACCOUNT"]
    assert not gl.ok and gl.required
    assert "General Ledger" in gl.fix and "Accounts" in gl.fix and "List, View" in gl.fix
    assert "Roles" in gl.fix and "User-based" not in gl.fix  # worded for the company's model
    assert all(c.ok for name, c in by_object.items() if name != "GLACCOUNT")
    states = _states(store, workspace.id)
    assert states["ws_user"] == "attention" and states["connect"] == "attention"
    assert "GL accounts" in store.get_progress(workspace.id)["ws_user"].note


def test_company_that_has_not_authorized_our_sender_points_to_web_services(connect, store, vault, workspace):
    outcome = connect(company="NOAUTH-DEMO")

    assert not outcome.ok and outcome.diagnosis.step_key == StepKey.WEB_SERVICES
    assert SENDER_ID in outcome.diagnosis.fix
    assert store.get_connection(workspace.id, vault) is None  # nothing saved on failure
    states = _states(store, workspace.id)
    assert states["web_services"] == "attention" and states["connect"] == "attention"
    assert any(e.kind == "connect_failed" for e in store.events(workspace.id))


def test_bad_password_points_to_the_ws_user_step(connect, store, workspace):
    outcome = connect(password="Not-The-Password1")
    assert not outcome.ok and outcome.diagnosis.step_key == StepKey.WS_USER
    assert "Company ID" in outcome.diagnosis.fix
    assert _states(store, workspace.id)["ws_user"] == "attention"


def test_unknown_company_also_points_to_the_ws_user_step_and_mentions_ids(connect):
    outcome = connect(company="NO-SUCH-CO")
    assert not outcome.ok and outcome.diagnosis.step_key == StepKey.WS_USER


def test_bad_entity_points_to_the_ids_step(connect, store, workspace):
    outcome = connect(entity="E999")
    assert not outcome.ok and outcome.diagnosis.step_key == StepKey.IDS
    assert "does not exist" in outcome.diagnosis.message
    assert _states(store, workspace.id)["ids"] == "attention"


def test_entity_restricted_user_at_top_level_points_to_ids_and_works_at_its_entity(connect):
    refused = connect(user="entity_ws")
    assert not refused.ok and refused.diagnosis.step_key == StepKey.IDS
    assert "top level" in refused.diagnosis.message
    assert connect(user="entity_ws", entity="E200").ready


def test_a_later_success_clears_the_flags_a_failure_left(connect, store, workspace):
    connect(password="Not-The-Password1")
    assert _states(store, workspace.id)["ws_user"] == "attention"
    assert connect().ready
    assert _states(store, workspace.id)["ws_user"] == "done"
    assert store.get_progress(workspace.id)["connect"].state == "done"


def test_a_new_failure_replaces_the_flag_of_the_previous_one(connect, store, workspace):
    connect(entity="E999")
    connect(password="Not-The-Password1")
    states = _states(store, workspace.id)
    assert states["ids"] != "attention" and states["ws_user"] == "attention"


def test_blank_password_reuses_the_stored_one(connect, store, vault, workspace):
    assert connect().ok
    again = connect(entity="E100", password=None)
    assert again.ready and again.entity_id == "E100"
    assert store.get_connection(workspace.id, vault).password.reveal() == PASSWORD
    assert connect(entity="E300", password="").ok


def test_blank_password_with_nothing_stored_is_a_field_error(connect):
    outcome = connect(password=None)
    assert not outcome.ok and "password" in outcome.field_errors and outcome.diagnosis is None


def test_form_problems_stop_before_any_network_call(store, vault, workspace):
    # Nothing listens on this port: any request would come back as a transport diagnosis.
    offline = Platform(
        SENDER_ID, Secret("x"), "http://127.0.0.1:9/ia/xml/xmlgw.phtml", True, client_options=FAST
    )
    outcome = connect_workspace(
        store, vault, offline, workspace.id, "ACME-DEMO|E100", "", "routable_ws ", PASSWORD, actor=LOCAL
    )
    assert not outcome.ok and outcome.diagnosis is None
    assert set(outcome.field_errors) == {"company_id", "user_id"}


def test_unreachable_intacct_is_a_retryable_diagnosis_with_nothing_to_fix(store, vault, workspace):
    offline = Platform(
        SENDER_ID,
        Secret("x"),
        "http://127.0.0.1:9/ia/xml/xmlgw.phtml",
        True,
        client_options={**FAST, "max_retries": 0},
    )
    outcome = connect_workspace(
        store, vault, offline, workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, actor=LOCAL
    )
    assert not outcome.ok and outcome.diagnosis.retryable and outcome.diagnosis.step_key is None
    assert "Nothing to change in Intacct" in outcome.diagnosis.fix


def test_wrong_sender_credentials_are_our_problem(store, vault, workspace, sandbox):
    ours_broken = Platform(SENDER_ID, Secret("wrong-sender-secret"), sandbox.url, True, client_options=FAST)
    outcome = connect_workspace(
        store, vault, ours_broken, workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, actor=LOCAL
    )
    assert not outcome.ok and outcome.diagnosis.step_key is None
    assert "support" in outcome.diagnosis.fix


def test_open_session_uses_the_saved_connection(connect, store, vault, platform, workspace):
    with pytest.raises(NotConnectedError, match="Connect step"):
        open_session(store, vault, platform, workspace.id)
    connect(entity="E100")
    session = open_session(store, vault, platform, workspace.id)
    assert (session.company_id, session.entity_id, session.user_id) == ("ACME-DEMO", "E100", "routable_ws")
    assert session.count("GLACCOUNT") > 0
    session.client.close()


def test_a_password_xml_cannot_carry_is_a_field_error_not_a_crash(connect, store, workspace):
    # U+FFFE is not a control character to Unicode, but XML refuses it: it must stop at the form.
    outcome = connect(password="Demo\ufffePassw0rd!")
    assert not outcome.ok and "password" in outcome.field_errors
    assert store.get_connection(workspace.id) is None


def test_connect_at_top_level_is_sign_in_then_one_request(make_sandbox, store, vault, workspace):
    box = make_sandbox()
    platform = Platform(SENDER_ID, Secret("sandbox-sender-secret"), box.url, True, box, client_options=FAST)
    outcome = connect_workspace(
        store, vault, platform, workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD, actor=ANA
    )
    assert outcome.ready and len(outcome.entities) == 3
    assert box.stats.requests == 2  # getAPISession, then the entity list with every access probe
    assert box.stats.functions["query"] == 1 + len(outcome.preflight)


class _CountingSqlite:
    """The sqlite3 module as the store sees it, counting the write transactions it commits."""

    def __init__(self, real):
        self._real = real
        self.commits = 0

    def __getattr__(self, name):
        return getattr(self._real, name)

    def connect(self, *args, **kwargs):
        conn = self._real.connect(*args, **kwargs)
        conn.set_trace_callback(self._seen)
        return conn

    def _seen(self, statement: str) -> None:
        if statement.strip().upper() == "COMMIT":
            self.commits += 1


@pytest.fixture
def counted(monkeypatch, store):
    import sqlite3

    import onboarding.sqlite_pool

    counter = _CountingSqlite(sqlite3)
    monkeypatch.setattr(onboarding.sqlite_pool, "sqlite3", counter)
    # Connections the store opened before the counter was in place would commit unseen.
    store._pool.close()
    return counter


def test_one_successful_connect_is_one_write_transaction(connect, store, vault, workspace, counted):
    outcome = connect()
    assert outcome.ready
    assert counted.commits == 1
    # ...and that one transaction holds everything the attempt proved.
    assert store.get_connection(workspace.id, vault).status == "connected"
    assert _states(store, workspace.id)["connect"] == "done"
    kinds = [e.kind for e in store.events(workspace.id)]
    assert kinds.index("connected") > kinds.index("preflight") > -1 and "connection_saved" in kinds
    connect()
    assert counted.commits == 2  # the counter sees every commit: a second attempt is a second one


def test_one_failed_connect_is_one_write_transaction(connect, store, workspace, counted):
    outcome = connect(password="Not-The-Passw0rd")
    assert not outcome.ok and outcome.diagnosis is not None
    assert counted.commits == 1
    assert _states(store, workspace.id)["connect"] == "attention"
