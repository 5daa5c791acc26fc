"""The top-level vs entity-level decision helper on the Plan step: two questions, one recommendation."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.guard import PageContext
from ui.safe import guarded

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
            "for a list of entities under Company › Setup › Entities; no list means a single entity.",
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


@guarded
def _save_plan(ctx: PageContext, widget_key: str) -> None:
    chosen = st.session_state.get(widget_key)
    if chosen in PLAN_LABELS:
        ctx.store.set_plan(ctx.ws_id, chosen)


def decision_helper(ctx: PageContext) -> None:
    """Ask, recommend, and let the user adopt the recommendation in one click."""
    st.subheader("Not sure? Answer two questions")
    entity_count = st.radio(
        "How many entities does your Intacct company have?",
        options=list(ENTITY_COUNT_OPTIONS),
        format_func=ENTITY_COUNT_OPTIONS.get,
        index=None,
        key=f"plan_q_entities_{ctx.ws_id}",
        horizontal=True,
    )
    bill_scope = None
    if entity_count == "several":
        bill_scope = st.radio(
            "Whose bills will Routable pay?",
            options=list(BILL_SCOPE_OPTIONS),
            format_func=BILL_SCOPE_OPTIONS.get,
            index=None,
            key=f"plan_q_bills_{ctx.ws_id}",
            horizontal=True,
        )
    advice = recommend_plan(entity_count, bill_scope)
    if advice is None:
        return
    st.info(f"**We recommend: {PLAN_LABELS[advice.plan]}.** {advice.reason}", icon=":material/lightbulb:")
    if ctx.workspace.plan != advice.plan and st.button(
        f"Use this: {PLAN_LABELS[advice.plan]}", key=f"plan_adopt_{ctx.ws_id}"
    ):
        ctx.store.set_plan(ctx.ws_id, advice.plan)
        st.rerun()


def plan_choice(ctx: PageContext) -> None:
    """The stored decision, changeable at any time."""
    st.subheader("Your decision")
    widget_key = f"plan_choice_{ctx.ws_id}"
    # Seed from the database each run, so the radio always shows what is saved.
    st.session_state[widget_key] = ctx.workspace.plan
    st.radio(
        "Where should Routable connect?",
        options=list(PLAN_LABELS),
        format_func=PLAN_LABELS.get,
        key=widget_key,
        on_change=_save_plan,
        args=(ctx, widget_key),
        horizontal=True,
    )
    if ctx.workspace.plan is None:
        st.caption("Nothing chosen yet. You can change it later; the Connect step follows this choice.")
    else:
        st.caption("Saved. You can change it later; the Connect step follows this choice.")
