from datetime import datetime

import pytest

from intacct import F


def test_filters_render_to_query_xml_with_values_escaped():
    where = (F("RECORDNO") > 10) & (F("NAME") == "A&B <x> ]]>")
    assert where.to_xml() == (
        "<and><greaterthan><field>RECORDNO</field><value>10</value></greaterthan>"
        "<equalto><field>NAME</field><value>A&amp;B &lt;x&gt; ]]&gt;</value></equalto></and>"
    )


def test_datetimes_use_intacct_format():
    where = F("WHENMODIFIED") >= datetime(2026, 3, 4, 5, 6, 7)
    assert "<value>03/04/2026 05:06:07</value>" in where.to_xml()


def test_nested_or_and_flattening():
    where = (F("A") == 1) | (F("B") == 2) | (F("C").isnull())
    assert where.to_xml().count("<or>") == 1
    assert "<isnull><field>C</field></isnull>" in where.to_xml()


def test_query_text_quotes_and_escapes_values():
    where = (F("NAME") == "Jane's Deli") & F("STATUS").isin(["active", "x' OR '1'='1"])
    text = where.to_query_text()
    assert "NAME = 'Jane\\'s Deli'" in text
    assert "'x\\' OR \\'1\\'=\\'1'" in text


@pytest.mark.parametrize("bad", ["", "NAME; DROP", "A B", "<x>", "1ABC", "A..B"])
def test_field_names_are_validated(bad):
    with pytest.raises(ValueError):
        F(bad)


def test_in_list_size_is_bounded():
    with pytest.raises(ValueError):
        F("X").isin([])
    with pytest.raises(ValueError):
        F("X").isin(range(1001))
