"""The objects the sandbox knows: one field table per object, used for validation, lookup and inspect.

Field lists are the spec's section 6 plus the extra fields of section 12. Every field a record carries is
listed here, and nowhere else; data generation, filtering, rendering, ``lookup`` and ``inspect`` all read
from this table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# DATATYPE vocabulary as `lookup` reports it.
TEXT = "TEXT"
INTEGER = "INTEGER"
DECIMAL = "DECIMAL"
CURRENCY = "CURRENCY"
PERCENT = "PERCENT"
BOOLEAN = "BOOLEAN"
DATE = "DATE"
TIMESTAMP = "TIMESTAMP"
ENUM = "ENUM"
SEQUENCE = "SEQUENCE"

NUMERIC_TYPES = frozenset({INTEGER, SEQUENCE})
DECIMAL_TYPES = frozenset({DECIMAL, CURRENCY, PERCENT})

_NO_CODES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    datatype: str
    label: str
    valid_values: tuple[str, ...] = ()
    # Friendly value -> code stored in the database. readByQuery compares against stored codes (spec 5.1).
    raw_codes: Mapping[str, str] = dataclasses.field(default_factory=lambda: _NO_CODES)
    required: bool = False
    readonly: bool = False
    max_length: int = 0


@dataclass(frozen=True, slots=True)
class Relationship:
    path: str
    object_name: str
    label: str
    kind: str  # MANY2ONE or ONE2MANY
    related_by: str


@dataclass(frozen=True)
class ObjectDef:
    name: str
    singular: str
    plural: str
    id_field: str
    fields: tuple[Field, ...]
    relationships: tuple[Relationship, ...] = ()
    # Which field decides what a user signed in at an entity sees; blank values are shared records.
    scope_field: str = ""
    scope_shares_blank: bool = True
    _index: dict[str, Field] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({f.name.upper(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        """Field by integration name, case-insensitively (the gateway accepts `recordno` for RECORDNO)."""
        return self._index.get(name.strip().upper())

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# Short constructors keep the tables below readable.
def _t(name: str, label: str, max_length: int = 80, **kw) -> Field:
    return Field(name, TEXT, label, max_length=max_length, **kw)


def _i(name: str, label: str, **kw) -> Field:
    return Field(name, INTEGER, label, max_length=8, **kw)


def _b(name: str, label: str, **kw) -> Field:
    return Field(name, BOOLEAN, label, valid_values=("true", "false"), **kw)


def _e(name: str, label: str, values: tuple[str, ...], raw: dict[str, str] | None = None, **kw) -> Field:
    return Field(name, ENUM, label, valid_values=values, raw_codes=MappingProxyType(dict(raw or {})), **kw)


def _ts(name: str, label: str) -> Field:
    return Field(name, TIMESTAMP, label, readonly=True)


def _d(name: str, label: str) -> Field:
    return Field(name, DATE, label)


def _c(name: str, label: str) -> Field:
    return Field(name, CURRENCY, label, max_length=14)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_STATUS_ACTIVE = _e("STATUS", "Status", ("active", "inactive"), {"active": "T", "inactive": "F"})


def _record_no() -> Field:
    return Field("RECORDNO", INTEGER, "Record number", readonly=True, max_length=8)


def _audit() -> tuple[Field, ...]:
    return (
        _ts("WHENCREATED", "When created"),
        _ts("WHENMODIFIED", "When modified"),
        Field("CREATEDBY", INTEGER, "Created by", readonly=True),
        Field("MODIFIEDBY", INTEGER, "Modified by", readonly=True),
    )


def _mega() -> tuple[Field, ...]:
    return (
        Field("MEGAENTITYKEY", INTEGER, "Created at - Entity key", readonly=True),
        _t("MEGAENTITYID", "Created at - Entity ID", 20, readonly=True),
        _t("MEGAENTITYNAME", "Created at - Entity name", 40, readonly=True),
    )


_REQUIRE_FLAGS = tuple(
    _b(f"REQUIRE{dim}", f"Require {label}")
    for dim, label in (
        ("DEPT", "department"),
        ("LOC", "location"),
        ("PROJECT", "project"),
        ("CUSTOMER", "customer"),
        ("VENDOR", "vendor"),
        ("EMPLOYEE", "employee"),
        ("ITEM", "item"),
        ("CLASS", "class"),
        ("CONTRACT", "contract"),
        ("WAREHOUSE", "warehouse"),
    )
)

GLACCOUNT = ObjectDef(
    name="GLACCOUNT",
    singular="GL Account",
    plural="GL Accounts",
    id_field="ACCOUNTNO",
    fields=(
        _record_no(),
        _t("ACCOUNTNO", "Account number", 24, required=True),
        _t("TITLE", "Title", 80, required=True),
        _e(
            "ACCOUNTTYPE",
            "Account type",
            ("balancesheet", "incomestatement"),
            {"balancesheet": "N", "incomestatement": "I"},
        ),
        _e("NORMALBALANCE", "Normal balance", ("debit", "credit"), {"debit": "1", "credit": "-1"}),
        _e(
            "CLOSINGTYPE",
            "Period end closing type",
            ("non-closing account", "closing account", "closed to account"),
            {"non-closing account": "N", "closing account": "C", "closed to account": "T"},
        ),
        _t("CLOSINGACCOUNTNO", "Close into account", 24),
        _t("CLOSINGACCOUNTTITLE", "Close into account title", 80),
        _STATUS_ACTIVE,
        _t("CATEGORY", "Category", 80),
        Field("CATEGORYKEY", INTEGER, "Category key"),
        _b("TAXABLE", "Taxable"),
        _t("TAXCODE", "Tax return code", 20),
        _t("MRCCODE", "M-3 return code", 20),
        _e(
            "ALTERNATIVEACCOUNT",
            "GL account alternative",
            ("None", "Payables account", "Receivables account"),
        ),
        Field("CLOSETOACCTKEY", INTEGER, "Close to account key"),
        *_REQUIRE_FLAGS,
        *_audit(),
        *_mega(),
    ),
    relationships=(Relationship("MEGAENTITY", "LOCATIONENTITY", "Entity", "MANY2ONE", "MEGAENTITYID"),),
    scope_field="MEGAENTITYID",
)

_CONTACT_PARTS = (
    ("CONTACTNAME", "Contact name"),
    ("COMPANYNAME", "Company name"),
    ("PREFIX", "Prefix"),
    ("FIRSTNAME", "First name"),
    ("LASTNAME", "Last name"),
    ("INITIAL", "Middle initial"),
    ("PRINTAS", "Print as"),
    ("PHONE1", "Primary phone"),
    ("PHONE2", "Secondary phone"),
    ("CELLPHONE", "Mobile phone"),
    ("FAX", "Fax"),
    ("EMAIL1", "Primary email address"),
    ("EMAIL2", "Secondary email address"),
    ("URL1", "Primary URL"),
    ("MAILADDRESS.ADDRESS1", "Address line 1"),
    ("MAILADDRESS.ADDRESS2", "Address line 2"),
    ("MAILADDRESS.CITY", "City"),
    ("MAILADDRESS.STATE", "State or province"),
    ("MAILADDRESS.ZIP", "ZIP or postal code"),
    ("MAILADDRESS.COUNTRY", "Country"),
    ("MAILADDRESS.COUNTRYCODE", "Country code"),
)

VENDOR = ObjectDef(
    name="VENDOR",
    singular="Vendor",
    plural="Vendors",
    id_field="VENDORID",
    fields=(
        _record_no(),
        _t("VENDORID", "Vendor ID", 20, required=True),
        _t("NAME", "Vendor name", 100, required=True),
        _t("NAME1099", "Name on 1099 form", 100),
        Field("PARENTKEY", INTEGER, "Parent key"),
        _t("PARENTID", "Parent vendor ID", 20),
        _t("PARENTNAME", "Parent vendor name", 100),
        _STATUS_ACTIVE,
        _t("VENDTYPE", "Vendor type", 40),
        _t("VENDORACCOUNTNO", "Account number with the vendor", 40),
        _t("ACCOUNTLABEL", "Default expense account label", 40),
        _t("APACCOUNT", "AP account", 24),
        _t("APACCOUNTTITLE", "AP account title", 80),
        _t("TERMNAME", "Payment term", 40),
        _t("TAXID", "Tax ID", 20),
        _e("FORM1099TYPE", "Form 1099 type", ("", "MISC", "NEC", "INT", "DIV")),
        _t("FORM1099BOX", "Form 1099 box", 4),
        _t("GLGROUP", "Vendor GL group", 40),
        _c("CREDITLIMIT", "Credit limit"),
        _b("ONHOLD", "On hold"),
        _b("DONOTCUTCHECK", "Do not pay"),
        _t("CURRENCY", "Default currency", 3),
        _e(
            "PAYMETHODKEY",
            "Preferred payment method",
            ("", "Printed Check", "ACH", "EFT", "Credit Card", "Cash", "Wire"),
        ),
        _e("PAYMENTPRIORITY", "Payment priority", ("Urgent", "High", "Normal", "Low")),
        _b("ACHENABLED", "ACH enabled"),
        _t("ACHBANKROUTINGNUMBER", "ACH bank routing number", 9),
        _t("ACHACCOUNTNUMBER", "ACH account number", 20),
        _e("ACHACCOUNTTYPE", "ACH account type", ("", "Checking Account", "Savings Account")),
        _b("ONETIME", "One-time vendor"),
        _b("HIDEDISPLAYCONTACT", "Exclude from contact list"),
        _t("COMMENTS", "Comments", 200),
        _e("OBJECTRESTRICTION", "Restriction type", ("Unrestricted", "RootOnly", "Restricted")),
        _c("TOTALDUE", "Total due"),
        *(_t(f"DISPLAYCONTACT.{part}", f"Primary contact - {label}", 100) for part, label in _CONTACT_PARTS),
        _t("PAYTOCONTACT.CONTACTNAME", "Pay-to contact name", 100),
        _t("RETURNTOCONTACT.CONTACTNAME", "Return-to contact name", 100),
        _t("CONTACTINFO.CONTACTNAME", "Contact name", 100),
        *_audit(),
        *_mega(),
    ),
    relationships=(
        Relationship(
            "DISPLAYCONTACT", "CONTACT", "Primary contact", "MANY2ONE", "DISPLAYCONTACT.CONTACTNAME"
        ),
        Relationship("PAYTOCONTACT", "CONTACT", "Pay-to contact", "MANY2ONE", "PAYTOCONTACT.CONTACTNAME"),
        Relationship("TERM", "APTERM", "Payment term", "MANY2ONE", "TERMNAME"),
        Relationship("APACCOUNTREF", "GLACCOUNT", "AP account", "MANY2ONE", "APACCOUNT"),
        Relationship("PARENT", "VENDOR", "Parent vendor", "MANY2ONE", "PARENTID"),
        Relationship("MEGAENTITY", "LOCATIONENTITY", "Entity", "MANY2ONE", "MEGAENTITYID"),
    ),
    scope_field="MEGAENTITYID",
)

LOCATIONENTITY = ObjectDef(
    name="LOCATIONENTITY",
    singular="Entity",
    plural="Entities",
    id_field="LOCATIONID",
    fields=(
        _record_no(),
        _t("LOCATIONID", "Entity ID", 20, required=True),
        _t("NAME", "Entity name", 40, required=True),
        _t("PARENTID", "Parent ID", 20),
        _t("REPORTPRINTAS", "Name on reports", 100),
        _t("SUPERVISORID", "Manager employee ID", 20),
        _t("SUPERVISORNAME", "Manager name", 100),
        _e("FIRSTMONTH", "First fiscal month", MONTHS),
        _e("FIRSTMONTHTAX", "First tax month", MONTHS),
        _e("WEEKSTART", "Week start", ("Sunday", "Monday")),
        _t("FEDERALID", "Federal ID", 20),
        _d("STARTDATE", "Start date"),
        _d("ENDDATE", "End date"),
        _STATUS_ACTIVE,
        _t("CUSTOMERID", "Inter-entity customer ID", 20),
        _t("CUSTOMERNAME", "Inter-entity customer name", 100),
        _t("VENDORID", "Inter-entity vendor ID", 20),
        _t("VENDORNAME", "Inter-entity vendor name", 100),
        _t("CURRENCY", "Base currency", 3),
        _t("TAXID", "Tax ID", 20),
        _b("HAS_IE_RELATION", "Has inter-entity relationship"),
        _b("ENABLELEGALCONTACT", "Use a separate legal contact"),
        _t("LEGALNAME", "Legal name", 100),
        _t("LEGALADDRESS1", "Legal address line 1", 100),
        _t("LEGALADDRESS2", "Legal address line 2", 100),
        _t("LEGALCITY", "Legal city", 40),
        _t("LEGALSTATE", "Legal state", 40),
        _t("LEGALZIPCODE", "Legal ZIP code", 20),
        _t("LEGALCOUNTRY", "Legal country", 60),
        _t("OPCOUNTRY", "Operating country", 60),
        _t("ADDRESSCOUNTRYDEFAULT", "Default address country", 60),
        _t("RECORD_URL", "Record URL", 200, readonly=True),
        *_audit(),
    ),
    # Signed in at an entity, a user sees only that entity (unconfirmed upstream; the plausible reading).
    scope_field="LOCATIONID",
    scope_shares_blank=False,
)

LOCATION = ObjectDef(
    name="LOCATION",
    singular="Location",
    plural="Locations",
    id_field="LOCATIONID",
    fields=(
        _record_no(),
        _t("LOCATIONID", "Location ID", 20, required=True),
        _t("NAME", "Location name", 40, required=True),
        _t("PARENTID", "Parent location ID", 20),
        _t("PARENTNAME", "Parent location name", 40),
        _STATUS_ACTIVE,
        _t("CURRENCY", "Currency", 3),
        _t("SUPERVISORID", "Manager employee ID", 20),
        _t("SUPERVISORNAME", "Manager name", 100),
        _t("CUSTTITLE", "Title", 80),
        _b("ENTITY", "Is an entity"),
        _t("CONTACTINFO.CONTACTNAME", "Contact name", 100),
        _t("SHIPTO.CONTACTNAME", "Ship-to contact name", 100),
        *_audit(),
        *_mega(),
    ),
    relationships=(Relationship("PARENT", "LOCATION", "Parent location", "MANY2ONE", "PARENTID"),),
    scope_field="MEGAENTITYID",
)

DEPARTMENT = ObjectDef(
    name="DEPARTMENT",
    singular="Department",
    plural="Departments",
    id_field="DEPARTMENTID",
    fields=(
        _record_no(),
        _t("DEPARTMENTID", "Department ID", 20, required=True),
        _t("TITLE", "Department name", 40, required=True),
        Field("PARENTKEY", INTEGER, "Parent key"),
        _t("PARENTID", "Parent department ID", 20),
        _t("PARENTNAME", "Parent department name", 40),
        _t("SUPERVISORID", "Manager employee ID", 20),
        _t("SUPERVISORNAME", "Manager name", 100),
        _STATUS_ACTIVE,
        _t("CUSTTITLE", "Title", 80),
        *_audit(),
        *_mega(),
    ),
    relationships=(Relationship("PARENT", "DEPARTMENT", "Parent department", "MANY2ONE", "PARENTID"),),
    scope_field="MEGAENTITYID",
)

CLASS = ObjectDef(
    name="CLASS",
    singular="Class",
    plural="Classes",
    id_field="CLASSID",
    fields=(
        _record_no(),
        _t("CLASSID", "Class ID", 20, required=True),
        _t("NAME", "Name", 40, required=True),
        _t("DESCRIPTION", "Description", 200),
        _STATUS_ACTIVE,
        Field("PARENTKEY", INTEGER, "Parent key"),
        _t("PARENTID", "Parent class ID", 20),
        _t("PARENTNAME", "Parent class name", 40),
        _t("RECORD_URL", "Record URL", 200, readonly=True),
        *_audit(),
        *_mega(),
    ),
    relationships=(Relationship("PARENT", "CLASS", "Parent class", "MANY2ONE", "PARENTID"),),
    scope_field="MEGAENTITYID",
)

PROJECT = ObjectDef(
    name="PROJECT",
    singular="Project",
    plural="Projects",
    id_field="PROJECTID",
    fields=(
        _record_no(),
        _t("PROJECTID", "Project ID", 20, required=True),
        _t("NAME", "Project name", 200, required=True),
        _t("DESCRIPTION", "Description", 200),
        _t("CURRENCY", "Currency", 3),
        _e(
            "PROJECTCATEGORY",
            "Project category",
            ("Contract", "Capitalized", "Internal Billable", "Internal Non-billable"),
        ),
        _t("PROJECTSTATUS", "Project status", 40),
        _t("PROJECTTYPE", "Project type", 40),
        Field("PARENTKEY", INTEGER, "Parent key"),
        _t("PARENTID", "Parent project ID", 20),
        _t("PARENTNAME", "Parent project name", 200),
        _STATUS_ACTIVE,
        Field("CUSTOMERKEY", INTEGER, "Customer key"),
        _t("CUSTOMERID", "Customer ID", 20),
        _t("CUSTOMERNAME", "Customer name", 100),
        _t("DEPARTMENTNAME", "Department name", 40),
        _t("LOCATIONID", "Location ID", 20),
        _t("LOCATIONNAME", "Location name", 40),
        _t("BUDGETID", "Budget ID", 20),
        _d("BEGINDATE", "Begin date"),
        _d("ENDDATE", "End date"),
        *_audit(),
        *_mega(),
    ),
    relationships=(Relationship("PARENT", "PROJECT", "Parent project", "MANY2ONE", "PARENTID"),),
    scope_field="MEGAENTITYID",
)

APTERM = ObjectDef(
    name="APTERM",
    singular="AP Term",
    plural="AP Terms",
    id_field="NAME",
    fields=(
        _record_no(),
        _t("NAME", "Term", 40, required=True),
        _t("DESCRIPTION", "Description", 200),
        _STATUS_ACTIVE,
        Field("DUEDATE", INTEGER, "Due in days"),
        _e(
            "DUEFROM",
            "Due from",
            ("from invoice date", "of the month of invoice date", "of next month from invoice date"),
        ),
        Field("DISCDATE", INTEGER, "Discount within days"),
        _e("DISCFROM", "Discount from", ("", "from invoice date", "of the month of invoice date")),
        Field("DISCAMOUNT", DECIMAL, "Discount amount"),
        _e("DISCPERCAMN", "Discount unit", ("", "Percentage", "Amount")),
        Field("DISCFUDGEDAYS", INTEGER, "Discount grace days"),
        _e("PEN_TYPES", "Penalty cycle", ("No Penalty", "Daily", "Weekly", "Monthly", "Quarterly")),
        Field("PENAMOUNT", DECIMAL, "Penalty amount"),
        _e("PENPERCAMN", "Penalty unit", ("", "Percentage", "Amount")),
        Field("PENFUDGEDAYS", INTEGER, "Penalty grace days"),
        _e("DISCCALCON", "Calculate discount on", ("Bill Total", "Line Items Total")),
        *_audit(),
    ),
)

OBJECTS: Mapping[str, ObjectDef] = MappingProxyType(
    {o.name: o for o in (GLACCOUNT, VENDOR, LOCATIONENTITY, LOCATION, DEPARTMENT, CLASS, PROJECT, APTERM)}
)


def object_def(name: str) -> ObjectDef | None:
    """Object by name, case-insensitively: the gateway takes `glaccount` and `GLACCOUNT` alike."""
    return OBJECTS.get(name.strip().upper())
