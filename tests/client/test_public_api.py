import intacct
from intacct import errors


def test_public_names_are_exactly_the_documented_ones():
    assert sorted(intacct.__all__) == sorted(
        [
            "DEFAULT_ENDPOINT",
            "ClientStats",
            "F",
            "Filter",
            "IntacctClient",
            "IntacctError",
            "Page",
            "PageRequest",
            "Session",
            "errors",
        ]
    )
    for name in intacct.__all__:
        assert hasattr(intacct, name)


def test_every_error_class_is_an_intacct_error_with_a_level_and_hint():
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type):
            error = cls("boom")
            assert isinstance(error, errors.IntacctError)
            assert error.level in errors.LEVELS
            assert error.hint.endswith(".")


def test_plain_http_is_refused_off_loopback():
    import pytest

    with pytest.raises(ValueError, match="https"):
        intacct.IntacctClient("s", "p", endpoint="http://api.intacct.com/ia/xml/xmlgw.phtml")
    intacct.IntacctClient("s", "p", endpoint="http://127.0.0.1:9/ia/xml/xmlgw.phtml")
    intacct.IntacctClient("s", "p", endpoint="https://api.intacct.com/ia/xml/xmlgw.phtml")
