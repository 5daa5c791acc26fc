"""The HTTP side: threads, keep-alive, the per-company concurrency limit, latency and injected faults.

Every reply takes at least the configured latency, counted from when its request arrived, plus the
configured time per function the request ran: the gateway runs a request's functions one after another,
so batching functions saves the per-request part only. A request holds its company's concurrency slot
until its reply is ready, latency included, as a slow gateway would.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import messages
from .faults import Decision, FaultInjector, cdn_timeout_page, server_error_page, truncate
from .gateway import Admitted, Gateway, ParsedRequest, Reply, gateway_error
from .traffic import Traffic

log = logging.getLogger("intacct.sandbox")

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"
# GET: the sandbox's own counters and CPU time as JSON, for benchmarks that run it as a separate process.
STATS_PATH = "/sandbox/stats"
MAX_BODY_BYTES = 20 * 1024 * 1024
RETRY_AFTER = (("Retry-After", "1"),)


class Frontend:
    """Turns one HTTP exchange into gateway calls, honouring limits, latency and faults."""

    def __init__(
        self,
        gateway: Gateway,
        traffic: Traffic,
        faults: FaultInjector,
        latency_ms: int,
        function_ms: int = 0,
    ) -> None:
        self.gateway = gateway
        self.traffic = traffic
        self.faults = faults
        self.latency_ms = latency_ms
        self.function_ms = function_ms

    def serve(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        if handler.command == "GET" and urlsplit(handler.path).path == STATS_PATH:
            body = json.dumps(self.traffic.snapshot().as_json()).encode()
            _write(handler, Reply(200, body, "application/json"))
            return
        self.traffic.count_request()
        if urlsplit(handler.path).path != GATEWAY_PATH:
            handler.close_connection = handler.command != "POST" or handler.close_connection
            if handler.command == "POST" and _read_body(handler) is None:
                handler.close_connection = True
            self._send(handler, arrived, 0, Reply(404, b"Not Found\n", "text/plain; charset=UTF-8"))
            return
        if handler.command != "POST":
            handler.close_connection = True  # any body it sent is unread
            reply = Reply(
                405,
                b"Method Not Allowed: send requests with POST\n",
                "text/plain; charset=UTF-8",
                headers=(("Allow", "POST"),),
            )
            self._send(handler, arrived, 0, reply)
            return
        body = _read_body(handler)
        if body is None:
            self._send(handler, arrived, 0, Reply(413, b"Request too large\n", "text/plain; charset=UTF-8"))
            return
        parsed = self.gateway.read(body, handler.headers.get("Content-Type", ""))
        company = self.gateway.company_key(parsed) if isinstance(parsed, ParsedRequest) else None
        if company is not None and not self.traffic.try_enter(company):
            self._send(handler, arrived, 0, gateway_error(429, messages.rate_limited(), RETRY_AFTER))
            return
        released = False

        def release() -> None:
            # The gateway is done with a request once its reply is ready; counting it until the last
            # byte is written would refuse a client that sends its next request on reading this one.
            nonlocal released
            if company is not None and not released:
                released = True
                self.traffic.leave(company)

        try:
            self._serve_admitted(handler, arrived, parsed, release)
        finally:
            release()

    def _serve_admitted(
        self, handler: _Handler, arrived: float, parsed: ParsedRequest | Reply, release: Callable[[], None]
    ) -> None:
        admitted = self.gateway.admit(parsed) if isinstance(parsed, ParsedRequest) else parsed
        if isinstance(admitted, Admitted) and admitted.all_refused:
            admitted = self.gateway.refusal(admitted)
        if isinstance(admitted, Reply) and admitted.auth_rejected:
            self._send(handler, arrived, 0, admitted, release=release)
            return
        decision = self.faults.decide()
        extra_ms = self.faults.spec.latency_ms
        if decision.kind == "drop":
            self._wait(arrived, extra_ms)
            self.traffic.count_reply(0, "drop")
            _drop(handler)
            return
        fault_reply = _fault_reply(decision)
        if fault_reply is not None:
            self._send(handler, arrived, extra_ms, fault_reply, decision.kind, release)
            return
        if isinstance(admitted, Reply):  # parse or schema failure
            reply = admitted
        else:
            executed: list[str] = []
            reply = self.gateway.run(admitted, _endpoint(handler), executed)
            self.traffic.count_functions(executed)
            extra_ms += self.function_ms * len(executed)
        if decision.kind == "malformed":
            reply = Reply(200, truncate(reply.body, decision.cut_fraction), reply.content_type)
        self._send(handler, arrived, extra_ms, reply, decision.kind, release)

    def _wait(self, arrived: float, extra_ms: int) -> None:
        remaining = (self.latency_ms + extra_ms) / 1000 - (time.monotonic() - arrived)
        if remaining > 0:
            time.sleep(remaining)

    def _send(
        self,
        handler: _Handler,
        arrived: float,
        extra_ms: int,
        reply: Reply,
        fault: str = "",
        release: Callable[[], None] | None = None,
    ) -> None:
        self._wait(arrived, extra_ms)
        self.traffic.count_reply(reply.status, fault)
        if release is not None:
            release()
        _write(handler, reply)


def _write(handler: _Handler, reply: Reply) -> None:
    try:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            handler.send_header(name, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(reply.body)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


def _fault_reply(decision: Decision) -> Reply | None:
    if decision.kind == "rate429":
        return gateway_error(429, messages.rate_limited(), RETRY_AFTER)
    if decision.kind == "error5xx":
        return Reply(decision.status, server_error_page(decision.status), "text/html; charset=UTF-8")
    if decision.kind == "error524":
        return Reply(524, cdn_timeout_page(), "text/html; charset=UTF-8")
    return None


def _endpoint(handler: _Handler) -> str:
    """The URL getAPISession hands back: this server, as the client addressed it."""
    host = handler.headers.get("Host") or "{}:{}".format(*handler.server.server_address[:2])
    return f"http://{host}{GATEWAY_PATH}"


def _read_body(handler: _Handler) -> bytes | None:
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks, size = [], 0
        while True:
            line = handler.rfile.readline(1024)
            length = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if length == 0:
                while handler.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            size += length
            if size > MAX_BODY_BYTES:
                handler.close_connection = True
                return None
            chunks.append(handler.rfile.read(length))
            handler.rfile.readline(1024)
    length = int(handler.headers.get("Content-Length") or 0)
    if length > MAX_BODY_BYTES:
        handler.close_connection = True
        return None
    return handler.rfile.read(length) if length > 0 else b""


def _drop(handler: _Handler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = "IntacctSandbox/1.0"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    # Headers and body go out in two writes; with Nagle on, a small reply can wait ~40 ms for an ACK.
    disable_nagle_algorithm = True

    server: GatewayServer

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def _serve(self) -> None:
        try:
            self.server.frontend.serve(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # never let a client see a Python traceback
            log.exception("unexpected error while serving %s %s", self.command, self.path)
            self.close_connection = True

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        log.debug("%s - %s", self.address_string(), format % args)


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], frontend: Frontend) -> None:
        self.frontend = frontend
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_all_connections(self) -> None:
        """Wake idle keep-alive handler threads so stopping does not leave them behind."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
