"""Raw gateway requests for the sandbox tests: XML written by hand, posted with `requests`, replies parsed
with ElementTree. Deliberately independent of the project's Intacct client."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import requests

SENDER = ("RoutableMPP", "sandbox-sender-secret")
PASSWORD = "Demo-Passw0rd!"


def login(
    user: str = "routable_ws", company: str = "ACME-DEMO", password: str = PASSWORD, location: str | None = ""
) -> str:
    location_xml = "" if location is None else f"<locationid>{escape(location)}</locationid>"
    return (
        f"<login><userid>{escape(user)}</userid><companyid>{escape(company)}</companyid>"
        f"<password>{escape(password)}</password>{location_xml}</login>"
    )


def session(session_id: str) -> str:
    return f"<sessionid>{escape(session_id)}</sessionid>"


def function(body: str, controlid: str = "f-1") -> str:
    return f'<function controlid="{escape(controlid)}">{body}</function>'


def request(
    auth: str,
    *functions: str,
    sender: tuple[str, str] = SENDER,
    controlid: str = "c-1",
    transaction: str | None = None,
    control_extra: str = "",
) -> str:
    transaction_attr = f' transaction="{transaction}"' if transaction else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<request><control><senderid>{escape(sender[0])}</senderid><password>{escape(sender[1])}</password>"
        f"<controlid>{escape(controlid)}</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion>"
        f"{control_extra}</control>"
        f"<operation{transaction_attr}><authentication>{auth}</authentication>"
        f"<content>{''.join(functions)}</content></operation></request>"
    )


def post(url: str, body: str | bytes, content_type: str = "application/xml", **kwargs) -> requests.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return requests.post(url, data=data, headers={"Content-Type": content_type}, timeout=10, **kwargs)


def parse(response: requests.Response) -> ET.Element:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"] == "text/xml; charset=UTF-8"
    return ET.fromstring(response.content)


def call(url: str, *functions: str, auth: str | None = None, **kwargs) -> ET.Element:
    return parse(post(url, request(auth or login(), *functions, **kwargs)))


def results(root: ET.Element) -> list[ET.Element]:
    return root.findall("./operation/result")


def only_result(root: ET.Element) -> ET.Element:
    found = results(root)
    assert len(found) == 1, ET.tostring(root)[:500]
    return found[0]


def ok_data(root: ET.Element) -> ET.Element:
    result = only_result(root)
    assert result.findtext("status") == "success", ET.tostring(result)[:800]
    return result.find("data")


def records(data: ET.Element) -> list[dict[str, str]]:
    return [{field.tag: field.text or "" for field in record} for record in data]


def errors(parent: ET.Element) -> list[dict[str, str]]:
    return [
        {child.tag: child.text or "" for child in error} for error in parent.findall("./errormessage/error")
    ]


def new_session(url: str, **login_options) -> str:
    data = ok_data(call(url, function("<getAPISession/>"), auth=login(**login_options)))
    return data.findtext("./api/sessionid")


def query(
    obj: str,
    fields: list[str],
    *,
    filter_xml: str = "",
    orderby: str = "",
    pagesize: int | None = None,
    offset: int | None = None,
    options: str = "",
) -> str:
    parts = [
        "<select>" + "".join(f"<field>{f}</field>" for f in fields) + "</select>",
        f"<object>{obj}</object>",
    ]
    if filter_xml:
        parts.append(f"<filter>{filter_xml}</filter>")
    if orderby:
        parts.append(f"<orderby>{orderby}</orderby>")
    if options:
        parts.append(f"<options>{options}</options>")
    if pagesize is not None:
        parts.append(f"<pagesize>{pagesize}</pagesize>")
    if offset is not None:
        parts.append(f"<offset>{offset}</offset>")
    return function("<query>" + "".join(parts) + "</query>")


def read_by_query(obj: str, query_text: str = "", fields: str = "*", pagesize: int | None = None) -> str:
    size = f"<pagesize>{pagesize}</pagesize>" if pagesize is not None else ""
    return function(
        f"<readByQuery><object>{obj}</object><query>{escape(query_text)}</query><fields>{fields}</fields>"
        f"{size}</readByQuery>"
    )
