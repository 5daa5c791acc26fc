"""Background sync jobs: a thread per workspace, polled, cancellable, recording the Sync step."""

import time

import pytest
from cryptography.fernet import Fernet

from intacct import sync
from onboarding.platform import Platform
from onboarding.store import Store
from onboarding.sync_jobs import SyncJobs, start_sync, sync_db_path
from onboarding.vault import Secret, Vault
from tests.actors import LOCAL

PASSWORD = "Demo-Passw0rd!"
FAST = {"backoff_base": 0.001, "backoff_max": 0.05, "timeout": 10.0}


@pytest.fixture
def setup(tmp_path, sender):
    store = Store(tmp_path / "app.db")
    vault = Vault([Fernet.generate_key()])
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)

    def platform(url):
        return Platform(sender[0], Secret(sender[1]), url, True, client_options=FAST)

    def connect(user="routable_ws", password=PASSWORD):
        store.save_connection(workspace.id, "ACME-DEMO", "", user, password, vault, actor=LOCAL)

    return store, vault, workspace.id, platform, connect


def _wait(job, timeout=30.0):
    deadline = time.monotonic() + timeout
    while job.snapshot().running:
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.02)
    return job.snapshot()


def test_a_job_syncs_in_the_background_and_marks_the_step_done(make_sandbox, setup, tmp_path):
    store, vault, ws_id, platform, connect = setup
    box = make_sandbox(vendors=3000, latency_ms=20)
    connect()
    registry = SyncJobs()
    job = start_sync(store, vault, platform(box.url), ws_id, tmp_path, actor=LOCAL, registry=registry)
    assert start_sync(store, vault, platform(box.url), ws_id, tmp_path, actor=LOCAL, registry=registry) is job
    assert job.snapshot().running  # the call returned at once; the work goes on in the thread

    done = _wait(job)
    assert done.status == "completed" and done.message is None and done.advice == {}
    assert done.progress.finished and done.progress.fraction == 1.0
    assert done.report.objects["VENDOR"].fetched == 3000
    assert registry.get(sync_db_path(tmp_path, ws_id)) is job
    assert store.get_progress(ws_id)["sync"].state == "done"
    db = sync_db_path(tmp_path, ws_id)
    assert db.name == f"intacct-{ws_id}.db"
    assert sync.last_synced(db)["GLACCOUNT"] is not None
    assert any("Sync finished" in e.message for e in store.events(ws_id))


def test_cancelling_a_job_keeps_what_was_copied_and_leaves_the_step_open(make_sandbox, setup, tmp_path):
    store, vault, ws_id, platform, connect = setup
    box = make_sandbox(vendors=20_000, latency_ms=100)
    connect()
    job = start_sync(store, vault, platform(box.url), ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        progress = job.snapshot().progress
        if progress is not None and progress.done >= 2000:
            break
        time.sleep(0.02)
    job.cancel()
    done = _wait(job)
    assert done.status == "cancelled" and done.cancel_requested
    assert store.get_progress(ws_id)["sync"].state != "done"
    assert sync.object_status(sync_db_path(tmp_path, ws_id))[-1].in_progress  # VENDOR resumes next time


def test_a_workspace_that_is_not_connected_gets_a_plain_message(setup, tmp_path, sandbox):
    store, vault, ws_id, platform, _connect = setup
    done = _wait(
        start_sync(store, vault, platform(sandbox.url), ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
    )
    assert done.status == "failed" and "Connect step" in done.message
    assert store.get_progress(ws_id)["sync"].state == "attention"


def test_a_refused_sign_in_points_at_the_step_to_revisit(setup, tmp_path, sandbox):
    store, vault, ws_id, platform, connect = setup
    connect(password="Not-The-Passw0rd")
    done = _wait(
        start_sync(store, vault, platform(sandbox.url), ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
    )
    assert done.status == "failed" and done.advice["run"].step_key == "ws_user"
    assert "Not-The-Passw0rd" not in repr(done)


def test_an_object_without_permission_is_flagged_with_its_fix(make_sandbox, setup, tmp_path):
    store, vault, ws_id, platform, connect = setup
    box = make_sandbox(vendors=200)
    connect(user="limited_ws")
    done = _wait(
        start_sync(store, vault, platform(box.url), ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
    )
    assert done.status == "partial"
    assert done.advice["GLACCOUNT"].step_key == "ws_user"
    progress = store.get_progress(ws_id)["sync"]
    assert progress.state == "attention" and "GLACCOUNT" in progress.note


def test_a_damaged_sync_database_gets_a_specific_message(make_sandbox, setup, tmp_path):
    box = make_sandbox()
    store, vault, ws_id, platform, connect = setup
    connect()
    sync_db_path(tmp_path, ws_id).write_bytes(b"garbage, not SQLite" * 100)
    assert sync.object_status(sync_db_path(tmp_path, ws_id))  # the page's tables still render
    done = _wait(
        start_sync(store, vault, platform(box.url), ws_id, tmp_path, actor=LOCAL, registry=SyncJobs())
    )
    assert done.status == "failed"
    # Named for what it is (not "full", not "in use"), with the way out the Sync page offers.
    assert "is damaged" in done.message and "Move it aside" in done.message
