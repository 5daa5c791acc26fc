"""Turn an account title into comparable word stems, remembering which written word each came from.

GL titles are short and full of bookkeeping shorthand ("Accum. Dep.", "T&E", "Prof. fees"), so the
shorthand is spelled out before anything is compared; the written form is kept so a reason can quote
what the title actually says.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Shorthand seen in charts of accounts, spelled out. Keys are lower case, without dots.
ABBREVIATIONS: dict[str, str] = {
    "t&e": "travel entertainment",
    "r&m": "repairs maintenance",
    "r&d": "research development",
    "rd": "research development",
    "g&a": "general administrative",
    "s&m": "sales marketing",
    "a/p": "accounts payable",
    "a/r": "accounts receivable",
    "amort": "amortization",
    "amortisation": "amortization",
    "subscr": "subscriptions",
    "subscrip": "subscriptions",
    "subs": "subscriptions",
    "dep": "depreciation",
    "depr": "depreciation",
    "depn": "depreciation",
    "deprec": "depreciation",
    "accum": "accumulated",
    "accumd": "accumulated",
    "exp": "expense",
    "exps": "expenses",
    "expn": "expense",
    "svc": "services",
    "svcs": "services",
    "srvc": "services",
    "serv": "services",
    "prof": "professional",
    "profl": "professional",
    "telco": "telecom",
    "tel": "telephone",
    "tele": "telephone",
    "ph": "phone",
    "equip": "equipment",
    "eqpt": "equipment",
    "eqp": "equipment",
    "manufac": "manufacturing",
    "mfg": "manufacturing",
    "provn": "provision",
    "prov'n": "provision",
    "ins": "insurance",
    "insur": "insurance",
    "adv": "advertising",
    "advtg": "advertising",
    "mktg": "marketing",
    "mkt": "marketing",
    "maint": "maintenance",
    "util": "utilities",
    "utils": "utilities",
    "misc": "miscellaneous",
    "emp": "employee",
    "empl": "employee",
    "admin": "administrative",
    "cogs": "cost of goods sold",
    "wip": "work in progress",
    "cos": "cost of sales",
    "cwip": "capital work in progress",
    "ppe": "property plant equipment",
    "pp&e": "property plant equipment",
    "capex": "capital expenditure",
    "fx": "foreign exchange",
    "sw": "software",
    "hw": "hardware",
    "saas": "software subscriptions",
    "lic": "license",
    "licence": "license",
    "licences": "licenses",
    "mgmt": "management",
    "mgt": "management",
    "dev": "development",
    "gen": "general",
    "trav": "travel",
    "trvl": "travel",
    "entmt": "entertainment",
    "comms": "communications",
    "mob": "mobile",
    "chg": "charge",
    "chgs": "charges",
    "bnk": "bank",
    "nic": "national insurance",
    "ni": "national insurance",
    "paye": "payroll",
    "super": "superannuation",
    "subcon": "subcontractor",
    "temp": "temporary",
    "acctg": "accounting",
    "bldg": "building",
    "bldgs": "buildings",
    "furn": "furniture",
    "veh": "vehicle",
    "mv": "motor vehicle",
    "ofc": "office",
    "supp": "supplies",
    "frt": "freight",
    "pstg": "postage",
    "reimb": "reimbursement",
    "med": "medical",
    "hlth": "health",
    "bens": "benefits",
    "sal": "salaries",
    "sals": "salaries",
    "nsf": "non sufficient funds",
}

_FILLER_WORDS = (
    "and the for to on in a an inc incl including with from by at or account acct control total"
)
STOPWORDS = frozenset(_FILLER_WORDS.split())

_LETTER_DOTS = re.compile(r"\b(?:[a-z]\.){2,}")
_AMPERSAND_PAIR = re.compile(r"\b([a-z]{1,2})\s*([&/])\s*([a-z]{1,2})\b")
_FOUR_OH_ONE_K = re.compile(r"\b401\s*[-(]?\s*k\)?")
_WORD = re.compile(r"[a-z]{1,2}[&/][a-z]{1,2}\b|[a-z0-9']+")


class Word(NamedTuple):
    stem: str
    written: str  # the word as the title wrote it (lower case), for quoting in a reason
    spelled: str  # the same word with shorthand spelled out ("subscr": "subscriptions")


def stem(word: str) -> str:
    """A light English stemmer: enough to make plurals and possessives meet their singular."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _raw_words(title: str) -> list[str]:
    text = title.lower()
    # The rewrites only matter for titles holding these characters; most titles skip them.
    if "." in text:
        text = _LETTER_DOTS.sub(lambda m: m.group(0).replace(".", ""), text)
    if "401" in text:
        text = _FOUR_OH_ONE_K.sub(" 401k ", text)
    if "&" in text or "/" in text:
        text = _AMPERSAND_PAIR.sub(lambda m: f" {m.group(1)}{m.group(2)}{m.group(3)} ", text)
    return _WORD.findall(text)


_RAW_WORD_CACHE: dict[tuple[str, bool], tuple[Word, ...]] = {}


def _spell_out(raw: str, keep_it: bool) -> tuple[Word, ...]:
    cached = _RAW_WORD_CACHE.get((raw, keep_it))
    if cached is not None:
        return cached
    written = raw.strip("'")
    if written == "it" and keep_it:
        expansion = "information technology"
    else:
        expansion = ABBREVIATIONS.get(written, written)
    out = tuple(
        Word(stem(part), written, part)
        for part in expansion.split()
        if "&" not in part and "/" not in part and part not in STOPWORDS
    )
    if len(_RAW_WORD_CACHE) < 200_000:
        _RAW_WORD_CACHE[(raw, keep_it)] = out
    return out


@lru_cache(maxsize=65536)
def words(title: str, keep_it: bool = False) -> tuple[Word, ...]:
    """The title's meaningful word stems in order, shorthand spelled out and filler words dropped.

    ``keep_it`` says the title wrote "IT" in capitals, which then means information technology.
    """
    out: list[Word] = []
    for raw in _raw_words(title):
        out.extend(_spell_out(raw, keep_it))
    return tuple(out)


_CAPITAL_IT = re.compile(r"\bIT\b")


def title_words(title: object) -> tuple[Word, ...]:
    """``words`` for any value a record may hold: None, numbers and blanks give no words."""
    if not isinstance(title, str):
        title = "" if title is None else str(title)
    title = title.strip()
    if not title:
        return ()
    return words(title, keep_it="IT" in title and _CAPITAL_IT.search(title) is not None)


def spelled_out(word: Word) -> bool:
    """Whether the title wrote this word as shorthand ("Subscr.") rather than in full."""
    return stem(word.written) != word.stem


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """How a rule's phrase looks after the same normalisation a title goes through."""
    return tuple(word.stem for word in words(phrase))
