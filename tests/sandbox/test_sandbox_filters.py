"""Filters and ordering, checked against the sandbox's own records (computed independently in Python)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.sandbox.wire import call, errors, ok_data, only_result, query, read_by_query, records


@pytest.fixture(scope="module")
def vendors(sandbox):
    return sandbox.records("ACME-DEMO", "VENDOR")


@pytest.fixture(scope="module")
def accounts(sandbox):
    return sandbox.records("ACME-DEMO", "GLACCOUNT")


def _numbers(url, obj, filter_xml, **kwargs) -> list[int]:
    data = ok_data(call(url, query(obj, ["RECORDNO"], filter_xml=filter_xml, pagesize=2000, **kwargs)))
    return [int(r["RECORDNO"]) for r in records(data)]


def _expected(rows, keep) -> list[int]:
    return [int(r["RECORDNO"]) for r in rows if keep(r)]


def _op(operator: str, field: str, *values: str) -> str:
    return (
        f"<{operator}><field>{field}</field>"
        + "".join(f"<value>{v}</value>" for v in values)
        + f"</{operator}>"
    )


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%m/%d/%Y %H:%M:%S")


def test_equalto_and_notequalto_treat_empty_as_null(sandbox, vendors):
    inactive = _numbers(sandbox.url, "VENDOR", _op("equalto", "STATUS", "inactive"))
    assert inactive and inactive == _expected(vendors, lambda r: r["STATUS"] == "inactive")
    field = "DISPLAYCONTACT.MAILADDRESS.ADDRESS2"
    not_suite = _numbers(sandbox.url, "VENDOR", _op("notequalto", field, "Suite 100"))
    assert not_suite == _expected(vendors, lambda r: r[field] not in ("", "Suite 100"))
    assert len(not_suite) < len(vendors)  # empty addresses are NULL: not "not equal"


def test_integers_compare_numerically(sandbox):
    assert _numbers(sandbox.url, "VENDOR", _op("lessthan", "RECORDNO", "10")) == list(range(1, 10))
    assert _numbers(sandbox.url, "VENDOR", _op("greaterthan", "RECORDNO", "1995")) == [
        1996,
        1997,
        1998,
        1999,
        2000,
    ]


def test_timestamps_compare_chronologically(sandbox, vendors):
    # As strings, "12/31/2020" > "01/01/2024"; as dates it is the other way round.
    found = _numbers(sandbox.url, "VENDOR", _op("greaterthanorequalto", "WHENCREATED", "01/01/2024"))
    assert found == _expected(vendors, lambda r: _stamp(r["WHENCREATED"]) >= datetime(2024, 1, 1))
    found = _numbers(sandbox.url, "VENDOR", _op("lessthan", "WHENMODIFIED", "03/15/2020 12:30:00"))
    assert found == _expected(vendors, lambda r: _stamp(r["WHENMODIFIED"]) < datetime(2020, 3, 15, 12, 30))
    assert found


def test_between_on_a_currency_field(sandbox, vendors):
    found = _numbers(sandbox.url, "VENDOR", _op("between", "CREDITLIMIT", "1000", "5000"))
    assert found == _expected(
        vendors, lambda r: r["CREDITLIMIT"] != "" and 1000 <= Decimal(r["CREDITLIMIT"]) <= 5000
    )
    assert found


def test_in_and_notin(sandbox, vendors):
    terms = ("Net 15", "Net 45")
    found = _numbers(sandbox.url, "VENDOR", _op("in", "TERMNAME", *terms))
    assert found and found == _expected(vendors, lambda r: r["TERMNAME"] in terms)
    found = _numbers(sandbox.url, "VENDOR", _op("notin", "TERMNAME", *terms))
    assert found == _expected(vendors, lambda r: r["TERMNAME"] not in terms)


def test_like_and_notlike(sandbox, vendors):
    found = _numbers(sandbox.url, "VENDOR", _op("like", "NAME", "S%"))
    assert found and found == _expected(vendors, lambda r: r["NAME"].startswith("S"))
    found = _numbers(sandbox.url, "VENDOR", _op("notlike", "NAME", "%Inc."))
    assert found == _expected(vendors, lambda r: not r["NAME"].endswith("Inc."))
    assert _numbers(sandbox.url, "VENDOR", _op("like", "VENDORID", "V0000_")) == list(range(1, 10))


def test_isnull_and_isnotnull(sandbox, vendors):
    with_parent = _numbers(sandbox.url, "VENDOR", _op("isnotnull", "PARENTID"))
    assert with_parent and with_parent == _expected(vendors, lambda r: r["PARENTID"] != "")
    assert len(_numbers(sandbox.url, "VENDOR", _op("isnull", "PARENTID"))) == len(vendors) - len(with_parent)


def test_nested_and_or(sandbox, accounts):
    filter_xml = (
        "<and>"
        + _op("equalto", "ACCOUNTTYPE", "incomestatement")
        + "<or>"
        + _op("equalto", "REQUIREDEPT", "true")
        + _op("like", "TITLE", "Travel%")
        + "</or>"
        + _op("equalto", "STATUS", "active")
        + "</and>"
    )
    found = _numbers(sandbox.url, "GLACCOUNT", filter_xml)
    assert found and found == _expected(
        accounts,
        lambda r: (
            r["ACCOUNTTYPE"] == "incomestatement"
            and (r["REQUIREDEPT"] == "true" or r["TITLE"].startswith("Travel"))
            and r["STATUS"] == "active"
        ),
    )


def test_strings_are_case_sensitive_unless_asked(sandbox):
    lower = _op("equalto", "NAME", "müller gmbh")
    assert _numbers(sandbox.url, "VENDOR", lower) == []
    options = "<caseinsensitive>true</caseinsensitive>"
    assert 1 in _numbers(sandbox.url, "VENDOR", lower, options=options)


def test_orderby_several_fields(sandbox, vendors):
    orderby = (
        "<order><field>TERMNAME</field><ascending/></order>"
        "<order><field>CREDITLIMIT</field><descending/></order>"
    )
    data = ok_data(call(sandbox.url, query("VENDOR", ["RECORDNO"], orderby=orderby, pagesize=2000)))
    got = [int(r["RECORDNO"]) for r in records(data)]

    def credit_desc(r):  # descending puts empty (NULL) values first, then larger amounts
        return (0, 0) if r["CREDITLIMIT"] == "" else (1, -Decimal(r["CREDITLIMIT"]))

    expected = sorted(vendors, key=lambda r: (r["TERMNAME"], credit_desc(r), int(r["RECORDNO"])))
    assert got == [int(r["RECORDNO"]) for r in expected]


@pytest.mark.parametrize(
    ("query_text", "keep"),
    [
        (
            "ACCOUNTTYPE = 'I' AND STATUS = 'T'",
            lambda r: r["ACCOUNTTYPE"] == "incomestatement" and r["STATUS"] == "active",
        ),
        (
            "ACCOUNTTYPE = 'incomestatement' AND STATUS = 'active'",
            lambda r: r["ACCOUNTTYPE"] == "incomestatement" and r["STATUS"] == "active",
        ),
        (
            "accounttype = 'N' and not status = 'T'",
            lambda r: r["ACCOUNTTYPE"] == "balancesheet" and r["STATUS"] != "active",
        ),
        ("ACCOUNTNO IN ('1000', '2000', '6200')", lambda r: r["ACCOUNTNO"] in ("1000", "2000", "6200")),
        (
            "TITLE LIKE 'Travel - %' OR (CATEGORY = 'Insurance' AND REQUIREDEPT = 'true')",
            lambda r: (
                r["TITLE"].startswith("Travel - ")
                or (r["CATEGORY"] == "Insurance" and r["REQUIREDEPT"] == "true")
            ),
        ),
        ("CLOSINGACCOUNTNO IS NULL", lambda r: r["CLOSINGACCOUNTNO"] == ""),
        (
            "RECORDNO >= 390 AND RECORDNO <> 395",
            lambda r: int(r["RECORDNO"]) >= 390 and r["RECORDNO"] != "395",
        ),
        ("", lambda r: True),
    ],
)
def test_read_by_query_strings(sandbox, accounts, query_text, keep):
    data = ok_data(
        call(sandbox.url, read_by_query("GLACCOUNT", query_text, fields="RECORDNO", pagesize=1000))
    )
    assert [int(r["RECORDNO"]) for r in records(data)] == _expected(accounts, keep)


def test_read_by_query_escaped_quotes_and_ampersands(sandbox):
    text = "NAME = 'O\\'Reilly Freight & Storage' OR NAME = 'Smith & Sons Plumbing'"
    data = ok_data(call(sandbox.url, read_by_query("VENDOR", text, fields="NAME")))
    assert sorted(r["NAME"] for r in records(data)) == ["O'Reilly Freight & Storage", "Smith & Sons Plumbing"]


@pytest.mark.parametrize(
    "bad",
    [
        "STATUS = ",
        "STATUS === 'T'",
        "(STATUS = 'T'",
        "NOSUCH = 'x'",
        "RECORDNO > 'abc'",
        "WHENMODIFIED > '2025-13-45x'",
    ],
)
def test_bad_query_strings_fail_with_a_reason(sandbox, bad):
    [error] = errors(only_result(call(sandbox.url, read_by_query("VENDOR", bad))))
    assert error["errorno"] == "Query Failed" and error["description2"]


def test_bad_filters_fail_with_a_reason(sandbox):
    root = call(
        sandbox.url,
        query("VENDOR", ["RECORDNO"], filter_xml=_op("equalto", "NOSUCH", "x")),
        query("VENDOR", ["RECORDNO"], filter_xml=_op("lessthan", "WHENMODIFIED", "yesterday")),
    )
    for result in root.findall("./operation/result"):
        [error] = errors(result)
        assert error["errorno"] == "Query Failed"
    assert "NOSUCH" in errors(root.findall("./operation/result")[0])[0]["description2"]
    assert "MM/DD/YYYY" in errors(root.findall("./operation/result")[1])[0]["description2"]
