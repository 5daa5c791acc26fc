"""How good are category suggestions? Scores ``onboarding.mapping.suggest`` on the labeled charts.

    .venv/bin/python bench/suggest_eval.py [--threshold 0.8]

Each CSV in ``bench/data`` is one public chart of accounts, labeled by hand (sources and licences in
``bench/data/README.md``). For every chart it prints:

- cold: ``suggest`` sees only that chart (a new deployment, nothing approved yet);
- held-out: the chart is left out and every other chart is passed as ``approved`` (leave-one-chart-out:
  what learning from other workspaces adds on a chart it has never seen).

Figures: top1 (suggested category equals the label), billable (top1 on accounts a bill can post to:
labeled with an expense, cost or asset category, not "Not used in Routable"), precision and coverage
at the threshold (of the suggestions at or above it, how many are right; what share of accounts they
are). The last line is the cold figures over all charts together:

    suggest top1=<f> precision=<f> coverage=<f> threshold=<f>
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from onboarding.mapping import suggest  # noqa: E402
from onboarding.mapping.defaults import CategoryKind, default_categories  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"
FIELDS = ("ACCOUNTNO", "TITLE", "ACCOUNTTYPE", "NORMALBALANCE")
BLIND_PREFIX = "blind_"


@dataclass(frozen=True)
class Figures:
    accounts: int
    top1: float
    billable_accounts: int
    billable_top1: float
    precision: float
    coverage: float

    def line(self) -> str:
        return (
            f"accounts={self.accounts} top1={self.top1:.3f} billable={self.billable_top1:.3f} "
            f"(n={self.billable_accounts}) precision={self.precision:.3f} coverage={self.coverage:.3f}"
        )


def load_charts(data_dir: Path = DATA_DIR) -> dict[str, list[dict[str, str]]]:
    charts = {}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name.startswith(BLIND_PREFIX):
            continue  # kept apart for bench/suggest_blind.py, so tuning against this script never sees them
        with path.open(newline="", encoding="utf-8") as handle:
            charts[path.stem] = list(csv.DictReader(handle))
    return charts


def _excluded_names() -> set[str]:
    return {c.name for c in default_categories() if c.kind is CategoryKind.EXCLUDED}


def score(rows: list[dict[str, str]], suggestions: list, threshold: float) -> Figures:
    excluded = _excluded_names()
    right = [s.category == row["category"] for row, s in zip(rows, suggestions, strict=True)]
    billable = [ok for row, ok in zip(rows, right, strict=True) if row["category"] not in excluded]
    sure = [ok for s, ok in zip(suggestions, right, strict=True) if s.confidence >= threshold]
    return Figures(
        accounts=len(rows),
        top1=sum(right) / len(rows) if rows else 0.0,
        billable_accounts=len(billable),
        billable_top1=sum(billable) / len(billable) if billable else 0.0,
        precision=sum(sure) / len(sure) if sure else 1.0,
        coverage=len(sure) / len(rows) if rows else 0.0,
    )


def miss_line(row: dict[str, str], suggestion) -> str:
    """One wrong suggestion: account, title, label, then what was suggested, how sure and why."""
    return (
        f"{row['ACCOUNTNO']:>6} {row['TITLE'][:44]:44s} {row['category'][:22]:22s} "
        f"<- {str(suggestion.category)[:22]:22s} {suggestion.confidence:.2f} {suggestion.reason}"
    )


def accounts_of(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{field: row[field] for field in FIELDS} for row in rows]


def cold(charts: dict[str, list[dict[str, str]]]) -> dict[str, list]:
    """Suggestions per chart with nothing approved anywhere."""
    return {name: suggest(accounts_of(rows)) for name, rows in charts.items()}


def held_out(charts: dict[str, list[dict[str, str]]]) -> dict[str, list]:
    """Suggestions per chart, with every other chart's labels given as approved mappings."""
    out = {}
    for name, rows in charts.items():
        approved = [
            (account, row["category"])
            for other, other_rows in charts.items()
            if other != name
            for account, row in zip(accounts_of(other_rows), other_rows, strict=True)
        ]
        out[name] = suggest(accounts_of(rows), approved=approved)
    return out


def pooled(charts: dict[str, list[dict]], suggestions: dict[str, list], threshold: float) -> Figures:
    rows = [row for name in charts for row in charts[name]]
    found = [s for name in charts for s in suggestions[name]]
    return score(rows, found, threshold)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--misses", action="store_true", help="list the accounts suggested wrongly (cold)")
    args = parser.parse_args(argv)

    charts = load_charts()
    cold_suggestions = cold(charts)
    loco_suggestions = held_out(charts)
    for name, rows in charts.items():
        print(f"{name:14s} cold     {score(rows, cold_suggestions[name], args.threshold).line()}")
        print(f"{name:14s} held-out {score(rows, loco_suggestions[name], args.threshold).line()}")
        if args.misses:
            for row, s in zip(rows, cold_suggestions[name], strict=True):
                if s.category != row["category"]:
                    print(f"    {miss_line(row, s)}")
    loco = pooled(charts, loco_suggestions, args.threshold)
    print(f"{'all charts':14s} held-out {loco.line()}")
    overall = pooled(charts, cold_suggestions, args.threshold)
    print(f"{'all charts':14s} cold     {overall.line()}")
    print(
        f"suggest top1={overall.top1:.3f} precision={overall.precision:.3f} "
        f"coverage={overall.coverage:.3f} threshold={args.threshold:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
