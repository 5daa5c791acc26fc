"""The Sync page in sandbox mode: a real background sync against the in-process sandbox."""

import re
import time

import pytest

from onboarding.platform import resolve_platform
from onboarding.sync_jobs import current_job
from onboarding.vault import Vault
from tests.actors import LOCAL
from tests.ui.harness import (
    DEMO_PASSWORD,
    finish_steps,
    mark_done,
    open_app,
    open_page_directly,
    screen_text,
    sidebar_states,
)


@pytest.fixture
def ws(sandbox_env, store):
    workspace = store.create_workspace("Acme Corp", actor=LOCAL)
    finish_steps(store, workspace, plan="top")
    mark_done(store, workspace, ["connect"])
    return workspace


def _connect(store, ws, sandbox_env, user="routable_ws"):
    # The app's vault lives in the data folder; opening it here creates the same key file it will use.
    vault = Vault.load(sandbox_env / "data", {}, None)
    store.save_connection(ws.id, "ACME-DEMO", "", user, DEMO_PASSWORD, vault, actor=LOCAL)


def _progress_lines(at):
    """The overall and per-object progress lines, whether drawn as a bar or as text."""
    bars = [p.proto.text for p in at.get("progress")]
    texts = [m.value.split(" ", 1)[1] for m in at.markdown if m.value.startswith(":material/")]
    return bars + texts


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _finish(at, sandbox_env, ws, timeout=60.0):
    """Wait for the background job, then redraw the page as the fragment's final rerun would."""
    job = current_job(sandbox_env / "data", ws.id)
    assert job is not None, "no sync was started"
    assert job.join(timeout), "the sync did not finish"
    deadline = time.monotonic() + 5
    while job.snapshot().running and time.monotonic() < deadline:
        time.sleep(0.01)
    at.run()
    assert not at.exception
    return at


def test_first_visit_explains_and_offers_to_start(store, ws):
    at = open_app(ws, "sync")
    assert not at.exception and not at.error
    assert _button(at, "Start the sync")
    assert not [b for b in at.button if b.label == "Copy everything again"]
    assert any("No sync has run" in c.value for c in at.caption)
    assert at.dataframe[0].value["Last result"].tolist() == ["not synced yet"] * 8


def test_a_sync_runs_in_the_background_and_the_page_shows_the_result(store, ws, sandbox_env):
    _connect(store, ws, sandbox_env)
    at = open_app(ws, "sync")
    _button(at, "Start the sync").click()
    at.run()
    assert not at.exception  # the click returned without waiting for the sync

    _finish(at, sandbox_env, ws)

    assert any(s.value.startswith("Sync finished in") for s in at.success)
    held = at.dataframe[0].value.set_index("Data")
    assert held.loc["GL accounts", "Records"] > 0 and held.loc["Vendors", "Records"] > 0
    assert set(held["Last result"]) == {"up to date"}
    history = at.dataframe[1].value
    assert len(history) == 1 and history.loc[0, "Kind"] == "everything"
    assert "finished" in history.loc[0, "Result"]
    assert sidebar_states(at)["Sync"] == "done"
    assert _button(at, "Sync again") and _button(at, "Copy everything again")
    assert DEMO_PASSWORD not in screen_text(at)

    _button(at, "Sync again").click()
    at.run()
    _finish(at, sandbox_env, ws)
    history = at.dataframe[1].value
    assert len(history) == 2 and history.loc[0, "Kind"] == "changes only"


@pytest.fixture
def slow_sandbox(sandbox_env):
    """The app's own in-process sandbox, answering slowly enough to watch a sync run and stop it.

    Small objects share one request, so a whole sync is only a handful of round trips: each must be slow
    enough that a loaded machine's AppTest reruns still click Stop before the last one returns.
    """
    handle = resolve_platform({}).sandbox_handle
    handle.set_faults("latency_ms=2500")
    yield handle
    handle.set_faults(None)


def test_a_running_sync_shows_live_progress_and_can_be_stopped(store, ws, sandbox_env, slow_sandbox):
    _connect(store, ws, sandbox_env)
    at = open_app(ws, "sync")
    _button(at, "Start the sync").click()
    at.run()

    assert _button(at, "Stop the sync")
    assert not [b for b in at.button if b.label in ("Start the sync", "Sync again")]
    _button(at, "Stop the sync").click()
    at.run()
    _finish(at, sandbox_env, ws)

    assert any("The sync was stopped" in i.value for i in at.info)
    [overall] = [line for line in _progress_lines(at) if line.startswith("**All data:**")]
    # The real share at the stop: never 100 %, never more records copied than there are.
    assert "stopped" in overall and "100%" not in overall
    counted = re.search(r"([\d,]+) of ([\d,]+) records", overall)
    if counted:
        done, total = (int(n.replace(",", "")) for n in counted.groups())
        assert done < total
    assert "stopped" in at.dataframe[1].value.loc[0, "Result"]
    assert sidebar_states(at)["Sync"] == "to do"


def test_an_object_without_permission_is_explained_with_the_step_to_fix(store, ws, sandbox_env):
    _connect(store, ws, sandbox_env, user="limited_ws")
    at = open_app(ws, "sync")
    _button(at, "Start the sync").click()
    at.run()
    _finish(at, sandbox_env, ws)

    assert any("Some objects could not be copied" in w.value for w in at.warning)
    assert "GL accounts:" in "\n".join(m.value for m in at.markdown)
    held = at.dataframe[0].value.set_index("Data")
    assert held.loc["GL accounts", "Last result"].startswith("failed")
    assert held.loc["Vendors", "Last result"] == "up to date"
    assert sidebar_states(at)["Sync"] == "needs attention"


def test_the_page_file_works_on_its_own(store, ws):
    at = open_page_directly("sync", ws)
    assert not at.exception
    assert _button(at, "Start the sync")
