"""The XML envelope: building requests and reading replies.

Requests are written by hand rather than through a generic serializer because the gateway validates
element order against its XSD. Replies are read with ElementTree (the C parser): a 2,000-record page is
several megabytes and a pure-Python parser would make parsing, not the network, the bottleneck. The
gateway never sends a DTD, so any reply declaring one is refused before parsing: no entity is ever
expanded (see ``refuse_dtd``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape

from . import _classify, errors

# XML 1.0 forbids these characters even when escaped; sending one gets the whole request refused.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: object) -> str:
    """Escape a user-supplied value for element content."""
    value = "" if value is None else str(value)
    if _INVALID_XML_CHARS.search(value):
        raise ValueError("value contains a control character that XML cannot carry")
    return escape(value)


def element(tag: str, value: object) -> str:
    return f"<{tag}>{text(value)}</{tag}>"


@dataclass(frozen=True)
class Function:
    """One <function> of an operation: its controlid and its inner XML."""

    controlid: str
    body: str


def build_request(
    *,
    sender_id: str,
    sender_password: str,
    controlid: str,
    auth_xml: str,
    functions: list[Function],
    transaction: bool = False,
) -> bytes:
    # Element order follows the XSD sequence for <control> and <operation>.
    control = (
        "<control>"
        + element("senderid", sender_id)
        + element("password", sender_password)
        + element("controlid", controlid)
        + "<uniqueid>false</uniqueid><dtdversion>3.0</dtdversion><includewhitespace>false</includewhitespace>"
        + "</control>"
    )
    content = "".join(f'<function controlid="{text(f.controlid)}">{f.body}</function>' for f in functions)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><request>'
        + control
        + f'<operation transaction="{"true" if transaction else "false"}">'
        + f"<authentication>{auth_xml}</authentication><content>{content}</content></operation></request>"
    )
    return body.encode("utf-8")


def login_xml(user_id: str, company_id: str, password: str, entity_id: str | None) -> str:
    return (
        "<login>"
        + element("userid", user_id)
        + element("companyid", company_id)
        + element("password", password)
        + element("locationid", entity_id or "")
        + "</login>"
    )


def session_xml(session_id: str) -> str:
    return element("sessionid", session_id)


# ----------------------------------------------------------------------------------------- replies


@dataclass
class Result:
    status: str
    function: str
    controlid: str
    data: ET.Element | None
    error: errors.IntacctError | None = None

    @property
    def data_attrs(self) -> dict[str, str]:
        return dict(self.data.attrib) if self.data is not None else {}


@dataclass
class Reply:
    """What one request brought back: the XML envelope's parts, or the records of a JSON reply."""

    auth: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    # A JSON reply (query with returnformat json) is a bare array of records: no envelope, no results.
    # Records are dicts, or tuples when the request asked for rows (``Delivery.row_fields``).
    rows: list[dict[str, str]] | list[tuple] | None = None


def _child_text(node: ET.Element | None, tag: str) -> str:
    if node is None:
        return ""
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def read_errors(errormessage: ET.Element | None) -> list[dict[str, str]]:
    if errormessage is None:
        return []
    return [
        {k: _child_text(e, k) for k in ("errorno", "description", "description2", "correction")}
        for e in errormessage.findall("error")
    ]


_PARSE_SLICE = 64 * 1024


class _PrologEnd(Exception):
    """The root element began: the prolog, the only place a DTD can be, is behind us."""


def _refused(*_args: object) -> None:
    raise errors.ResponseParseError("The reply declared a DTD or an entity, which the gateway never does.")


def _root_started(*_args: object) -> None:
    raise _PrologEnd


def refuse_dtd(body: bytes) -> None:
    """Raise ResponseParseError if the reply's prolog holds a DTD (and so, possibly, entities).

    An expat parser reads the prolog with handlers that refuse a doctype or entity declaration, and
    stops at the root element's start. Expat decodes the bytes first (a UTF-16 reply, an encoding
    declaration), so no spelling of ``<!DOCTYPE`` slips past, as it would past a search of the raw
    bytes. A DTD can only stand before the root element, so this reads a few hundred bytes, not the
    page; the fast tree-building parse then runs on a document known to declare nothing.
    """
    prolog = expat.ParserCreate()
    prolog.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    prolog.StartDoctypeDeclHandler = _refused
    prolog.EntityDeclHandler = _refused
    prolog.StartElementHandler = _root_started
    try:
        for start in range(0, len(body), 4096):
            prolog.Parse(body[start : start + 4096], False)
        prolog.Parse(b"", True)
    except _PrologEnd:
        return
    except expat.ExpatError as exc:
        raise errors.ResponseParseError(f"The reply is not well-formed XML ({exc}).") from None


def parse_xml(body: bytes) -> ET.Element:
    refuse_dtd(body)
    parser = ET.XMLParser()
    view = memoryview(body)
    try:
        # Fed in slices: one call over a multi-megabyte page would hold the GIL for its whole length,
        # stalling the thread that is about to send the next request.
        for start in range(0, len(view), _PARSE_SLICE):
            parser.feed(view[start : start + _PARSE_SLICE])
        return parser.close()
    except ET.ParseError as exc:
        raise errors.ResponseParseError(f"The reply is not well-formed XML ({exc}).") from None


def record_to_dict(node: ET.Element) -> dict[str, str]:
    """Flatten a record element into {FIELD: text}; nested elements become dotted names."""
    out: dict[str, str] = {}
    for child in node:
        if len(child):
            for key, value in record_to_dict(child).items():
                out[f"{child.tag}.{key}"] = value
        else:
            out[child.tag] = child.text or ""
    return out


def parse_reply(body: bytes, *, http_status: int) -> Reply:
    """Turn a reply body into a Reply, raising the error class for control or auth failures.

    Per-function failures are not raised here; they are attached to each Result so that a caller
    sending several functions at once (the access probe) can see every outcome.
    """
    root = parse_xml(body)
    if root.tag != "response":
        raise errors.ResponseParseError(f"Expected a <response> document, got <{root.tag}>.")
    control = root.find("control")
    control_status = _child_text(control, "status")
    if control_status != "success":
        raise _classify.classify(
            read_errors(root.find("errormessage")), _classify.CONTROL, http_status=http_status
        )
    operation = root.find("operation")
    if operation is None:
        raise errors.ResponseParseError("The reply has no <operation> block.")
    auth = operation.find("authentication")
    if auth is None:
        raise errors.ResponseParseError("The reply has no <authentication> block.")
    auth_info = {child.tag: (child.text or "").strip() for child in auth}
    if auth_info.get("status") != "success":
        raise _classify.classify(read_errors(operation.find("errormessage")), _classify.AUTHENTICATION)
    reply = Reply(auth=auth_info)
    for node in operation.findall("result"):
        result = Result(
            status=_child_text(node, "status"),
            function=_child_text(node, "function"),
            controlid=_child_text(node, "controlid"),
            data=node.find("data"),
        )
        if result.status != "success":
            errs = read_errors(node.find("errormessage"))
            result.error = _classify.classify(errs, _classify.RESULT, status=result.status)
        reply.results.append(result)
    return reply
