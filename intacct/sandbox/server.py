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
# Each open connection holds a thread; past this many, a new one is refused with 503 and closed.
MAX_CONNECTIONS = 128
IDLE_TIMEOUT_S = 30.0
_TOO_MANY_CONNECTIONS = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=UTF-8\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: 25\r\n\r\nToo many open connections"
)


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


class BadFraming(ValueError):
    """The request's Content-Length or chunked framing cannot be read; the answer is HTTP 400."""


def _read_body(handler: _Handler) -> bytes | None:
    """The request body; None when it is larger than we accept. Raises BadFraming for broken framing."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks, size = [], 0
        while True:
            line = handler.rfile.readline(1024)
            length = _chunk_size(line)
            if length == 0:
                while handler.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            size += length
            if size > MAX_BODY_BYTES:
                handler.close_connection = True
                return None
            chunk = handler.rfile.read(length)
            if len(chunk) != length or handler.rfile.readline(1024) not in (b"\r\n", b"\n"):
                raise BadFraming("a chunk is shorter than its size line says")
            chunks.append(chunk)
    raw = (handler.headers.get("Content-Length") or "0").strip()
    if not (raw.isascii() and raw.isdigit()):
        raise BadFraming("Content-Length is not a number of bytes")
    length = int(raw)
    if length > MAX_BODY_BYTES:
        handler.close_connection = True
        return None
    body = handler.rfile.read(length) if length > 0 else b""
    if len(body) != length:
        raise BadFraming("the body is shorter than its Content-Length")
    return body


def _chunk_size(line: bytes) -> int:
    if not line.endswith(b"\n"):
        raise BadFraming("a chunk size line is missing or too long")
    digits = line.split(b";", 1)[0].strip()
    if not digits or len(digits) > 8 or digits.strip(b"0123456789abcdefABCDEF"):
        raise BadFraming("a chunk size is not a hexadecimal number")
    return int(digits, 16)


def _bad_request(handler: _Handler, problem: BadFraming) -> None:
    """Answer 400 and hang up: after broken framing we cannot know where the next request starts."""
    handler.close_connection = True
    body = f"Bad Request: {problem}\n".encode()
    with contextlib.suppress(OSError):
        handler.send_response(400)
        handler.send_header("Content-Type", "text/plain; charset=UTF-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()


def _drop(handler: _Handler) -> None:
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = "IntacctSandbox/1.0"
    sys_version = ""
    # Headers and body go out in two writes; with Nagle on, a small reply can wait ~40 ms for an ACK.
    disable_nagle_algorithm = True

    server: GatewayServer

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        # An idle keep-alive connection (or one stalled mid-request) is closed after this long.
        self.timeout = self.server.idle_timeout_s
        super().setup()

    def _serve(self) -> None:
        try:
            self.server.frontend.serve(self)
        except BadFraming as problem:
            _bad_request(self, problem)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client went away or stalled past the idle limit
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

    def __init__(
        self,
        address: tuple[str, int],
        frontend: Frontend,
        *,
        max_connections: int = MAX_CONNECTIONS,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
    ) -> None:
        if max_connections < 1 or idle_timeout_s <= 0:
            raise ValueError("max_connections must be at least 1 and idle_timeout_s more than 0")
        self.frontend = frontend
        self.max_connections = max_connections
        self.idle_timeout_s = idle_timeout_s
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def verify_request(self, request, client_address) -> bool:  # noqa: ANN001 - socketserver's signature
        """Admit a connection only while fewer than max_connections are open; a thread serves each."""
        with self._connections_lock:
            admitted = len(self._connections) < self.max_connections
            if admitted:
                self._connections.add(request)
        if not admitted:
            with contextlib.suppress(OSError):
                request.sendall(_TOO_MANY_CONNECTIONS)
        return admitted

    def shutdown_request(self, request) -> None:  # noqa: ANN001 - socketserver's signature
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    @property
    def open_connections(self) -> int:
        with self._connections_lock:
            return len(self._connections)

    def close_all_connections(self) -> None:
        """Wake idle keep-alive handler threads so stopping does not leave them behind."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
