"""The client against small hostile gateways on loopback: a redirect, a UTF-16 entity bomb, and a
sign-in reply that names another host. No password may leave for a host it was not meant for."""

from __future__ import annotations

import http.server
import pickle
import threading
from collections.abc import Callable, Iterator

import pytest

from intacct import errors
from intacct._client import _Hidden
from intacct._endpoint_trust import UntrustedEndpoint, trusted_session_endpoint

SENDER_PASSWORD = "sandbox-sender-secret"
PASSWORD = "Demo-Passw0rd!"
GATEWAY = "/ia/xml/xmlgw.phtml"

Reply = Callable[[bytes], tuple[int, dict[str, str], bytes]]


class _Gateway:
    """A one-file HTTP server: every POST body it receives is kept, and `reply` decides the answer."""

    def __init__(self, reply: Reply) -> None:
        self.bodies: list[bytes] = []
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the base class's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.bodies.append(body)
                status, headers, payload = reply(body)
                self.send_response(status)
                for name, value in {"Content-Type": "text/xml; charset=UTF-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{GATEWAY}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Callable[[Reply], _Gateway]]:
    started: list[_Gateway] = []

    def start(reply: Reply) -> _Gateway:
        started.append(_Gateway(reply))
        return started[-1]

    yield start
    for each in started:
        each.stop()


def _session_reply(session_id: str, endpoint: str) -> bytes:
    return (
        "<response><control><status>success</status></control><operation><authentication>"
        "<status>success</status><userid>routable_ws</userid><companyid>ACME-DEMO</companyid>"
        "</authentication><result><status>success</status><function>getAPISession</function>"
        f"<controlid>x</controlid><data><api><sessionid>{session_id}</sessionid>"
        f"<endpoint>{endpoint}</endpoint><locationid></locationid></api></data></result></operation>"
        "</response>"
    ).encode()


# -- 1. redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_transport_error_and_nothing_is_sent_again(gateway, connect, status):
    elsewhere = gateway(lambda body: (200, {}, _session_reply("stolen", "http://127.0.0.1:9/x")))
    location = {"Location": elsewhere.url.replace("127.0.0.1", "localhost")}
    redirecting = gateway(lambda body: (status, location, b""))
    client = connect(redirecting.url, max_retries=5)

    with pytest.raises(errors.TransportError) as info:
        client.login("ACME-DEMO", "routable_ws", PASSWORD)

    assert info.value.http_status == status and str(status) in str(info.value)
    assert "redirect" in str(info.value) and "localhost" in str(info.value)
    assert len(redirecting.bodies) == 1 and client.stats.retries == 0  # never resent, never retried
    assert elsewhere.bodies == []  # the credentials did not follow the Location
    assert PASSWORD not in str(info.value) and SENDER_PASSWORD not in str(info.value)


# -- 2. the session endpoint ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "offered",
    [
        "http://evil.localhost/ia/xml/xmlgw.phtml",  # "loopback" by name only
        "https://evil.example/ia/xml/xmlgw.phtml",  # https, but not Intacct
        "https://api.intacct.com.evil.example/ia/xml/xmlgw.phtml",
        "https://evilintacct.com/ia/xml/xmlgw.phtml",
        "http://api.intacct.com/ia/xml/xmlgw.phtml",  # Intacct's host, in clear text
        "https://api.intacct.com@evil.example/ia/xml/xmlgw.phtml",  # user info hiding the real host
        "https://evil.example\\@api.intacct.com/",  # where URL parsers disagree
        "http://127.0.0.1:1/ia/xml/xmlgw.phtml",  # loopback, but another port than configured
        "https://api%2eintacct.com/ia/xml/xmlgw.phtml",  # a percent-encoded dot
        "https://evil.example/?@api.intacct.com",  # the Intacct name only in the query
        "https://\u0430pi.intacct.com/ia/xml/xmlgw.phtml",  # a Cyrillic "а" in the first label
    ],
)
def test_a_session_endpoint_on_another_host_is_refused_before_any_credential_goes_there(
    gateway, connect, offered
):
    signing_in = gateway(lambda body: (200, {}, _session_reply("sid-1", offered)))
    client = connect(signing_in.url)

    with pytest.raises(errors.ResponseParseError) as info:
        client.login("ACME-DEMO", "routable_ws", PASSWORD)

    assert info.value.code == "UNTRUSTED-ENDPOINT" and "nothing was sent there" in str(info.value)
    assert len(signing_in.bodies) == 1  # the sign-in only; no request ever went to the offered host


def test_an_intacct_host_or_the_configured_one_is_adopted():
    configured = "http://127.0.0.1:8090/ia/xml/xmlgw.phtml"
    assert trusted_session_endpoint(configured, configured) == configured
    intacct_host = "https://api-eu.intacct.com/ia/xml/xmlgw.phtml"
    default = "https://api.intacct.com/ia/xml/xmlgw.phtml"
    assert trusted_session_endpoint(default, intacct_host) == intacct_host
    encoded_path = "https://api.intacct.com:443/ia/xml/x%20y.phtml"  # percent signs in a path are fine
    assert trusted_session_endpoint(default, encoded_path) == encoded_path
    with pytest.raises(UntrustedEndpoint, match=r"https://evil\.example"):
        trusted_session_endpoint(configured, "https://evil.example/x")


def test_plain_http_to_a_name_under_localhost_is_not_loopback():
    from intacct import IntacctClient

    with pytest.raises(ValueError, match="https"):
        IntacctClient("s", "p", endpoint="http://evil.localhost/ia/xml/xmlgw.phtml")
    IntacctClient("s", "p", endpoint="http://localhost:9/ia/xml/xmlgw.phtml").close()


def test_the_sandbox_session_endpoint_still_works(sandbox, connect):
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    assert session.endpoint == sandbox.url
    assert session.count("APTERM") > 0


# -- 3. DTDs, whatever the encoding ---------------------------------------------------------------


def _utf16_entity_bomb() -> bytes:
    """UTF-16LE without a byte-order mark. A comment holds characters whose bytes spell "<response" in
    ASCII, so the reply passes any check of its first bytes; `&a;` expands 2,000 times over."""
    spells_response = "\u723c\u7365\u6f70\u736e\u7865"  # bytes: <r es po ns ex
    entity = "A" * 2000
    session_id = "&a;" * 1000
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        f"<!--{spells_response}--><!DOCTYPE response [<!ENTITY a \"{entity}\">]>"
    )
    return text.encode("utf-16-le") + _session_reply(session_id, "").decode().encode("utf-16-le")


@pytest.mark.parametrize(
    "body",
    [
        _utf16_entity_bomb(),
        b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><response/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><response/>'.encode("utf-16"),  # with BOM
        b'<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE r [<!ENTITY a "x">]><response/>',
    ],
    ids=["utf16-no-bom-entities", "external-dtd", "utf16-bom", "latin1"],
)
def test_a_reply_declaring_a_dtd_is_refused_whatever_its_encoding(gateway, connect, body):
    assert b"<response" in body[:512] or body.startswith((b"\xff\xfe", b"\xef\xbb\xbf"))
    hostile = gateway(lambda _: (200, {}, body))
    client = connect(hostile.url, max_retries=0)

    with pytest.raises(errors.ResponseParseError) as info:
        client.login("ACME-DEMO", "routable_ws", PASSWORD)

    assert "DTD" in str(info.value) or "not an Intacct XML response" in str(info.value)
    assert len(str(info.value)) < 500  # nothing was expanded into the message


def test_the_utf16_bomb_is_refused_by_the_parser_itself():
    from intacct import _xml

    with pytest.raises(errors.ResponseParseError, match="DTD"):
        _xml.parse_xml(_utf16_entity_bomb())


# -- 10. the password wrapper ---------------------------------------------------------------------


def test_the_clients_password_wrapper_refuses_pickling(connect, sandbox):
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(_Hidden(PASSWORD))
    session = connect(sandbox.url).login("ACME-DEMO", "routable_ws", PASSWORD)
    with pytest.raises(TypeError):
        pickle.dumps(session._credentials)
    assert PASSWORD not in repr(session) and PASSWORD not in repr(session._credentials)
