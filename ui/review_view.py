"""The Review & approve step's view: what is waiting, what changed since the last approval, the
decision (approve, or send back with a comment), the audit trail and the approved version's files."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from onboarding.access import Action
from onboarding.mapping import actions
from onboarding.mapping.checks import Severity
from onboarding.mapping.exports import diff_csv
from onboarding.mapping.model import changed_accounts
from onboarding.mapping.repository import COMMENT_MAX_CHARS, SENT_BACK, MappingError, MappingStore, Version
from onboarding.steps import StepKey
from ui.display import as_text
from ui.guard import PageContext
from ui.map_view import TO_DO_HELP, acting, mapping_store
from ui.nav import step_link
from ui.safe import guarded

AUDIT_SHOWN = 500
# Who made a change is a name or an e-mail address: a fixed width, so the before and after columns keep
# the room (a long label is cut on screen; the full one is in the CSV and on hover). The audit table
# shows the role in a column of its own, so the name gets the whole width.
WHO_WIDTH = 190
DIFF_COLUMNS = {"Changed by": st.column_config.TextColumn(width=WHO_WIDTH)}
AUDIT_COLUMNS = {
    "Who": st.column_config.TextColumn(width=WHO_WIDTH),
    "Role": st.column_config.TextColumn(width=170),  # "Implementation manager" in full
    "When": st.column_config.TextColumn(width=150),
}


def _who_and_role(label: str) -> tuple[str, str]:
    """ "Dana (Finance reviewer)" as ("Dana", "Finance reviewer"); a label without a role stays whole."""
    who, bracket, role = label.rpartition(" (")
    return (who, role[:-1]) if bracket and role.endswith(")") else (label, "")


def _key(page: PageContext, name: str) -> str:
    return f"review{page.ws_id}:{name}"


def _flash(page: PageContext, kind: str, text: str) -> None:
    st.session_state.setdefault(_key(page, "flash"), []).append((kind, text))


def _show_flash(page: PageContext) -> None:
    for kind, text in st.session_state.pop(_key(page, "flash"), []):
        if kind == "toast":
            # A decision is made at the foot of a long page: a toast shows wherever the page is scrolled.
            st.toast(text, icon=":material/check_circle:")
        else:
            {"success": st.success, "error": st.error}.get(kind, st.info)(text)


def _refuse_decision(page: PageContext, problem: MappingError) -> None:
    """Why a decision was refused, said beside its buttons (kept until the next decision)."""
    st.session_state[_key(page, "decision_error")] = str(problem)


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


# -- callbacks ------------------------------------------------------------------------------------


def _approve(page: PageContext, number: int) -> None:
    comment = st.session_state.get(_key(page, "approve_comment"), "")
    try:
        version = actions.approve_mapping(mapping_store(page), page.ws_id, number, acting(page), comment)
    except MappingError as problem:
        _refuse_decision(page, problem)
        return
    unchecked = "" if version.second_person_checked else " (recorded as not checked by a second person)"
    _flash(page, "toast", f"Version {version.number} is approved{unchecked}. Routable codes bills with it.")


def _send_back(page: PageContext, number: int) -> None:
    comment = st.session_state.get(_key(page, "send_back_comment"), "")
    try:
        actions.send_back_mapping(mapping_store(page), page.ws_id, number, acting(page), comment)
    except MappingError as problem:
        _refuse_decision(page, problem)
        return
    _flash(page, "toast", f"Version {number} was sent back with your comment; the Map step shows it.")


# -- sections -------------------------------------------------------------------------------------


def _summary(
    page: PageContext, mapping: MappingStore, version: Version, changed: int, earlier: Version | None
) -> list:
    coverage, problems = mapping.version_summary(page.ws_id, version.number)
    st.subheader(f"Version {version.number}")
    st.caption(f"Submitted by {as_text(version.submitted_by)} on {_when(version.submitted_at)}.")
    if earlier is not None and earlier.status == SENT_BACK:
        _since_sent_back(page, mapping, version, earlier)
    cols = st.columns(6)
    cols[0].metric("Mapped", f"{coverage.mapped:,}")
    cols[1].metric("Excluded", f"{coverage.excluded:,}")
    cols[2].metric("To do", f"{coverage.to_do:,}", help=TO_DO_HELP)
    cols[3].metric("Errors", f"{coverage.errors:,}")
    cols[4].metric("Warnings", f"{coverage.warnings:,}")
    # A short label (six metrics share the row); the help and the section below say since when.
    cols[5].metric("Changed", f"{changed:,}", help="Accounts whose mapping changed since the last approval.")
    return problems


def _problems(problems: list) -> None:
    if not problems:
        return
    to_do = [p for p in problems if p.is_to_do]
    errors = [p for p in problems if p.is_error and not p.is_to_do]
    warnings = len(problems) - len(errors) - len(to_do)
    counts = [f"{len(errors)} errors", f"{warnings} warnings"] + (
        [f"{len(to_do)} still to decide"] if to_do else []
    )
    # Real problems first, then the accounts still to decide.
    ordered = sorted(problems, key=lambda p: (p.is_to_do, not p.is_error))
    with st.expander(
        "Problems: " + ", ".join(counts), expanded=bool(errors or to_do), icon=":material/warning:"
    ):
        st.dataframe(
            [{"Account": p.account, "Kind": p.label, "Problem": p.message} for p in ordered],
            hide_index=True,
        )


def _diff(page: PageContext, mapping: MappingStore, version: Version) -> int:
    decisions = mapping.version_decisions(page.ws_id, version.number)
    titles = mapping.version_titles(page.ws_id, version.number)
    rows = mapping.diff(page.ws_id, decisions, titles, up_to_revision=version.revision)
    st.subheader("Changed since the last approval")
    if not rows:
        st.caption("Nothing changed since the last approved version.")
        return 0
    search = st.text_input("Filter by account, title, category or person", key=_key(page, "diff_search"))
    table = [
        {
            "Account": r.account,
            "Title": r.title,
            "Before": r.before,
            "After": r.after,
            "Changed by": r.who,
            "When": _when(r.when),
            "Note": r.note,
        }
        for r in rows
    ]
    needle = search.strip().casefold()
    if needle:
        table = [row for row in table if any(needle in str(value).casefold() for value in row.values())]
    st.dataframe(table, hide_index=True, column_config=DIFF_COLUMNS)
    st.download_button(
        "Download the changes (CSV)",
        data=diff_csv(rows),
        file_name=f"mapping-changes-v{version.number}.csv",
        mime="text/csv",
        key=_key(page, "diff_download"),
        icon=":material/download:",
    )
    return len(rows)


def _decide(page: PageContext, version: Version, has_errors: bool) -> None:
    may_approve, may_send_back = page.may(Action.APPROVE), page.may(Action.SEND_BACK)
    if not (may_approve or may_send_back):
        st.caption(
            ":material/gavel: Approving or sending back this version is for the finance reviewer or the "
            "implementation manager; you can read it and download its files here."
        )
        return
    st.subheader("Your decision")
    actor = acting(page)
    if not actor.verified:
        st.caption(
            ":material/person: You are using the app locally without sign-in, so an approval is recorded "
            "as not checked by a second person."
        )
    left, right = st.columns(2)
    if may_approve:
        with left:
            _approve_widgets(page, version, has_errors)
    if may_send_back:
        with right:
            _send_back_widgets(page, version)
    refused = st.session_state.pop(_key(page, "decision_error"), None)
    if refused:
        st.error(refused, icon=":material/error:")


def _approve_widgets(page: PageContext, version: Version, has_errors: bool) -> None:
    st.text_area(
        "Comment (optional)", key=_key(page, "approve_comment"), height=90, max_chars=COMMENT_MAX_CHARS
    )
    st.button(
        "Approve this version",
        type="primary",
        icon=":material/verified:",
        disabled=has_errors,
        key=_key(page, "approve"),
        on_click=guarded(_approve),
        args=(page, version.number),
        help="Refused while an error or an account still to decide remains." if has_errors else None,
    )
    if has_errors:
        st.caption(
            "Errors remain, or accounts still to decide, so this version cannot be approved. Send it back "
            "with what to fix."
        )


def _send_back_widgets(page: PageContext, version: Version) -> None:
    st.text_area(
        "What needs to change (required to send back)",
        key=_key(page, "send_back_comment"),
        height=90,
        max_chars=COMMENT_MAX_CHARS,
    )
    st.button(
        "Send back",
        icon=":material/undo:",
        key=_key(page, "send_back"),
        on_click=guarded(_send_back),
        args=(page, version.number),
    )


def _approved_files(
    page: PageContext, mapping: MappingStore, version: Version, *, with_summary: bool = False
) -> None:
    st.subheader(f"Approved: version {version.number}")
    unchecked = "" if version.second_person_checked else " · not checked by a second person"
    st.caption(f"Approved by {as_text(version.decided_by)} on {_when(version.decided_at)}{unchecked}.")
    if with_summary:
        coverage, _ = mapping.version_summary(page.ws_id, version.number)
        cols = st.columns(4)
        cols[0].metric("Accounts", f"{coverage.accounts:,}")
        cols[1].metric("Mapped", f"{coverage.mapped:,}")
        cols[2].metric("Excluded", f"{coverage.excluded:,}")
        cols[3].metric("Warnings", f"{coverage.warnings:,}")
    left, right, _ = st.columns([1, 1, 2])
    name = page.workspace.name
    left.download_button(
        "Download as JSON",
        data=actions.export_approved_json(mapping, page.ws_id, version.number, name, actor=acting(page)),
        file_name=f"mapping-v{version.number}.json",
        mime="application/json",
        key=_key(page, "json"),
        icon=":material/data_object:",
    )
    right.download_button(
        "Download as Excel",
        data=actions.export_approved_xlsx(mapping, page.ws_id, version.number, name, actor=acting(page)),
        file_name=f"mapping-v{version.number}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=_key(page, "xlsx"),
        icon=":material/table:",
    )


def _since_sent_back(page: PageContext, mapping: MappingStore, version: Version, earlier: Version) -> None:
    """A resubmission says what was asked of the version sent back before it, and what changed since."""
    changed = changed_accounts(
        mapping.version_decisions(page.ws_id, earlier.number),
        mapping.version_decisions(page.ws_id, version.number),
    )
    since = (
        "Nothing changed since then: it comes back as it was."
        if not changed
        else f"Since then, {len(changed):,} account{'s' if len(changed) != 1 else ''} changed: "
        + ", ".join(changed[:10])
        + (" and more" if len(changed) > 10 else "")
        + "."
    )
    st.info(
        f"Version {earlier.number} was sent back by {as_text(earlier.decided_by)} on "
        f"{_when(earlier.decided_at)}: “{as_text(earlier.comment)}”. {since}",
        icon=":material/history:",
    )


def _review_file(page: PageContext, mapping: MappingStore, version: Version) -> None:
    """The whole version under review as Excel, to check offline before deciding (built on the click)."""
    if not page.may(Action.EXPORT):
        return
    actor, ws_id, name, number = acting(page), page.ws_id, page.workspace.name, version.number
    st.download_button(
        "Download this version to check (Excel)",
        data=lambda: actions.export_review_xlsx(mapping, ws_id, number, name, actor=actor),
        file_name=f"mapping-v{number}-for-review.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        # No rerun on the click: the decision form keeps what the reviewer typed, untouched.
        on_click="ignore",
        key=_key(page, "review_xlsx"),
        icon=":material/table:",
        help="Every account of this version with its category. The file says it is not approved yet.",
    )


def _audit_csv(page: PageContext, mapping: MappingStore) -> Callable[[], bytes]:
    """The audit trail as CSV, written when the button is clicked, so it holds every entry up to then.

    Data handed over with the page was the trail as this run read it; a click right after an approval
    could get the file of the run before. Built on the click, it always reads what is stored.
    """
    actor, ws_id = acting(page), page.ws_id
    return lambda: actions.export_audit_csv(mapping, ws_id, actor=actor)


def _audit(page: PageContext, mapping: MappingStore) -> None:
    st.subheader("Audit trail")
    entries = mapping.audit(page.ws_id, limit=AUDIT_SHOWN + 1)
    if not entries:
        st.caption("No changes recorded yet.")
        return
    total = mapping.audit_count(page.ws_id) if len(entries) > AUDIT_SHOWN else len(entries)
    if total > AUDIT_SHOWN:
        st.caption(
            f"The table shows the latest {AUDIT_SHOWN} entries, newest first ({total:,} are recorded). "
            "The CSV download below holds every entry."
        )
    else:
        st.caption(f"All {total:,} entries, newest first; the CSV download below holds them too.")
    st.dataframe(
        [
            {
                "When": _when(e.at),
                "Who": _who_and_role(e.who)[0],
                "Role": _who_and_role(e.who)[1],
                "Account": e.account,
                "What": e.field,
                "Before": e.before,
                "After": e.after,
                "How": e.how,
                "Note": e.note,
            }
            for e in entries[:AUDIT_SHOWN]
        ],
        hide_index=True,
        column_config=AUDIT_COLUMNS,
    )
    st.download_button(
        "Download the audit trail (CSV)",
        data=_audit_csv(page, mapping),
        # No rerun on the click: a rerun would replace the file being fetched with the next run's.
        on_click="ignore",
        file_name=f"mapping-audit-{page.ws_id}.csv",
        mime="text/csv",
        key=_key(page, "audit"),
        icon=":material/download:",
    )


def render_review(page: PageContext) -> None:
    mapping = mapping_store(page)
    _show_flash(page)
    versions = mapping.versions(page.ws_id)
    pending = next((v for v in versions if v.status == "submitted"), None)
    approved = next((v for v in versions if v.status == "approved"), None)
    if pending is not None:
        diff_holder = st.container()
        changed = _diff(page, mapping, pending)
        with diff_holder:
            # The version before, as this run read it: a resubmission says what became of it.
            earlier = next((v for v in versions if v.number == pending.number - 1), None)
            problems = _summary(page, mapping, pending, changed, earlier)
            _problems(problems)
        _review_file(page, mapping, pending)
        _decide(page, pending, any(p.severity == Severity.ERROR for p in problems))
    elif approved is not None and versions[0] is approved:
        # The latest word on the mapping is an approval: that version leads, with its files.
        _approved_files(page, mapping, approved, with_summary=True)
        st.caption(
            ":material/inbox: Nothing is waiting for review. A new version comes here when the mapping is "
            "changed and submitted again on the Map step."
        )
        step_link(StepKey.MAP, "Go to the Map accounts step")
        approved = None  # shown already
    else:
        latest = versions[0] if versions else None
        if latest is not None and latest.status == "sent back":
            st.info(
                f"Version {latest.number} was sent back by {as_text(latest.decided_by)}: "
                f"“{as_text(latest.comment)}”. "
                "Nothing is waiting for review.",
                icon=":material/undo:",
            )
        else:
            st.info(
                "Nothing is waiting for review. The mapping comes here when it is submitted on the Map step.",
                icon=":material/inbox:",
            )
        step_link(StepKey.MAP, "Go to the Map accounts step")
    if approved is not None:
        _approved_files(page, mapping, approved)
    _audit(page, mapping)
