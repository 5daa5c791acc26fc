"""The one call at the top of every page: set-up, workspace, sidebar, prerequisites.

A page file can run without app.py around it (opened by URL as the first session after a server
start, or on its own in a test), so nothing here assumes the entry point ran first.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from onboarding.access import AccessDenied, Action, may
from onboarding.identity import Identity
from onboarding.password_check import unreadable_passwords
from onboarding.platform import Platform, PlatformConfigError
from onboarding.progress import StepState, unfinished_prerequisites
from onboarding.scoped_store import ScopedStore
from onboarding.steps import SENDER_ID, STEPS, Step, StepKey, step
from onboarding.store import StepProgress, Store, Workspace
from onboarding.vault import Vault, VaultError
from ui import shortcut, sign_in, workspaces
from ui.display import as_text, redact, shown
from ui.nav import step_label, step_link, step_number
from ui.resources import db_path, get_platform, get_store, get_vault
from ui.safe import describe_for_log, report_refusal, report_unexpected
from ui.screen_share import badge, screen_share_on
from ui.sidebar import render_sidebar, step_links

log = logging.getLogger("routable.ui")

APP_TITLE = "Sage Intacct setup · Routable"
APP_ICON = ":material/explore:"
# The heading's "All steps" popover; its state says whether it is open.
STEPS_POPOVER_KEY = "all_steps_popover"


@dataclass(frozen=True)
class PageContext:
    # The store as the acting identity may use it: every read and change is checked by onboarding.access.
    store: ScopedStore
    vault: Vault
    # None when our own Intacct settings are broken; platform_problem then says what to fix.
    platform: Platform | None
    workspace: Workspace
    progress: dict[str, StepProgress]
    screen_share: bool
    step: Step
    # Who acts on this page: every change a page makes is recorded against this identity.
    actor: Identity
    platform_problem: str = ""
    # Answers of may() in this run: views ask the same question several times.
    _answers: dict[Action, bool] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ws_id(self) -> int:
        return self.workspace.id

    def may(self, action: Action) -> bool:
        """Whether the acting identity may do `action` on this page's workspace (views ask before drawing)."""
        if action not in self._answers:
            # Asked of the workspace this run read (and checked) at its top: the same answer the store
            # gives, without reading the workspace again for every question.
            self._answers[action] = may(self.actor, action, self.workspace)
        return self._answers[action]

    @property
    def my_progress(self) -> StepProgress:
        return self.progress[self.step.key]

    @property
    def sender_id(self) -> str:
        """The sender ID customers must authorize: the configured one, so guidance matches what we send."""
        return self.platform.sender_id if self.platform is not None else SENDER_ID

    def shown(self, value: str | None) -> str:
        """An identifier as it may appear on screen right now."""
        return shown(value, self.screen_share)


def configure_page() -> None:
    # An integer sidebar state sets its width: wide enough for the step titles in the step list.
    st.set_page_config(page_title=APP_TITLE, page_icon=APP_ICON, layout="wide", initial_sidebar_state=420)


def _fail_setup(message: str) -> None:
    st.error(message, icon=":material/build:")
    st.stop()


def _open_store() -> Store:
    try:
        return get_store()
    except (OSError, sqlite3.Error) as problem:
        log.error("cannot open the progress database: %s", describe_for_log(problem))
        _fail_setup(
            f"The app cannot open its progress database at {db_path()}. Check that the folder exists and "
            "is writable, or point the ROUTABLE_DB_PATH setting at a writable file, then reload."
        )
        raise  # unreachable: st.stop() ends the run


def _open_vault() -> Vault:
    try:
        return get_vault()
    except VaultError as problem:  # messages are written for people and never contain key material
        _fail_setup(str(problem))
        raise


def _open_platform() -> tuple[Platform | None, str]:
    try:
        return get_platform(), ""
    except PlatformConfigError as problem:
        return None, str(problem)


def _explain_prerequisites(definition: Step, missing: list[str]) -> None:
    st.title(definition.title)
    # Say what the step is for even while it is locked: a finance lead sent a link to the Review step
    # should learn what will be asked of them, not only that others have work left.
    st.write(definition.summary)
    st.info(
        "This step builds on earlier ones. Finish these first, then come back:", icon=":material/explore:"
    )
    for key in missing:
        step_link(key)


def attention_banner(ctx: PageContext) -> None:
    mine = ctx.my_progress
    if mine.state != StepState.ATTENTION:
        return
    connection = ctx.store.get_connection(ctx.ws_id)
    ids = [connection.company_id, connection.user_id, connection.entity_id] if connection else []
    # The note can be a reviewer's own words or a server's message: shown as typed, never as Markdown.
    note = as_text(redact(mine.note, ids, ctx.screen_share).rstrip(". ")) if mine.note else None
    st.warning(
        f"**This step needs attention:** {note or 'the last check found a problem'}.",
        icon=":material/warning:",
    )


def _warn_unreadable_passwords(store: Store, vault: Vault, current: Workspace | None) -> None:
    """Name every saved connection the vault key cannot read, so no password is lost in silence."""
    unreadable = unreadable_passwords(store, vault)
    if not unreadable:
        return
    names = ", ".join(f"“{as_text(w.name)}”" for w in unreadable)
    st.sidebar.warning(
        f"**Saved passwords cannot be read** for: {names}. The vault key was replaced or its file was "
        "lost. Restore the previous key, or enter each of these passwords again on the Connect step.",
        icon=":material/key_off:",
    )
    if current is not None and any(w.id == current.id for w in unreadable):
        st.warning(
            "The saved Intacct password of this workspace can no longer be read (the vault key changed). "
            "Enter it again on the Connect step before syncing.",
            icon=":material/key_off:",
        )


def page_setup(step_key: str, ready_early: Callable[[int, list[str]], bool] | None = None) -> PageContext:
    """Prepare the page for `step_key`; stops the run (after saying why) when the page cannot go on.

    ``ready_early(workspace_id, missing_steps)`` lets a page open before its prerequisites are done
    when what it needs has already arrived (the Map step once the GL accounts are synced).
    """
    return _setup(step(step_key), None, ready_early)


def workspace_page_setup(definition: Step, action: Action) -> PageContext:
    """Prepare a workspace page that is not a wizard step (no prerequisites) and needs `action` on it.

    Someone without `action` is told what they cannot do, and the page stops there.
    """
    return _setup(definition, action, None)


def _setup(
    definition: Step, action: Action | None, ready_early: Callable[[int, list[str]], bool] | None
) -> PageContext:
    configure_page()
    step_key = definition.key
    try:
        mode = sign_in.access_mode()
        actor = sign_in.current_identity()
        store = ScopedStore(_open_store(), actor)
        vault = _open_vault()
        platform, platform_problem = _open_platform()
        workspace = workspaces.current_workspace(store)
        progress = store.get_progress(workspace.id) if workspace else None
        sharing = screen_share_on(store, actor)
        # The mapping editor loses edits on reruns it did not cause: no live sidebar there.
        render_sidebar(
            store, platform, workspace, progress, mode, poll=step_key != StepKey.MAP, sharing=sharing
        )
        if platform_problem:
            st.sidebar.error(platform_problem, icon=":material/build:")
        if sharing:
            badge()
        _warn_unreadable_passwords(store, vault, workspace)
        if workspace is None or progress is None:
            workspaces.picker(store, actor, screen_share=sharing)
            st.stop()
        if action is not None:
            try:
                store.require(action, workspace.id)
            except AccessDenied as refused:
                st.title(definition.title)
                report_refusal(refused)
                st.stop()
        missing = (
            unfinished_prerequisites(step_key, {key: p.state for key, p in progress.items()})
            if action is None
            else []
        )
        if missing and not (ready_early is not None and ready_early(workspace.id, missing)):
            _explain_prerequisites(definition, missing)
            elsewhere = step_key != StepKey.CONNECT
            shortcut.offer(
                store, workspace, actor, missing, key=f"shortcut_{step_key}", go_to_connect=elsewhere
            )
            st.stop()
        return PageContext(
            store=store,
            vault=vault,
            platform=platform,
            workspace=workspace,
            progress=progress,
            screen_share=sharing,
            step=definition,
            actor=actor,
            platform_problem=platform_problem,
        )
    except Exception as error:  # noqa: BLE001 - set-up must never show a traceback either
        report_unexpected(error)
        st.stop()
        raise  # unreachable


def page_heading(ctx: PageContext, *, show_attention: bool = True) -> None:
    """Title, the step's one-line summary, and the flag a failed check left on this step, if any.

    The Connect page passes show_attention=False: it shows the full diagnosis itself.
    """
    st.title(ctx.step.title)
    st.caption(f"{step_label(ctx.step)} · {as_text(ctx.workspace.name)}")
    # The sidebar hides behind an unlabelled arrow on a phone: the steps are one named tap away here too.
    where = f"All steps · this is step {step_number(ctx.step.key)} of {len(STEPS)}"
    # Drawn only while open (opening it reruns the page): closed, its links cost every run nothing.
    with st.popover(where, icon=":material/list:", key=STEPS_POPOVER_KEY, on_change="rerun") as steps:
        if steps.open:
            step_links(ctx.progress, ctx.workspace)
    st.write(ctx.step.summary)
    if show_attention:
        attention_banner(ctx)
