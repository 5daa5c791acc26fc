"""The blind check stays apart from the tuned charts and its side files stay consistent with its charts."""

from bench import suggest_blind, suggest_eval
from onboarding.mapping.defaults import default_category_names


def test_blind_charts_are_left_out_of_the_tuned_evaluation():
    blind = suggest_blind.load_blind_charts()
    assert len(blind) >= 3 and sum(len(rows) for rows in blind.values()) >= 250
    tuned = suggest_eval.load_charts()
    assert not any(name.startswith(suggest_eval.BLIND_PREFIX) for name in tuned)
    assert not set(blind) & set(tuned)


def test_every_alternative_names_a_real_row_and_a_known_other_category():
    charts = suggest_blind.load_blind_charts()
    names = set(default_category_names())
    labels = {(chart, row["ACCOUNTNO"]): row["category"] for chart, rows in charts.items() for row in rows}
    for key, others in suggest_blind.load_alternatives().items():
        assert key in labels, key
        assert others <= names and labels[key] not in others, key


def test_blind_script_ends_with_its_summary_line(capsys):
    assert suggest_blind.main([]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("blind top1=") and last.endswith("threshold=0.80")
    fields = dict(part.split("=") for part in last.split()[1:])
    assert set(fields) == {"top1", "billable", "precision", "coverage", "threshold"}
    assert all(0.0 <= float(value) <= 1.0 for value in fields.values())
