"""The client honours the environment's proxy settings, read once rather than on every request."""

import http.server
import threading
import urllib.request

import pytest

from intacct import _client

PASSWORD = "Demo-Passw0rd!"


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the proxy itself goes direct


class _ForwardingProxy(http.server.BaseHTTPRequestHandler):
    """A plain-http forward proxy: the request line carries the absolute URL to forward to."""

    seen: list[str] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(self.path)
        forwarded = urllib.request.Request(self.path, data=body, headers={"Content-Type": "application/xml"})
        with _DIRECT.open(forwarded, timeout=10) as answer:
            reply, kind = answer.read(), answer.headers["Content-Type"]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ForwardingProxy)
    _ForwardingProxy.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _ForwardingProxy.seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_environment_reading():
    _client._proxies_for.cache_clear()
    yield
    _client._proxies_for.cache_clear()


def test_requests_go_through_the_proxy_the_environment_names(
    sandbox, connect, proxy, monkeypatch, fresh_environment_reading
):
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    assert session.query_page("VENDOR", ["RECORDNO"], page_size=5, format="json", as_rows=True).rows
    assert len(seen) >= 2 and all(path.startswith(sandbox.url.split("/ia/")[0]) for path in seen)


def test_no_proxy_keeps_the_endpoint_direct(sandbox, connect, proxy, monkeypatch, fresh_environment_reading):
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    assert session.query_page("VENDOR", ["RECORDNO"], page_size=5).records
    assert seen == []
