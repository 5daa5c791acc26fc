"""`python -m intacct.sync` as a scheduler would run it: a real process, killed with SIGKILL mid-way."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Demo-Passw0rd!"


def _env(**overrides):
    env = dict(os.environ)
    env.update(
        INTACCT_SENDER_ID="RoutableMPP",
        INTACCT_SENDER_PASSWORD="sandbox-sender-secret",
        INTACCT_USER_PASSWORD=PASSWORD,
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _cli(url, db, *extra, **popen):
    args = [sys.executable, "-m", "intacct.sync", "--endpoint", url, "--company", "ACME-DEMO",
            "--user", "routable_ws", "--db", str(db), *extra]
    popen.setdefault("env", _env())
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    return subprocess.Popen(args, cwd=ROOT, **pipes, **popen)


def _committed(db):
    """Vendor records committed so far, and the RECORDNO ranges still to fetch."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            done = conn.execute("SELECT attempt_done FROM _sync_state WHERE object = 'VENDOR'").fetchone()
            chunks = conn.execute("SELECT count(*) FROM _sync_chunks WHERE object = 'VENDOR'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0, 0
    return (done[0] if done else 0), chunks


def _wait_until_quiet(box, deadline_s=10.0):
    """Until the sandbox has nothing in flight and has taken no new request for 100 ms."""
    deadline = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < deadline:
        stats = box.stats
        if not stats.in_flight and stats.requests == last:
            return
        last = None if stats.in_flight else stats.requests
        time.sleep(0.1)


def test_a_sync_killed_mid_way_resumes_without_fetching_a_committed_page(make_sandbox, tmp_path, tables):
    box = make_sandbox(vendors=30_000, max_concurrent=2)
    box.set_faults("latency_ms=250")  # slow enough to be caught half-way
    db = tmp_path / "big.db"
    process = _cli(box.url, db, "--objects", "VENDOR")
    deadline = time.monotonic() + 30
    while _committed(db)[0] < 6000:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sync made no progress"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()

    committed, chunks_left = _committed(db)
    assert 6000 <= committed < 30_000 and chunks_left > 0
    assert len(tables.local(db, "VENDOR")) == committed  # the checkpoint matches the rows on disk
    box.set_faults(None)
    _wait_until_quiet(box)  # the killed process's last requests are still being answered and counted
    box.reset_stats()

    rerun = _cli(box.url, db, "--objects", "VENDOR")
    out, err = rerun.communicate(timeout=60)

    assert rerun.returncode == 0, err
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("sync status=completed")
    assert f"fetched={30_000 - committed} " in summary  # nothing committed came over the wire again
    # Every range left was one page (RECORDNOs are dense): exactly one query each, no re-reads.
    assert box.stats.functions["query"] == chunks_left
    assert tables.local(db, "VENDOR") == tables.remote(box, "VENDOR")


def test_progress_goes_to_stderr_and_the_summary_is_the_last_line(sandbox, tmp_path):
    process = _cli(sandbox.url, tmp_path / "s.db", "--objects", "GLACCOUNT,APTERM")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith("sync status=completed objects=2 ")
    assert "GLACCOUNT: done" in err and "%" in err
    assert PASSWORD not in out + err


def test_missing_passwords_are_named_and_never_taken_as_arguments(sandbox, tmp_path):
    process = _cli(sandbox.url, tmp_path / "s.db", env=_env(INTACCT_USER_PASSWORD=None))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "INTACCT_USER_PASSWORD" in err and "Traceback" not in err
    assert not (tmp_path / "s.db").exists()


def test_a_refused_sign_in_says_what_to_check_without_a_traceback(sandbox, tmp_path):
    wrong = "Wrong-Passw0rd!"
    process = _cli(sandbox.url, tmp_path / "s.db", env=_env(INTACCT_USER_PASSWORD=wrong))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "could not sign in" in err and "Sign-in information is incorrect" in err
    assert "Traceback" not in err and wrong not in out + err


def test_an_unusable_database_file_is_one_line_not_a_traceback(sandbox, tmp_path):
    db = tmp_path / "not-a-database.db"
    db.write_bytes(b"this is not SQLite" * 100)
    out, err = _cli(sandbox.url, db, "--objects", "APTERM").communicate(timeout=60)
    assert "Traceback" not in err
    assert "error: cannot use the database" in err
    assert PASSWORD not in out + err
