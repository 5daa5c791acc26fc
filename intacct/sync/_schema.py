"""What the sync copies: one explicit field list per Intacct object, and the local table it lands in.

Fields are chosen for what Routable does with the data: GL accounts are mapped to Routable categories, so
every account field is kept (the REQUIRE* flags decide which dimensions a bill line must carry). Vendors
are matched to Routable vendors, so the fields that identify one are kept (ID, names, primary email and
phone, city/ZIP/country, status, terms) and nothing more: vendors are by far the largest object, every
field costs transfer and parsing time on each of their pages, and bank details or tax IDs would be a
liability to hold locally.

Every object table is keyed by RECORDNO (an INTEGER primary key, so range scans are index walks) and keeps
the field names as column names, plus two bookkeeping columns:

* ``_deleted`` 1 when the record is no longer in Intacct (or no longer visible to the user); kept, never
  silently dropped, so a mapping that points at it can say so.
* ``_synced_at`` when the sync last wrote the row (inserted, changed or marked deleted), UTC ISO 8601.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

MODIFIED_FIELD = "WHENMODIFIED"

_AUDIT = ("WHENCREATED", "WHENMODIFIED")
_ENTITY = ("MEGAENTITYID", "MEGAENTITYNAME")


@dataclass(frozen=True)
class ObjectSchema:
    """One Intacct object as the sync copies it."""

    name: str
    label: str
    fields: tuple[str, ...]
    # Rough record count in a typical company, to ask for big objects' first pages early (see _engine).
    typical_size: int = 100

    @property
    def table(self) -> str:
        return self.name

    @property
    def data_fields(self) -> tuple[str, ...]:
        """The fields other than RECORDNO, in column order."""
        return tuple(f for f in self.fields if f != "RECORDNO")


def _schema(name: str, label: str, *fields: str, typical_size: int = 100) -> ObjectSchema:
    if fields[0] != "RECORDNO" or MODIFIED_FIELD not in fields or len(set(fields)) != len(fields):
        raise AssertionError(f"bad field list for {name}")  # a mistake in this table, caught at import
    return ObjectSchema(name, label, fields, typical_size)


_TABLE = (
    _schema(
        "GLACCOUNT",
        "GL accounts",
        "RECORDNO",
        "ACCOUNTNO",
        "TITLE",
        "ACCOUNTTYPE",
        "NORMALBALANCE",
        "CLOSINGTYPE",
        "CLOSINGACCOUNTNO",
        "CLOSINGACCOUNTTITLE",
        "STATUS",
        "CATEGORY",
        "CATEGORYKEY",
        "TAXABLE",
        "TAXCODE",
        "MRCCODE",
        "ALTERNATIVEACCOUNT",
        "CLOSETOACCTKEY",
        "REQUIREDEPT",
        "REQUIRELOC",
        "REQUIREPROJECT",
        "REQUIRECUSTOMER",
        "REQUIREVENDOR",
        "REQUIREEMPLOYEE",
        "REQUIREITEM",
        "REQUIRECLASS",
        "REQUIRECONTRACT",
        "REQUIREWAREHOUSE",
        *_AUDIT,
        "CREATEDBY",
        "MODIFIEDBY",
        "MEGAENTITYKEY",
        *_ENTITY,
        typical_size=1000,
    ),
    _schema(
        "LOCATIONENTITY",
        "Entities",
        "RECORDNO",
        "LOCATIONID",
        "NAME",
        "PARENTID",
        "REPORTPRINTAS",
        "STATUS",
        "CURRENCY",
        "OPCOUNTRY",
        *_AUDIT,
    ),
    _schema(
        "LOCATION",
        "Locations",
        "RECORDNO",
        "LOCATIONID",
        "NAME",
        "PARENTID",
        "PARENTNAME",
        "STATUS",
        "CURRENCY",
        *_AUDIT,
        *_ENTITY,
    ),
    _schema(
        "DEPARTMENT",
        "Departments",
        "RECORDNO",
        "DEPARTMENTID",
        "TITLE",
        "PARENTID",
        "PARENTNAME",
        "STATUS",
        *_AUDIT,
        *_ENTITY,
    ),
    _schema(
        "CLASS",
        "Classes",
        "RECORDNO",
        "CLASSID",
        "NAME",
        "DESCRIPTION",
        "STATUS",
        "PARENTID",
        "PARENTNAME",
        *_AUDIT,
        *_ENTITY,
    ),
    _schema(
        "PROJECT",
        "Projects",
        "RECORDNO",
        "PROJECTID",
        "NAME",
        "DESCRIPTION",
        "PROJECTCATEGORY",
        "PROJECTSTATUS",
        "PARENTID",
        "PARENTNAME",
        "STATUS",
        "CUSTOMERID",
        "CUSTOMERNAME",
        "DEPARTMENTNAME",
        "LOCATIONID",
        "LOCATIONNAME",
        *_AUDIT,
        *_ENTITY,
    ),
    _schema(
        "APTERM",
        "AP terms",
        "RECORDNO",
        "NAME",
        "DESCRIPTION",
        "STATUS",
        "DUEDATE",
        "DUEFROM",
        "DISCDATE",
        "DISCFROM",
        "DISCAMOUNT",
        "DISCPERCAMN",
        *_AUDIT,
    ),
    _schema(
        "VENDOR",
        "Vendors",
        "RECORDNO",
        "VENDORID",
        "NAME",
        "PARENTID",
        "STATUS",
        "VENDTYPE",
        "TERMNAME",
        "CURRENCY",
        "PAYMETHODKEY",
        "ONHOLD",
        "DISPLAYCONTACT.COMPANYNAME",
        "DISPLAYCONTACT.PHONE1",
        "DISPLAYCONTACT.EMAIL1",
        "DISPLAYCONTACT.MAILADDRESS.CITY",
        "DISPLAYCONTACT.MAILADDRESS.STATE",
        "DISPLAYCONTACT.MAILADDRESS.ZIP",
        "DISPLAYCONTACT.MAILADDRESS.COUNTRY",
        MODIFIED_FIELD,
        "MEGAENTITYID",
        typical_size=10_000,
    ),
)

SCHEMAS = MappingProxyType({s.name: s for s in _TABLE})

# GL accounts lead so that mapping can start while the rest loads.
DEFAULT_OBJECTS: tuple[str, ...] = (
    "GLACCOUNT",
    "LOCATIONENTITY",
    "LOCATION",
    "DEPARTMENT",
    "CLASS",
    "PROJECT",
    "APTERM",
    "VENDOR",
)


def schema(object_name: str) -> ObjectSchema:
    """The schema of an object the sync knows; ValueError names the ones it does."""
    try:
        return SCHEMAS[object_name.upper()]
    except (KeyError, AttributeError):
        raise ValueError(
            f"the sync does not know the object {object_name!r}; it knows {', '.join(SCHEMAS)}"
        ) from None
