"""The Connect step on screen: the form, the live sign-in, the diagnosis, the entity picker, the preflight.

All decisions (validation, sign-in, what to save, which step to flag) are made by
onboarding.connection; this module only collects input and shows the outcome. What the user typed
as a password lives in one widget, for one run: the widget's key changes after every submit, so
the next page shows an empty field and the value is dropped from session state.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from onboarding import gateway_slots
from onboarding.access import Action
from onboarding.connect_form import FIELD_COMPANY, FIELD_ENTITY, FIELD_PASSWORD, FIELD_USER, FormFix
from onboarding.connection import ConnectOutcome, NotConnectedError, choose_entity, connect_workspace
from onboarding.diagnosis import Diagnosis, support_line
from onboarding.preflight import PreflightCheck, failed_checks
from onboarding.steps import MENU_COMPANY_INFO, StepKey, step
from onboarding.store import ConnectionSettings
from ui.copy_button import copy_buttons
from ui.display import redact
from ui.guard import PageContext, attention_banner
from ui.guidance import copy_value
from ui.nav import step_label, step_link
from ui.safe import guarded

TOP_LEVEL_LABEL = "Top level (all entities)"


class _Keys:
    """Session-state keys for one workspace, so switching customers never mixes their forms."""

    def __init__(self, ws_id: int) -> None:
        self.outcome = f"connect_outcome_{ws_id}"
        self.entities = f"connect_entities_{ws_id}"
        self.editing = f"connect_editing_{ws_id}"
        self.nonce = f"connect_nonce_{ws_id}"
        self.company = f"connect_company_{ws_id}"
        self.entity = f"connect_entity_{ws_id}"
        self.user = f"connect_user_{ws_id}"
        self.form = f"connect_form_{ws_id}"
        self.picker = f"connect_entity_picker_{ws_id}"
        self.demo_password = "connect_show_demo_password"
        # The action waiting for Intacct's answer: ("connect",), ("entity", id) or ("recheck", id).
        self.pending = f"connect_pending_{ws_id}"

    def password(self) -> str:
        return f"connect_password_{st.session_state.get(self.nonce, 0)}"


def _mask(ctx: PageContext, text: str) -> str:
    """Intacct's own texts can name the company or user: mask them like every other ID on screen."""
    saved = ctx.store.get_connection(ctx.ws_id)
    outcome: ConnectOutcome | None = st.session_state.get(_Keys(ctx.ws_id).outcome)
    ids = [saved.company_id, saved.user_id, saved.entity_id] if saved else []
    if outcome is not None:
        ids.append(outcome.company_id)
    return redact(text, ids, ctx.screen_share)


# -- what is saved --------------------------------------------------------------------------------


def _saved_summary(ctx: PageContext, saved: ConnectionSettings) -> None:
    entity = saved.entity_id or TOP_LEVEL_LABEL
    password = "saved, encrypted" if saved.has_password else "not saved"
    # Label and value on one line each: a table would cut its columns short on a phone.
    st.markdown(
        f"**Company ID:** {ctx.shown(saved.company_id)}  \n**Connected at:** {entity}  \n"
        f"**Web Services user:** {ctx.shown(saved.user_id)}  \n**Password:** {password}"
    )
    when = f" Last verified {saved.verified_at:%Y-%m-%d %H:%M} UTC." if saved.verified_at else ""
    if saved.status == "connected" and ctx.my_progress.state == "attention":
        st.warning(
            f"Routable can sign in, but the last check found a problem: {ctx.my_progress.note}.{when}",
            icon=":material/warning:",
        )
    elif saved.status == "connected":
        st.success(f"Routable can sign in to this Intacct company.{when}", icon=":material/link:")
    elif saved.status == "failed":
        st.warning(
            "The last connection attempt failed. The settings shown are the last ones that worked.",
            icon=":material/warning:",
        )


@guarded
def _start_editing(keys: _Keys, saved: ConnectionSettings | None, screen_share: bool) -> None:
    st.session_state[keys.editing] = True
    # In screen-share mode the masked fields start empty (blank keeps the saved value), so IDs stay off
    # screen. The Entity ID is never masked, and a blank one means top level, so it is always filled in.
    prefill = saved is not None and not screen_share
    st.session_state[keys.company] = saved.company_id if prefill else ""
    st.session_state[keys.entity] = saved.entity_id if saved is not None else ""
    st.session_state[keys.user] = saved.user_id if prefill else ""


@guarded
def _stop_editing(keys: _Keys) -> None:
    """Cancel: back to the saved connection as it was, without the refused attempt's message."""
    st.session_state[keys.editing] = False
    st.session_state.pop(keys.outcome, None)


@guarded
def _apply_fix(keys: _Keys, fix: FormFix) -> None:
    fields = {FIELD_COMPANY: keys.company, FIELD_ENTITY: keys.entity, FIELD_USER: keys.user}
    for field, value in fix.values.items():
        st.session_state[fields[field]] = value
    outcome: ConnectOutcome | None = st.session_state.get(keys.outcome)
    if outcome is not None:
        # The fixed fields' messages go; the others stay until the next attempt.
        left = {f: m for f, m in outcome.field_errors.items() if f not in fix.values}
        st.session_state[keys.outcome] = replace(
            outcome, field_errors=left, fixes={f: x for f, x in outcome.fixes.items() if f in left}
        )


@guarded
def _begin(keys: _Keys, action: tuple[str, ...]) -> None:
    st.session_state[keys.pending] = action


def _pending(keys: _Keys) -> tuple[str, ...] | None:
    return st.session_state.get(keys.pending)


# -- the form -------------------------------------------------------------------------------------


def _field_error(outcome: ConnectOutcome | None, field: str) -> None:
    if outcome is not None and field in outcome.field_errors:
        st.error(outcome.field_errors[field], icon=":material/edit:")


def _fix_buttons(keys: _Keys, outcome: ConnectOutcome | None) -> None:
    """One button per mistake the app can correct itself; shown under the form (forms hold no buttons)."""
    if outcome is None or not outcome.field_errors:
        return
    for field, fix in outcome.fixes.items():
        st.button(
            fix.label,
            key=f"{keys.form}_fix_{field}",
            icon=":material/auto_fix_high:",
            on_click=_apply_fix,
            args=(keys, fix),
        )


def _form(ctx: PageContext, keys: _Keys, saved: ConnectionSettings | None) -> None:
    outcome: ConnectOutcome | None = st.session_state.get(keys.outcome)
    shown_errors = outcome if (outcome is not None and outcome.field_errors) else None
    plan = ctx.workspace.plan
    updating = saved is not None
    busy = _pending(keys) is not None

    def keep_hint(value: str) -> str:
        return f"Leave blank to keep {ctx.shown(value)}"

    # While the screen is shared, what is typed into the ID fields shows as dots (the eye icon reveals it).
    id_field_type = "password" if ctx.screen_share else "default"

    with st.form(keys.form, border=True):
        st.text_input(
            "Company ID",
            key=keys.company,
            type=id_field_type,
            placeholder=keep_hint(saved.company_id) if updating else "e.g. ACME-CORP",
            help=f"The ID you type when signing in to Intacct ({MENU_COMPANY_INFO}, ID field).",
        )
        _field_error(shown_errors, FIELD_COMPANY)
        if plan == "top":
            st.text_input(
                "Entity ID",
                value="",
                key=f"{keys.entity}_off",
                disabled=True,
                placeholder="Not needed: you connect at top level",
            )
            st.caption("Your plan is a top-level connection, so there is no entity to enter.")
        else:
            st.text_input(
                "Entity ID (optional)",
                key=keys.entity,
                placeholder="e.g. E100, or leave blank",
                help="Leave it blank to connect at top level, or to pick the entity from a list right after "
                "signing in.",
            )
            _field_error(shown_errors, FIELD_ENTITY)
        st.text_input(
            "Web Services user ID",
            key=keys.user,
            type=id_field_type,
            placeholder=keep_hint(saved.user_id) if updating else "e.g. Routable",
            help="The Web Services user you created in the previous step.",
        )
        _field_error(shown_errors, FIELD_USER)
        st.text_input(
            "Password",
            type="password",
            key=keys.password(),
            placeholder="Leave blank to keep the saved password" if updating and saved.has_password else "",
            help="Sent to Intacct to sign in and stored encrypted. It is never shown again.",
        )
        _field_error(shown_errors, FIELD_PASSWORD)
        if outcome is not None and outcome.password_cleared and not outcome.ok:
            st.caption(
                ":material/info: The password field was emptied after the last attempt, so that no "
                "password stays on this page. Type it again"
                + (", or leave it blank to keep the saved one." if updating and saved.has_password else ".")
            )
        label = "Save and reconnect" if updating else "Connect to Sage Intacct"
        st.form_submit_button(
            "Signing in to Sage Intacct…" if busy else label,
            type="primary",
            key=f"{keys.form}_submit",
            disabled=busy,
            on_click=_begin,
            args=(keys, ("connect",)),
        )

    _fix_buttons(keys, shown_errors)
    if updating and st.session_state.get(keys.editing):
        st.button(
            "Cancel, keep the current connection", on_click=_stop_editing, args=(keys,), disabled=busy
        )


def _submit(ctx: PageContext, keys: _Keys, saved: ConnectionSettings | None) -> None:
    company = st.session_state.get(keys.company, "") or ""
    entity = "" if ctx.workspace.plan == "top" else (st.session_state.get(keys.entity, "") or "")
    user = st.session_state.get(keys.user, "") or ""
    password = st.session_state.get(keys.password(), "") or ""
    # With a connection saved, a blank Company ID, user ID or password keeps the saved one (the domain
    # decides that, in both screen modes).
    try:
        outcome = connect_workspace(
            ctx.store,
            ctx.vault,
            ctx.platform,
            ctx.ws_id,
            company,
            entity,
            user,
            password or None,
            actor=ctx.actor,
            known_entities=_known_entities(keys, company or (saved.company_id if saved else "")),
        )
    finally:
        # Whatever happened, the typed password leaves session state and the next field is empty.
        st.session_state.pop(keys.password(), None)
        st.session_state[keys.nonce] = st.session_state.get(keys.nonce, 0) + 1
    _remember(keys, outcome)
    if outcome.ok:
        st.session_state[keys.editing] = False


def _known_entities(keys: _Keys, company_id: str) -> list[dict]:
    """The entities a top-level sign-in to this company listed in this session, if any."""
    listed_for, entities = st.session_state.get(keys.entities) or ("", [])
    return list(entities) if listed_for.upper() == (company_id or "").upper() else []


def _remember(keys: _Keys, outcome: ConnectOutcome) -> None:
    st.session_state[keys.outcome] = outcome
    if outcome.ok and outcome.top_level:
        # Keep the list of entities so the picker still works after connecting to one of them.
        st.session_state[keys.entities] = (outcome.company_id, list(outcome.entities))


# -- outcomes -------------------------------------------------------------------------------------


def render_diagnosis(diagnosis: Diagnosis, mask=lambda text: text) -> None:
    """`mask` hides IDs inside Intacct's own text while the screen is shared."""
    st.error(f"**{diagnosis.title}.** {mask(diagnosis.message)}", icon=":material/block:")
    st.markdown(f"**How to fix it:** {mask(diagnosis.fix)}")
    if diagnosis.copy_value:
        copy_value("Value to paste in Intacct", diagnosis.copy_value)
    if diagnosis.step_key:
        step_link(diagnosis.step_key, label=f"Go back to {step_label(step(diagnosis.step_key))}")
    if diagnosis.retryable:
        st.caption("This is usually temporary: trying again in a minute often works.")
    if support_line(diagnosis, mask):
        st.caption(support_line(diagnosis, mask))


def missing_permissions_verdict(missing: list[PreflightCheck]) -> str:
    """One sentence for a sign-in that worked with permissions missing, so it never reads as a success."""
    names = ", ".join(c.label for c in missing)
    count = f"{len(missing)} permission is" if len(missing) == 1 else f"{len(missing)} permissions are"
    return (
        f"**Signed in, but {count} missing:** the Web Services user cannot read {names}. Add what is "
        "listed below in Intacct, then check again."
    )


def render_preflight(checks: list[PreflightCheck]) -> None:
    st.subheader("Permission check")
    missing = [c for c in checks if not c.ok]
    if not missing:
        st.success(
            "The Web Services user can read everything Routable needs.", icon=":material/check_circle:"
        )
    for check in checks:
        mark = ":green[:material/check_circle:]" if check.ok else ":red[:material/cancel:]"
        optional = "" if check.required else " *(optional)*"
        st.markdown(f"{mark} **{check.label}**{optional} · {check.message}")
        if not check.ok and check.fix:
            st.markdown(f"> **Permission to add:** {check.fix}")
        if not check.ok and check.code:
            st.caption(f"Intacct error code: {check.code}")
    if missing:
        step_link(StepKey.WS_USER, label=f"Permissions are set on {step_label(step(StepKey.WS_USER))}")


def _reconnect(ctx: PageContext, keys: _Keys, entity_id: str) -> None:
    saved = ctx.store.get_connection(ctx.ws_id)
    try:
        outcome = choose_entity(
            ctx.store,
            ctx.vault,
            ctx.platform,
            ctx.ws_id,
            entity_id,
            actor=ctx.actor,
            known_entities=_known_entities(keys, saved.company_id if saved else ""),
        )
    except NotConnectedError as problem:
        st.error(str(problem), icon=":material/link:")
        return
    _remember(keys, outcome)


def _recheck_button(keys: _Keys, entity_id: str, key: str, container: object = st) -> None:
    busy = _pending(keys) is not None
    checking = _pending(keys) == ("recheck", entity_id)
    container.button(
        "Checking permissions…" if checking else "Check permissions again",
        key=key,
        disabled=busy,
        on_click=_begin,
        args=(keys, ("recheck", entity_id)),
    )


def _perform(
    ctx: PageContext, keys: _Keys, saved: ConnectionSettings | None, action: tuple[str, ...]
) -> None:
    """Run the action a button asked for, after the page showed its button disabled; then redraw."""
    try:
        sharing = saved is not None and gateway_slots.sync_running(ctx.platform.endpoint, saved.company_id)
        waiting = " A sync of this company is running, so this waits for a free request slot."
        waiting = waiting if sharing else ""
        with st.spinner(f"Signing in to Sage Intacct and checking permissions…{waiting}"):
            if action[0] == "connect":
                _submit(ctx, keys, saved)
            else:
                _reconnect(ctx, keys, action[1])
    finally:
        st.session_state.pop(keys.pending, None)
    st.rerun()


def _entity_picker(ctx: PageContext, keys: _Keys, outcome: ConnectOutcome) -> None:
    company_id, entities = st.session_state.get(keys.entities) or ("", [])
    if not entities or company_id != outcome.company_id:
        return
    st.subheader("Choose where Routable connects")
    names = {e.get("LOCATIONID", ""): e.get("NAME", "") for e in entities if e.get("LOCATIONID")}
    options = [""] + list(names)

    def label(entity_id: str) -> str:
        if not entity_id:
            return TOP_LEVEL_LABEL
        return f"{entity_id} · {names[entity_id]}" if names.get(entity_id) else entity_id

    if outcome.needs_entity:
        st.info(
            "Your plan is to connect to a single entity: pick it from your company's list.",
            icon=":material/arrow_downward:",
        )
    current = outcome.entity_id if outcome.entity_id in names else ""
    choice = st.selectbox(
        "Connect Routable to",
        options=options,
        format_func=label,
        index=None if outcome.needs_entity else options.index(current),
        key=f"{keys.picker}_{outcome.entity_id or 'top'}",
        help="Top level lets Routable work with every entity. An entity limits it to that entity's data.",
    )
    wants_change = choice is not None and choice != outcome.entity_id
    if wants_change:
        busy = _pending(keys) is not None
        st.button(
            "Signing in to Sage Intacct…" if busy else f"Connect to {label(choice)}",
            type="primary",
            key=f"{keys.picker}_go",
            disabled=busy,
            on_click=_begin,
            args=(keys, ("entity", choice)),
        )


def _outcome(ctx: PageContext, keys: _Keys, outcome: ConnectOutcome) -> None:
    if outcome.field_errors:
        st.error("Some fields need a correction (see the messages under them). Nothing was sent to Intacct.")
        return
    mask = partial(_mask, ctx)
    if not outcome.ok:
        if outcome.kept_connection:
            st.info(
                "Nothing was changed: your saved connection still works. Correct the details below and "
                "try again, or cancel to keep the connection as it is.",
                icon=":material/verified_user:",
            )
        if outcome.diagnosis is not None:
            render_diagnosis(outcome.diagnosis, mask)
        return
    where = f"entity {outcome.entity_id}" if outcome.entity_id else "top level"
    missing = failed_checks(outcome.preflight)
    if missing:
        # One verdict, not a green "signed in" above a red list.
        st.warning(
            f"{missing_permissions_verdict(missing)} (Signed in to {ctx.shown(outcome.company_id)} at "
            f"{where}.)",
            icon=":material/lock:",
        )
    else:
        st.success(f"Signed in to {ctx.shown(outcome.company_id)} at {where}.", icon=":material/link:")
    if outcome.shared_with_sync:
        st.caption("A sync of this company was running, so this check waited its turn for Intacct.")
    if outcome.diagnosis is not None:
        render_diagnosis(outcome.diagnosis, mask)
    _entity_picker(ctx, keys, outcome)
    if outcome.preflight:
        render_preflight(outcome.preflight)
        _recheck_button(keys, outcome.entity_id, f"{keys.picker}_recheck")
    if outcome.ready and not outcome.needs_entity:
        st.markdown("**You're connected.** Next, copy your Intacct data into Routable:")
        step_link(StepKey.SYNC, icon=":material/arrow_forward:")


# -- sandbox --------------------------------------------------------------------------------------


def _demo_accounts(ctx: PageContext, keys: _Keys, expanded: bool) -> None:
    accounts = ctx.platform.demo_accounts if ctx.platform else []
    if not accounts:
        return
    with st.expander("Demo sign-ins for the sandbox", expanded=expanded, icon=":material/science:"):
        st.write(
            "The sandbox has a few practice companies. Each one shows a different situation. The buttons "
            "copy a value without showing it, so they work while you share your screen too."
        )
        for account in accounts:
            entities = f" · entities {', '.join(account.entity_ids)}" if account.entity_ids else ""
            st.markdown(
                f"**{ctx.shown(account.company_id)} · {ctx.shown(account.user_id)}**{entities}  \n"
                f"{account.description}"
            )
            copy_buttons(
                [
                    ("Company ID", account.company_id),
                    ("User ID", account.user_id),
                    ("Password", account.password),
                ]
            )
        if ctx.screen_share:
            st.caption("The demo password stays hidden in screen-share mode; its copy button still works.")
        elif st.toggle("Show the demo password", key=keys.demo_password):
            st.code(accounts[0].password, language=None)


# -- the page -------------------------------------------------------------------------------------


def _read_only(ctx: PageContext, saved: ConnectionSettings | None) -> None:
    """What someone who may not change the connection sees: its state, never a form or a password."""
    attention_banner(ctx)
    if saved is None:
        st.info("Nobody has connected this workspace to Intacct yet.", icon=":material/link_off:")
    else:
        st.subheader("Saved connection")
        _saved_summary(ctx, saved)
    st.caption(
        ":material/lock: Only a customer admin or your implementation manager can change the Intacct "
        "credentials or sign in to Intacct from here."
    )


def render_connect(ctx: PageContext) -> None:
    keys = _Keys(ctx.ws_id)
    if ctx.platform is None:
        st.error(ctx.platform_problem, icon=":material/build:")
        return
    saved = ctx.store.get_connection(ctx.ws_id)
    if not ctx.may(Action.CONNECT):
        _read_only(ctx, saved)
        return
    _connect_page(ctx, keys, saved)
    action = _pending(keys)
    if action is not None:
        # Every button is on screen, disabled, before the call starts.
        _perform(ctx, keys, saved, action)


def _connect_page(ctx: PageContext, keys: _Keys, saved: ConnectionSettings | None) -> None:
    outcome: ConnectOutcome | None = st.session_state.get(keys.outcome)
    # The result of the last attempt comes first, so it is in view right after pressing the button.
    if outcome is not None:
        _outcome(ctx, keys, outcome)
        st.divider()
    else:
        # A new session (or a reload) has no live result: repeat what the last attempt left behind.
        attention_banner(ctx)

    if saved is not None:
        st.subheader("Saved connection")
        _saved_summary(ctx, saved)
    editing = saved is None or saved.status != "connected" or st.session_state.get(keys.editing, False)
    if not editing:
        row = st.container(horizontal=True)
        row.button(
            "Update credentials",
            on_click=_start_editing,
            args=(keys, saved, ctx.screen_share),
            disabled=_pending(keys) is not None,
            help="Change the user, password or entity. Everything else you have done stays as it is.",
        )
        if outcome is None:
            _recheck_button(keys, saved.entity_id, f"{keys.picker}_recheck_saved", container=row)
        return

    st.subheader("Sign-in details" if saved is None else "Update the sign-in details")
    if saved is None:
        st.write(
            "Enter what you noted in the earlier steps. We check the format first, then sign in to "
            "Intacct live and test each permission."
        )
    if saved is not None and gateway_slots.sync_running(ctx.platform.endpoint, saved.company_id):
        st.info(
            "A sync of this company is running and uses Intacct's request slots. You can still sign in: "
            "the check waits for a free slot, which can take a few seconds.",
            icon=":material/sync:",
        )
    _demo_accounts(ctx, keys, expanded=saved is None and outcome is None)
    _form(ctx, keys, saved)
