"""The GL accounts as the sync left them in the workspace's own database (see ``intacct.sync``).

Read-only: the mapping never writes to the synced data. A file that does not exist yet, or has no
GLACCOUNT table, simply has no accounts, so the Map page can open while the first sync is under way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

# Intacct's REQUIRE* flags, in the order a finance lead reads them, with the dimension each one names.
DIMENSION_FLAGS: tuple[tuple[str, str], ...] = (
    ("REQUIREDEPT", "Department"),
    ("REQUIRELOC", "Location"),
    ("REQUIREPROJECT", "Project"),
    ("REQUIRECUSTOMER", "Customer"),
    ("REQUIREVENDOR", "Vendor"),
    ("REQUIREEMPLOYEE", "Employee"),
    ("REQUIREITEM", "Item"),
    ("REQUIRECLASS", "Class"),
    ("REQUIRECONTRACT", "Contract"),
    ("REQUIREWAREHOUSE", "Warehouse"),
)

INCOME_STATEMENT = "incomestatement"
BALANCE_SHEET = "balancesheet"


@dataclass(frozen=True)
class GLAccount:
    number: str
    title: str
    account_type: str  # incomestatement | balancesheet
    normal_balance: str  # debit | credit
    status: str  # active | inactive
    entity: str  # the owning entity's ID, empty for an account shared by the whole company
    required_dimensions: tuple[str, ...]
    # True when the last sync found the account no longer in Intacct.
    deleted: bool = False

    @property
    def active(self) -> bool:
        return self.status == "active" and not self.deleted

    @property
    def income_statement(self) -> bool:
        return self.account_type == INCOME_STATEMENT

    @property
    def balance_sheet(self) -> bool:
        return self.account_type == BALANCE_SHEET

    @property
    def dimensions_text(self) -> str:
        return ", ".join(self.required_dimensions)

    def as_intacct(self) -> dict[str, str]:
        """The account in the shape ``onboarding.mapping.suggest`` reads (Intacct's own field names)."""
        return {
            "ACCOUNTNO": self.number,
            "TITLE": self.title,
            "ACCOUNTTYPE": self.account_type,
            "NORMALBALANCE": self.normal_balance,
            "STATUS": self.status,
        }


def _flag(value: object) -> bool:
    return str(value or "").strip().lower() in ("true", "t", "1", "yes")


def _sort_key(number: str) -> tuple[int, int | str, str]:
    # Numeric account numbers sort as numbers (2000 before 10000); others after them, as text.
    stripped = number.strip()
    return (0, int(stripped), "") if stripped.isdigit() else (1, stripped.casefold(), stripped)


def read_accounts(sync_db: str | Path) -> list[GLAccount]:
    """Every GL account the sync holds (deleted ones included, marked), sorted by account number."""
    path = Path(sync_db)
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        conn.row_factory = sqlite3.Row
        columns = {row[1] for row in conn.execute("PRAGMA table_info(GLACCOUNT)")}
        if "ACCOUNTNO" not in columns:
            return []
        rows = conn.execute("SELECT * FROM GLACCOUNT").fetchall()
    finally:
        conn.close()
    by_number: dict[str, GLAccount] = {}
    for row in rows:
        record = dict(row)
        number = str(record.get("ACCOUNTNO") or "").strip()
        if not number:
            continue
        account = GLAccount(
            number=number,
            title=str(record.get("TITLE") or ""),
            account_type=str(record.get("ACCOUNTTYPE") or "").strip().lower(),
            normal_balance=str(record.get("NORMALBALANCE") or "").strip().lower(),
            status=str(record.get("STATUS") or "active").strip().lower(),
            entity=str(record.get("MEGAENTITYID") or ""),
            required_dimensions=tuple(
                label for flag, label in DIMENSION_FLAGS if flag in columns and _flag(record.get(flag))
            ),
            deleted=bool(record.get("_deleted")),
        )
        # An account number deleted and created again in Intacct has two records: the live one counts.
        known = by_number.get(number)
        if known is None or (known.deleted and not account.deleted):
            by_number[number] = account
    accounts = list(by_number.values())
    accounts.sort(key=lambda account: _sort_key(account.number))
    return accounts
