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
from onboarding import gateway_slots, progress
from onboarding.access import Action
from onboarding.connect_form import (
    FIELD_LABELS,
    FIELD_PASSWORD,
    FormFix,
    check_connection_form,
    suggest_fixes,
)
from onboarding.diagnosis import Diagnosis, diagnose
from onboarding.identity import Identity
from onboarding.preflight import PreflightCheck, preflight_passed, survey_connection
from onboarding.progress import Outcome, Snapshot
from onboarding.scoped_store import ScopedStore, require_on
from onboarding.store import ConnectionChange, Store, UnknownWorkspace, connection_saved_entry, saved_settings
from onboarding.vault import Vault, VaultDecryptError

if TYPE_CHECKING:
    import intacct
    from onboarding.platform import Platform

log = logging.getLogger(__name__)

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
    store: Store | ScopedStore,
    vault: Vault,
    platform: Platform,
    ws_id: int,
    company_id: str,
    entity_id: str | None,
    user_id: str,
    password: str | None,
    *,
    actor: Identity,
    known_entities: Sequence[dict] = (),
) -> ConnectOutcome:
    """Validate, sign in, and on success save the connection.

    With a connection saved, a blank Company ID, user ID or password keeps the saved value. A refused
    update of a working connection, and any "busy" or network answer, change nothing that was saved:
    only a real refusal of the saved details themselves flags steps for attention. Whatever the attempt
    proves is written in one transaction at the end: the saved settings, the connection status, every
    step it decides and the audit entries. ``known_entities`` are the entities a top-level sign-in
    listed earlier; a refused entity names them.
    """
    require_on(store, Action.CONNECT, ws_id)
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
            ws_id, "connect_form_rejected", f"Connection form needs corrections: {fields}", actor=actor
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
                    known_entities=[e["LOCATIONID"] for e in known_entities if e.get("LOCATIONID")],
                )
                kept = _record_failure(
                    store, ws_id, diagnosis, working=working, updating=updating, actor=actor
                )
                return ConnectOutcome(
                    False,
                    diagnosis=diagnosis,
                    company_id=company_id,
                    entity_id=entity_id,
                    kept_connection=kept,
                    shared_with_sync=shared,
                    password_cleared=typed_password is not None,
                )

            settings = saved_settings(company_id, entity_id, user_id, typed_password, vault)
            signed_in = ConnectionChange("connected", f"Signed in to {company_id} at {level}", settings)

            def connected(now: Snapshot) -> Outcome:
                outcome = progress.connected(
                    now, company_id=company_id, level=level, user_id=user_id, actor=actor
                )
                return outcome.with_connection(signed_in, connection_saved_entry(settings))

            entities: list[dict] = []
            try:
                # One round trip after sign-in: the entity list (top level only) and every access check.
                entities, checks = survey_connection(
                    session, workspace.security_model, with_entities=not entity_id
                )
            except errors.IntacctError as exc:
                diagnosis = diagnose(exc, sender_id=platform.sender_id, entity_id=entity_id)
                store.apply(
                    ws_id,
                    lambda now: _then(
                        now,
                        connected,
                        progress.preflight_stopped,
                        diagnosis.title,
                        retryable=diagnosis.retryable,
                        actor=actor,
                    ),
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
    store.apply(
        ws_id,
        lambda now: _then(
            now, connected, progress.preflight_checked, checks, needs_entity=needs_entity, actor=actor
        ),
    )
    return ConnectOutcome(
        True,
        entities=entities,
        preflight=checks,
        company_id=company_id,
        entity_id=entity_id,
        needs_entity=needs_entity,
        shared_with_sync=shared,
    )


def _record_failure(
    store: Store, ws_id: int, diagnosis: Diagnosis, *, working: bool, updating: bool, actor: Identity
) -> bool:
    """Record a refused sign-in; returns True when the saved, working connection was left as it was."""
    if diagnosis.retryable or updating:
        # A busy gateway or a network blip proves nothing about the details, and a refused change
        # proves nothing about the saved ones that still work: every saved state stays as it is.
        store.apply(
            ws_id, lambda now: progress.connect_not_applied(now, diagnosis, updating=updating, actor=actor)
        )
        return working
    failed = ConnectionChange("failed", diagnosis.title)
    store.apply(
        ws_id, lambda now: progress.connect_failed(now, diagnosis, actor=actor).with_connection(failed)
    )
    return False


def _then(now: Snapshot, first, second, *args, **kwargs) -> Outcome:
    """`first`'s outcome, then `second`'s decided from the progress `first` leaves: one outcome."""
    done = first(now)
    return done + second(done.after(now), *args, **kwargs)


def choose_entity(
    store: Store | ScopedStore,
    vault: Vault,
    platform: Platform,
    ws_id: int,
    entity_id: str | None,
    *,
    actor: Identity,
    known_entities: Sequence[dict] = (),
) -> ConnectOutcome:
    """Sign in again at the chosen entity ("" or None for top level) with the saved credentials."""
    require_on(store, Action.CONNECT, ws_id)
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


def open_session(store: Store | ScopedStore, vault: Vault, platform: Platform, ws_id: int) -> intacct.Session:
    """A live session from the saved connection, for the sync. Intacct errors propagate: diagnose() them."""
    require_on(store, Action.SYNC_START, ws_id)
    saved = _saved_connection(store, vault, ws_id)
    client = platform.client()
    try:
        return client.login(
            saved.company_id, saved.user_id, saved.password.reveal(), entity_id=saved.entity_id or None
        )
    except BaseException:
        client.close()  # the session would have owned it; nobody else will
        raise


def _saved_connection(store: Store | ScopedStore, vault: Vault, ws_id: int):
    try:
        saved = store.get_connection(ws_id, vault)
    except VaultDecryptError as exc:
        raise NotConnectedError(str(exc)) from None
    if saved is None or saved.password is None:
        raise NotConnectedError(
            "This workspace is not connected to Intacct yet. Complete the Connect step first."
        )
    return saved
