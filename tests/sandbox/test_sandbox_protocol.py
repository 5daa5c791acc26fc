"""Envelope and error shapes at each of the gateway's levels: control, authentication, result."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.sandbox.wire import (
    PASSWORD,
    call,
    errors,
    function,
    login,
    new_session,
    ok_data,
    only_result,
    parse,
    post,
    query,
    read_by_query,
    records,
    request,
    results,
    session,
)

GETSESSION = function("<getAPISession/>")


def test_success_envelope_echoes_control_and_describes_the_session(sandbox):
    body = request(login(), GETSESSION, controlid="2026-11-24 08:45:04.149044")
    response = post(sandbox.url, body)
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(response)
    control = root.find("control")
    assert [control.findtext(t) for t in ("status", "senderid", "controlid", "uniqueid", "dtdversion")] == [
        "success",
        "RoutableMPP",
        "2026-11-24 08:45:04.149044",
        "false",
        "3.0",
    ]
    auth = root.find("./operation/authentication")
    assert [auth.findtext(t) for t in ("status", "userid", "companyid", "locationid")] == [
        "success",
        "routable_ws",
        "ACME-DEMO",
        "",
    ]
    stamp, timeout = auth.findtext("sessiontimestamp"), auth.findtext("sessiontimeout")
    assert stamp.endswith("+00:00") and timeout > stamp
    api = ok_data(root).find("api")
    assert api.findtext("sessionid").endswith("..")
    assert api.findtext("endpoint") == sandbox.url  # built from the Host header the client sent


def test_malformed_xml_is_a_control_failure_with_one_error_per_problem(sandbox):
    broken = request(login(), GETSESSION).replace("</login>", "</logon>")
    root = parse(post(sandbox.url, broken))
    assert root.findtext("./control/status") == "failure"
    assert root.findtext("./control/senderid") == "RoutableMPP"  # echoed even though parsing failed
    assert root.find("operation") is None
    found = errors(root)
    assert len(found) == 1
    assert found[0]["errorno"] == "XL03000003"
    assert "Opening and ending tag mismatch: login line 1 and logon" in found[0]["description2"]


def test_schema_violations_each_get_their_own_error(sandbox):
    # companyid must come before password (xs:sequence), and every function needs a controlid.
    bad_login = (
        f"<login><userid>routable_ws</userid><password>{PASSWORD}</password>"
        "<companyid>ACME-DEMO</companyid></login>"
    )
    root = parse(post(sandbox.url, request(bad_login, "<function><getAPISession/></function>")))
    found = errors(root)
    assert root.findtext("./control/status") == "failure"
    assert [e["errorno"] for e in found] == ["XL03000003", "XL03000003"]
    assert (
        "Element 'password': This element is not expected. Expected is ( companyid )"
        in found[0]["description2"]
    )
    assert "The attribute 'controlid' is required but missing" in found[1]["description2"]


def test_document_type_declarations_are_refused(sandbox):
    evil = (
        '<?xml version="1.0"?><!DOCTYPE request [<!ENTITY boom "boom">]>'
        "<request><control><senderid>&boom;</senderid></control></request>"
    )
    root = parse(post(sandbox.url, evil))
    assert errors(root)[0]["errorno"] == "XL03000003"
    assert "Document type declarations are not accepted" in errors(root)[0]["description2"]


@pytest.mark.parametrize(
    "sender",
    [("RoutableMPP", "wrong"), ("Nobody", "sandbox-sender-secret"), ("routablempp", "sandbox-sender-secret")],
)
def test_bad_sender_credentials_fail_at_control_level(sandbox, sender):
    root = parse(post(sandbox.url, request(login(), GETSESSION, sender=sender)))
    assert root.findtext("./control/status") == "failure"
    assert root.find("operation") is None
    assert errors(root) == [
        {
            "errorno": "XL03000006",
            "description": "",
            "description2": "Incorrect Intacct XML Partner ID or password.",
            "correction": "",
        }
    ]


@pytest.mark.parametrize(
    "credentials",
    [
        {"password": "wrong"},
        {"user": "nobody"},
        {"company": "NO-SUCH-COMPANY"},  # must look exactly like a bad password
    ],
)
def test_bad_sign_in_is_an_authentication_failure(sandbox, credentials):
    root = parse(post(sandbox.url, request(login(**credentials), GETSESSION)))
    assert root.findtext("./control/status") == "success"
    auth = root.find("./operation/authentication")
    assert auth.findtext("status") == "failure"
    assert auth.findtext("companyid") == credentials.get("company", "ACME-DEMO")
    assert results(root) == []
    assert errors(root.find("operation")) == [
        {
            "errorno": "XL03000006",
            "description": "",
            "description2": "Sign-in information is incorrect",
            "correction": "",
        }
    ]


def test_company_and_user_ids_are_not_case_sensitive_but_passwords_are(sandbox):
    root = call(sandbox.url, GETSESSION, auth=login(user="ROUTABLE_WS", company="acme-demo"))
    assert root.findtext("./operation/authentication/companyid") == "ACME-DEMO"
    root = call(sandbox.url, GETSESSION, auth=login(password=PASSWORD.upper()))
    assert root.findtext("./operation/authentication/status") == "failure"


def test_unauthorized_sender_gets_the_web_services_authorization_triple(sandbox):
    root = call(sandbox.url, GETSESSION, auth=login(company="NOAUTH-DEMO"))
    assert root.findtext("./operation/authentication/status") == "failure"
    assert errors(root.find("operation")) == [
        {
            "errorno": "XL03000006",
            "description": "Invalid Web Services Authorization",
            "description2": "The sender ID 'RoutableMPP' is not authorized to make Web Services requests to "
            "company ID 'NOAUTH-DEMO'.",
            "correction": "Contact the company administrator to grant Web Services authorization to this "
            "sender ID.",
        }
    ]
    # The company itself works for a sender it has authorized.
    partner = ("SandboxPartner", "sandbox-partner-secret")
    assert (
        ok_data(call(sandbox.url, GETSESSION, auth=login(company="NOAUTH-DEMO"), sender=partner)) is not None
    )


def test_unknown_session_has_empty_identity(sandbox):
    root = call(sandbox.url, GETSESSION, auth=session("not-a-session.."))
    auth = root.find("./operation/authentication")
    assert [auth.findtext(t) for t in ("status", "userid", "companyid")] == ["failure", "", ""]
    assert errors(root.find("operation"))[0]["description2"] == "Invalid session"


@pytest.mark.parametrize(
    ("user", "location", "company"),
    [
        ("routable_ws", "E999", "ACME-DEMO"),
        ("entity_ws", "E100", "ACME-DEMO"),
        ("routable_ws", "E100", "SOLO-DEMO"),
    ],
)
def test_entities_the_user_may_not_use_are_refused(sandbox, user, location, company):
    root = call(sandbox.url, GETSESSION, auth=login(user=user, company=company, location=location))
    assert root.findtext("./operation/authentication/status") == "failure"
    assert errors(root.find("operation")) == [
        {
            "errorno": "XL03000006",
            "description": "Invalid entity",
            "description2": f"The entity ID '{location}' is not valid for user '{user}' in company "
            f"'{company}'.",
            "correction": "Use an entity ID the user has access to, or sign in at the top level.",
        }
    ]


def test_entity_user_may_not_sign_in_at_top_level_but_may_at_its_entity(sandbox):
    refused = call(sandbox.url, GETSESSION, auth=login(user="entity_ws"))
    assert errors(refused.find("operation"))[0]["description"] == "Invalid entity"
    allowed = call(
        sandbox.url, GETSESSION, auth=login(user="entity_ws", company="ACME-DEMO|E200", location=None)
    )
    assert allowed.findtext("./operation/authentication/locationid") == "E200"
    assert ok_data(allowed).findtext("./api/locationid") == "E200"


def test_permission_denied_names_the_operation_and_object(sandbox):
    root = call(
        sandbox.url,
        query("GLACCOUNT", ["RECORDNO"]),
        read_by_query("GLACCOUNT"),
        query("VENDOR", ["RECORDNO"], pagesize=1),
        auth=login(user="limited_ws"),
    )
    first, second, third = results(root)
    for result, operation in ((first, "QUERY"), (second, "READ_BY_QUERY")):
        assert result.findtext("status") == "failure"
        [error] = errors(result)
        assert error["errorno"] == "PL04000005"
        assert error["description2"].startswith(
            f"You do not have permission for API operation {operation} on objects of type glaccount "
            "[Support ID: "
        )
    assert third.findtext("status") == "success"  # other objects are fine for that user


def test_unknown_object_and_unknown_field(sandbox):
    root = call(
        sandbox.url,
        query("VENDOR9", ["RECORDNO"]),
        query("VENDOR", ["RECORDNO", "NOPE"]),
        read_by_query("GLACCOUNT", fields="RECORDNO,x"),
    )
    missing_object, missing_field, legacy_field = results(root)
    assert errors(missing_object) == [
        {
            "errorno": "Query Failed",
            "description": "",
            "description2": "Object definition VENDOR9 not found",
            "correction": "",
        }
    ]
    assert errors(missing_field)[0]["errorno"] == "Invalid fields list NOPE"
    assert errors(legacy_field)[0]["errorno"] == "Invalid fields list x"


def test_several_functions_get_one_result_each_in_order(sandbox):
    root = call(
        sandbox.url,
        function("<getDimensions/>", "a"),
        query("APTERM", ["NAME"], pagesize=2),
        function("<lookup><object>VENDOR</object></lookup>", "c"),
    )
    assert [
        (r.findtext("function"), r.findtext("controlid"), r.findtext("status")) for r in results(root)
    ] == [
        ("getDimensions", "a", "success"),
        ("query", "f-1", "success"),
        ("lookup", "c", "success"),
    ]


def test_transaction_failure_aborts_the_other_functions(sandbox):
    root = call(
        sandbox.url,
        query("APTERM", ["NAME"], pagesize=1),
        query("NOPE", ["RECORDNO"]),
        query("VENDOR", ["RECORDNO"], pagesize=1),
        transaction="true",
    )
    before, failing, after = results(root)
    rolled_back = "The entire transaction in this operation has been rolled back due to an error."
    for aborted in (before, after):
        assert aborted.findtext("status") == "aborted"
        assert aborted.find("data") is None
        assert [(e["errorno"], e["description2"]) for e in errors(aborted)] == [("XL03000009", rolled_back)]
    assert failing.findtext("status") == "failure"
    assert [e["errorno"] for e in errors(failing)] == ["Query Failed", "XL03000009"]
    # Without a transaction the neighbours succeed.
    root = call(sandbox.url, query("APTERM", ["NAME"], pagesize=1), query("NOPE", ["RECORDNO"]))
    assert [r.findtext("status") for r in results(root)] == ["success", "failure"]


@pytest.mark.parametrize(
    "content_type", ["application/xml", "text/xml", "x-intacct-xml-request", "application/xml; charset=UTF-8"]
)
def test_accepted_content_types(sandbox, content_type):
    root = parse(post(sandbox.url, request(login(), GETSESSION), content_type=content_type))
    assert root.findtext("./operation/result/status") == "success"


def test_form_encoded_xmlrequest(sandbox):
    xml = request(login(), query("VENDOR", ["NAME"], pagesize=1))
    form = urllib.parse.urlencode({"xmlrequest": xml})
    root = parse(post(sandbox.url, form, content_type="application/x-www-form-urlencoded"))
    assert records(ok_data(root)) == [{"NAME": "Müller GmbH"}]


def test_only_post_on_the_gateway_path(sandbox):
    assert requests.get(sandbox.url, timeout=5).status_code == 405
    base = sandbox.url.rsplit("/ia/", 1)[0]
    assert requests.post(base + "/ia/xml/other.phtml", data=b"<request/>", timeout=5).status_code == 404
    assert (
        requests.post(sandbox.url + "?x=1", data=request(login(), GETSESSION), timeout=5).status_code == 200
    )


def test_non_ascii_and_markup_characters_round_trip(sandbox):
    root = call(sandbox.url, query("VENDOR", ["NAME"], pagesize=8))
    names = [r["NAME"] for r in records(ok_data(root))]
    assert "Müller GmbH" in names and "Société Générale" in names
    assert "Smith & Sons Plumbing" in names and "O'Reilly Freight & Storage" in names
    assert "Less<More Design Studio" in names


def test_request_encoding_follows_the_xml_declaration(sandbox):
    body = request(
        login(),
        query(
            "VENDOR",
            ["RECORDNO"],
            pagesize=1,
            filter_xml="<equalto><field>NAME</field><value>Müller GmbH</value></equalto>",
        ),
    )
    latin = body.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert records(ok_data(parse(post(sandbox.url, latin)))) == [{"RECORDNO": "1"}]


def test_sessions_are_accepted_at_any_host_name_of_the_server(sandbox):
    session_id = new_session(sandbox.url)
    other_host = sandbox.url.replace("127.0.0.1", "localhost")
    root = call(other_host, query("VENDOR", ["RECORDNO"], pagesize=1), auth=session(session_id))
    auth = root.find("./operation/authentication")
    assert (auth.findtext("userid"), auth.findtext("companyid")) == ("routable_ws", "ACME-DEMO")
    assert only_result(root).findtext("status") == "success"


def test_login401_mode_answers_bad_sign_ins_with_http_401(make_sandbox):
    box = make_sandbox(vendors=5, accounts=5, faults="login401=1")
    response = post(box.url, request(login(password="wrong"), GETSESSION))
    assert response.status_code == 401
    root = ET.fromstring(response.content)
    assert root.findtext("./control/status") == "failure"
    assert errors(root) == [
        {
            "errorno": "XMLGW_JPP0002",
            "description": "Sign-in information is incorrect. Please check your request.",
            "description2": "",
            "correction": "",
        }
    ]
    # Good sign-ins are unaffected.
    assert ok_data(call(box.url, GETSESSION)) is not None


def test_policy_ids_are_not_valid(sandbox):
    root = parse(post(sandbox.url, request(login(), GETSESSION, control_extra="<policyid>async</policyid>")))
    assert root.findtext("./control/status") == "failure"
    assert errors(root)[0]["description2"] == "async is not a valid transport policy."
