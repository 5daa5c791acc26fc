"""Benchmark the sync and the connect step against a sandbox as slow as the gateway.

    .venv/bin/python bench/sync_bench.py [--latency-ms 100] [--function-ms 0] [--concurrency 2]
        [--sizes 2000,10000,30000,100000,300000] [--cases unchanged,100_changed,1_deleted] [--runs 3]
        [--no-connect] [--untuned]

Each figure is the median of ``--runs`` runs, with min and max. Per size (1,000 GL accounts, the demo
dimensions and N vendors):

    size vendors=<n> wall_s=<f> ideal_s=<f> ratio=<f> requests=<n> client_cpu_ms_per_page=<f>
        sandbox_cpu_ms_per_page=<f> (then min/max of wall_s and ratio, and peak_rss_mb)

then for 100,000 vendors each incremental case after a complete sync, the connect step, the peak memory
growth from the smallest to the largest size of 10,000 or more, and as the last line, for 100,000 vendors
(or the largest size run):

    sync wall_s=<f> ideal_s=<f> ratio=<f> records_per_s=<f> peak_rss_mb=<f>

ideal_s is the perfect plan without batching: the number of pages (2,000 records a page, every object
at least one) times what one single-page request takes (latency + function-ms), divided by the
concurrency. Batching small objects can bring the ratio below 1.

The sandbox runs in this process and each sync in a child process of its own (so neither shares the
other's GIL, and each sync's peak RSS is its own); CPU per page is process CPU time (user + system)
over the pages of the ideal plan. One untimed sync per sandbox comes first: the sandbox keeps records
rendered once served, as it does for any long-lived use, so what is measured is the client.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
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
ACCOUNTS = 1000
SIZES = (2_000, 10_000, 30_000, 100_000, 300_000)
CASES = ("unchanged", "100_changed", "1_deleted")
INCREMENTAL_VENDORS = 100_000


def _peak_rss_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux carries that over from the parent through
    fork and exec, so a child of the bench (which holds the sandbox's data) would report the parent's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------- child side


def _child(url: str, db: str, concurrency: int, mode: str, tuned: bool = True) -> None:
    """One sync (full or incremental) or one connect; print its figures as JSON on the last line.

    Like the CLI, the child opts in to the interpreter tuning for syncs; ``tuned=False`` measures the
    sync as the app runs it, without.
    """
    import contextlib

    import intacct

    with intacct.IntacctClient(*SENDER, endpoint=url) as client:
        if mode == "connect":
            from onboarding.preflight import survey_connection

            started = time.monotonic()
            session = client.login(COMPANY, USER, PASSWORD)
            entities, checks = survey_connection(session)
            print(
                json.dumps(
                    {
                        "wall_s": time.monotonic() - started,
                        "requests": client.stats.requests,
                        "entities": len(entities),
                        "checks_ok": all(c.ok for c in checks),
                    }
                ),
                flush=True,
            )
            return
        import intacct.sync

        session = client.login(COMPANY, USER, PASSWORD)
        requests0, cpu0 = client.stats.requests, _cpu_s()
        with intacct.sync.tuned_for_sync() if tuned else contextlib.nullcontext():
            report = intacct.sync.sync_objects(
                session, db, concurrency=concurrency, incremental=mode == "incr"
            )
        cpu = _cpu_s() - cpu0
        print(
            json.dumps(
                {
                    "status": report.status,
                    "errors": report.errors,
                    "wall_s": report.wall_s,
                    "fetched": {name: item.fetched for name, item in report.objects.items()},
                    "deleted": report.deleted,
                    "requests": client.stats.requests - requests0,
                    "retries": report.retries,
                    "client_cpu_s": cpu,
                    "peak_rss_mb": _peak_rss_mb(),
                }
            ),
            flush=True,
        )


# ---------------------------------------------------------------------------------- parent side


class _Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.per_request_ms = args.latency_ms + args.function_ms

    def sandbox(self, vendors: int):
        import intacct.sandbox

        return intacct.sandbox.start(
            vendors=vendors,
            accounts=ACCOUNTS,
            latency_ms=self.args.latency_ms,
            function_ms=self.args.function_ms,
            max_concurrent=self.args.concurrency,
        )

    def child(self, url: str, db: Path, mode: str) -> dict:
        command = [sys.executable, __file__, "--child", url, str(db), str(self.args.concurrency), mode]
        command += ["untuned"] if self.args.untuned else []
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the {mode} child failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result.get("status", "completed") != "completed":
            raise SystemExit(f"the {mode} sync did not complete: {result['errors']}")
        return result

    def ideal_s(self, fetched: dict[str, int]) -> tuple[float, int]:
        pages = sum(max(1, math.ceil(n / PAGE)) for n in fetched.values())
        return pages * self.per_request_ms / 1000 / self.args.concurrency, pages

    def full_syncs(self, vendors: int) -> list[dict]:
        runs = []
        with self.sandbox(vendors) as box, tempfile.TemporaryDirectory() as tmp:
            self.child(box.url, Path(tmp) / "warm.db", "full")
            for i in range(self.args.runs):
                cpu0 = box.stats.cpu_s
                result = self.child(box.url, Path(tmp) / f"run{i}.db", "full")
                result["sandbox_cpu_s"] = box.stats.cpu_s - cpu0
                result["ideal_s"], result["ideal_pages"] = self.ideal_s(result["fetched"])
                runs.append(result)
        return runs

    def incremental(self, case: str) -> list[dict]:
        runs = []
        with self.sandbox(INCREMENTAL_VENDORS) as box, tempfile.TemporaryDirectory() as tmp:
            for i in range(self.args.runs):
                db = Path(tmp) / f"incr{i}.db"
                self.child(box.url, db, "full")
                if case == "100_changed":
                    for n in range(100):
                        recno = 1 + (n * 997 + i * 31) % INCREMENTAL_VENDORS
                        box.update_record(COMPANY, "VENDOR", recno, {"NAME": f"Changed {i}-{n}"})
                elif case == "1_deleted":
                    box.delete_record(COMPANY, "VENDOR", 40_000 + i)
                runs.append(self.child(box.url, db, "incr"))
        return runs

    def connect(self) -> list[dict]:
        with self.sandbox(2_000) as box, tempfile.TemporaryDirectory() as tmp:
            return [self.child(box.url, Path(tmp) / "unused.db", "connect") for _ in range(self.args.runs)]


def _spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2], int(argv[3]), argv[4], tuned=argv[5:6] != ["untuned"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--function-ms", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="vendor counts, comma-separated")
    parser.add_argument("--cases", default=",".join(CASES), help="incremental cases, or 'none'")
    parser.add_argument("--no-connect", action="store_true")
    parser.add_argument(
        "--untuned", action="store_true", help="sync as the app does, without the CLI's interpreter tuning"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cases = [c for c in args.cases.split(",") if c.strip() and c != "none"]
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case(s) {', '.join(sorted(unknown))}; choose from {', '.join(CASES)}")
    bench = _Bench(args)
    print(
        f"# latency_ms={args.latency_ms} function_ms={args.function_ms} concurrency={args.concurrency} "
        f"runs={args.runs}",
        flush=True,
    )

    by_size: dict[int, list[dict]] = {}
    for vendors in sizes:
        runs = bench.full_syncs(vendors)
        by_size[vendors] = runs
        wall, wall_lo, wall_hi = _spread([r["wall_s"] for r in runs])
        ratio, ratio_lo, ratio_hi = _spread([r["wall_s"] / r["ideal_s"] for r in runs])
        requests = statistics.median(r["requests"] for r in runs)
        client_cpu = statistics.median(r["client_cpu_s"] * 1000 / r["ideal_pages"] for r in runs)
        sandbox_cpu = statistics.median(r["sandbox_cpu_s"] * 1000 / r["ideal_pages"] for r in runs)
        rss = statistics.median(r["peak_rss_mb"] for r in runs)
        print(
            f"size vendors={vendors} wall_s={wall:.3f} ideal_s={runs[0]['ideal_s']:.3f} ratio={ratio:.3f} "
            f"requests={requests:.0f} client_cpu_ms_per_page={client_cpu:.1f} "
            f"sandbox_cpu_ms_per_page={sandbox_cpu:.1f} wall_s_min={wall_lo:.3f} wall_s_max={wall_hi:.3f} "
            f"ratio_min={ratio_lo:.3f} ratio_max={ratio_hi:.3f} peak_rss_mb={rss:.1f}",
            flush=True,
        )

    for case in cases:
        runs = bench.incremental(case)
        wall, wall_lo, wall_hi = _spread([r["wall_s"] for r in runs])
        requests, req_lo, req_hi = _spread([r["requests"] for r in runs])
        print(
            f"incremental case={case} vendors={INCREMENTAL_VENDORS} requests={requests:.0f} "
            f"wall_s={wall:.3f} "
            f"requests_min={req_lo} requests_max={req_hi} wall_s_min={wall_lo:.3f} wall_s_max={wall_hi:.3f} "
            f"deleted={statistics.median(r['deleted'] for r in runs):.0f}",
            flush=True,
        )

    if not args.no_connect:
        runs = bench.connect()
        wall, wall_lo, wall_hi = _spread([r["wall_s"] for r in runs])
        trips = statistics.median(r["requests"] for r in runs)
        print(
            f"connect round_trips={trips:.0f} wall_s={wall:.3f} wall_s_min={wall_lo:.3f} "
            f"wall_s_max={wall_hi:.3f}",
            flush=True,
        )

    measured = [n for n in sorted(by_size) if n >= 10_000]
    if len(measured) >= 2:
        low = statistics.median(r["peak_rss_mb"] for r in by_size[measured[0]])
        high = statistics.median(r["peak_rss_mb"] for r in by_size[measured[-1]])
        print(f"memory vendors={measured[0]}->{measured[-1]} peak_rss_growth_mb={high - low:+.1f}")

    if by_size:
        vendors = INCREMENTAL_VENDORS if INCREMENTAL_VENDORS in by_size else max(by_size)
        runs = by_size[vendors]
        wall = statistics.median(r["wall_s"] for r in runs)
        ideal = runs[0]["ideal_s"]
        records = sum(runs[0]["fetched"].values())
        rss = statistics.median(r["peak_rss_mb"] for r in runs)
        print(
            f"sync wall_s={wall:.3f} ideal_s={ideal:.3f} ratio={wall / ideal:.3f} "
            f"records_per_s={records / wall:.1f} peak_rss_mb={rss:.1f}"
        )


if __name__ == "__main__":
    main()
