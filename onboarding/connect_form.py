"""Checks on the Connect form, run before any network call.

Each message says what is wrong and how to fix it. Messages never repeat the value typed, so they are
safe in screen-share mode and can never echo a password.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from onboarding.steps import MENU_COMPANY_INFO

FIELD_COMPANY = "company_id"
FIELD_ENTITY = "entity_id"
FIELD_USER = "user_id"
FIELD_PASSWORD = "password"

FIELD_LABELS = {
    FIELD_COMPANY: "Company ID",
    FIELD_ENTITY: "Entity ID",
    FIELD_USER: "User ID",
    FIELD_PASSWORD: "Password",
}

MAX_ID_LENGTH = 60
MAX_PASSWORD_LENGTH = 128

# Letters (any script), digits, and the punctuation seen in real Intacct IDs. Anything else is more
# likely a copy-paste accident than part of an ID.
_ID_ALLOWED = re.compile(r"^[\w.\-&' @]+$")


def check_connection_form(
    company_id: str | None, entity_id: str | None, user_id: str | None, password: str | None
) -> dict[str, str]:
    """Field name -> message for every problem found; an empty dict means the form may be submitted."""
    errors: dict[str, str] = {}
    for field, message in (
        (FIELD_COMPANY, _check_company(company_id or "")),
        (FIELD_ENTITY, _check_entity(entity_id or "")),
        (FIELD_USER, _check_user(user_id or "")),
        (FIELD_PASSWORD, _check_password(password or "")),
    ):
        if message:
            errors[field] = message
    return errors


def _check_company(value: str) -> str | None:
    label = FIELD_LABELS[FIELD_COMPANY]
    if not value.strip():
        return (
            f"Enter your Company ID. You find it in Intacct under {MENU_COMPANY_INFO}, in the ID field."
        )
    if "|" in value:
        if value.count("|") >= 2:
            return (
                "The Company ID contains two | characters, which is the console sign-in form. Connect "
                "with the client company's own Company ID instead, and put the entity in the Entity ID "
                "field if you connect at entity level."
            )
        return (
            "The Company ID contains a | character. Intacct sometimes writes 'company|entity' to sign "
            "in to an entity, but this form has its own Entity ID field: put the part before the | in "
            "Company ID and the part after it in Entity ID."
        )
    return _check_identifier(value, label, example="ACME-CORP")


def _check_entity(value: str) -> str | None:
    label = FIELD_LABELS[FIELD_ENTITY]
    if value == "":
        return None
    if not value.strip():
        return "The Entity ID contains only spaces. Clear the field to connect at top level, or type the ID."
    if "|" in value:
        return (
            "The Entity ID contains a | character. Enter only the entity's own ID (for example E100), "
            "exactly as it appears in Intacct's list of entities."
        )
    return _check_identifier(value, label, example="E100")


def _check_user(value: str) -> str | None:
    label = FIELD_LABELS[FIELD_USER]
    if not value.strip():
        return "Enter the user ID of the Web Services user you created for Routable (we suggested Routable)."
    if "|" in value:
        return "The User ID contains a | character, which user IDs cannot have. Type the user ID only."
    return _check_identifier(value, label, example="Routable")


def _check_password(value: str) -> str | None:
    if value == "":
        return "Enter the password of the Web Services user."
    if _has_invisible(value):
        return (
            "The password contains an invisible or control character, usually picked up when copying "
            "from a document or chat. Type the password by hand."
        )
    if _edge_space(value):
        return (
            "The password starts or ends with a space. That almost always comes from copying it; remove "
            "the space and try again."
        )
    if len(value) > MAX_PASSWORD_LENGTH:
        return (
            f"The password is longer than {MAX_PASSWORD_LENGTH} characters, which Intacct does not allow. "
            "Check that you pasted only the password."
        )
    return None


def _check_identifier(value: str, label: str, *, example: str) -> str | None:
    if _has_invisible(value):
        return (
            f"The {label} contains an invisible character (a non-breaking or zero-width space, a tab or "
            f"a line break), usually copied along from a web page or document. Retype the {label} by hand."
        )
    if _edge_space(value):
        where = _edge_description(value)
        return (
            f"The {label} has a space {where}. Intacct compares IDs exactly, so a stray space is a "
            f"common reason for a refused sign-in. Remove the space and try again."
        )
    if len(value) > MAX_ID_LENGTH:
        return (
            f"The {label} is {len(value)} characters long; Intacct IDs are much shorter (for example "
            f"{example}). Check that you pasted only the ID."
        )
    if not _ID_ALLOWED.match(value):
        bad = sorted({c for c in value if not _ID_ALLOWED.match(c)})
        shown = " ".join(bad[:5])
        return (
            f"The {label} contains characters that Intacct IDs do not use ({shown}). Copy the ID again "
            f"from Intacct; it looks like {example}."
        )
    return None


def _edge_space(value: str) -> bool:
    return value != value.strip()


def _edge_description(value: str) -> str:
    leading = value != value.lstrip()
    trailing = value != value.rstrip()
    if leading and trailing:
        return "at the start and at the end"
    return "at the start" if leading else "at the end"


def _has_invisible(value: str) -> bool:
    """Control and formatting characters, noncharacters (XML cannot carry U+FFFE), and odd spaces."""
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cn", "Cs", "Zl", "Zp"):
            return True
        if category == "Zs" and char != " ":
            return True
    return False


@dataclass(frozen=True)
class FormFix:
    """A correction the app can make for the user: `label` names it on a button, `values` are the new
    contents of the fields it changes (field name -> value)."""

    label: str
    values: dict[str, str]


def suggest_fixes(
    company_id: str | None, entity_id: str | None, user_id: str | None, *, entity_field: bool = True
) -> dict[str, FormFix]:
    """Field name -> the one-click fix for mistakes with a single obvious correction.

    Only unambiguous cases get one: spaces around an ID (never inside it), and one | in the Company ID
    when there is an Entity ID field (``entity_field``) and it is free to take the part after it.
    Passwords are never touched: a space may be part of one, and a password is never sent back to the
    page.
    """
    fixes: dict[str, FormFix] = {}
    company, entity, user = company_id or "", entity_id or "", user_id or ""
    if entity_field and company.count("|") == 1 and not entity.strip():
        before, after = (part.strip() for part in company.split("|"))
        if before and after:
            fixes[FIELD_COMPANY] = FormFix(
                "Split it: the part before | as Company ID, the part after as Entity ID",
                {FIELD_COMPANY: before, FIELD_ENTITY: after},
            )
    for field, value in ((FIELD_COMPANY, company), (FIELD_ENTITY, entity), (FIELD_USER, user)):
        if field not in fixes and value.strip() and _edge_space(value) and not _has_invisible(value):
            label = f"Remove the spaces around the {FIELD_LABELS[field]}"
            fixes[field] = FormFix(label, {field: value.strip()})
    return fixes
