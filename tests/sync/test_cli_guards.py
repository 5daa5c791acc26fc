"""The CLI against the things that go wrong around a sync: a second sync of the same file, a full disk,
arguments and environment values that no gateway can carry. Real processes, real files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Demo-Passw0rd!"
SENDER = {"INTACCT_SENDER_ID": "RoutableMPP", "INTACCT_SENDER_PASSWORD": "sandbox-sender-secret"}


def _env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTACCT_")}
    env.update(SENDER, INTACCT_USER_PASSWORD=PASSWORD)
    env.update(overrides)
    return env


def _args(url: str, db: Path | str, *extra: str, company: str = "ACME-DEMO") -> list[str]:
    return [sys.executable, "-m", "intacct.sync", "--endpoint", url, "--company", company,
            "--user", "routable_ws", "--db", str(db), *extra]  # fmt: skip


def _run(args: list[str], env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(args, cwd=ROOT, env=env or _env(), capture_output=True, text=True, timeout=timeout)


def _started(db: Path) -> bool:
    """The first sync has written its run row (so it holds the lock and is copying)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM _sync_runs WHERE status = 'running'").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def test_a_second_sync_of_the_same_file_stops_and_says_since_when(make_sandbox, tmp_path):
    slow = make_sandbox(vendors=20_000)
    fast = make_sandbox(vendors=100)
    db = tmp_path / "acme.db"
    first = subprocess.Popen(_args(slow.url, db, "--objects", "VENDOR"), cwd=ROOT, env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _started(db):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first sync never started"
            time.sleep(0.02)
        # The first sync now crawls until told otherwise; the second, against a fast gateway, is quick.
        slow.set_faults("latency_ms=2000")
        second = _run(_args(fast.url, db, "--objects", "VENDOR"))
        assert first.poll() is None, f"the first sync had already ended; second said: {second.stderr}"
        slow.set_faults(None)
    finally:
        out, err = first.communicate(timeout=120)

    assert second.returncode == 1
    message = second.stderr.strip().splitlines()[-1]
    assert message.startswith("error: a sync of this company is already running since ")
    assert f"(process {first.pid})" in message
    assert "Traceback" not in second.stderr and "UNIQUE" not in second.stderr
    assert first.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith("sync status=completed")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT status FROM _sync_runs").fetchall() == [("completed",)]
    finally:
        conn.close()
    # The lock went with its holder: the next run goes ahead.
    assert _run(_args(fast.url, db, "--objects", "APTERM")).returncode == 0


@pytest.mark.parametrize(
    "where, value",
    [
        ("--company", "ACME\x01DEMO"),
        ("--user", "routable\x1b[2Jws"),
        ("--entity", "E1\x7f00"),
        ("INTACCT_USER_PASSWORD", "Demo\x08Passw0rd!"),
        ("INTACCT_SENDER_ID", "Routable\tMPP"),
        ("--company", "ACME-\udcffDEMO"),  # an argument that was not valid UTF-8 (surrogateescape)
    ],
)
def test_control_characters_in_arguments_or_environment_are_one_line(sandbox, tmp_path, where, value):
    db = tmp_path / "s.db"
    if where.startswith("--"):
        args = _args(sandbox.url, db, "--objects", "APTERM")
        if where in args:
            args[args.index(where) + 1] = value
        else:
            args += [where, value]
        env = _env()
    else:
        args, env = _args(sandbox.url, db, "--objects", "APTERM"), _env(**{where: value})
    args = [os.fsencode(a) for a in args]  # how a shell would pass the raw bytes
    env_bytes = {os.fsencode(k): os.fsencode(v) for k, v in env.items()}
    result = subprocess.run(args, cwd=ROOT, env=env_bytes, capture_output=True, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert err.strip().splitlines() == [f"error: {where} " + err.split(f"error: {where} ", 1)[1].strip()]
    assert "Traceback" not in err and "type it again" in err
    assert os.fsencode(value) not in result.stderr  # a password is never echoed back
    assert not db.exists()


def _small_filesystem_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)  # fmt: skip
    return probe.returncode == 0


# Where no private file system can be mounted, SQLite's own page cap stands in for the disk: writes
# past it fail with SQLITE_FULL, the very result code a full disk gives.
_CAPPED_CLI = """
import sys, intacct.sync._store as store, intacct.sync.__main__ as cli
plain = store.connect
def capped(path):
    conn = plain(path)
    conn.execute("PRAGMA max_page_count = 60")
    return conn
store.connect = capped
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_full_disk_is_named_as_a_full_disk(make_sandbox, tmp_path):
    box = make_sandbox(vendors=3000)
    mount = tmp_path / "small"
    mount.mkdir()
    args = _args(box.url, mount / "acme.db", "--objects", "VENDOR")
    if _small_filesystem_available():
        # A 256 kB file system of its own, in a private mount namespace (gone with the process).
        script = f"mount -t tmpfs -o size=256k tmpfs '{mount}' && exec " + " ".join(f"'{a}'" for a in args)
        result = _run(["unshare", "-rm", "sh", "-c", script], timeout=120)
    else:
        result = _run([sys.executable, "-c", _CAPPED_CLI, *args[3:]], timeout=120)
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "is full" in last and "free some space" in last, result.stderr
    assert "damaged" not in result.stderr and "Traceback" not in result.stderr
