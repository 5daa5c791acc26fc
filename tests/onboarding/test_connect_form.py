import pytest

from onboarding.connect_form import check_connection_form

GOOD = {"company_id": "ACME-DEMO", "entity_id": "", "user_id": "routable_ws", "password": "Demo-Passw0rd!"}


def check(**changes):
    return check_connection_form(**{**GOOD, **changes})


def test_a_correct_form_has_no_errors():
    assert check() == {}
    assert check(entity_id="E100") == {}
    assert check(company_id="Müller & Söhne") == {}


def test_blank_required_fields_are_each_reported():
    errors = check_connection_form("", "", "  ", "")
    assert set(errors) == {"company_id", "user_id", "password"}
    assert "Company › Setup › Company" in errors["company_id"]
    assert "Web Services user" in errors["user_id"]


def test_entity_is_optional_but_not_just_spaces():
    assert check(entity_id=None) == {}
    assert "top level" in check(entity_id="   ")["entity_id"]


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("company_id", " ACME-DEMO", "at the start"),
        ("company_id", "ACME-DEMO ", "at the end"),
        ("entity_id", " E100 ", "at the start and at the end"),
        ("user_id", "routable_ws ", "at the end"),
    ],
)
def test_leading_and_trailing_spaces_are_named_explicitly(field, value, where):
    message = check(**{field: value})[field]
    assert f"space {where}" in message
    assert "Remove the space" in message


def test_password_with_an_edge_space_is_flagged_without_echoing_it():
    message = check(password="Demo-Passw0rd! ")["password"]
    assert "space" in message and "Demo-Passw0rd" not in message


def test_a_pipe_in_the_company_id_points_to_the_entity_field():
    message = check(company_id="ACME-DEMO|E100")["company_id"]
    assert "Entity ID" in message and "|" in message
    assert "ACME-DEMO" not in message  # values are never echoed (screen-share safe)


def test_a_console_style_company_id_is_explained():
    assert "console" in check(company_id="CONSOLE|ACME|E100")["company_id"]


def test_a_pipe_in_the_entity_or_user_id_is_refused():
    assert "E100" in check(entity_id="ACME|E100")["entity_id"]
    assert "|" in check(user_id="ws|user")["user_id"]


def test_overlong_values_are_refused():
    assert "characters long" in check(company_id="A" * 61)["company_id"]
    assert check(company_id="A" * 60) == {}
    assert "128" in check(password="p" * 129)["password"]


@pytest.mark.parametrize("invisible", ["\u00a0", "\u200b", "\t", "\n", "\x00", "\ufeff", "\ufffe", "\uffff"])
def test_invisible_and_control_characters_are_caught(invisible):
    for field in ("company_id", "entity_id", "user_id"):
        value = GOOD[field] or "E100"
        message = check(**{field: value + invisible})[field]
        assert "invisible" in message and "Retype" in message
    assert "invisible" in check(password="pass" + invisible + "word")["password"]


@pytest.mark.parametrize("value", ["ACME<DEMO>", 'ACME"DEMO', "ACME;DROP", "ACME/DEMO"])
def test_implausible_characters_in_ids_are_named(value):
    message = check(company_id=value)["company_id"]
    assert "characters that Intacct IDs do not use" in message


def test_password_may_contain_any_printable_characters():
    assert check(password='p|a<s>s w"o;r/d') == {}


def test_fixes_are_offered_only_where_the_correction_is_certain():
    from onboarding.connect_form import suggest_fixes

    fixes = suggest_fixes(" ACME-DEMO", "E100 ", "routable_ws")
    assert fixes["company_id"].values == {"company_id": "ACME-DEMO"}
    assert fixes["entity_id"].values == {"entity_id": "E100"}
    assert "user_id" not in fixes

    split = suggest_fixes("ACME-DEMO | E200", "", "routable_ws")
    assert split["company_id"].values == {"company_id": "ACME-DEMO", "entity_id": "E200"}
    # Not when the entity field is taken, absent, or the value is the console's two-bar form.
    assert "company_id" not in suggest_fixes("ACME-DEMO|E200", "E100", "u")
    assert "company_id" not in suggest_fixes("ACME-DEMO|E200", "", "u", entity_field=False)
    assert "company_id" not in suggest_fixes("A|B|C", "", "u")
    # Invisible characters need retyping, not trimming: no fix that would hide them.
    assert suggest_fixes("ACME\u200b-DEMO ", "", "u") == {}
