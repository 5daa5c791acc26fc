"""The sandbox's shortcuts for big pages give exactly what the plain ways give: the same generated
vendors, the same JSON bytes, the same records for RECORDNO ranges and orders."""

import hashlib
import json

from intacct.sandbox.vendors import EntityRef, VendorSource
from tests.sandbox.wire import call, login, ok_data, post, query, records, request

FIELDS = ["RECORDNO", "VENDORID", "NAME", "COMMENTS", "DISPLAYCONTACT.EMAIL1", "WHENMODIFIED", "MEGAENTITYID"]


def _fingerprint(source: VendorSource) -> str:
    digest = hashlib.sha256()
    for recno in range(1, source.count + 1):
        digest.update(json.dumps(source.record(recno), ensure_ascii=False).encode())
        one_by_one = ("NAME", "STATUS", "WHENCREATED", "WHENMODIFIED", "MEGAENTITYID", "CURRENCY")
        digest.update("|".join(source.value(recno, f) for f in one_by_one).encode())
    return digest.hexdigest()


def test_generated_vendors_are_the_ones_every_earlier_version_made():
    # Digests of every field of every record, taken before the generator was made faster: data that
    # demos, tests and saved local files were built on must not drift.
    entities = (EntityRef("E100", "North", 1, "USD"), EntityRef("E200", "Europe", 2, "EUR"))
    with_entities = VendorSource(
        count=5000, seed=7, salt="ACME-DEMO:VENDOR", entities=entities, entity_share_pct=25
    )
    plain = VendorSource(
        count=3000, seed=9, salt="SOLO-DEMO:VENDOR", curated=False, term_names=("Net 30", "Net 15")
    )
    assert _fingerprint(with_entities) == "5391d4ce7e21541245c16289593b2a9e7cab14da8dbe8fd0c97d898dfe7570ab"
    assert _fingerprint(plain) == "83c9902d6990cf6c275d07a11fbae17479b505a96d40fa2b7ca2b3dd250c0320"


def _json_query(url: str, fields: list[str], filter_xml: str = "", orderby: str = "") -> bytes:
    body = request(
        login(),
        query("VENDOR", fields, filter_xml=filter_xml, orderby=orderby, pagesize=2000,
              options="<returnformat>json</returnformat>"),
    )  # fmt: skip
    response = post(url, body)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    return response.content


def test_json_pages_are_byte_for_byte_what_json_dumps_writes_and_xml_agrees(make_sandbox):
    box = make_sandbox(vendors=60)
    awkward = 'Quote " back\\slash, tab\tnew\nline, bell\x07, 100% "Café" 💥 \u2028'
    box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "V-ODD", "NAME": awkward, "COMMENTS": "%s %d {}"})

    body = _json_query(box.url, FIELDS)

    expected = [{f: r[f] for f in FIELDS} for r in box.records("ACME-DEMO", "VENDOR")]
    assert body == json.dumps(expected, ensure_ascii=False).encode()
    assert json.loads(body)[-1]["NAME"] == awkward
    # The XML form of the same page carries the same text, less what XML 1.0 cannot hold (the bell).
    xml_rows = records(ok_data(call(box.url, query("VENDOR", FIELDS, pagesize=2000))))
    assert xml_rows[:-1] == expected[:-1]
    assert xml_rows[-1] == {**expected[-1], "NAME": awkward.replace("\x07", "")}


def _range(low: int, high: int) -> str:
    return (
        f"<and><greaterthan><field>RECORDNO</field><value>{low}</value></greaterthan>"
        f"<lessthanorequalto><field>RECORDNO</field><value>{high}</value></lessthanorequalto></and>"
    )


def test_recordno_ranges_and_orders_give_what_filtering_each_record_gives(make_sandbox):
    box = make_sandbox(vendors=300)
    box.delete_record("ACME-DEMO", "VENDOR", 120)
    created = int(box.create_record("ACME-DEMO", "VENDOR", {"VENDORID": "V-NEW", "NAME": "New Vendor"}))
    every = [int(r["RECORDNO"]) for r in box.records("ACME-DEMO", "VENDOR")]

    def numbers(filter_xml: str, orderby: str = "") -> list[int]:
        data = ok_data(call(box.url, query("VENDOR", ["RECORDNO"], filter_xml=filter_xml, orderby=orderby,
                                           pagesize=2000)))  # fmt: skip
        return [int(r["RECORDNO"]) for r in records(data)]

    ascending = "<order><field>RECORDNO</field><ascending/></order>"
    descending = "<order><field>RECORDNO</field><descending/></order>"
    assert numbers(_range(100, 200), ascending) == [n for n in every if 100 < n <= 200]
    assert numbers(_range(250, created), descending) == [n for n in reversed(every) if 250 < n <= created]
    # Bounds that are not the whole filter: the rest still decides.
    among = "<in><field>RECORDNO</field><value>3</value><value>120</value><value>250</value></in>"
    assert numbers(among, ascending) == [3, 250]
    name_is = "<equalto><field>NAME</field><value>New Vendor</value></equalto>"
    with_name = f"<and>{_range(0, created)}{name_is}</and>"
    assert numbers(with_name) == [created]
    json_rows = json.loads(_json_query(box.url, ["RECORDNO", "NAME"], _range(110, 130), ascending))
    assert [int(r["RECORDNO"]) for r in json_rows] == [n for n in every if 110 < n <= 130]
