"""Quality gate: suggestions meet the issue's targets on the labeled public charts in ``bench/data``.

This is about how often suggestions are right, not how fast they are (``bench/suggest_bench.py``
measures speed).
"""

import csv
from pathlib import Path

from bench import suggest_eval
from onboarding.mapping.defaults import default_category_names

DATA = Path(suggest_eval.__file__).resolve().parent / "data"


def test_labeled_set_is_large_varied_and_uses_known_categories():
    charts = suggest_eval.load_charts()
    assert len(charts) >= 4
    assert sum(len(rows) for rows in charts.values()) >= 300
    names = set(default_category_names())
    for name, rows in charts.items():
        assert rows and {row["category"] for row in rows} <= names, name
        assert {row["ACCOUNTTYPE"] for row in rows} <= {"balancesheet", "incomestatement"}, name
        assert {row["NORMALBALANCE"] for row in rows} <= {"debit", "credit"}, name
        numbers = [row["ACCOUNTNO"] for row in rows]
        assert len(numbers) == len(set(numbers)), f"{name} repeats an account number"


def test_every_chart_has_its_source_and_licence_recorded():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    blind = (DATA / "BLIND.md").read_text(encoding="utf-8")
    for path in DATA.glob("*.csv"):
        notes = blind if path.name.startswith(suggest_eval.BLIND_PREFIX) else readme
        line = next((line for line in notes.splitlines() if f"`{path.name}`" in line), "")
        assert "github.com/" in line and "commit" in line and "GPL" in line, path.name
    for notes in (readme, blind):
        lowered = notes.lower()
        for forbidden in ("gnucash/", "erpnext/", "intacct/sandbox/"):
            assert f"github.com/{forbidden}" not in lowered


def test_suggestions_meet_the_targets_on_the_labeled_charts():
    charts = suggest_eval.load_charts()
    figures = suggest_eval.pooled(charts, suggest_eval.cold(charts), threshold=0.8)
    assert figures.top1 >= 0.85, figures
    assert figures.billable_top1 >= 0.75, figures
    assert figures.precision >= 0.95, figures
    assert figures.coverage >= 0.5, figures


def test_each_chart_left_out_still_meets_the_targets():
    charts = suggest_eval.load_charts()
    held_out = suggest_eval.held_out(charts)
    for name, rows in charts.items():
        figures = suggest_eval.score(rows, held_out[name], threshold=0.8)
        assert figures.top1 >= 0.85, (name, figures)
        assert figures.billable_top1 >= 0.75, (name, figures)
        assert figures.precision >= 0.95, (name, figures)


def test_eval_script_ends_with_the_summary_line(capsys):
    assert suggest_eval.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("suggest top1=") and " precision=" in last and last.endswith("threshold=0.80")
    fields = dict(part.split("=") for part in last.split()[1:])
    assert set(fields) == {"top1", "precision", "coverage", "threshold"}
    assert all(0.0 <= float(value) <= 1.0 for value in fields.values())


def test_labels_csv_is_plain_utf8_with_the_expected_header():
    for path in DATA.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == ["ACCOUNTNO", "TITLE", "ACCOUNTTYPE", "NORMALBALANCE", "category"]
