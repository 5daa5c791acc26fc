"""From request bytes to reply bytes: the gateway's three status levels.

1. control   - well-formed, schema-valid XML and a known sender (else control failure, nothing runs);
2. authentication - per <operation>: a sign-in or a live session (else authentication failure);
3. result    - per <function>: success, failure, or aborted when a transaction rolls back.

The steps are separate methods because the HTTP layer acts between them: it needs the company before it
admits a request (concurrency limit), and must know whether a request was refused for sign-in reasons
before it may inject a fault.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import messages
from .clock import iso_with_offset
from .companies import Company, Directory, User
from .functions import HANDLERS, CallContext, Outcome
from .messages import ErrorItem, FunctionFailed
from .sessions import ResultSets, Session, SessionStore
from .validate import validate_request
from .xmlparse import Node, XmlProblem, parse
from .xmlwrite import XML_DECLARATION, element, errormessage

log = logging.getLogger("intacct.sandbox")

XML_CONTENT_TYPE = "text/xml; charset=UTF-8"


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = XML_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    # Refused for sender, sign-in or session reasons: faults must leave such replies alone.
    auth_rejected: bool = False


@dataclass
class ControlEcho:
    senderid: str = ""
    controlid: str = ""
    uniqueid: str = ""
    dtdversion: str = ""

    def xml(self, status: str) -> str:
        return (
            f"<control>{element('status', status)}{element('senderid', self.senderid)}"
            f"{element('controlid', self.controlid)}{element('uniqueid', self.uniqueid)}"
            f"{element('dtdversion', self.dtdversion)}</control>"
        )


@dataclass
class ParsedRequest:
    root: Node
    control: ControlEcho
    sender_password: str = field(repr=False)
    policyid: str
    operations: list[Node]


@dataclass
class Authorized:
    operation: Node
    company: Company
    user: User
    entity: str
    session: Session | None


@dataclass
class Refused:
    operation: Node
    userid: str
    companyid: str
    errors: list[ErrorItem]
    bad_sign_in: bool = False


@dataclass
class Admitted:
    request: ParsedRequest
    operations: list[Authorized | Refused]

    @property
    def all_refused(self) -> bool:
        return all(isinstance(op, Refused) for op in self.operations)


@dataclass
class ResultEntry:
    """One function's <result>."""

    status: str
    function: str
    controlid: str
    body: str | bytes = ""
    errors: list[ErrorItem] = field(default_factory=list)
    raw: Outcome | None = None

    def abort(self) -> None:
        self.status, self.body, self.raw = "aborted", "", None
        self.errors = [messages.rolled_back()]

    def xml(self) -> list[bytes]:
        """The <result> element in pieces: a page's records are already bytes, copied only once."""
        head = (
            f"<result>{element('status', self.status)}{element('function', self.function)}"
            f"{element('controlid', self.controlid)}"
        )
        tail = f"{errormessage(self.errors) if self.errors else ''}</result>"
        body = self.body if isinstance(self.body, bytes) else self.body.encode()
        return [head.encode(), body, tail.encode()]


_ENVELOPE_HEAD = f"{XML_DECLARATION}<response>".encode()


def envelope(inner: str | list[bytes]) -> bytes:
    if isinstance(inner, str):
        return f"{XML_DECLARATION}<response>{inner}</response>".encode()
    return b"".join((_ENVELOPE_HEAD, *inner, b"</response>"))


def gateway_error(
    status: int, error: ErrorItem, headers: tuple[tuple[str, str], ...] = (), auth_rejected: bool = False
) -> Reply:
    """The bare gateway shape used with HTTP 401/429: control status only, then the error."""
    body = envelope(f"<control><status>failure</status></control>{errormessage([error])}")
    return Reply(status, body, headers=headers, auth_rejected=auth_rejected)


_ECHO = {
    name: re.compile(rf"<{name}>([^<]{{0,256}})</{name}>".encode())
    for name in ("senderid", "controlid", "uniqueid", "dtdversion")
}


def _scrape_echo(body: bytes) -> ControlEcho:
    """Best-effort control echo from a body that did not parse (the gateway still echoes what it can)."""
    found = {}
    for name, pattern in _ECHO.items():
        match = pattern.search(body)
        found[name] = match.group(1).decode("utf-8", "replace") if match else ""
    return ControlEcho(**found)


def _request_bytes(body: bytes, content_type: str) -> bytes:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        # Legacy clients post `xmlrequest=<url-encoded XML>`; latin-1 keeps the original bytes intact.
        form = urllib.parse.parse_qs(body.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
        return form.get("xmlrequest", [""])[0].encode("latin-1")
    # application/xml, text/xml, x-intacct-xml-request; anything else is read as XML too, as a gateway
    # that takes the raw body would.
    return body


def _calls(operation: Node) -> list[Node]:
    """The <function> elements of an operation, in order (the gateway runs them one after another)."""
    return [f for content in operation.findall("content") for f in content.findall("function")]


class Gateway:
    def __init__(self, directory: Directory, sessions: SessionStore, results: ResultSets) -> None:
        self.directory = directory
        self.sessions = sessions
        self.results = results
        self.login401 = False

    # -- step 1: control ------------------------------------------------------------------------------

    def read(self, body: bytes, content_type: str) -> ParsedRequest | Reply:
        """Parse and validate; a Reply means the request failed at control level before auth."""
        xml = _request_bytes(body, content_type)
        try:
            root = parse(xml)
        except XmlProblem as problem:
            return self._control_failure(
                _scrape_echo(xml), [messages.parse_problem(p) for p in problem.problems]
            )
        control = root.find("control") if root.tag == "request" else None
        echo = ControlEcho(
            senderid=control.text_of("senderid") if control is not None else "",
            controlid=control.text_of("controlid") if control is not None else "",
            # uniqueid=true only guards writes against replays; the sandbox serves reads, so it is echoed.
            uniqueid=control.text_of("uniqueid", "false") if control is not None else "",
            dtdversion=control.text_of("dtdversion", "3.0") if control is not None else "",
        )
        problems = validate_request(root)
        if problems:
            return self._control_failure(echo, [messages.parse_problem(p) for p in problems])
        password = control.find("password")
        return ParsedRequest(
            root=root,
            control=echo,
            sender_password=password.text if password is not None else "",
            policyid=control.text_of("policyid"),
            operations=root.findall("operation"),
        )

    @staticmethod
    def _control_failure(echo: ControlEcho, errors: list[ErrorItem], auth_rejected: bool = False) -> Reply:
        return Reply(200, envelope(echo.xml("failure") + errormessage(errors)), auth_rejected=auth_rejected)

    def company_key(self, request: ParsedRequest) -> str | None:
        """Which company's concurrency budget this request uses (first operation decides)."""
        authentication = request.operations[0].find("authentication")
        login = authentication.find("login")
        if login is not None:
            return login.text_of("companyid").partition("|")[0].strip().upper() or None
        session = self.sessions.peek(authentication.text_of("sessionid"))
        return session.company_id.upper() if session is not None else None

    # -- step 2: authentication -----------------------------------------------------------------------

    def admit(self, request: ParsedRequest) -> Admitted | Reply:
        if not self.directory.sender_ok(request.control.senderid, request.sender_password):
            return self._control_failure(request.control, [messages.bad_sender()], auth_rejected=True)
        if request.policyid:
            # Asynchronous processing through a transport policy is not simulated; no policy exists.
            return self._control_failure(request.control, [messages.bad_policy(request.policyid)])
        admitted = Admitted(
            request, [self._authenticate(op, request.control.senderid) for op in request.operations]
        )
        if self.login401 and any(isinstance(op, Refused) and op.bad_sign_in for op in admitted.operations):
            return gateway_error(401, messages.sign_in_refused_401(), auth_rejected=True)
        return admitted

    def _authenticate(self, operation: Node, sender_id: str) -> Authorized | Refused:
        authentication = operation.find("authentication")
        login = authentication.find("login")
        if login is None:
            session = self.sessions.use(authentication.text_of("sessionid"))
            company = self.directory.company(session.company_id) if session else None
            user = company.user(session.user_id) if company and session else None
            if session is None or company is None or user is None:
                return Refused(operation, "", "", [messages.invalid_session()])
            if sender_id not in company.authorized_senders:
                return Refused(
                    operation,
                    user.user_id,
                    company.company_id,
                    [messages.sender_not_authorized(sender_id, company.company_id)],
                )
            return Authorized(operation, company, user, session.entity, session)

        user_id = login.text_of("userid")
        given_company = login.text_of("companyid")
        password_node = login.find("password")
        password = password_node.text if password_node is not None else ""
        company_part, _, entity_part = given_company.partition("|")
        entity = login.text_of("locationid") or entity_part.strip()
        company = self.directory.company(company_part)
        user = company.user(user_id) if company is not None else None
        # An unknown company answers exactly like a wrong password: existence is not revealed.
        if user is None or not user.password_matches(password) or "|" in entity_part:
            return Refused(operation, user_id, given_company, [messages.bad_sign_in()], bad_sign_in=True)
        if sender_id not in company.authorized_senders:
            return Refused(
                operation,
                user_id,
                given_company,
                [messages.sender_not_authorized(sender_id, company.company_id)],
            )
        if not user.may_sign_in_at(entity, company):
            error = (
                messages.invalid_entity(entity, user.user_id, company.company_id)
                if entity
                else messages.top_level_refused(user.user_id, company.company_id)
            )
            return Refused(operation, user_id, given_company, [error])
        return Authorized(operation, company, user, entity, None)

    def refusal(self, admitted: Admitted) -> Reply:
        """The reply when no operation got past authentication."""
        return Reply(200, self._render(admitted, {}), auth_rejected=True)

    # -- step 3: results ------------------------------------------------------------------------------

    def run(self, admitted: Admitted, endpoint: str, executed: list[str]) -> Reply:
        """Run every admitted operation; `executed` collects the names of the functions attempted."""
        outcomes: dict[int, list[ResultEntry]] = {}
        # Only a request of one function may be answered with bare JSON or CSV: with several, each
        # function needs its own <result>, so a query asking for json is answered as XML data inside it.
        lone = len(admitted.operations) == 1 and len(_calls(admitted.operations[0].operation)) == 1
        for index, operation in enumerate(admitted.operations):
            if isinstance(operation, Authorized):
                outcomes[index] = self._run_operation(operation, endpoint, executed, lone)
        # A lone query asking for json or csv is answered with the bare data, no envelope.
        if len(admitted.operations) == 1 and len(outcomes.get(0, ())) == 1:
            raw = outcomes[0][0].raw
            if raw is not None and raw.raw_body is not None:
                return Reply(200, raw.raw_body, content_type=raw.raw_type)
        return Reply(200, self._render(admitted, outcomes))

    def _run_operation(
        self, operation: Authorized, endpoint: str, executed: list[str], lone: bool
    ) -> list[ResultEntry]:
        context = CallContext(
            operation.company,
            operation.user,
            operation.entity,
            operation.session,
            endpoint,
            self.sessions,
            self.results,
            bare_allowed=lone,
        )
        entries: list[ResultEntry] = []
        failed_at: int | None = None
        transaction = operation.operation.attrs.get("transaction") == "true"
        calls = _calls(operation.operation)
        for position, function in enumerate(calls):
            body = function.children[0]
            entry = ResultEntry("success", body.tag, function.attrs.get("controlid", ""))
            entries.append(entry)
            if transaction and failed_at is not None:
                entry.abort()
                continue
            executed.append(body.tag)
            try:
                handler = HANDLERS.get(body.tag)
                if handler is None:
                    raise FunctionFailed(messages.not_simulated(body.tag))
                entry.raw = handler(context, body)
                entry.body = entry.raw.body
            except FunctionFailed as failed:
                entry.status, entry.errors = "failure", failed.errors
            except Exception:  # a sandbox bug must still produce a gateway-shaped reply
                log.exception("function %s failed inside the sandbox", body.tag)
                entry.status = "failure"
                entry.errors = [ErrorItem("DL02000001", "There was an error processing the request.")]
            if entry.status == "failure" and failed_at is None:
                failed_at = position
        if transaction and failed_at is not None:
            # All or nothing: the work done before the failure is rolled back too.
            for position, entry in enumerate(entries[: failed_at + 1]):
                if position < failed_at:
                    entry.abort()
                else:
                    entry.errors = [*entry.errors, messages.rolled_back()]
        return entries

    def _render(self, admitted: Admitted, outcomes: dict[int, list[ResultEntry]]) -> bytes:
        parts: list[bytes] = [admitted.request.control.xml("success").encode()]
        now = datetime.now(UTC)
        for index, operation in enumerate(admitted.operations):
            parts.append(b"<operation>")
            if isinstance(operation, Refused):
                parts.append(
                    f"<authentication>{element('status', 'failure')}{element('userid', operation.userid)}"
                    f"{element('companyid', operation.companyid)}</authentication>"
                    f"{errormessage(operation.errors)}".encode()
                )
            else:
                timeout = now + timedelta(seconds=self.sessions.timeout_s)
                parts.append(
                    f"<authentication>{element('status', 'success')}"
                    f"{element('userid', operation.user.user_id)}"
                    f"{element('companyid', operation.company.company_id)}"
                    f"{element('locationid', operation.entity)}"
                    f"{element('sessiontimestamp', iso_with_offset(now))}"
                    f"{element('sessiontimeout', iso_with_offset(timeout))}</authentication>".encode()
                )
                for entry in outcomes.get(index, ()):
                    parts.extend(entry.xml())
            parts.append(b"</operation>")
        return envelope(parts)
