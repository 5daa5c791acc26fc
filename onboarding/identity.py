"""Who is acting: the identity every change in the domain is recorded against.

Until sign-in exists there is one person, the local implementation manager running the app on their own
machine. Sign-in (invite links, OpenID Connect) builds other identities of the same shape, so callers never
care how someone got in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    IMPLEMENTATION_MANAGER = "implementation_manager"
    CUSTOMER_ADMIN = "customer_admin"
    FINANCE_REVIEWER = "finance_reviewer"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.IMPLEMENTATION_MANAGER: "Implementation manager",
    Role.CUSTOMER_ADMIN: "Customer admin",
    Role.FINANCE_REVIEWER: "Finance reviewer",
}


@dataclass(frozen=True)
class Identity:
    """A person (or an invite link's holder) acting in the app.

    ``key`` is stable and unique (``local``, ``email:ana@example.com``, ``invite:<id>``); ``name`` is what the
    screen and the audit trail show; ``workspace_id`` is the one workspace a customer-side role is bound to
    (None: every workspace, for an implementation manager).
    """

    key: str
    name: str
    role: Role
    email: str | None = None
    workspace_id: int | None = None
    # False for the local mode's single user: nobody proved who they are, so maker-checker cannot be checked.
    verified: bool = True

    @property
    def audit_label(self) -> str:
        """How the audit trail names this identity: who, and in which role."""
        who = self.email or self.name
        return f"{who} ({self.role.label})"


LOCAL_IMPLEMENTATION_MANAGER = Identity(
    key="local",
    name="Local implementation manager",
    role=Role.IMPLEMENTATION_MANAGER,
    verified=False,
)
