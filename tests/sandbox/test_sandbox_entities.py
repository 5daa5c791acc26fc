"""Entity scoping, sessions that remember their entity, and the metadata functions."""

from __future__ import annotations

import time

from tests.sandbox.wire import (
    call,
    errors,
    function,
    login,
    new_session,
    ok_data,
    only_result,
    query,
    read_by_query,
    records,
    session,
)


def _vendor_numbers(url, auth) -> list[int]:
    data = ok_data(call(url, query("VENDOR", ["RECORDNO"], pagesize=2000), auth=auth))
    return [int(r["RECORDNO"]) for r in records(data)]


def test_entity_users_see_shared_records_plus_their_own(sandbox):
    everything = sandbox.records("ACME-DEMO", "VENDOR")
    owners = {r["MEGAENTITYID"] for r in everything}
    assert owners == {"", "E100", "E200", "E300"}  # most shared, a few owned by each entity
    at_e200 = _vendor_numbers(sandbox.url, login(location="E200"))
    assert at_e200 == [int(r["RECORDNO"]) for r in everything if r["MEGAENTITYID"] in ("", "E200")]
    assert at_e200 == [int(r["RECORDNO"]) for r in sandbox.records("ACME-DEMO", "VENDOR", "E200")]
    assert _vendor_numbers(sandbox.url, login()) == [int(r["RECORDNO"]) for r in everything]


def test_entity_scoping_applies_to_every_read_function(sandbox):
    hidden = next(r for r in sandbox.records("ACME-DEMO", "VENDOR") if r["MEGAENTITYID"] == "E100")
    auth = login(location="E200")
    by_number = ok_data(
        call(
            sandbox.url,
            function(
                f"<read><object>VENDOR</object><keys>1,{hidden['RECORDNO']}</keys><fields>RECORDNO</fields></read>"
            ),
            auth=auth,
        )
    )
    assert records(by_number) == [{"RECORDNO": "1"}]
    by_name = ok_data(
        call(
            sandbox.url,
            function(
                f"<readByName><object>VENDOR</object><keys>V00001,{hidden['VENDORID']}</keys><fields>VENDORID</fields>"
                "</readByName>"
            ),
            auth=auth,
        )
    )
    assert records(by_name) == [{"VENDORID": "V00001"}]
    legacy = ok_data(
        call(sandbox.url, read_by_query("VENDOR", f"RECORDNO = {hidden['RECORDNO']}"), auth=auth)
    )
    assert legacy.get("totalcount") == "0"


def test_entities_list(sandbox):
    data = ok_data(call(sandbox.url, query("LOCATIONENTITY", ["LOCATIONID", "NAME", "CURRENCY"])))
    assert records(data) == [
        {"LOCATIONID": "E100", "NAME": "Acme Industries USA", "CURRENCY": "USD"},
        {"LOCATIONID": "E200", "NAME": "Acme Europe GmbH", "CURRENCY": "EUR"},
        {"LOCATIONID": "E300", "NAME": "Acme Canada Ltd.", "CURRENCY": "CAD"},
    ]
    at_entity = ok_data(
        call(sandbox.url, query("LOCATIONENTITY", ["LOCATIONID"]), auth=login(location="E300"))
    )
    assert records(at_entity) == [{"LOCATIONID": "E300"}]
    single = ok_data(
        call(sandbox.url, query("LOCATIONENTITY", ["LOCATIONID"]), auth=login(company="SOLO-DEMO"))
    )
    assert (single.get("totalcount"), len(single)) == ("0", 0)


def test_get_api_session_switches_entity_and_the_session_remembers_it(sandbox):
    top = new_session(sandbox.url)
    again = ok_data(call(sandbox.url, function("<getAPISession/>"), auth=session(top)))
    assert again.findtext("./api/sessionid") == top  # same level: same session
    switched = ok_data(
        call(
            sandbox.url,
            function("<getAPISession><locationid>E200</locationid></getAPISession>"),
            auth=session(top),
        )
    )
    entity_session = switched.findtext("./api/sessionid")
    assert entity_session != top and switched.findtext("./api/locationid") == "E200"
    root = call(sandbox.url, query("VENDOR", ["RECORDNO"], pagesize=1), auth=session(entity_session))
    assert root.findtext("./operation/authentication/locationid") == "E200"
    back = ok_data(
        call(
            sandbox.url,
            function("<getAPISession><locationid/></getAPISession>"),
            auth=session(entity_session),
        )
    )
    assert back.findtext("./api/locationid") == ""


def test_entity_user_cannot_switch_to_another_entity(sandbox):
    own = new_session(sandbox.url, user="entity_ws", location="E200")
    root = call(
        sandbox.url,
        function("<getAPISession><locationid>E100</locationid></getAPISession>"),
        auth=session(own),
    )
    [error] = errors(only_result(root))
    assert error["description"] == "Invalid entity" and "'E100'" in error["description2"]


def test_endpoint_follows_the_host_the_client_used(sandbox):
    other = sandbox.url.replace("127.0.0.1", "localhost")
    data = ok_data(call(other, function("<getAPISession/>")))
    assert data.findtext("./api/endpoint") == other


def test_expired_sessions_are_invalid_and_sliding_timeout_extends(make_sandbox):
    box = make_sandbox(vendors=5, accounts=5, session_timeout_s=0.5)
    first = new_session(box.url)
    for _ in range(3):  # each use pushes expiry further: 0.6 s in total, yet never 0.5 s idle
        time.sleep(0.2)
        assert only_result(call(box.url, query("APTERM", ["NAME"], pagesize=1), auth=session(first)))
    time.sleep(0.6)
    root = call(box.url, query("APTERM", ["NAME"], pagesize=1), auth=session(first))
    assert errors(root.find("operation"))[0]["description2"] == "Invalid session"
    second = new_session(box.url)
    box.expire_sessions()
    root = call(box.url, query("APTERM", ["NAME"], pagesize=1), auth=session(second))
    assert root.findtext("./operation/authentication/status") == "failure"


def test_lookup_describes_fields_types_and_valid_values(sandbox):
    data = ok_data(call(sandbox.url, function("<lookup><object>glaccount</object></lookup>")))
    kind = data.find("Type")
    assert kind.get("Name") == "GLACCOUNT"
    fields = {f.findtext("ID"): f for f in kind.find("Fields")}
    assert fields["RECORDNO"].findtext("DATATYPE") == "INTEGER"
    assert fields["WHENMODIFIED"].findtext("DATATYPE") == "TIMESTAMP"
    assert [v.text for v in fields["ACCOUNTTYPE"].find("VALIDVALUES")] == ["balancesheet", "incomestatement"]
    vendor = ok_data(call(sandbox.url, function("<lookup><object>VENDOR</object></lookup>"))).find("Type")
    ids = [f.findtext("ID") for f in vendor.find("Fields")]
    assert "DISPLAYCONTACT.EMAIL1" in ids and "DISPLAYCONTACT.MAILADDRESS.CITY" in ids


def test_inspect_lists_objects_and_fields(sandbox):
    everything = ok_data(call(sandbox.url, function("<inspect><object>*</object></inspect>")))
    assert {t.get("typename") for t in everything} >= {"glaccount", "vendor", "locationentity", "apterm"}
    plain = ok_data(call(sandbox.url, function('<inspect detail="0"><object>CLASS</object></inspect>')))
    assert "RECORD_URL" in [f.text for f in plain.find("./Type/Fields")]
    detailed = ok_data(call(sandbox.url, function('<inspect detail="1"><object>VENDOR</object></inspect>')))
    assert detailed.findtext("./Type/Attributes/SingularName") == "Vendor"
    first = detailed.find("./Type/Fields/Field")
    assert first.findtext("Name") == "RECORDNO" and first.findtext("isReadOnly") == "true"
    # inspect and lookup ignore object permissions, as the real gateway does.
    limited = call(
        sandbox.url, function("<lookup><object>GLACCOUNT</object></lookup>"), auth=login(user="limited_ws")
    )
    assert only_result(limited).findtext("status") == "success"


def test_get_dimensions(sandbox):
    data = ok_data(call(sandbox.url, function("<getDimensions/>")))
    names = [d.findtext("objectName") for d in data.find("dimensions")]
    assert names[:2] == ["DEPARTMENT", "LOCATION"] and "CLASS" in names and "PROJECT" in names
