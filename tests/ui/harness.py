"""Helpers for AppTest: open the app or a page, finish steps, and read what is on screen."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from streamlit.testing.v1 import AppTest

from onboarding import progress
from onboarding.progress import Outcome, StepChange, StepState
from onboarding.steps import STEPS, TICKABLE_STEPS, step
from onboarding.store import Store, Workspace
from tests.actors import LOCAL

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
# Nothing listens on the discard port: a test that reaches the network by mistake fails loudly.
DEAD_ENDPOINT = "http://127.0.0.1:9/ia/xml/xmlgw.phtml"
DEMO_PASSWORD = "Demo-Passw0rd!"
RUN_TIMEOUT = 10.0
LOGIN_TIMEOUT = 30.0


def finish_steps(store: Store, ws: Workspace, keys: list[str] | None = None, plan: str | None = None) -> None:
    """Tick every item of the given checklist steps (default: all of them), as a user would."""
    if plan:
        store.set_plan(ws.id, plan, actor=LOCAL)
    for key in keys if keys is not None else TICKABLE_STEPS:
        for item in step(key).checklist:
            tick = partial(
                progress.checklist_ticked, step_key=key, item_key=item.key, checked=True, actor=LOCAL
            )
            store.apply(ws.id, tick)


def mark_done(store: Store, ws: Workspace, keys: list[str]) -> None:
    """Mark steps done in one action, as an implementation manager can."""
    store.apply(ws.id, partial(progress.steps_marked_done, step_keys=keys, actor=LOCAL))


def flag(store: Store, ws: Workspace, key: str, note: str) -> None:
    """Leave a step needing attention, as a failed check does."""
    store.apply(ws.id, Outcome(LOCAL, steps=(StepChange(key, StepState.ATTENTION, note),)))


def open_app(ws: Workspace | None = None, page: str | None = None) -> AppTest:
    """The app through its entry point, on `page` (a step key), with `ws` selected."""
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    if ws is not None:
        at.session_state["workspace_id"] = ws.id
    at.run()
    if page is not None and page != STEPS[0].key:
        at.switch_page(step(page).page_file).run()
    return at


def open_page_directly(page: str, ws: Workspace | None = None) -> AppTest:
    """A page file on its own, without app.py, as when it is opened by URL on a fresh server."""
    at = AppTest.from_file(str(ROOT / step(page).page_file), default_timeout=RUN_TIMEOUT)
    if ws is not None:
        at.session_state["workspace_id"] = ws.id
    return at.run()


def _walk(node) -> list:
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    found = [node]
    for child in children.values():
        found.extend(_walk(child))
    return found


def screen_text(at: AppTest) -> str:
    """Everything the app sent for display (labels, values, markdown, placeholders), as one string."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for attribute in ("value", "label", "body", "placeholder"):
            try:
                parts.append(str(getattr(node, attribute)))
            except Exception:  # noqa: BLE001, S112 - some elements have no such attribute
                continue
    return "\n".join(parts)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def sidebar_states(at: AppTest) -> dict[str, str]:
    """Step title (the full one, though the sidebar shows the short one) -> state label, from the sidebar."""
    titles = {s.nav_title: s.title for s in STEPS}
    states = {}
    for link in at.sidebar.get("page_link"):
        label = link.proto.label
        number_title, _, state = label.rpartition(" · ")
        states[titles[number_title.split(". ", 1)[1]]] = state
    return states


def session_text(at: AppTest) -> str:
    """Every session-state entry, keys and values, as one string (to prove a value is not kept)."""
    return "\n".join(f"{key}={value!r}" for key, value in at.session_state.items())
