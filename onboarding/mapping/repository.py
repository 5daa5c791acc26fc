"""The mapping's storage: workspace categories, the working draft, versions, and the audit trail.

Tables live in the app's progress database (the same file as ``onboarding.store``), each write in one
transaction taken up front (BEGIN IMMEDIATE), so a save, its audit entries and its step state commit
together or not at all.

* ``mapping_categories``   each workspace's own copy of the Routable categories.
* ``mapping_rows``         the working draft: one decision per account someone decided.
* ``mapping_state``        the draft's revision, raised by every save that changed something.
* ``mapping_versions``     submitted versions and what became of them (approved, sent back, superseded).
* ``mapping_version_rows`` the decisions of a version as submitted; never updated (a trigger refuses).
* ``mapping_audit``        every change: who, when, account, before and after, how, the note.

Every public method asks onboarding.access first when the MappingStore was made for one identity
(``MappingStore(scoped_store, ...)`` or ``mapping.scoped(scoped_store)``): reads need the workspace in
view, changes the action they stand for (the ``@_asks`` line above each), and a change is recorded under
that identity whatever ``actor`` the caller passes. A MappingStore over the bare Store is the deployment
itself (the command-line tools, a sync finishing), as with ``onboarding.scoped_store``.

Saving is a three-way merge: a save carries, for each row, the decision it started from and the one it
wants. A row nobody else touched takes the new decision; a row someone else changed to something else
comes back as a conflict for this saver to choose, and nothing else in the save is held back.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from intacct.dates import parse_iso as _time
from onboarding import progress
from onboarding.access import Action
from onboarding.identity import Identity
from onboarding.mapping.accounts import GLAccount, read_accounts
from onboarding.mapping.checks import Problem, ProblemKind, blocking_summary, check_rows, errors
from onboarding.mapping.defaults import CategoryKind, default_categories
from onboarding.mapping.model import (
    UNDECIDED,
    Category,
    ChangeHow,
    Decision,
    MappingRow,
    SavedDecision,
    Suggested,
    is_excluded,
    is_mapped,
)
from onboarding.mapping.suggesting import suggestions_for
from onboarding.names import NameProblem, one_line
from onboarding.names import name_key as _key
from onboarding.progress import Outcome
from onboarding.scoped_store import ScopedStore, require_on
from onboarding.store import InvalidInput, Store, UnknownWorkspace, _now
from onboarding.sync_jobs import sync_db_path

MAX_CATEGORY_NAME = 60
MAX_NOTE = 500

SUBMITTED = "submitted"
APPROVED = "approved"
SENT_BACK = "sent back"
SUPERSEDED = "superseded"

FIELD_CATEGORY = "category"
FIELD_USE = "use in Routable"
FIELD_NOTE = "note"
FIELD_VERSION = "version"
FIELD_CATEGORIES = "categories"
DECISION_FIELDS = (FIELD_CATEGORY, FIELD_USE, FIELD_NOTE)


class MappingError(InvalidInput):
    """An action on the mapping that cannot be done as asked; str() says why and what to do."""


# A decision's comment is a note for the people who act on it, shown in full on their page.
COMMENT_MAX_CHARS = 1000


def _decision_comment(comment: str | None) -> str:
    """The comment as stored (runs of spaces and line breaks made one space), or a MappingError."""
    text = " ".join(str(comment or "").split())
    if len(text) > COMMENT_MAX_CHARS:
        raise MappingError(
            f"The comment is {len(text):,} characters long; keep it to {COMMENT_MAX_CHARS:,} or fewer "
            "(what to change, and on which accounts).",
            "comment",
        )
    return text


@dataclass(frozen=True)
class Change:
    """One row of a save: the decision the saver started from, and the one they want."""

    account: str
    before: Decision
    after: Decision
    how: ChangeHow = ChangeHow.TYPED


@dataclass(frozen=True)
class Conflict:
    """A row someone else changed since this saver loaded it: they choose which decision stays."""

    account: str
    base: Decision
    mine: Decision
    theirs: Decision
    theirs_by: str
    theirs_at: datetime | None
    how: ChangeHow


@dataclass(frozen=True)
class SaveResult:
    revision: int
    applied: tuple[str, ...]
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class Version:
    number: int
    revision: int
    status: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str = ""
    decided_at: datetime | None = None
    comment: str = ""
    # False when the approver's identity was not verified (local mode): no second person checked it.
    second_person_checked: bool | None = None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    account: str
    field: str
    before: str
    after: str
    how: str
    note: str
    revision: int


@dataclass(frozen=True)
class DiffRow:
    account: str
    title: str
    before: str
    after: str
    who: str
    when: datetime | None
    note: str


@dataclass(frozen=True)
class Coverage:
    accounts: int
    mapped: int
    excluded: int
    to_do: int  # neither mapped nor excluded
    errors: int  # real errors; decisions still to make are counted in must_decide
    warnings: int
    must_decide: int = 0  # of to_do, the accounts a submission waits for (active, income statement)

    @classmethod
    def counted(cls, accounts: int, mapped: int, excluded: int, problems: Iterable[Problem]) -> Coverage:
        found = list(problems)
        must_decide = sum(1 for problem in found if problem.is_to_do)
        wrong = sum(1 for problem in found if problem.is_error and not problem.is_to_do)
        warnings = sum(1 for problem in found if not problem.is_error)
        return cls(accounts, mapped, excluded, accounts - mapped - excluded, wrong, warnings, must_decide)


@dataclass
class MappingView:
    """Everything the Map and Review pages show, read at one moment."""

    ws_id: int
    revision: int
    categories: list[Category]
    rows: list[MappingRow]
    problems: list[Problem]
    pending: Version | None
    approved: Version | None
    approved_decisions: dict[str, Decision] = field(default_factory=dict)

    @property
    def category_map(self) -> dict[str, Category]:
        return {category.name: category for category in self.categories}

    @property
    def active_category_names(self) -> list[str]:
        return [category.name for category in self.categories if not category.retired]

    @property
    def excluded_category(self) -> str:
        return next(category.name for category in self.categories if category.excluded)

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    def decisions(self) -> dict[str, Decision]:
        return {row.number: row.decision for row in self.rows}

    def coverage(self) -> Coverage:
        return coverage(self.rows, self.category_map, self.problems)


def coverage(
    rows: Sequence[MappingRow], categories: dict[str, Category], problems: Sequence[Problem]
) -> Coverage:
    live = [row for row in rows if not row.account.deleted]
    mapped = sum(1 for row in live if is_mapped(row.decision, categories))
    excluded = sum(1 for row in live if is_excluded(row.decision, categories))
    return Coverage.counted(len(live), mapped, excluded, problems)


def build_rows(
    accounts: Sequence[GLAccount],
    saved: dict[str, SavedDecision],
    suggestions: Sequence[Suggested | None],
    approved: dict[str, Decision] | None,
) -> list[MappingRow]:
    """The table rows: every live account, plus deleted ones that someone decided or approved."""
    rows = []
    for account, suggestion in zip(accounts, suggestions, strict=True):
        entry = saved.get(account.number)
        in_approved = approved is not None and account.number in approved
        if account.deleted and entry is None and not in_approved:
            continue
        rows.append(
            MappingRow(
                account=account,
                decision=entry.decision if entry else UNDECIDED,
                suggestion=suggestion,
                how=entry.how if entry else None,
                new_since_approval=approved is not None and not in_approved and not account.deleted,
                approved=approved.get(account.number) if approved is not None else None,
            )
        )
    return rows


def _asks(action: Action) -> Callable:
    """Mark a public method with the action it needs on its workspace (its first argument), and check it.

    The check is the one decision in onboarding.access, asked through the scoped store; with a scoped
    store, ``actor`` is replaced by the scoped identity so the trail names who really acted.
    """

    def wrap(method: Callable) -> Callable:
        signature = inspect.signature(method)
        takes_actor = "actor" in signature.parameters

        @functools.wraps(method)
        def checked(self: MappingStore, ws_id: int, *args, **kwargs):
            require_on(self._access, action, ws_id)
            if takes_actor and isinstance(self._access, ScopedStore):
                bound = signature.bind(self, ws_id, *args, **kwargs)
                bound.arguments["actor"] = self._access.identity
                return method(*bound.args, **bound.kwargs)
            return method(self, ws_id, *args, **kwargs)

        checked.action = action  # type: ignore[attr-defined]
        return checked

    return wrap


def _audited_field(before: Decision, after: Decision) -> tuple[str, str, str]:
    """The one audit entry a change makes: (field, before, after) of what it is about.

    A change is one decision, so it is one entry: a new category (excluding an account is choosing
    "Not used in Routable", whose "use in Routable" follows), else the switch, else the note. The
    entry's note column carries the note as it now reads, so a note typed with a category is kept too.
    """
    if (before.category or "") != (after.category or ""):
        return FIELD_CATEGORY, before.category or "", after.category or ""
    if before.use_in_routable != after.use_in_routable:
        return FIELD_USE, _yes_no(before.use_in_routable), _yes_no(after.use_in_routable)
    return FIELD_NOTE, before.note, after.note


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


class MappingStore:
    """The mapping of every workspace in one progress database; ``data_dir`` holds the synced data."""

    def __init__(self, store: Store | ScopedStore, data_dir: str | Path) -> None:
        self._access: Store | ScopedStore = store
        self.store = store.unscoped if isinstance(store, ScopedStore) else store
        self.path = Path(self.store.path)
        self.data_dir = Path(data_dir)
        self._ensure_schema()

    def __repr__(self) -> str:
        return f"MappingStore({str(self.path)!r})"

    def scoped(self, store: ScopedStore) -> MappingStore:
        """This mapping as `store`'s identity may use it: the same files, no schema work again."""
        if store.unscoped.path != self.store.path:
            raise ValueError("a mapping is scoped with a store over its own database")
        view = copy.copy(self)
        view._access = store
        return view

    @property
    def identity(self) -> Identity | None:
        """Who this mapping is scoped to; None for the deployment itself."""
        return self._access.identity if isinstance(self._access, ScopedStore) else None

    @_asks(Action.VIEW)
    def sync_db(self, ws_id: int) -> Path:
        return sync_db_path(self.data_dir, ws_id)

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        # The progress store's connections, reused: the Map page reads the revision on every run.
        with self.store._db() as db:
            conn = db.conn
            conn.row_factory = sqlite3.Row
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # The progress store's own write transaction, so step states and events join the same commit.
        with self.store._write() as conn:
            conn.row_factory = sqlite3.Row
            yield conn

    def _ensure_schema(self) -> None:
        with self._read() as conn:
            conn.executescript(
                """
                CREATE TABLE IF NOT EXISTS mapping_categories (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    retired_at TEXT,
                    UNIQUE (workspace_id, name_key)
                );
                CREATE TABLE IF NOT EXISTS mapping_state (
                    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces(id),
                    revision INTEGER NOT NULL
                );
                CREATE TABLE IF NOT EXISTS mapping_rows (
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                    account_no TEXT NOT NULL,
                    category_id INTEGER REFERENCES mapping_categories(id),
                    use_in_routable INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    how TEXT NOT NULL,
                    changed_by TEXT NOT NULL,
                    changed_at TEXT NOT NULL,
                    revision INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, account_no)
                );
                CREATE TABLE IF NOT EXISTS mapping_versions (
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                    version INTEGER NOT NULL,
                    revision INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    submitted_by TEXT NOT NULL,
                    submitted_at TEXT NOT NULL,
                    decided_by TEXT NOT NULL DEFAULT '',
                    decided_at TEXT,
                    comment TEXT NOT NULL DEFAULT '',
                    second_person_checked INTEGER,
                    PRIMARY KEY (workspace_id, version)
                );
                CREATE TABLE IF NOT EXISTS mapping_version_rows (
                    workspace_id INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    account_no TEXT NOT NULL,
                    title TEXT NOT NULL,
                    category TEXT,
                    category_kind TEXT,
                    use_in_routable INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    account_type TEXT NOT NULL DEFAULT '',
                    normal_balance TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (workspace_id, version, account_no),
                    FOREIGN KEY (workspace_id, version) REFERENCES mapping_versions(workspace_id, version)
                );
                CREATE TABLE IF NOT EXISTS mapping_audit (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
                    at TEXT NOT NULL,
                    who TEXT NOT NULL,
                    who_key TEXT NOT NULL,
                    account_no TEXT NOT NULL,
                    field TEXT NOT NULL,
                    before TEXT NOT NULL,
                    after TEXT NOT NULL,
                    how TEXT NOT NULL,
                    note TEXT NOT NULL,
                    revision INTEGER NOT NULL
                );
                CREATE INDEX IF NOT EXISTS mapping_audit_by_account
                    ON mapping_audit(workspace_id, account_no, id);
                -- A version's rows are what was submitted and, once approved, what bills are coded with.
                CREATE TRIGGER IF NOT EXISTS mapping_version_rows_frozen BEFORE UPDATE ON mapping_version_rows
                BEGIN SELECT RAISE(ABORT, 'a submitted mapping version cannot be changed'); END;
                CREATE TRIGGER IF NOT EXISTS mapping_version_rows_kept BEFORE DELETE ON mapping_version_rows
                BEGIN SELECT RAISE(ABORT, 'a submitted mapping version cannot be deleted'); END;
                CREATE TRIGGER IF NOT EXISTS mapping_approved_frozen BEFORE UPDATE ON mapping_versions
                WHEN OLD.status = 'approved'
                BEGIN SELECT RAISE(ABORT, 'an approved mapping version cannot be changed'); END;
                """
            )
            # Files written before versions kept each account's type and normal balance: what other
            # workspaces' suggestions match an approved title on (see _approved_elsewhere).
            present = {row[1] for row in conn.execute("PRAGMA table_info(mapping_version_rows)")}
            for column in ("account_type", "normal_balance"):
                if column not in present:
                    conn.execute(
                        f"ALTER TABLE mapping_version_rows ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
                    )

    @staticmethod
    def _require_workspace(conn: sqlite3.Connection, ws_id: int) -> None:
        if conn.execute("SELECT 1 FROM workspaces WHERE id = ?", (ws_id,)).fetchone() is None:
            raise UnknownWorkspace(ws_id)

    @staticmethod
    def _revision(conn: sqlite3.Connection, ws_id: int) -> int:
        row = conn.execute("SELECT revision FROM mapping_state WHERE workspace_id = ?", (ws_id,)).fetchone()
        return row[0] if row else 0

    @staticmethod
    def _bump(conn: sqlite3.Connection, ws_id: int) -> int:
        conn.execute(
            "INSERT INTO mapping_state (workspace_id, revision) VALUES (?, 1) "
            "ON CONFLICT (workspace_id) DO UPDATE SET revision = revision + 1",
            (ws_id,),
        )
        return MappingStore._revision(conn, ws_id)

    @staticmethod
    def _audit(conn, ws_id, actor: Identity, account, field_name, before, after, how, note, revision) -> None:
        conn.execute(
            "INSERT INTO mapping_audit (workspace_id, at, who, who_key, account_no, field, before, after, "
            "how, note, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ws_id, _now(), actor.audit_label, actor.key, account, field_name, before, after, str(how),
             note, revision),
        )  # fmt: skip

    # -- step state: the one place the mapping writes it ---------------------------------------

    def _apply_step_event(self, conn: sqlite3.Connection, ws_id: int, event: Callable[..., Outcome],
                          actor: Identity, **details: object) -> None:  # fmt: skip
        """Move the Map and Review steps for a mapping event, inside the caller's transaction."""
        self.store.apply_in(conn, ws_id, lambda now: event(now, actor=actor, **details))

    # -- categories -----------------------------------------------------------------------------

    @staticmethod
    def _ensure_categories(conn: sqlite3.Connection, ws_id: int) -> None:
        if conn.execute(
            "SELECT 1 FROM mapping_categories WHERE workspace_id = ? LIMIT 1", (ws_id,)
        ).fetchone():
            return
        conn.executemany(
            "INSERT INTO mapping_categories (workspace_id, name, name_key, kind, position) "
            "VALUES (?, ?, ?, ?, ?)",
            [(ws_id, c.name, _key(c.name), str(c.kind), i) for i, c in enumerate(default_categories())],
        )

    @staticmethod
    def _categories(conn: sqlite3.Connection, ws_id: int) -> list[Category]:
        return [
            Category(row["id"], row["name"], CategoryKind(row["kind"]), row["retired_at"] is not None)
            for row in conn.execute(
                "SELECT * FROM mapping_categories WHERE workspace_id = ? ORDER BY position, id", (ws_id,)
            )
        ]

    @_asks(Action.VIEW)
    def categories(self, ws_id: int) -> list[Category]:
        """The workspace's categories (retired ones included, marked), copying the defaults on first use."""
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._ensure_categories(conn, ws_id)
            return self._categories(conn, ws_id)

    @staticmethod
    def _valid_category_name(name: str) -> str:
        try:
            cleaned = one_line(name, "category name", MAX_CATEGORY_NAME)
        except NameProblem as problem:
            raise MappingError(str(problem), "name") from None
        if not cleaned:
            raise MappingError("Give the category a name, for example 'Subcontractors'.", "name")
        return cleaned

    def _find_category(self, conn, ws_id: int, name: str) -> sqlite3.Row:
        row = conn.execute(
            "SELECT * FROM mapping_categories WHERE workspace_id = ? AND name_key = ?", (ws_id, _key(name))
        ).fetchone()
        if row is None:
            raise MappingError(f"There is no category named '{name}' in this workspace.", "name")
        return row

    @_asks(Action.MAP_EDIT)
    def add_category(self, ws_id: int, name: str, kind: str | CategoryKind, actor: Identity) -> Category:
        cleaned = self._valid_category_name(name)
        if str(kind) not in (CategoryKind.EXPENSE, CategoryKind.BALANCE_SHEET):
            raise MappingError("A new category is either an expense or a balance-sheet category.", "kind")
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._ensure_categories(conn, ws_id)
            position = conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM mapping_categories WHERE workspace_id = ?",
                (ws_id,),
            ).fetchone()[0]
            try:
                conn.execute(
                    "INSERT INTO mapping_categories (workspace_id, name, name_key, kind, position) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (ws_id, cleaned, _key(cleaned), str(kind), position),
                )
            except sqlite3.IntegrityError:
                raise MappingError(
                    f"This workspace already has a category named '{cleaned}' (names ignore case).", "name"
                ) from None
            self._audit(conn, ws_id, actor, "", FIELD_CATEGORIES, "", f"added {cleaned}", ChangeHow.TYPED, "",
                        self._revision(conn, ws_id))  # fmt: skip
        return next(c for c in self.categories(ws_id) if c.name == cleaned)

    @_asks(Action.MAP_EDIT)
    def rename_category(self, ws_id: int, old_name: str, new_name: str, actor: Identity) -> Category:
        cleaned = self._valid_category_name(new_name)
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._ensure_categories(conn, ws_id)
            row = self._find_category(conn, ws_id, old_name)
            try:
                conn.execute(
                    "UPDATE mapping_categories SET name = ?, name_key = ? WHERE id = ?",
                    (cleaned, _key(cleaned), row["id"]),
                )
            except sqlite3.IntegrityError:
                raise MappingError(f"Another category is already named '{cleaned}'.", "name") from None
            # Accounts point at the category itself, so they follow the new name without a change each.
            self._audit(conn, ws_id, actor, "", FIELD_CATEGORIES, row["name"], cleaned, ChangeHow.TYPED,
                        "renamed", self._bump(conn, ws_id))  # fmt: skip
        return next(c for c in self.categories(ws_id) if c.name == cleaned)

    @_asks(Action.MAP_EDIT)
    def retire_category(self, ws_id: int, name: str, actor: Identity) -> None:
        """Retire a category nobody uses; one in use must have its accounts reassigned first."""
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._ensure_categories(conn, ws_id)
            row = self._find_category(conn, ws_id, name)
            if row["kind"] == CategoryKind.EXCLUDED:
                raise MappingError(
                    f"'{row['name']}' is how accounts are excluded from Routable, so it cannot be retired.",
                    "name",
                )
            used = conn.execute(
                "SELECT COUNT(*) FROM mapping_rows WHERE workspace_id = ? AND category_id = ?",
                (ws_id, row["id"]),
            ).fetchone()[0]
            if used:
                raise MappingError(
                    f"{used} account{'s' if used != 1 else ''} still use '{row['name']}'. Give them another "
                    "category first (filter the table on it and set one category on the filtered rows), "
                    "then retire it.",
                    "name",
                )
            conn.execute("UPDATE mapping_categories SET retired_at = ? WHERE id = ?", (_now(), row["id"]))
            self._audit(conn, ws_id, actor, "", FIELD_CATEGORIES, row["name"], "retired", ChangeHow.TYPED, "",
                        self._bump(conn, ws_id))  # fmt: skip

    # -- reading --------------------------------------------------------------------------------

    @staticmethod
    def _saved(
        conn: sqlite3.Connection, ws_id: int, accounts: Sequence[str] | None = None
    ) -> dict[str, SavedDecision]:
        sql = (
            "SELECT r.*, c.name AS category FROM mapping_rows r "
            "LEFT JOIN mapping_categories c ON c.id = r.category_id WHERE r.workspace_id = ?"
        )
        params: list = [ws_id]
        if accounts is not None:
            if not accounts:
                return {}
            sql += f" AND r.account_no IN ({', '.join('?' * len(accounts))})"
            params.extend(accounts)
        return {
            row["account_no"]: SavedDecision(
                Decision(row["category"], bool(row["use_in_routable"]), row["note"]),
                ChangeHow(row["how"]),
                row["changed_by"],
                _time(row["changed_at"]),
            )
            for row in conn.execute(sql, params)
        }

    @staticmethod
    def _version(row: sqlite3.Row | None) -> Version | None:
        if row is None:
            return None
        checked = row["second_person_checked"]
        return Version(
            number=row["version"],
            revision=row["revision"],
            status=row["status"],
            submitted_by=row["submitted_by"],
            submitted_at=_time(row["submitted_at"]),
            decided_by=row["decided_by"],
            decided_at=_time(row["decided_at"]),
            comment=row["comment"],
            second_person_checked=None if checked is None else bool(checked),
        )

    def _latest(self, conn, ws_id: int, status: str) -> Version | None:
        return self._version(
            conn.execute(
                "SELECT * FROM mapping_versions WHERE workspace_id = ? AND status = ? "
                "ORDER BY version DESC LIMIT 1",
                (ws_id, status),
            ).fetchone()
        )

    @staticmethod
    def _version_decisions(conn, ws_id: int, number: int) -> dict[str, Decision]:
        return {
            row["account_no"]: Decision(row["category"], bool(row["use_in_routable"]), row["note"])
            for row in conn.execute(
                "SELECT * FROM mapping_version_rows WHERE workspace_id = ? AND version = ?", (ws_id, number)
            )
        }

    @_asks(Action.VIEW)
    def versions(self, ws_id: int) -> list[Version]:
        """Every submitted version, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM mapping_versions WHERE workspace_id = ? ORDER BY version DESC", (ws_id,)
            ).fetchall()
        return [self._version(row) for row in rows]

    @_asks(Action.VIEW)
    def version_decisions(self, ws_id: int, number: int) -> dict[str, Decision]:
        with self._read() as conn:
            return self._version_decisions(conn, ws_id, number)

    @_asks(Action.VIEW)
    def version_titles(self, ws_id: int, number: int) -> dict[str, str]:
        with self._read() as conn:
            return {
                row[0]: row[1]
                for row in conn.execute(
                    "SELECT account_no, title FROM mapping_version_rows "
                    "WHERE workspace_id = ? AND version = ?",
                    (ws_id, number),
                )
            }

    def _approved_elsewhere(self, ws_id: int) -> list[tuple[dict[str, str], str]]:
        """(account, category) pairs of the latest approved version of every other workspace.

        Private on purpose: these are other customers' rows, for the suggestion engine to learn from, and
        reach nobody except as a suggested category for one of this workspace's own accounts."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT r.account_no, r.title, r.category, r.account_type, r.normal_balance "
                "FROM mapping_version_rows r JOIN ("
                "  SELECT workspace_id, MAX(version) AS version FROM mapping_versions"
                "  WHERE status = ? AND workspace_id != ? GROUP BY workspace_id"
                ") latest ON latest.workspace_id = r.workspace_id AND latest.version = r.version "
                "WHERE r.category IS NOT NULL AND r.use_in_routable = 1",
                (APPROVED, ws_id),
            ).fetchall()
        # The suggestion engine matches an approved title only on the same side of the ledger and the same
        # normal balance, so both travel with it.
        return [
            ({"ACCOUNTNO": row[0], "TITLE": row[1], "ACCOUNTTYPE": row[3], "NORMALBALANCE": row[4]}, row[2])
            for row in rows
        ]

    @_asks(Action.VIEW)
    def revision(self, ws_id: int) -> int:
        with self._read() as conn:
            return self._revision(conn, ws_id)

    @_asks(Action.VIEW)
    def load(self, ws_id: int, accounts: Sequence[GLAccount] | None = None) -> MappingView:
        """The mapping as it stands: rows (with suggestions and problems), versions and categories."""
        if accounts is None:
            accounts = read_accounts(self.sync_db(ws_id))
        categories = self.categories(ws_id)
        with self._read() as conn:
            revision = self._revision(conn, ws_id)
            saved = self._saved(conn, ws_id)
            pending = self._latest(conn, ws_id, SUBMITTED)
            approved = self._latest(conn, ws_id, APPROVED)
            approved_decisions = self._version_decisions(conn, ws_id, approved.number) if approved else {}
        names = [category.name for category in categories if not category.retired]
        suggestions = suggestions_for(accounts, names, self._approved_elsewhere(ws_id))
        rows = build_rows(accounts, saved, suggestions, approved_decisions if approved else None)
        by_name = {category.name: category for category in categories}
        problems = check_rows(rows, by_name)
        return MappingView(ws_id, revision, categories, rows, problems, pending, approved, approved_decisions)

    # -- saving ---------------------------------------------------------------------------------

    @staticmethod
    def _clean_decision(decision: Decision, by_key: dict[str, sqlite3.Row]) -> tuple[Decision, int | None]:
        note = " ".join(str(decision.note or "").split())
        if len(note) > MAX_NOTE:
            raise MappingError(f"A note is {len(note)} characters long; keep notes to {MAX_NOTE}.", "note")
        if not decision.category:
            return Decision(None, bool(decision.use_in_routable), note), None
        row = by_key.get(_key(decision.category))
        if row is None:
            raise MappingError(
                f"There is no category named '{decision.category}' in this workspace: "
                "pick one from the list.",
                "category",
            )
        use = bool(decision.use_in_routable) and row["kind"] != CategoryKind.EXCLUDED
        return Decision(row["name"], use, note), row["id"]

    @_asks(Action.MAP_EDIT)
    def save(self, ws_id: int, base_revision: int, changes: Sequence[Change], actor: Identity) -> SaveResult:
        """Apply ``changes`` made on top of ``base_revision``, merging with whatever was saved since."""
        with self._write() as conn:
            self._require_workspace(conn, ws_id)
            self._ensure_categories(conn, ws_id)
            by_key = {
                row["name_key"]: row
                for row in conn.execute("SELECT * FROM mapping_categories WHERE workspace_id = ?", (ws_id,))
            }
            stored = self._saved(conn, ws_id, sorted({change.account for change in changes}))
            revision = self._revision(conn, ws_id)
            applied: list[str] = []
            conflicts: list[Conflict] = []
            new_revision: int | None = None
            for change in changes:
                after, category_id = self._clean_decision(change.after, by_key)
                before = (
                    self._clean_decision(change.before, by_key)[0]
                    if change.before.category
                    else change.before
                )
                current = stored.get(change.account)
                theirs = current.decision if current else UNDECIDED
                if theirs == after:
                    continue  # already what this saver wants (perhaps someone made the same choice)
                if theirs != before:
                    conflicts.append(
                        Conflict(change.account, before, after, theirs, current.changed_by if current else "",
                                 current.changed_at if current else None, change.how)
                    )  # fmt: skip
                    continue
                if new_revision is None:
                    new_revision = self._bump(conn, ws_id)
                self._write_row(
                    conn, ws_id, change.account, after, category_id, change.how, actor, new_revision
                )
                name, old, new = _audited_field(theirs, after)
                self._audit(conn, ws_id, actor, change.account, name, old, new, change.how, after.note,
                            new_revision)  # fmt: skip
                stored[change.account] = SavedDecision(
                    after, change.how, actor.audit_label, datetime.now(UTC)
                )
                applied.append(change.account)
        return SaveResult(new_revision or revision, tuple(applied), tuple(conflicts))

    @staticmethod
    def _write_row(
        conn, ws_id, account, decision: Decision, category_id, how, actor: Identity, revision
    ) -> None:
        if decision.undecided:
            conn.execute(
                "DELETE FROM mapping_rows WHERE workspace_id = ? AND account_no = ?", (ws_id, account)
            )
            return
        conn.execute(
            "INSERT INTO mapping_rows (workspace_id, account_no, category_id, use_in_routable, note, how, "
            "changed_by, changed_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (workspace_id, account_no) DO UPDATE SET category_id = excluded.category_id, "
            "use_in_routable = excluded.use_in_routable, note = excluded.note, how = excluded.how, "
            "changed_by = excluded.changed_by, changed_at = excluded.changed_at, "
            "revision = excluded.revision",
            (ws_id, account, category_id, int(decision.use_in_routable), decision.note, str(how),
             actor.audit_label, _now(), revision),
        )  # fmt: skip

    # -- submit, approve, send back ---------------------------------------------------------------

    @_asks(Action.SUBMIT)
    def submit(self, ws_id: int, expected_revision: int, actor: Identity) -> Version:
        """Freeze the saved draft as a new version for review; refused while any error remains."""
        view = self.load(ws_id)
        if view.revision != expected_revision:
            raise MappingError(
                "Someone saved changes to this mapping since you opened it. Reload the page, look at their "
                "changes, then submit again."
            )
        found = view.errors
        if found:
            raise MappingError(
                f"The mapping cannot go to review yet: {blocking_summary(found)}. The lists above the "
                "table show them; click one to see its accounts."
            )
        with self._write() as conn:
            if self._revision(conn, ws_id) != expected_revision:
                raise MappingError("Someone saved changes a moment ago. Reload the page and submit again.")
            number = conn.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM mapping_versions WHERE workspace_id = ?", (ws_id,)
            ).fetchone()[0]
            conn.execute(
                "UPDATE mapping_versions SET status = ? WHERE workspace_id = ? AND status = ?",
                (SUPERSEDED, ws_id, SUBMITTED),
            )
            conn.execute(
                "INSERT INTO mapping_versions (workspace_id, version, revision, status, submitted_by, "
                "submitted_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (ws_id, number, expected_revision, SUBMITTED, actor.audit_label, _now()),
            )
            kinds = view.category_map
            conn.executemany(
                "INSERT INTO mapping_version_rows (workspace_id, version, account_no, title, category, "
                "category_kind, use_in_routable, note, account_type, normal_balance) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (ws_id, number, row.number, row.account.title, row.decision.category,
                     str(kinds[row.decision.category].kind) if row.decision.category in kinds else None,
                     int(row.decision.use_in_routable), row.decision.note,
                     row.account.account_type, row.account.normal_balance)
                    for row in view.rows
                    if not row.account.deleted or not row.decision.undecided
                ],
            )  # fmt: skip
            self._audit(conn, ws_id, actor, "", FIELD_VERSION, "", f"version {number} submitted for review",
                        "", "", expected_revision)  # fmt: skip
            self._apply_step_event(conn, ws_id, progress.mapping_submitted, actor, version=number)
        return next(v for v in self.versions(ws_id) if v.number == number)

    @_asks(Action.VIEW)
    def editors(self, ws_id: int, number: int) -> set[str]:
        """Identity keys of everyone who changed a row that went into version ``number``."""
        with self._read() as conn:
            version = conn.execute(
                "SELECT revision FROM mapping_versions WHERE workspace_id = ? AND version = ?",
                (ws_id, number),
            ).fetchone()
            if version is None:
                return set()
            previous = conn.execute(
                "SELECT COALESCE(MAX(revision), 0) FROM mapping_versions WHERE workspace_id = ? "
                "AND status = ? AND version < ?",
                (ws_id, APPROVED, number),
            ).fetchone()[0]
            return {
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT who_key FROM mapping_audit WHERE workspace_id = ? AND account_no != '' "
                    "AND revision > ? AND revision <= ?",
                    (ws_id, previous, version["revision"]),
                )
            }

    def _pending_or_refuse(self, conn, ws_id: int, number: int) -> Version:
        version = self._version(
            conn.execute(
                "SELECT * FROM mapping_versions WHERE workspace_id = ? AND version = ?", (ws_id, number)
            ).fetchone()
        )
        if version is None or version.status != SUBMITTED:
            state = "does not exist" if version is None else f"is {version.status}"
            raise MappingError(f"Version {number} {state}, so it cannot be decided on. Reload the page.")
        return version

    @_asks(Action.VIEW)
    def version_problems(self, ws_id: int, number: int) -> list[Problem]:
        """The checks run on version ``number``'s decisions against the accounts as synced now."""
        return self.version_summary(ws_id, number)[1]

    @_asks(Action.VIEW)
    def version_summary(self, ws_id: int, number: int) -> tuple[Coverage, list[Problem]]:
        """Coverage and problems of version ``number``'s decisions against the accounts as synced now."""
        accounts = read_accounts(self.sync_db(ws_id))
        categories = {category.name: category for category in self.categories(ws_id)}
        with self._read() as conn:
            decisions = self._version_decisions(conn, ws_id, number)
            approved = self._latest(conn, ws_id, APPROVED)
            approved_decisions = (
                self._version_decisions(conn, ws_id, approved.number)
                if approved and approved.number != number
                else None
            )
        saved = {n: SavedDecision(d, ChangeHow.TYPED, "", datetime.now(UTC)) for n, d in decisions.items()}
        rows = build_rows(accounts, saved, [None] * len(accounts), approved_decisions)
        problems = check_rows(rows, categories)
        return coverage(rows, categories, problems), problems

    @_asks(Action.APPROVE)
    def approve(self, ws_id: int, number: int, actor: Identity, comment: str = "") -> Version:
        problems = errors(self.version_problems(ws_id, number))
        if problems:
            raise MappingError(
                f"Version {number} cannot be approved yet: {blocking_summary(problems)} "
                f"(for example: {problems[0].message}) Send it back so they can be dealt with."
            )
        editors = self.editors(ws_id, number)
        if actor.verified and editors and editors <= {actor.key}:
            raise MappingError(
                "You made every change in this version yourself, so someone else must approve it: "
                "a second person checks each mapping before Routable codes bills with it."
            )
        comment = _decision_comment(comment)
        with self._write() as conn:
            self._pending_or_refuse(conn, ws_id, number)
            conn.execute(
                "UPDATE mapping_versions SET status = ?, decided_by = ?, decided_at = ?, comment = ?, "
                "second_person_checked = ? WHERE workspace_id = ? AND version = ?",
                (APPROVED, actor.audit_label, _now(), comment, int(actor.verified), ws_id, number),
            )
            how = "" if actor.verified else "not checked by a second person"
            self._audit(conn, ws_id, actor, "", FIELD_VERSION, SUBMITTED, f"version {number} approved", how,
                        comment, self._revision(conn, ws_id))  # fmt: skip
            self._apply_step_event(conn, ws_id, progress.mapping_approved, actor, version=number)
        return next(v for v in self.versions(ws_id) if v.number == number)

    @_asks(Action.SEND_BACK)
    def send_back(self, ws_id: int, number: int, actor: Identity, comment: str) -> Version:
        comment = _decision_comment(comment)
        if not comment:
            raise MappingError("Say what needs to change before sending the mapping back.", "comment")
        with self._write() as conn:
            self._pending_or_refuse(conn, ws_id, number)
            conn.execute(
                "UPDATE mapping_versions SET status = ?, decided_by = ?, decided_at = ?, comment = ? "
                "WHERE workspace_id = ? AND version = ?",
                (SENT_BACK, actor.audit_label, _now(), comment, ws_id, number),
            )
            self._audit(conn, ws_id, actor, "", FIELD_VERSION, SUBMITTED, f"version {number} sent back", "",
                        comment, self._revision(conn, ws_id))  # fmt: skip
            self._apply_step_event(conn, ws_id, progress.mapping_sent_back, actor, version=number,
                                   comment=f"sent back by {actor.audit_label}: {comment}")  # fmt: skip
        return next(v for v in self.versions(ws_id) if v.number == number)

    # -- after a sync ---------------------------------------------------------------------------

    @_asks(Action.SYNC_START)
    def review_after_sync(self, ws_id: int, actor: Identity) -> str:
        """Flag the Map step when a sync brought new accounts or removed mapped ones; returns the note."""
        with self._read() as conn:
            reference = self._latest(conn, ws_id, APPROVED) or self._latest(conn, ws_id, SUBMITTED)
        if reference is None:
            return ""  # nothing submitted yet: new accounts simply join the draft
        view = self.load(ws_id)
        decisions = self.version_decisions(ws_id, reference.number)
        new = sum(1 for row in view.rows if not row.account.deleted and row.number not in decisions)
        flagged = {
            problem.account
            for problem in view.problems
            if problem.kind in (ProblemKind.GONE_FROM_INTACCT, ProblemKind.INACTIVATED_IN_INTACCT)
        }
        if not new and not flagged:
            return ""
        parts = []
        if new:
            parts.append(f"{new} new account{'s' if new != 1 else ''} to map")
        if flagged:
            parts.append(f"{len(flagged)} mapped account{'s' if len(flagged) != 1 else ''} deleted or "
                         "inactivated in Intacct")  # fmt: skip
        note = "the last sync brought " + " and ".join(parts)
        with self._write() as conn:
            self._apply_step_event(conn, ws_id, progress.mapping_needs_attention, actor, reason=note)
        return note

    # -- history --------------------------------------------------------------------------------

    @_asks(Action.VIEW)
    def audit(self, ws_id: int, limit: int | None = None) -> list[AuditEntry]:
        """Every recorded change, newest first."""
        sql = "SELECT * FROM mapping_audit WHERE workspace_id = ? ORDER BY id DESC"
        params: list = [ws_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self._read() as conn:
            return [
                AuditEntry(_time(r["at"]), r["who"], r["account_no"], r["field"], r["before"], r["after"],
                           r["how"], r["note"], r["revision"])
                for r in conn.execute(sql, params)
            ]  # fmt: skip

    @_asks(Action.VIEW)
    def audit_count(self, ws_id: int) -> int:
        with self._read() as conn:
            return conn.execute(
                "SELECT count(*) FROM mapping_audit WHERE workspace_id = ?", (ws_id,)
            ).fetchone()[0]

    @_asks(Action.VIEW)
    def diff(
        self,
        ws_id: int,
        after: dict[str, Decision],
        titles: dict[str, str],
        up_to_revision: int | None = None,
    ) -> list[DiffRow]:
        """Rows whose decision differs from the last approved version, with who last changed each."""
        with self._read() as conn:
            approved = self._latest(conn, ws_id, APPROVED)
            before = self._version_decisions(conn, ws_id, approved.number) if approved else {}
            last: dict[str, sqlite3.Row] = {}
            limit = up_to_revision if up_to_revision is not None else 1 << 62
            for row in conn.execute(
                "SELECT * FROM mapping_audit WHERE workspace_id = ? AND account_no != '' AND revision <= ? "
                "ORDER BY id",
                (ws_id, limit),
            ):
                last[row["account_no"]] = row
        out = []
        for account in sorted(set(before) | set(after), key=lambda n: (not n.isdigit(), n.zfill(20))):
            old, new = before.get(account, UNDECIDED), after.get(account, UNDECIDED)
            if old == new:
                continue
            entry = last.get(account)
            out.append(
                DiffRow(account, titles.get(account, ""), old.describe(), new.describe(),
                        entry["who"] if entry else "", _time(entry["at"]) if entry else None, new.note)
            )  # fmt: skip
        return out
