"""diagnose() on constructed errors; tests/onboarding/test_connection.py covers errors from the sandbox."""

import pytest

import intacct
from intacct import errors
from onboarding.diagnosis import diagnose
from onboarding.steps import SENDER_ID


@pytest.mark.parametrize(
    ("error", "step_key", "retryable"),
    [
        (
            errors.SenderNotAuthorizedError("Invalid Web Services Authorization", code="XL03000006"),
            "web_services",
            False,
        ),
        (errors.LoginError("Sign-in information is incorrect", code="XL03000006"), "ws_user", False),
        (errors.EntityError("Invalid location", code="XL03000006"), "ids", False),
        (
            errors.PermissionDeniedError("no permission", code="PL04000005", object="GLACCOUNT"),
            "ws_user",
            False,
        ),
        (errors.SessionExpiredError("Invalid session"), "connect", True),
        (errors.SenderCredentialsError("Incorrect Intacct XML Partner ID or password."), None, False),
        (errors.RateLimitError("busy", code="GW-0010"), None, True),
        (errors.ServerError("HTTP 503"), None, True),
        (errors.TransportError("connection refused"), None, True),
        (errors.ResponseParseError("not xml"), None, True),
        (errors.ObjectNotFoundError("Object definition PROJECT not found", object="PROJECT"), None, False),
        (errors.IntacctError("something else", code="BL01001973"), None, False),
    ],
)
def test_each_error_class_points_to_the_right_step(error, step_key, retryable):
    diagnosis = diagnose(error)
    assert diagnosis.step_key == step_key
    assert diagnosis.retryable is retryable
    assert diagnosis.code == error.code
    assert diagnosis.title and diagnosis.message and diagnosis.fix


def test_sender_not_authorized_names_the_sender_id_and_the_menu():
    diagnosis = diagnose(errors.SenderNotAuthorizedError("x"))
    assert SENDER_ID in diagnosis.fix
    assert "Web Services authorizations" in diagnosis.fix and "Active" in diagnosis.fix
    assert diagnosis.step_title == "Turn on Web Services and authorize our sender ID"
    assert "OtherMPP" in diagnose(errors.SenderNotAuthorizedError("x"), sender_id="OtherMPP").fix


def test_login_error_also_suggests_checking_the_company_id():
    diagnosis = diagnose(errors.LoginError("x"))
    assert "Company ID" in diagnosis.fix and "Find your Company ID" in diagnosis.fix


def test_entity_error_wording_depends_on_whether_an_entity_was_typed():
    typed = diagnose(errors.EntityError("x"), entity_id="E999")
    top = diagnose(errors.EntityError("x"), entity_id="")
    assert "does not exist" in typed.message
    assert "top level" in top.message


def test_permission_denied_names_the_object_and_the_permission_to_add():
    diagnosis = diagnose(errors.PermissionDeniedError("x", object="GLACCOUNT"))
    assert "GL accounts" in diagnosis.title
    assert "General Ledger" in diagnosis.fix and "Accounts" in diagnosis.fix and "List, View" in diagnosis.fix


def test_our_side_and_transient_errors_say_there_is_nothing_to_fix_in_intacct():
    for error in (errors.SenderCredentialsError("x"), errors.TransportError("x"), errors.RateLimitError("x")):
        assert "Nothing to change in Intacct" in diagnose(error).fix
    assert "support" in diagnose(errors.SenderCredentialsError("x")).fix


@pytest.mark.parametrize(
    ("company", "user", "password", "entity", "sender_password", "error_class", "step_key"),
    [
        (
            "NOAUTH-DEMO",
            "routable_ws",
            "Demo-Passw0rd!",
            None,
            None,
            errors.SenderNotAuthorizedError,
            "web_services",
        ),
        ("ACME-DEMO", "routable_ws", "wrong", None, None, errors.LoginError, "ws_user"),
        ("ACME-DEMO", "routable_ws", "Demo-Passw0rd!", "E999", None, errors.EntityError, "ids"),
        ("ACME-DEMO", "entity_ws", "Demo-Passw0rd!", None, None, errors.EntityError, "ids"),
        (
            "ACME-DEMO",
            "routable_ws",
            "Demo-Passw0rd!",
            None,
            "wrong-sender",
            errors.SenderCredentialsError,
            None,
        ),
    ],
)
def test_real_sign_in_errors_from_the_sandbox(
    sandbox, company, user, password, entity, sender_password, error_class, step_key
):
    with (
        intacct.IntacctClient(
            SENDER_ID, sender_password or "sandbox-sender-secret", endpoint=sandbox.url, backoff_base=0.001
        ) as client,
        pytest.raises(errors.IntacctError) as info,
    ):
        client.login(company, user, password, entity_id=entity)
    assert type(info.value) is error_class
    assert diagnose(info.value, entity_id=entity).step_key == step_key
