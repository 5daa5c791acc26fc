"""What words in a GL account title say about its Routable category: the lookup tables behind suggestions.

Each table maps a phrase (written as a finance person would, then normalised like a title) to a concept
and a weight: 1.0 means the phrase alone settles it ("bank fees"), 0.5 is a hint ("supplies"). A weight
above 1 marks a phrase that overrides everything else in the title: "Accumulated depreciation, equipment"
is a contra account, not equipment. Concepts are the default category names; a workspace's own
categories are matched to them by meaning (see ``resolve_categories``).

Income-statement and balance-sheet accounts use different tables: the same word means different things
on each side ("software" is a subscription on one and a capitalised asset on the other).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

from onboarding.mapping._suggest_text import phrase_stems, title_words

ADVERTISING = "Advertising & Marketing"
BANK_FEES = "Bank & Merchant Fees"
CONTRACTORS = "Contractors & Outsourced Services"
COGS = "Cost of Goods Sold"
EQUIPMENT = "Equipment & Hardware"
FIXED_ASSETS = "Fixed Assets"
INSURANCE = "Insurance"
INVENTORY = "Inventory"
LEGAL = "Legal & Professional Fees"
MEALS = "Meals & Entertainment"
OFFICE = "Office Supplies & Expenses"
PAYROLL = "Payroll, Benefits & HR"
PREPAID = "Prepaid Expenses"
RENT = "Rent & Facilities"
REPAIRS = "Repairs & Maintenance"
RESEARCH = "Research & Development"
SHIPPING = "Shipping, Freight & Postage"
SOFTWARE = "Software & Subscriptions"
TAXES = "Taxes, Licenses & Permits"
TELECOM = "Telecom & Internet"
TRAINING = "Training & Education"
TRAVEL = "Travel"
UTILITIES = "Utilities"
OTHER = "Other Expenses"
NOT_USED = "Not used in Routable"

BALANCE_SHEET_CONCEPTS = frozenset({FIXED_ASSETS, INVENTORY, PREPAID})
EXPENSE_CONCEPTS = frozenset(
    {
        ADVERTISING, BANK_FEES, CONTRACTORS, COGS, EQUIPMENT, INSURANCE, LEGAL, MEALS, OFFICE, PAYROLL,
        RENT, REPAIRS, RESEARCH, SHIPPING, SOFTWARE, TAXES, TELECOM, TRAINING, TRAVEL, UTILITIES, OTHER,
    }
)  # fmt: skip
ALL_CONCEPTS = EXPENSE_CONCEPTS | BALANCE_SHEET_CONCEPTS | {NOT_USED}

# Phrases on income-statement accounts with a debit balance (expenses and costs).
EXPENSE_RULES: dict[str, str] = {
    ADVERTISING: "advertising:1 advert:1 ads:1 marketing:1 promotion:0.9 promotional:0.9 public relations:1 "
    "sponsorship:0.9 exhibition:0.9 trade show:1 event:0.6 branding:0.9 campaign:0.8 seo:0.9 "
    "sales expense:0.8 sales marketing:0.9 media:0.7 lead generation:0.9 brochure:0.9 catalog:0.7",
    BANK_FEES: "bank fee:1 bank charge:1 bank service charge:1 merchant:1 merchant fee:1 credit card fee:1 "
    "card fee:1 card processing:1 payment processing:1 processing fee:0.9 financial charge:0.9 "
    "finance charge:0.8 service charge:0.9 wire fee:1 transaction fee:0.9 bank:0.6 paypal:0.9 stripe:0.9 "
    "credit card:0.7",
    CONTRACTORS: "contractor:1 subcontractor:1 contract labor:1 contract labour:1 outsourced:1 outsourcing:1 "
    "freelance:1 freelancer:1 temporary staff:0.9 temporary labor:0.9 agency fee:0.8 commission:0.65 "
    "outside service:0.9 contracted service:1 services:0.5",
    COGS: "cost of goods sold:1 cost of sales:1 cost of sale:1 cost of revenue:1 direct cost:0.9 "
    "product cost:1 direct expense:0.9 purchase:0.7 raw material:1 material:0.8 direct labor:1 "
    "direct labour:1 indirect labor:0.9 indirect labour:0.9 production:0.8 factory:0.9 manufacturing:0.8 "
    "merchandise:0.9 landed cost:1 purchase return:1 purchase discount:1 cost:0.55 labor:0.5 labour:0.5 "
    "goods for resale:1 subcontracted production:1",
    EQUIPMENT: "equipment:0.9 hardware:1 computer:0.9 computer equipment:1 laptop:1 machinery:0.9 tools:0.8 "
    "small equipment:1 furniture:0.8 equipment rental:0.9 purchase of equipment:1 information technology:0.6",
    INSURANCE: "insurance:1 liability insurance:1 product liability:1 premium:0.6 indemnity:0.9",
    LEGAL: "legal:1 attorney:1 lawyer:1 solicitor:1 professional fee:1 professional service:1 "
    "professional charge:1 professional:0.85 accounting:0.9 accountancy:1 audit:1 auditing:1 "
    "bookkeeping:1 tax preparation:1 consultancy:0.9 consulting:0.9 consultant:0.85 advisory:0.9 "
    "notary:1 litigation:1 trademark:0.8",
    MEALS: "meal:1 entertainment:1 entertaining:1 business meal:1 dining:1 restaurant:1 catering:0.9 "
    "client entertainment:1 food:0.8 lunch:0.9 dinner:0.9",
    OFFICE: "office supply:1 office expense:1 office:0.8 stationery:1 printing:0.8 consumable:0.8 "
    "supply:0.7 kitchen:0.8 toner:1 administrative:0.6 general administrative:0.6 office consumable:1",
    PAYROLL: "salary:1 wage:1 payroll:1 gross salary:1 bonus:1 employee benefit:1 benefit:0.8 pension:1 "
    "401k:1 retirement:0.9 superannuation:1 health insurance:1 medical insurance:1 dental:0.9 "
    "worker compensation:1.1 workers comp:1.1 payroll tax:1 national insurance:1 staff:0.8 employee:0.8 "
    "personnel:0.9 hr:1 human resource:1 recruitment:1 recruiting:1 hiring:0.9 remuneration:1 "
    "compensation:0.9 profit sharing:1 child support:0.9 fringe:1 vacation:0.8 holiday pay:0.9 "
    "overtime:1 fica:1 futa:1 suta:1 unemployment:0.9 social security:1 medicare:1 employer:0.9",
    RENT: "rent:1 rental:0.9 lease:0.9 rent and rates:1 premises:1 facilities:1 facility:1 property:0.7 "
    "occupancy:1 office space:1 coworking:1 building:0.7 janitorial:0.9 cleaning:0.7 storage:0.7 "
    "warehouse:0.8 business rates:1",
    REPAIRS: "repair:1 maintenance:1 repairs maintenance:1 upkeep:1 renewal:0.6 servicing:0.8",
    RESEARCH: "research development:1 research:0.9 prototype:0.9 laboratory:0.8 lab:0.7 clinical:0.8",
    SHIPPING: "shipping:1 freight:1 postage:1 courier:1 delivery:0.9 carriage:0.9 distribution:0.7 "
    "postal:1 forwarding:0.9 mail:0.8 mailing:0.8 packaging:0.8 logistics:1 haulage:1 fedex:1 dhl:1",
    SOFTWARE: "software:1 subscription:1 saas:1 software license:1 dues:0.65 membership:0.7 cloud:0.9 "
    "hosting:0.8 web service:0.8 online service:0.8 aws:1 app:0.7 publication:0.7 periodical:0.8",
    TAXES: "tax:0.8 taxes:0.8 property tax:1 franchise tax:1 sales tax:1 license:0.9 licenses:0.9 "
    "permit:1 business license:1 registration:0.8 filing fee:0.9 duty:0.8 excise:1 vat:0.6 other taxes:1",
    TELECOM: "telephone:1 phone:1 telecom:1 telecommunication:1 mobile:1 cell:0.9 cellular:1 internet:1 "
    "broadband:1 cable:0.8 network:0.8 voip:1 communication:0.9 fax:0.9",
    TRAINING: "training:1 education:1 tuition:1 seminar:1 course:1 conference:0.8 "
    "professional development:1 continuing education:1 certification:0.8 workshop:0.8 books:0.7 "
    "learning:0.9",
    TRAVEL: "travel:1 travelling:1 traveling:1 airfare:1 air fare:1 flight:1 hotel:1 lodging:1 "
    "accommodation:1 mileage:1 car:0.8 auto:0.8 automobile:0.8 vehicle:0.7 fuel:0.9 gasoline:1 "
    "trip:0.9 petrol:1 parking:1 toll:0.9 taxi:1 per diem:1 subsistence:0.8 truck:0.7 motor:0.6 "
    "transportation:0.8 transport:0.8 rail:0.8",
    UTILITIES: "utility:1 utilities:1 electricity:1 electric:1 power:0.9 heat:0.9 heating:0.9 gas:0.8 "
    "water:0.9 sewer:1 garbage:0.9 waste:0.8 trash:0.9 refuse:0.8 energy:0.9 hydro:0.8 light heat power:1",
    OTHER: "miscellaneous:0.7 sundry:0.8 other expense:0.7 general expense:0.6 donation:1 charitable:1 "
    "charity:1 contribution:0.7 penalty:0.9 penalties:0.9 fine:0.8 fines:0.8 gift:0.8 laundry:0.8 "
    "dry cleaning:0.9 late fee:0.8 expense:0.3 other:0.4",
    # Spend no bill is coded to: non-cash entries, financing, income tax, contra revenue.
    NOT_USED: "depreciation:1.5 amortization:1.5 bad debt:1.5 doubtful:1.5 interest:1.2 "
    "exchange:0.8 foreign exchange:1.5 exchange rate:1.5 currency:0.9 gain:0.9 loss:0.6 gain loss:1.5 "
    "disposal:1.5 income tax:1.5 corporation tax:1.5 corporate tax:1.5 cash over short:1.5 "
    "cash difference:1.5 rounding:1.5 round off:1.5 valuation:1 opening:1 adjustment:0.9 discount:0.8 "
    "cash discount:1.5 discount given:1.5 "
    "discount taken:1.5 suspense:1.5 clearing:1.2 impairment:1.5 write off:1.2 write down:1.2 "
    "unrealized:1.5 unrealised:1.5 realized:1 inventory adjustment:1.5 stock adjustment:1.5 "
    "shrinkage:1.2 spoilage:1.2 non sufficient fund:1.5 intercompany:1.2 elimination:1.5 "
    "provision:0.8 price variance:1.5 purchase price variance:1.6 variance:0.8 revaluation:1.5 "
    "finance cost:1.2 unapplied:1.5 dividend:1.5 revenue:0.8 income:0.7 return allowance:0.9 "
    "sales return:1.2 sales discount:1.2 sales allowance:1.2",
}

# Phrases on balance-sheet accounts with a debit balance (assets).
ASSET_RULES: dict[str, str] = {
    FIXED_ASSETS: "fixed asset:1 equipment:0.9 furniture:0.9 fixture:0.9 fitting:0.8 vehicle:0.9 "
    "motor vehicle:1 building:0.9 land:0.85 leasehold improvement:1 improvement:0.7 machinery:0.9 "
    "machine:0.9 plant:0.8 computer:0.9 hardware:0.9 software:0.85 patent:0.9 trademark:0.9 "
    "intangible:0.8 property plant equipment:1 depreciable property:1 depreciable:0.9 tool:0.8 "
    "depletable:0.9 license:0.8 development cost:0.8 organization cost:0.8 organisational cost:0.8 "
    "construction in progress:1 capital work in progress:1.2 capital expenditure:1 "
    "asset under construction:1",
    INVENTORY: "inventory:1 stock:0.9 raw material:1 finished good:1 work in progress:0.9 "
    "work in process:0.9 merchandise:1 goods in transit:0.8 stock valuation:1 trading stock:1 "
    "stock on hand:1 goods for resale:1",
    PREPAID: "prepaid:1 prepayment:1 prepaid expense:1 deposit:0.7 security deposit:0.9 "
    "earnest money:0.8 advance to supplier:1 vendor advance:1 supplier advance:1 deferred expense:0.9 "
    "deferred charge:0.9",
    NOT_USED: "cash:1 bank:0.9 checking:1 saving:1 petty cash:1 receivable:1 debtor:1 undeposited:1 "
    "clearing:1.2 tax:0.9 vat:1 gst:1 hst:1 pst:1 qst:1 investment:0.9 loan:0.9 note:0.8 "
    "employee advance:1 advance:0.6 credit card:0.9 allowance:0.9 doubtful:1.5 accumulated:1.5 "
    "depreciation:1.5 amortization:1.5 suspense:1.5 intercompany:1.2 due from:0.9 "
    "other current asset:0.7 current asset:0.6 non current asset:0.6 goodwill:0.9 drawing:1 "
    "capital:0.5 equity:1 earning:1 dividend:1 shareholder:1 owner:0.9 interim:1.5 not invoiced:1.5 "
    "opening:1 not billed:1.5 to receive:1.2 undelivered:1",
}

# Words that name the "not used" category itself in a workspace's own list.
EXCLUDED_NAME_RULES = (
    "not used:1 not used in routable:1 exclude:1 excluded:1 ignore:1 ignored:1 do not use:1 "
    "not applicable:1 n a:1 none:0.8 unmapped:0.8 non ap:1 skip:0.9 unused:1 out of scope:1 "
    "not in scope:1 not billable:1 non billable:1 do not map:1 no bill:1"
)

BALANCE_SHEET_NAME_RULES = {
    FIXED_ASSETS: "fixed asset:1 asset:0.8 capex:1 capital expenditure:1 capitalised:1 capitalized:1 "
    "property plant equipment:1",
    INVENTORY: "inventory:1 stock:1 merchandise:0.9 goods for resale:1",
    PREPAID: "prepaid:1 prepayment:1 deposit:0.8",
}

Rule = tuple[str, float, str]  # concept, weight, phrase as written


def _parse(spec: str) -> list[tuple[str, float]]:
    """Read "phrase one:1 other phrase:0.5" (phrases hold spaces, so split at each weight)."""
    pairs: list[tuple[str, float]] = []
    text = spec
    while text.strip():
        phrase, _, rest = text.partition(":")
        weight_text, _, text = rest.strip().partition(" ")
        pairs.append((phrase.strip(), float(weight_text)))
    return pairs


class RuleTable:
    """Phrases (as word stems) to the rules they trigger, plus how far a phrase can reach from a word."""

    def __init__(self, rules: dict[str, str]) -> None:
        phrases: dict[tuple[str, ...], list[Rule]] = defaultdict(list)
        for concept, spec in rules.items():
            for phrase, weight in _parse(spec):
                stems = phrase_stems(phrase)
                if stems:
                    phrases[stems].append((concept, weight, phrase))
        self.phrases = dict(phrases)
        # For each word that starts some phrase, the longest phrase it starts: other words are skipped.
        self.longest: dict[str, int] = {}
        for stems in self.phrases:
            self.longest[stems[0]] = max(self.longest.get(stems[0], 0), len(stems))


@cache
def expense_table() -> RuleTable:
    return RuleTable(EXPENSE_RULES)


@cache
def asset_table() -> RuleTable:
    return RuleTable(ASSET_RULES)


@cache
def category_name_table() -> RuleTable:
    """How a workspace's own category names are read: by their words, like titles, on either side."""
    rules: dict[str, str] = {concept: spec for concept, spec in EXPENSE_RULES.items() if concept != NOT_USED}
    rules[OTHER] += " other:1 misc:1 general:0.8"
    # Balance-sheet categories only by words no expense category uses: a category called "Equipment"
    # is for equipment bought as an expense, and must not take the fixed-asset accounts too.
    rules.update(BALANCE_SHEET_NAME_RULES)
    rules[NOT_USED] = EXCLUDED_NAME_RULES
    # The default names themselves ("Other Expenses", "Fixed Assets") also point at their concept.
    for concept in ALL_CONCEPTS:
        plain = concept.replace(",", " ").replace("&", " ")
        rules[concept] = f"{rules.get(concept, '')} {plain}:1".strip()
    return RuleTable(rules)


@cache
def known_stems() -> frozenset[str]:
    """Every word stem some rule phrase uses: the words that say something about a category."""
    tables = (expense_table(), asset_table())
    return frozenset(stem for table in tables for phrase in table.phrases for stem in phrase)


def matches(stems: Sequence[str], table: RuleTable) -> list[tuple]:
    """Every rule phrase found in the stems, minus those inside a longer phrase that also matched.

    Each result is (concept, score, phrase, start, end). Longer phrases score a little higher so that
    "health insurance" outranks "insurance" when both fit.
    """
    longest = table.longest
    found = []
    n = len(stems)
    for start in range(n):
        reach = longest.get(stems[start])
        if reach is None:
            continue
        for end in range(start + 1, min(n, start + reach) + 1):
            rules = table.phrases.get(tuple(stems[start:end]))
            if rules:
                for concept, weight, phrase in rules:
                    found.append((concept, weight + 0.02 * (end - start - 1), phrase, start, end))
    if len(found) < 2:
        return found
    return [
        item
        for item in found
        if not any(
            other[3] <= item[3] and item[4] <= other[4] and (other[4] - other[3]) > (item[4] - item[3])
            for other in found
        )
    ]


def resolve_categories(names: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Match a workspace's category names to concepts by what the names mean.

    Returns (concept -> category name, category name -> its main concept). A default name is itself;
    "SaaS" reads as software, "Travel & Entertainment" serves both travel and meals.
    """
    table = category_name_table()
    by_concept: dict[str, tuple[float, str]] = {}
    main_concept: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        exact = next((c for c in ALL_CONCEPTS if c.casefold() == name.strip().casefold()), None)
        scores: dict[str, float] = {}
        if exact is not None:
            scores[exact] = 3.0
        else:
            stems = [w.stem for w in title_words(name)]
            for concept, score, *_ in matches(stems, table):
                scores[concept] = max(scores.get(concept, 0.0), score)
        if not scores:
            continue
        main_concept[name] = max(scores, key=scores.__getitem__)
        for concept, score in scores.items():
            if score >= 0.6 and score > by_concept.get(concept, (0.0, ""))[0]:
                by_concept[concept] = (score, name)
    return {concept: name for concept, (_, name) in by_concept.items()}, main_concept
