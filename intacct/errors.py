"""Errors raised by the Intacct client.

    IntacctError                      base: level, code, description, description2, correction, hint
    ├── TransportError                no usable HTTP exchange (connection refused, reset, timeout)
    ├── ServerError                   HTTP 5xx (and 524) with no usable XML reply
    │   └── RateLimitError            HTTP 429 / GW-0010: too many concurrent requests
    ├── ResponseParseError            the reply was not the XML envelope we expect
    ├── SenderCredentialsError        our sender ID or sender password was refused (control level)
    ├── SenderNotAuthorizedError      the company has not authorized our sender ID
    ├── LoginError                    user ID, company ID or user password refused
    ├── EntityError                   entity ID unknown, or the user may not use it
    ├── SessionExpiredError           the API session is no longer valid
    ├── PermissionDeniedError         the user's role may not read an object (.object)
    └── ObjectNotFoundError           the object name does not exist in this company

Catch ``IntacctError`` for "anything from Intacct"; catch a subclass to act on one cause.
``str(error)`` is safe to show and to log: it never contains a password, because
no error is ever built from request text, only from the server's reply.

Every error raised by a request names it: ``request_control_id`` (the request's control ID) and
``function_control_id`` (the failed function's), so support can find the exchange in the gateway's
records; ``support_reference`` puts both in one line. Which class a reply raises is decided by one
table, in ``intacct._classify``.
"""

from __future__ import annotations

LEVELS = ("transport", "gateway", "control", "authentication", "result")


class IntacctError(Exception):
    """Base class: every failure the client reports carries the server's own codes."""

    default_level = "result"
    default_hint = "Check the request and try again; if it keeps failing, contact support with the code."

    def __init__(
        self,
        description: str = "",
        *,
        level: str | None = None,
        code: str = "",
        description2: str = "",
        correction: str = "",
        hint: str | None = None,
        http_status: int | None = None,
        errors: list[dict[str, str]] | None = None,
        request_control_id: str = "",
        function_control_id: str = "",
    ) -> None:
        self.level = level or self.default_level
        if self.level not in LEVELS:
            raise ValueError(f"unknown error level {self.level!r}")
        self.code = code
        self.description = description
        self.description2 = description2
        self.correction = correction
        self.hint = hint if hint is not None else self.default_hint
        self.http_status = http_status
        # Every <error> element of the reply, root cause first, as plain dicts.
        self.errors = errors or []
        self.request_control_id = request_control_id
        self.function_control_id = function_control_id
        super().__init__(self._message())

    @property
    def support_reference(self) -> str:
        """The control IDs of the failed exchange, for support ("" when no request was made)."""
        parts = []
        if self.request_control_id:
            parts.append(f"request {self.request_control_id}")
        if self.function_control_id:
            parts.append(f"function {self.function_control_id}")
        return ", ".join(parts)

    def traced(self, request_control_id: str, function_control_id: str = "") -> IntacctError:
        """This error, naming the exchange it came from (IDs already set are kept)."""
        self.request_control_id = self.request_control_id or request_control_id
        self.function_control_id = self.function_control_id or function_control_id
        return self

    def _message(self) -> str:
        parts = [p for p in (self.code, self.description, self.description2, self.correction) if p]
        return " - ".join(parts) if parts else self.__class__.__name__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(level={self.level!r}, code={self.code!r}, message={self._message()!r})"

    def __reduce__(self):  # keep pickling (multiprocessing, caches) working with keyword-only args
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[IntacctError], state: dict) -> IntacctError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._message())
    return error


class TransportError(IntacctError):
    default_level = "transport"
    default_hint = "We could not reach Sage Intacct. Check your network connection and try again in a minute."


class ServerError(IntacctError):
    default_level = "transport"
    default_hint = "Sage Intacct had a temporary problem answering. Wait a minute and try again."


class RateLimitError(ServerError):
    default_level = "gateway"
    default_hint = (
        "Sage Intacct is limiting how many requests your company can make at once. "
        "Wait a moment and try again."
    )

    def __init__(self, *args, retry_after: float | None = None, **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ResponseParseError(IntacctError):
    default_level = "transport"
    default_hint = "Sage Intacct sent a reply we could not read. Try again; if it repeats, contact support."


class SenderCredentialsError(IntacctError):
    default_level = "control"
    default_hint = (
        "Our sender ID or sender password was refused. This is on our side, not yours: "
        "contact Routable support."
    )


class SenderNotAuthorizedError(IntacctError):
    default_level = "authentication"
    default_hint = (
        "Revisit the step 'Turn on Web Services and authorize our sender ID': add the sender ID "
        "under Web Services authorizations and set its status to Active."
    )


class LoginError(IntacctError):
    default_level = "authentication"
    default_hint = (
        "Revisit the step 'Create the Web Services user': check the Company ID, user ID and "
        "password exactly as they are in Intacct."
    )


class EntityError(IntacctError):
    default_level = "authentication"
    default_hint = (
        "Revisit the step 'Find your Company ID and Entity ID': use an Entity ID that exists "
        "and that the Web Services user may access, or leave it blank to connect at top level."
    )


class SessionExpiredError(IntacctError):
    default_level = "authentication"
    default_hint = "The Intacct session ended. Connect again."


class PermissionDeniedError(IntacctError):
    default_level = "result"
    default_hint = (
        "Revisit the step 'Create the Web Services user': give the user (or its role) "
        "read permission on this object."
    )

    def __init__(self, *args, object: str = "", **kwargs) -> None:  # noqa: A002 - the spec's name
        self.object = object
        super().__init__(*args, **kwargs)


class ObjectNotFoundError(IntacctError):
    default_level = "result"
    default_hint = (
        "This Intacct company does not have that object; the module that provides it may not be subscribed."
    )

    def __init__(self, *args, object: str = "", **kwargs) -> None:  # noqa: A002
        self.object = object
        super().__init__(*args, **kwargs)


__all__ = [
    "LEVELS",
    "IntacctError",
    "TransportError",
    "ServerError",
    "RateLimitError",
    "ResponseParseError",
    "SenderCredentialsError",
    "SenderNotAuthorizedError",
    "LoginError",
    "EntityError",
    "SessionExpiredError",
    "PermissionDeniedError",
    "ObjectNotFoundError",
]
