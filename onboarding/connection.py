"""The Connect step: check the form, sign in live, save the connection, probe permissions, record it all.

The page makes one call (connect_workspace) and renders the outcome; every state change and audit
event happens here so that the page stays thin and the behaviour is testable without Streamlit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from intacct import errors
from onboarding import gateway_slots
from onboarding.connect_form import (
    FIELD_LABELS,
    FIELD_PASSWORD,
    FormFix,
    check_connection_form,
    suggest_fixes,
)
from onboarding.diagnosis import Diagnosis, diagnose
from onboarding.preflight import PreflightCheck, failed_checks, preflight_passed, run_preflight
from onboarding.steps import StepKey, step
from onboarding.store import Store, UnknownWorkspace
from onboarding.vault import Vault, VaultDecryptError

if TYPE_CHECKING:
    import intacct
    from onboarding.platform import Platform

log = logging.getLogger(__name__)

# Steps that a connection attempt proves or disproves; their "attention" flags are re-decided each time.
_VERIFIED_STEPS = (StepKey.IDS, StepKey.WEB_SERVICES, StepKey.WS_USER, StepKey.CONNECT)

# Someone is watching a spinner: fail within seconds rather than spend minutes in the sync's backoff.
INTERACTIVE_CLIENT_OPTIONS = {"max_retries": 2, "timeout": 20.0, "backoff_max": 2.0}


class NotConnectedError(LookupError):
    """The workspace has no usable saved connection; str() is a message for the user."""


@dataclass(frozen=True)
class ConnectOutcome:
    ok: bool  # signed in to Intacct; see `ready` for "signed in and every permission check is green"
    field_errors: dict[str, str] = field(default_factory=dict)
    diagnosis: Diagnosis | None = None
    entities: list[dict] = field(default_factory=list)
    preflight: list[PreflightCheck] = field(default_factory=list)
    company_id: str = ""
    entity_id: str = ""  # "" means top level
    # Connected at top level of a multi-entity company although the plan is to connect at one entity.
    needs_entity: bool = False
    # The attempt failed but changed nothing: the saved connection that worked before still works.
    kept_connection: bool = False
    # A sync of this company was running, so the sign-in shared its request slots.
    shared_with_sync: bool = False
    # One-click corrections for field errors (field -> fix), offered next to the message.
    fixes: dict[str, FormFix] = field(default_factory=dict)
    # A password was typed for this attempt: the page empties its field afterwards, and says so.
    password_cleared: bool = False

    @property
    def ready(self) -> bool:
        return (
            self.ok and self.diagnosis is None and bool(self.preflight) and preflight_passed(self.preflight)
        )

    @property
    def top_level(self) -> bool:
        return not self.entity_id


def connect_workspace(
    store: Store,
    vault: Vault,
    platform: Platform,
    ws_id: int,
    company_id: str,
    entity_id: str | None,
    user_id: str,
    password: str | None,
    *,
    actor: str = "",
    known_entities: Sequence[dict] = (),
) -> ConnectOutcome:
    """Validate, sign in, and on success save the connection.

    With a connection saved, a blank Company ID, user ID or password keeps the saved value. A refused
    update of a working connection, and any "busy" or network answer, change nothing that was saved:
    only a real refusal of the saved details themselves flags steps for attention.
    ``known_entities`` are the entities a top-level sign-in listed earlier; a refused entity names them.
    """
    workspace = store.get_workspace(ws_id)
    if workspace is None:
        raise UnknownWorkspace(ws_id)
    saved_plain = store.get_connection(ws_id)
    company_id = company_id or (saved_plain.company_id if saved_plain else "")
    entity_id = entity_id or ""
    user_id = user_id or (saved_plain.user_id if saved_plain else "")
    typed_password = password or None
    working = saved_plain is not None and saved_plain.status == "connected"
    updating = working and (
        typed_password is not None
        or (company_id, entity_id, user_id)
        != (saved_plain.company_id, saved_plain.entity_id, saved_plain.user_id)
    )

    effective_password = typed_password
    if effective_password is None:
        try:
            saved = store.get_connection(ws_id, vault)
        except VaultDecryptError:
            return ConnectOutcome(
                False,
                field_errors={
                    FIELD_PASSWORD: "The saved password can no longer be read (the encryption key changed). "
                    "Enter the password again."
                },
                company_id=company_id,
                entity_id=entity_id,
            )
        if saved is not None and saved.password is not None:
            effective_password = saved.password.reveal()

    problems = check_connection_form(company_id, entity_id, user_id, effective_password or "")
    if problems:
        fields = ", ".join(FIELD_LABELS[f] for f in problems)
        store.record_event(
            ws_id, "connect_form_rejected", f"Connection form needs corrections: {fields}", actor
        )
        return ConnectOutcome(
            False,
            field_errors=problems,
            company_id=company_id,
            entity_id=entity_id,
            fixes=suggest_fixes(company_id, entity_id, user_id, entity_field=workspace.plan != "top"),
            kept_connection=working,
            password_cleared=typed_password is not None,
        )

    level = f"entity {entity_id}" if entity_id else "top level"
    log.info("workspace %s: signing in to company %s (%s) as %s", ws_id, company_id, level, user_id)
    client = platform.client(**INTERACTIVE_CLIENT_OPTIONS)
    try:
        with gateway_slots.interactive_slot(client, company_id) as shared:
            try:
                session = client.login(company_id, user_id, effective_password, entity_id=entity_id or None)
            except errors.IntacctError as exc:
                diagnosis = diagnose(
                    exc,
                    sender_id=platform.sender_id,
                    entity_id=entity_id,
                    known_entities=[e.get("LOCATIONID", "") for e in known_entities if e.get("LOCATIONID")],
                )
                kept = _record_failure(store, ws_id, diagnosis, actor, working=working, updating=updating)
                return ConnectOutcome(
                    False,
                    diagnosis=diagnosis,
                    company_id=company_id,
                    entity_id=entity_id,
                    kept_connection=kept,
                    shared_with_sync=shared,
                    password_cleared=typed_password is not None,
                )

            store.save_connection(ws_id, company_id, entity_id, user_id, typed_password, vault, actor)
            store.set_connection_status(ws_id, "connected", f"Signed in to {company_id} at {level}")
            store.record_event(
                ws_id, "connected", f"Signed in to {company_id} at {level} as {user_id}", actor
            )

            entities: list[dict] = []
            try:
                if not entity_id:
                    entities = session.list_entities()
                checks = run_preflight(session, workspace.security_model)
            except errors.IntacctError as exc:
                diagnosis = diagnose(exc, sender_id=platform.sender_id, entity_id=entity_id)
                store.record_event(
                    ws_id, "preflight_failed", f"Permission check stopped: {diagnosis.title}", actor
                )
                # "Busy" or a network blip says nothing about the permissions.
                if not diagnosis.retryable:
                    store.set_step_state(
                        ws_id, StepKey.CONNECT, "attention", note=diagnosis.title, actor=actor
                    )
                return ConnectOutcome(
                    True,
                    diagnosis=diagnosis,
                    entities=entities,
                    company_id=company_id,
                    entity_id=entity_id,
                    shared_with_sync=shared,
                )
    finally:
        client.close()

    needs_entity = bool(entities) and not entity_id and workspace.plan == "entity"
    _record_success(store, ws_id, checks, needs_entity, actor)
    return ConnectOutcome(
        True,
        entities=entities,
        preflight=checks,
        company_id=company_id,
        entity_id=entity_id,
        needs_entity=needs_entity,
        shared_with_sync=shared,
    )


def choose_entity(
    store: Store,
    vault: Vault,
    platform: Platform,
    ws_id: int,
    entity_id: str | None,
    *,
    actor: str = "",
    known_entities: Sequence[dict] = (),
) -> ConnectOutcome:
    """Sign in again at the chosen entity ("" or None for top level) with the saved credentials."""
    saved = _saved_connection(store, vault, ws_id)
    return connect_workspace(
        store,
        vault,
        platform,
        ws_id,
        saved.company_id,
        entity_id,
        saved.user_id,
        None,
        actor=actor,
        known_entities=known_entities,
    )


def open_session(store: Store, vault: Vault, platform: Platform, ws_id: int) -> intacct.Session:
    """A live session from the saved connection, for the sync. Intacct errors propagate: diagnose() them."""
    saved = _saved_connection(store, vault, ws_id)
    client = platform.client()
    try:
        return client.login(
            saved.company_id, saved.user_id, saved.password.reveal(), entity_id=saved.entity_id or None
        )
    except BaseException:
        client.close()  # the session would have owned it; nobody else will
        raise


def _saved_connection(store: Store, vault: Vault, ws_id: int):
    try:
        saved = store.get_connection(ws_id, vault)
    except VaultDecryptError as exc:
        raise NotConnectedError(str(exc)) from None
    if saved is None or saved.password is None:
        raise NotConnectedError(
            "This workspace is not connected to Intacct yet. Complete the Connect step first."
        )
    return saved


def _reset_flags(store: Store, ws_id: int, keep: str | None = None) -> None:
    """Drop the attention flags a previous attempt left, except on `keep`; ticks decide the state again."""
    workspace = store.get_workspace(ws_id)
    model = workspace.security_model if workspace else None
    progress = store.get_progress(ws_id)
    for key in _VERIFIED_STEPS:
        if key == keep or progress[key].state != "attention":
            continue
        definition = step(key)
        complete = definition.tickable and definition.is_complete(progress[key].checked, model)
        store.set_step_state(ws_id, key, "done" if complete else "todo")


def _record_failure(
    store: Store, ws_id: int, diagnosis: Diagnosis, actor: str, *, working: bool, updating: bool
) -> bool:
    """Record a refused sign-in; returns True when the saved, working connection was left as it was."""
    suffix = f" [{diagnosis.code}]" if diagnosis.code else ""
    if diagnosis.retryable or updating:
        # A busy gateway or a network blip proves nothing about the details, and a refused change
        # proves nothing about the saved ones that still work: keep every saved state as it is.
        why = "Intacct was busy or unreachable" if diagnosis.retryable else "new details refused"
        message = f"Connection attempt not applied ({why}): {diagnosis.title}{suffix}"
        store.record_event(ws_id, "connect_not_applied", message, actor)
        return working
    if diagnosis.step_key:
        # A retryable hiccup proves nothing either way, so only a real answer replaces earlier flags.
        _reset_flags(store, ws_id, keep=diagnosis.step_key)
    store.set_connection_status(ws_id, "failed", diagnosis.title)
    store.record_event(ws_id, "connect_failed", f"Connection failed: {diagnosis.title}{suffix}", actor)
    store.set_step_state(ws_id, StepKey.CONNECT, "attention", note=diagnosis.title, actor=actor)
    if diagnosis.step_key and diagnosis.step_key != StepKey.CONNECT:
        store.set_step_state(ws_id, diagnosis.step_key, "attention", note=diagnosis.title, actor=actor)
    return False


def _record_success(
    store: Store, ws_id: int, checks: list[PreflightCheck], needs_entity: bool, actor: str
) -> None:
    _reset_flags(store, ws_id)
    # A successful sign-in proves the IDs are right and our sender ID is authorized.
    proven = "Confirmed by a successful connection"
    store.set_step_state(ws_id, StepKey.IDS, "done", note=proven, actor=actor)
    store.set_step_state(ws_id, StepKey.WEB_SERVICES, "done", note=proven, actor=actor)
    missing = failed_checks(checks)
    if missing:
        labels = ", ".join(c.label for c in missing)
        note = f"Missing read access: {labels}"
        store.record_event(ws_id, "preflight", f"Permission check: {note}", actor)
        store.set_step_state(ws_id, StepKey.WS_USER, "attention", note=note, actor=actor)
        store.set_step_state(ws_id, StepKey.CONNECT, "attention", note=note, actor=actor)
        return
    store.record_event(ws_id, "preflight", "Permission check: everything we need is readable", actor)
    store.set_step_state(ws_id, StepKey.WS_USER, "done", note=proven, actor=actor)
    if needs_entity:
        store.set_step_state(
            ws_id, StepKey.CONNECT, "todo", note="Choose the entity to connect to", actor=actor
        )
    else:
        store.set_step_state(ws_id, StepKey.CONNECT, "done", actor=actor)
