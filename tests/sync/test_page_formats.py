"""JSON pages inside bounded chunks: cheaper to produce and read, and, without the gateway's counters,
still exact: nothing skipped, nothing read twice, deletions still found."""

from types import SimpleNamespace

from intacct.sync import _engine, sync_objects
from intacct.sync._engine import _remaining


def _note_formats(session) -> list[tuple[str, str]]:
    """Record (object, format) of every page the sync asks for; the requests still go to the sandbox."""
    seen: list[tuple[str, str]] = []
    real = session.query_page

    def query_page(object_name, fields, **options):
        seen.append((object_name, options.get("format", "xml")))
        return real(object_name, fields, **options)

    session.query_page = query_page
    return seen


def test_first_pages_and_open_ranges_are_xml_and_bounded_chunks_json(make_sandbox, login, tables, tmp_path):
    box = make_sandbox(vendors=7000, accounts=300)
    session = login(box.url)
    seen = _note_formats(session)

    report = sync_objects(session, tmp_path / "i.db")

    assert report.ok
    vendor_formats = sorted(fmt for name, fmt in seen if name == "VENDOR")
    # 1..2000 (first page), then (6000, open) as XML; (2000, 4000] and (4000, 6000] as JSON.
    assert vendor_formats == ["json", "json", "xml", "xml"]
    # The other objects fit in one page each: they came together in one batched (XML) request.
    assert {name for name, _fmt in seen} == {"VENDOR"}
    assert report.objects["VENDOR"].pages == 4 and report.objects["VENDOR"].fetched == 7000
    assert tables.local(tmp_path / "i.db", "VENDOR") == tables.remote(box, "VENDOR")


def test_a_chunk_fuller_than_planned_is_read_to_its_end_and_deletions_in_it_are_found(
    make_sandbox, login, tables, monkeypatch, tmp_path
):
    # Small pages, and a first page twice as sparse as the rest: every chunk planned from its density
    # holds two pages' worth, so JSON pages come back full short of their bound and must be followed up.
    monkeypatch.setattr(_engine, "PAGE_SIZE", 50)
    box = make_sandbox(vendors=400)
    for recordno in range(2, 101, 2):
        box.delete_record("ACME-DEMO", "VENDOR", recordno)
    db = tmp_path / "i.db"
    session = login(box.url)
    seen = _note_formats(session)

    first = sync_objects(session, db, ["VENDOR"])

    assert first.ok and first.objects["VENDOR"].fetched == 350
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
    assert ("VENDOR", "json") in seen
    # 350 records at 50 a page: 7 full pages, plus the short and empty pages that end planned chunks.
    assert first.objects["VENDOR"].pages == 10

    # Gone from the middle of chunks read as JSON: a full run marks them deleted locally.
    box.delete_record("ACME-DEMO", "VENDOR", 150)
    box.delete_record("ACME-DEMO", "VENDOR", 275)
    box.update_record("ACME-DEMO", "VENDOR", 180, {"NAME": "Renamed In A JSON Chunk"})
    again = sync_objects(session, db, ["VENDOR"], incremental=False)

    vendor = again.objects["VENDOR"]
    assert (vendor.fetched, vendor.inserted, vendor.updated, vendor.deleted) == (348, 0, 1, 2)
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")
    assert set(tables.local(db, "VENDOR", deleted=True)) == {150, 275}


def _page(count=None):
    return SimpleNamespace(num_remaining=count)


def _rows(first, last, step=1):
    return [(n,) for n in range(first, last + 1, step)]


def test_what_a_page_says_remains_in_its_chunk():
    size = _engine.PAGE_SIZE
    # XML pages carry the gateway's count, which wins.
    assert _remaining(_page(7), _rows(1, size), 10**6) == 7
    # JSON: a short page ends its chunk, and so does a full one that reached the chunk's bound.
    assert _remaining(_page(), _rows(1, size - 1), 10**6) == 0
    assert _remaining(_page(), _rows(1, size), size) == 0
    # A full page short of its bound: the rest is guessed at this page's density (every 3rd number).
    assert _remaining(_page(), _rows(3, 3 * size, 3), 3 * size + 3 * 500) == 500
    # Open-ended (only if a gateway ignored the format): at least one more page.
    assert _remaining(_page(), _rows(1, size), None) == size
