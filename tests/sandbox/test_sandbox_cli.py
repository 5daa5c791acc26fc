"""The command line, run as a real subprocess; and the start-up cost of a 100,000-vendor company."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.sandbox.wire import call, ok_data, query

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "Intacct sandbox listening on "


def _launch(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "intacct.sandbox", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    assert line, process.stderr.read()
    return line.rstrip("\n")


def test_cli_prints_its_url_first_and_stops_on_sigterm():
    process = _launch("--port", "0", "--vendors", "25", "--accounts", "10", "--seed", "9")
    try:
        line = _first_line(process)
        assert line.startswith(PREFIX) and line.endswith("/ia/xml/xmlgw.phtml")
        url = line[len(PREFIX) :]
        assert url.startswith("http://127.0.0.1:")
        data = ok_data(call(url, query("VENDOR", ["RECORDNO"], pagesize=1)))
        assert data.get("totalcount") == "25"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""  # nothing else on stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_help_documents_the_fault_grammar():
    result = subprocess.run(
        [sys.executable, "-m", "intacct.sandbox", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=30,
    )
    assert result.returncode == 0
    for key in (
        "latency_ms=N",
        "error5xx=P",
        "error524=P",
        "drop=P",
        "malformed=P",
        "session_ttl=S",
        "rate429=P",
        "login401=1",
        "--max-concurrent",
    ):
        assert key in result.stdout


def test_cli_refuses_a_bad_fault_spec_with_a_reason():
    result = subprocess.run(
        [sys.executable, "-m", "intacct.sandbox", "--faults", "error5xx=3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=30,
    )
    assert result.returncode == 2
    assert "error5xx" in result.stderr and "probability between 0 and 1" in result.stderr
    assert result.stdout == ""


def test_100k_vendors_start_fast_and_page_correctly(make_sandbox, capsys):
    started = time.perf_counter()
    box = make_sandbox(vendors=100_000)
    startup = time.perf_counter() - started
    data = ok_data(call(box.url, query("VENDOR", ["RECORDNO", "NAME"], pagesize=2000, offset=98_000)))
    assert (data.get("totalcount"), data.get("count"), data.get("numremaining")) == ("100000", "2000", "0")
    assert [int(r.findtext("RECORDNO")) for r in data][-1] == 100_000
    with capsys.disabled():  # a figure to report, not a pass/fail threshold
        print(f"\n[sandbox] start with 100,000 vendors: {startup:.3f} s")
