"""Blind check of ``onboarding.mapping.suggest`` on charts its rules were never written against.

    .venv/bin/python bench/suggest_blind.py [--threshold 0.8] [--misses]

The charts are ``bench/data/blind_*.csv`` (sources, licences and how they were labeled in
``bench/data/BLIND.md``). They were labeled before ``suggest`` was run on them, by someone who had not
read its rules. ``bench/suggest_eval.py`` leaves them out, so tuning against it does not touch them.

``suggest`` sees one chart at a time with nothing approved (a new deployment). Figures per chart and
over all of them: top1 (suggestion equals the label), billable (top1 on the accounts a bill can post
to: labeled with an expense, cost or asset category), precision and coverage at the threshold (of the
suggestions at or above it, how many are right; what share of accounts they are). "lenient" also
counts as right the other readings listed in ``bench/data/blind_alternatives.tsv`` for titles where
two categories are defensible. ``--misses`` lists every wrong suggestion; the ones at or above the
threshold are marked ``!`` because accepting all suggestions would apply them, and ``~`` marks a
suggestion that is one of the listed other readings. The last line is:

    blind top1=<f> billable=<f> precision=<f> coverage=<f> threshold=<f>

``--approved`` passes the charts of ``bench/suggest_eval.py`` as approved mappings, as if this were a
deployment that had already mapped them.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.suggest_eval import BLIND_PREFIX, accounts_of, load_charts, miss_line, score  # noqa: E402
from onboarding.mapping import suggest  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"
PREFIX = BLIND_PREFIX


def load_blind_charts(data_dir: Path = DATA_DIR) -> dict[str, list[dict[str, str]]]:
    charts = {}
    for path in sorted(data_dir.glob(f"{PREFIX}*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            charts[path.stem.removeprefix(PREFIX)] = list(csv.DictReader(handle))
    return charts


def load_alternatives(data_dir: Path = DATA_DIR) -> dict[tuple[str, str], set[str]]:
    """(chart, account number) -> categories that are also a fair reading of the title."""
    alternatives: dict[tuple[str, str], set[str]] = defaultdict(set)
    path = data_dir / f"{PREFIX}alternatives.tsv"
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            alternatives[(row["chart"], row["ACCOUNTNO"])].add(row["also_acceptable"])
    return alternatives


def lenient_rows(name: str, rows: list[dict], suggestions: list, alternatives: dict) -> list[dict]:
    """The rows relabeled with the suggestion wherever the suggestion is a listed alternative."""
    out = []
    for row, found in zip(rows, suggestions, strict=True):
        if found.category in alternatives.get((name, row["ACCOUNTNO"]), ()):
            row = {**row, "category": found.category}
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--misses", action="store_true", help="list the accounts suggested wrongly")
    parser.add_argument(
        "--approved",
        action="store_true",
        help="pass the charts of bench/suggest_eval.py as approved mappings",
    )
    args = parser.parse_args(argv)

    charts = load_blind_charts()
    alternatives = load_alternatives()
    approved = None
    if args.approved:
        approved = [
            (account, row["category"])
            for rows in load_charts().values()
            for account, row in zip(accounts_of(rows), rows, strict=True)
        ]
    suggestions = {name: suggest(accounts_of(rows), approved=approved) for name, rows in charts.items()}
    all_rows, all_lenient, all_found = [], [], []
    for name, rows in charts.items():
        found = suggestions[name]
        lenient = lenient_rows(name, rows, found, alternatives)
        print(f"{name:28s} strict  {score(rows, found, args.threshold).line()}")
        print(f"{name:28s} lenient {score(lenient, found, args.threshold).line()}")
        all_rows += rows
        all_lenient += lenient
        all_found += found
        if args.misses:
            for row, fair, s in zip(rows, lenient, found, strict=True):
                if s.category != row["category"]:
                    mark = "!" if s.confidence >= args.threshold else " "
                    mark += "~" if s.category == fair["category"] else " "
                    print(f"  {mark} {miss_line(row, s)}")
    print(f"{'all blind charts':28s} lenient {score(all_lenient, all_found, args.threshold).line()}")
    overall = score(all_rows, all_found, args.threshold)
    print(f"{'all blind charts':28s} strict  {overall.line()}")
    print(
        f"blind top1={overall.top1:.3f} billable={overall.billable_top1:.3f} "
        f"precision={overall.precision:.3f} coverage={overall.coverage:.3f} threshold={args.threshold:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
