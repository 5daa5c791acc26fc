"""Benchmark the sync against a sandbox that answers every request in no less than 100 ms.

    .venv/bin/python bench/sync_bench.py [--latency-ms 100] [--vendors 100000] [--small-vendors 10000]

The sandbox runs as its own process (it must not share our GIL), allowing 2 requests in flight, with
1,000 GL accounts and the demo dimensions. Each sync runs in a fresh child process so its peak RSS is its
own: once with --small-vendors and once with --vendors, to show memory does not grow with the data.

ideal_s is what a perfect client would need: every object's pages (2,000 records a page) times the
latency, divided by the 2 requests the gateway lets run at once. The last line is:

    sync wall_s=<f> ideal_s=<f> ratio=<f> records_per_s=<f> peak_rss_mb=<f>
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SENDER = ("RoutableMPP", "sandbox-sender-secret")
COMPANY, USER, PASSWORD = "ACME-DEMO", "routable_ws", "Demo-Passw0rd!"
PAGE = 2000


def _child(url: str, db: str, concurrency: int) -> None:
    """Run one sync and print its figures as JSON (the parent reads the last line)."""
    import intacct
    import intacct.sync

    with intacct.IntacctClient(*SENDER, endpoint=url) as client:
        session = client.login(COMPANY, USER, PASSWORD)
        report = intacct.sync.sync_objects(session, db, concurrency=concurrency, incremental=False)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": report.status,
                "errors": report.errors,
                "wall_s": report.wall_s,
                "fetched": {name: item.fetched for name, item in report.objects.items()},
                "pages": {name: item.pages for name, item in report.objects.items()},
                "retries": report.retries,
                "peak_rss_mb": peak_kb / 1024,
            }
        ),
        flush=True,
    )


def _start_sandbox(vendors: int, latency_ms: int, concurrency: int) -> tuple[subprocess.Popen, str]:
    command = [
        sys.executable, "-m", "intacct.sandbox", "--latency-ms", str(latency_ms), "--accounts", "1000",
        "--vendors", str(vendors), "--max-concurrent", str(concurrency),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline().strip()
    prefix = "Intacct sandbox listening on "
    if not line.startswith(prefix):
        process.kill()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    return process, line[len(prefix) :]


def _run(vendors: int, latency_ms: int, concurrency: int) -> dict:
    sandbox, url = _start_sandbox(vendors, latency_ms, concurrency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.monotonic()
            child = subprocess.run(
                [sys.executable, __file__, "--child", url, str(Path(tmp) / "bench.db"), str(concurrency)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            elapsed = time.monotonic() - started
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    if child.returncode != 0:
        raise SystemExit(f"the sync child failed:\n{child.stderr[-2000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if result["status"] != "completed":
        raise SystemExit(f"the sync did not complete: {result['errors']}")
    result["process_s"] = elapsed
    return result


def _ideal_s(fetched: dict[str, int], latency_ms: int, concurrency: int) -> float:
    pages = sum(max(1, math.ceil(n / PAGE)) for n in fetched.values())
    return pages * latency_ms / 1000 / concurrency


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2], int(argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--vendors", type=int, default=100_000)
    parser.add_argument("--small-vendors", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)

    small = _run(args.small_vendors, args.latency_ms, args.concurrency)
    large = _run(args.vendors, args.latency_ms, args.concurrency)
    for label, result in ((f"{args.small_vendors:,} vendors", small), (f"{args.vendors:,} vendors", large)):
        ideal = _ideal_s(result["fetched"], args.latency_ms, args.concurrency)
        records = sum(result["fetched"].values())
        print(
            f"{label}: {records:,} records in {result['wall_s']:.2f} s (ideal {ideal:.2f} s), "
            f"{sum(result['pages'].values())} requests, {result['retries']} retries, "
            f"peak RSS {result['peak_rss_mb']:.1f} MB"
        )
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    print(f"peak RSS growth from {args.small_vendors:,} to {args.vendors:,} vendors: {growth:+.1f} MB")
    ideal = _ideal_s(large["fetched"], args.latency_ms, args.concurrency)
    wall = large["wall_s"]
    records = sum(large["fetched"].values())
    print(
        f"sync wall_s={wall:.3f} ideal_s={ideal:.3f} ratio={wall / ideal:.3f} "
        f"records_per_s={records / wall:.1f} peak_rss_mb={large['peak_rss_mb']:.1f}"
    )


if __name__ == "__main__":
    main()
