"""Every error class, produced by the real sandbox over a loopback socket."""

import logging
import re
import socket

import pytest

import intacct
from intacct import _classify, errors

PASSWORD = "Demo-Passw0rd!"


def test_wrong_sender_password_is_a_control_level_sender_error(sandbox, connect):
    client = connect(sandbox.url, sender=("RoutableMPP", "wrong"))
    with pytest.raises(errors.SenderCredentialsError) as info:
        client.login("ACME-DEMO", "routable_ws", PASSWORD)
    assert info.value.level == "control"
    assert info.value.code == "XL03000006"
    assert client.stats.requests == 1


def test_company_that_has_not_authorized_our_sender(sandbox, connect):
    client = connect(sandbox.url)
    with pytest.raises(errors.SenderNotAuthorizedError) as info:
        client.login("NOAUTH-DEMO", "routable_ws", PASSWORD)
    assert info.value.level == "authentication"
    assert "RoutableMPP" in info.value.description2
    assert "authoriz" in info.value.hint


@pytest.mark.parametrize(
    ("company", "user", "password"),
    [
        ("ACME-DEMO", "routable_ws", "nope"),
        ("ACME-DEMO", "nobody", PASSWORD),
        ("NO-SUCH-CO", "routable_ws", PASSWORD),
    ],
)
def test_bad_login_is_a_login_error_and_is_never_retried(sandbox, connect, company, user, password):
    client = connect(sandbox.url)
    with pytest.raises(errors.LoginError) as info:
        client.login(company, user, password)
    assert info.value.level == "authentication"
    assert client.stats.requests == 1 and client.stats.retries == 0


def test_http_401_login_form_is_a_login_error(make_sandbox, connect):
    box = make_sandbox(faults="login401=1")
    client = connect(box.url)
    with pytest.raises(errors.LoginError) as info:
        client.login("ACME-DEMO", "routable_ws", "nope")
    assert info.value.http_status == 401
    assert info.value.code in ("XMLGW_JPP0002", "UJPP0002")
    assert info.value.level == "gateway"
    assert client.stats.requests == 1


@pytest.mark.parametrize(
    ("user", "entity"), [("routable_ws", "E999"), ("entity_ws", "E100"), ("entity_ws", None)]
)
def test_entity_unknown_or_not_allowed(sandbox, connect, user, entity):
    client = connect(sandbox.url)
    with pytest.raises(errors.EntityError):
        client.login("ACME-DEMO", user, PASSWORD, entity_id=entity)


def test_entity_restricted_user_can_sign_in_to_its_entity(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "entity_ws", PASSWORD, entity_id="E200")
    assert session.entity_id == "E200"


def test_permission_denied_names_the_object(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "limited_ws", PASSWORD)
    with pytest.raises(errors.PermissionDeniedError) as info:
        session.count("GLACCOUNT")
    assert info.value.object == "GLACCOUNT"
    assert info.value.code == "PL04000005"
    assert session.count("VENDOR") > 0


def test_unknown_object(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    with pytest.raises(errors.ObjectNotFoundError) as info:
        session.count("NOSUCHOBJECT")
    assert info.value.object == "NOSUCHOBJECT"


def test_unknown_field_is_a_result_error(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    with pytest.raises(errors.IntacctError) as info:
        list(session.query("VENDOR", ["RECORDNO", "NOT_A_FIELD"]))
    assert info.value.level == "result"


def test_session_that_keeps_expiring_raises_after_one_relogin(make_sandbox, connect):
    box = make_sandbox(faults="session_ttl=0")
    client = connect(box.url)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    with pytest.raises(errors.SessionExpiredError):
        session.count("VENDOR")
    assert client.stats.relogins == 1


def test_unreachable_endpoint_is_a_transport_error(connect):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = connect(f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml", max_retries=1)
    with pytest.raises(errors.TransportError):
        client.login("ACME-DEMO", "routable_ws", PASSWORD)
    assert client.stats.requests == 2


def test_524_is_not_retried(make_sandbox, connect):
    box = make_sandbox()
    client = connect(box.url)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("error524=1")
    with pytest.raises(errors.ServerError) as info:
        session.count("VENDOR")
    assert info.value.http_status == 524
    assert client.stats.retries == 0


def test_malformed_reply_is_a_parse_error_when_retries_run_out(make_sandbox, connect):
    box = make_sandbox()
    client = connect(box.url, max_retries=0)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("malformed=1")
    with pytest.raises(errors.ResponseParseError):
        session.count("VENDOR")


def test_rate_limit_error_after_retries_run_out(make_sandbox, connect):
    box = make_sandbox()
    client = connect(box.url, max_retries=2)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("rate429=1")
    before = client.stats.requests
    with pytest.raises(errors.RateLimitError) as info:
        session.count("VENDOR")
    assert info.value.http_status == 429 and info.value.code == "GW-0010"
    assert client.stats.requests - before == 3


def test_reply_with_a_dtd_is_refused_unparsed():
    from intacct import _xml

    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><response>&a;</response>'
    with pytest.raises(errors.ResponseParseError):
        _xml.parse_reply(bomb, http_status=200)


def test_errors_survive_pickling():
    import pickle

    error = errors.PermissionDeniedError("d", code="PL04000005", object="VENDOR")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.object, copy.code, str(copy)) == ("VENDOR", "PL04000005", str(error))
    assert isinstance(copy, intacct.IntacctError)


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_a_refused_request_names_its_own_and_its_functions_control_ids(sandbox, connect, caplog):
    caplog.set_level(logging.INFO, logger="intacct")
    client = connect(sandbox.url)
    refused = []
    for _ in range(2):
        with pytest.raises(errors.LoginError) as info:
            client.login("ACME-DEMO", "routable_ws", "nope")
        refused.append(info.value)
    first, second = refused
    assert _UUID.match(first.request_control_id) and _UUID.match(first.function_control_id)
    assert first.request_control_id != first.function_control_id
    assert first.request_control_id != second.request_control_id  # one per request
    assert first.support_reference == (
        f"request {first.request_control_id}, function {first.function_control_id}"
    )
    assert first.request_control_id in caplog.text and first.function_control_id in caplog.text
    assert "nope" not in caplog.text


def test_each_failed_function_of_one_request_names_its_own_control_id(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "limited_ws", PASSWORD)
    outcome = session.check_access(["VENDOR", "GLACCOUNT", "NOSUCHOBJECT"])
    assert outcome["VENDOR"] is None
    denied, missing = outcome["GLACCOUNT"], outcome["NOSUCHOBJECT"]
    assert (denied.function_control_id, missing.function_control_id) == ("access-1", "access-2")
    assert denied.request_control_id == missing.request_control_id and _UUID.match(denied.request_control_id)


def test_transport_and_server_errors_name_the_request_too(make_sandbox, connect):
    box = make_sandbox()
    client = connect(box.url, max_retries=0)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("error524=1")
    with pytest.raises(errors.ServerError) as info:
        session.count("VENDOR")
    assert _UUID.match(info.value.request_control_id) and _UUID.match(info.value.function_control_id)


def test_the_rate_limit_carries_the_retry_after_the_gateway_asked_for(make_sandbox, connect):
    box = make_sandbox()
    session = connect(box.url, max_retries=0).login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("rate429=1")
    with pytest.raises(errors.RateLimitError) as info:
        session.count("VENDOR")
    assert info.value.retry_after == 1.0 and info.value.level == "gateway"


@pytest.mark.parametrize(("key", "cls"), list(_classify.ERROR_CLASSES.items()))
def test_every_row_of_the_error_table_decides_the_class(key, cls):
    if isinstance(key, str):
        found = _classify.classify([{"errorno": key, "description": "d"}], _classify.RESULT)
    else:
        found = _classify.classify([{"errorno": "X", "description": "d"}], _classify.CONTROL, http_status=key)
        if cls is errors.ServerError:  # a 5xx is decided before the XML is read, by its status alone
            found = _classify.from_http(key, is_xml=False)
    assert type(found) is cls and found.code in (key if isinstance(key, str) else "X", str(key))
