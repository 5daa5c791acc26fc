"""Top level or one entity: the recommendation behind the Plan step's two questions."""

from __future__ import annotations

from dataclasses import dataclass

from onboarding.steps import MENU_ENTITIES

ENTITY_COUNT_OPTIONS = {
    "one": "Just one",
    "several": "More than one",
    "unsure": "I'm not sure",
}
BILL_SCOPE_OPTIONS = {
    "many": "Bills from several entities",
    "single": "Bills from one entity only",
}
PLAN_LABELS = {
    "top": "Top level (all entities)",
    "entity": "One entity",
}


@dataclass(frozen=True)
class Recommendation:
    plan: str
    reason: str


def recommend_plan(entity_count: str | None, bill_scope: str | None) -> Recommendation | None:
    """None until the questions that matter are answered."""
    if entity_count is None:
        return None
    if entity_count == "one":
        return Recommendation(
            "top", "With a single entity there is nothing to choose between: connect at top level."
        )
    if entity_count == "unsure":
        return Recommendation(
            "top",
            "Top level is the safe default: it works for one entity and for many. To find out for sure, look "
            f"for a list of entities under {MENU_ENTITIES}; no list means a single entity.",
        )
    if bill_scope is None:
        return None
    if bill_scope == "many":
        return Recommendation(
            "top",
            "Routable needs to see every entity whose bills it pays, and vendors stay shared instead of "
            "being copied per entity.",
        )
    return Recommendation(
        "entity",
        "Connecting to that one entity keeps Routable to its bills and locations. Vendors can still be kept "
        "at top level in Intacct; talk this through with your implementation manager.",
    )
