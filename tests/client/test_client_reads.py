"""Reads, paging, retries, concurrency and re-login against the real sandbox."""

import logging
import threading
import time
from collections import Counter

import pytest

import intacct
from intacct import F, errors

PASSWORD = "Demo-Passw0rd!"
SENDER = ("RoutableMPP", "sandbox-sender-secret")


def _login(connect, url, **options):
    return connect(url, **options).login("ACME-DEMO", "routable_ws", PASSWORD)


def test_login_follows_the_returned_endpoint_and_reports_expiry(sandbox, connect):
    session = _login(connect, sandbox.url)
    assert session.endpoint.endswith("/ia/xml/xmlgw.phtml")
    assert session.company_id == "ACME-DEMO" and session.entity_id is None
    session.count("VENDOR")
    assert session.expires_at is not None


def test_query_pages_at_2000_to_the_end(make_sandbox, connect):
    box = make_sandbox(vendors=4001)
    session = _login(connect, box.url)
    before = box.stats.functions["query"]
    records = list(session.query("VENDOR", ["RECORDNO", "VENDORID"], order_by="RECORDNO"))
    assert box.stats.functions["query"] - before == 3
    assert len(records) == 4001
    assert len({r["RECORDNO"] for r in records}) == 4001
    assert [r["RECORDNO"] for r in records] == sorted((r["RECORDNO"] for r in records), key=int)
    assert session.count("VENDOR") == 4001


def test_read_by_query_follows_read_more_at_1000(make_sandbox, connect):
    box = make_sandbox(vendors=2001)
    session = _login(connect, box.url)
    records = list(session.read_by_query("VENDOR", ["RECORDNO", "NAME"]))
    assert len(records) == 2001 and len({r["RECORDNO"] for r in records}) == 2001
    assert box.stats.functions["readByQuery"] == 1
    assert box.stats.functions["readMore"] == 2


def test_page_sizes_beyond_the_gateway_limits_are_refused_locally(sandbox, connect):
    session = _login(connect, sandbox.url)
    with pytest.raises(ValueError):
        session.query_page("VENDOR", ["RECORDNO"], page_size=2001)
    with pytest.raises(ValueError):
        list(session.read_by_query("VENDOR", page_size=1001))


def test_records_are_flat_dicts_with_dotted_fields(sandbox, connect):
    session = _login(connect, sandbox.url)
    vendor = next(session.query("VENDOR", ["RECORDNO", "NAME", "DISPLAYCONTACT.EMAIL1"], page_size=5))
    assert set(vendor) == {"RECORDNO", "NAME", "DISPLAYCONTACT.EMAIL1"}
    assert all(isinstance(v, str) for v in vendor.values())
    rbq = next(session.read_by_query("VENDOR", ["RECORDNO", "NAME"], page_size=5))
    assert set(rbq) == {"RECORDNO", "NAME"}


def test_filters_match_what_the_sandbox_holds(sandbox, connect):
    session = _login(connect, sandbox.url)
    all_accounts = sandbox.records("ACME-DEMO", "GLACCOUNT")
    expected = sorted(
        r["RECORDNO"] for r in all_accounts if r["STATUS"] == "active" and int(r["RECORDNO"]) > 50
    )
    got = [
        r["RECORDNO"]
        for r in session.query(
            "GLACCOUNT", ["RECORDNO"], where=(F("STATUS") == "active") & (F("RECORDNO") > 50)
        )
    ]
    assert sorted(got) == expected


@pytest.mark.parametrize(
    "hostile",
    ["Tom & Jerry <Ltd>", "quote \" and ' both", "cdata ]]> end", "Müller Straße 東京", "x' OR '1'='1"],
)
def test_hostile_values_round_trip_exactly(make_sandbox, connect, hostile):
    box = make_sandbox()
    recordno = box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "HOSTILE-1", "NAME": hostile})
    session = _login(connect, box.url)
    found = list(session.query("VENDOR", ["RECORDNO", "NAME"], where=F("NAME") == hostile))
    assert found == [{"RECORDNO": recordno, "NAME": hostile}]
    found = list(session.read_by_query("VENDOR", ["RECORDNO", "NAME"], query=F("NAME") == hostile))
    assert found == [{"RECORDNO": recordno, "NAME": hostile}]


def test_hostile_login_values_are_escaped_not_parsed(sandbox, connect):
    client = connect(sandbox.url)
    with pytest.raises(errors.LoginError):  # a clean refusal, not an XML parse error
        client.login("ACME<DEMO>&]]>", "routable_ws\"'", "pw</password><x>")
    with pytest.raises(ValueError, match="control character"):
        client.login("ACME-DEMO", "routable_ws", "bad\x01char")


def test_5xx_and_dropped_connections_are_retried(make_sandbox, connect):
    box = make_sandbox(vendors=3000, seed=11)
    client = connect(box.url, max_retries=8)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("error5xx=0.3,drop=0.2")
    records = list(session.query("VENDOR", ["RECORDNO"], page_size=500))
    assert len(records) == 3000
    assert client.stats.retries > 0


def test_retry_after_is_honoured(make_sandbox, connect):
    box = make_sandbox()
    client = connect(box.url, max_retries=1, backoff_max=5.0)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("rate429=1")
    started = time.monotonic()
    with pytest.raises(errors.RateLimitError) as info:
        session.count("VENDOR")
    assert info.value.retry_after == 1.0
    assert time.monotonic() - started >= 0.95


def test_concurrency_limit_is_respected_through_retries(make_sandbox, connect):
    box = make_sandbox(max_concurrent=2, latency_ms=60)
    client = connect(box.url, max_retries=30, backoff_max=0.05)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    results, failures = [], []

    def work():
        try:
            results.append(session.count("VENDOR"))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(set(results)) == 1 and len(results) == 6
    assert box.stats.rate_limited > 0
    assert client.stats.retries > 0


def test_expired_session_signs_in_again_once(sandbox, connect):
    client = connect(sandbox.url)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    first = session.count("VENDOR")
    sandbox.expire_sessions()
    assert session.count("VENDOR") == first
    assert client.stats.relogins == 1


def test_check_access_probes_every_object_in_one_request(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "limited_ws", PASSWORD)
    before = sandbox.stats.requests
    outcome = session.check_access(["GLACCOUNT", "VENDOR", "APTERM", "NOSUCHOBJ"])
    assert sandbox.stats.requests - before == 1
    assert isinstance(outcome["GLACCOUNT"], errors.PermissionDeniedError)
    assert outcome["VENDOR"] is None and outcome["APTERM"] is None
    assert isinstance(outcome["NOSUCHOBJ"], errors.ObjectNotFoundError)


def test_entities_listed_for_multi_entity_and_empty_for_single(sandbox, connect):
    client = connect(sandbox.url)
    acme = client.login("ACME-DEMO", "routable_ws", PASSWORD).list_entities()
    assert [e["LOCATIONID"] for e in acme] == ["E100", "E200", "E300"]
    assert client.login("SOLO-DEMO", "routable_ws", PASSWORD).list_entities() == []


def test_lookup_lists_fields(sandbox, connect):
    fields = _login(connect, sandbox.url).lookup("GLACCOUNT")
    assert "ACCOUNTNO" in {f.get("ID") for f in fields}


def test_no_password_in_logs_errors_or_reprs(sandbox, connect, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "S3cr3t-Passw0rd-xyz"
    client = connect(sandbox.url, sender=(SENDER[0], secret))
    seen = [repr(client), str(client)]
    with pytest.raises(errors.IntacctError) as info:
        client.login("ACME-DEMO", "routable_ws", secret)
    seen += [str(info.value), repr(info.value), str(info.value.errors)]
    good = connect(sandbox.url)
    session = good.login("ACME-DEMO", "routable_ws", PASSWORD)
    seen += [repr(session), str(session.__dict__), repr(good)]
    with pytest.raises(errors.LoginError) as info:
        good.login("ACME-DEMO", "routable_ws", secret)
    seen += [str(info.value), repr(info.value)]
    blob = "\n".join(seen) + caplog.text
    assert secret not in blob
    assert PASSWORD not in blob and SENDER[1] not in blob
    assert Counter(r.name for r in caplog.records)  # the client did log something


def test_max_in_flight_keeps_threads_within_the_allowance(make_sandbox, connect):
    box = make_sandbox(max_concurrent=2, latency_ms=40)
    client = connect(box.url, max_in_flight=2)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    threads = [threading.Thread(target=session.count, args=("VENDOR",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert box.stats.rate_limited == 0
    assert client.stats.retries == 0
    assert box.stats.max_in_flight["ACME-DEMO"] == 2


def test_query_overlaps_parsing_but_keeps_one_request_in_flight(make_sandbox, connect):
    box = make_sandbox(vendors=9000, latency_ms=30)
    session = _login(connect, box.url)
    box.reset_stats()
    records = list(session.query("VENDOR", ["RECORDNO", "NAME"], page_size=1000))
    assert [int(r["RECORDNO"]) for r in records] == sorted(int(r["RECORDNO"]) for r in records)
    assert len(records) == 9000
    assert box.stats.functions["query"] == 9
    assert box.stats.max_in_flight["ACME-DEMO"] == 1


def test_stopping_a_query_early_stops_fetching(make_sandbox, connect):
    box = make_sandbox(vendors=9000)
    session = _login(connect, box.url)
    box.reset_stats()
    rows = session.query("VENDOR", ["RECORDNO"], page_size=1000)
    taken = [next(rows) for _ in range(1500)]
    rows.close()
    assert len(taken) == 1500
    assert box.stats.functions["query"] <= 4


def test_json_pages_match_xml_pages_exactly(sandbox, connect):
    session = _login(connect, sandbox.url)
    fields = ["RECORDNO", "NAME", "STATUS", "DISPLAYCONTACT.EMAIL1", "CREDITLIMIT", "WHENMODIFIED"]
    where = F("RECORDNO") > 10
    xml_page = session.query_page("VENDOR", fields, where=where, order_by="RECORDNO", page_size=500)
    json_page = session.query_page(
        "VENDOR", fields, where=where, order_by="RECORDNO", page_size=500, format="json"
    )
    assert json_page.records == xml_page.records
    assert json_page.total_count is None and json_page.num_remaining is None
    assert xml_page.total_count is not None


def test_json_page_errors_still_raise_typed_errors(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "limited_ws", PASSWORD)
    with pytest.raises(errors.PermissionDeniedError):
        session.query_page("GLACCOUNT", ["RECORDNO"], format="json")


def test_truncated_json_is_retried_then_reported(make_sandbox, connect):
    box = make_sandbox(vendors=500)
    client = connect(box.url, max_retries=2)
    session = client.login("ACME-DEMO", "routable_ws", PASSWORD)
    box.set_faults("malformed=1")
    before = client.stats.requests
    with pytest.raises(errors.ResponseParseError):
        session.query_page("VENDOR", ["RECORDNO"], page_size=500, format="json")
    assert client.stats.requests - before == 3


def test_nested_json_related_fields_are_flattened_to_dotted_names():
    from intacct._rows import decode_records

    body = (
        b'[{"RECORDNO": 7, "ONHOLD": false,'
        b' "DISPLAYCONTACT": {"EMAIL1": "a@b.c", "MAILADDRESS": {"CITY": "Oslo"}}}]'
    )
    assert decode_records(body) == [
        {
            "RECORDNO": "7",
            "ONHOLD": "false",
            "DISPLAYCONTACT.EMAIL1": "a@b.c",
            "DISPLAYCONTACT.MAILADDRESS.CITY": "Oslo",
        }
    ]
    flat = b'[{"RECORDNO": "7", "NAME": "x"}]'
    assert decode_records(flat) == [{"RECORDNO": "7", "NAME": "x"}]


ROW_FIELDS = ("RECORDNO", "NAME", "ONHOLD", "DISPLAYCONTACT.EMAIL1", "DISPLAYCONTACT.MAILADDRESS.CITY")


@pytest.mark.parametrize(
    "body",
    [
        # flat text records: the fast path
        b'[{"RECORDNO": "7", "NAME": "x", "ONHOLD": "false", "DISPLAYCONTACT.EMAIL1": "a@b.c",'
        b' "DISPLAYCONTACT.MAILADDRESS.CITY": "Oslo", "EXTRA": {"deep": 1}}]',
        # nested related fields, bare numbers and booleans: read the general way
        b'[{"RECORDNO": 7, "NAME": "x", "ONHOLD": false,'
        b' "DISPLAYCONTACT": {"EMAIL1": "a@b.c", "MAILADDRESS": {"CITY": "Oslo"}}}]',
        # a nested related field beside flat text ones
        b'[{"RECORDNO": "7", "NAME": "x", "ONHOLD": "false",'
        b' "DISPLAYCONTACT": {"EMAIL1": "a@b.c", "MAILADDRESS": {"CITY": "Oslo"}}}]',
    ],
)
def test_json_rows_are_the_same_tuples_whichever_shape_the_records_come_in(body):
    from intacct._rows import decode_records, row_reader, rows_of

    expected = [(7, "x", "false", "a@b.c", "Oslo")]
    assert row_reader(ROW_FIELDS).read(body) == expected
    assert rows_of(decode_records(body), ROW_FIELDS) == expected


def test_json_rows_fill_missing_and_null_fields_with_blanks():
    from intacct._rows import row_reader

    body = b'[{"RECORDNO": "1", "NAME": null}, {"RECORDNO": "2", "NAME": "b", "ONHOLD": "true"}]'
    assert row_reader(ROW_FIELDS).read(body) == [(1, "", "", "", ""), (2, "b", "true", "", "")]


@pytest.mark.parametrize("body", [b"", b"[{", b"\xff\xfe", b'[{"RECORDNO": "1"}] trailing'])
def test_json_rows_that_are_not_well_formed_raise_a_parse_error(body):
    from intacct._rows import row_reader

    with pytest.raises(errors.ResponseParseError):
        row_reader(ROW_FIELDS).read(body)


def test_a_json_page_asked_as_rows_matches_the_same_page_as_records(connect, make_sandbox):
    box = make_sandbox(vendors=300)
    session = connect(box.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    from intacct.sync._schema import schema

    fields = schema("VENDOR").fields
    ask = {"order_by": "RECORDNO", "page_size": 300}
    records = session.query_page("VENDOR", fields, format="json", **ask)
    rows = session.query_page("VENDOR", fields, format="json", as_rows=True, **ask)
    as_xml = session.query_page("VENDOR", fields, as_rows=True, **ask)
    assert rows.records == [] and len(rows.rows) == 300
    from intacct._rows import rows_of

    assert rows.rows == rows_of(records.records, fields) == as_xml.rows
    assert all(isinstance(row[0], int) for row in rows.rows)


def test_5xx_with_a_generic_xml_failure_is_retried_as_a_server_error(connect):
    import http.server

    body = (
        b"<response><control><status>failure</status></control><errormessage><error>"
        b"<errorno>XL03000001</errorno><description>Service unavailable</description>"
        b"</error></errormessage></response>"
    )

    class Unavailable(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(503)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = connect(f"http://127.0.0.1:{server.server_address[1]}/ia/xml/xmlgw.phtml", max_retries=2)
        with pytest.raises(errors.ServerError) as info:
            client.login("ACME-DEMO", "routable_ws", PASSWORD)
        assert info.value.http_status == 503 and info.value.code == "XL03000001"
        assert client.stats.requests == 3
    finally:
        server.shutdown()
        server.server_close()


def test_query_batch_answers_each_page_exactly_as_alone(sandbox, connect):
    from intacct import PageRequest

    session = connect(sandbox.url).login("ACME-DEMO", "limited_ws", PASSWORD)
    pages = [
        PageRequest("VENDOR", ["RECORDNO", "NAME"], order_by="RECORDNO", page_size=5, offset=3),
        PageRequest("GLACCOUNT", ["RECORDNO"], page_size=1),  # this user may not read GL accounts
        PageRequest("APTERM", ["RECORDNO", "NAME", "WHENMODIFIED"], order_by="RECORDNO"),
        PageRequest("NOSUCHOBJECT", ["RECORDNO"]),
        PageRequest("DEPARTMENT", ["RECORDNO"], where=intacct.F("RECORDNO") > 2, page_size=2),
    ]
    before = session.client.stats.requests
    answers = session.query_batch(pages)
    assert session.client.stats.requests - before == 1
    assert isinstance(answers[1], intacct.errors.PermissionDeniedError)
    assert isinstance(answers[3], intacct.errors.ObjectNotFoundError)
    for page, answer in zip(pages, answers, strict=True):
        if isinstance(answer, intacct.errors.IntacctError):
            continue
        alone = session.query_page(
            page.object, page.fields, where=page.where, order_by=page.order_by,
            page_size=page.page_size, offset=page.offset,
        )  # fmt: skip
        assert answer == alone and answer.records
    assert session.query_batch([]) == []
