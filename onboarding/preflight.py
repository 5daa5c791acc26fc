"""Preflight: after signing in, check in one request that the Web Services user can read what we sync.

Each object gets a green or red line; a red line names the exact permission to add, worded for the
company's security model (role-based or user-based), so the user fixes all of them in one visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from intacct import errors
from intacct.sync import DEFAULT_OBJECTS, schema
from onboarding.steps import MENU_ROLES, MENU_SUBSCRIPTIONS, MENU_WS_USERS, SecurityModel

if TYPE_CHECKING:
    import intacct

RIGHTS = "List, View"


@dataclass(frozen=True)
class ObjectPermission:
    object: str
    application: str
    permission: str
    # Without a required object the onboarding cannot go on; optional ones only feed coding dimensions
    # and may legitimately be missing when the company does not use that application.
    required: bool
    purpose: str
    note: str = ""

    @property
    def label(self) -> str:
        """The object's name on screen: the sync's own label for it, so every page says the same."""
        return schema(self.object).label


# One line per object the sync copies, in the order the permission check shows them.
PERMISSIONS: dict[str, ObjectPermission] = {
    p.object: p
    for p in (
        ObjectPermission(
            "GLACCOUNT", "General Ledger", "Accounts", True, "the chart of accounts you map to categories"
        ),
        ObjectPermission("VENDOR", "Accounts Payable", "Vendors", True, "matching your vendors"),
        ObjectPermission("LOCATIONENTITY", "Company", "Entities", False, "choosing the entity to connect to"),
        ObjectPermission("LOCATION", "Company", "Locations", False, "location coding on bills"),
        ObjectPermission("DEPARTMENT", "Company", "Departments", False, "department coding on bills"),
        ObjectPermission(
            "CLASS",
            "Company",
            "Classes",
            False,
            "class coding on bills",
            note="Some companies list Classes under General Ledger instead of Company.",
        ),
        ObjectPermission(
            "PROJECT",
            "Projects",
            "Projects",
            False,
            "project coding on bills",
            note="If your company has no Projects application, look for Projects under Company.",
        ),
        ObjectPermission("APTERM", "Accounts Payable", "AP Terms", True, "bill due dates"),
    )
}
if set(PERMISSIONS) != set(DEFAULT_OBJECTS):  # a mistake in this table, caught at import
    raise AssertionError("the permission check must cover exactly the objects the sync copies")
PREFLIGHT_OBJECTS: list[str] = list(PERMISSIONS)

OBJECT_LABELS: dict[str, str] = {name: p.label for name, p in PERMISSIONS.items()}


def _in_sentence(label: str) -> str:
    """Lower-case a label for use mid-sentence, keeping acronyms such as GL and AP intact."""
    first, _, rest = label.partition(" ")
    first = first if first.isupper() else first.lower()
    return f"{first} {rest}".strip()


@dataclass(frozen=True)
class PreflightCheck:
    object: str
    label: str
    ok: bool
    message: str
    fix: str
    required: bool = True
    code: str = ""


def permission_fix(object_name: str, security_model: str | None = None) -> str:
    """The exact permission to add for one object, for one security model or for both when unknown."""
    p = PERMISSIONS[object_name]
    role = (
        f"Role-based: go to {MENU_ROLES}, open the role assigned to the Web Services user, open its "
        f"subscriptions, click Permissions next to {p.application} and tick {RIGHTS} for {p.permission}."
    )
    user = (
        f"User-based: go to {MENU_WS_USERS}, open the Web Services user's subscriptions, click Permissions "
        f"next to {p.application} and tick {RIGHTS} for {p.permission}."
    )
    if security_model == SecurityModel.ROLE:
        parts = [role]
    elif security_model == SecurityModel.USER:
        parts = [user]
    else:
        parts = [role, user]
    if p.note:
        parts.append(p.note)
    parts.append("Save, then check again.")
    return " ".join(parts)


def check_from_error(
    object_name: str, error: errors.IntacctError | None, security_model: str | None = None
) -> PreflightCheck:
    p = PERMISSIONS.get(object_name) or ObjectPermission(object_name, "", "", True, "")
    if error is None:
        readable = f"Can read {_in_sentence(p.label)}."
        return PreflightCheck(object_name, p.label, True, readable, "", p.required)
    code = error.code or ""
    if isinstance(error, errors.PermissionDeniedError):
        return PreflightCheck(
            object_name,
            p.label,
            False,
            f"The Web Services user may not read {_in_sentence(p.label)}, which we need for {p.purpose}.",
            permission_fix(object_name, security_model) if object_name in PERMISSIONS else "",
            p.required,
            code,
        )
    if isinstance(error, errors.ObjectNotFoundError):
        if not p.required:
            return PreflightCheck(
                object_name,
                p.label,
                True,
                f"Your company does not use {_in_sentence(p.label)}; nothing to do.",
                "",
                p.required,
                code,
            )
        return PreflightCheck(
            object_name,
            p.label,
            False,
            f"{p.label} are not available in this company, and we need them for {p.purpose}.",
            f"Turn on {p.application} under {MENU_SUBSCRIPTIONS}, or ask your implementation manager.",
            p.required,
            code,
        )
    return PreflightCheck(
        object_name,
        p.label,
        False,
        f"Intacct could not check access to {_in_sentence(p.label)} this time.",
        "Run the check again in a minute. If it keeps failing, contact Routable support.",
        p.required,
        code,
    )


def run_preflight(session: intacct.Session, security_model: str | None = None) -> list[PreflightCheck]:
    """One request to Intacct; errors that stop the whole request (network, session) propagate."""
    outcome = session.check_access(PREFLIGHT_OBJECTS)
    checks = []
    for name in PREFLIGHT_OBJECTS:
        # A missing answer is not a green light.
        error = outcome[name] if name in outcome else errors.ResponseParseError(f"No answer for {name}.")
        checks.append(check_from_error(name, error, security_model))
    return checks


ENTITY_FIELDS = ["RECORDNO", "LOCATIONID", "NAME", "STATUS"]
_ENTITY_PAGE = 2000


def survey_connection(
    session: intacct.Session, security_model: str | None = None, *, with_entities: bool = True
) -> tuple[list[dict[str, str]], list[PreflightCheck]]:
    """The company's entities and every access check, in ONE request right after sign-in.

    ``with_entities`` False (signed in at an entity) skips the entity list. A company without
    entities (no LOCATIONENTITY object) has an empty list; any other error of the entity list raises,
    as do errors of the whole request (network, session).
    """
    import intacct

    probes = [intacct.PageRequest(name, ["RECORDNO"], page_size=1) for name in PREFLIGHT_OBJECTS]
    listing = [
        intacct.PageRequest("LOCATIONENTITY", ENTITY_FIELDS, order_by="LOCATIONID", page_size=_ENTITY_PAGE)
    ]
    answers = session.query_batch([*listing, *probes] if with_entities else probes)
    entities: list[dict[str, str]] = []
    if with_entities:
        first, answers = answers[0], answers[1:]
        if isinstance(first, errors.ObjectNotFoundError):
            entities = []
        elif isinstance(first, errors.IntacctError):
            raise first
        elif first.num_remaining:
            entities = session.list_entities()  # more entities than one page: rare enough to page
        else:
            entities = first.records
    checks = [
        check_from_error(name, answer if isinstance(answer, errors.IntacctError) else None, security_model)
        for name, answer in zip(PREFLIGHT_OBJECTS, answers, strict=True)
    ]
    return entities, checks


def preflight_passed(checks: list[PreflightCheck]) -> bool:
    """True when nothing is red: optional objects that are absent count as fine."""
    return all(c.ok for c in checks)


def failed_checks(checks: list[PreflightCheck]) -> list[PreflightCheck]:
    return [c for c in checks if not c.ok]
