"""Time ``onboarding.mapping.suggest`` on a 20,000-account chart; the target is under one second.

    .venv/bin/python bench/suggest_bench.py [--accounts 20000] [--approved 5000] [--runs 3]

The chart is built from the labeled titles in ``bench/data`` the way large companies grow theirs: each
title repeated per department and location ("Travel - Sales - Boston"), numbered in ranges. Every run
starts with empty caches (lookup tables and the title cache are rebuilt), so a run is what the first
call in a fresh process costs. One run also passes ``--approved`` mappings from "other workspaces".
The last line is:

    suggest_speed accounts=<n> seconds=<f> with_approved_s=<f> target_s=1.0 ratio=<f>

where ratio is the slower of the two timings divided by the target (at most 1.0 meets it).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.suggest_eval import FIELDS, load_charts  # noqa: E402
from onboarding.mapping import _suggest_rules, _suggest_text, suggestions  # noqa: E402

DEPARTMENTS = ["Sales", "Engineering", "Operations", "Finance", "Marketing", "Support", "HR", "Legal"]
LOCATIONS = ["Boston", "London", "Sydney", "Toronto", "Singapore", "Austin", "Berlin", "Denver", "Paris"]


def build_chart(size: int) -> tuple[list[dict[str, str]], list[tuple[dict[str, str], str]]]:
    rows = [row for chart in load_charts().values() for row in chart]
    accounts: list[dict[str, str]] = []
    labels: list[str] = []
    suffixes = itertools.cycle(itertools.product(DEPARTMENTS, LOCATIONS))
    number = 10000
    while len(accounts) < size:
        department, location = next(suffixes)
        for row in rows:
            if len(accounts) >= size:
                break
            number += 1
            account = {field: row[field] for field in FIELDS}
            account["ACCOUNTNO"] = str(number)
            account["TITLE"] = f"{row['TITLE']} - {department} - {location}"
            accounts.append(account)
            labels.append(row["category"])
    approved = list(zip(accounts[::4], labels[::4], strict=True))
    return accounts, approved


def _clear_caches() -> None:
    _suggest_text.words.cache_clear()
    _suggest_text._RAW_WORD_CACHE.clear()
    suggestions._vocabulary.cache_clear()
    _suggest_rules.expense_table.cache_clear()
    _suggest_rules.asset_table.cache_clear()
    _suggest_rules.category_name_table.cache_clear()


def timed(call) -> float:
    _clear_caches()
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20000)
    parser.add_argument("--approved", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    accounts, approved = build_chart(args.accounts)
    approved = approved[: args.approved]
    plain = min(timed(lambda: suggestions.suggest(accounts)) for _ in range(args.runs))
    learned = min(timed(lambda: suggestions.suggest(accounts, approved=approved)) for _ in range(args.runs))
    load = os.getloadavg()[0]
    titles = len({a["TITLE"] for a in accounts})
    print(f"accounts={len(accounts)} approved={len(approved)} distinct_titles={titles}")
    print(f"load_average_1min={load:.2f}")
    print(
        f"suggest_speed accounts={len(accounts)} seconds={plain:.3f} with_approved_s={learned:.3f} "
        f"target_s=1.0 ratio={max(plain, learned) / 1.0:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
