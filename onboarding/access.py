"""The one place that decides what an identity may do, and on which workspace.

    may(identity, Action.SYNC_START, workspace)      -> bool
    require(identity, Action.SYNC_START, workspace)  -> None, or raises AccessDenied

The policy is a table of roles to actions plus one scope rule: an implementation manager works on every
workspace; a customer admin or finance reviewer on the single workspace their identity is bound to.
Asking about a workspace outside someone's scope gets the same refusal as asking about one that does not
exist, so a refusal never tells anyone which workspaces there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol, TypeVar

from onboarding.identity import Identity, Role


class Action(StrEnum):
    """Everything a person can ask of the app. Values are stable: invite records and tests name them."""

    # Across workspaces (asked with workspace=None).
    CREATE_WORKSPACE = "create_workspace"
    MANAGE_PEOPLE = "manage_people"  # assign roles and workspaces to people by email
    # On one workspace.
    VIEW = "view"  # open its pages: progress, IDs, synced data, mapping, audit trail (never a password)
    EDIT_SETUP = "edit_setup"  # tick checklists, choose the plan and the security model
    CONNECT = "connect"  # enter or change the Intacct credentials, sign in, check permissions
    SYNC_START = "sync_start"  # start or stop a sync
    MAP_EDIT = "map_edit"  # edit, import and save the mapping, manage categories
    SUBMIT = "submit"  # submit the mapping for review
    COMMENT = "comment"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    EXPORT = "export"
    INVITE_IMPLEMENTATION_MANAGER = "invite_implementation_manager"
    INVITE_CUSTOMER_ADMIN = "invite_customer_admin"
    INVITE_FINANCE_REVIEWER = "invite_finance_reviewer"
    RENAME_WORKSPACE = "rename_workspace"
    ARCHIVE_WORKSPACE = "archive_workspace"
    DELETE_WORKSPACE = "delete_workspace"

    @property
    def phrase(self) -> str:
        """What the action is, as the end of "you cannot ..."."""
        return _PHRASES[self]

    @property
    def across_workspaces(self) -> bool:
        return self in _ACROSS_WORKSPACES


_ACROSS_WORKSPACES = frozenset({Action.CREATE_WORKSPACE, Action.MANAGE_PEOPLE})

_PHRASES = {
    Action.CREATE_WORKSPACE: "start a new customer workspace",
    Action.MANAGE_PEOPLE: "give people access",
    Action.VIEW: "open this workspace",
    Action.EDIT_SETUP: "change the setup steps",
    Action.CONNECT: "change the Intacct credentials or sign in to Intacct",
    Action.SYNC_START: "start or stop a sync",
    Action.MAP_EDIT: "edit the account mapping",
    Action.SUBMIT: "submit the mapping for review",
    Action.COMMENT: "comment",
    Action.APPROVE: "approve the mapping",
    Action.SEND_BACK: "send the mapping back",
    Action.EXPORT: "export",
    Action.INVITE_IMPLEMENTATION_MANAGER: "invite an implementation manager",
    Action.INVITE_CUSTOMER_ADMIN: "invite a customer admin",
    Action.INVITE_FINANCE_REVIEWER: "invite a finance reviewer",
    Action.RENAME_WORKSPACE: "rename this workspace",
    Action.ARCHIVE_WORKSPACE: "archive this workspace",
    Action.DELETE_WORKSPACE: "delete this workspace",
}

_CUSTOMER_ADMIN = frozenset(
    {
        Action.VIEW,
        Action.EDIT_SETUP,
        Action.CONNECT,
        Action.SYNC_START,
        Action.MAP_EDIT,
        Action.SUBMIT,
        Action.COMMENT,
        Action.EXPORT,
        Action.INVITE_CUSTOMER_ADMIN,
        Action.INVITE_FINANCE_REVIEWER,
    }
)
_FINANCE_REVIEWER = frozenset(
    {Action.VIEW, Action.COMMENT, Action.APPROVE, Action.SEND_BACK, Action.EXPORT}
)

POLICY: dict[Role, frozenset[Action]] = {
    Role.IMPLEMENTATION_MANAGER: frozenset(Action),
    Role.CUSTOMER_ADMIN: _CUSTOMER_ADMIN,
    Role.FINANCE_REVIEWER: _FINANCE_REVIEWER,
}

_INVITE_ACTIONS = {
    Role.IMPLEMENTATION_MANAGER: Action.INVITE_IMPLEMENTATION_MANAGER,
    Role.CUSTOMER_ADMIN: Action.INVITE_CUSTOMER_ADMIN,
    Role.FINANCE_REVIEWER: Action.INVITE_FINANCE_REVIEWER,
}

NOT_FOUND_MESSAGE = (
    "This workspace does not exist, or you do not have access to it. Open a workspace from your list, or ask "
    "the person who invited you for a new link."
)


def invite_action(role: Role) -> Action:
    """The action that lets someone invite a person in `role`."""
    return _INVITE_ACTIONS[Role(role)]


class WorkspaceLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def archived(self) -> bool: ...


W = TypeVar("W", bound=WorkspaceLike)


class AccessDenied(PermissionError):
    """The identity may not do this. str(error) is written for the person refused and names no workspace.

    ``hidden`` is True when the workspace is outside the identity's scope (or does not exist): the message
    is then the same as for a workspace that does not exist.
    """

    def __init__(self, message: str, *, action: Action, hidden: bool) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.hidden = hidden


def _workspace_id(workspace: WorkspaceLike | int | None) -> int | None:
    if workspace is None or isinstance(workspace, int):
        return workspace
    return workspace.id


def in_scope(identity: Identity, workspace: WorkspaceLike | int | None) -> bool:
    """Whether the workspace is one this identity may see at all, whatever the action."""
    ws_id = _workspace_id(workspace)
    if ws_id is None:
        return False
    if identity.role is Role.IMPLEMENTATION_MANAGER:
        return identity.workspace_id is None or identity.workspace_id == ws_id
    if identity.workspace_id is None or identity.workspace_id != ws_id:
        return False
    # An archived workspace is the implementation manager's business only.
    return not getattr(workspace, "archived", False)


def may(identity: Identity, action: Action, workspace: WorkspaceLike | int | None = None) -> bool:
    """Whether `identity` may do `action` on `workspace` (None for the actions across workspaces)."""
    action = Action(action)
    if action not in POLICY.get(identity.role, frozenset()):
        return False
    if action.across_workspaces:
        # A manager scoped to one customer by an invite still may not create or staff other workspaces.
        return identity.role is Role.IMPLEMENTATION_MANAGER and identity.workspace_id is None
    return in_scope(identity, workspace)


def require(identity: Identity, action: Action, workspace: WorkspaceLike | int | None = None) -> None:
    """Raise AccessDenied unless may(identity, action, workspace)."""
    action = Action(action)
    if may(identity, action, workspace):
        return
    if not action.across_workspaces and not in_scope(identity, workspace):
        raise AccessDenied(NOT_FOUND_MESSAGE, action=action, hidden=True)
    raise AccessDenied(
        f"As {_with_article(identity.role.label)} you cannot {action.phrase}. Ask "
        f"{_who_can(action)} to do it.",
        action=action,
        hidden=False,
    )


def visible(identity: Identity, workspaces: Iterable[W]) -> list[W]:
    """The workspaces of `workspaces` this identity may open, in the order given."""
    return [w for w in workspaces if in_scope(identity, w)]


def _with_article(label: str) -> str:
    return ("an " if label[0].lower() in "aeiou" else "a ") + label.lower()


def _who_can(action: Action) -> str:
    roles = [role for role in Role if action in POLICY[role] and role is not Role.IMPLEMENTATION_MANAGER]
    if not roles:
        return "your implementation manager"
    names = " or ".join(_with_article(role.label) for role in roles)
    return f"{names} on your team, or your implementation manager,"
