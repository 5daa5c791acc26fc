import pytest

from onboarding.plan import PLAN_LABELS, recommend_plan
from onboarding.store import PLANS


@pytest.mark.parametrize(
    ("entities", "bills", "expected"),
    [
        (None, None, None),
        ("one", None, "top"),
        ("unsure", None, "top"),
        ("several", None, None),
        ("several", "many", "top"),
        ("several", "single", "entity"),
    ],
)
def test_recommend_plan(entities, bills, expected):
    advice = recommend_plan(entities, bills)
    assert (advice.plan if advice else None) == expected


def test_every_plan_the_store_accepts_has_a_label():
    assert set(PLAN_LABELS) == set(PLANS)


def test_the_unsure_answer_says_where_to_look():
    assert "Company › Setup › Entities" in recommend_plan("unsure", None).reason
