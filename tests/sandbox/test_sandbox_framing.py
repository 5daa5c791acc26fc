"""Hostile HTTP framing: the sandbox answers 400 without a traceback, caps connections, drops idle ones."""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.sandbox.wire import login, query, request

PING_BODY = request(login(), query("APTERM", ["NAME"], pagesize=1)).encode()


def _exchange(url: str, raw: bytes, timeout: float = 5.0) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(raw)
        received = b""
        while True:
            data = sock.recv(65536)
            if not data:
                return received
            received += data


def _head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/xml", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize(
    "headers, body",
    [
        (("Content-Length: twelve",), b"<request/>"),
        (("Content-Length: -5",), b"<request/>"),
        (("Content-Length: 1e3",), b"<request/>"),
        (("Transfer-Encoding: chunked",), b"zz\r\n<request/>\r\n0\r\n\r\n"),
        (("Transfer-Encoding: chunked",), b"-1\r\nabc\r\n0\r\n\r\n"),
        (("Transfer-Encoding: chunked",), b"ff\r\n<request/>"),  # shorter than its size, then EOF
    ],
    ids=["words", "negative", "float", "not-hex", "negative-chunk", "short-chunk"],
)
def test_malformed_framing_gets_400_and_no_traceback(sandbox, caplog, headers, body):
    caplog.set_level(logging.DEBUG, logger="intacct.sandbox")
    path = urlsplit(sandbox.url).path
    raw = _head(path, *headers) + body
    parts = urlsplit(sandbox.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)  # the short chunk must end at EOF, not at a read timeout
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]
    assert b"Traceback" not in reply
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_well_framed_requests_still_work_after_a_bad_one(sandbox):
    path = urlsplit(sandbox.url).path
    assert _exchange(sandbox.url, _head(path, "Content-Length: x") + b"<request/>").startswith(
        b"HTTP/1.1 400"
    )
    good = _head(path, f"Content-Length: {len(PING_BODY)}", "Connection: close") + PING_BODY
    reply = _exchange(sandbox.url, good)
    assert reply.startswith(b"HTTP/1.1 200 ") and b"<status>success</status>" in reply


def test_connections_past_the_cap_are_refused_and_idle_ones_are_closed(make_sandbox):
    box = make_sandbox(max_connections=3, idle_timeout_s=1.0, vendors=10, accounts=5)
    parts = urlsplit(box.url)
    idle = [socket.create_connection((parts.hostname, parts.port), timeout=10) for _ in range(3)]
    try:
        deadline = time.monotonic() + 5
        while box._server.open_connections < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert box._server.open_connections == 3
        refused = _exchange(box.url, _head(parts.path, "Content-Length: 0"))
        assert refused.startswith(b"HTTP/1.1 503 ")
        # Idle connections are hung up on by the server (recv sees EOF), freeing their slots.
        for sock in idle:
            assert sock.recv(1) == b""
        good = _head(parts.path, f"Content-Length: {len(PING_BODY)}", "Connection: close") + PING_BODY
        assert _exchange(box.url, good).startswith(b"HTTP/1.1 200 ")
    finally:
        for sock in idle:
            sock.close()
