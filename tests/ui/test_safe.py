"""What an unexpected error leaves in the log: where it happened, never the free text it carried."""

from intacct.errors import SenderNotAuthorizedError
from ui.display import redact, shown
from ui.safe import describe_for_log


def _raise(error):
    try:
        raise error
    except Exception as caught:  # noqa: BLE001 - we want the traceback attached
        return caught


def test_log_line_names_type_and_place_but_not_the_message():
    line = describe_for_log(_raise(ValueError("password=Hunter2-Typed!")))

    assert line.startswith("ValueError at test_safe.py:")
    assert "Hunter2" not in line


def test_intacct_errors_keep_their_server_code_in_the_log():
    error = SenderNotAuthorizedError("Invalid Web Services Authorization", code="XL03000006")
    assert "XL03000006" in describe_for_log(_raise(error))


def test_identifiers_are_masked_only_in_screen_share_mode():
    assert shown("ACME-DEMO", screen_share=False) == "ACME-DEMO"
    assert shown("ACME-DEMO", screen_share=True) == "AC•••••O"
    note = "Signed in to ACME-DEMO as routable_ws"
    assert redact(note, ["ACME-DEMO", "routable_ws", None], True) == "Signed in to AC•••••O as ro•••••s"
    assert redact(note, ["ACME-DEMO"], False) == note
