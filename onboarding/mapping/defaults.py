"""The default Routable categories, shipped in ``data/routable_categories.csv``.

Each workspace starts from a copy of this list; the copy, not this file, is what people edit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

DEFAULT_CATEGORIES_CSV = Path(__file__).resolve().parents[2] / "data" / "routable_categories.csv"


class CategoryKind(StrEnum):
    EXPENSE = "expense"
    BALANCE_SHEET = "balance_sheet"
    # The one category that says "this account is not used in Routable".
    EXCLUDED = "excluded"


@dataclass(frozen=True)
class CategoryDefinition:
    name: str
    kind: CategoryKind


@cache
def default_categories() -> tuple[CategoryDefinition, ...]:
    with DEFAULT_CATEGORIES_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            CategoryDefinition(row["name"].strip(), CategoryKind(row["kind"].strip()))
            for row in csv.DictReader(handle)
        )


def default_category_names() -> list[str]:
    return [category.name for category in default_categories()]
