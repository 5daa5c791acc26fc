import ast
from pathlib import Path

import pytest

import intacct
import intacct.sync
from intacct import errors


def _names_bound_by(module) -> set[str]:
    """The public names a package's __init__ binds itself (imports and assignments), from its source."""
    tree = ast.parse(Path(module.__file__).read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_") and n != "annotations"}


@pytest.mark.parametrize("module", [intacct, intacct.sync], ids=lambda m: m.__name__)
def test_public_names_are_exactly_the_ones_the_package_exports(module):
    assert sorted(module.__all__) == sorted(_names_bound_by(module))
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name)


def test_every_error_class_is_an_intacct_error_with_a_level_and_hint():
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type):
            error = cls("boom")
            assert isinstance(error, errors.IntacctError)
            assert error.level in errors.LEVELS
            assert error.hint.endswith(".")


def test_plain_http_is_refused_off_loopback():
    with pytest.raises(ValueError, match="https"):
        intacct.IntacctClient("s", "p", endpoint="http://api.intacct.com/ia/xml/xmlgw.phtml")
    intacct.IntacctClient("s", "p", endpoint="http://127.0.0.1:9/ia/xml/xmlgw.phtml")
    intacct.IntacctClient("s", "p", endpoint="https://api.intacct.com/ia/xml/xmlgw.phtml")
