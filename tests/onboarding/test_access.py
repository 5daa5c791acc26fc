"""The access policy: every action for every role, the workspace scope, and what a refusal says."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onboarding.access import (
    NOT_FOUND_MESSAGE,
    AccessDenied,
    Action,
    invite_action,
    may,
    require,
    visible,
)
from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role

A = Action
# Written out by hand from the issue, not derived from the policy table: this is the specification.
EXPECTED: dict[Role, set[Action]] = {
    Role.IMPLEMENTATION_MANAGER: set(Action),
    Role.CUSTOMER_ADMIN: {
        A.VIEW,
        A.EDIT_SETUP,
        A.CONNECT,
        A.SYNC_START,
        A.MAP_EDIT,
        A.SUBMIT,
        A.COMMENT,
        A.EXPORT,
        A.INVITE_CUSTOMER_ADMIN,
        A.INVITE_FINANCE_REVIEWER,
    },
    Role.FINANCE_REVIEWER: {A.VIEW, A.COMMENT, A.APPROVE, A.SEND_BACK, A.EXPORT},
}


@dataclass(frozen=True)
class Ws:
    id: int
    archived: bool = False


OWN, OTHER = Ws(1), Ws(2)


def person(role: Role, ws_id: int | None = OWN.id) -> Identity:
    return Identity(
        key=f"test:{role}", name=f"Test {role}", role=role, email=f"{role}@example.com", workspace_id=ws_id
    )


MANAGER = person(Role.IMPLEMENTATION_MANAGER, None)
ADMIN = person(Role.CUSTOMER_ADMIN)
REVIEWER = person(Role.FINANCE_REVIEWER)
BY_ROLE = {Role.IMPLEMENTATION_MANAGER: MANAGER, Role.CUSTOMER_ADMIN: ADMIN, Role.FINANCE_REVIEWER: REVIEWER}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_every_action_for_every_role_on_the_own_workspace(role, action):
    identity = BY_ROLE[role]
    target = None if action.across_workspaces else OWN
    assert may(identity, action, target) is (action in EXPECTED[role])


@pytest.mark.parametrize("action", [a for a in Action if not a.across_workspaces])
@pytest.mark.parametrize("role", [Role.CUSTOMER_ADMIN, Role.FINANCE_REVIEWER])
def test_customer_roles_may_do_nothing_on_another_workspace(role, action):
    identity = BY_ROLE[role]
    assert not may(identity, action, OTHER)
    assert not may(identity, action, OTHER.id)
    with pytest.raises(AccessDenied) as refused:
        require(identity, action, OTHER)
    assert refused.value.hidden
    assert str(refused.value) == NOT_FOUND_MESSAGE


@pytest.mark.parametrize("action", [a for a in Action if not a.across_workspaces])
def test_the_implementation_manager_may_do_everything_everywhere(action):
    for target in (OWN, OTHER, Ws(99, archived=True)):
        assert may(MANAGER, action, target)
        assert may(LOCAL_IMPLEMENTATION_MANAGER, action, target)


def test_a_missing_workspace_is_refused_exactly_like_someone_elses():
    with pytest.raises(AccessDenied) as unknown:
        require(REVIEWER, Action.VIEW, None)
    with pytest.raises(AccessDenied) as foreign:
        require(REVIEWER, Action.VIEW, OTHER)
    assert str(unknown.value) == str(foreign.value) == NOT_FOUND_MESSAGE
    assert "2" not in str(foreign.value)


def test_a_refused_action_says_who_may_do_it():
    with pytest.raises(AccessDenied) as refused:
        require(REVIEWER, Action.SYNC_START, OWN)
    assert not refused.value.hidden
    assert str(refused.value) == (
        "As a finance reviewer you cannot start or stop a sync. Ask a customer admin on your team, or your "
        "implementation manager, to do it."
    )
    with pytest.raises(AccessDenied) as refused:
        require(ADMIN, Action.DELETE_WORKSPACE, OWN)
    assert "your implementation manager to do it" in str(refused.value)


def test_archived_workspaces_are_the_managers_only():
    archived = Ws(1, archived=True)
    assert may(MANAGER, Action.VIEW, archived)
    assert not may(ADMIN, Action.VIEW, archived)
    assert not may(REVIEWER, Action.VIEW, archived)


def test_a_manager_invited_to_one_workspace_stays_there():
    scoped = person(Role.IMPLEMENTATION_MANAGER, OWN.id)
    assert may(scoped, Action.DELETE_WORKSPACE, OWN)
    assert not may(scoped, Action.VIEW, OTHER)
    assert not may(scoped, Action.CREATE_WORKSPACE)
    assert not may(scoped, Action.MANAGE_PEOPLE)


def test_a_customer_role_without_a_workspace_sees_nothing():
    unbound = person(Role.CUSTOMER_ADMIN, None)
    assert not any(may(unbound, action, OWN) for action in Action)


def test_visible_keeps_only_the_workspaces_in_scope():
    spaces = [OTHER, OWN, Ws(3)]
    assert visible(MANAGER, spaces) == spaces
    assert visible(ADMIN, spaces) == [OWN]
    assert visible(REVIEWER, spaces) == [OWN]


def test_who_may_invite_whom():
    assert invite_action(Role.FINANCE_REVIEWER) is Action.INVITE_FINANCE_REVIEWER
    assert may(ADMIN, invite_action(Role.FINANCE_REVIEWER), OWN)
    assert may(ADMIN, invite_action(Role.CUSTOMER_ADMIN), OWN)
    assert not may(ADMIN, invite_action(Role.IMPLEMENTATION_MANAGER), OWN)
    assert not any(may(REVIEWER, invite_action(role), OWN) for role in Role)
