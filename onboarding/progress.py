"""Step state has one owner: the completion rule, and what each event does to a workspace's steps.

Every event is a pure function of the workspace's progress as it stands (a `Snapshot`) that returns an
`Outcome`: the step changes and audit entries the event causes, and for a few events the workspace or
connection fields it sets. The store writes one outcome in one transaction, and decides nothing itself:

    store.apply(ws_id, lambda now: progress.checklist_ticked(now, "start", "two_tabs", True, actor=me))

The store calls the function inside its write transaction, so two people ticking at once never lose a
tick. Events that happen one after another in one action (signed in, then checked permissions) chain with
`Outcome.after` and `+`, and still land in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from intacct.sync import SyncStatus
from onboarding.identity import Identity
from onboarding.preflight import PreflightCheck, failed_checks
from onboarding.steps import STEP_KEYS, SecurityModel, StepKey, step

if TYPE_CHECKING:
    from onboarding.diagnosis import Diagnosis
    from onboarding.store import ConnectionChange


class StepState(StrEnum):
    TODO = "todo"
    DONE = "done"
    ATTENTION = "attention"  # completed once, but a later check found a problem; advice, not a lock


# Steps a connection attempt proves or disproves; their attention flags are re-decided on each attempt.
VERIFIED_STEPS = (StepKey.IDS, StepKey.WEB_SERVICES, StepKey.WS_USER, StepKey.CONNECT)

_PROVEN = "Confirmed by a successful connection"
SECURITY_MODEL_VALUES = (SecurityModel.ROLE, SecurityModel.USER)


@dataclass(frozen=True)
class StepProgress:
    state: StepState = StepState.TODO
    checked: frozenset[str] = frozenset()
    note: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A workspace's progress at one instant: what every event decides from."""

    steps: Mapping[str, StepProgress]
    security_model: str | None = None

    def __getitem__(self, step_key: str) -> StepProgress:
        return self.steps.get(step_key, StepProgress())


@dataclass(frozen=True)
class StepChange:
    step_key: str
    state: StepState
    note: str = ""
    checked: frozenset[str] | None = None  # None keeps the ticks as they are


@dataclass(frozen=True)
class AuditEntry:
    kind: str
    message: str


_KEEP = object()  # "this outcome does not set the security model" (None is a value: "not set")


@dataclass(frozen=True)
class Outcome:
    """Everything one event changes, written by the store in one transaction, in this order."""

    actor: Identity
    steps: tuple[StepChange, ...] = ()
    events: tuple[AuditEntry, ...] = ()
    security_model: object = field(default=_KEEP, repr=False)
    connection: ConnectionChange | None = None

    @property
    def sets_security_model(self) -> bool:
        return self.security_model is not _KEEP

    def after(self, now: Snapshot) -> Snapshot:
        """The progress once this outcome is written: what a following event decides from."""
        steps = dict(now.steps)
        for change in self.steps:
            old = steps.get(change.step_key, StepProgress())
            checked = old.checked if change.checked is None else change.checked
            steps[change.step_key] = replace(
                old, state=change.state, note=change.note, checked=checked, updated_by=self.actor.audit_label
            )
        model = self.security_model if self.sets_security_model else now.security_model
        return Snapshot(steps, model)  # type: ignore[arg-type]

    def __add__(self, other: Outcome) -> Outcome:
        if other.actor != self.actor:
            raise ValueError("one action has one actor; these outcomes name two")
        if self.connection is not None and other.connection is not None:
            raise ValueError("one action saves the connection once")
        if self.sets_security_model and other.sets_security_model:
            raise ValueError("one action sets the security model once")
        return Outcome(
            actor=self.actor,
            steps=self.steps + other.steps,
            events=self.events + other.events,
            security_model=self.security_model if self.sets_security_model else other.security_model,
            connection=self.connection or other.connection,
        )

    def with_connection(self, change: ConnectionChange, entry: AuditEntry | None = None) -> Outcome:
        """The same outcome, also writing the connection (its audit entry goes first)."""
        events = ((entry,) if entry else ()) + self.events
        return replace(self, connection=change, events=events)

    def state_of(self, step_key: str) -> StepState | None:
        """The state this outcome leaves `step_key` in, or None when it does not touch it."""
        for change in reversed(self.steps):
            if change.step_key == step_key:
                return change.state
        return None


def unfinished_prerequisites(step_key: str, states: Mapping[str, str]) -> list[str]:
    """Every step still to do on the way to `step_key`, earlier ones included, in catalogue order.

    `states` maps step keys to their state. A step flagged for attention was completed once; the flag
    is advice, not a lock.
    """
    needed: set[str] = set()
    pending = list(step(step_key).prerequisites)
    while pending:
        key = pending.pop()
        if key not in needed:
            needed.add(key)
            pending.extend(step(key).prerequisites)
    return [key for key in STEP_KEYS if key in needed and states.get(key, StepState.TODO) == StepState.TODO]


# -- the completion rule --------------------------------------------------------------------------


def settled_state(step_key: str, checked: Iterable[str], security_model: str | None) -> StepState:
    """Where a step stands on its ticks alone: done when every item that applies is ticked."""
    definition = step(step_key)
    ticked = frozenset(checked)
    return (
        StepState.DONE
        if definition.tickable and definition.is_complete(ticked, security_model)
        else (StepState.TODO)
    )


class _Draft:
    """Collects one event's changes, tracking the state they leave so audit entries say what changed."""

    def __init__(self, now: Snapshot, actor: Identity) -> None:
        self._current = dict(now.steps)
        self.model = now.security_model
        self.actor = actor
        self.steps: list[StepChange] = []
        self.events: list[AuditEntry] = []

    def current(self, step_key: str) -> StepProgress:
        return self._current.get(step_key, StepProgress())

    def set(
        self,
        step_key: str,
        state: StepState,
        note: str = "",
        *,
        checked: frozenset[str] | None = None,
        announce: bool = True,
    ) -> None:
        old = self.current(step_key)
        self.steps.append(StepChange(step_key, state, note, checked))
        self._current[step_key] = replace(
            old, state=state, note=note, checked=old.checked if checked is None else checked
        )
        if announce and old.state != state:
            self.log("step_state", f"{step(step_key).title}: {state}" + (f" ({note})" if note else ""))

    def log(self, kind: str, message: str) -> None:
        self.events.append(AuditEntry(kind, message))

    def reset_flags(self, keep: str | None = None) -> None:
        """Drop the attention flags a previous connection attempt left (except on `keep`)."""
        for key in VERIFIED_STEPS:
            if key != keep and self.current(key).state == StepState.ATTENTION:
                self.set(key, settled_state(key, self.current(key).checked, self.model))

    def outcome(self, **fields: object) -> Outcome:
        return Outcome(self.actor, tuple(self.steps), tuple(self.events), **fields)  # type: ignore[arg-type]


# -- events ---------------------------------------------------------------------------------------


def checklist_ticked(
    now: Snapshot, step_key: str, item_key: str, checked: bool, *, actor: Identity
) -> Outcome:
    """A checklist item was ticked or unticked. KeyError for an item the step does not have."""
    definition = step(step_key)
    item = definition.item(item_key)
    draft = _Draft(now, actor)
    current = draft.current(step_key)
    ticked = current.checked | {item_key} if checked else current.checked - {item_key}
    settled = settled_state(step_key, ticked, now.security_model)
    if settled == StepState.DONE:
        # Ticking everything again is the user telling us a flagged problem is fixed.
        state, note = StepState.DONE, ""
    elif current.state == StepState.ATTENTION:
        state, note = StepState.ATTENTION, current.note
    else:
        state, note = StepState.TODO, current.note
    draft.set(step_key, state, note, checked=frozenset(ticked), announce=False)
    verb = "Ticked" if checked else "Unticked"
    draft.log("checklist", f"{verb} '{item.label}' ({definition.title})")
    return draft.outcome()


def security_model_changed(now: Snapshot, model: str | None, *, actor: Identity) -> Outcome:
    """The workspace's security model was chosen (or cleared): which items count changes with it."""
    if model is not None and model not in SECURITY_MODEL_VALUES:
        raise ValueError(f"security model must be one of {SECURITY_MODEL_VALUES} or None, not {model!r}")
    draft = _Draft(now, actor)
    draft.log("security_model_set", f"Security model: {model or 'not set'}")
    for key in STEP_KEYS:
        current = draft.current(key)
        if not step(key).tickable or current.state == StepState.ATTENTION:
            continue
        settled = settled_state(key, current.checked, model)
        if settled != current.state:
            draft.set(key, settled, current.note, announce=False)
    return draft.outcome(security_model=model)


def connected(now: Snapshot, *, company_id: str, level: str, user_id: str, actor: Identity) -> Outcome:
    """Signed in to Intacct: that proves the IDs are right and our sender ID is authorized."""
    draft = _Draft(now, actor)
    draft.log("connected", f"Signed in to {company_id} at {level} as {user_id}")
    draft.reset_flags()
    draft.set(StepKey.IDS, StepState.DONE, _PROVEN)
    draft.set(StepKey.WEB_SERVICES, StepState.DONE, _PROVEN)
    return draft.outcome()


def preflight_checked(
    now: Snapshot, checks: Sequence[PreflightCheck], *, needs_entity: bool, actor: Identity
) -> Outcome:
    """The permission check ran after signing in; `needs_entity`: the plan wants one entity, not top level."""
    draft = _Draft(now, actor)
    missing = failed_checks(list(checks))
    if missing:
        note = "Missing read access: " + ", ".join(c.label for c in missing)
        draft.log("preflight", f"Permission check: {note}")
        draft.set(StepKey.WS_USER, StepState.ATTENTION, note)
        draft.set(StepKey.CONNECT, StepState.ATTENTION, note)
        return draft.outcome()
    draft.log("preflight", "Permission check: everything we need is readable")
    draft.set(StepKey.WS_USER, StepState.DONE, _PROVEN)
    if needs_entity:
        draft.set(StepKey.CONNECT, StepState.TODO, "Choose the entity to connect to")
    else:
        draft.set(StepKey.CONNECT, StepState.DONE)
    return draft.outcome()


def preflight_stopped(now: Snapshot, reason: str, *, actor: Identity, retryable: bool = False) -> Outcome:
    """Signed in, but Intacct stopped the permission check itself (an outage, a lost session).

    A `retryable` stop (Intacct busy, a network blip) says nothing about the permissions: logged only.
    """
    draft = _Draft(now, actor)
    draft.log("preflight_failed", f"Permission check stopped: {reason}")
    if not retryable:
        draft.set(StepKey.CONNECT, StepState.ATTENTION, reason)
    return draft.outcome()


def connect_not_applied(now: Snapshot, diagnosis: Diagnosis, *, updating: bool, actor: Identity) -> Outcome:
    """A sign-in that proves nothing about the saved details: logged, and no step changes.

    Either Intacct was busy or out of reach (the answer says nothing about the details), or new details
    were refused while the saved ones still work (`updating`): the working connection stays as it was.
    """
    draft = _Draft(now, actor)
    why = "new details refused" if updating and not diagnosis.retryable else "Intacct was busy or unreachable"
    suffix = f" [{diagnosis.code}]" if diagnosis.code else ""
    draft.log("connect_not_applied", f"Connection attempt not applied ({why}): {diagnosis.title}{suffix}")
    return draft.outcome()


def connect_failed(now: Snapshot, diagnosis: Diagnosis, *, actor: Identity) -> Outcome:
    """Signing in failed; the diagnosis names the step to revisit, when there is one."""
    draft = _Draft(now, actor)
    if diagnosis.step_key:
        # A retryable hiccup proves nothing either way, so only a real answer replaces earlier flags.
        draft.reset_flags(keep=diagnosis.step_key)
    suffix = f" [{diagnosis.code}]" if diagnosis.code else ""
    draft.log("connect_failed", f"Connection failed: {diagnosis.title}{suffix}")
    draft.set(StepKey.CONNECT, StepState.ATTENTION, diagnosis.title)
    if diagnosis.step_key and diagnosis.step_key != StepKey.CONNECT:
        draft.set(diagnosis.step_key, StepState.ATTENTION, diagnosis.title)
    return draft.outcome()


def sync_finished(
    now: Snapshot,
    *,
    status: str,
    fetched: int = 0,
    wall_s: float = 0.0,
    failed_objects: Sequence[str] = (),
    problem: str | None = None,
    actor: Identity,
) -> Outcome:
    """A sync ended: completed marks the step done; partial or failed flags it; cancelled only notes it."""
    draft = _Draft(now, actor)
    if status == SyncStatus.COMPLETED:
        draft.set(StepKey.SYNC, StepState.DONE)
        draft.log("sync", f"Sync finished: {fetched} records fetched in {wall_s:.0f} s.")
    elif status in (SyncStatus.PARTIAL, SyncStatus.FAILED):
        if failed_objects:
            note = f"Some objects could not be synced: {', '.join(failed_objects)}."
        else:
            note = problem or "The sync did not finish."
        draft.set(StepKey.SYNC, StepState.ATTENTION, note)
        draft.log("sync", f"Sync did not finish: {note}")
    elif status == SyncStatus.CANCELLED:
        draft.log("sync", "Sync stopped by a user; the next sync resumes it.")
    else:
        raise ValueError(f"a finished sync is completed, partial, failed or cancelled, not {status!r}")
    return draft.outcome()


def mapping_submitted(now: Snapshot, *, version: int, actor: Identity) -> Outcome:
    """A mapping version without errors went to review: Map is done, Review waits for a decision."""
    draft = _Draft(now, actor)
    draft.log("mapping_submitted", f"Mapping version {version} submitted for review")
    draft.set(StepKey.MAP, StepState.DONE)
    draft.set(StepKey.REVIEW, StepState.TODO)
    return draft.outcome()


def mapping_approved(now: Snapshot, *, version: int, actor: Identity) -> Outcome:
    draft = _Draft(now, actor)
    draft.log("mapping_approved", f"Mapping version {version} approved")
    draft.set(StepKey.REVIEW, StepState.DONE)
    return draft.outcome()


def mapping_sent_back(now: Snapshot, *, version: int, comment: str, actor: Identity) -> Outcome:
    """The reviewer sent the mapping back with a comment, which Map then shows as what to fix."""
    comment = " ".join((comment or "").split())
    if not comment:
        raise ValueError("sending a mapping back needs a comment saying what to change")
    draft = _Draft(now, actor)
    draft.log("mapping_sent_back", f"Mapping version {version} sent back: {comment}")
    draft.set(StepKey.MAP, StepState.ATTENTION, comment)
    draft.set(StepKey.REVIEW, StepState.TODO)
    return draft.outcome()


def mapping_needs_attention(now: Snapshot, *, reason: str, actor: Identity) -> Outcome:
    """A re-sync brought accounts the mapping does not cover (new, changed or gone from Intacct).

    The approved version stays as it was: only the Map step is flagged, with `reason` as its note.
    """
    draft = _Draft(now, actor)
    draft.log("mapping_needs_attention", f"Mapping needs attention: {reason}")
    draft.set(StepKey.MAP, StepState.ATTENTION, reason)
    return draft.outcome()


def steps_marked_done(now: Snapshot, step_keys: Iterable[str], *, actor: Identity, note: str = "") -> Outcome:
    """An implementation manager marked several steps done in one action (KeyError for an unknown step)."""
    wanted = set(step_keys)
    for key in sorted(wanted - set(STEP_KEYS)):
        step(key)  # raises the catalogue's KeyError
    keys = [key for key in STEP_KEYS if key in wanted]
    draft = _Draft(now, actor)
    for key in keys:
        draft.set(key, StepState.DONE, note)
    if keys:
        titles = ", ".join(step(key).title for key in keys)
        draft.log("steps_marked_done", f"Marked done: {titles}" + (f" ({note})" if note else ""))
    return draft.outcome()
