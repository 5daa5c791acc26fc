"""Deterministic demo records for the small objects: accounts, entities, locations, departments, classes,
projects and AP terms. The same seed always gives the same records."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from .clock import format_date, format_timestamp
from .vendors import EPOCH, LATEST, EntityRef
from .vocabulary import (
    ACCOUNT_VARIANTS,
    AP_TERMS,
    CHART_OF_ACCOUNTS,
    CLASSES,
    CONTRA_ACCOUNTS,
    CUSTOMERS,
    DEPARTMENTS,
    FIRST_NAMES,
    PROJECT_NAMES,
    PROJECT_STATUSES,
    PROJECT_TYPES,
    SURNAMES,
)

RETAINED_EARNINGS = (3200, "Retained Earnings")


def _stamps(rng: random.Random) -> dict[str, str]:
    created = EPOCH + timedelta(seconds=rng.randrange(int((datetime(2024, 12, 31) - EPOCH).total_seconds())))
    span = int((LATEST - created).total_seconds())
    modified = created if rng.random() < 0.3 else created + timedelta(seconds=rng.randrange(span))
    return {
        "WHENCREATED": format_timestamp(created),
        "WHENMODIFIED": format_timestamp(modified),
        "CREATEDBY": str(rng.randint(1, 9)),
        "MODIFIEDBY": str(rng.randint(1, 9)),
    }


def _owner(rng: random.Random, entities: Sequence[EntityRef], share: float) -> dict[str, str]:
    if entities and rng.random() < share:
        entity = rng.choice(entities)
        return {
            "MEGAENTITYKEY": str(entity.key),
            "MEGAENTITYID": entity.entity_id,
            "MEGAENTITYNAME": entity.name,
        }
    return {}


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _tf(flag: bool) -> str:
    return "true" if flag else "false"


def _choose_accounts(count: int, rng: random.Random) -> list[tuple[int, str, str]]:
    """`count` accounts with unique numbers: the standard chart, thinned out or extended with variants."""
    chart = list(CHART_OF_ACCOUNTS)
    if count <= len(chart):
        if count <= 0:
            return []
        if count == 1:
            return [chart[0]]
        step = (len(chart) - 1) / (count - 1)
        return [chart[round(i * step)] for i in range(count)]
    used = {number for number, _, _ in chart}
    bases = [row for row in chart if 5000 <= row[0] < 8000 or 4000 <= row[0] < 4100]
    candidates = [(base, variant) for base in bases for variant in ACCOUNT_VARIANTS]
    rng.shuffle(candidates)
    extra: list[tuple[int, str, str]] = []
    for (number, title, category), variant in candidates:
        if len(chart) + len(extra) >= count:
            break
        block_end = (number // 1000 + 1) * 1000
        free = next((n for n in range(number + 1, block_end) if n not in used), None)
        if free is None:
            continue
        used.add(free)
        extra.append((free, f"{title} - {variant}", category))
    filler = 1000
    while len(chart) + len(extra) < count:  # more accounts than the variants give: plain numbered ones
        while filler in used:
            filler += 1
        used.add(filler)
        extra.append((filler, f"General Account {filler}", "Other"))
    return chart + extra


def build_accounts(
    count: int, rng: random.Random, entities: Sequence[EntityRef], multi_entity: bool
) -> list[dict[str, str]]:
    chosen = _choose_accounts(count, rng)
    categories = sorted({category for _, _, category in chosen})
    order = {number: i for i, (number, _, _) in enumerate(chosen, start=1)}
    records = []
    for number, title, category in chosen:
        base = number if number < 10000 else 9000
        income = 4000 <= base < 9000
        credit = base // 1000 in (2, 3, 4) or base in (8000, 8010, 8020)
        if number in CONTRA_ACCOUNTS:
            credit = not credit
        expense = 5000 <= base < 8000
        variant = " - " in title
        record = {
            "ACCOUNTNO": str(number),
            "TITLE": title,
            "ACCOUNTTYPE": "incomestatement" if income else "balancesheet",
            "NORMALBALANCE": "credit" if credit else "debit",
            "CLOSINGTYPE": "closing account" if income else "non-closing account",
            "CLOSINGACCOUNTNO": str(RETAINED_EARNINGS[0]) if income else "",
            "CLOSINGACCOUNTTITLE": RETAINED_EARNINGS[1] if income else "",
            "CLOSETOACCTKEY": str(order.get(RETAINED_EARNINGS[0], "")) if income else "",
            "STATUS": "inactive" if rng.random() < (0.12 if variant else 0.04) else "active",
            "CATEGORY": category,
            "CATEGORYKEY": str(100 + categories.index(category)),
            "TAXABLE": _tf(number in (4000, 4010, 4100)),
            "ALTERNATIVEACCOUNT": {2000: "Payables account", 1100: "Receivables account"}.get(number, "None"),
            "REQUIREDEPT": _tf(expense and rng.random() < 0.6),
            "REQUIRELOC": _tf(multi_entity and (expense or income) and rng.random() < 0.4),
            "REQUIREPROJECT": _tf((5300 <= base < 5400 or 7000 <= base < 7100) and rng.random() < 0.7),
            "REQUIRECUSTOMER": _tf(number in (1100, 2300)),
            "REQUIREVENDOR": _tf(number in (2000, 2010)),
            "REQUIREEMPLOYEE": _tf(number in (1150, 6450)),
            "REQUIREITEM": _tf(1200 <= base < 1300),
            "REQUIRECLASS": _tf(4000 <= base < 5000 and rng.random() < 0.5),
            "REQUIRECONTRACT": "false",
            "REQUIREWAREHOUSE": _tf(1200 <= base < 1300 and rng.random() < 0.5),
            **_stamps(rng),
            **_owner(rng, entities, 0.15 if variant else 0.02),
        }
        records.append(record)
    return records


def build_entities(entities: Sequence[EntityRef], details: Sequence[dict[str, str]], rng) -> list[dict]:
    records = []
    for entity, extra in zip(entities, details, strict=True):
        manager = _person(rng)
        record = {
            "LOCATIONID": entity.entity_id,
            "NAME": entity.name,
            "REPORTPRINTAS": entity.name,
            "SUPERVISORID": f"EMP-{rng.randint(1000, 1999)}",
            "SUPERVISORNAME": manager,
            "FIRSTMONTH": "January",
            "FIRSTMONTHTAX": "January",
            "WEEKSTART": "Monday" if entity.currency != "USD" else "Sunday",
            "FEDERALID": f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}",
            "STARTDATE": format_date(datetime(2015 + entity.key, 1, 1)),
            "ENDDATE": "",
            "STATUS": "active",
            "CURRENCY": entity.currency,
            "HAS_IE_RELATION": "true",
            "CUSTOMERID": f"IE-C-{entity.entity_id}",
            "CUSTOMERNAME": f"{entity.name} (inter-entity)",
            "VENDORID": f"IE-V-{entity.entity_id}",
            "VENDORNAME": f"{entity.name} (inter-entity)",
            "ENABLELEGALCONTACT": "true",
            "LEGALNAME": entity.name,
            "RECORD_URL": f"/ia/acct/ur.phtml?.r={entity.key}&.o=LOCATIONENTITY",
            **extra,
            **_stamps(rng),
        }
        records.append(record)
    return records


def build_locations(
    entities: Sequence[EntityRef], sites: Sequence[tuple[str, str, str]], rng: random.Random
) -> list[dict[str, str]]:
    """Entities appear in LOCATION too (as entity-type locations); `sites` are (id, name, parent id)."""
    names = {e.entity_id: e for e in entities}
    records = []
    for entity in entities:
        records.append(
            {
                "LOCATIONID": entity.entity_id,
                "NAME": entity.name,
                "STATUS": "active",
                "CURRENCY": entity.currency,
                "SUPERVISORNAME": _person(rng),
                "ENTITY": "true",
                "CONTACTINFO.CONTACTNAME": entity.name,
                "SHIPTO.CONTACTNAME": entity.name,
                "MEGAENTITYKEY": str(entity.key),
                "MEGAENTITYID": entity.entity_id,
                "MEGAENTITYNAME": entity.name,
                **_stamps(rng),
            }
        )
    for site_id, site_name, parent in sites:
        owner = names.get(parent)
        records.append(
            {
                "LOCATIONID": site_id,
                "NAME": site_name,
                "PARENTID": parent,
                "PARENTNAME": owner.name if owner else "",
                "STATUS": "inactive" if rng.random() < 0.1 else "active",
                "CURRENCY": owner.currency if owner else "",
                "SUPERVISORID": f"EMP-{rng.randint(1000, 1999)}",
                "SUPERVISORNAME": _person(rng),
                "ENTITY": "false",
                "CONTACTINFO.CONTACTNAME": site_name,
                "SHIPTO.CONTACTNAME": site_name,
                "MEGAENTITYKEY": str(owner.key) if owner else "",
                "MEGAENTITYID": owner.entity_id if owner else "",
                "MEGAENTITYNAME": owner.name if owner else "",
                **_stamps(rng),
            }
        )
    return records


def build_departments(count: int, rng: random.Random, entities: Sequence[EntityRef]) -> list[dict]:
    chosen = list(DEPARTMENTS[:count])
    ids = {dept_id: i for i, (dept_id, _) in enumerate(chosen, start=1)}
    titles = dict(chosen)
    records = []
    for dept_id, title in chosen:
        parent = ""
        if dept_id[2] != "0":
            parent = dept_id[:2] + "0"
        elif dept_id[1] != "0":
            parent = dept_id[0] + "00"
        if parent not in ids:
            parent = ""
        records.append(
            {
                "DEPARTMENTID": dept_id,
                "TITLE": title,
                "PARENTKEY": str(ids[parent]) if parent else "",
                "PARENTID": parent,
                "PARENTNAME": titles.get(parent, ""),
                "SUPERVISORID": f"EMP-{rng.randint(1000, 1999)}",
                "SUPERVISORNAME": _person(rng),
                "STATUS": "inactive" if rng.random() < 0.08 else "active",
                "CUSTTITLE": "",
                **_stamps(rng),
                **_owner(rng, entities, 0.1),
            }
        )
    return records


def build_classes(count: int, rng: random.Random, entities: Sequence[EntityRef]) -> list[dict[str, str]]:
    chosen = list(CLASSES[:count])
    ids = {class_id: i for i, (class_id, _) in enumerate(chosen, start=1)}
    names = dict(chosen)
    parents = {"SUBS": "SW", "MAINT": "SVC", "TRAIN": "SVC", "SMB": "ENT", "MIDMKT": "ENT"}
    records = []
    for class_id, name in chosen:
        parent = parents.get(class_id, "")
        if parent not in ids:
            parent = ""
        records.append(
            {
                "CLASSID": class_id,
                "NAME": name,
                "DESCRIPTION": f"Revenue and spend for {name.lower()}",
                "STATUS": "inactive" if rng.random() < 0.08 else "active",
                "PARENTKEY": str(ids[parent]) if parent else "",
                "PARENTID": parent,
                "PARENTNAME": names.get(parent, ""),
                "RECORD_URL": f"/ia/acct/ur.phtml?.r={ids[class_id]}&.o=CLASS",
                **_stamps(rng),
                **_owner(rng, entities, 0.1),
            }
        )
    return records


def build_projects(
    count: int,
    rng: random.Random,
    entities: Sequence[EntityRef],
    departments: Sequence[dict[str, str]],
    locations: Sequence[dict[str, str]],
    currency: str,
) -> list[dict[str, str]]:
    records = []
    for i, name in enumerate(PROJECT_NAMES[:count]):
        category = rng.choice(("Contract", "Capitalized", "Internal Billable", "Internal Non-billable"))
        customer = rng.choice(CUSTOMERS) if category == "Contract" else None
        department = rng.choice(departments) if departments else {}
        location = rng.choice(locations) if locations else {}
        begin = datetime(2022, 1, 1) + timedelta(days=rng.randrange(1000))
        status = rng.choice(PROJECT_STATUSES)
        owner = _owner(rng, entities, 0.2)
        records.append(
            {
                "PROJECTID": f"PRJ-{1001 + i}",
                "NAME": name,
                "DESCRIPTION": f"{name} ({category.lower()})",
                "CURRENCY": currency,
                "PROJECTCATEGORY": category,
                "PROJECTSTATUS": status,
                "PROJECTTYPE": rng.choice(PROJECT_TYPES),
                "STATUS": "inactive" if status == "Completed" and rng.random() < 0.5 else "active",
                "CUSTOMERKEY": str(CUSTOMERS.index(customer) + 1) if customer else "",
                "CUSTOMERID": customer[0] if customer else "",
                "CUSTOMERNAME": customer[1] if customer else "",
                "DEPARTMENTNAME": department.get("TITLE", ""),
                "LOCATIONID": location.get("LOCATIONID", ""),
                "LOCATIONNAME": location.get("NAME", ""),
                "BUDGETID": f"BUD-{begin.year}" if rng.random() < 0.6 else "",
                "BEGINDATE": format_date(begin),
                "ENDDATE": format_date(begin + timedelta(days=rng.randrange(90, 720)))
                if rng.random() < 0.7
                else "",
                **_stamps(rng),
                **owner,
            }
        )
    return records


def build_ap_terms(count: int, rng: random.Random) -> list[dict[str, str]]:
    records = []
    for name, description, due, due_from, disc_days, disc_pct in AP_TERMS[:count]:
        records.append(
            {
                "NAME": name,
                "DESCRIPTION": description,
                "STATUS": "active",
                "DUEDATE": str(due),
                "DUEFROM": due_from,
                "DISCDATE": str(disc_days) if disc_days else "",
                "DISCFROM": "from invoice date" if disc_days else "",
                "DISCAMOUNT": disc_pct,
                "DISCPERCAMN": "Percentage" if disc_pct else "",
                "DISCFUDGEDAYS": "0" if disc_days else "",
                "PEN_TYPES": "No Penalty",
                "PENAMOUNT": "",
                "PENPERCAMN": "",
                "PENFUDGEDAYS": "",
                "DISCCALCON": "Bill Total",
                **_stamps(rng),
            }
        )
    return records
