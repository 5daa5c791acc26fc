"""Request structure checks, standing in for the gateway's XSD validation (api.xsd, dtdversion 3.0).

The gateway validates every request against its schema before doing anything, and reports each violation
as a control-level XL03000003 error with libxml2's wording, e.g. ``Element 'password': This element is not
expected. Expected is ( companyid ).`` Element order matters where the schema says xs:sequence (control,
login); function bodies such as query and readByQuery are xs:all (any order).
"""

from __future__ import annotations

from collections.abc import Sequence

from .filters import FILTER_OPERATORS
from .xmlparse import PARSE_ERROR_PREFIX, Node

# Functions the sandbox runs, and Intacct functions it knows but does not simulate.
SUPPORTED_FUNCTIONS = frozenset(
    {
        "query",
        "readByQuery",
        "readMore",
        "read",
        "readByName",
        "inspect",
        "lookup",
        "getDimensions",
        "getAPISession",
    }
)
KNOWN_FUNCTIONS = SUPPORTED_FUNCTIONS | frozenset(
    {
        "create",
        "update",
        "delete",
        "readView",
        "readReport",
        "readRelated",
        "readEntityDetails",
        "getFinancialSetup",
        "getUserPermissions",
        "installApp",
        "getObjectPermissions",
        "consolidate",
        "readUserFormatting",
        "legacyFunction",
        "apply_appayment",
        "create_potransaction",
    }
)

_CONTROL = (
    ("appid", 0, 1),
    ("senderid", 1, 1),
    ("password", 0, 1),
    ("controlid", 1, 1),
    ("uniqueid", 0, 1),
    ("dtdversion", 0, 1),
    ("policyid", 0, 1),
    ("debug", 0, 1),
    ("includewhitespace", 0, 1),
    ("showadditionalerrorinfo", 0, 1),
)
_LOGIN = (("userid", 1, 1), ("companyid", 1, 1), ("password", 1, 1), ("clientid", 0, 1), ("locationid", 0, 1))
_OPERATION = (("authentication", 1, 1), ("preferences", 0, None), ("content", 0, None))
_UNBOUNDED = None


def _problem(code: int, node: Node, message: str) -> str:
    where = f"Line: {node.line}, column: {node.column}."
    return f"{PARSE_ERROR_PREFIX}: Error {code}: Element '{node.tag}': {message}. {where}"


def _expected(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"Expected is ( {names[0]} )"
    return f"Expected is one of ( {', '.join(names)} )"


def check_sequence(node: Node, spec: Sequence[tuple[str, int, int | None]], problems: list[str]) -> None:
    """xs:sequence: children in this order, each between min and max times; reports the first problem."""
    children = node.children
    position = 0
    last_matched = -1
    for index, (name, low, high) in enumerate(spec):
        seen = 0
        while position < len(children) and children[position].tag == name and (high is None or seen < high):
            seen += 1
            position += 1
        if seen:
            last_matched = index
        if seen < low:
            if position < len(children):
                problems.append(
                    _problem(1871, children[position], f"This element is not expected. {_expected([name])}")
                )
            else:
                problems.append(_problem(1871, node, f"Missing child element(s). {_expected([name])}"))
            return
    if position < len(children):
        later = [name for name, _, _ in spec[last_matched + 1 :]]
        message = "This element is not expected."
        if later:
            message += f" {_expected(later)}"
        problems.append(_problem(1871, children[position], message))


def check_all(node: Node, required: Sequence[str], optional: Sequence[str], problems: list[str]) -> None:
    """xs:all: each child at most once, in any order; `required` ones must be present."""
    allowed = list(required) + list(optional)
    seen: set[str] = set()
    for child in node.children:
        if child.tag not in allowed or child.tag in seen:
            remaining = [n for n in allowed if n not in seen]
            problems.append(_problem(1871, child, "This element is not expected. " + _expected(remaining)))
            return
        seen.add(child.tag)
    missing = [n for n in required if n not in seen]
    if missing:
        problems.append(_problem(1871, node, "Missing child element(s). " + _expected(missing)))


def _integer(node: Node | None, low: int | None, high: int | None, problems: list[str]) -> None:
    if node is None:
        return
    text = node.text.strip()
    try:
        value = int(text)
    except ValueError:
        problems.append(
            _problem(1824, node, f"'{text}' is not a valid value of the atomic type 'xs:integer'")
        )
        return
    if low is not None and value < low:
        problems.append(
            _problem(
                1830,
                node,
                f"[facet 'minInclusive'] The value '{value}' is less than the minimum value allowed "
                f"('{low}')",
            )
        )
    if high is not None and value > high:
        problems.append(
            _problem(
                1831,
                node,
                f"[facet 'maxInclusive'] The value '{value}' is greater than the maximum value allowed "
                f"('{high}')",
            )
        )


def _boolean(node: Node | None, problems: list[str]) -> None:
    if node is not None and node.text.strip() not in ("true", "false", "1", "0"):
        problems.append(
            _problem(
                1824, node, f"'{node.text.strip()}' is not a valid value of the atomic type 'xs:boolean'"
            )
        )


def _max_length(node: Node, text: str, limit: int, problems: list[str]) -> None:
    if len(text) > limit:
        problems.append(
            _problem(
                1833,
                node,
                f"[facet 'maxLength'] The value has a length of '{len(text)}'; this exceeds the allowed "
                f"maximum length of '{limit}'",
            )
        )


def validate_request(root: Node) -> list[str]:
    """Every schema problem found, in document order (empty when the request is valid)."""
    problems: list[str] = []
    if root.tag != "request":
        problems.append(
            _problem(1845, root, "No matching global declaration available for the validation root")
        )
        return problems
    check_sequence(root, (("control", 1, 1), ("operation", 1, _UNBOUNDED)), problems)
    control = root.find("control")
    if control is not None:
        check_sequence(control, _CONTROL, problems)
        controlid = control.find("controlid")
        if controlid is not None:
            _max_length(controlid, controlid.text, 256, problems)
        _boolean(control.find("uniqueid"), problems)
        _boolean(control.find("includewhitespace"), problems)
        _boolean(control.find("showadditionalerrorinfo"), problems)
    for operation in root.findall("operation"):
        _validate_operation(operation, problems)
    return problems


def _validate_operation(operation: Node, problems: list[str]) -> None:
    check_sequence(operation, _OPERATION, problems)
    transaction = operation.attrs.get("transaction")
    if transaction is not None and transaction not in ("true", "false"):
        problems.append(
            _problem(1824, operation, f"The value '{transaction}' of attribute 'transaction' is not valid")
        )
    authentication = operation.find("authentication")
    if authentication is not None:
        if len(authentication.children) != 1 or authentication.children[0].tag not in ("login", "sessionid"):
            found = authentication.children[1] if len(authentication.children) > 1 else None
            target = found or (authentication.children[0] if authentication.children else authentication)
            problems.append(
                _problem(
                    1871,
                    target,
                    (
                        "Missing child element(s). "
                        if target is authentication
                        else "This element is not expected. "
                    )
                    + _expected(["login", "sessionid"]),
                )
            )
        login = authentication.find("login")
        if login is not None:
            check_sequence(login, _LOGIN, problems)
    for content in operation.findall("content"):
        if not content.children:
            problems.append(_problem(1871, content, "Missing child element(s). " + _expected(["function"])))
        for function in content.children:
            if function.tag != "function":
                problems.append(
                    _problem(1871, function, "This element is not expected. " + _expected(["function"]))
                )
                continue
            _validate_function(function, problems)


def _validate_function(function: Node, problems: list[str]) -> None:
    controlid = function.attrs.get("controlid")
    if controlid is None:
        problems.append(_problem(1868, function, "The attribute 'controlid' is required but missing"))
    else:
        _max_length(function, controlid, 256, problems)
    if len(function.children) != 1:
        target = function.children[1] if len(function.children) > 1 else function
        problems.append(
            _problem(
                1871,
                target,
                "This element is not expected." if target is not function else "Missing child element(s).",
            )
        )
        return
    body = function.children[0]
    if body.tag not in KNOWN_FUNCTIONS:
        problems.append(_problem(1871, body, "This element is not expected"))
        return
    checker = _FUNCTION_CHECKS.get(body.tag)
    if checker is not None:
        checker(body, problems)


def _check_query(node: Node, problems: list[str]) -> None:
    check_all(
        node,
        ("select", "object"),
        ("docparid", "filter", "orderby", "options", "pagesize", "offset"),
        problems,
    )
    select = node.find("select")
    if select is not None:
        if not select.children:
            problems.append(
                _problem(
                    1871,
                    select,
                    "Missing child element(s). " + _expected(["field", "count", "avg", "min", "max", "sum"]),
                )
            )
        for child in select.children:
            if child.tag not in ("field", "count", "avg", "min", "max", "sum"):
                problems.append(
                    _problem(
                        1871,
                        child,
                        "This element is not expected. "
                        + _expected(["field", "count", "avg", "min", "max", "sum"]),
                    )
                )
    _integer(node.find("pagesize"), 1, 2000, problems)
    _integer(node.find("offset"), 0, None, problems)
    orderby = node.find("orderby")
    if orderby is not None:
        if not orderby.children:
            problems.append(_problem(1871, orderby, "Missing child element(s). " + _expected(["order"])))
        for order in orderby.children:
            if order.tag != "order":
                problems.append(
                    _problem(1871, order, "This element is not expected. " + _expected(["order"]))
                )
                continue
            if not order.children or order.children[0].tag != "field":
                problems.append(_problem(1871, order, "Missing child element(s). " + _expected(["field"])))
            elif len(order.children) > 2 or (
                len(order.children) == 2 and order.children[1].tag not in ("ascending", "descending")
            ):
                problems.append(
                    _problem(
                        1871,
                        order.children[1],
                        "This element is not expected. " + _expected(["ascending", "descending"]),
                    )
                )
    options = node.find("options")
    if options is not None:
        check_sequence(
            options, (("caseinsensitive", 0, 1), ("showprivate", 0, 1), ("returnformat", 0, 1)), problems
        )
        _boolean(options.find("caseinsensitive"), problems)
        _boolean(options.find("showprivate"), problems)
    filter_node = node.find("filter")
    if filter_node is not None:
        if len(filter_node.children) != 1:
            target = filter_node.children[1] if len(filter_node.children) > 1 else filter_node
            problems.append(
                _problem(
                    1871,
                    target,
                    "This element is not expected."
                    if target is not filter_node
                    else "Missing child element(s).",
                )
            )
        for child in filter_node.children:
            _check_filter_node(child, problems)


def _check_filter_node(node: Node, problems: list[str]) -> None:
    if node.tag in ("and", "or"):
        if len(node.children) < 2:
            problems.append(
                _problem(
                    1871,
                    node,
                    "Missing child element(s). Expected is one of ( and, or, equalto, "
                    "notequalto, lessthan, lessthanorequalto, greaterthan, greaterthanorequalto, "
                    "between, in, notin, like, notlike, isnull, isnotnull )",
                )
            )
        for child in node.children:
            _check_filter_node(child, problems)
        return
    if node.tag not in FILTER_OPERATORS:
        problems.append(_problem(1871, node, "This element is not expected"))
        return
    if node.tag in ("isnull", "isnotnull"):
        check_sequence(node, (("field", 1, 1),), problems)
    elif node.tag == "between":
        check_sequence(node, (("field", 1, 1), ("value", 2, 2)), problems)
    elif node.tag in ("in", "notin"):
        check_sequence(node, (("field", 1, 1), ("value", 1, 1000)), problems)
    else:
        check_sequence(node, (("field", 1, 1), ("value", 1, 1)), problems)


def _check_read_by_query(node: Node, problems: list[str]) -> None:
    check_all(node, ("object", "query"), ("fields", "pagesize", "returnFormat", "docparid"), problems)
    _integer(node.find("pagesize"), None, None, problems)


def _check_read_more(node: Node, problems: list[str]) -> None:
    choices = ["object", "view", "reportId", "resultId"]
    if len(node.children) != 1 or node.children[0].tag not in choices:
        target = (
            node.children[0]
            if node.children and node.children[0].tag not in choices
            else (node.children[1] if len(node.children) > 1 else node)
        )
        problems.append(
            _problem(
                1871,
                target,
                ("Missing child element(s). " if target is node else "This element is not expected. ")
                + _expected(choices),
            )
        )


def _check_read(node: Node, problems: list[str]) -> None:
    check_all(node, ("object", "keys"), ("fields", "returnFormat", "docparid"), problems)


def _check_inspect(node: Node, problems: list[str]) -> None:
    check_sequence(node, (("object", 1, 1),), problems)
    detail = node.attrs.get("detail")
    if detail is not None and detail not in ("0", "1", "true", "false"):
        problems.append(_problem(1824, node, f"The value '{detail}' of attribute 'detail' is not valid"))


def _check_lookup(node: Node, problems: list[str]) -> None:
    check_sequence(node, (("object", 1, 1), ("docparid", 0, 1)), problems)


def _check_empty(node: Node, problems: list[str]) -> None:
    if node.children:
        problems.append(_problem(1871, node.children[0], "This element is not expected"))


def _check_get_api_session(node: Node, problems: list[str]) -> None:
    check_sequence(node, (("locationid", 0, 1),), problems)


_FUNCTION_CHECKS = {
    "query": _check_query,
    "readByQuery": _check_read_by_query,
    "readMore": _check_read_more,
    "read": _check_read,
    "readByName": _check_read,
    "inspect": _check_inspect,
    "lookup": _check_lookup,
    "getDimensions": _check_empty,
    "getAPISession": _check_get_api_session,
}
