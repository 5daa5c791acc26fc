"""Vendors generated on demand from (seed, RECORDNO), so a company with 100,000 vendors starts instantly.

Nothing is stored per vendor. Reading one field that filters and sorts often use (NAME, STATUS,
WHENMODIFIED, the owning entity...) costs a microsecond or two; reading a whole record costs a few
microseconds; the last couple of thousand built (one page) are cached.

Speed matters because a page of 2,000 vendors is built on every request for one, inside the latency the
sandbox promises: the seven hash lanes a record needs are mixed once each, and timestamps are put
together from per-day and per-minute strings made once instead of going through datetime and strftime.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from .clock import format_timestamp
from .hashing import mix64, pick, stream_key
from .vocabulary import (
    AWKWARD_VENDORS,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    FIRST_NAMES,
    GL_GROUPS,
    INITIALS,
    INTERNATIONAL_VENDORS,
    STREETS,
    SURNAMES,
    TRADES,
    US_PLACES,
    VENDOR_COMMENTS,
    VENDOR_TYPES,
)

EPOCH = datetime(2019, 1, 1)
LATEST = datetime(2025, 6, 30, 23, 59, 59)
_CREATED_SPAN = int((datetime(2024, 12, 31) - EPOCH).total_seconds())
_LATEST_S = int((LATEST - EPOCH).total_seconds())
_DAY = 86_400

# Every vendor timestamp falls between EPOCH and LATEST, so "MM/DD/YYYY HH:MM:SS" (clock.TIMESTAMP_FORMAT)
# is a day prefix, a minute and a second, each taken from a table made once.
_DAY_TEXT = tuple(format_timestamp(EPOCH + timedelta(days=d))[:11] for d in range(_LATEST_S // _DAY + 1))
_MINUTE_TEXT = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(24 * 60))
_SECOND_TEXT = tuple(f"{s:02d}" for s in range(60))


def _stamp(seconds: int) -> str:
    """The timestamp ``seconds`` after EPOCH, as format_timestamp writes it."""
    day, rest = divmod(seconds, _DAY)
    return _DAY_TEXT[day] + _MINUTE_TEXT[rest // 60] + _SECOND_TEXT[rest % 60]


def _lanes(key: int, recno: int) -> tuple[int, ...]:
    """``mix64(key ^ (recno * 16 + lane))`` for lanes 0..6: a whole record needs all seven."""
    base = recno * 16
    return (
        mix64(key ^ base),
        mix64(key ^ (base + 1)),
        mix64(key ^ (base + 2)),
        mix64(key ^ (base + 3)),
        mix64(key ^ (base + 4)),
        mix64(key ^ (base + 5)),
        mix64(key ^ (base + 6)),
    )


_DIAL_CODES = {
    "DE": "49",
    "FR": "33",
    "SE": "46",
    "DK": "45",
    "PL": "48",
    "CH": "41",
    "CA": "1",
    "BR": "55",
    "FI": "358",
    "US": "1",
}
_COUNTRY_SUFFIX = {
    "DE": "GmbH",
    "FR": "SARL",
    "SE": "AB",
    "DK": "ApS",
    "PL": "Sp. z o.o.",
    "CH": "AG",
    "CA": "Ltd.",
    "BR": "Ltda.",
    "FI": "Oy",
}
_TERM_WEIGHTS = (
    "Net 30",
    "Net 30",
    "Net 30",
    "Net 15",
    "Net 45",
    "Net 60",
    "Due on receipt",
    "2% 10 Net 30",
    "End of month",
)
_PAY_METHODS = ("Printed Check", "Printed Check", "ACH", "ACH", "ACH", "EFT", "Credit Card", "Wire", "")
_PRIORITIES = ("Normal",) * 8 + ("High", "Urgent", "Low")
_FORM1099_BOX = {"NEC": "1", "MISC": "3"}


@dataclass(frozen=True)
class EntityRef:
    entity_id: str
    name: str
    key: int
    currency: str


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=16384)
def _slug(name: str) -> str:
    """An ASCII e-mail/domain fragment: "Müller GmbH" -> "muller-gmbh"."""
    if name.isascii():  # most names; folding to ASCII would change nothing
        ascii_only = name.replace("&", " and ").lower()
    else:
        folded = unicodedata.normalize("NFKD", name.replace("&", " and ").replace("ß", "ss"))
        ascii_only = folded.encode("ascii", "ignore").decode().lower()
    return _NOT_ALNUM.sub("-", ascii_only).strip("-")[:40] or "vendor"


class VendorSource:
    """The VENDOR records of one company, numbered 1..count."""

    first_recno = 1

    def __init__(
        self,
        *,
        count: int,
        seed: int,
        salt: str,
        entities: tuple[EntityRef, ...] = (),
        base_currency: str = "USD",
        term_names: tuple[str, ...] = _TERM_WEIGHTS,
        ap_account: tuple[str, str] = ("2000", "Accounts Payable"),
        curated: bool = True,
        entity_share_pct: int = 10,
    ) -> None:
        self.count = count
        self._key = stream_key(seed, salt)
        self._entities = entities
        self._base_currency = base_currency
        self._terms = tuple(t for t in _TERM_WEIGHTS if t in term_names) or term_names
        self._ap_account = ap_account
        self._curated: tuple[tuple, ...] = self._curated_list() if curated else ()
        self._entity_pct = entity_share_pct if entities else 0
        self._fast: dict[str, Callable[[int], str]] = {
            "RECORDNO": str,
            "VENDORID": self.vendor_id,
            "NAME": self.name,
            "DISPLAYCONTACT.COMPANYNAME": self.name,
            "DISPLAYCONTACT.PRINTAS": self.name,
            "STATUS": self._status,
            "WHENCREATED": self._created,
            "WHENMODIFIED": self._modified,
            "MEGAENTITYID": lambda r: self._entity_field(r, 0),
            "MEGAENTITYNAME": lambda r: self._entity_field(r, 1),
            "MEGAENTITYKEY": lambda r: self._entity_field(r, 2),
            "CURRENCY": self._currency,
        }
        self._cached_record = lru_cache(maxsize=2048)(self._build)

    @staticmethod
    def _curated_list() -> tuple[tuple, ...]:
        # International and awkward names first, interleaved, so small demo companies still show them.
        curated: list[tuple] = []
        awkward = [(name, None) for name in AWKWARD_VENDORS]
        international = [(row[0], row) for row in INTERNATIONAL_VENDORS]
        while awkward or international:
            if international:
                curated.append(international.pop(0))
            if awkward:
                curated.append(awkward.pop(0))
        return tuple(curated)

    def _bits(self, recno: int, lane: int) -> int:
        return mix64(self._key ^ (recno * 16 + lane))

    # -- fields cheap enough to scan across every vendor ------------------------------------------------

    @staticmethod
    def vendor_id(recno: int) -> str:
        return f"V{recno:05d}"

    def _identity(self, recno: int, bits: int | None = None) -> tuple[str, tuple | None]:
        """(vendor name, international place row or None); ``bits`` is lane 0 if the caller has it."""
        if recno <= len(self._curated):
            return self._curated[recno - 1]
        if bits is None:
            bits = self._bits(recno, 0)
        kind = bits % 100
        if kind < 48:
            return (
                f"{pick(bits >> 8, COMPANY_WORDS)} {pick(bits >> 16, TRADES)} "
                f"{pick(bits >> 24, COMPANY_SUFFIXES)}",
                None,
            )
        if kind < 70:
            return (
                f"{pick(bits >> 8, SURNAMES)} {pick(bits >> 16, TRADES)} "
                f"{pick(bits >> 24, COMPANY_SUFFIXES)}",
                None,
            )
        if kind < 84:
            ending = pick(bits >> 24, ("LLP", "LLC", "Associates", "Partners"))
            return f"{pick(bits >> 8, SURNAMES)} & {pick(bits >> 16, SURNAMES)} {ending}", None
        if kind < 96:
            return f"{pick(bits >> 8, FIRST_NAMES)} {pick(bits >> 16, SURNAMES)}", None
        place = pick(bits >> 8, INTERNATIONAL_VENDORS)
        suffix = _COUNTRY_SUFFIX.get(place[5], "Ltd.")
        return f"{pick(bits >> 16, COMPANY_WORDS)} {pick(bits >> 24, TRADES)} {suffix}", place

    def name(self, recno: int) -> str:
        return self._identity(recno)[0]

    def _status(self, recno: int) -> str:
        return "inactive" if (self._bits(recno, 0) >> 32) % 100 < 7 else "active"

    @staticmethod
    def _date_seconds(bits: int) -> tuple[int, int]:
        """(created, modified) in seconds after EPOCH, from lane 1."""
        created = bits % _CREATED_SPAN
        if (bits >> 40) % 4 == 0:
            return created, created
        return created, created + (bits >> 20) % (_LATEST_S - created)

    def _created(self, recno: int) -> str:
        return _stamp(self._date_seconds(self._bits(recno, 1))[0])

    def _modified(self, recno: int) -> str:
        return _stamp(self._date_seconds(self._bits(recno, 1))[1])

    def _entity(self, recno: int, bits: int | None = None) -> EntityRef | None:
        """The owning entity, or None (shared); ``bits`` is lane 2 if the caller has it."""
        if not self._entity_pct:
            return None
        if bits is None:
            bits = self._bits(recno, 2)
        if bits % 100 >= self._entity_pct:
            return None
        return pick(bits >> 8, self._entities)

    def _entity_field(self, recno: int, which: int) -> str:
        entity = self._entity(recno)
        if entity is None:
            return ""
        return (entity.entity_id, entity.name, str(entity.key))[which]

    def _currency(self, recno: int) -> str:
        place = self._identity(recno)[1]
        if place is not None:
            return place[6]
        entity = self._entity(recno)
        return entity.currency if entity else self._base_currency

    # -- whole records ---------------------------------------------------------------------------------

    def value(self, recno: int, field: str) -> str:
        fast = self._fast.get(field)
        if fast is not None:
            return fast(recno)
        return self._cached_record(recno).get(field, "")

    def record(self, recno: int) -> dict[str, str]:
        return dict(self._cached_record(recno))

    def view(self, recno: int) -> dict[str, str]:
        return self._cached_record(recno)

    def _build(self, recno: int) -> dict[str, str]:
        b0, b1, b2, b3, b4, b5, b6 = _lanes(self._key, recno)
        name, place = self._identity(recno, b0)
        vendor_id = f"V{recno:05d}"
        created, modified = self._date_seconds(b1)
        entity = self._entity(recno, b2)
        person = recno > len(self._curated) and 84 <= b0 % 100 < 96

        if person:
            first, last = name.split(" ", 1)
        else:
            first, last = FIRST_NAMES[b3 % len(FIRST_NAMES)], SURNAMES[(b3 >> 8) % len(SURNAMES)]
        domain = f"{_slug(name)}.example"
        if place is not None:
            _, city, state, postal, country, country_code, currency = place
            dial = _DIAL_CODES.get(country_code, "1")
            phone = f"+{dial} {20 + b4 % 70} {b4 >> 8 & 0xFFFFF:07d}"
            tax_id = f"{country_code}{(b4 >> 32) % 10**9:09d}"
        else:
            city, state, prefix = US_PLACES[b4 % len(US_PLACES)]
            postal, country, country_code = f"{prefix}{(b4 >> 8) % 100:02d}", "United States", "US"
            phone = f"({200 + (b4 >> 16) % 800}) 555-01{(b4 >> 28) % 100:02d}"
            tax_id = f"{10 + (b4 >> 36) % 90:02d}-{(b4 >> 12) % 10**7:07d}" if b4 % 4 else ""
            currency = entity.currency if entity else self._base_currency

        form1099 = ""
        if place is None and (person or b5 % 10 == 0):
            form1099 = "NEC" if b5 % 3 else "MISC"
        pay_method = _PAY_METHODS[(b5 >> 8) % len(_PAY_METHODS)]
        ach = pay_method == "ACH"
        parent = ""
        if recno > 20 and (b6 % 100) < 3:
            parent_no = recno - 1 - (b6 >> 8) % min(recno - 2, 500)
            parent = str(parent_no)
        contact_name = f"{name}({vendor_id})"
        if entity is not None:
            entity_key, entity_id, entity_name = str(entity.key), entity.entity_id, entity.name
        else:
            entity_key = entity_id = entity_name = ""

        return {
            "RECORDNO": str(recno),
            "VENDORID": vendor_id,
            "NAME": name,
            "NAME1099": name.upper() if form1099 else "",
            "PARENTKEY": parent,
            "PARENTID": f"V{parent_no:05d}" if parent else "",
            "PARENTNAME": self.name(parent_no) if parent else "",
            "STATUS": "inactive" if (b0 >> 32) % 100 < 7 else "active",
            "VENDTYPE": VENDOR_TYPES[(b5 >> 16) % len(VENDOR_TYPES)],
            "VENDORACCOUNTNO": f"ACCT-{(b6 >> 12) % 10**6:06d}" if (b6 >> 40) % 5 < 3 else "",
            "ACCOUNTLABEL": "",
            "APACCOUNT": self._ap_account[0],
            "APACCOUNTTITLE": self._ap_account[1],
            "TERMNAME": self._terms[(b5 >> 24) % len(self._terms)],
            "TAXID": tax_id,
            "FORM1099TYPE": form1099,
            "FORM1099BOX": _FORM1099_BOX.get(form1099, ""),
            "GLGROUP": GL_GROUPS[(b6 >> 20) % len(GL_GROUPS)],
            "CREDITLIMIT": "" if (b6 >> 28) % 5 < 2 else str(500 * (1 + (b6 >> 32) % 200)),
            "ONHOLD": "true" if (b6 >> 44) % 50 == 0 else "false",
            "DONOTCUTCHECK": "true" if (b6 >> 50) % 100 == 0 else "false",
            "CURRENCY": currency,
            "PAYMETHODKEY": pay_method,
            "PAYMENTPRIORITY": _PRIORITIES[(b5 >> 32) % len(_PRIORITIES)],
            "ACHENABLED": "true" if ach else "false",
            "ACHBANKROUTINGNUMBER": f"0{(b5 >> 36) % 10**8:08d}" if ach else "",
            "ACHACCOUNTNUMBER": f"{(b3 >> 20) % 10**10:010d}" if ach else "",
            "ACHACCOUNTTYPE": ("Savings Account" if b5 % 7 == 0 else "Checking Account") if ach else "",
            "ONETIME": "true" if (b3 >> 40) % 100 == 0 else "false",
            "HIDEDISPLAYCONTACT": "false",
            "COMMENTS": VENDOR_COMMENTS[(b3 >> 44) % len(VENDOR_COMMENTS)],
            "OBJECTRESTRICTION": "Restricted" if entity else "Unrestricted",
            "TOTALDUE": "0" if (b6 >> 56) % 2 else f"{(b4 >> 40) % 5_000_000 / 100:.2f}",
            "DISPLAYCONTACT.CONTACTNAME": contact_name,
            "DISPLAYCONTACT.COMPANYNAME": name,
            "DISPLAYCONTACT.PREFIX": "",
            "DISPLAYCONTACT.FIRSTNAME": first,
            "DISPLAYCONTACT.LASTNAME": last,
            "DISPLAYCONTACT.INITIAL": INITIALS[(b3 >> 16) % len(INITIALS)],
            "DISPLAYCONTACT.PRINTAS": name,
            "DISPLAYCONTACT.PHONE1": phone,
            "DISPLAYCONTACT.PHONE2": "" if (b3 >> 24) % 5 else phone[:-2] + f"{(b3 >> 30) % 100:02d}",
            "DISPLAYCONTACT.CELLPHONE": "",
            "DISPLAYCONTACT.FAX": "",
            "DISPLAYCONTACT.EMAIL1": f"ap@{domain}"
            if (b3 >> 34) % 3 == 0
            else f"{_slug(first)}.{_slug(last)}@{domain}",
            "DISPLAYCONTACT.EMAIL2": f"billing@{domain}" if (b3 >> 38) % 10 < 3 else "",
            "DISPLAYCONTACT.URL1": f"https://www.{domain}" if (b3 >> 42) % 2 else "",
            "DISPLAYCONTACT.MAILADDRESS.ADDRESS1": f"{100 + (b4 >> 44) % 9800} {pick(b4 >> 52, STREETS)}",
            "DISPLAYCONTACT.MAILADDRESS.ADDRESS2": f"Suite {100 + (b6 >> 4) % 900}" if b6 % 4 == 0 else "",
            "DISPLAYCONTACT.MAILADDRESS.CITY": city,
            "DISPLAYCONTACT.MAILADDRESS.STATE": state,
            "DISPLAYCONTACT.MAILADDRESS.ZIP": postal,
            "DISPLAYCONTACT.MAILADDRESS.COUNTRY": country,
            "DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE": country_code,
            "PAYTOCONTACT.CONTACTNAME": contact_name,
            "RETURNTOCONTACT.CONTACTNAME": contact_name,
            "CONTACTINFO.CONTACTNAME": contact_name,
            "WHENCREATED": _stamp(created),
            "WHENMODIFIED": _stamp(modified),
            "CREATEDBY": str(1 + b6 % 9),
            "MODIFIEDBY": str(1 + (b6 >> 8) % 9),
            "MEGAENTITYKEY": entity_key,
            "MEGAENTITYID": entity_id,
            "MEGAENTITYNAME": entity_name,
        }
