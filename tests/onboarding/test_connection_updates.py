"""Updating a working connection, and sharing the gateway with a running sync, against real sandboxes.

A refused update, a busy gateway or a network blip must never mark the saved, working connection broken;
a sign-in while a sync holds every request slot waits for one instead of being refused.
"""

import threading

import pytest

from onboarding.connection import connect_workspace, open_session
from onboarding.platform import Platform
from onboarding.steps import SENDER_ID
from onboarding.sync_jobs import SyncJob, sync_db_path
from onboarding.vault import Secret
from tests.actors import LOCAL

PASSWORD = "Demo-Passw0rd!"
FAST = {"backoff_base": 0.001, "backoff_max": 0.01, "timeout": 10.0}


def _platform(handle, **options):
    return Platform(SENDER_ID, Secret("sandbox-sender-secret"), handle.url, True, handle, {**FAST, **options})


def attempt(store, vault, platform, ws_id, company, entity, user, password):
    return connect_workspace(store, vault, platform, ws_id, company, entity, user, password, actor=LOCAL)


def _states(store, ws_id):
    return {key: p.state for key, p in store.get_progress(ws_id).items()}


@pytest.fixture
def working(store, vault, sandbox, workspace):
    """A workspace connected at top level with every check green."""
    outcome = attempt(
        store, vault, _platform(sandbox), workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD
    )
    assert outcome.ready
    return workspace


def test_a_refused_update_keeps_the_working_connection_and_every_step(store, vault, sandbox, working):
    before = _states(store, working.id)
    outcome = attempt(
        store, vault, _platform(sandbox), working.id, "ACME-DEMO", "", "routable_ws", "Not-The-Password1"
    )

    assert not outcome.ok and outcome.kept_connection and outcome.password_cleared
    saved = store.get_connection(working.id, vault)
    assert saved.status == "connected" and saved.password.reveal() == PASSWORD
    assert _states(store, working.id) == before
    assert any(e.kind == "connect_not_applied" for e in store.events(working.id))


def test_blank_company_and_user_keep_the_saved_values(store, vault, sandbox, working):
    outcome = attempt(store, vault, _platform(sandbox), working.id, "", "E100", "", None)

    assert outcome.ready and (outcome.company_id, outcome.entity_id) == ("ACME-DEMO", "E100")
    saved = store.get_connection(working.id, vault)
    assert (saved.company_id, saved.user_id, saved.entity_id) == ("ACME-DEMO", "routable_ws", "E100")


def test_a_busy_answer_marks_nothing_failed(store, vault, make_sandbox, working):
    before = _states(store, working.id)
    busy = make_sandbox(faults="rate429=1")
    outcome = attempt(
        store, vault, _platform(busy, max_retries=1), working.id, "ACME-DEMO", "", "routable_ws", None
    )

    assert not outcome.ok and outcome.diagnosis.retryable and outcome.kept_connection
    assert store.get_connection(working.id).status == "connected"
    assert _states(store, working.id) == before


def test_a_busy_answer_on_a_first_connect_flags_nothing(store, vault, make_sandbox, workspace):
    busy = make_sandbox(faults="rate429=1")
    outcome = attempt(
        store, vault, _platform(busy, max_retries=1), workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD
    )
    assert not outcome.ok and outcome.diagnosis.retryable
    assert set(_states(store, workspace.id).values()) == {"todo"}


def test_a_sign_in_during_a_sync_waits_for_a_request_slot(store, vault, make_sandbox, workspace, tmp_path):
    # Two slots, both taken by the sync, and slow replies: without sharing, the sign-in gets a 429.
    slow = make_sandbox(latency_ms=100, max_concurrent=2, vendors=30000)
    platform = _platform(slow, max_retries=0)
    assert attempt(store, vault, platform, workspace.id, "ACME-DEMO", "", "routable_ws", PASSWORD).ready
    started = threading.Event()

    def progress(_snapshot):
        started.set()

    job = SyncJob(
        workspace.id,
        sync_db_path(tmp_path, workspace.id),
        lambda: open_session(store, vault, platform, workspace.id),
        concurrency=2,
        full=True,
    )
    job._set_progress = progress  # noqa: SLF001 - only to learn that the sync is under way
    job.start()
    try:
        assert started.wait(30)
        outcome = attempt(store, vault, platform, workspace.id, "ACME-DEMO", "E100", "", None)
        assert job.snapshot().running, "the sync ended before the sign-in: the test proves nothing"
    finally:
        job.cancel()
        job.join(60)

    assert outcome.ready, outcome.diagnosis
    assert outcome.shared_with_sync
    assert store.get_connection(workspace.id).status == "connected"
