"""Safe parsing of request bodies into a small element tree, with gateway-style error texts.

Requests come from the network, so document type declarations and entity definitions are refused outright
(no entity expansion, no external fetches). Errors read like the gateway's libxml2 messages, e.g.
``XML Parse schema error: Fatal Error 76: Opening and ending tag mismatch: login line 5 and authentication.
Line: 9, column: 18.``
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

PARSE_ERROR_PREFIX = "XML Parse schema error"


@dataclass(slots=True)
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Character data directly inside this element (not its children's)."""
        return "".join(self.parts)

    def find(self, tag: str) -> Node | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def findall(self, tag: str) -> list[Node]:
        return [child for child in self.children if child.tag == tag]

    def text_of(self, tag: str, default: str = "") -> str:
        child = self.find(tag)
        return child.text.strip() if child is not None else default


class XmlProblem(Exception):
    """The body is not well-formed XML (or declares a DTD); `problems` are gateway-style texts."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Refused(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def parse_error_text(code: int, message: str, line: int, column: int, fatal: bool = True) -> str:
    level = "Fatal Error" if fatal else "Error"
    return f"{PARSE_ERROR_PREFIX}: {level} {code}: {message}. Line: {line}, column: {column}."


_CLOSING_TAG = re.compile(r"(?:</)?\s*([^\s>/]+)")


def parse(body: bytes) -> Node:
    """Parse `body` (raw bytes; the XML declaration decides the encoding)."""
    if not body.strip():
        raise XmlProblem([parse_error_text(4, "Document is empty", 1, 1)])
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    root: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def refuse_doctype(*_args) -> None:
        raise _Refused(
            "Document type declarations are not accepted",
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
        )

    def refuse_entity(*_args) -> None:
        raise _Refused(
            "Entity declarations are not accepted", parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = lambda *_a: 0
    try:
        parser.Parse(body, True)
    except _Refused as refused:
        raise XmlProblem([parse_error_text(1, str(refused), refused.line, refused.column)]) from None
    except expat.ExpatError as error:
        raise XmlProblem([_describe(error, body, stack, bool(root))]) from None
    except (LookupError, ValueError):  # unknown encoding in the XML declaration
        raise XmlProblem([parse_error_text(32, "Unsupported encoding", 1, 1)]) from None
    return root[0]


def _describe(error: expat.ExpatError, body: bytes, open_tags: list[Node], started: bool) -> str:
    line, column = error.lineno, error.offset + 1
    reason = expat.errors.messages[error.code]
    if reason == expat.errors.XML_ERROR_TAG_MISMATCH and open_tags:
        opened = open_tags[-1]
        lines = body.splitlines()
        # expat's offset counts characters and points just past "</" in the closing tag.
        text = lines[line - 1].decode("utf-8", "replace")[error.offset :] if line - 1 < len(lines) else ""
        found = _CLOSING_TAG.match(text)
        closing = found.group(1) if found else "?"
        message = f"Opening and ending tag mismatch: {opened.tag} line {opened.line} and {closing}"
        return parse_error_text(76, message, line, column)
    if reason in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN) and open_tags:
        opened = open_tags[-1]
        return parse_error_text(
            77, f"Premature end of data in tag {opened.tag} line {opened.line}", line, column
        )
    if reason == expat.errors.XML_ERROR_NO_ELEMENTS and not started:
        return parse_error_text(4, "Start tag expected, '<' not found", line, column)
    if reason == expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT:
        return parse_error_text(5, "Extra content at the end of the document", line, column)
    if reason == expat.errors.XML_ERROR_UNDEFINED_ENTITY:
        return parse_error_text(26, "Entity not defined", line, column)
    if reason == expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE:
        return parse_error_text(42, "Attribute redefined", line, column)
    return parse_error_text(68, reason[:1].upper() + reason[1:], line, column)
