"""Behaviour of ``onboarding.mapping.suggest``: what it suggests, how sure it is, and why."""

from dataclasses import FrozenInstanceError

import pytest

import onboarding.mapping
from onboarding.mapping import Suggestion, suggest
from onboarding.mapping.defaults import default_category_names

EXPENSE, ASSET = "incomestatement", "balancesheet"


def account(number, title, kind=EXPENSE, balance="debit", **extra):
    return {"ACCOUNTNO": number, "TITLE": title, "ACCOUNTTYPE": kind, "NORMALBALANCE": balance, **extra}


def one(title, kind=EXPENSE, balance="debit", categories=None, **kwargs) -> Suggestion:
    return suggest([account("6000", title, kind, balance)], categories, **kwargs)[0]


def test_public_names_are_exported_from_the_package():
    assert onboarding.mapping.suggest is suggest
    assert onboarding.mapping.Suggestion is Suggestion
    assert {"suggest", "Suggestion"} <= set(onboarding.mapping.__all__)


def test_a_suggestion_is_immutable():
    suggestion = one("Travel")
    with pytest.raises(FrozenInstanceError):
        suggestion.category = "Utilities"


def test_one_suggestion_per_account_in_the_given_order():
    titles = ["Rent", "Telephone", "Bank Fees", "Insurance", "Airfare", "Stationery"]
    accounts = [account(str(7000 + i * 37), t) for i, t in enumerate(titles)]
    got = suggest(accounts)
    assert [s.category for s in got] == [
        "Rent & Facilities",
        "Telecom & Internet",
        "Bank & Merchant Fees",
        "Insurance",
        "Travel",
        "Office Supplies & Expenses",
    ]
    reversed_got = suggest(list(reversed(accounts)))
    assert [s.category for s in reversed_got] == [s.category for s in reversed(got)]
    assert suggest([]) == []


@pytest.mark.parametrize(
    ("title", "expected", "quoted"),
    [
        ("T&E Exp", "Travel", '"T&E" (travel)'),
        ("Amort. Exp", "Not used in Routable", '"Amort" (amortization)'),
        ("Software Subscr.", "Software & Subscriptions", '"Software Subscr" (software subscriptions)'),
        ("Prof. fees", "Legal & Professional Fees", '"Prof. fees" (professional fees)'),
        ("Telco", "Telecom & Internet", '"Telco" (telecom)'),
        ("R&M - Building", "Repairs & Maintenance", '"R&M" (repairs maintenance)'),
        ("Dep. Exp - Vehicles", "Not used in Routable", '"Dep" (depreciation)'),
        ("Svc charges - bank", "Bank & Merchant Fees", '"Svc charges" (services charges)'),
        ("Employer 401(k) match", "Payroll, Benefits & HR", None),
        ("Workers' Comp Insurance", "Payroll, Benefits & HR", None),
        ("Cost of Goods Sold - Freight", "Cost of Goods Sold", '"Cost of Goods Sold"'),
        ("COGS - Materials", "Cost of Goods Sold", '"COGS" (cost of goods sold)'),
    ],
)
def test_shorthand_and_synonyms_are_read(title, expected, quoted):
    suggestion = one(title)
    assert suggestion.category == expected, suggestion
    if quoted:
        assert quoted in suggestion.reason, suggestion.reason
    assert suggestion.reason.startswith("Title says")


def test_reason_quotes_what_the_title_says():
    assert one("Software subscriptions").reason == 'Title says "Software subscriptions"'
    assert one("Inventory - Stock In Hand", ASSET).reason == 'Title says "Stock In Hand"'


def test_health_insurance_is_a_benefit_not_business_insurance():
    benefit = one("Employee Benefits - Health Insurance")
    cover = one("General Liability Insurance")
    assert benefit.category == "Payroll, Benefits & HR" and benefit.confidence >= 0.8
    assert cover.category == "Insurance" and cover.confidence >= 0.8


def test_the_same_word_means_different_things_on_each_side_of_the_ledger():
    assert one("Software", ASSET).category == "Fixed Assets"
    assert one("Software", EXPENSE).category == "Software & Subscriptions"
    assert one("Office Equipment", ASSET).category == "Fixed Assets"
    assert one("Office Equipment", EXPENSE).category == "Equipment & Hardware"
    assert one("Prepaid Insurance", ASSET).category == "Prepaid Expenses"
    assert one("Inventory - Raw Materials", ASSET).category == "Inventory"


def test_balance_sheet_accounts_only_get_balance_sheet_or_excluded_categories():
    titles = ["Travel Advances", "Checking", "Accrued Legal Fees", "Telephone Deposits", "Marketing Fund"]
    allowed = {"Fixed Assets", "Inventory", "Prepaid Expenses", "Not used in Routable"}
    for balance in ("debit", "credit"):
        for s in suggest([account(str(1000 + i), t, ASSET, balance) for i, t in enumerate(titles)]):
            assert s.category in allowed, s


def test_revenue_liabilities_and_contra_accounts_are_not_used_with_high_confidence():
    cases = [
        account("4000", "Consulting Revenue", EXPENSE, "credit"),
        account("4100", "Shipping Charges Reimbursed", EXPENSE, "credit"),
        account("2100", "Accrued Travel", ASSET, "credit"),
        account("1710", "Accum. Dep. - Equip", ASSET, "credit"),
        account("8010", "Depreciation Expense", EXPENSE, "debit"),
    ]
    for s in suggest(cases):
        assert s.category == "Not used in Routable" and s.confidence >= 0.9, s


def test_an_expense_title_with_a_credit_balance_is_excluded_but_not_confidently():
    suggestion = one("Office Supplies", EXPENSE, "credit")
    assert suggestion.category == "Not used in Routable"
    assert suggestion.confidence < 0.8
    assert "Credit balance" in suggestion.reason


def test_neighbouring_accounts_fill_a_title_that_says_nothing():
    travel_range = [
        account("6410", "Airfare"),
        account("6420", "Hotels"),
        account("6425", "Roadshow - Sales"),
        account("6430", "Mileage"),
        account("6440", "Per diem"),
    ]
    alone = suggest([account("6425", "Roadshow - Sales")])[0]
    assert alone.category == "Other Expenses" and alone.confidence < 0.5

    filled = suggest(travel_range)[2]
    assert filled.category == "Travel"
    assert "Neighbouring accounts 6410-6440 are Travel" in filled.reason
    # A guess from numbering alone is never strong enough for "accept all".
    assert 0.5 < filled.confidence < 0.8


def test_neighbours_strengthen_agreeing_titles_and_temper_disagreeing_ones():
    cogs_range = [account(str(n), t) for n, t in [
        ("5100", "Direct Labor"), ("5200", "Raw Material Purchases"), ("5300", "Electricity"),
        ("5400", "Factory Supplies"), ("5500", "Product Cost"), ("5600", "Cost of Sales - Other"),
    ]]  # fmt: skip
    in_range = suggest(cogs_range)
    alone = suggest([account("9000", "Electricity"), account("9500", "Product Cost")])
    assert in_range[2].category == "Utilities"
    assert in_range[2].confidence < alone[0].confidence
    assert "neighbouring accounts" in in_range[2].reason
    assert in_range[4].category == "Cost of Goods Sold"
    assert in_range[4].confidence > alone[1].confidence


def test_neighbours_do_not_cross_ranges_or_types():
    accounts = [
        account("6410", "Airfare"),
        account("6420", "Hotels"),
        account("6430", "Mileage"),
        account("6440", "Per diem"),
        account("7425", "Roadshow - Sales"),  # another thousand block
        account("6425", "Roadshow - Sales", ASSET, "debit"),  # same number range, other side of the ledger
    ]
    got = suggest(accounts)
    assert got[4].category != "Travel" and got[5].category != "Travel"


def test_custom_categories_are_matched_by_meaning():
    categories = ["Marketing", "SaaS & Software", "T&E", "Professional Services", "Excluded", "Capex", "Misc"]
    accounts = [
        account("6000", "Advertising"),
        account("6010", "Adobe Subscription"),
        account("6020", "Hotels"),
        account("6025", "Client Meals"),
        account("6030", "Audit fees"),
        account("4000", "Sales", EXPENSE, "credit"),
        account("1500", "Office Equipment", ASSET),
        account("6090", "Donations"),
    ]
    got = suggest(accounts, categories)
    assert [s.category for s in got] == [
        "Marketing",
        "SaaS & Software",
        "T&E",
        "T&E",
        "Professional Services",
        "Excluded",
        "Capex",
        "Misc",
    ]


def test_only_given_categories_are_ever_suggested():
    categories = ["Travel", "Not used in Routable"]
    titles = ["Electricity", "Airfare", "Sales", "Legal fees", "Widgets", "", "Prepaid Rent"]
    accounts = [account(str(6000 + i), t) for i, t in enumerate(titles)]
    accounts += [account(str(1000 + i), t, ASSET) for i, t in enumerate(titles)]
    for s in suggest(accounts, categories):
        assert s.category in {None, *categories}, s
    electricity = suggest([account("6000", "Electricity")], categories)[0]
    assert electricity.category is None and electricity.confidence == 0
    assert "no category for Utilities" in electricity.reason


def test_a_missing_category_falls_back_to_other_with_less_confidence():
    categories = [c for c in default_category_names() if c != "Utilities"]
    with_utilities = one("Electricity")
    without = one("Electricity", categories=categories)
    assert without.category == "Other Expenses"
    assert without.confidence < with_utilities.confidence and without.confidence < 0.8


def test_categories_may_be_any_iterable():
    assert one("Airfare", categories=iter(["Travel", "Other"])).category == "Travel"


def test_approvals_elsewhere_teach_a_title_the_rules_do_not_know():
    title = "Widget kits"
    cold = one(title)
    assert cold.confidence < 0.5
    approved = [(account(str(n), title), "Cost of Goods Sold") for n in (5100, 5200, 5300)]
    learned = one(title, approved=approved)
    assert learned.category == "Cost of Goods Sold" and learned.confidence >= 0.8
    assert "approved as Cost of Goods Sold" in learned.reason and "3 times" in learned.reason


def test_approvals_match_titles_regardless_of_case_and_word_order():
    approved = [(account("5100", "KITS, WIDGET"), "Cost of Goods Sold")]
    assert one("Widget kits", approved=approved).category == "Cost of Goods Sold"


def test_a_near_title_learns_less_than_the_same_title():
    approved = [(account("6100", "Widget kits - Boston"), "Travel")]
    near = one("Widget kits - Paris", approved=approved)
    same = one("Widget kits - Boston", approved=approved)
    assert near.category == "Travel" and "similar title" in near.reason
    # Another workspace's title is another customer's data: the reason never quotes it.
    assert "Boston" not in near.reason
    assert near.confidence < 0.8 <= same.confidence


def test_agreeing_approvals_raise_confidence():
    approved = [(account("6100", "Travel and subsistence"), "Travel")]
    cold = one("Travel and subsistence")
    learned = one("Travel and subsistence", approved=approved)
    assert learned.category == cold.category == "Travel"
    assert learned.confidence > cold.confidence


def test_split_approvals_are_not_trusted():
    gizmo = account("6100", "Gizmo costs")
    approved = [(gizmo, "Cost of Goods Sold"), (gizmo, "Travel")]
    assert one("Gizmo costs", approved=approved).confidence < 0.8


def test_approvals_only_count_on_the_same_side_of_the_ledger():
    approved = [(account("1500", "Widget kits", ASSET), "Inventory")]
    assert one("Widget kits", EXPENSE, approved=approved).category != "Inventory"


def test_approved_names_are_mapped_onto_this_workspaces_categories():
    approved = [(account("6100", "Widget kits"), "Travel")]
    learned = one("Widget kits", categories=["T&E", "Excluded"], approved=approved)
    assert learned.category == "T&E"


def test_unusable_approvals_are_ignored():
    approved = [None, ("just one",), (account("1", "Widget kits"), None), ({}, "Travel"), (42, "Travel")]
    assert one("Widget kits", approved=approved) == one("Widget kits")


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"ACCOUNTNO": None, "TITLE": None, "ACCOUNTTYPE": None, "NORMALBALANCE": None},
        {"TITLE": "   ", "ACCOUNTTYPE": "incomestatement"},
        {"ACCOUNTNO": 6410, "TITLE": 12345, "ACCOUNTTYPE": 7, "NORMALBALANCE": 1},
        {"ACCOUNTNO": "", "TITLE": "Travel"},
        None,
        "not a record",
    ],
)
def test_blank_missing_or_odd_fields_never_fail(record):
    [suggestion] = suggest([record])
    assert isinstance(suggestion, Suggestion)
    assert 0.0 <= suggestion.confidence <= 1.0
    assert suggestion.category in {None, *default_category_names()}
    assert suggestion.reason


def test_a_record_with_nothing_to_go_on_gets_no_category():
    suggestion = suggest([{}])[0]
    assert suggestion.category is None and suggestion.confidence == 0


def test_missing_type_still_reads_the_title_but_with_less_confidence():
    typed = one("Airfare")
    untyped = suggest([{"ACCOUNTNO": "6410", "TITLE": "Airfare"}])[0]
    assert untyped.category == "Travel" and untyped.confidence < typed.confidence


def test_type_and_balance_are_read_in_any_case_and_with_other_keys_present():
    record = account("6410", "Airfare", "IncomeStatement", "DEBIT", RECORDNO="17", STATUS="active")
    assert suggest([record])[0] == one("Airfare")


def test_confidence_is_always_between_zero_and_one():
    titles = ["Travel", "Accumulated depreciation", "x", "", "Travel Travel Travel Hotel Airfare", "Bank"]
    accounts = [account(str(6000 + i), t, kind, bal) for i, t in enumerate(titles)
                for kind in (EXPENSE, ASSET, "", "other") for bal in ("debit", "credit", "")]  # fmt: skip
    approved = [(a, "Travel") for a in accounts[::3]]
    for s in suggest(accounts) + suggest(accounts, approved=approved):
        assert 0.0 <= s.confidence <= 1.0


def test_asking_again_gives_the_same_answers():
    accounts = [account(str(6000 + i), t) for i, t in enumerate(["Airfare", "Widgets", "Rent", "Bank fees"])]
    first = suggest(accounts)
    assert suggest(accounts) == first
    assert suggest(iter(accounts)) == first
    # The kept readings belong to one list of categories, never to another.
    assert [s.category for s in suggest(accounts, ["T&E", "Other"])] == ["T&E", "Other", "Other", "Other"]
    assert suggest(accounts) == first


def test_category_lists_holding_non_names_are_tolerated():
    got = one("Airfare", categories=["Travel", None, 3, ["x"], "  "])
    assert got.category == "Travel"


@pytest.mark.parametrize("excluded", ["Excluded", "Out of scope", "Do not map", "Skip", "Not billable"])
def test_a_renamed_not_used_category_is_recognised(excluded):
    got = one("Consulting Revenue", EXPENSE, "credit", categories=["Travel", excluded])
    assert got.category == excluded


def test_an_equipment_expense_category_does_not_take_fixed_asset_accounts():
    categories = ["Equipment", "Fixed assets (capitalised)", "Excluded"]
    got = suggest([account("6100", "Laptops"), account("1500", "Computer Equipment", ASSET)], categories)
    assert [s.category for s in got] == ["Equipment", "Fixed assets (capitalised)"]


def test_intacct_account_category_helps_a_title_that_says_little():
    plain = suggest([account("5100", "Widget kits")])[0]
    helped = suggest([account("5100", "Widget kits", CATEGORY="Cost of Sales - Goods")])[0]
    assert plain.category == "Other Expenses" and plain.confidence < 0.5
    assert helped.category == "Cost of Goods Sold"
    assert plain.confidence < helped.confidence < 0.8
    assert helped.reason.startswith('Intacct account category says "Cost of Sales"')


def test_intacct_account_category_never_overrides_a_clear_title():
    clear = suggest([account("6100", "Airfare", CATEGORY="Cost of Sales - Goods")])[0]
    assert clear == one("Airfare")


def test_a_specific_word_beats_an_umbrella_abbreviation():
    umbrella = one("T&E Exp")
    meals, airfare = one("T&E - Meals"), one("T&E - Airfare")
    assert meals.category == "Meals & Entertainment" and 'Title says "Meals"' in meals.reason
    assert airfare.category == "Travel"
    assert airfare.confidence > umbrella.confidence


def test_titles_apart_by_a_meaningful_word_are_not_similar():
    approved = [(account("6100", "Other computer costs"), "Equipment & Hardware")]
    assert one("Other costs", approved=approved) == one("Other costs")
