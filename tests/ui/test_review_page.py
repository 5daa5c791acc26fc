"""The Review & approve page in AppTest: summary, diff, approve, send back, audit trail, exports."""

from __future__ import annotations

import io
import json
import sqlite3

import openpyxl
import pytest

from onboarding.identity import Identity, Role
from onboarding.mapping import actions
from onboarding.mapping.model import UNDECIDED, Decision
from onboarding.mapping.repository import COMMENT_MAX_CHARS, Change, MappingError
from tests.actors import LOCAL
from tests.mapping_helpers import CHART, gl, write_workspace_accounts
from tests.onboarding.mapping.test_repository import GOOD
from tests.ui.harness import open_app, sidebar_states
from ui.display import as_text
from ui.review_view import AUDIT_SHOWN, WHO_WIDTH, _who_and_role

ANA = Identity("email:ana@acme.test", "Ana", Role.CUSTOMER_ADMIN, "ana@acme.test", verified=True)


def submit(mapping, ws, decisions, actor=ANA):
    current = mapping.load(ws.id).decisions()
    changes = [Change(n, current.get(n, UNDECIDED), d) for n, d in decisions.items()]
    mapping.save(ws.id, mapping.revision(ws.id), changes, actor)
    return mapping.submit(ws.id, mapping.revision(ws.id), actor)


def diff_table(at):
    return next(d.value for d in at.dataframe if {"Before", "Changed by"} <= set(d.value.columns))


def k(ws, name):
    return f"review{ws.id}:{name}"


def test_locked_until_a_version_is_submitted(ws):
    at = open_app(ws, "review")
    assert "Finish these first" in " ".join(i.value for i in at.info)


def test_summary_diff_and_approval(ws, mapping, store):
    submit(mapping, ws, GOOD)
    at = open_app(ws, "review")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mapped"] == "4" and metrics["Excluded"] == "2" and metrics["To do"] == "2"
    assert metrics["Changed"] == "6"
    diff = diff_table(at).set_index("Account")
    assert diff.loc["6200", "Before"] == "not mapped" and diff.loc["6200", "After"] == "Travel"
    assert diff.loc["6200", "Changed by"] == ANA.audit_label and diff.loc["6200", "Note"] == "trips"
    at.text_input(key=k(ws, "diff_search")).input("software").run()
    assert diff_table(at)["Account"].tolist() == ["6100"]
    assert any("not checked by a second person" in c.value for c in at.caption)
    at.button(key=k(ws, "approve")).click().run()
    # Said in a toast, which shows wherever the page is scrolled (the button is at its foot).
    assert any(
        "Version 1 is approved (recorded as not checked by a second person)" in t.value for t in at.toast
    )
    assert sidebar_states(at)["Review & approve"] == "done"
    assert any(b.label == "Download as Excel" for b in at.get("download_button"))
    audit = at.dataframe[-1].value
    assert (
        audit.loc[0, "After"] == "version 1 approved"
        and audit.loc[0, "How"] == "not checked by a second person"
    )
    assert "Travel" in audit["After"].tolist()


def test_send_back_needs_a_comment(ws, mapping, store):
    submit(mapping, ws, GOOD)
    at = open_app(ws, "review")
    at.button(key=k(ws, "send_back")).click().run()
    # The refusal is said beside the buttons, where the reviewer is looking, not at the page's top.
    [refusal] = [e for e in at.error if "Say what needs to change" in e.value]
    assert _after(at, refusal, at.button(key=k(ws, "send_back")))
    assert mapping.versions(ws.id)[0].status == "submitted"
    at.text_area(key=k(ws, "send_back_comment")).input("6200 is client dinners, not travel").run()
    at.button(key=k(ws, "send_back")).click().run()
    assert mapping.versions(ws.id)[0].status == "sent back"
    assert any("Version 1 was sent back with your comment" in t.value for t in at.toast)
    assert sidebar_states(at)["Map accounts"] == "needs attention"
    at.switch_page("pages/map.py").run()
    assert any("6200 is client dinners, not travel" in w.value for w in at.warning)


def test_approval_is_refused_while_errors_remain(ws, mapping, app_env):
    submit(mapping, ws, GOOD)
    write_workspace_accounts(app_env / "data", ws.id, [*CHART, gl(6500, "Postage")])
    at = open_app(ws, "review")
    assert at.button(key=k(ws, "approve")).disabled
    assert any("Errors remain" in c.value for c in at.caption)


def test_changes_after_an_approval_show_in_the_next_diff(ws, mapping):
    version = submit(mapping, ws, GOOD)
    mapping.approve(ws.id, version.number, Identity("email:ben@x", "Ben", Role.FINANCE_REVIEWER, "ben@x"))
    submit(mapping, ws, {"6200": Decision("Meals & Entertainment", note="client dinners")})
    at = open_app(ws, "review")
    diff = diff_table(at)
    assert diff[["Account", "Before", "After", "Note"]].values.tolist() == [
        ["6200", "Travel", "Meals & Entertainment", "client dinners"]
    ]
    assert {m.label: m.value for m in at.metric}["Changed"] == "1"


def _columns(frame) -> dict:
    return json.loads(frame.proto.columns)


def test_after_approval_the_approved_version_leads(ws, mapping):
    version = submit(mapping, ws, GOOD)
    mapping.approve(ws.id, version.number, Identity("email:ben@x", "Ben", Role.FINANCE_REVIEWER, "ben@x"))
    at = open_app(ws, "review")
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert headings[:1] == ["Approved: version 1"]
    assert not any("Nothing is waiting for review" in i.value for i in at.info)
    assert any("Nothing is waiting for review" in c.value for c in at.caption)
    assert any(c.value.startswith("Approved by ben@") for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mapped"] == "4" and metrics["Excluded"] == "2"
    assert {b.label for b in at.get("download_button")} >= {"Download as JSON", "Download as Excel"}
    # A short trail is counted as it is, not called "the latest 500".
    total = mapping.audit_count(ws.id)
    assert 0 < total < AUDIT_SHOWN
    assert any(c.value.startswith(f"All {total:,} entries, newest first") for c in at.caption)


def test_the_audit_table_says_it_shows_the_latest_entries_and_the_export_has_all(ws, mapping, store):
    submit(mapping, ws, GOOD)
    total = len(mapping.audit(ws.id)) + AUDIT_SHOWN
    rows = [
        (ws.id, "2026-01-01T00:00:00+00:00", "Ana", "email:ana", "6200", "note", "", f"n{i}", "typed", "", 1)
        for i in range(AUDIT_SHOWN)
    ]
    with sqlite3.connect(store.path) as conn:
        conn.executemany(
            "INSERT INTO mapping_audit (workspace_id, at, who, who_key, account_no, field, before, after, "
            "how, note, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()
    at = open_app(ws, "review")
    audit = at.dataframe[-1]
    assert len(audit.value) == AUDIT_SHOWN
    assert any(
        f"latest {AUDIT_SHOWN} entries, newest first ({total:,} are recorded)" in c.value
        and "download below holds every entry" in c.value
        for c in at.caption
    )
    exported = actions.export_audit_csv(mapping, ws.id, actor=LOCAL).decode("utf-8-sig").splitlines()
    assert len(exported) == total + 1  # the header, then every entry
    assert _columns(audit)["Who"]["width"] == WHO_WIDTH
    # The role has its own column, so a long name is not cut short by it.
    assert list(audit.value.columns[:3]) == ["When", "Who", "Role"]
    assert _columns(next(d for d in at.dataframe if "Changed by" in d.value.columns))["Changed by"][
        "width"
    ] == (WHO_WIDTH)


def test_the_audit_table_splits_the_role_from_the_name():
    dana = "Dana, finance lead (Finance reviewer)"
    assert _who_and_role(dana) == ("Dana, finance lead", "Finance reviewer")
    # Only the last bracket is the role: a name may hold brackets of its own.
    assert _who_and_role("Sam (ops) (Customer admin)") == ("Sam (ops)", "Customer admin")
    assert _who_and_role("Ana") == ("Ana", "")


def _after(at, element, anchor) -> bool:
    """Whether `element` comes after `anchor` in the page, in reading order."""
    order = [id(node) for node in at.main]
    return order.index(id(element)) > order.index(id(anchor))


def test_a_comment_over_the_limit_is_refused_and_nothing_is_decided(ws, mapping):
    submit(mapping, ws, GOOD)
    with pytest.raises(MappingError, match=f"keep it to {COMMENT_MAX_CHARS:,} or fewer"):
        mapping.send_back(ws.id, 1, LOCAL, "x" * (COMMENT_MAX_CHARS + 1))
    with pytest.raises(MappingError, match="characters long"):
        mapping.approve(ws.id, 1, LOCAL, "y " * COMMENT_MAX_CHARS)
    assert mapping.versions(ws.id)[0].status == "submitted"
    at = open_app(ws, "review")
    assert at.text_area(key=k(ws, "send_back_comment")).max_chars == COMMENT_MAX_CHARS
    assert at.text_area(key=k(ws, "approve_comment")).max_chars == COMMENT_MAX_CHARS


def test_a_send_back_comment_shows_on_map_as_typed_never_as_markdown(ws, mapping):
    submit(mapping, ws, GOOD)
    hostile = "See [the guide](https://evil.example) :red[URGENT] :material/warning: **now**."
    mapping.send_back(ws.id, 1, LOCAL, hostile)
    at = open_app(ws, "map")
    [banner] = [w.value for w in at.warning if "needs attention" in w.value]
    assert as_text(hostile.rstrip(".")) in banner and "https://" not in banner
    # A word joiner after each colon that starts a word: no icon, no colour, in the browser either.
    assert "\\:\u2060material" in banner and "\\:\u2060red" in banner
    assert not banner.endswith("..")
    # Quoted once: the "sent back" box points to the banner rather than repeating it.
    assert sum(as_text("See [the guide]") in w.value for w in at.warning) == 1
    assert any(w.value.endswith("with the comment above.") for w in at.warning)


def test_the_version_under_review_downloads_as_excel_marked_not_approved(ws, mapping):
    version = submit(mapping, ws, GOOD)
    at = open_app(ws, "review")
    assert "Download this version to check (Excel)" in {b.label for b in at.get("download_button")}
    book = openpyxl.load_workbook(
        io.BytesIO(actions.export_review_xlsx(mapping, ws.id, version.number, ws.name, actor=LOCAL))
    )
    sheet = book["Mapping"]
    header = {row[0]: row[1] for row in sheet.iter_rows(max_row=6, values_only=True)}
    assert header["Status"] == "submitted" and header["Version"] == 1 and not header["Approved by"]
    assert next(sheet.iter_rows(min_row=8, max_row=8, values_only=True))[0] == "Account number"
    accounts = [row for row in sheet.iter_rows(min_row=9, values_only=True) if row[0]]
    assert len(accounts) == len(mapping.version_decisions(ws.id, version.number))
    assert sheet.freeze_panes == "A9"  # the column names stay in sight
    mapping.approve(ws.id, version.number, LOCAL)
    with pytest.raises(MappingError, match="not waiting for review"):
        actions.export_review_xlsx(mapping, ws.id, version.number, ws.name, actor=LOCAL)


def test_a_resubmission_says_what_was_asked_and_what_changed_since(ws, mapping):
    first = submit(mapping, ws, GOOD)
    mapping.send_back(ws.id, first.number, LOCAL, "6200 is client dinners, not travel")
    # Resubmitted as it was: the reviewer is told nothing changed.
    again = mapping.submit(ws.id, mapping.revision(ws.id), LOCAL)
    at = open_app(ws, "review")
    [history] = [i.value for i in at.info if "was sent back" in i.value]
    assert f"Version {first.number} was sent back" in history
    assert as_text("6200 is client dinners, not travel") in history
    assert "Nothing changed since then" in history
    # Sent back once more, then one account changed before the next submission.
    mapping.send_back(ws.id, again.number, LOCAL, "still travel")
    view = mapping.load(ws.id)
    change = Change("6200", view.decisions()["6200"], Decision("Meals & Entertainment"))
    mapping.save(ws.id, view.revision, [change], LOCAL)
    mapping.submit(ws.id, mapping.revision(ws.id), LOCAL)
    at = open_app(ws, "review")
    [history] = [i.value for i in at.info if "was sent back" in i.value]
    assert "Since then, 1 account changed: 6200." in history
