import pytest

import intacct
import intacct.sync as sync
from intacct import errors
from onboarding.preflight import (
    PERMISSIONS,
    PREFLIGHT_OBJECTS,
    check_from_error,
    permission_fix,
    preflight_passed,
    run_preflight,
)
from onboarding.steps import SENDER_ID

PASSWORD = "Demo-Passw0rd!"


@pytest.fixture
def login(sandbox):
    clients = []

    def _login(user="routable_ws", company="ACME-DEMO", entity=None):
        client = intacct.IntacctClient(
            SENDER_ID, "sandbox-sender-secret", endpoint=sandbox.url, backoff_base=0.001, backoff_max=0.01
        )
        clients.append(client)
        return client.login(company, user, PASSWORD, entity_id=entity)

    yield _login
    for client in clients:
        client.close()


def test_every_object_has_a_permission_recipe():
    # The list is the permission table's own order, what the sync needs most first.
    assert list(PERMISSIONS) == PREFLIGHT_OBJECTS and PREFLIGHT_OBJECTS[:2] == ["GLACCOUNT", "VENDOR"]
    # Every object is named on screen as the sync names it.
    assert all(PERMISSIONS[name].label == sync.schema(name).label for name in PREFLIGHT_OBJECTS)
    assert (PERMISSIONS["GLACCOUNT"].application, PERMISSIONS["GLACCOUNT"].permission) == (
        "General Ledger",
        "Accounts",
    )
    assert (PERMISSIONS["VENDOR"].application, PERMISSIONS["VENDOR"].permission) == (
        "Accounts Payable",
        "Vendors",
    )
    assert (PERMISSIONS["APTERM"].application, PERMISSIONS["APTERM"].permission) == (
        "Accounts Payable",
        "AP Terms",
    )
    for name in ("LOCATIONENTITY", "LOCATION", "DEPARTMENT"):
        assert PERMISSIONS[name].application == "Company"
    assert "Company" in PERMISSIONS["PROJECT"].note


def test_fix_wording_follows_the_security_model():
    role = permission_fix("VENDOR", "role")
    user = permission_fix("VENDOR", "user")
    both = permission_fix("VENDOR")
    assert "Roles" in role and "User-based" not in role
    assert "Web Services Users" in user and "Role-based" not in user
    assert "Role-based" in both and "User-based" in both
    for text in (role, user, both):
        assert "Accounts Payable" in text and "Vendors" in text and "List, View" in text


def test_missing_optional_module_is_not_a_failure_but_a_missing_required_one_is():
    absent = errors.ObjectNotFoundError("Object definition not found", object="PROJECT")
    assert check_from_error("PROJECT", absent).ok
    missing_gl = check_from_error("GLACCOUNT", errors.ObjectNotFoundError("not found", object="GLACCOUNT"))
    assert not missing_gl.ok and "Subscriptions" in missing_gl.fix


def test_other_errors_on_one_object_are_red_with_a_retry_hint():
    check = check_from_error("VENDOR", errors.ServerError("boom"))
    assert not check.ok and "again" in check.fix


def test_full_access_user_is_all_green_in_one_request(login):
    session = login()
    before = session.client.stats.requests
    checks = run_preflight(session)
    assert session.client.stats.requests - before == 1
    assert [c.object for c in checks] == PREFLIGHT_OBJECTS
    assert preflight_passed(checks), [c for c in checks if not c.ok]


def test_limited_user_is_red_on_gl_accounts_only(login):
    checks = {c.object: c for c in run_preflight(login(user="limited_ws"), "user")}
    assert not checks["GLACCOUNT"].ok
    assert checks["GLACCOUNT"].code
    assert "Web Services Users" in checks["GLACCOUNT"].fix and "General Ledger" in checks["GLACCOUNT"].fix
    assert [name for name, c in checks.items() if not c.ok] == ["GLACCOUNT"]


def test_single_entity_company_passes(login):
    assert preflight_passed(run_preflight(login(company="SOLO-DEMO")))


def test_preflight_probes_exactly_the_objects_the_sync_reads():
    # The preflight promises "everything the sync needs": adding an object to the sync without probing
    # it would let a missing permission surface only halfway through the first sync.
    from intacct.sync import DEFAULT_OBJECTS
    from onboarding.preflight import PREFLIGHT_OBJECTS

    assert sorted(PREFLIGHT_OBJECTS) == sorted(DEFAULT_OBJECTS)


def test_survey_lists_entities_and_checks_access_in_one_request(login):
    from onboarding.preflight import survey_connection

    session = login(user="limited_ws")
    before = session.client.stats.requests
    entities, checks = survey_connection(session, "user")
    assert session.client.stats.requests - before == 1
    assert entities == session.list_entities()
    assert [e["LOCATIONID"] for e in entities] == ["E100", "E200", "E300"]
    # The denied probe is red on its own line; the other probes in the same request are green.
    assert {c.object: c.ok for c in checks} == {c.object: c.ok for c in run_preflight(session, "user")}
    assert [c.object for c in checks if not c.ok] == ["GLACCOUNT"]


def test_survey_of_a_single_entity_company_or_at_an_entity_has_no_entity_list(login):
    from onboarding.preflight import survey_connection

    solo_entities, solo_checks = survey_connection(login(company="SOLO-DEMO"))
    assert solo_entities == [] and preflight_passed(solo_checks)
    at_entity = login(entity="E200")
    before = at_entity.client.stats.requests
    entities, checks = survey_connection(at_entity, with_entities=False)
    assert entities == [] and at_entity.client.stats.requests - before == 1
    assert [c.object for c in checks] == PREFLIGHT_OBJECTS
