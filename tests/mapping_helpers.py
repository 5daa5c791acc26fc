"""Test helpers for the mapping: GL accounts written into a sync database, and an interim suggester.

The accounts land in a real sync database file through the sync's own table layout, exactly where the
Map page reads them. ``interim_suggest`` stands in for ``onboarding.mapping.suggest`` in tests only, so
the mapping's own behaviour (states, bulk accept, thresholds) can be checked before the engine lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import intacct.sync
from intacct.sync._store import SyncStore
from onboarding.sync_jobs import sync_db_path


def gl(number: int | str, title: str, kind: str = "incomestatement", balance: str = "debit",
       status: str = "active", **flags: bool) -> dict[str, str]:  # fmt: skip
    """One GLACCOUNT record; flags like dept=True set REQUIREDEPT."""
    names = {
        "dept": "REQUIREDEPT",
        "loc": "REQUIRELOC",
        "project": "REQUIREPROJECT",
        "vendor": "REQUIREVENDOR",
    }
    record = {"ACCOUNTNO": str(number), "TITLE": title, "ACCOUNTTYPE": kind, "NORMALBALANCE": balance,
              "STATUS": status, "WHENMODIFIED": "2026-01-01T00:00:00"}  # fmt: skip
    for short, value in flags.items():
        record[names[short]] = "true" if value else "false"
    return record


# A small chart with one account for each check.
CHART = [
    gl(1000, "Cash - Operating", "balancesheet"),
    gl(1500, "Office Equipment", "balancesheet"),
    gl(4000, "Product Revenue", balance="credit"),
    gl(6000, "Rent Expense", dept=True, loc=True),
    gl(6100, "Software Subscriptions"),
    gl(6200, "Travel Expense"),
    gl(6300, "Old Telephone Account", status="inactive"),
    gl(6400, "Bank Fees"),
]


def write_accounts(db_path: Path, records: list[dict], deleted: tuple[str, ...] = ()) -> Path:
    """Write (or overwrite) the GLACCOUNT table of a sync database with ``records``."""
    schema = intacct.sync.schema("GLACCOUNT")
    store = SyncStore(db_path)
    try:
        store.ensure_table(schema)
        columns = ["RECORDNO", *schema.data_fields, "_deleted", "_synced_at"]
        rows = [
            (recordno, *(record.get(f, "") for f in schema.data_fields),
             int(record["ACCOUNTNO"] in deleted), "now")  # fmt: skip
            for recordno, record in enumerate(records, start=1)
        ]
        with store.transaction():
            store.conn.execute(f'DELETE FROM "{schema.table}"')
            quoted = ", ".join(f'"{c}"' for c in columns)
            store.conn.executemany(
                f'INSERT INTO "{schema.table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})', rows
            )
    finally:
        store.close()
    return db_path


def write_workspace_accounts(data_dir: Path, ws_id: int, records: list[dict], deleted=()) -> Path:
    path = sync_db_path(data_dir, ws_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_accounts(path, records, deleted)


@dataclass(frozen=True)
class InterimSuggestion:
    category: str | None
    confidence: float
    reason: str


_WORDS = {
    "rent": ("Rent & Facilities", 0.9),
    "software": ("Software & Subscriptions", 0.95),
    "travel": ("Travel", 0.85),
    "telephone": ("Telecom & Internet", 0.7),
    "bank": ("Bank & Merchant Fees", 0.6),
    "equipment": ("Fixed Assets", 0.82),
}


def interim_suggest(accounts, categories=None, *, approved=None):
    """Test-only stand-in with the engine's signature: one keyword per title, fixed confidences."""
    out = []
    for account in accounts:
        title = account["TITLE"].lower()
        hit = next(((c, p) for word, (c, p) in _WORDS.items() if word in title), None)
        if hit and (categories is None or hit[0] in categories):
            out.append(InterimSuggestion(hit[0], hit[1], f"the title mentions {hit[0].lower()}"))
        else:
            out.append(InterimSuggestion(None, 0.0, "no clue in the title"))
    return out


# The Map page's expanders that draw their content only while open (bulk actions, CSV files, categories).
MAP_SECTIONS = ("x_bulk", "x_files", "x_categories")


def open_map_sections(at, ws_id: int, *sections: str):
    """Open the Map page's lazy expanders (all of them by default), as a click on each would; reruns."""
    for section in sections or MAP_SECTIONS:
        at.session_state[f"map{ws_id}:{section}"] = True
    return at.run()
