"""Each mapping action asks onboarding.access before it touches anything."""

from __future__ import annotations

import pytest

from onboarding.access import NOT_FOUND_MESSAGE, AccessDenied
from onboarding.identity import Identity, Role
from onboarding.mapping import actions


def person(role: Role, ws_id: int = 1) -> Identity:
    return Identity(key=f"t:{role}", name="T", role=role, email="t@example.com", workspace_id=ws_id)


REVIEWER, ADMIN = person(Role.FINANCE_REVIEWER), person(Role.CUSTOMER_ADMIN)
# None for the mapping store: a refused action must fail before it reads or writes anything.
CALLS = {
    "save": lambda who, ws: actions.save_mapping(None, ws, 0, [], who),
    "submit": lambda who, ws: actions.submit_mapping(None, ws, 0, who),
    "approve": lambda who, ws: actions.approve_mapping(None, ws, 1, who),
    "send back": lambda who, ws: actions.send_back_mapping(None, ws, 1, who, "fix it"),
    "add category": lambda who, ws: actions.add_category(None, ws, "Travel", "expense", who),
    "rename category": lambda who, ws: actions.rename_category(None, ws, "A", "B", who),
    "retire category": lambda who, ws: actions.retire_category(None, ws, "A", who),
    "import": lambda who, ws: actions.import_mapping_csv(None, ws, b"", who),
    "export audit": lambda who, ws: actions.export_audit_csv(None, ws, actor=who),
    "export json": lambda who, ws: actions.export_approved_json(None, ws, 1, "W", actor=who),
    "export xlsx": lambda who, ws: actions.export_approved_xlsx(None, ws, 1, "W", actor=who),
    "export review xlsx": lambda who, ws: actions.export_review_xlsx(None, ws, 2, "W", actor=who),
}
REVIEWER_REFUSED = {"save", "submit", "add category", "rename category", "retire category", "import"}
ADMIN_REFUSED = {"approve", "send back"}


@pytest.mark.parametrize("name", list(CALLS))
def test_who_is_refused_which_mapping_action(name):
    for who, refused in ((REVIEWER, REVIEWER_REFUSED), (ADMIN, ADMIN_REFUSED)):
        if name in refused:
            with pytest.raises(AccessDenied) as denied:
                CALLS[name](who, 1)
            assert not denied.value.hidden
        else:
            # Allowed: the check passes and the (absent) store is reached.
            with pytest.raises(AttributeError):
                CALLS[name](who, 1)
        with pytest.raises(AccessDenied) as foreign:
            CALLS[name](who, 2)
        assert str(foreign.value) == NOT_FOUND_MESSAGE
