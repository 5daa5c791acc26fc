"""IntacctClient and Session: the XML gateway over HTTP.

Every request goes through one chokepoint, ``IntacctClient.send``, which returns one type (a
``_xml.Reply``) and owns the retry rules: 5xx replies (but not 524, where the gateway may still be
working) and 429/GW-0010 are retried with exponential backoff and jitter, honouring Retry-After;
connection failures and unreadable replies are retried because every call this client makes is a read.
A sign-in the gateway rejects is never retried: repeating it can lock the user out. Which error a reply
raises is decided by the table in ``_classify``; every error names the request's and the function's
control IDs, and is logged with them.

A Session reaches its client only through ``Gateway`` (``send``, ``sign_in``, ``stats``), so the
transport can change without touching the reads.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import logging
import os
import random
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

import requests
import urllib3

from . import _classify, _xml, errors
from ._endpoint_trust import UntrustedEndpoint, trusted_session_endpoint
from ._filters import Filter, check_field_name
from ._rows import decode_records, row_reader, rows_of
from .dates import parse_iso

log = logging.getLogger("intacct")

DEFAULT_ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"
QUERY_MAX_PAGE = 2000
READ_BY_QUERY_MAX_PAGE = 1000
_OBJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_USER_AGENT = "routable-intacct-onboarding/1.0"

OrderBy = str | Sequence[tuple[str, str]] | None


class _Hidden:
    """Holds a secret so that it cannot leak through repr, str or a debugger's locals view."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<hidden>"

    __str__ = __repr__

    def __reduce__(self):  # a pickled secret would carry the plaintext (into a cache, a queue, a file)
        raise TypeError("a hidden secret cannot be pickled")


def _is_loopback(host: str) -> bool:
    # Only the name "localhost" itself: a resolver is free to send "anything.localhost" elsewhere.
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """Refuse endpoints that would send credentials in clear text off this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError("an Intacct endpoint must use https; plain http is allowed only on loopback")
    return url


def _check_object(name: str) -> str:
    if not isinstance(name, str) or not _OBJECT_NAME.match(name):
        raise ValueError(f"not a valid Intacct object name: {name!r}")
    return name


@dataclass
class Page:
    """One page of a ``query``: its records and the gateway's paging counters.

    A page fetched as JSON carries no counters (the gateway sends a bare array): ``total_count`` and
    ``num_remaining`` are then None, and a page shorter than the page size is the last one.
    """

    records: list[dict[str, str]]
    total_count: int | None
    num_remaining: int | None
    offset: int
    # With ``as_rows``: the records as ``(RECORDNO, *other fields)`` tuples instead (records is empty).
    rows: list[tuple] | None = None


@dataclass(frozen=True)
class PageRequest:
    """One ``query`` page to ask for inside a batch (see ``Session.query_batch``)."""

    object: str
    fields: Sequence[str]
    where: Filter | None = None
    order_by: OrderBy = None
    page_size: int = QUERY_MAX_PAGE
    offset: int = 0


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    relogins: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)


@dataclass(frozen=True)
class SignIn:
    """What getAPISession answered: the session, and the endpoint and entity it belongs to."""

    session_id: _Hidden = field(repr=False)
    endpoint: str
    entity_id: str | None
    lifetime_s: float | None = None  # how long the gateway says the session lasts unused, when it says


@dataclass(frozen=True)
class Delivery:
    """How one request travels: inside a transaction, in a caller's lane, accepting a JSON reply."""

    transaction: bool = False
    # Serialises one caller's own requests (see Session.query), on top of the client-wide cap.
    lane: threading.Semaphore | None = None
    json_rows: bool = False
    # With json_rows: read a JSON reply straight into tuples of these fields (see ``_rows``).
    row_fields: tuple[str, ...] | None = None
    # A caller's own cap on its requests in flight (``gate`` of Session.query_page and count).
    slots: threading.Semaphore | None = None
    # The attempts left for this request, when several sends share them (see Session._call).
    budget: Attempts | None = None


PLAIN = Delivery()
Functions = list[_xml.Function]


class Attempts:
    """How many more times one logical request may be sent: the one retry budget, shared by every
    send of that request (the client's retries and a send after signing in again)."""

    def __init__(self, total: int) -> None:
        self.left = total
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True

    @property
    def spent(self) -> bool:
        return self.left <= 0


class Gateway(Protocol):
    """What a Session needs from its client (package-internal; IntacctClient provides it)."""

    stats: ClientStats
    max_retries: int

    def send(
        self, endpoint: str, auth_xml: str, functions: Functions, how: Delivery = PLAIN
    ) -> _xml.Reply: ...

    def sign_in(self, credentials: _Credentials) -> SignIn: ...


class IntacctClient:
    """Holds our sender credentials and the HTTP connections; ``login`` opens a Session."""

    def __init__(
        self,
        sender_id: str,
        sender_password: str,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_in_flight: int | None = None,
    ) -> None:
        if not sender_id or not sender_password:
            raise ValueError("sender ID and sender password are both required")
        self.sender_id = sender_id
        self._sender_password = _Hidden(sender_password)
        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stats = ClientStats()
        self._local = threading.local()
        self._http_sessions: list[requests.Session] = []
        self._http_lock = threading.Lock()
        self.max_in_flight = max_in_flight

    @property
    def max_in_flight(self) -> int | None:
        """How many HTTP exchanges may be on the wire at once (None: no cap).

        The gateway refuses requests past the company's concurrency allowance. Capping here, around the
        network exchange only, lets callers run more threads than the allowance, parsing one reply while
        the next request is already out, without ever tripping GW-0010 themselves.
        """
        return self._max_in_flight

    @max_in_flight.setter
    def max_in_flight(self, value: int | None) -> None:
        if value is not None and value < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._max_in_flight = value
        self._in_flight = threading.BoundedSemaphore(value) if value else None

    @contextmanager
    def lend_slot(self, timeout: float = 60.0) -> Iterator[None]:
        """Keep one of this client's request slots free for someone else while the block runs.

        A caller outside this client (an interactive sign-in while a sync runs) talks to the same
        company; holding one slot here keeps the two together within the company's allowance. Waits for
        a request under way to finish, at most ``timeout`` seconds; with no cap there is nothing to lend.
        """
        gate = self._in_flight
        held = gate is not None and gate.acquire(timeout=timeout)
        try:
            yield
        finally:
            if held:
                gate.release()

    def __repr__(self) -> str:
        return f"IntacctClient(sender_id={self.sender_id!r}, endpoint={self.endpoint!r})"

    def __enter__(self) -> IntacctClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._http_lock:
            for http in self._http_sessions:
                http.close()
            self._http_sessions.clear()

    # ------------------------------------------------------------------------------ sign-in

    def login(
        self, company_id: str, user_id: str, user_password: str, entity_id: str | None = None
    ) -> Session:
        """Sign in with getAPISession; the Session then talks to the endpoint the gateway returned."""
        credentials = _Credentials(company_id, user_id, _Hidden(user_password), entity_id or None)
        return Session(self, credentials, self.sign_in(credentials))

    def sign_in(self, credentials: _Credentials) -> SignIn:
        """getAPISession with the user's credentials (package-internal: Session calls it to sign in again)."""
        auth = _xml.login_xml(
            credentials.user_id,
            credentials.company_id,
            credentials.password.reveal(),
            credentials.entity_id,
        )
        reply = self.send(self.endpoint, auth, [_xml.Function(str(uuid.uuid4()), "<getAPISession/>")])
        result = _only_result(reply)
        api = result.data.find("api") if result.data is not None else None
        session_id = _xml._child_text(api, "sessionid")
        offered = _xml._child_text(api, "endpoint") or self.endpoint
        if not session_id:
            raise errors.ResponseParseError("getAPISession answered without a session ID.")
        try:
            endpoint = trusted_session_endpoint(self.endpoint, offered)
        except UntrustedEndpoint as refused:
            raise errors.ResponseParseError(
                f"The sign-in reply sent this session to another server ({refused}). Credentials go only "
                "to Intacct's own servers (https, under intacct.com) or to the configured endpoint, so "
                "nothing was sent there. Check the Intacct endpoint setting.",
                code="UNTRUSTED-ENDPOINT",
            ) from None
        began = parse_iso(reply.auth.get("sessiontimestamp", ""))
        ends = parse_iso(reply.auth.get("sessiontimeout", ""))
        return SignIn(
            _Hidden(session_id),
            endpoint,
            _xml._child_text(api, "locationid") or credentials.entity_id,
            (ends - began).total_seconds() if began and ends else None,
        )

    # ------------------------------------------------------------------------------ transport

    def _http(self) -> requests.Session:
        http = getattr(self._local, "http", None)
        if http is None:
            http = requests.Session()
            http.headers.update({"Content-Type": "application/xml", "User-Agent": _USER_AGENT})
            # The environment is read once (see _proxies_for), not by requests on every request.
            http.trust_env = False
            http.verify = _ca_bundle() or True
            self._local.http = http
            with self._http_lock:
                self._http_sessions.append(http)
        return http

    def _delay(self, attempt: int, retry_after: float | None = None) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2**attempt)) * random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_max))
        return delay

    def send(self, endpoint: str, auth_xml: str, functions: Functions, how: Delivery = PLAIN) -> _xml.Reply:
        """The chokepoint: send one request, retrying what may be retried, and return its reply.

        Errors of the whole request are raised; a function's own failure is left on its Result.
        Either way the error names the request's control ID and the function's. `how.budget` lets a
        caller share one retry budget across several sends of the same request (default: max_retries + 1).
        """
        budget = how.budget if how.budget is not None else Attempts(self.max_retries + 1)
        control_id = str(uuid.uuid4())
        payload = _xml.build_request(
            sender_id=self.sender_id,
            sender_password=self._sender_password.reveal(),
            controlid=control_id,
            auth_xml=auth_xml,
            functions=functions,
            transaction=how.transaction,
        )
        names = ",".join(f.body[1 : f.body.find(">")].split()[0].rstrip("/") for f in functions)
        only_function = functions[0].controlid if len(functions) == 1 else ""
        attempt = 0
        if not budget.take():
            raise ValueError("no attempt left in this request's budget")
        while True:
            try:
                reply = self._attempt(endpoint, payload, names, how)
            except errors.IntacctError as exc:
                exc.traced(control_id, only_function)
                if not _classify.retryable(exc) or not budget.take():
                    _log_failure(names, exc)
                    raise
                delay = self._delay(attempt, getattr(exc, "retry_after", None))
                log.info("retrying %s after %s (%.2fs)", names, type(exc).__name__, delay)
                self.stats.add("retries")
                time.sleep(delay)
                attempt += 1
                continue
            for result in reply.results:
                if result.error is not None:
                    _log_failure(result.function or names, result.error.traced(control_id, result.controlid))
            return reply

    def _attempt(
        self,
        endpoint: str,
        payload: bytes,
        names: str,
        how: Delivery,
    ) -> _xml.Reply:
        # The caller's lane and the client-wide gate are held only while bytes are on the wire, never
        # while parsing.
        gates = [gate for gate in (how.lane, how.slots, self._in_flight) if gate is not None]
        for gate in gates:
            gate.acquire()
        started = time.monotonic()
        self.stats.add("requests")
        host = urlsplit(endpoint).hostname
        try:
            # Never follow a redirect: requests would send the whole body, both passwords included, to
            # whatever the Location names, over plain http if it says so. The body is read in one go
            # from the raw stream: requests' own .content reads a megabyte-sized page in 10 kB steps,
            # twice the CPU. The connection stays in the pool.
            response = self._http().post(
                endpoint,
                data=payload,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
                proxies=_proxies_for(endpoint),
            )
            try:
                body = response.raw.read(decode_content=True)
            finally:
                response.close()
        except (requests.Timeout, urllib3.exceptions.TimeoutError):
            raise errors.TransportError(f"No answer from {host} within {self.timeout:g} s.") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise errors.TransportError(f"Could not reach {host} ({type(exc).__name__}).") from None
        finally:
            for gate in reversed(gates):
                gate.release()
        status = response.status_code
        log.debug("POST %s [%s] -> %s in %.0f ms", host, names, status, (time.monotonic() - started) * 1000)
        if 300 <= status < 400:
            raise _classify.redirect(status, response.headers.get("Location", ""))
        if how.json_rows and status == 200 and _is_json(response.headers.get("Content-Type", "")):
            if how.row_fields is not None:
                return _xml.Reply(rows=row_reader(how.row_fields).read(body))
            return _xml.Reply(rows=decode_records(body))
        is_xml = body.lstrip()[:1] == b"<" and b"<response" in body[:512]
        retry_after = _retry_after(response.headers.get("Retry-After"))
        failure = _classify.from_http(status, is_xml=is_xml, retry_after=retry_after)
        if failure is not None:
            raise failure
        try:
            return _xml.parse_reply(body, http_status=status)
        except errors.IntacctError as exc:
            raise _classify.with_http_status(exc, status, retry_after) from None


@functools.lru_cache(maxsize=16)
def _proxies_for(url: str) -> dict[str, str]:
    """The proxies the environment names for this endpoint (HTTPS_PROXY, NO_PROXY and the like).

    Read once per endpoint: left to itself, requests walks the whole environment twice on every request
    (a third of a small request's CPU) and also looks for a ~/.netrc entry, which this client never
    wants: the gateway's credentials travel inside the XML body.
    """
    return requests.utils.get_environ_proxies(url)


def _ca_bundle() -> str | None:
    """A CA bundle the environment names, as requests itself would honour it."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def _log_failure(names: str, error: errors.IntacctError) -> None:
    # str(error) comes from the server's reply only, never from the request, so it holds no secret.
    log.info("%s failed: %s %s [%s]", names, type(error).__name__, error.code or "-", error.support_reference)


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _only_result(reply: _xml.Reply) -> _xml.Result:
    """The result of a one-function request, raising its error if it failed."""
    if not reply.results:
        raise errors.ResponseParseError("The reply has no <result> for the function sent.")
    result = reply.results[0]
    if result.error is not None:
        raise result.error
    return result


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class _SignedIn:
    """A session's sign-in, shared with its views: replaced in one place when it expires."""

    def __init__(self, signed_in: SignIn) -> None:
        self.session_id = signed_in.session_id
        self.endpoint = signed_in.endpoint
        self.expires_at: datetime | None = None
        self.lifetime_s = signed_in.lifetime_s
        self.lock = threading.Lock()

    @property
    def ends_at_once(self) -> bool:
        # Under a second: nothing sent with it can be expected to arrive in time.
        return self.lifetime_s is not None and self.lifetime_s < 1.0


@dataclass(frozen=True)
class _Credentials:
    company_id: str
    user_id: str
    password: _Hidden = field(repr=False)
    entity_id: str | None


class Session:
    """An API session for one company (and optionally one entity). Safe to share between threads."""

    def __init__(self, client: IntacctClient, credentials: _Credentials, signed_in: SignIn) -> None:
        self._client = client
        self._gateway: Gateway = client
        self._credentials = credentials
        self._state = _SignedIn(signed_in)
        self.company_id = credentials.company_id
        self.user_id = credentials.user_id
        self.entity_id = signed_in.entity_id or None

    @property
    def endpoint(self) -> str:
        return self._state.endpoint

    @property
    def expires_at(self) -> datetime | None:
        return self._state.expires_at

    def __repr__(self) -> str:
        return (
            f"Session(company_id={self.company_id!r}, entity_id={self.entity_id!r}, "
            f"user_id={self.user_id!r}, endpoint={self.endpoint!r})"
        )

    @property
    def client(self) -> IntacctClient:
        return self._client

    # ------------------------------------------------------------------------------ plumbing

    def _call(self, functions: list[_xml.Function], how: Delivery = PLAIN) -> _xml.Reply:
        """Send within one attempt budget (max_retries + 1 sends in all), signing in again on expiry.

        An expired session is replaced and the request sent again, from the same budget. When the
        gateway gives sessions no lifetime (they end at once), one sign-in per call is all that is tried:
        signing in again would not help.
        """
        state = self._state
        budget = Attempts(self._gateway.max_retries + 1)
        how = replace(how, budget=budget)
        signed_in_again = False
        while True:
            token = state.session_id
            auth = _xml.session_xml(token.reveal())
            try:
                reply = self._gateway.send(state.endpoint, auth, functions, how)
            except errors.SessionExpiredError:
                if budget.spent or (signed_in_again and state.ends_at_once):
                    raise
                self._relogin(token)
                signed_in_again = True
                continue
            if reply.rows is None:  # JSON rows carry no authentication block
                expires = parse_iso(reply.auth.get("sessiontimeout", ""))
                if expires is not None:
                    state.expires_at = expires
            return reply

    def _relogin(self, stale: _Hidden) -> None:
        state = self._state
        with state.lock:
            if state.session_id is not stale:
                return  # another thread already signed in again
            log.info("session for %s expired; signing in again", self.company_id)
            fresh = self._gateway.sign_in(self._credentials)
            self._gateway.stats.add("relogins")
            state.endpoint = fresh.endpoint
            state.lifetime_s = fresh.lifetime_s
            state.session_id = fresh.session_id

    def _one(self, body: str, how: Delivery = PLAIN) -> _xml.Result:
        return _only_result(self._call([_xml.Function(str(uuid.uuid4()), body)], how))

    # ------------------------------------------------------------------------------ reads

    def query_page(
        self,
        object: str,
        fields: Sequence[str],
        *,
        where: Filter | None = None,
        order_by: OrderBy = None,
        page_size: int = QUERY_MAX_PAGE,
        offset: int = 0,
        format: Literal["xml", "json"] = "xml",
        gate: threading.Semaphore | None = None,
        as_rows: bool = False,
    ) -> Page:
        """One page of the ``query`` function.

        ``format="json"`` asks the gateway for a bare JSON array: a fraction of the work to produce and
        to read, at the cost of the paging counters. Keyset paging (``RECORDNO > last``) needs none.
        Errors still come back as XML envelopes and raise as usual. ``gate``, when given, is held while
        the request is on the wire (not while the reply is read): a caller's own cap on its requests in
        flight, which leaves the shared client's as it is. ``as_rows`` (``fields`` must start with
        RECORDNO) gives the records as tuples in ``Page.rows``, RECORDNO an integer: what a sync writes,
        read without building a dict per record.
        """
        row_fields = tuple(fields) if as_rows else None
        if format == "json":
            body = _query_body(object, fields, where, order_by, page_size, offset, returnformat="json")
            how = Delivery(json_rows=True, row_fields=row_fields, slots=gate)
            reply = self._call([_xml.Function(str(uuid.uuid4()), body)], how)
            if reply.rows is not None:
                if as_rows:
                    return Page([], total_count=None, num_remaining=None, offset=offset, rows=reply.rows)
                return Page(reply.rows, total_count=None, num_remaining=None, offset=offset)
            page = _page(_only_result(reply), offset)  # a gateway that ignored returnformat
        elif format == "xml":
            page = self._query_page(object, fields, where, order_by, page_size, offset, Delivery(slots=gate))
        else:
            raise ValueError("format must be 'xml' or 'json'")
        if as_rows:
            page.rows, page.records = rows_of(page.records, fields), []
        return page

    def _query_page(
        self,
        object: str,
        fields: Sequence[str],
        where: Filter | None,
        order_by: OrderBy,
        page_size: int,
        offset: int,
        how: Delivery = PLAIN,
    ) -> Page:
        result = self._one(_query_body(object, fields, where, order_by, page_size, offset), how)
        return _page(result, offset)

    def query(
        self,
        object: str,
        fields: Sequence[str],
        *,
        where: Filter | None = None,
        order_by: OrderBy = None,
        page_size: int = QUERY_MAX_PAGE,
    ) -> Iterator[dict[str, str]]:
        """Every record matching ``where``, fetched page by page with ``offset``.

        After the first page the offsets of the rest are known, so two threads take turns: one parses a
        page while the other's request for the next page is on the wire. A lane admits one request at a
        time, so the gateway never sees more than one request of this query at once.
        """
        args = (object, fields, where, order_by, page_size)
        page = self._query_page(*args, 0)
        yield from page.records
        if page.num_remaining <= 0 or not page.records:
            return
        offsets = range(len(page.records), page.total_count, page_size)
        in_lane = Delivery(lane=threading.Semaphore(1))
        last: Page | None = None
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="intacct-query") as pool:
            pending: deque[Future[Page]] = deque()
            upcoming = iter(offsets)
            try:
                for offset in itertools.islice(upcoming, 2):
                    pending.append(pool.submit(self._query_page, *args, offset, in_lane))
                while pending:
                    last = pending.popleft().result()
                    for offset in itertools.islice(upcoming, 1):
                        pending.append(pool.submit(self._query_page, *args, offset, in_lane))
                    yield from last.records
            finally:
                for future in pending:  # the caller stopped early or a page failed
                    future.cancel()
        # Records added while we paged can leave some behind the last planned offset.
        offset = offsets[-1] + page_size if offsets else len(page.records)
        while last is not None and last.num_remaining > 0 and last.records:
            last = self._query_page(*args, offset)
            yield from last.records
            offset += page_size

    def query_batch(
        self, pages: Sequence[PageRequest], *, gate: threading.Semaphore | None = None
    ) -> list[Page | errors.IntacctError]:
        """Several ``query`` pages in ONE request; each answer is its page, or the error of its function.

        Worth it where round trips, not data, are the cost (small objects, counts, access probes): the
        gateway runs a request's functions one after another, so large pages gain nothing from sharing
        a request. Errors of the whole request (network, session, sender) raise as usual. ``gate`` is
        as for ``query_page``.
        """
        functions = [
            _xml.Function(
                f"page-{i}",
                _query_body(p.object, p.fields, p.where, p.order_by, p.page_size, p.offset),
            )
            for i, p in enumerate(pages)
        ]
        if not functions:
            return []
        reply = self._call(functions, Delivery(slots=gate))
        by_id = {result.controlid: result for result in reply.results}
        answers: list[Page | errors.IntacctError] = []
        for function, page in zip(functions, pages, strict=True):
            result = by_id.get(function.controlid)
            if result is None:
                answers.append(errors.ResponseParseError(f"No result came back for {page.object}."))
            elif result.error is not None:
                answers.append(result.error)
            else:
                answers.append(_page(result, page.offset))
        return answers

    def read_by_query(
        self,
        object: str,
        fields: str | Sequence[str] = "*",
        query: str | Filter = "",
        page_size: int = READ_BY_QUERY_MAX_PAGE,
    ) -> Iterator[dict[str, str]]:
        """Every record of a readByQuery, following readMore by resultId to the end."""
        _check_page_size(page_size, READ_BY_QUERY_MAX_PAGE)
        if isinstance(query, Filter):
            query = query.to_query_text()
        field_list = fields if isinstance(fields, str) else ",".join(check_field_name(f) for f in fields)
        body = (
            "<readByQuery>"
            + _xml.element("object", _check_object(object))
            + _xml.element("fields", field_list)
            + _xml.element("query", query)
            + f"<pagesize>{page_size}</pagesize><returnFormat>xml</returnFormat></readByQuery>"
        )
        result = self._one(body)
        while True:
            if result.data is not None:
                for node in result.data:
                    yield _xml.record_to_dict(node)
            attrs = result.data_attrs
            result_id = attrs.get("resultId", "")
            if int(attrs.get("numremaining", "0") or 0) <= 0 or not result_id:
                return
            result = self._one(f"<readMore>{_xml.element('resultId', result_id)}</readMore>")

    def count(
        self, object: str, where: Filter | None = None, *, gate: threading.Semaphore | None = None
    ) -> int:
        """How many records match, from the gateway's totalcount (one one-record page)."""
        return self.query_page(object, ["RECORDNO"], where=where, page_size=1, gate=gate).total_count

    def list_entities(self) -> list[dict[str, str]]:
        """The company's entities; empty for a single-entity company."""
        try:
            return list(
                self.query(
                    "LOCATIONENTITY", ["RECORDNO", "LOCATIONID", "NAME", "STATUS"], order_by="LOCATIONID"
                )
            )
        except errors.ObjectNotFoundError:
            return []

    def check_access(self, objects: Iterable[str]) -> dict[str, errors.IntacctError | None]:
        """Probe read access to every object in ONE request: a one-record query per object."""
        objects = list(dict.fromkeys(objects))
        functions = [
            _xml.Function(f"access-{i}", _query_body(obj, ["RECORDNO"], None, None, 1, 0))
            for i, obj in enumerate(objects)
        ]
        reply = self._call(functions)
        by_id = {result.controlid: result for result in reply.results}
        outcome: dict[str, errors.IntacctError | None] = {}
        for function, obj in zip(functions, objects, strict=True):
            result = by_id.get(function.controlid)
            if result is None:
                outcome[obj] = errors.ResponseParseError(f"No result came back for {obj}.")
            else:
                outcome[obj] = result.error
        return outcome

    def lookup(self, object: str) -> list[dict[str, str]]:
        """Field definitions of an object (ID, LABEL, DATATYPE, ...), custom fields included."""
        result = self._one(f"<lookup>{_xml.element('object', _check_object(object))}</lookup>")
        if result.data is None:
            return []
        return [_xml.record_to_dict(node) for node in result.data.iter("Field")]


def _check_page_size(page_size: int, limit: int) -> None:
    if not isinstance(page_size, int) or not 1 <= page_size <= limit:
        raise ValueError(f"page_size must be between 1 and {limit}")


def _order_xml(order_by: OrderBy) -> str:
    if not order_by:
        return ""
    pairs = [(order_by, "asc")] if isinstance(order_by, str) else list(order_by)
    orders = []
    for name, direction in pairs:
        if direction not in ("asc", "desc"):
            raise ValueError(f"order direction must be 'asc' or 'desc', not {direction!r}")
        tag = "<ascending/>" if direction == "asc" else "<descending/>"
        orders.append(f"<order><field>{check_field_name(name)}</field>{tag}</order>")
    return f"<orderby>{''.join(orders)}</orderby>"


def _query_body(
    object: str,
    fields: Sequence[str],
    where: Filter | None,
    order_by: OrderBy,
    page_size: int,
    offset: int,
    returnformat: str = "",
) -> str:
    _check_page_size(page_size, QUERY_MAX_PAGE)
    if isinstance(fields, str):
        raise TypeError("fields must be a list of field names (the query function has no '*')")
    if not fields:
        raise ValueError("query needs at least one field")
    if offset < 0:
        raise ValueError("offset must be 0 or more")
    select = "".join(f"<field>{check_field_name(f)}</field>" for f in fields)
    filter_xml = f"<filter>{where.to_xml()}</filter>" if where is not None else ""
    options = f"<options><returnformat>{returnformat}</returnformat></options>" if returnformat else ""
    return (
        f"<query><object>{_check_object(object)}</object><select>{select}</select>{filter_xml}"
        f"{_order_xml(order_by)}{options}<pagesize>{page_size}</pagesize><offset>{offset}</offset></query>"
    )


def _page(result: _xml.Result, offset: int) -> Page:
    records = [_xml.record_to_dict(node) for node in result.data] if result.data is not None else []
    attrs = result.data_attrs
    total = int(attrs.get("totalcount") or len(records))
    remaining = int(attrs.get("numremaining") or 0)
    return Page(records=records, total_count=total, num_remaining=remaining, offset=offset)
