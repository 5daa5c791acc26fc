"""Small building blocks for the written guidance: where to click in Intacct, and values to copy."""

from __future__ import annotations

import streamlit as st

from onboarding.steps import NEWER_MENUS
from ui.guard import PageContext


def menu_path(path: str, lead: str = "In Sage Intacct, go to") -> None:
    """The exact menu path, set apart so it is easy to follow while clicking through Intacct.

    Where newer Intacct menus differ, both paths are given: customers see one or the other.
    """
    newer = NEWER_MENUS.get(path)
    also = f" (in newer Intacct menus: **{newer}**)" if newer else ""
    st.markdown(f"{lead} **{path}**{also}.")


COPY_HINT = "point at the box and click the copy icon at its right"


def copy_value(label: str, value: str, note: str = COPY_HINT) -> None:
    """A value the user pastes into Intacct; st.code gives it a copy button (shown on hover)."""
    st.markdown(f"**{label}**" + (f" · {note}" if note else ""))
    st.code(value, language=None)


def numbered(instructions: list[str]) -> None:
    st.markdown("\n".join(f"{n}. {text}" for n, text in enumerate(instructions, start=1)))


def sandbox_hint(ctx: PageContext, text: str) -> None:
    """In sandbox mode there is nothing to do in a real Intacct: say what the practice company offers."""
    if ctx.platform is not None and ctx.platform.sandbox:
        st.info(f"**In the sandbox:** {text}", icon=":material/science:")


def demo_companies(ctx: PageContext) -> str:
    """'ACME-DEMO (entities E100, E200), SOLO-DEMO' from the platform's demo accounts."""
    entities: dict[str, tuple[str, ...]] = {}
    for account in ctx.platform.demo_accounts if ctx.platform else []:
        entities.setdefault(account.company_id, account.entity_ids)
    described = []
    for company, ids in entities.items():
        described.append(ctx.shown(company) + (f" (entities {', '.join(ids)})" if ids else ""))
    return ", ".join(described)


def demo_users(ctx: PageContext) -> str:
    """One markdown bullet per demo user: who it is and what it demonstrates."""
    return "\n".join(
        f"- {ctx.shown(a.user_id)} at {ctx.shown(a.company_id)}: {a.description}"
        for a in (ctx.platform.demo_accounts if ctx.platform else [])
    )
