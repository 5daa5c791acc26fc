"""Every domain entry point that takes a workspace, with two workspaces full of data: an identity scoped to
one gets that one's rows only, and the other is refused with the very words a workspace that does not
exist gets.

The entry points are found in the code (every public function or method of `onboarding` with a workspace
parameter), so one added without a line here fails `test_every_entry_point_is_covered`.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import zipfile
from collections.abc import Callable

import pytest
from cryptography.fernet import Fernet

import intacct.sync
import onboarding
from onboarding import progress
from onboarding.access import NOT_FOUND_MESSAGE, AccessDenied, Action
from onboarding.identity import Identity, Role
from onboarding.invite import InviteBook
from onboarding.mapping import actions
from onboarding.mapping.model import UNDECIDED, Decision
from onboarding.mapping.repository import Change, MappingStore
from onboarding.people import People
from onboarding.platform import Platform
from onboarding.scoped_store import ScopedStore
from onboarding.steps import StepKey
from onboarding.store import Store
from onboarding.sync_jobs import SyncJobs, synced_database
from onboarding.vault import Secret, Vault
from tests.actors import ANA
from tests.mapping_helpers import gl, write_workspace_accounts

KEY = b"two-workspaces-test-invite-signing-key-0123"
MISSING = 10_000  # a workspace number nobody has
WORKSPACE_PARAMS = {"ws_id", "workspace_id", "workspace", "view"}


CHECKER = Identity("email:checker@rt.test", "Checker", Role.IMPLEMENTATION_MANAGER, "checker@rt.test")


def _manager(word: str) -> Identity:
    """The implementation manager who set up one customer: their name marks that customer's rows."""
    email = f"{word.lower()}@routable.test"
    return Identity(f"email:{email}", word, Role.IMPLEMENTATION_MANAGER, email)


class World:
    """Two customers, each with progress, a connection, events, synced accounts, a category of its own, an
    approved mapping version and a pending one, audit entries, an invitation and a person granted access.
    Every row of a customer carries its word (its name, titles, notes, who changed it)."""

    def __init__(self, store, vault, data_dir) -> None:
        self.store, self.vault, self.data_dir = store, vault, data_dir
        self.my_word, self.their_word = "Minerva", "Thessaly"
        self.mine = store.create_workspace("Minerva Co", actor=_manager("Minerva"))
        self.theirs = store.create_workspace("Thessaly Co", actor=_manager("Thessaly"))
        self.book = InviteBook(store, KEY)
        self.people = People(store)
        mapping = MappingStore(store, data_dir)
        for ws, word, n in ((self.mine, self.my_word, "61"), (self.theirs, self.their_word, "71")):
            who = _manager(word)
            store.set_plan(ws.id, "top", actor=who)
            store.apply(ws.id, lambda now, who=who: progress.checklist_ticked(
                now, StepKey.START, "two_tabs", True, actor=who))  # fmt: skip
            company, user = f"{word.upper()}-CO", f"{word}_ws"
            store.save_connection(ws.id, company, "", user, f"pw-{word}", vault, actor=who)
            store.record_event(ws.id, "note", f"{word} note", actor=who)
            # Account numbers of their own too ("61..." here, "71..." there): problems name only numbers.
            write_workspace_accounts(data_dir, ws.id, [
                gl(f"{n}001", f"{word} Software", dept=True), gl(f"{n}002", f"{word} Travel"),
                gl(f"{n}003", f"{word} Couriers"), gl(f"{n}004", f"{word} Deposits", "balancesheet"),
            ])  # fmt: skip
            mapping.add_category(ws.id, f"{word} Freight", "expense", who)
            view = mapping.load(ws.id)
            changes = [Change(row.number, UNDECIDED, Decision("Travel", True, f"{word} note"))
                       for row in view.rows if row.number != f"{n}004"]  # fmt: skip
            changes.append(Change(f"{n}004", UNDECIDED, Decision(view.excluded_category, False)))
            mapping.save(ws.id, view.revision, changes, who)
            version = mapping.submit(ws.id, mapping.revision(ws.id), who)
            mapping.approve(ws.id, version.number, CHECKER)
            view = mapping.load(ws.id)
            mapping.save(ws.id, view.revision, [Change(f"{n}003", view.decisions()[f"{n}003"], Decision(
                f"{word} Freight", True, f"{word} second"))], who)  # fmt: skip
            mapping.submit(ws.id, mapping.revision(ws.id), who)
            self.book.create(who, Role.FINANCE_REVIEWER, ws.id, label=f"{word} reviewer")
            self.people.assign(who, f"person@{word.lower()}.test", Role.CUSTOMER_ADMIN, ws.id)
        # One more change here than there, so even a bare revision number tells the two apart.
        mapping.rename_category(self.mine.id, "Minerva Freight", "Minerva Haulage", _manager("Minerva"))

    def scoped(self, role: Role) -> ScopedStore:
        identity = Identity(f"t:{role}", "Tester", role, "tester@example.test", workspace_id=self.mine.id)
        return ScopedStore(self.store, identity)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One world for the tests that only read or are refused (they assert nothing changed)."""
    folder = tmp_path_factory.mktemp("two-workspaces")
    return World(Store(folder / "onboarding.db"), Vault([Fernet.generate_key()]), folder / "data")


@pytest.fixture
def own_world(store, vault, tmp_path):
    """A world of its own, for a test that changes it."""
    return World(store, vault, tmp_path / "data")


def _mapping(world: World, scoped: ScopedStore) -> MappingStore:
    return MappingStore(world.store, world.data_dir).scoped(scoped)


def _view(world: World, scoped: ScopedStore, ws_id: int):
    """What a page holds after loading a workspace's mapping (the export functions take it)."""
    if ws_id == world.mine.id:
        return _mapping(world, scoped).load(ws_id)
    # A page can only hold a view of a workspace it loaded; pretend one leaked from elsewhere.
    return MappingStore(world.store, world.data_dir).load(ws_id) if ws_id != MISSING else _missing_view(world)


def _missing_view(world: World):
    view = MappingStore(world.store, world.data_dir).load(world.mine.id)
    view.ws_id = MISSING
    return view


# Each read: how to call it for a workspace, as the scoped identity. Every row it returns must be
# the scoped workspace's (the test looks for the other customer's words anywhere in the result).
Read = Callable[[World, ScopedStore, int], object]
READS: dict[str, Read] = {
    "ScopedStore.get_workspace": lambda w, s, ws: s.get_workspace(ws),
    "ScopedStore.get_progress": lambda w, s, ws: s.get_progress(ws),
    "ScopedStore.snapshot": lambda w, s, ws: s.snapshot(ws),
    "ScopedStore.get_connection": lambda w, s, ws: s.get_connection(ws),
    "ScopedStore.events": lambda w, s, ws: s.events(ws),
    "ScopedStore.may": lambda w, s, ws: s.may(Action.VIEW, ws),
    "ScopedStore.require": lambda w, s, ws: s.require(Action.VIEW, ws),
    "MappingStore.sync_db": lambda w, s, ws: _mapping(w, s).sync_db(ws).read_bytes(),
    "MappingStore.categories": lambda w, s, ws: _mapping(w, s).categories(ws),
    "MappingStore.versions": lambda w, s, ws: _mapping(w, s).versions(ws),
    "MappingStore.version_decisions": lambda w, s, ws: _mapping(w, s).version_decisions(ws, 1),
    "MappingStore.version_titles": lambda w, s, ws: _mapping(w, s).version_titles(ws, 1),
    "MappingStore.revision": lambda w, s, ws: _mapping(w, s).revision(ws),
    "MappingStore.load": lambda w, s, ws: _mapping(w, s).load(ws),
    "MappingStore.editors": lambda w, s, ws: _mapping(w, s).editors(ws, 2),
    "MappingStore.version_problems": lambda w, s, ws: _mapping(w, s).version_problems(ws, 2),
    "MappingStore.version_summary": lambda w, s, ws: _mapping(w, s).version_summary(ws, 2),
    "MappingStore.audit": lambda w, s, ws: _mapping(w, s).audit(ws),
    "MappingStore.audit_count": lambda w, s, ws: _mapping(w, s).audit_count(ws),
    "MappingStore.diff": lambda w, s, ws: _mapping(w, s).diff(ws, {"61003": Decision("Travel")}, {}),
    "export_mapping_csv": lambda w, s, ws: actions.export_mapping_csv(_view(w, s, ws), actor=s.identity),
    "export_diff_csv": lambda w, s, ws: actions.export_diff_csv(
        _mapping(w, s), _view(w, s, ws), actor=s.identity
    ),
    "export_audit_csv": lambda w, s, ws: actions.export_audit_csv(_mapping(w, s), ws, actor=s.identity),
    "export_approved_json": lambda w, s, ws: actions.export_approved_json(
        _mapping(w, s), ws, 1, "Minerva Co", actor=s.identity
    ),
    "export_approved_xlsx": lambda w, s, ws: _unzipped(actions.export_approved_xlsx(
        _mapping(w, s), ws, 1, "Minerva Co", actor=s.identity
    )),  # fmt: skip
    "export_review_xlsx": lambda w, s, ws: _unzipped(actions.export_review_xlsx(
        _mapping(w, s), ws, 2, "Minerva Co", actor=s.identity
    )),  # fmt: skip
    "synced_database": lambda w, s, ws: intacct.sync.object_status(synced_database(s, w.data_dir, ws))
    + [synced_database(s, w.data_dir, ws).read_bytes()],
    "InviteBook.list": lambda w, s, ws: w.book.list(s.identity, ws),
}


def _unzipped(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


# Changes, called on the other workspace (and on one that does not exist): refused before anything.
Change_ = Callable[[World, ScopedStore, int], object]
CHANGES: dict[str, Change_] = {
    "ScopedStore.rename_workspace": lambda w, s, ws: s.rename_workspace(ws, "X"),
    "ScopedStore.archive_workspace": lambda w, s, ws: s.archive_workspace(ws),
    "ScopedStore.delete_workspace": lambda w, s, ws: s.delete_workspace(ws),
    "ScopedStore.set_plan": lambda w, s, ws: s.set_plan(ws, "entity"),
    "ScopedStore.apply": lambda w, s, ws: s.apply(ws, lambda now: progress.checklist_ticked(
        now, StepKey.START, "two_tabs", False, actor=ANA)),  # fmt: skip
    "ScopedStore.apply_in": lambda w, s, ws: _apply_in(w, s, ws),
    "ScopedStore.save_connection": lambda w, s, ws: s.save_connection(ws, "X", "", "u", "p", w.vault),
    "ScopedStore.set_connection_status": lambda w, s, ws: s.set_connection_status(ws, "failed", "x"),
    "ScopedStore.record_event": lambda w, s, ws: s.record_event(ws, "note", "x"),
    "MappingStore.add_category": lambda w, s, ws: _mapping(w, s).add_category(ws, "New", "expense", ANA),
    "MappingStore.rename_category": lambda w, s, ws: _mapping(w, s).rename_category(ws, "Travel", "T", ANA),
    "MappingStore.retire_category": lambda w, s, ws: _mapping(w, s).retire_category(ws, "Travel", ANA),
    "MappingStore.save": lambda w, s, ws: _mapping(w, s).save(ws, 0, [], ANA),
    "MappingStore.submit": lambda w, s, ws: _mapping(w, s).submit(ws, 0, ANA),
    "MappingStore.approve": lambda w, s, ws: _mapping(w, s).approve(ws, 2, ANA),
    "MappingStore.send_back": lambda w, s, ws: _mapping(w, s).send_back(ws, 2, ANA, "no"),
    "MappingStore.review_after_sync": lambda w, s, ws: _mapping(w, s).review_after_sync(ws, ANA),
    "save_mapping": lambda w, s, ws: actions.save_mapping(_mapping(w, s), ws, 0, [], s.identity),
    "submit_mapping": lambda w, s, ws: actions.submit_mapping(_mapping(w, s), ws, 0, s.identity),
    "approve_mapping": lambda w, s, ws: actions.approve_mapping(_mapping(w, s), ws, 2, s.identity),
    "send_back_mapping": lambda w, s, ws: actions.send_back_mapping(_mapping(w, s), ws, 2, s.identity, "no"),
    "add_category": lambda w, s, ws: actions.add_category(_mapping(w, s), ws, "New", "expense", s.identity),
    "rename_category": lambda w, s, ws: actions.rename_category(_mapping(w, s), ws, "Travel", "T",
                                                                s.identity),
    "retire_category": lambda w, s, ws: actions.retire_category(_mapping(w, s), ws, "Travel", s.identity),
    "import_mapping_csv": lambda w, s, ws: actions.import_mapping_csv(_mapping(w, s), ws, b"", s.identity),
    "InviteBook.create": lambda w, s, ws: w.book.create(s.identity, Role.FINANCE_REVIEWER, ws),
    "People.assign": lambda w, s, ws: w.people.assign(s.identity, "x@y.test", Role.FINANCE_REVIEWER, ws),
    "connect_workspace": lambda w, s, ws: _connection().connect_workspace(
        s, w.vault, _platform(), ws, "C", "", "u", "p", actor=s.identity
    ),
    "choose_entity": lambda w, s, ws: _connection().choose_entity(
        s, w.vault, _platform(), ws, "E1", actor=s.identity
    ),
    "open_session": lambda w, s, ws: _connection().open_session(s, w.vault, _platform(), ws),
    "start_sync": lambda w, s, ws: _sync_jobs().start_sync(
        s, w.vault, _platform(), ws, w.data_dir, actor=s.identity, registry=SyncJobs()
    ),
    "stop_sync": lambda w, s, ws: _sync_jobs().stop_sync(s, w.data_dir, ws, SyncJobs()),
    "set_aside_damaged_copy": lambda w, s, ws: _sync_jobs().set_aside_damaged_copy(s, w.data_dir, ws),
    "workspace_deletion.delete_workspace": lambda w, s, ws: _deletion().delete_workspace(
        s, w.data_dir, ws, "Thessaly Co", actor=s.identity
    ),
}

# Entry points with a workspace parameter that hold no workspace data of their own, and why.
NOT_DATA = {
    "in_scope": "the decision itself (onboarding.access), tested action by action in test_access.py",
    "may": "the decision itself",
    "require": "the decision itself",
    "require_on": "the decision itself, asked through a scoped store",
    "version_json": "formats rows it is given; the export actions above ask first",
    "version_xlsx": "formats rows it is given; the export actions above ask first",
    "sync_db_path": "a file name from a number; reading the file goes through synced_database",
    "current_job": "this process's job registry; start_sync and stop_sync ask first",
}


def _apply_in(world: World, scoped: ScopedStore, ws_id: int) -> object:
    with world.store._write() as conn:
        return scoped.apply_in(conn, ws_id, lambda now: progress.checklist_ticked(
            now, StepKey.START, "two_tabs", False, actor=ANA))  # fmt: skip


def _platform() -> Platform:
    # Never reached: a refused call fails before it opens any connection.
    return Platform("RoutableMPP", Secret("unused"), "http://127.0.0.1:9/ia/xml/xmlgw.phtml", True)


def _connection():
    return importlib.import_module("onboarding.connection")


def _sync_jobs():
    return importlib.import_module("onboarding.sync_jobs")


def _deletion():
    return importlib.import_module("onboarding.workspace_deletion")


def _entry_points() -> set[str]:
    """Every public function, and public method of a public class, in `onboarding` with a workspace
    parameter, named as the tables above name them (Store's are ScopedStore's: pages never hold a Store)."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(onboarding.__path__, "onboarding."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, thing in vars(module).items():
            if name.startswith("_") or getattr(thing, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(thing):
                candidates = [(name, thing)]
            elif inspect.isclass(thing) and thing.__name__ != "Store":
                candidates = [(f"{name}.{m}", f) for m, f in vars(thing).items()
                              if not m.startswith("_") and inspect.isfunction(f)]  # fmt: skip
            else:
                continue
            for qualified, function in candidates:
                if WORKSPACE_PARAMS & set(inspect.signature(function).parameters):
                    short = qualified
                    if qualified == "delete_workspace":
                        short = "workspace_deletion.delete_workspace"
                    found.add(short)
    return found


def test_every_entry_point_is_covered():
    covered = set(READS) | set(CHANGES) | set(NOT_DATA)
    missing = _entry_points() - covered
    assert not missing, f"add a two-workspace test for: {sorted(missing)}"
    assert not covered - _entry_points(), f"no longer in the code: {sorted(covered - _entry_points())}"


def _refusal(call: Callable[[], object]) -> str:
    with pytest.raises(AccessDenied) as refused:
        call()
    return str(refused.value)


# Reads whose answer carries no customer's words, with what they answer for the allowed workspace.
WORDLESS: dict[str, tuple] = {
    "ScopedStore.may": (True,),
    "ScopedStore.require": (None,),
    "MappingStore.revision": (3,),
    "MappingStore.audit_count": (10,),  # the allowed workspace's entries only
}
# A reviewer may invite nobody, so the invitations they may see are none.
EMPTY_FOR = {("InviteBook.list", Role.FINANCE_REVIEWER)}
# Reads that answer "nothing" (None, False, []) rather than refuse, for another workspace and a missing one.
ANSWERS_EMPTY = {"ScopedStore.get_workspace", "ScopedStore.may", "InviteBook.list"}


@pytest.mark.parametrize("role", [Role.CUSTOMER_ADMIN, Role.FINANCE_REVIEWER])
@pytest.mark.parametrize("name", sorted(READS))
def test_a_read_returns_only_the_allowed_workspaces_rows(world, role, name):
    scoped = world.scoped(role)
    read = READS[name]
    mine = read(world, scoped, world.mine.id)
    # The workspace's random reference is blanked first: one starting with "71" is not their account.
    shown = repr(mine).replace(world.mine.ref, "<ref>").casefold()
    assert world.their_word.casefold() not in shown and "'71" not in shown
    if name in WORDLESS or (name, role) in EMPTY_FOR:
        assert mine in WORDLESS.get(name, (mine,)) or not mine
    else:
        assert world.my_word.casefold() in shown or "'61" in shown, shown[:300]
    # The other workspace gets exactly what a missing one gets: the not-found refusal, or for the few
    # reads that answer rather than refuse (a lookup, a yes/no, a list), the same empty answer.
    theirs, missing = _answer(read, world, scoped, world.theirs.id), _answer(read, world, scoped, MISSING)
    assert theirs == missing
    assert theirs == ("refused", NOT_FOUND_MESSAGE) or (name in ANSWERS_EMPTY and not theirs[1]), theirs


def _answer(read: Read, world: World, scoped: ScopedStore, ws_id: int) -> tuple[str, object]:
    try:
        return "answered", read(world, scoped, ws_id)
    except AccessDenied as refused:
        return "refused", str(refused)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_change_to_the_other_workspace_is_refused_as_if_it_did_not_exist(world, name):
    scoped = world.scoped(Role.CUSTOMER_ADMIN)
    before = (world.store.events(world.theirs.id), world.store.get_workspace(world.theirs.id),
              MappingStore(world.store, world.data_dir).audit(world.theirs.id),
              synced_database(world.store, world.data_dir, world.theirs.id).read_bytes())  # fmt: skip
    theirs = _refusal(lambda: CHANGES[name](world, scoped, world.theirs.id))
    # Only giving people access is refused outright (it is no customer's to do), whichever workspace.
    assert theirs == NOT_FOUND_MESSAGE or name == "People.assign"
    assert _refusal(lambda: CHANGES[name](world, scoped, MISSING)) == theirs
    after = (world.store.events(world.theirs.id), world.store.get_workspace(world.theirs.id),
             MappingStore(world.store, world.data_dir).audit(world.theirs.id),
             synced_database(world.store, world.data_dir, world.theirs.id).read_bytes())  # fmt: skip
    assert after == before


def test_lists_across_workspaces_hold_only_the_allowed_one(world):
    for role in (Role.CUSTOMER_ADMIN, Role.FINANCE_REVIEWER):
        scoped = world.scoped(role)
        assert [w.id for w in scoped.list_workspaces(include_archived=True)] == [world.mine.id]
        assert scoped.workspace_by_ref(world.theirs.ref) is None
        assert scoped.workspace_by_ref(world.mine.ref).id == world.mine.id
        # Invitations across every workspace the identity may invite to: a reviewer may invite nobody.
        listed = world.book.list(scoped.identity)
        assert {i.workspace_id for i in listed} <= {world.mine.id}
        assert bool(listed) == (role is Role.CUSTOMER_ADMIN)
        # Password ciphertexts: only where this identity may re-enter the password.
        assert set(scoped.password_tokens()) == ({world.mine.id} if role is Role.CUSTOMER_ADMIN else set())
        # The people list is the implementation manager's: a customer's identity is refused outright.
        with pytest.raises(AccessDenied) as refused:
            world.people.list(scoped.identity)
        assert not refused.value.hidden


def test_a_scoped_mapping_records_changes_under_its_identity(own_world):
    scoped = own_world.scoped(Role.CUSTOMER_ADMIN)
    mapping = _mapping(own_world, scoped)
    mapping.add_category(own_world.mine.id, "Couriers", "expense", ANA)
    assert mapping.audit(own_world.mine.id, limit=1)[0].who == "tester@example.test (Customer admin)"


def test_every_public_mapping_method_names_the_action_it_needs():
    """A MappingStore method without its @_asks line would skip onboarding.access altogether."""
    public = [(n, f) for n, f in inspect.getmembers(MappingStore, inspect.isfunction) if n[0] != "_"]
    unchecked = [n for n, f in public if n != "scoped" and not isinstance(getattr(f, "action", None), Action)]
    assert not unchecked, f"give these an @_asks(Action...) line: {unchecked}"
