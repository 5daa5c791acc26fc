"""What a person can do to a workspace's mapping, one function each.

Pages call these, never the storage directly, and each asks onboarding.access first (who may save,
submit, approve, send back, export), so one function per action carries its check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from onboarding.access import Action, require
from onboarding.identity import Identity
from onboarding.mapping import exports
from onboarding.mapping.csv_import import ParsedImport, parse_mapping_csv
from onboarding.mapping.model import UNDECIDED, Category, ChangeHow
from onboarding.mapping.repository import (
    APPROVED,
    SUBMITTED,
    Change,
    MappingError,
    MappingStore,
    MappingView,
    SaveResult,
    Version,
)


@dataclass(frozen=True)
class ImportOutcome:
    parsed: ParsedImport
    result: SaveResult | None  # None when the file had problems and nothing changed


def save_mapping(mapping: MappingStore, ws_id: int, base_revision: int, changes: Sequence[Change],
                 actor: Identity) -> SaveResult:  # fmt: skip
    require(actor, Action.MAP_EDIT, ws_id)
    return mapping.save(ws_id, base_revision, changes, actor)


def submit_mapping(mapping: MappingStore, ws_id: int, expected_revision: int, actor: Identity) -> Version:
    require(actor, Action.SUBMIT, ws_id)
    return mapping.submit(ws_id, expected_revision, actor)


def approve_mapping(
    mapping: MappingStore, ws_id: int, version: int, actor: Identity, comment: str = ""
) -> Version:
    require(actor, Action.APPROVE, ws_id)
    return mapping.approve(ws_id, version, actor, comment)


def send_back_mapping(
    mapping: MappingStore, ws_id: int, version: int, actor: Identity, comment: str
) -> Version:
    require(actor, Action.SEND_BACK, ws_id)
    return mapping.send_back(ws_id, version, actor, comment)


def add_category(mapping: MappingStore, ws_id: int, name: str, kind: str, actor: Identity) -> Category:
    require(actor, Action.MAP_EDIT, ws_id)
    return mapping.add_category(ws_id, name, kind, actor)


def rename_category(mapping: MappingStore, ws_id: int, old: str, new: str, actor: Identity) -> Category:
    require(actor, Action.MAP_EDIT, ws_id)
    return mapping.rename_category(ws_id, old, new, actor)


def retire_category(mapping: MappingStore, ws_id: int, name: str, actor: Identity) -> None:
    require(actor, Action.MAP_EDIT, ws_id)
    mapping.retire_category(ws_id, name, actor)


def import_mapping_csv(mapping: MappingStore, ws_id: int, data: bytes, actor: Identity) -> ImportOutcome:
    """Check the whole file; only when every row is valid are its changes saved, in one transaction."""
    require(actor, Action.MAP_EDIT, ws_id)
    view = mapping.load(ws_id)
    live = [row.number for row in view.rows if not row.account.deleted]
    parsed = parse_mapping_csv(data, live, view.categories)
    if not parsed.ok:
        return ImportOutcome(parsed, None)
    current = view.decisions()
    changes = [
        Change(number, current.get(number, UNDECIDED), decision, ChangeHow.IMPORT)
        for number, decision in parsed.decisions.items()
        if current.get(number, UNDECIDED) != decision
    ]
    return ImportOutcome(parsed, mapping.save(ws_id, view.revision, changes, actor))


def export_mapping_csv(view: MappingView, *, actor: Identity) -> bytes:
    """The saved draft as the CSV the import reads."""
    require(actor, Action.EXPORT, view.ws_id)
    return exports.rows_csv(view.rows)


def export_diff_csv(mapping: MappingStore, view: MappingView, *, actor: Identity) -> bytes:
    require(actor, Action.EXPORT, view.ws_id)
    titles = {row.number: row.account.title for row in view.rows}
    return exports.diff_csv(mapping.diff(view.ws_id, view.decisions(), titles))


def export_audit_csv(mapping: MappingStore, ws_id: int, *, actor: Identity) -> bytes:
    require(actor, Action.EXPORT, ws_id)
    return exports.audit_csv(mapping.audit(ws_id))


def _approved(mapping: MappingStore, ws_id: int, number: int) -> Version:
    version = next((v for v in mapping.versions(ws_id) if v.number == number), None)
    if version is None or version.status != APPROVED:
        raise MappingError(
            f"Version {number} is not approved; only approved versions export as JSON or Excel."
        )
    return version


def export_approved_json(
    mapping: MappingStore, ws_id: int, number: int, workspace: str, *, actor: Identity
) -> bytes:
    require(actor, Action.EXPORT, ws_id)
    version = _approved(mapping, ws_id, number)
    kinds = {category.name: str(category.kind) for category in mapping.categories(ws_id)}
    return exports.version_json(version, workspace, mapping.version_decisions(ws_id, number),
                                mapping.version_titles(ws_id, number), kinds)  # fmt: skip


def export_review_xlsx(
    mapping: MappingStore, ws_id: int, number: int, workspace: str, *, actor: Identity
) -> bytes:
    """The version waiting for review as Excel, for the finance lead to check before deciding.

    Its Status row says "submitted": only an approved version exports as JSON, the file Routable reads.
    """
    require(actor, Action.EXPORT, ws_id)
    version = next((v for v in mapping.versions(ws_id) if v.number == number), None)
    if version is None or version.status != SUBMITTED:
        raise MappingError(f"Version {number} is not waiting for review; refresh the page to see its state.")
    summary, _ = mapping.version_summary(ws_id, number)
    return exports.version_xlsx(version, workspace, mapping.version_decisions(ws_id, number),
                                mapping.version_titles(ws_id, number), summary)  # fmt: skip


def export_approved_xlsx(
    mapping: MappingStore, ws_id: int, number: int, workspace: str, *, actor: Identity
) -> bytes:
    require(actor, Action.EXPORT, ws_id)
    version = _approved(mapping, ws_id, number)
    summary, _ = mapping.version_summary(ws_id, number)
    return exports.version_xlsx(version, workspace, mapping.version_decisions(ws_id, number),
                                mapping.version_titles(ws_id, number), summary)  # fmt: skip
