"""Fetch 50,000 vendors through the client, at 0 ms and at 100 ms of added latency.

Each run happens in a fresh child process so that its peak RSS is its own. The figure that matters
is the ratio of wall time to the ideal (pages x latency): how much the client itself adds on top of
the network. At 0 ms there is no ideal to compare against, so that line reports raw throughput.

    .venv/bin/python bench/client_bench.py [--vendors 50000]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIELDS = [
    "RECORDNO", "VENDORID", "NAME", "STATUS", "VENDTYPE", "TERMNAME", "TAXID", "CURRENCY", "PAYMETHODKEY",
    "ONHOLD", "CREDITLIMIT", "DISPLAYCONTACT.EMAIL1", "DISPLAYCONTACT.PHONE1",
    "DISPLAYCONTACT.MAILADDRESS.CITY", "DISPLAYCONTACT.MAILADDRESS.COUNTRY", "WHENMODIFIED",
]  # fmt: skip
PAGE = 2000


def one_run(vendors: int, latency_ms: int) -> dict:
    import intacct
    from bench._sandbox_proc import sandbox_process

    options = ["--vendors", str(vendors), "--latency-ms", str(latency_ms), "--max-concurrent", "2"]
    with sandbox_process(*options) as url:
        client = intacct.IntacctClient("RoutableMPP", "sandbox-sender-secret", endpoint=url)
        session = client.login("ACME-DEMO", "routable_ws", "Demo-Passw0rd!")
        started = time.perf_counter()
        count = sum(1 for _ in session.query("VENDOR", FIELDS, order_by="RECORDNO", page_size=PAGE))
        wall = time.perf_counter() - started
    pages = math.ceil(count / PAGE)
    return {
        "records": count,
        "pages": pages,
        "wall_s": wall,
        "ideal_s": pages * latency_ms / 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "retries": client.stats.retries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=50_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: latency in ms
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_run(args.vendors, args.one)))
        return
    for latency in (0, 100):
        out = subprocess.run(
            [sys.executable, __file__, "--vendors", str(args.vendors), "--one", str(latency)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        r = json.loads(out.strip().splitlines()[-1])
        ratio = f"{r['wall_s'] / r['ideal_s']:.3f}" if r["ideal_s"] else "n/a"
        print(
            f"client latency_ms={latency} records={r['records']} pages={r['pages']} wall_s={r['wall_s']:.3f} "
            f"ideal_s={r['ideal_s']:.3f} ratio={ratio} records_per_s={r['records'] / r['wall_s']:.0f} "
            f"peak_rss_mb={r['peak_rss_mb']:.1f} retries={r['retries']}"
        )


if __name__ == "__main__":
    main()
