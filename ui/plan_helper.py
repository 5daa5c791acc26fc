"""The Plan step's widgets: two questions, the recommendation (onboarding.plan), and the stored decision."""

from __future__ import annotations

from functools import partial

import streamlit as st

from onboarding.plan import BILL_SCOPE_OPTIONS, ENTITY_COUNT_OPTIONS, PLAN_LABELS, recommend_plan
from ui.guard import PageContext
from ui.saved_choice import saved_radio


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
        ctx.store.set_plan(ctx.ws_id, advice.plan, actor=ctx.actor)
        st.rerun()


def plan_choice(ctx: PageContext) -> None:
    """The stored decision, changeable at any time."""
    st.subheader("Your decision")
    saved_radio(
        "Where should Routable connect?",
        PLAN_LABELS,
        ctx.workspace.plan,
        f"plan_choice_{ctx.ws_id}",
        partial(ctx.store.set_plan, ctx.ws_id, actor=ctx.actor),
    )
    if ctx.workspace.plan is None:
        st.caption("Nothing chosen yet. You can change it later; the Connect step follows this choice.")
    else:
        st.caption("Saved. You can change it later; the Connect step follows this choice.")
