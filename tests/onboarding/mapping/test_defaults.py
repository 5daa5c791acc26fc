from onboarding.mapping.defaults import CategoryKind, default_categories, default_category_names


def test_defaults_match_the_issue_list():
    names = default_category_names()
    assert len(names) == 25 and len(set(names)) == 25
    assert names[0] == "Advertising & Marketing" and names[-1] == "Not used in Routable"
    kinds = {c.name: c.kind for c in default_categories()}
    assert {n for n, k in kinds.items() if k is CategoryKind.BALANCE_SHEET} == {
        "Fixed Assets",
        "Inventory",
        "Prepaid Expenses",
    }
    assert [n for n, k in kinds.items() if k is CategoryKind.EXCLUDED] == ["Not used in Routable"]
