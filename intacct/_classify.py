"""Which exception a failed exchange raises: one table, read in one place.

A failure is reported at one of three places in a reply: the control block (our sender, the gateway),
the authentication block (the user's sign-in, the session) or one function's result. The class is
decided, in this order, by:

1. ``ERROR_CLASSES`` keyed by the Intacct error code (every error of the reply, root cause first);
2. ``ERROR_CLASSES`` keyed by the HTTP status (control failures, and replies that are not XML at all);
3. ``TEXT_RULES``: words in the reply, for the failures whose codes Intacct does not document;
4. the fallback for the place it was reported (``FALLBACK``).

To handle a new failure, add a row; nothing else decides a class.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import errors

Errors = list[dict[str, str]]

CONTROL = "control"
AUTHENTICATION = "authentication"
RESULT = "result"

ERROR_CLASSES: dict[str | int, type[errors.IntacctError]] = {
    "GW-0010": errors.RateLimitError,  # too many requests in flight for the company
    429: errors.RateLimitError,
    "XMLGW_JPP0002": errors.LoginError,  # sign-in refused, the newer gateway form (with HTTP 401)
    "UJPP0002": errors.LoginError,
    # Taps read HTTP 400 GW-0011 as "authentication values are incorrect"; which ones is not said. The
    # user's login is the likelier culprit, and it is the one the user can fix.
    "GW-0011": errors.LoginError,
    401: errors.LoginError,
    "PL04000005": errors.PermissionDeniedError,  # the user's permissions do not cover the object
    # Any other 5xx is a ServerError too (see status_class); 524 is the CDN's timeout page.
    524: errors.ServerError,
}

# (where it is reported, groups of words that must all appear (any group matches), class)
TEXT_RULES: tuple[tuple[str, tuple[tuple[str, ...], ...], type[errors.IntacctError]], ...] = (
    (CONTROL, (("partner id or password",),), errors.SenderCredentialsError),
    (
        AUTHENTICATION,
        (("web services authorization",), ("not authorized to make web services",)),
        errors.SenderNotAuthorizedError,
    ),
    (AUTHENTICATION, (("invalid session",), ("session", "expired")), errors.SessionExpiredError),
    # The gateway's code for a bad entity at sign-in is not documented; the sandbox and observed replies
    # name the entity or location in the text.
    (AUTHENTICATION, (("entity",), ("location",)), errors.EntityError),
    (RESULT, (("object definition", "not found"),), errors.ObjectNotFoundError),
)

FALLBACK: dict[str, type[errors.IntacctError]] = {
    CONTROL: errors.IntacctError,
    AUTHENTICATION: errors.LoginError,
    RESULT: errors.IntacctError,
}

_OBJECT_IN_PERMISSION = re.compile(r"objects of type (\w+)", re.IGNORECASE)
_OBJECT_NOT_FOUND = re.compile(r"object definition (\S+) not found", re.IGNORECASE)


def retryable(error: errors.IntacctError) -> bool:
    """Whether sending the same request again may succeed: every request this client makes is a read.

    Not a 524: the gateway may still be working on the first one. Never a refusal (sign-in, sender,
    permissions): repeating a refused sign-in can lock the user out.
    """
    if isinstance(error, errors.ServerError):
        return error.http_status != 524
    if error.http_status is not None and 300 <= error.http_status < 400:
        return False  # a redirect: the same request would meet the same redirect
    return isinstance(error, errors.TransportError | errors.ResponseParseError)


def status_class(http_status: int | None) -> type[errors.IntacctError] | None:
    if http_status is None:
        return None
    found = ERROR_CLASSES.get(http_status)
    if found is None and http_status >= 500:
        return errors.ServerError
    return found


def error_class(
    errs: Errors, where: str, http_status: int | None = None
) -> tuple[type[errors.IntacctError], bool]:
    """The class for a failure reported at `where`, and whether the table (code or status) decided it."""
    for error in errs:
        found = ERROR_CLASSES.get(error.get("errorno", ""))
        if found is not None:
            return found, True
    if where == CONTROL:
        found = ERROR_CLASSES.get(http_status) if http_status is not None else None
        if found is not None and found is not errors.ServerError:
            return found, True
    joined = " ".join(v for e in errs for v in e.values()).lower()
    for rule_where, groups, cls in TEXT_RULES:
        if rule_where == where and any(all(word in joined for word in group) for group in groups):
            return cls, False
    return FALLBACK[where], False


def classify(
    errs: Errors, where: str, *, http_status: int | None = None, status: str = ""
) -> errors.IntacctError:
    """The error for a failure the reply reported at `where` (control, authentication or result)."""
    if where == RESULT and status == "aborted" and not errs:
        return errors.IntacctError("The function was rolled back with its transaction.", level=RESULT)
    cls, by_table = error_class(errs, where, http_status)
    # A control failure the table names comes from the gateway in front of Intacct.
    level = "gateway" if where == CONTROL and by_table else where
    extra: dict[str, object] = {}
    if where == CONTROL:
        extra["http_status"] = http_status
    joined = " ".join(v for e in errs for v in e.values())
    if cls is errors.PermissionDeniedError:
        match = _OBJECT_IN_PERMISSION.search(joined)
        extra["object"] = match.group(1).upper() if match else ""
    elif cls is errors.ObjectNotFoundError:
        match = _OBJECT_NOT_FOUND.search(joined)
        extra["object"] = match.group(1).upper() if match else ""
    return _make(cls, errs, level, **extra)


def redirect(http_status: int, location: str) -> errors.TransportError:
    """A 3xx answer. Never followed: the request carries both passwords, and would go wherever it says."""
    try:
        target = urlsplit(location).hostname or "an address it did not give"
    except ValueError:  # a Location no parser can read
        target = "an address we cannot read"
    return errors.TransportError(
        f"The endpoint answered HTTP {http_status}, a redirect to {target}. Redirects are never followed "
        "(they would carry the credentials elsewhere): check the Intacct endpoint URL.",
        code=str(http_status),
        http_status=http_status,
    )


def from_http(
    http_status: int, *, is_xml: bool, retry_after: float | None = None
) -> errors.IntacctError | None:
    """The error for a reply that is not an XML envelope, from its HTTP status (None for XML: read it).

    429 and 5xx by the table; any other 4xx means the URL is not the gateway; anything else is a
    reply we cannot read.
    """
    if is_xml:
        return None
    cls = status_class(http_status)
    if cls is errors.RateLimitError:
        return errors.RateLimitError(
            "Too many requests", code="GW-0010", http_status=http_status, retry_after=retry_after
        )
    if cls is errors.ServerError:
        return errors.ServerError(
            f"Sage Intacct answered HTTP {http_status}.", code=str(http_status), http_status=http_status
        )
    if http_status >= 400:
        return errors.TransportError(
            f"The endpoint answered HTTP {http_status}; check the Intacct endpoint URL.",
            code=str(http_status),
            http_status=http_status,
        )
    return errors.ResponseParseError("The reply is not an Intacct XML response.", http_status=http_status)


def with_http_status(
    error: errors.IntacctError, http_status: int, retry_after: float | None = None
) -> errors.IntacctError:
    """An error read from an XML reply, adjusted for what its HTTP status says.

    A 5xx whose XML is unreadable, or says nothing more specific, is a server fault like any other 5xx
    (and retried as one); a classified refusal (sign-in, sender) keeps its class and is not.
    """
    if isinstance(error, errors.RateLimitError):
        error.retry_after = retry_after
        error.http_status = http_status
        return error
    if status_class(http_status) is errors.ServerError and type(error) in (
        errors.IntacctError,
        errors.ResponseParseError,
    ):
        generic = type(error) is errors.IntacctError
        return errors.ServerError(
            (error.description if generic else "") or f"Sage Intacct answered HTTP {http_status}.",
            code=error.code if generic else "",
            description2=error.description2 if generic else "",
            correction=error.correction if generic else "",
            http_status=http_status,
            errors=error.errors,
        )
    return error


def _make(cls: type[errors.IntacctError], errs: Errors, level: str, **extra) -> errors.IntacctError:
    first = errs[0] if errs else {}
    return cls(
        first.get("description", ""),
        level=level,
        code=first.get("errorno", ""),
        description2=first.get("description2", ""),
        correction=first.get("correction", ""),
        errors=errs,
        **extra,
    )
