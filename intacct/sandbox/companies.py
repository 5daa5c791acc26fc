"""Who may talk to the sandbox: Web Services senders, demo companies and their users, and each company's
records.

Demo accounts (the README and tests rely on these exact values):

    sender   RoutableMPP / sandbox-sender-secret      authorized in ACME-DEMO and SOLO-DEMO
    sender   SandboxPartner / sandbox-partner-secret  authorized in every demo company (for tests)
    ACME-DEMO    multi-entity (E100, E200, E300)
        routable_ws  full access, top level or any entity
        limited_ws   no permission on GLACCOUNT
        entity_ws    entity E200 only (not top level, not other entities)
    SOLO-DEMO    single entity             routable_ws
    NOAUTH-DEMO  has not authorized RoutableMPP   routable_ws
    every user's password: Demo-Passw0rd!
"""

from __future__ import annotations

import hmac
import random
from dataclasses import dataclass, field
from datetime import datetime

from .datagen import (
    build_accounts,
    build_ap_terms,
    build_classes,
    build_departments,
    build_entities,
    build_locations,
    build_projects,
)
from .schema import OBJECTS, object_def
from .tables import Table, build_table
from .vendors import EntityRef, VendorSource

SENDERS: dict[str, str] = {
    "RoutableMPP": "sandbox-sender-secret",
    "SandboxPartner": "sandbox-partner-secret",
}
DEMO_PASSWORD = "Demo-Passw0rd!"


@dataclass(frozen=True)
class User:
    user_id: str
    password: str = field(repr=False)
    # None: every entity. Otherwise only these entities.
    entities: frozenset[str] | None = None
    top_level: bool = True
    denied_objects: frozenset[str] = frozenset()

    def may_sign_in_at(self, entity: str, company: Company) -> bool:
        if not entity:
            return self.top_level
        if entity not in company.entity_ids:
            return False
        return self.entities is None or entity in self.entities

    def password_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(self.password.encode(), candidate.encode())


@dataclass(frozen=True)
class Dimension:
    object_name: str
    label: str
    term: str
    user_defined: bool
    enabled_in_gl: bool


@dataclass
class Company:
    company_id: str
    name: str
    entities: tuple[EntityRef, ...]
    users: dict[str, User]
    authorized_senders: frozenset[str]
    tables: dict[str, Table]
    dimensions: tuple[Dimension, ...]
    base_currency: str = "USD"

    @property
    def multi_entity(self) -> bool:
        return bool(self.entities)

    @property
    def entity_ids(self) -> frozenset[str]:
        return frozenset(e.entity_id for e in self.entities)

    def user(self, user_id: str) -> User | None:
        # Intacct user IDs are not case-sensitive at sign-in; passwords are.
        return self.users.get(user_id.strip().lower())

    def table(self, object_name: str) -> Table:
        spec = object_def(object_name)
        if spec is None:
            raise KeyError(f"unknown object {object_name!r}; known: {', '.join(OBJECTS)}")
        return self.tables[spec.name]

    def entity(self, entity_id: str) -> EntityRef | None:
        return next((e for e in self.entities if e.entity_id == entity_id), None)

    def create_record(self, object_name: str, values: dict, now: datetime) -> int:
        return self.table(object_name).create(self._with_owner_names(values), now)

    def update_record(self, object_name: str, recno: int, values: dict, now: datetime) -> None:
        self.table(object_name).update(recno, self._with_owner_names(values), now)

    def _with_owner_names(self, values: dict) -> dict:
        # Setting MEGAENTITYID alone should give a consistent record, as the real system would.
        owner_id = values.get("MEGAENTITYID")
        if owner_id is None:
            return values
        owner = self.entity(str(owner_id))
        completed = dict(values)
        completed.setdefault("MEGAENTITYNAME", owner.name if owner else "")
        completed.setdefault("MEGAENTITYKEY", str(owner.key) if owner else "")
        return completed


_STANDARD_DIMENSIONS = (
    Dimension("DEPARTMENT", "Department", "Department", False, True),
    Dimension("LOCATION", "Location", "Location", False, True),
    Dimension("PROJECT", "Project", "Project", False, True),
    Dimension("CUSTOMER", "Customer", "Customer", False, True),
    Dimension("VENDOR", "Vendor", "Vendor", False, True),
    Dimension("EMPLOYEE", "Employee", "Employee", False, False),
    Dimension("ITEM", "Item", "Item", False, False),
    Dimension("CLASS", "Class", "Class", False, True),
)

_ACME_ENTITIES = (
    EntityRef("E100", "Acme Industries USA", 1, "USD"),
    EntityRef("E200", "Acme Europe GmbH", 2, "EUR"),
    EntityRef("E300", "Acme Canada Ltd.", 3, "CAD"),
)
_ACME_LEGAL = (
    {
        "LEGALADDRESS1": "400 Lake Shore Dr",
        "LEGALCITY": "Chicago",
        "LEGALSTATE": "IL",
        "LEGALZIPCODE": "60611",
        "LEGALCOUNTRY": "United States",
        "OPCOUNTRY": "United States",
        "ADDRESSCOUNTRYDEFAULT": "United States",
        "TAXID": "36-4827193",
    },
    {
        "LEGALADDRESS1": "Mainzer Landstraße 50",
        "LEGALCITY": "Frankfurt am Main",
        "LEGALSTATE": "HE",
        "LEGALZIPCODE": "60325",
        "LEGALCOUNTRY": "Germany",
        "OPCOUNTRY": "Germany",
        "ADDRESSCOUNTRYDEFAULT": "Germany",
        "TAXID": "DE283746519",
    },
    {
        "LEGALADDRESS1": "200 Bay St",
        "LEGALADDRESS2": "Suite 1400",
        "LEGALCITY": "Toronto",
        "LEGALSTATE": "ON",
        "LEGALZIPCODE": "M5J 2J2",
        "LEGALCOUNTRY": "Canada",
        "OPCOUNTRY": "Canada",
        "ADDRESSCOUNTRYDEFAULT": "Canada",
        "TAXID": "812345678RC0001",
    },
)
_ACME_SITES = (
    ("L110", "Chicago Plant", "E100"),
    ("L120", "Austin Office", "E100"),
    ("L130", "Denver Warehouse", "E100"),
    ("L140", "Milwaukee Distribution Center", "E100"),
    ("L150", "Atlanta Sales Office", "E100"),
    ("L160", "Seattle Engineering Hub", "E100"),
    ("L170", "Phoenix Service Center", "E100"),
    ("L180", "Boston Research Lab", "E100"),
    ("L210", "Frankfurt Office", "E200"),
    ("L220", "München Lab", "E200"),
    ("L230", "Paris Sales Office", "E200"),
    ("L240", "Wien Service Center", "E200"),
    ("L250", "Rotterdam Logistics Hub", "E200"),
    ("L310", "Toronto Office", "E300"),
    ("L320", "Vancouver Depot", "E300"),
    ("L330", "Montréal Office", "E300"),
    ("L340", "Calgary Field Office", "E300"),
    ("L900", "Remote Workforce", ""),
    ("L910", "Trade Show Booth", ""),
)
_SOLO_SITES = (("HQ", "Headquarters", ""), ("WH1", "Main Warehouse", ""), ("REMOTE", "Remote Staff", ""))


def _build_company(
    *,
    company_id: str,
    name: str,
    seed: int,
    accounts: int,
    vendors: int,
    entities: tuple[EntityRef, ...],
    entity_details: tuple[dict, ...],
    sites: tuple[tuple[str, str, str], ...],
    sizes: dict[str, int],
    users: tuple[User, ...],
    senders: frozenset[str],
    curated_vendors: bool,
) -> Company:
    def rng(purpose: str) -> random.Random:
        return random.Random(f"{seed}:{company_id}:{purpose}")

    multi = bool(entities)
    locations = build_locations(entities, sites, rng("LOCATION"))
    departments = build_departments(sizes["departments"], rng("DEPARTMENT"), entities)
    terms = build_ap_terms(sizes["terms"], rng("APTERM"))
    tables = {
        "GLACCOUNT": build_table(
            OBJECTS["GLACCOUNT"], build_accounts(accounts, rng("GLACCOUNT"), entities, multi)
        ),
        "LOCATIONENTITY": build_table(
            OBJECTS["LOCATIONENTITY"], build_entities(entities, entity_details, rng("LOCATIONENTITY"))
        ),
        "LOCATION": build_table(OBJECTS["LOCATION"], locations),
        "DEPARTMENT": build_table(OBJECTS["DEPARTMENT"], departments),
        "CLASS": build_table(OBJECTS["CLASS"], build_classes(sizes["classes"], rng("CLASS"), entities)),
        "PROJECT": build_table(
            OBJECTS["PROJECT"],
            build_projects(sizes["projects"], rng("PROJECT"), entities, departments, locations, "USD"),
        ),
        "APTERM": build_table(OBJECTS["APTERM"], terms),
        "VENDOR": Table(
            OBJECTS["VENDOR"],
            VendorSource(
                count=vendors,
                seed=seed,
                salt=f"{company_id}:VENDOR",
                entities=entities,
                term_names=tuple(t["NAME"] for t in terms),
                curated=curated_vendors,
            ),
        ),
    }
    # A single-entity company usually relabels locations; the term label shows that difference.
    dimensions = tuple(
        Dimension(d.object_name, d.label, "Site", d.user_defined, d.enabled_in_gl)
        if d.object_name == "LOCATION" and not multi
        else d
        for d in _STANDARD_DIMENSIONS
    )
    return Company(
        company_id=company_id,
        name=name,
        entities=entities,
        users={u.user_id.lower(): u for u in users},
        authorized_senders=senders,
        tables=tables,
        dimensions=dimensions,
    )


class Directory:
    """Every sender and company the sandbox serves, built from one seed."""

    def __init__(self, *, seed: int = 7, accounts: int = 400, vendors: int = 2000) -> None:
        if accounts < 0 or vendors < 0:
            raise ValueError("accounts and vendors must not be negative")
        self.senders = dict(SENDERS)
        everyone = frozenset(self.senders)
        acme = _build_company(
            company_id="ACME-DEMO",
            name="Acme Industries (demo)",
            seed=seed,
            accounts=accounts,
            vendors=vendors,
            entities=_ACME_ENTITIES,
            entity_details=_ACME_LEGAL,
            sites=_ACME_SITES,
            sizes={"departments": 30, "classes": 24, "projects": 36, "terms": 11},
            users=(
                User("routable_ws", DEMO_PASSWORD),
                User("limited_ws", DEMO_PASSWORD, denied_objects=frozenset({"GLACCOUNT"})),
                User("entity_ws", DEMO_PASSWORD, entities=frozenset({"E200"}), top_level=False),
            ),
            senders=everyone,
            curated_vendors=True,
        )
        solo = _build_company(
            company_id="SOLO-DEMO",
            name="Solo Studio (demo)",
            seed=seed + 1,
            accounts=max(1, accounts * 3 // 10) if accounts else 0,
            vendors=vendors // 10,
            entities=(),
            entity_details=(),
            sites=_SOLO_SITES,
            sizes={"departments": 8, "classes": 6, "projects": 5, "terms": 6},
            users=(User("routable_ws", DEMO_PASSWORD),),
            senders=everyone,
            curated_vendors=False,
        )
        noauth = _build_company(
            company_id="NOAUTH-DEMO",
            name="Unauthorized Co (demo)",
            seed=seed + 2,
            accounts=min(accounts, 40),
            vendors=min(vendors, 25),
            entities=(),
            entity_details=(),
            sites=_SOLO_SITES[:1],
            sizes={"departments": 4, "classes": 3, "projects": 2, "terms": 4},
            users=(User("routable_ws", DEMO_PASSWORD),),
            senders=frozenset({"SandboxPartner"}),
            curated_vendors=False,
        )
        self.companies = {c.company_id.upper(): c for c in (acme, solo, noauth)}

    def company(self, company_id: str) -> Company | None:
        # Company IDs are not case-sensitive at sign-in.
        return self.companies.get(company_id.strip().upper())

    def sender_ok(self, sender_id: str, password: str) -> bool:
        expected = self.senders.get(sender_id)  # sender IDs are case-sensitive
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())
