"""Paging at both functions' limits: query by offset (2,000 a page), readByQuery + readMore (1,000 a page)."""

from __future__ import annotations

import pytest

from tests.sandbox.wire import (
    call,
    errors,
    function,
    new_session,
    ok_data,
    only_result,
    query,
    read_by_query,
    records,
    session,
)


@pytest.fixture(scope="module")
def big(request):
    from intacct.sandbox import start

    handle = start(vendors=4001, accounts=30, max_concurrent=4)
    request.addfinalizer(handle.stop)
    return handle


def test_count_query_then_offset_pages_of_2000(big):
    count = ok_data(call(big.url, query("VENDOR", ["RECORDNO"], pagesize=1)))
    assert count.attrib == {
        "listtype": "VENDOR",
        "totalcount": "4001",
        "offset": "0",
        "count": "1",
        "numremaining": "4000",
    }
    seen: list[int] = []
    pages = []
    for offset in range(0, 4001, 2000):
        data = ok_data(
            call(
                big.url, query("VENDOR", ["RECORDNO", "DISPLAYCONTACT.EMAIL1"], pagesize=2000, offset=offset)
            )
        )
        pages.append((data.get("offset"), data.get("count"), data.get("numremaining")))
        assert all(record.tag == "VENDOR" for record in data)
        seen.extend(int(r["RECORDNO"]) for r in records(data))
    assert pages == [("0", "2000", "2001"), ("2000", "2000", "1"), ("4000", "1", "0")]
    assert seen == list(range(1, 4002))  # default order is RECORDNO, stable across pages


def test_offset_past_the_end_is_an_empty_page(big):
    data = ok_data(call(big.url, query("VENDOR", ["RECORDNO"], pagesize=10, offset=5000)))
    assert (data.get("count"), data.get("numremaining"), len(data)) == ("0", "0", 0)


def test_default_query_page_is_100(big):
    data = ok_data(call(big.url, query("VENDOR", ["RECORDNO"])))
    assert data.get("count") == "100" and len(data) == 100


def test_query_page_above_2000_is_a_schema_error(big):
    root = call(big.url, query("VENDOR", ["RECORDNO"], pagesize=2001))
    assert root.findtext("./control/status") == "failure"
    [error] = errors(root)
    assert error["errorno"] == "XL03000003"
    assert "greater than the maximum value allowed ('2000')" in error["description2"]


def test_read_by_query_pages_of_1000_then_read_more(big):
    session_id = new_session(big.url)
    first = ok_data(
        call(
            big.url, read_by_query("VENDOR", fields="RECORDNO,NAME", pagesize=1000), auth=session(session_id)
        )
    )
    result_id = first.get("resultId")
    assert result_id
    assert (
        first.get("listtype"),
        first.get("count"),
        first.get("totalcount"),
        first.get("numremaining"),
    ) == ("vendor", "1000", "4001", "3001")
    assert all(record.tag == "vendor" for record in first)
    seen = [int(r["RECORDNO"]) for r in records(first)]
    remaining = [int(first.get("numremaining"))]
    while remaining[-1] > 0:
        root = call(
            big.url,
            function(f"<readMore><resultId>{result_id}</resultId></readMore>"),
            auth=session(session_id),
        )
        result = only_result(root)
        assert result.findtext("function") == "readMore"
        data = ok_data(root)
        assert data.get("resultId") == result_id and data.get("totalcount") == "4001"
        remaining.append(int(data.get("numremaining")))
        seen.extend(int(r["RECORDNO"]) for r in records(data))
    assert remaining == [3001, 2001, 1001, 1, 0]
    assert seen == list(range(1, 4002))
    # The finished result is forgotten.
    root = call(
        big.url, function(f"<readMore><resultId>{result_id}</resultId></readMore>"), auth=session(session_id)
    )
    assert only_result(root).findtext("status") == "failure"


def test_read_more_by_object_continues_the_latest_read_by_query(big):
    session_id = new_session(big.url)
    call(
        big.url,
        read_by_query("VENDOR", "STATUS = 'T'", fields="RECORDNO", pagesize=1000),
        auth=session(session_id),
    )
    data = ok_data(
        call(big.url, function("<readMore><object>VENDOR</object></readMore>"), auth=session(session_id))
    )
    numbers = [int(r["RECORDNO"]) for r in records(data)]
    assert len(numbers) == 1000 and numbers == sorted(numbers) and numbers[0] > 1000


def test_result_ids_belong_to_their_session(big):
    mine, theirs = new_session(big.url), new_session(big.url)
    first = ok_data(call(big.url, read_by_query("VENDOR", pagesize=10), auth=session(mine)))
    root = call(
        big.url,
        function(f"<readMore><resultId>{first.get('resultId')}</resultId></readMore>"),
        auth=session(theirs),
    )
    assert errors(only_result(root))[0]["errorno"] == "DL02000001"


def test_single_page_read_by_query_has_empty_result_id(big):
    data = ok_data(call(big.url, read_by_query("APTERM", pagesize=1000)))
    assert data.get("resultId") == "" and data.get("numremaining") == "0"
    assert data.get("count") == data.get("totalcount") == str(len(data))


def test_read_by_query_defaults_to_100_and_refuses_more_than_1000(big):
    default = ok_data(call(big.url, read_by_query("VENDOR", fields="RECORDNO")))
    assert default.get("count") == "100"
    root = call(big.url, read_by_query("VENDOR", pagesize=1001))
    [error] = errors(only_result(root))
    assert error["errorno"] == "Query Failed" and "1 to 1000" in error["description2"]
