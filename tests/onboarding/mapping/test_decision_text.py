"""How one account's decision reads in the changes table, its CSV and the audit trail."""

from __future__ import annotations

from onboarding.mapping.model import UNDECIDED, Decision, changed_accounts


def test_each_kind_of_decision_reads_as_one_short_line():
    assert UNDECIDED.describe() == "not mapped"
    assert Decision("Travel").describe() == "Travel"
    # A category with the switch off: both halves matter.
    assert Decision("Travel", use_in_routable=False).describe() == "Travel (not used in Routable)"
    assert Decision(None, use_in_routable=False).describe() == "no category (not used in Routable)"


def test_an_excluded_account_says_not_used_once():
    assert Decision("Not used in Routable", use_in_routable=False).describe() == "Not used in Routable"


def test_changed_accounts_counts_a_missing_account_as_undecided():
    before = {"1000": Decision("Travel"), "2000": Decision("Insurance")}
    after = {"1000": Decision("Travel"), "2000": Decision("Utilities"), "3000": UNDECIDED}
    after["4000"] = Decision("Rent")
    assert changed_accounts(before, after) == ["2000", "4000"]
