"""HTTP behaviour: keep-alive, the per-company concurrency limit, the latency floor and injected faults."""

from __future__ import annotations

import http.client
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from intacct.sandbox import FaultSpec
from tests.sandbox.wire import call, errors, function, login, ok_data, parse, post, query, request

SMALL = {"vendors": 50, "accounts": 20}
PING = request(login(), query("APTERM", ["NAME"], pagesize=1))


def test_keep_alive_serves_many_requests_on_one_connection(sandbox):
    parts = urlsplit(sandbox.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        for _ in range(3):
            connection.request(
                "POST", parts.path, body=PING.encode(), headers={"Content-Type": "application/xml"}
            )
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200 and int(response.getheader("Content-Length")) == len(body)
            assert response.getheader("Connection") != "close"
        first_socket = connection.sock
        connection.request(
            "POST", parts.path, body=PING.encode(), headers={"Content-Type": "application/xml"}
        )
        connection.getresponse().read()
        assert connection.sock is first_socket  # never reconnected
    finally:
        connection.close()


def test_requests_beyond_the_limit_get_429_with_retry_after(make_sandbox):
    box = make_sandbox(max_concurrent=2, latency_ms=800, **SMALL)
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda _: post(box.url, PING), range(5)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 429, 429, 429]
    limited = next(r for r in responses if r.status_code == 429)
    assert limited.headers["Retry-After"] == "1"
    root = ET.fromstring(limited.content)
    assert root.findtext("./control/status") == "failure"
    assert errors(root)[0]["errorno"] == "GW-0010"
    stats = box.stats
    assert stats.max_in_flight == {"ACME-DEMO": 2} and stats.rate_limited == 3


def test_the_limit_is_per_company(make_sandbox):
    box = make_sandbox(max_concurrent=1, latency_ms=300, **SMALL)
    bodies = [PING, request(login(company="SOLO-DEMO"), query("APTERM", ["NAME"], pagesize=1))]
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = [r.status_code for r in pool.map(lambda body: post(box.url, body), bodies)]
    assert statuses == [200, 200]
    assert box.stats.max_in_flight == {"ACME-DEMO": 1, "SOLO-DEMO": 1}


def test_every_reply_takes_at_least_the_latency(make_sandbox):
    box = make_sandbox(latency_ms=120, **SMALL)
    for body in (PING, request(login(password="wrong"), function("<getAPISession/>"))):
        started = time.perf_counter()
        post(box.url, body)
        assert time.perf_counter() - started >= 0.12
    box.set_faults("latency_ms=100")
    started = time.perf_counter()
    post(box.url, PING)
    assert time.perf_counter() - started >= 0.22


@pytest.mark.parametrize("status_fault", ["error5xx=1", "error524=1"])
def test_server_errors_have_non_xml_bodies(make_sandbox, status_fault):
    box = make_sandbox(faults=status_fault, **SMALL)
    response = post(box.url, PING)
    expected = {500, 502, 503} if status_fault == "error5xx=1" else {524}
    assert response.status_code in expected
    assert response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ET.ParseError):
        ET.fromstring(response.content)
    assert box.stats.functions["query"] == 0  # nothing ran


def test_dropped_connections_get_no_reply(make_sandbox):
    box = make_sandbox(faults={"drop": 1.0}, **SMALL)
    with pytest.raises(requests.ConnectionError):
        post(box.url, PING)
    assert box.stats.faults["drop"] == 1


def test_malformed_replies_are_truncated_xml(make_sandbox):
    box = make_sandbox(faults="malformed=1", **SMALL)
    response = post(box.url, PING)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert response.content.startswith(b"<?xml") and not response.content.endswith(b"</response>")
    with pytest.raises(ET.ParseError):
        ET.fromstring(response.content)


def test_rate429_fault_regardless_of_concurrency(make_sandbox):
    box = make_sandbox(faults="rate429=1", max_concurrent=100, **SMALL)
    response = post(box.url, PING)
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert errors(ET.fromstring(response.content))[0]["errorno"] == "GW-0010"


def test_faults_never_touch_requests_refused_for_sign_in_reasons(make_sandbox):
    box = make_sandbox(faults="error5xx=1", **SMALL)
    for body in (
        request(login(password="wrong"), function("<getAPISession/>")),
        request(login(), function("<getAPISession/>"), sender=("RoutableMPP", "bad")),
        request("<sessionid>gone..</sessionid>", function("<getAPISession/>")),
    ):
        assert post(box.url, body).status_code == 200
    assert post(box.url, PING).status_code in (500, 502, 503)


def test_fault_draws_are_seeded_and_shares_are_respected(make_sandbox):
    def run(box) -> list[int]:
        return [post(box.url, PING).status_code for _ in range(40)]

    first = run(make_sandbox(seed=3, faults="error5xx=0.3", **SMALL))
    second = run(make_sandbox(seed=3, faults="error5xx=0.3", **SMALL))
    assert first == second
    failures = sum(status != 200 for status in first)
    assert 4 <= failures <= 22  # about 30% of 40


def test_set_faults_turns_faults_on_and_off(make_sandbox):
    box = make_sandbox(**SMALL)
    assert post(box.url, PING).status_code == 200
    box.set_faults({"error524": 1})
    assert post(box.url, PING).status_code == 524
    box.set_faults(None)
    assert ok_data(parse(post(box.url, PING))) is not None


def test_session_ttl_fault_expires_idle_sessions(make_sandbox):
    box = make_sandbox(faults="session_ttl=0.2", **SMALL)
    session_id = ok_data(call(box.url, function("<getAPISession/>"))).findtext("./api/sessionid")
    time.sleep(0.3)
    root = call(box.url, query("APTERM", ["NAME"]), auth=f"<sessionid>{session_id}</sessionid>")
    assert root.findtext("./operation/authentication/status") == "failure"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("error5xx=2", "probability"),
        ("bogus=1", "unknown fault 'bogus'"),
        ("drop", "needs a value"),
        ("error5xx=0.6,drop=0.6", "may not exceed 1"),
        ("latency_ms=-5", "whole number"),
    ],
)
def test_fault_spec_errors_say_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        FaultSpec.parse(spec)


def test_fault_spec_accepts_strings_and_dicts_alike():
    text = FaultSpec.parse("latency_ms=5, error5xx=0.1,login401=1,session_ttl=30")
    assert text == FaultSpec.parse({"latency_ms": 5, "error5xx": 0.1, "login401": True, "session_ttl": 30})
    assert text.login401 and text.session_ttl == 30.0


def test_stats_count_requests_and_functions(make_sandbox):
    box = make_sandbox(**SMALL)
    call(box.url, query("APTERM", ["NAME"]), function("<getDimensions/>"))
    call(box.url, query("APTERM", ["NAME"]))
    stats = box.stats
    assert stats.requests == 2 and stats.functions == {"query": 2, "getDimensions": 1}
    box.reset_stats()
    assert box.stats.requests == 0
