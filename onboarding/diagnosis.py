"""Turn an Intacct error into plain advice: what happened, which onboarding step to revisit, what to do.

The client's error classes already say *what* failed; this module adds *where the user fixes it*. The
texts are ours; the server's code is kept only as a reference to quote to support.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from intacct import errors
from onboarding.preflight import OBJECT_LABELS, permission_fix
from onboarding.steps import (
    MENU_COMPANY_INFO,
    MENU_ENTITIES,
    MENU_SUBSCRIPTIONS,
    MENU_WS_AUTHORIZATIONS,
    MENU_WS_USERS,
    SENDER_ID,
    StepKey,
    step,
)


@dataclass(frozen=True)
class Diagnosis:
    # The step to go back to; None when there is nothing to change in Intacct (wait, or contact us).
    step_key: str | None
    title: str
    message: str
    fix: str
    code: str = ""
    retryable: bool = False
    # A value the fix asks the user to paste into Intacct (our sender ID), offered with a copy button.
    copy_value: str = ""
    # The control IDs of the failed request and function, which support can look up.
    support_reference: str = ""
    # Intacct's own words for this failure, quoted next to the code for support: one code (XL03000006)
    # covers many different refusals, and the text is what tells them apart.
    server_text: str = ""

    @property
    def step_title(self) -> str | None:
        return step(self.step_key).title if self.step_key else None


def support_line(diagnosis: Diagnosis, mask: Callable[[str], str] = str) -> str:
    """What to quote to support: the Intacct error code, Intacct's own words and the request's references
    ("" if none). `mask` hides IDs inside Intacct's text while the screen is shared."""
    parts = []
    if diagnosis.code:
        parts.append(f"Intacct error code, for support: {diagnosis.code}")
        if diagnosis.server_text:
            parts.append(f"Intacct said: “{mask(diagnosis.server_text)}”")
    if diagnosis.support_reference:
        parts.append(
            f"reference: {diagnosis.support_reference}"
            if parts
            else f"For support: {diagnosis.support_reference}"
        )
    return " · ".join(parts)


def diagnose(
    error: errors.IntacctError,
    *,
    sender_id: str = SENDER_ID,
    entity_id: str | None = None,
    known_entities: Sequence[str] = (),
) -> Diagnosis:
    """Map a client error to the step to revisit, keeping Intacct's own code and text for support.

    entity_id is what the user typed, if anything; known_entities are the company's entities as a
    top-level sign-in listed them, if one did.
    """
    return replace(
        _diagnose(error, sender_id=sender_id, entity_id=entity_id, known_entities=known_entities),
        server_text=_server_text(error),
        support_reference=getattr(error, "support_reference", "") or "",
    )


_SUPPORT_ID = re.compile(r"\s*\[Support ID:[^\]]*\]")


def _server_text(error: errors.IntacctError) -> str:
    """The most specific text Intacct gave, without its opaque support trace."""
    text = getattr(error, "description2", "") or getattr(error, "description", "") or ""
    return _SUPPORT_ID.sub("", text).strip()


def _entity_diagnosis(code: str, entity_id: str | None, known_entities: Sequence[str]) -> Diagnosis:
    listed = ", ".join(known_entities)
    if entity_id:
        what = (
            f"Intacct did not accept the Entity ID {entity_id}: it does not exist in this company, or "
            "the Web Services user may not use it."
        )
        if listed:
            fix = (
                f"This company's entities are {listed} (listed by Intacct at the last top-level sign-in). "
                f"Use one of them, and check that the Web Services user has access to it ({MENU_WS_USERS}, "
                "its entity tab). Or clear the Entity ID to connect at top level."
            )
        else:
            fix = (
                f"Compare the Entity ID with the list under {MENU_ENTITIES} and check that the Web Services "
                f"user has access to that entity ({MENU_WS_USERS}, its entity tab). Or clear the Entity ID "
                "to connect at top level."
            )
        return Diagnosis(StepKey.IDS, "Intacct refused the entity", what, fix, code)
    what = (
        "This Web Services user is limited to certain entities, so Intacct does not let it connect at "
        "top level."
    )
    among = f" ({listed}, as Intacct listed them at the last top-level sign-in)" if listed else ""
    fix = (
        f"Enter one of the entities this user may use in the Entity ID field{among}. Or, for a top-level "
        f"connection, remove the user's entity restriction under {MENU_WS_USERS}."
    )
    return Diagnosis(StepKey.IDS, "This user may only connect to certain entities", what, fix, code)


def _diagnose(
    error: errors.IntacctError, *, sender_id: str, entity_id: str | None, known_entities: Sequence[str]
) -> Diagnosis:
    code = getattr(error, "code", "") or ""
    # Subclasses before their bases: RateLimitError is a ServerError.
    if isinstance(error, errors.SenderNotAuthorizedError):
        return Diagnosis(
            StepKey.WEB_SERVICES,
            "Intacct has not authorized our sender ID yet",
            f"Your Intacct company does not let the sender ID {sender_id} make Web Services requests, so "
            "Intacct refused the connection before checking the user.",
            f"In Intacct, open {MENU_WS_AUTHORIZATIONS}. Add {sender_id} exactly as written here (capital "
            "letters matter) and set its status to Active. If it is already listed, check the spelling and "
            "the status, and make sure it does not require a separate login for API calls. Also check that "
            f"the Web Services subscription is on ({MENU_SUBSCRIPTIONS}).",
            code,
            copy_value=sender_id,
        )
    if isinstance(error, errors.LoginError):
        return Diagnosis(
            StepKey.WS_USER,
            "Intacct did not accept the sign-in",
            "The combination of Company ID, user ID and password was refused. Intacct does not say which "
            "of the three is wrong.",
            "Check the user ID and password of the Web Services user (look it up under "
            f"{MENU_WS_USERS}; reset the password if unsure, and make sure the user is active). Then check "
            f"the Company ID character by character against {MENU_COMPANY_INFO} (step 'Find your Company "
            "ID and Entity ID'): a typo or an extra space there gives the same error.",
            code,
        )
    if isinstance(error, errors.EntityError):
        return _entity_diagnosis(code, entity_id, known_entities)
    if isinstance(error, errors.PermissionDeniedError):
        obj = getattr(error, "object", "") or ""
        label = OBJECT_LABELS.get(obj, obj or "some data")
        return Diagnosis(
            StepKey.WS_USER,
            f"The Web Services user may not read {label}",
            f"We signed in, but Intacct refused to show us {label}.",
            permission_fix(obj)
            if obj in OBJECT_LABELS
            else (
                "Give the Web Services user (or its role) List and View permission on that data, then "
                "connect again."
            ),
            code,
        )
    if isinstance(error, errors.ObjectNotFoundError):
        obj = getattr(error, "object", "") or ""
        label = OBJECT_LABELS.get(obj, obj or "That data")
        return Diagnosis(
            None,
            f"{label} is not available in this company",
            "The Intacct application that holds this data is not turned on for your company.",
            f"If you use it, subscribe to the application under {MENU_SUBSCRIPTIONS}; otherwise there is "
            "nothing to do.",
            code,
        )
    if isinstance(error, errors.SenderCredentialsError):
        return Diagnosis(
            None,
            "Our own Intacct credentials were refused",
            "Intacct did not accept Routable's sender credentials. This is a problem on our side, not in "
            "your Intacct company.",
            "Nothing to change in Intacct. Contact Routable support and mention the code below.",
            code,
        )
    if isinstance(error, errors.SessionExpiredError):
        return Diagnosis(
            StepKey.CONNECT,
            "The connection to Intacct timed out",
            "Intacct ended the session, which happens after a period without activity.",
            "Connect again; your saved settings are kept.",
            code,
            retryable=True,
        )
    if isinstance(error, errors.RateLimitError):
        return Diagnosis(
            None,
            "Intacct is busy with other requests from your company",
            "Intacct limits how many requests a company can make at the same time, and that limit was hit.",
            "Nothing to change in Intacct. Wait a minute and try again.",
            code,
            retryable=True,
        )
    if isinstance(error, errors.ServerError):
        return Diagnosis(
            None,
            "Intacct had a temporary problem",
            "Intacct's servers answered with an error instead of a result.",
            "Nothing to change in Intacct. Wait a minute and try again; if it keeps happening, check "
            "Intacct's status page or contact Routable support.",
            code,
            retryable=True,
        )
    if isinstance(error, errors.TransportError):
        return Diagnosis(
            None,
            "We could not reach Intacct",
            "The request did not get through to Intacct, or the answer did not come back in time.",
            "Nothing to change in Intacct. Check your network connection and try again in a minute.",
            code,
            retryable=True,
        )
    if isinstance(error, errors.ResponseParseError):
        return Diagnosis(
            None,
            "Intacct sent an answer we could not read",
            "The reply from Intacct was not in the expected format.",
            "Try again. If it happens again, contact Routable support and mention the code below.",
            code,
            retryable=True,
        )
    return Diagnosis(
        None,
        "Intacct reported an error",
        "Intacct refused the request for a reason we do not recognise.",
        "Try again. If it happens again, contact Routable support and mention the code below.",
        code,
    )
