"""Requests of several functions, server time per function, the sandbox's own counters, and the records
it keeps rendered: a change shows at once in every reply shape."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import requests

from tests.sandbox.wire import call, errors, function, login, ok_data, post, query, records, request, results

SMALL = {"vendors": 300, "accounts": 40}
RANGE = (
    "<and><greaterthan><field>RECORDNO</field><value>0</value></greaterthan>"
    "<lessthanorequalto><field>RECORDNO</field><value>50</value></lessthanorequalto></and>"
)
FIELDS = ["RECORDNO", "VENDORID", "NAME", "WHENMODIFIED"]
BY_RECORDNO = "<order><field>RECORDNO</field><ascending/></order>"


def _named(body: str, controlid: str) -> str:
    """A wire.query() function with its own controlid."""
    return body.replace('controlid="f-1"', f'controlid="{controlid}"', 1)


def _json_vendors(url: str, user: str = "routable_ws") -> list[dict[str, str]]:
    reply = post(
        url,
        request(
            login(user=user),
            query("VENDOR", FIELDS, filter_xml=RANGE, orderby=BY_RECORDNO, pagesize=2000,
                  options="<returnformat>json</returnformat>"),
        ),
    )  # fmt: skip
    assert reply.headers["Content-Type"] == "application/json"
    return reply.json()


def test_every_function_is_charged_on_top_of_the_request(make_sandbox):
    box = make_sandbox(latency_ms=50, function_ms=60, **SMALL)
    three = [_named(query("APTERM", ["NAME"], pagesize=1), f"f{i}") for i in range(3)]
    started = time.perf_counter()
    root = call(box.url, *three)
    assert time.perf_counter() - started >= 0.05 + 3 * 0.06
    assert [r.findtext("status") for r in results(root)] == ["success"] * 3
    # A refused sign-in runs no function, so it costs the request's latency only.
    started = time.perf_counter()
    post(box.url, request(login(password="wrong"), *three))
    assert time.perf_counter() - started >= 0.05


def test_a_json_query_among_several_functions_answers_xml_inside_its_own_result(make_sandbox):
    box = make_sandbox(**SMALL)
    json_query = query(
        "VENDOR", FIELDS, filter_xml=RANGE, orderby=BY_RECORDNO, options="<returnformat>json</returnformat>"
    )
    root = call(box.url, _named(json_query, "v"), _named(query("APTERM", ["NAME"]), "t"))
    vendors, terms = results(root)
    assert (vendors.findtext("controlid"), terms.findtext("controlid")) == ("v", "t")
    data = vendors.find("data")
    assert data.get("listtype") == "VENDOR" and data.get("count") == "50"
    assert records(data) == _json_vendors(box.url)
    assert terms.findtext("status") == "success" and len(terms.find("data")) > 0


def test_a_denied_function_fails_alone_unless_the_batch_is_a_transaction(make_sandbox):
    box = make_sandbox(**SMALL)
    batch = [
        _named(query("VENDOR", ["RECORDNO"], pagesize=3, orderby=BY_RECORDNO), "vendors"),
        _named(query("GLACCOUNT", ["RECORDNO"], pagesize=3), "accounts"),  # limited_ws may not
        _named(query("NOPE", ["RECORDNO"]), "unknown"),
        _named(query("APTERM", ["NAME"], pagesize=1), "terms"),
    ]
    root = call(box.url, *batch, auth=login(user="limited_ws"))
    by_id = {r.findtext("controlid"): r for r in results(root)}
    assert list(by_id) == ["vendors", "accounts", "unknown", "terms"]
    assert [r.findtext("status") for r in by_id.values()] == ["success", "failure", "failure", "success"]
    assert [e["errorno"] for e in errors(by_id["accounts"])] == ["PL04000005"]
    assert [e["errorno"] for e in errors(by_id["unknown"])] == ["Query Failed"]
    assert [v["RECORDNO"] for v in records(by_id["vendors"].find("data"))] == ["1", "2", "3"]

    root = call(box.url, *batch, auth=login(user="limited_ws"), transaction="true")
    statuses = [r.findtext("status") for r in results(root)]
    assert statuses == ["aborted", "failure", "aborted", "aborted"]
    assert all(r.find("data") is None for r in results(root))


def test_stats_endpoint_reports_counters_and_cpu_without_counting_itself(make_sandbox):
    box = make_sandbox(**SMALL)
    call(box.url, query("APTERM", ["NAME"]), function("<getDimensions/>", "d"))
    parts = urlsplit(box.url)
    stats_url = f"{parts.scheme}://{parts.netloc}/sandbox/stats"
    first = requests.get(stats_url, timeout=10).json()
    second = requests.get(stats_url, timeout=10).json()
    assert first["requests"] == second["requests"] == 1
    assert first["functions"] == {"query": 1, "getDimensions": 1}
    assert 0 < first["cpu_s"] <= second["cpu_s"]
    assert json.loads(json.dumps(first)) == first


def test_changes_show_in_every_reply_shape_after_pages_were_served(make_sandbox):
    box = make_sandbox(**SMALL)
    xml_page = request(login(), query("VENDOR", FIELDS, filter_xml=RANGE, orderby=BY_RECORDNO))
    before_xml = records(ok_data(call(box.url, query("VENDOR", FIELDS, filter_xml=RANGE))))
    before_json = _json_vendors(box.url)
    assert before_xml == before_json and len(before_json) == 50

    box.update_record("ACME-DEMO", "VENDOR", 7, {"NAME": "Renamed & <Sons>"})
    box.delete_record("ACME-DEMO", "VENDOR", 9)
    after_json = _json_vendors(box.url)
    after_xml = records(ok_data(call(box.url, query("VENDOR", FIELDS, filter_xml=RANGE))))
    assert after_xml == after_json
    by_no = {v["RECORDNO"]: v for v in after_json}
    assert "9" not in by_no and len(after_json) == 49
    assert by_no["7"]["NAME"] == "Renamed & <Sons>"
    assert by_no["7"]["WHENMODIFIED"] != before_json[6]["WHENMODIFIED"]
    assert [v for v in after_json if v["RECORDNO"] not in ("7", "9")] == [
        v for v in before_json if v["RECORDNO"] not in ("7", "9")
    ]
    # A count and a new record: the lists of visible records follow changes too.
    created = box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "VNEW", "NAME": "New Co"})
    total = ok_data(call(box.url, query("VENDOR", ["RECORDNO"], pagesize=1))).get("totalcount")
    assert total == str(SMALL["vendors"])  # one deleted, one created
    last = records(ok_data(call(box.url, query("VENDOR", FIELDS, orderby=BY_RECORDNO, pagesize=1,
                                                offset=SMALL["vendors"] - 1))))  # fmt: skip
    assert last[0]["RECORDNO"] == created and last[0]["NAME"] == "New Co"
    assert post(box.url, xml_page).status_code == 200


def _changed_since(url: str, when: str, op: str = "greaterthanorequalto") -> list[str]:
    filter_xml = f"<{op}><field>WHENMODIFIED</field><value>{when}</value></{op}>"
    data = ok_data(call(url, query("VENDOR", ["RECORDNO"], filter_xml=filter_xml, pagesize=2000)))
    return [r["RECORDNO"] for r in records(data)]


def _changed_since_by_query_string(url: str, when: str, op: str = ">=") -> list[str]:
    body = function(
        f"<readByQuery><object>VENDOR</object><query>WHENMODIFIED {op} '{when}'</query>"
        "<fields>RECORDNO</fields><pagesize>1000</pagesize></readByQuery>"
    )
    return [r["RECORDNO"] for r in records(ok_data(call(url, body)))]


def test_changed_since_follows_every_change_and_matches_a_full_scan(make_sandbox):
    # `query` answers "modified since" from an index; readByQuery's query string tests every record.
    box = make_sandbox(vendors=3000, accounts=40)
    when = "06/01/2025 00:00:00"
    before = _changed_since(box.url, when)
    assert before == _changed_since_by_query_string(box.url, when) and 0 < len(before) < 1000
    assert _changed_since(box.url, when, "greaterthan") == _changed_since_by_query_string(box.url, when, ">")

    untouched = next(n for n in range(1, 3001) if str(n) not in before)
    box.update_record("ACME-DEMO", "VENDOR", untouched, {"NAME": "Touched"})
    box.delete_record("ACME-DEMO", "VENDOR", int(before[0]))
    created = box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "VNEW", "NAME": "New"})
    after = _changed_since(box.url, when)
    assert after == _changed_since_by_query_string(box.url, when)
    assert str(untouched) in after and before[0] not in after and after[-1] == created
    assert sorted(map(int, after)) == list(map(int, after))
