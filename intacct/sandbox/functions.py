"""The functions the sandbox runs inside <content>: reads, metadata and getAPISession.

Each handler gets the caller's context and the function's element, and returns the inside of its <result>
after <controlid> (usually a <data> element), or raises FunctionFailed with the errors to report.
"""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring
from operator import itemgetter

from . import messages
from .companies import Company, User
from .conditions import QueryError, TypedField, sort_recnos
from .filters import Resolver, compile_filter, compile_query_string, recordno_bounds
from .messages import FunctionFailed
from .schema import DATE, DECIMAL_TYPES, NUMERIC_TYPES, OBJECTS, TIMESTAMP, ObjectDef, object_def
from .sessions import ResultSets, Session, SessionStore
from .tables import Table
from .xmlparse import Node
from .xmlwrite import attributes, element, esc, esc_attr, record_fragments, records_xml

READ_BY_QUERY_MAX_PAGE = 1000
JSON_TYPE = "application/json"
DEFAULT_PAGE = 100


@dataclass
class CallContext:
    company: Company
    user: User
    entity: str
    session: Session | None
    endpoint: str
    sessions: SessionStore
    results: ResultSets
    # False inside a request of several functions: every answer must then be XML inside its <result>.
    bare_allowed: bool = True

    @property
    def owner(self) -> str:
        """Whose readByQuery results these are: the session, or the signed-in identity for logins."""
        if self.session is not None:
            return self.session.session_id
        return f"{self.company.company_id}|{self.user.user_id.lower()}|{self.entity}"


@dataclass
class Outcome:
    # The inside of <result> after <controlid>: text, or UTF-8 bytes when built from cached records.
    body: str | bytes
    raw_body: bytes | None = None
    raw_type: str = ""


Handler = Callable[[CallContext, Node], Outcome]


# -- shared steps ---------------------------------------------------------------------------------------


def _object(name: str) -> ObjectDef:
    spec = object_def(name)
    if spec is None:
        raise FunctionFailed(messages.object_not_found(name.strip()))
    return spec


def _permit(ctx: CallContext, spec: ObjectDef, operation: str) -> None:
    if spec.name in ctx.user.denied_objects:
        raise FunctionFailed(messages.permission_denied(operation, spec.name))


def _fields(spec: ObjectDef, text: str) -> tuple[str, ...]:
    text = text.strip()
    if not text or text == "*":
        return spec.field_names
    chosen: list[str] = []
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        found = spec.field(name)
        if found is None:
            raise FunctionFailed(messages.invalid_fields(name))
        if found.name not in chosen:
            chosen.append(found.name)
    return tuple(chosen) or spec.field_names


def _resolver(spec: ObjectDef, table: Table, case_insensitive: bool, raw_codes: bool) -> Resolver:
    def resolve(name: str):
        found = spec.field(name)
        if found is None:
            raise QueryError(f"{name.strip()} is not a field of {spec.name}.")
        return table.getter(found.name), TypedField(found, case_insensitive, raw_codes)

    return resolve


def _page_size(node: Node, limit: int) -> int:
    text = node.text_of("pagesize")
    if not text:
        return DEFAULT_PAGE
    size = int(text)  # validated as an integer already
    if not 1 <= size <= limit:
        raise FunctionFailed(
            messages.query_failed(
                f"The page size {size} is outside the allowed range of 1 to {limit}; "
                f"ask for {limit} or fewer."
            )
        )
    return size


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


# -- readByQuery and readMore -----------------------------------------------------------------------------


def read_by_query(ctx: CallContext, node: Node) -> Outcome:
    spec = _object(node.text_of("object"))
    _permit(ctx, spec, "READ_BY_QUERY")
    fields = _fields(spec, node.text_of("fields"))
    pagesize = _page_size(node, READ_BY_QUERY_MAX_PAGE)
    return_format = node.text_of("returnFormat", "xml").lower() or "xml"
    if return_format != "xml":
        raise FunctionFailed(
            messages.query_failed(
                f"The sandbox answers readByQuery in xml only, not {return_format}; "
                "use query for json or csv."
            )
        )
    table = ctx.company.table(spec.name)
    query = node.find("query")
    try:
        predicate = compile_query_string(
            query.text if query is not None else "", _resolver(spec, table, False, raw_codes=True)
        )
    except QueryError as problem:
        raise FunctionFailed(messages.query_failed(str(problem))) from None
    recnos = table.visible_recnos(ctx.entity)
    if predicate is not None:
        recnos = [r for r in recnos if predicate(r) is True]
    total = len(recnos)
    page = recnos[:pagesize]
    result_id = ""
    if total > pagesize:
        result_id = ctx.results.open(ctx.owner, spec.name, fields, recnos, pagesize, len(page)).result_id
    return Outcome(_legacy_page(spec, table, fields, page, total, total - len(page), result_id))


def _legacy_page(
    spec: ObjectDef, table: Table, fields, page, total: int, remaining: int, result_id: str
) -> bytes:
    tag = spec.name.lower()
    head = attributes(
        (
            ("listtype", tag),
            ("count", len(page)),
            ("totalcount", total),
            ("numremaining", remaining),
            ("resultId", result_id),
        )
    )
    return _data(head, _table_records_xml(table, tag, fields, page))


def _data(head: str, records: bytes) -> bytes:
    return b"".join((f"<data{head}>".encode(), records, b"</data>"))


def _table_records_xml(table: Table, tag: str, fields, recnos) -> bytes:
    """records_xml over a table's records, UTF-8, each rendered once while it stays unchanged."""
    fields = tuple(fields)

    def render(missing: list[int]) -> list[bytes]:
        return [text.encode() for text in record_fragments(tag, fields, missing, table.view)]

    return b"".join(table.rendered(("xml", tag, fields), recnos, render))


def _table_records_json(table: Table, columns: list[str], recnos) -> Outcome:
    """A bare JSON page of a table's records, each rendered once while it stays unchanged."""
    if not columns:
        return _raw("json", columns, (table.view(r) for r in recnos))
    fields = tuple(columns)

    def render(missing: list[int]) -> list[bytes]:
        return [text.encode() for text in json_fragments(columns, (table.view(r) for r in missing))]

    records = b", ".join(table.rendered(("json", fields), recnos, render))
    return Outcome("", b"".join((b"[", records, b"]")), JSON_TYPE)


def read_more(ctx: CallContext, node: Node) -> Outcome:
    result_id = node.text_of("resultId")
    object_name = node.text_of("object")
    if not result_id and not object_name:
        raise FunctionFailed(messages.not_simulated("readMore by view or reportId"))
    spec = object_def(object_name) if object_name else None
    if object_name and spec is None:
        raise FunctionFailed(messages.object_not_found(object_name))
    result = ctx.results.find(ctx.owner, result_id, spec.name if spec else "")
    if result is None:
        raise FunctionFailed(messages.unknown_result_id(result_id or object_name))
    spec = OBJECTS[result.object_name]
    table = ctx.company.table(spec.name)
    start = result.position
    chunk = [r for r in result.recnos[start : start + result.pagesize]]
    result.position = start + len(chunk)
    remaining = result.total - result.position
    live = [r for r in chunk if table.is_visible(r, ctx.entity)]
    if remaining <= 0:
        ctx.results.close(result)
    return Outcome(_legacy_page(spec, table, result.fields, live, result.total, remaining, result.result_id))


# -- query ---------------------------------------------------------------------------------------------------

_AGGREGATES = ("count", "avg", "min", "max", "sum")


def query(ctx: CallContext, node: Node) -> Outcome:
    spec = _object(node.text_of("object"))
    _permit(ctx, spec, "QUERY")
    table = ctx.company.table(spec.name)
    options = node.find("options")
    case_insensitive = options is not None and _truthy(options.text_of("caseinsensitive"))
    return_format = (options.text_of("returnformat") if options is not None else "").lower() or "xml"
    if return_format not in ("xml", "json", "csv"):
        raise FunctionFailed(
            messages.query_failed(f"returnformat must be xml, json or csv, not {return_format}.")
        )
    if not ctx.bare_allowed:
        return_format = "xml"
    # showprivate is accepted and has no effect: a top-level user already sees every entity's records here.

    plain: list[str] = []
    aggregates: list[tuple[str, str]] = []
    for item in node.find("select").children:
        found = spec.field(item.text)
        if found is None:
            raise FunctionFailed(messages.invalid_fields(item.text.strip()))
        if item.tag == "field":
            if found.name not in plain:
                plain.append(found.name)
        else:
            aggregates.append((item.tag, found.name))

    resolve = _resolver(spec, table, case_insensitive, raw_codes=False)
    filter_node = node.find("filter")
    try:
        predicate = compile_filter(filter_node.children[0], resolve) if filter_node is not None else None
        order_keys = []
        orderby = node.find("orderby")
        for order in orderby.children if orderby is not None else ():
            read, typed = resolve(order.text_of("field"))
            order_keys.append((read, TypedField(typed.field), order.find("descending") is not None))
    except QueryError as problem:
        raise FunctionFailed(messages.query_failed(str(problem))) from None

    pagesize = int(node.text_of("pagesize") or DEFAULT_PAGE)
    offset = int(node.text_of("offset") or 0)
    indexed = _indexed_lower_bound(spec, table, ctx.entity, filter_node, resolve)
    recnos = table.visible_recnos(ctx.entity) if indexed is None else indexed
    if predicate is not None:
        low, high = recordno_bounds(filter_node.children[0])
        if low is not None or high is not None:
            # visible_recnos is ascending, so a RECORDNO range is a slice found by bisection.
            start = bisect_left(recnos, low) if low is not None else 0
            stop = bisect_right(recnos, high) if high is not None else len(recnos)
            recnos = recnos[start:stop]
        if indexed is not None or not _bounds_decide(filter_node.children[0]):
            recnos = [r for r in recnos if predicate(r) is True]
    if aggregates:
        return _aggregate_page(
            spec, table, recnos, plain, aggregates, order_keys, pagesize, offset, return_format
        )
    if order_keys and not _by_recordno(order_keys):
        recnos = sort_recnos(recnos, order_keys)
    total = len(recnos)
    page = recnos[offset : offset + pagesize]
    remaining = max(0, total - offset - len(page))
    if return_format == "json":
        return _table_records_json(table, plain, page)
    if return_format != "xml":
        return _raw(return_format, plain, (table.view(r) for r in page))
    head = attributes(
        (
            ("listtype", spec.name),
            ("totalcount", total),
            ("offset", offset),
            ("count", len(page)),
            ("numremaining", remaining),
        )
    )
    return Outcome(_data(head, _table_records_xml(table, spec.name, plain, page)))


_RANGE_OPERATORS = frozenset({"greaterthan", "greaterthanorequalto", "lessthan", "lessthanorequalto"})
_LOWER_BOUNDS = frozenset({"greaterthan", "greaterthanorequalto"})


def _indexed_lower_bound(spec: ObjectDef, table: Table, entity: str, filter_node, resolve):
    """The ascending RECORDNOs that may match, from a table index, when the filter allows it; else None.

    An incremental sync asks for ``WHENMODIFIED >= mark`` (with RECORDNO bounds, perhaps) across the
    whole object: the index finds the few records changed since instead of testing every record. Only
    for a user who sees every record (top level, or an object without entity scope); the caller still
    applies the whole filter to what is returned, so the index only ever narrows.
    """
    if filter_node is None or (entity and spec.scope_field):
        return None
    node = filter_node.children[0]
    bounds = [
        part
        for part in (node.children if node.tag == "and" else [node])
        if part.tag in _LOWER_BOUNDS and part.text_of("field").upper() != "RECORDNO"
    ]
    if len(bounds) != 1 or len(bounds[0].findall("value")) != 1:
        return None
    try:
        _read, typed = resolve(bounds[0].text_of("field"))
        if typed.field.datatype not in (TIMESTAMP, DATE):
            return None
        low = typed.literal(bounds[0].text_of("value"))
    except QueryError:
        return None  # the predicate reports it
    if low is None:
        return None
    inclusive = bounds[0].tag == "greaterthanorequalto"
    return sorted(table.from_key(typed.field.name, typed.stored, low, inclusive))


def _bounds_decide(node: Node) -> bool:
    """Whether the filter is nothing but RECORDNO bounds, so the bisected slice is already its answer.

    Keyset pages (``RECORDNO > a AND RECORDNO <= b``) are most of a sync's requests; testing each record
    of the slice against the predicate again would only repeat the bisection. Any other part, or a value
    that is not a plain whole number, leaves the decision to the predicate.
    """
    for part in node.children if node.tag == "and" else [node]:
        if part.tag not in _RANGE_OPERATORS or part.text_of("field").upper() != "RECORDNO":
            return False
        values = [value.text.strip() for value in part.findall("value")]
        if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()):
            return False
    return True


def _by_recordno(order_keys: list) -> bool:
    """Ordered by RECORDNO ascending only: visible_recnos already is (ties cannot occur)."""
    return len(order_keys) == 1 and order_keys[0][1].field.name == "RECORDNO" and not order_keys[0][2]


def _aggregate_page(
    spec, table, recnos, group_fields, aggregates, order_keys, pagesize, offset, return_format
):
    readers = {name: table.getter(name) for name in group_fields}
    groups: dict[tuple[str, ...], list[int]] = {}
    for recno in recnos:
        groups.setdefault(tuple(readers[name](recno) for name in group_fields), []).append(recno)
    rows: list[dict[str, str]] = []
    for key, members in groups.items():
        row = dict(zip(group_fields, key, strict=True))
        for function, field_name in aggregates:
            field_spec = spec.field(field_name)
            read = table.getter(field_name)
            values = [v for v in (read(r) for r in members) if v != ""]
            row[f"{function.upper()}.{field_name}"] = _aggregate(function, field_spec, values)
        rows.append(row)
    for _read, typed, descending in reversed(order_keys):
        name = typed.field.name
        if name in group_fields:
            rows.sort(
                key=lambda row, name=name, typed=typed: (
                    (v := typed.stored(row[name])) is None,
                    v if v is not None else 0,
                ),
                reverse=descending,
            )
    columns = list(group_fields) + [f"{f.upper()}.{n}" for f, n in aggregates]
    total = len(rows)
    page = rows[offset : offset + pagesize]
    if return_format != "xml":
        return _raw(return_format, columns, page)
    head = attributes(
        (
            ("listtype", spec.name),
            ("totalcount", total),
            ("offset", offset),
            ("count", len(page)),
            ("numremaining", max(0, total - offset - len(page))),
        )
    )
    body = records_xml(spec.name, columns, range(len(page)), page.__getitem__)
    return Outcome(f"<data{head}>{body}</data>")


def _aggregate(function: str, field_spec, values: list[str]) -> str:
    if function == "count":
        return str(len(values))
    if not values:
        return ""
    numeric = field_spec.datatype in NUMERIC_TYPES or field_spec.datatype in DECIMAL_TYPES
    if function in ("min", "max"):
        typed = TypedField(field_spec)
        chooser = min if function == "min" else max
        return chooser(values, key=lambda v: typed.stored(v))
    if not numeric:
        return ""
    numbers = [Decimal(v) for v in values]
    total = sum(numbers, Decimal(0))
    result = total if function == "sum" else total / len(numbers)
    return format(result.normalize(), "f") if result == result.to_integral() else str(result)


def _raw(return_format: str, columns, rows) -> Outcome:
    if return_format == "json":
        # Exactly "application/json", no charset (JSON is UTF-8 by definition): clients in production
        # compare the header to this string to tell data from an XML error envelope.
        return Outcome("", _json_records(list(columns), rows).encode(), JSON_TYPE)
    rows = [{name: row.get(name, "") for name in columns} for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[name] for name in columns] for row in rows)
    return Outcome("", buffer.getvalue().encode(), "text/csv; charset=UTF-8")


def _json_records(columns: list[str], rows) -> str:
    """``json.dumps([{column: value, ...}, ...], ensure_ascii=False)``, byte for byte, much faster."""
    if not columns:
        return json.dumps([{} for _ in rows])
    return "[" + ", ".join(json_fragments(columns, rows)) + "]"


def json_fragments(columns: list[str], rows) -> list[str]:
    """One ``json.dumps(record, ensure_ascii=False)`` text per row, for columns (at least one).

    A JSON page of 2,000 vendors is built on every keyset request of a sync. Each record is one
    %-format of a template holding the keys; only values that JSON must escape (quotes, backslashes,
    control characters) go through the encoder.
    """
    keys = [json.dumps(name, ensure_ascii=False).replace("%", "%%") for name in columns]
    template = "{" + ", ".join(f'{key}: "%s"' for key in keys) + "}"
    pick_values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    parts: list[str] = []
    append = parts.append
    for row in rows:
        try:
            values = pick_values(row)
        except KeyError:
            values = tuple(row.get(name, "") for name in columns)
        try:
            joined = "".join(values)
        except TypeError:  # not all text: let the encoder decide how each value is written
            append(json.dumps({name: row.get(name, "") for name in columns}, ensure_ascii=False))
            continue
        if '"' in joined or "\\" in joined or not joined.isprintable():
            values = tuple(encode_basestring(value)[1:-1] for value in values)
        append(template % values)
    return parts


# -- read and readByName ----------------------------------------------------------------------------------


def read(ctx: CallContext, node: Node) -> Outcome:
    spec = _object(node.text_of("object"))
    _permit(ctx, spec, "READ")
    fields = _fields(spec, node.text_of("fields"))
    table = ctx.company.table(spec.name)
    keys = [k.strip() for k in node.text_of("keys").split(",") if k.strip()]
    if keys:
        recnos = []
        for key in keys:
            if key.isdigit() and table.is_visible(int(key), ctx.entity) and int(key) not in recnos:
                recnos.append(int(key))
    else:
        # An empty key list reads the first 100 records (documented for the legacy read; unconfirmed here).
        recnos = table.visible_recnos(ctx.entity)[:DEFAULT_PAGE]
    return Outcome(_upper_page(spec, table, fields, recnos))


def read_by_name(ctx: CallContext, node: Node) -> Outcome:
    spec = _object(node.text_of("object"))
    _permit(ctx, spec, "READ_BY_NAME")
    fields = _fields(spec, node.text_of("fields"))
    table = ctx.company.table(spec.name)
    recnos: list[int] = []
    for key in node.text_of("keys").split(","):
        found = table.find_id(key.strip()) if key.strip() else None
        # A name that does not exist is simply left out of the data.
        if found is not None and table.is_visible(found, ctx.entity) and found not in recnos:
            recnos.append(found)
    return Outcome(_upper_page(spec, table, fields, recnos))


def _upper_page(spec: ObjectDef, table: Table, fields, recnos) -> bytes:
    head = attributes((("listtype", spec.name), ("count", len(recnos))))
    return _data(head, _table_records_xml(table, spec.name, fields, recnos))


# -- metadata ------------------------------------------------------------------------------------------


def inspect(ctx: CallContext, node: Node) -> Outcome:
    # Lists objects regardless of the user's permissions, as the docs say.
    name = node.text_of("object")
    detail = node.attrs.get("detail", "0") in ("1", "true")
    if name == "*":
        types = "".join(
            f'<type typename="{esc_attr(s.name.lower())}">{esc(s.singular)}</type>' for s in OBJECTS.values()
        )
        return Outcome(f'<data listtype="All" count="1">{types}</data>')
    spec = _object(name)
    if not detail:
        fields = "".join(element("Field", f.name) for f in spec.fields)
        return Outcome(
            f'<data listtype="All" count="1"><Type Name="{spec.name}"><Fields>{fields}</Fields></Type></data>'
        )
    parts = []
    for number, f in enumerate(spec.fields, start=1):
        parts.append(
            "<Field>"
            + element("Name", f.name)
            + element("GroupName", "")
            + element("dataName", f.datatype.lower())
            + element("externalDataName", f.datatype.lower())
            + element("isRequired", "true" if f.required else "false")
            + element("isReadOnly", "true" if f.readonly else "false")
            + element("maxLength", str(f.max_length or ""))
            + element("DisplayLabel", f.label)
            + element("Description", f.label)
            + element("id", str(900000 + number))
            + "</Field>"
        )
    attributes_block = (
        "<Attributes>"
        + element("SingularName", spec.singular)
        + element("PluralName", spec.plural)
        + element("Description", "")
        + "</Attributes>"
    )
    return Outcome(
        f'<data listtype="All" count="1"><Type Name="{spec.name}">{attributes_block}'
        f"<Fields>{''.join(parts)}</Fields></Type></data>"
    )


def lookup(ctx: CallContext, node: Node) -> Outcome:
    spec = _object(node.text_of("object"))
    fields = []
    for f in spec.fields:
        valid = ""
        if f.valid_values:
            valid = (
                "<VALIDVALUES>" + "".join(element("VALIDVALUE", v) for v in f.valid_values) + "</VALIDVALUES>"
            )
        fields.append(
            "<Field>"
            + element("ID", f.name)
            + element("LABEL", f.label)
            + element("DESCRIPTION", f.label)
            + element("REQUIRED", "true" if f.required else "false")
            + element("READONLY", "true" if f.readonly else "false")
            + element("DATATYPE", f.datatype)
            + valid
            + element("ISCUSTOM", "false")
            + "</Field>"
        )
    relationships = "".join(
        "<Relationship>"
        + element("OBJECTPATH", r.path)
        + element("OBJECTNAME", r.object_name)
        + element("LABEL", r.label)
        + element("RELATIONSHIPTYPE", r.kind)
        + element("RELATEDBY", r.related_by)
        + "</Relationship>"
        for r in spec.relationships
    )
    return Outcome(
        f'<data listtype="All" count="1"><Type Name="{spec.name}" DocumentType="">'
        f"<Fields>{''.join(fields)}</Fields><Relationships>{relationships}</Relationships></Type></data>"
    )


def get_dimensions(ctx: CallContext, node: Node) -> Outcome:
    rows = "".join(
        "<dimension>"
        + element("objectName", d.object_name)
        + element("objectLabel", d.label)
        + element("termLabel", d.term)
        + element("userDefinedDimension", "true" if d.user_defined else "false")
        + element("enabledInGL", "true" if d.enabled_in_gl else "false")
        + "</dimension>"
        for d in ctx.company.dimensions
    )
    return Outcome(f"<data><dimensions>{rows}</dimensions></data>")


# -- sessions ------------------------------------------------------------------------------------------


def get_api_session(ctx: CallContext, node: Node) -> Outcome:
    location = node.find("locationid")
    entity = ctx.entity if location is None else location.text.strip()
    if ctx.session is not None and entity == ctx.entity:
        session = ctx.session  # asking again at the same level returns the same session
    else:
        if not ctx.user.may_sign_in_at(entity, ctx.company):
            if entity:
                raise FunctionFailed(
                    messages.invalid_entity(entity, ctx.user.user_id, ctx.company.company_id)
                )
            raise FunctionFailed(messages.top_level_refused(ctx.user.user_id, ctx.company.company_id))
        session = ctx.sessions.create(ctx.company.company_id, ctx.user.user_id, entity)
    return Outcome(
        "<data><api>"
        + element("sessionid", session.session_id)
        + element("endpoint", ctx.endpoint)
        + element("locationid", session.entity)
        + "</api></data>"
    )


HANDLERS: dict[str, Handler] = {
    "query": query,
    "readByQuery": read_by_query,
    "readMore": read_more,
    "read": read,
    "readByName": read_by_name,
    "inspect": inspect,
    "lookup": lookup,
    "getDimensions": get_dimensions,
    "getAPISession": get_api_session,
}
