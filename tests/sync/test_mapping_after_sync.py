"""The mapping over a real sync from the sandbox: accounts as Intacct holds them, and re-sync flags."""

from __future__ import annotations

import time

import pytest
from cryptography.fernet import Fernet

from onboarding.mapping.checks import ProblemKind
from onboarding.mapping.model import UNDECIDED, Decision, RowState
from onboarding.mapping.repository import Change, MappingStore
from onboarding.platform import Platform
from onboarding.store import Store
from onboarding.sync_jobs import SyncJobs, start_sync
from onboarding.vault import Secret, Vault
from tests.actors import LOCAL

PASSWORD = "Demo-Passw0rd!"
FAST = {"backoff_base": 0.001, "backoff_max": 0.05, "timeout": 10.0}


@pytest.fixture
def synced(tmp_path, sender, make_sandbox):
    store = Store(tmp_path / "app.db")
    vault = Vault([Fernet.generate_key()])
    ws_id = store.create_workspace("Acme Corp", actor=LOCAL).id
    store.save_connection(ws_id, "ACME-DEMO", "", "routable_ws", PASSWORD, vault, actor=LOCAL)
    box = make_sandbox(vendors=50)
    platform = Platform(sender[0], Secret(sender[1]), box.url, True, client_options=FAST)

    def sync():
        job = start_sync(store, vault, platform, ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
        deadline = time.monotonic() + 60
        while job.snapshot().running:
            assert time.monotonic() < deadline, "the sync did not finish"
            time.sleep(0.02)
        assert job.snapshot().status == "completed"

    sync()
    return store, MappingStore(store, tmp_path), ws_id, box, sync


def test_rows_are_the_synced_accounts_with_their_dimensions(synced):
    _store, mapping, ws_id, box, _sync = synced
    remote = {r["ACCOUNTNO"]: r for r in box.records("ACME-DEMO", "GLACCOUNT")}
    rows = {row.number: row for row in mapping.load(ws_id).rows}
    assert set(rows) == set(remote)
    for number, record in remote.items():
        account = rows[number].account
        assert (account.title, account.account_type, account.status) == (
            record["TITLE"],
            record["ACCOUNTTYPE"],
            record["STATUS"],
        )
        assert ("Department" in account.required_dimensions) == (record["REQUIREDEPT"] == "true")
        assert ("Location" in account.required_dimensions) == (record["REQUIRELOC"] == "true")
    # The real suggestion engine fills the suggestion column.
    assert sum(1 for row in rows.values() if row.suggestion) > len(rows) / 2


def test_a_resync_flags_new_and_deleted_accounts_and_keeps_the_approved_version(synced):
    store, mapping, ws_id, box, sync = synced
    view = mapping.load(ws_id)
    excluded = view.excluded_category
    changes = [Change(row.number, UNDECIDED, Decision(excluded, False)) for row in view.rows]
    mapping.save(ws_id, view.revision, changes, LOCAL)
    version = mapping.approve(ws_id, mapping.submit(ws_id, mapping.revision(ws_id), LOCAL).number, LOCAL)
    approved = mapping.version_decisions(ws_id, version.number)
    assert store.get_progress(ws_id)["map"].state == "done"

    records = box.records("ACME-DEMO", "GLACCOUNT")
    gone = records[3]
    box.delete_record("ACME-DEMO", "GLACCOUNT", gone["RECORDNO"])
    template = next(r for r in records if r["ACCOUNTTYPE"] == "incomestatement" and r["STATUS"] == "active")
    fields = {f: template[f] for f in ("ACCOUNTTYPE", "NORMALBALANCE", "STATUS")}
    box.create_record("ACME-DEMO", "GLACCOUNT", {**fields, "ACCOUNTNO": "6999", "TITLE": "Courier Services"})
    sync()

    progress = store.get_progress(ws_id)["map"]
    assert progress.state == "attention" and "1 new account to map" in progress.note
    view = mapping.load(ws_id)
    rows = {row.number: row for row in view.rows}
    assert rows["6999"].state() == RowState.NEW
    assert rows[gone["ACCOUNTNO"]].state() == RowState.GONE
    assert mapping.version_decisions(ws_id, version.number) == approved
    assert ProblemKind.UNMAPPED in {p.kind for p in view.problems if p.account == "6999"}
