"""The gateway's error catalogue: each error the sandbox can return, with its code and wording.

Codes and the wording of well-known errors follow what the gateway is known to send (spec section 7);
where the spec marks a case unconfirmed, the choice is noted next to it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorItem:
    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""


class FunctionFailed(Exception):
    """A function could not run; its <result> carries these errors (root cause first)."""

    def __init__(self, *errors: ErrorItem) -> None:
        super().__init__(errors[0].description2 or errors[0].description or errors[0].errorno)
        self.errors = list(errors)


def support_id() -> str:
    # The real gateway appends an opaque, URL-encoded trace id to many texts.
    return f"[Support ID: {secrets.token_urlsafe(12)}%7E{secrets.token_urlsafe(16)}]"


# -- control level ---------------------------------------------------------------------------------------


def bad_sender() -> ErrorItem:
    return ErrorItem("XL03000006", description2="Incorrect Intacct XML Partner ID or password.")


def parse_problem(text: str) -> ErrorItem:
    return ErrorItem("XL03000003", description2=text)


def bad_policy(policy: str) -> ErrorItem:
    return ErrorItem("XL03000006", description2=f"{policy} is not a valid transport policy.")


# -- authentication level ----------------------------------------------------------------------------------


def bad_sign_in() -> ErrorItem:
    return ErrorItem("XL03000006", description2="Sign-in information is incorrect")


def sender_not_authorized(sender_id: str, company_id: str) -> ErrorItem:
    return ErrorItem(
        "XL03000006",
        description="Invalid Web Services Authorization",
        description2=(
            f"The sender ID '{sender_id}' is not authorized to make Web Services requests "
            f"to company ID '{company_id}'."
        ),
        correction="Contact the company administrator to grant Web Services authorization to this sender ID.",
    )


def invalid_session() -> ErrorItem:
    return ErrorItem("XL03000006", description2="Invalid session")


def invalid_entity(entity_id: str, user_id: str, company_id: str) -> ErrorItem:
    # UNCONFIRMED upstream: the real code and wording for a refused entity are not public. This exact
    # triple is the project's agreed choice.
    return ErrorItem(
        "XL03000006",
        description="Invalid entity",
        description2=(
            f"The entity ID '{entity_id}' is not valid for user '{user_id}' in company '{company_id}'."
        ),
        correction="Use an entity ID the user has access to, or sign in at the top level.",
    )


def top_level_refused(user_id: str, company_id: str) -> ErrorItem:
    # UNCONFIRMED upstream: a user restricted to entities signing in at the top level. Same family as
    # invalid_entity so clients treat it as an entity problem.
    return ErrorItem(
        "XL03000006",
        description="Invalid entity",
        description2=f"User '{user_id}' may not sign in at the top level of company '{company_id}'.",
        correction="Sign in with an entity ID the user has access to.",
    )


# -- gateway level (HTTP 4xx with an XML body) ---------------------------------------------------------------


def rate_limited() -> ErrorItem:
    # The documented code for HTTP 429; the public docs do not show its text, so this wording is ours.
    return ErrorItem(
        "GW-0010",
        description=(
            "Too many concurrent requests for this company. Wait a moment and send the request again."
        ),
    )


def sign_in_refused_401() -> ErrorItem:
    return ErrorItem(
        "XMLGW_JPP0002", description="Sign-in information is incorrect. Please check your request."
    )


# -- result level ------------------------------------------------------------------------------------------


def rolled_back() -> ErrorItem:
    return ErrorItem(
        "XL03000009",
        description2="The entire transaction in this operation has been rolled back due to an error.",
    )


def object_not_found(object_name: str) -> ErrorItem:
    return ErrorItem("Query Failed", description2=f"Object definition {object_name} not found")


def permission_denied(operation: str, object_name: str) -> ErrorItem:
    return ErrorItem(
        "PL04000005",
        description2=(
            f"You do not have permission for API operation {operation} on objects of type "
            f"{object_name.lower()} {support_id()}"
        ),
    )


def invalid_fields(field_name: str) -> ErrorItem:
    # Observed free-text form (the field name is part of errorno), used for select lists and `fields`.
    return ErrorItem(f"Invalid fields list {field_name}")


def query_failed(detail: str) -> ErrorItem:
    # Bad filters, query strings and page sizes: the exact upstream texts are unconfirmed; the errorno is
    # the gateway's usual free-text "Query Failed" and the detail says what to fix.
    return ErrorItem("Query Failed", description2=detail)


def unknown_result_id(result_id: str) -> ErrorItem:
    # UNCONFIRMED upstream: readMore with an unknown, finished or expired resultId.
    return ErrorItem(
        "DL02000001",
        description="There was an error processing the request.",
        description2=f"The result ID '{result_id}' is unknown, already read to the end, or expired.",
        correction="Run readByQuery again to start a new result set.",
    )


def not_simulated(function_name: str) -> ErrorItem:
    return ErrorItem(
        "BL01001973",
        description2=f"The sandbox does not simulate the function {function_name}.",
        correction="Use a read function (query, readByQuery, readMore, read, readByName, lookup, inspect).",
    )
