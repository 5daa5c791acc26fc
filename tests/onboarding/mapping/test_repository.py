"""The mapping's domain over real SQLite files: categories, rows, checks, merges, versions, audit."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from onboarding.identity import LOCAL_IMPLEMENTATION_MANAGER, Identity, Role
from onboarding.mapping.checks import ProblemKind
from onboarding.mapping.model import UNDECIDED, ChangeHow, Decision, RowState
from onboarding.mapping.repository import APPROVED, SENT_BACK, SUPERSEDED, Change, MappingError, MappingStore
from tests.mapping_helpers import CHART, gl, write_workspace_accounts

ANA = Identity("email:ana@acme.test", "Ana", Role.CUSTOMER_ADMIN, "ana@acme.test", verified=True)
BEN = Identity("email:ben@acme.test", "Ben", Role.FINANCE_REVIEWER, "ben@acme.test", verified=True)
LOCAL = LOCAL_IMPLEMENTATION_MANAGER

# Decisions that clear every error in CHART: 4000 excluded, 6300 excluded, the rest mapped.
GOOD = {
    "4000": Decision("Not used in Routable", False),
    "6000": Decision("Rent & Facilities"),
    "6100": Decision("Software & Subscriptions"),
    "6200": Decision("Travel", note="trips"),
    "6300": Decision("Not used in Routable", False),
    "6400": Decision("Bank & Merchant Fees"),
}


@pytest.fixture
def mapping(store, tmp_path):
    return MappingStore(store, tmp_path / "data")


@pytest.fixture
def ws(store, mapping, tmp_path):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    write_workspace_accounts(tmp_path / "data", workspace.id, CHART)
    return workspace.id


def save(mapping, ws, decisions, actor=LOCAL, how=ChangeHow.TYPED, base=None):
    view = mapping.load(ws)
    current = view.decisions()
    changes = [Change(n, current.get(n, UNDECIDED), d, how) for n, d in decisions.items()]
    return mapping.save(ws, view.revision if base is None else base, changes, actor)


def kinds(view, account):
    return {p.kind for p in view.problems if p.account == account}


def test_each_workspace_gets_its_own_copy_of_the_default_categories(store, mapping, ws):
    other = store.create_workspace("Other Co", actor=LOCAL).id
    mapping.add_category(ws, "Subcontractors", "expense", ANA)
    assert "Subcontractors" in [c.name for c in mapping.categories(ws)]
    assert "Subcontractors" not in [c.name for c in mapping.categories(other)]
    assert len(mapping.categories(other)) == 25


def test_category_names_are_checked(mapping, ws):
    with pytest.raises(MappingError, match="already has a category"):
        mapping.add_category(ws, "travel", "expense", ANA)
    with pytest.raises(MappingError, match="Give the category a name"):
        mapping.add_category(ws, "  ", "expense", ANA)
    with pytest.raises(MappingError, match="expense or a balance-sheet"):
        mapping.add_category(ws, "Ignore me", "excluded", ANA)


def test_rename_follows_every_account_and_is_audited(mapping, ws):
    save(mapping, ws, {"6200": Decision("Travel")})
    mapping.rename_category(ws, "Travel", "Travel & Lodging", ANA)
    assert mapping.load(ws).decisions()["6200"].category == "Travel & Lodging"
    entry = mapping.audit(ws)[0]
    assert (entry.field, entry.before, entry.after, entry.who) == (
        "categories", "Travel", "Travel & Lodging", "ana@acme.test (Customer admin)")  # fmt: skip


def test_a_category_in_use_must_be_reassigned_before_it_is_retired(mapping, ws):
    save(mapping, ws, {"6200": Decision("Travel")})
    with pytest.raises(MappingError, match="1 accounts? still use 'Travel'"):
        mapping.retire_category(ws, "Travel", ANA)
    save(mapping, ws, {"6200": Decision("Meals & Entertainment")})
    mapping.retire_category(ws, "Travel", ANA)
    view = mapping.load(ws)
    assert "Travel" not in view.active_category_names
    with pytest.raises(MappingError, match="cannot be retired"):
        mapping.retire_category(ws, "Not used in Routable", ANA)


def test_a_retired_category_still_in_use_is_an_error(mapping, ws):
    # A stale screen can still save a category retired a moment ago: the check catches it.
    mapping.retire_category(ws, "Travel", ANA)
    save(mapping, ws, {"6200": Decision("Travel")})
    assert ProblemKind.RETIRED_CATEGORY in kinds(mapping.load(ws), "6200")


def test_rows_carry_the_account_fields_and_required_dimensions(mapping, ws):
    rows = {row.number: row for row in mapping.load(ws).rows}
    assert [row.number for row in mapping.load(ws).rows] == [str(r["ACCOUNTNO"]) for r in CHART]
    rent = rows["6000"].account
    assert (rent.title, rent.account_type, rent.normal_balance, rent.status) == (
        "Rent Expense", "incomestatement", "debit", "active")  # fmt: skip
    assert rent.dimensions_text == "Department, Location"
    assert rows["6100"].account.dimensions_text == ""


def test_row_states(mapping, ws, interim_suggestions):
    save(mapping, ws, {"6000": Decision("Rent & Facilities")}, how=ChangeHow.SUGGESTION_ACCEPTED)
    save(mapping, ws, {"6200": Decision("Meals & Entertainment")})
    rows = {row.number: row for row in mapping.load(ws).rows}
    assert rows["6000"].state() == RowState.ACCEPTED
    assert rows["6200"].state() == RowState.SET_BY_PERSON
    assert rows["6100"].state() == RowState.SUGGESTED
    assert rows["6100"].suggestion.category == "Software & Subscriptions"
    assert rows["4000"].state() == RowState.TO_DO


def test_every_check(mapping, ws):
    save(mapping, ws, {
        "1000": Decision("Office Supplies & Expenses"),  # balance sheet on expense
        "4000": Decision("Advertising & Marketing"),  # income on expense
        "6000": Decision("Rent & Facilities"),  # requires dimensions
        "6300": Decision("Telecom & Internet"),  # inactive, newly mapped
        "1500": Decision("Fixed Assets"),  # balance sheet on balance-sheet category: fine
    })  # fmt: skip
    view = mapping.load(ws)
    assert kinds(view, "1000") == {ProblemKind.BALANCE_SHEET_ON_EXPENSE}
    assert kinds(view, "4000") == {ProblemKind.INCOME_ON_EXPENSE}
    assert kinds(view, "6000") == {ProblemKind.DIMENSIONS_REQUIRED}
    assert "Department, Location" in next(p.message for p in view.problems if p.account == "6000")
    assert kinds(view, "6300") == {ProblemKind.INACTIVE_NEWLY_MAPPED}
    assert kinds(view, "1500") == set()
    # Unmapped active income-statement accounts are errors; balance-sheet ones are not.
    assert kinds(view, "6100") == {ProblemKind.UNMAPPED}
    assert {p.account for p in view.errors} == {"1000", "6300", "6100", "6200", "6400"}
    coverage = view.coverage()
    assert (coverage.accounts, coverage.mapped, coverage.excluded, coverage.to_do) == (8, 5, 0, 3)


def test_excluding_clears_the_unmapped_error(mapping, ws):
    save(mapping, ws, {"6100": Decision("Software & Subscriptions", use_in_routable=False)})
    view = mapping.load(ws)
    assert kinds(view, "6100") == set()
    assert view.coverage().excluded == 1


def test_rows_only_one_side_changed_merge(mapping, ws):
    base = mapping.load(ws).revision
    first = save(mapping, ws, {"6100": Decision("Software & Subscriptions")}, actor=ANA, base=base)
    assert first.applied == ("6100",) and not first.conflicts
    # BEN loaded the same revision and changed a different row: both edits are kept.
    second = mapping.save(ws, base, [Change("6200", UNDECIDED, Decision("Travel"))], BEN)
    assert second.applied == ("6200",) and not second.conflicts
    decisions = mapping.load(ws).decisions()
    assert decisions["6100"].category == "Software & Subscriptions" and decisions["6200"].category == "Travel"


def test_the_same_row_changed_by_both_comes_back_as_a_conflict(mapping, ws):
    base = mapping.load(ws).revision
    mapping.save(ws, base, [Change("6200", UNDECIDED, Decision("Travel"))], ANA)
    result = mapping.save(
        ws, base,
        [Change("6200", UNDECIDED, Decision("Meals & Entertainment")),
         Change("6400", UNDECIDED, Decision("Utilities"))],
        BEN,
    )  # fmt: skip
    assert result.applied == ("6400",)
    (conflict,) = result.conflicts
    assert (conflict.account, conflict.theirs.category, conflict.mine.category) == (
        "6200", "Travel", "Meals & Entertainment")  # fmt: skip
    assert conflict.theirs_by == ANA.audit_label
    assert mapping.load(ws).decisions()["6200"].category == "Travel"  # nothing overwritten silently
    # BEN keeps his: saving again on top of what he now has seen.
    again = mapping.save(ws, result.revision, [Change("6200", conflict.theirs, conflict.mine)], BEN)
    assert again.applied == ("6200",)
    assert mapping.load(ws).decisions()["6200"].category == "Meals & Entertainment"


def test_the_same_choice_made_twice_is_no_conflict(mapping, ws):
    base = mapping.load(ws).revision
    mapping.save(ws, base, [Change("6200", UNDECIDED, Decision("Travel"))], ANA)
    result = mapping.save(ws, base, [Change("6200", UNDECIDED, Decision("Travel"))], BEN)
    assert not result.conflicts and not result.applied


def test_unknown_category_is_refused_and_saves_nothing(mapping, ws):
    with pytest.raises(MappingError, match="no category named 'Snacks'"):
        save(mapping, ws, {"6100": Decision("Software & Subscriptions"), "6200": Decision("Snacks")})
    assert mapping.load(ws).decisions()["6100"] == UNDECIDED


def test_every_change_is_audited(mapping, ws):
    save(mapping, ws, {"6100": Decision("Software & Subscriptions", note="per Ana")}, actor=ANA)
    save(
        mapping,
        ws,
        {"6100": Decision("Software & Subscriptions", False, "per Ana")},
        actor=BEN,
        how=ChangeHow.BULK,
    )
    entries = [e for e in mapping.audit(ws) if e.account == "6100"]
    # One change, one entry: a category typed with a note is the category entry, carrying the note.
    assert [(e.field, e.before, e.after, e.how, e.who, e.note) for e in entries] == [
        ("use in Routable", "yes", "no", "bulk", BEN.audit_label, "per Ana"),
        ("category", "", "Software & Subscriptions", "typed", ANA.audit_label, "per Ana"),
    ]
    save(mapping, ws, {"6100": Decision("Software & Subscriptions", False, "per Ben")}, actor=BEN)
    assert [(e.field, e.before, e.after) for e in mapping.audit(ws, limit=1)] == [
        ("note", "per Ana", "per Ben")
    ]


def test_excluding_an_account_is_one_audit_entry(mapping, ws):
    save(mapping, ws, {"6100": Decision("Software & Subscriptions")})
    save(mapping, ws, {"6100": Decision("Not used in Routable", False)}, how=ChangeHow.BULK)
    entries = [e for e in mapping.audit(ws) if e.account == "6100"]
    assert [(e.field, e.before, e.after, e.how) for e in entries] == [
        ("category", "Software & Subscriptions", "Not used in Routable", "bulk"),
        ("category", "", "Software & Subscriptions", "typed"),
    ]


def test_submit_is_gated_by_errors_and_moves_the_steps(store, mapping, ws):
    with pytest.raises(
        MappingError, match="cannot go to review yet: 5 active income-statement accounts still to decide\\."
    ):
        mapping.submit(ws, mapping.revision(ws), LOCAL)
    save(mapping, ws, GOOD)
    version = mapping.submit(ws, mapping.revision(ws), LOCAL)
    assert version.number == 1 and version.status == "submitted"
    progress = store.get_progress(ws)
    assert progress["map"].state == "done" and progress["review"].state == "todo"


def test_submit_refuses_a_stale_revision(mapping, ws):
    save(mapping, ws, GOOD)
    stale = mapping.revision(ws) - 1
    with pytest.raises(MappingError, match="since you opened it"):
        mapping.submit(ws, stale, LOCAL)


def test_approve_in_local_mode_is_recorded_as_unchecked(store, mapping, ws):
    save(mapping, ws, GOOD)
    version = mapping.submit(ws, mapping.revision(ws), LOCAL)
    approved = mapping.approve(ws, version.number, LOCAL, "looks right")
    assert approved.status == APPROVED and approved.second_person_checked is False
    assert store.get_progress(ws)["review"].state == "done"
    entry = mapping.audit(ws)[0]
    assert entry.after == "version 1 approved" and entry.how == "not checked by a second person"


def test_maker_checker_with_signed_in_people(mapping, ws):
    save(mapping, ws, GOOD, actor=ANA)
    version = mapping.submit(ws, mapping.revision(ws), ANA)
    with pytest.raises(MappingError, match="someone else must approve"):
        mapping.approve(ws, version.number, ANA)
    assert mapping.approve(ws, version.number, BEN).second_person_checked is True


def test_approval_is_refused_while_an_error_remains(mapping, ws, tmp_path):
    save(mapping, ws, GOOD)
    version = mapping.submit(ws, mapping.revision(ws), LOCAL)
    # A re-sync after submission brings an active expense account nobody mapped.
    write_workspace_accounts(tmp_path / "data", ws, [*CHART, gl(6500, "Postage")])
    with pytest.raises(MappingError, match="Send it back"):
        mapping.approve(ws, version.number, BEN)


def test_send_back_needs_a_comment_and_flags_the_map_step(store, mapping, ws):
    save(mapping, ws, GOOD)
    version = mapping.submit(ws, mapping.revision(ws), LOCAL)
    with pytest.raises(MappingError, match="Say what needs to change"):
        mapping.send_back(ws, version.number, BEN, "   ")
    sent = mapping.send_back(ws, version.number, BEN, "6200 should be Meals")
    assert sent.status == SENT_BACK and sent.comment == "6200 should be Meals"
    progress = store.get_progress(ws)
    assert progress["map"].state == "attention" and "6200 should be Meals" in progress["map"].note
    with pytest.raises(MappingError, match="is sent back"):
        mapping.approve(ws, version.number, BEN)


def test_a_new_submission_supersedes_the_one_under_review(mapping, ws):
    save(mapping, ws, GOOD)
    first = mapping.submit(ws, mapping.revision(ws), LOCAL)
    save(mapping, ws, {"6200": Decision("Meals & Entertainment")})
    second = mapping.submit(ws, mapping.revision(ws), LOCAL)
    statuses = {v.number: v.status for v in mapping.versions(ws)}
    assert statuses == {first.number: SUPERSEDED, second.number: "submitted"}


def test_an_approved_version_never_changes(mapping, ws, store):
    save(mapping, ws, GOOD)
    version = mapping.approve(ws, mapping.submit(ws, mapping.revision(ws), LOCAL).number, LOCAL)
    save(mapping, ws, {"6200": Decision("Meals & Entertainment")})
    assert mapping.version_decisions(ws, version.number)["6200"].category == "Travel"
    conn = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            conn.execute("UPDATE mapping_version_rows SET category = 'Utilities'")
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            conn.execute("UPDATE mapping_versions SET status = 'submitted'")
    finally:
        conn.close()


def test_diff_against_the_last_approved_version(mapping, ws):
    save(mapping, ws, GOOD)
    mapping.approve(ws, mapping.submit(ws, mapping.revision(ws), LOCAL).number, LOCAL)
    save(mapping, ws, {"6200": Decision("Meals & Entertainment", note="client dinners")}, actor=ANA)
    view = mapping.load(ws)
    titles = {row.number: row.account.title for row in view.rows}
    (row,) = mapping.diff(ws, view.decisions(), titles)
    assert (row.account, row.title, row.before, row.after, row.who, row.note) == (
        "6200", "Travel Expense", "Travel", "Meals & Entertainment", ANA.audit_label,
        "client dinners")  # fmt: skip
    assert row.when is not None


def test_resync_flags_new_and_removed_accounts(store, mapping, ws, tmp_path):
    save(mapping, ws, GOOD)
    approved = mapping.approve(ws, mapping.submit(ws, mapping.revision(ws), LOCAL).number, LOCAL)
    assert mapping.review_after_sync(ws, LOCAL) == ""  # nothing changed in Intacct
    inactive = [replace_status(r) if r["ACCOUNTNO"] == "6400" else r for r in CHART]
    write_workspace_accounts(tmp_path / "data", ws, [*inactive, gl(6500, "Postage")], deleted=("6100",))
    note = mapping.review_after_sync(ws, LOCAL)
    assert (
        note == "the last sync brought 1 new account to map and "
        "2 mapped accounts deleted or inactivated in Intacct"
    )
    assert store.get_progress(ws)["map"].state == "attention"
    view = mapping.load(ws)
    rows = {row.number: row for row in view.rows}
    assert rows["6500"].new_since_approval and rows["6500"].state() == RowState.NEW
    assert rows["6100"].state() == RowState.GONE
    assert kinds(view, "6100") == {ProblemKind.GONE_FROM_INTACCT}
    assert kinds(view, "6400") == {ProblemKind.INACTIVATED_IN_INTACCT}
    # The approved version is untouched: it still says what was approved.
    assert mapping.version_decisions(ws, approved.number)["6100"].category == "Software & Subscriptions"
    assert "6500" not in mapping.version_decisions(ws, approved.number)


def replace_status(record):
    return {**record, "STATUS": "inactive"}


def test_identity_is_what_the_audit_names(mapping, ws):
    other = replace(ANA, email=None, name="Ana Ops")
    save(mapping, ws, {"6100": Decision("Software & Subscriptions")}, actor=other)
    assert mapping.audit(ws)[0].who == "Ana Ops (Customer admin)"


def test_an_account_title_approved_in_another_workspace_informs_the_suggestion(store, mapping, ws, tmp_path):
    # A title the rules alone cannot place, approved by one customer, helps the next one.
    odd = gl(6900, "Zorblax quarterly dues")
    write_workspace_accounts(tmp_path / "data", ws, [*CHART, odd])
    before = {row.number: row for row in mapping.load(ws).rows}["6900"].suggestion
    save(mapping, ws, {**GOOD, "6900": Decision("Legal & Professional Fees")})
    mapping.approve(ws, mapping.submit(ws, mapping.revision(ws), LOCAL).number, LOCAL)

    other = store.create_workspace("Other Co", actor=LOCAL).id
    write_workspace_accounts(tmp_path / "data", other, [gl(7100, "Zorblax quarterly dues")])
    after = {row.number: row for row in mapping.load(other).rows}["7100"].suggestion
    assert after.category == "Legal & Professional Fees" and after.category != before.category
    assert "approved" in after.reason and "other workspaces" in after.reason
    # The same words on the other side of the ledger are another account: nothing carries over.
    liability = gl(2100, "Zorblax quarterly dues", "balancesheet", "credit")
    write_workspace_accounts(tmp_path / "data", other, [liability])
    assert {row.number: row for row in mapping.load(other).rows}["2100"].suggestion.category != (
        "Legal & Professional Fees"
    )
