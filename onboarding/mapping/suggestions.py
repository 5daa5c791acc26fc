"""Suggest a Routable category for each Intacct GL account, with a confidence and a plain reason.

Three signals, in this order:

1. the account itself: title words (shorthand spelled out, see ``_suggest_text``), read against the
   tables in ``_suggest_rules`` for its side of the ledger, and its type and normal balance (revenue,
   liabilities and equity are never coded on a bill);
2. mappings approved in other workspaces of this deployment, when given: the same title approved the
   same way is strong evidence, a similar title a weaker one;
3. the company's numbering: accounts next to each other in one range usually share a category, so a
   second pass fills weak guesses from agreeing neighbours and tempers strong guesses that disagree.

Confidence is calibrated so that suggestions at or above 0.8 (what "accept all above 0.8" takes) are
right at least 95% of the time on the labeled charts in ``bench/data``; ``bench/suggest_eval.py``
measures it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from onboarding.mapping import _suggest_rules as rules
from onboarding.mapping._suggest_text import Word, spelled_out, title_words
from onboarding.mapping.defaults import default_category_names

__all__ = ["Suggestion", "suggest"]

ACCEPT_THRESHOLD = 0.8  # what the Map page's "accept all at or above" starts from
_READINGS_KEPT = 50_000  # per list of categories: a large chart's worth, bounded memory

_NEIGHBOUR_WINDOW = 3


@dataclass(frozen=True)
class Suggestion:
    category: str | None
    confidence: float  # 0..1
    reason: str


class _Account(NamedTuple):
    number: str
    numeric: int | None
    group: tuple[int, str] | None  # same digit count and leading digit: one numbering range
    title: str
    words: tuple[Word, ...]
    side: str | None  # "balance" or "income"
    balance: str | None  # "debit" or "credit"
    category: str = ""  # Intacct's own account category (CATEGORY), when the company uses them


class _Guess(NamedTuple):
    category: str | None
    confidence: float
    reason: str

    def suggestion(self) -> Suggestion:
        return Suggestion(self.category, round(max(0.0, min(1.0, self.confidence)), 3), self.reason)


class _Vocabulary:
    """The workspace's category names and which concept each one serves."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = [n for n in names if isinstance(n, str) and n.strip()]
        self.by_casefold = {n.strip().casefold(): n for n in self.names}
        self.by_concept, self.main_concept = rules.resolve_categories(self.names)
        self.readings: dict[tuple, _Guess] = {}  # (title, side, balance, category) -> what the account says

    def category(self, concept: str) -> tuple[str | None, str]:
        """The category for a concept, and a note when only a stand-in exists in this workspace."""
        if concept in self.by_concept:
            return self.by_concept[concept], ""
        stand_in = rules.OTHER if concept in rules.EXPENSE_CONCEPTS else rules.NOT_USED
        if stand_in in self.by_concept:
            return self.by_concept[stand_in], f" (this workspace has no category for {concept})"
        return None, f" (this workspace has no category for {concept})"

    def from_approved_name(self, name: object) -> str | None:
        """The current category an approved name stands for: the same name, or one meaning the same."""
        if not isinstance(name, str) or not name.strip():
            return None
        same = self.by_casefold.get(name.strip().casefold())
        if same is not None:
            return same
        _, main = rules.resolve_categories([name])
        concept = main.get(name)
        return self.by_concept.get(concept) if concept else None


@lru_cache(maxsize=8)
def _vocabulary(names: tuple[str, ...]) -> _Vocabulary:
    return _Vocabulary(names)


def suggest(
    accounts: Iterable[Mapping[str, object]],
    categories: Iterable[str] | None = None,
    *,
    approved: Iterable[tuple[Mapping[str, object], str]] | None = None,
) -> list[Suggestion]:
    """One suggestion per account, in the order given.

    ``accounts`` are Intacct GL account records (``ACCOUNTNO``, ``TITLE``, ``ACCOUNTTYPE``,
    ``NORMALBALANCE``; other keys are ignored, missing or blank ones tolerated). ``categories`` are the
    workspace's category names (None: the defaults); suggestions only ever name one of them.
    ``approved`` holds (account, category name) pairs approved in other workspaces of this deployment.
    """
    if categories is None:
        names = tuple(default_category_names())
    else:
        names = tuple(name for name in categories if isinstance(name, str))
    vocabulary = _vocabulary(names)
    records = [_read(account) for account in accounts]

    # What an account says about itself depends only on its title, type and balance: read each once,
    # and keep the readings for the next call (the Map page asks again on every rerun).
    by_title = vocabulary.readings
    if len(by_title) > _READINGS_KEPT:
        by_title.clear()
    guesses: list[_Guess] = []
    for record in records:
        key = (record.title, record.side, record.balance, record.category)
        guess = by_title.get(key)
        if guess is None:
            guess = by_title[key] = _from_account(record, vocabulary)
        guesses.append(guess)

    if approved is not None:
        memory = _ApprovedMemory(approved, vocabulary)
        if memory:
            guesses = [memory.apply(record, guess) for record, guess in zip(records, guesses, strict=True)]

    guesses = _with_neighbours(records, guesses)
    return [guess.suggestion() for guess in guesses]


# --- reading a record -------------------------------------------------------------------------------


def _text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    return str(value).strip()


_DEBIT = frozenset({"debit", "dr", "1"})
_CREDIT = frozenset({"credit", "cr", "-1"})
_NOT_DIGITS = re.compile(r"\D+")


def _read(account: Mapping[str, object]) -> _Account:
    if not isinstance(account, Mapping):
        account = {}
    number = _text(account.get("ACCOUNTNO"))
    digits = number if number.isdigit() else _NOT_DIGITS.sub("", number)
    numeric = int(digits) if digits else None
    group = (len(digits), digits[0]) if digits else None
    title = _text(account.get("TITLE"))
    kind = _text(account.get("ACCOUNTTYPE")).casefold()
    side = "balance" if "balance" in kind else "income" if ("income" in kind or "profit" in kind) else None
    normal = _text(account.get("NORMALBALANCE")).casefold()
    balance = "debit" if normal in _DEBIT else "credit" if normal in _CREDIT else None
    category = _text(account.get("CATEGORY"))
    return _Account(number, numeric, group, title, title_words(title), side, balance, category)


# --- first signal: the account itself --------------------------------------------------------------


def _quote(record: _Account, start: int, end: int) -> str:
    """'Title says "..."' quoting the title as written, shorthand spelled out in brackets."""
    span = record.words[start:end]
    text = _as_written(record.title, span[0].written, span[-1].written)
    if any(spelled_out(word) for word in span):
        return f'Title says "{text}" ({" ".join(word.spelled for word in span)})'
    return f'Title says "{text}"'


def _as_written(title: str, first: str, last: str) -> str:
    """The stretch of the title from one written word to another, in its own capitals and punctuation."""
    lowered = title.lower()
    begin = _find_word(lowered, first, 0)
    if begin is None:
        return first if first == last else f"{first} {last}"
    finish = _find_word(lowered, last, begin)
    stop = begin + len(first) if finish is None else finish + len(last)
    return title[begin:stop]


def _find_word(text: str, word: str, start: int) -> int | None:
    """Where ``word`` stands on its own in ``text`` (not inside a longer word), from ``start`` on."""
    at = text.find(word, start)
    while at != -1:
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = text.find(word, at + 1)
    return None


def _read_title(record: _Account, table: rules.RuleTable) -> tuple[str, float, str, float, str | None] | None:
    """(concept, confidence, reason, runner-up score gap, runner-up concept) from the title, or None."""
    stems = [w.stem for w in record.words]
    found = rules.matches(stems, table)
    if not found:
        return None
    words = record.words
    best: dict[str, tuple[float, str, int, int]] = {}
    phrases: dict[str, int] = {}
    for concept, score, phrase, start, end in found:
        if _part_of_umbrella(words, start, end):
            score -= 0.05  # "T&E" says travel or entertainment; "T&E - Meals" is about the meals
        phrases[concept] = phrases.get(concept, 0) + 1
        if concept not in best or score > best[concept][0]:
            best[concept] = (score, phrase, start, end)
    # Every further phrase pointing the same way adds a little ("T&E - Airfare": travel twice over).
    strength = {concept: item[0] + min(0.1, 0.05 * (phrases[concept] - 1)) for concept, item in best.items()}
    ranked = sorted(best, key=lambda c: (-strength[c], best[c][2]))
    concept = ranked[0]
    score, phrase, start, end = best[concept]
    runner_up = ranked[1] if len(ranked) > 1 else None
    gap = strength[concept] - strength[runner_up] if runner_up else strength[concept]
    confidence = 0.45 + 0.5 * min(strength[concept], 1.0)
    if gap < 0.1:
        confidence -= 0.2
    elif gap < 0.3:
        confidence -= 0.08
    reason = _quote(record, start, end)
    if runner_up is not None and gap < 0.1:
        reason += f"; it could also be {runner_up}"
    return concept, confidence, reason, gap, runner_up


def _part_of_umbrella(words: tuple[Word, ...], start: int, end: int) -> bool:
    """Whether the span covers only some of the words one piece of shorthand spelled out."""
    first, last = words[start], words[end - 1]
    before = start > 0 and spelled_out(first) and words[start - 1].written == first.written
    after = end < len(words) and spelled_out(last) and words[end].written == last.written
    return before or after


def _concept_guess(vocabulary: _Vocabulary, concept: str, confidence: float, reason: str) -> _Guess:
    category, note = vocabulary.category(concept)
    if note:
        confidence *= 0.6
    return _Guess(category, confidence if category else 0.0, reason + note)


_REVENUE_WORD_LIST = (
    "revenue income sale gain reimbursement reimbursible reimbursable recovery rebate discount "
    "refund interest fee charge commission"
)
_REVENUE_WORDS = frozenset(_REVENUE_WORD_LIST.split())


def _from_account(record: _Account, vocabulary: _Vocabulary) -> _Guess:
    """The title's reading, helped by Intacct's account category when the title alone is unsure."""
    guess = _from_title(record, vocabulary)
    if not record.category or guess.confidence >= ACCEPT_THRESHOLD:
        return guess
    as_title = record._replace(title=record.category, words=title_words(record.category), category="")
    other = _from_title(as_title, vocabulary)
    if not other.reason.startswith("Title says"):
        return guess  # the category's words say nothing a type or balance did not already say
    said = other.reason.replace("Title says", "Intacct account category says", 1)
    if other.category == guess.category:
        return guess._replace(
            confidence=min(0.85, guess.confidence + 0.1),
            reason=f"{guess.reason}; {said[0].lower()}{said[1:]}",
        )
    if other.confidence > guess.confidence:
        # Someone chose that category in Intacct for the chart, not for Routable: never "sure" on its own.
        return _Guess(other.category, min(0.78, other.confidence - 0.05), said)
    return guess


def _from_title(record: _Account, vocabulary: _Vocabulary) -> _Guess:
    side, balance = record.side, record.balance
    if not record.words and side is None:
        return _Guess(None, 0.0, "No title or account type to go on")

    if side == "income" and balance == "credit":
        expense = _read_title(record, rules.expense_table())
        reads_like_revenue = any(w.stem in _REVENUE_WORDS for w in record.words)
        if expense and expense[0] != rules.NOT_USED and expense[1] >= 0.9 and not reads_like_revenue:
            reason = f"Credit balance on the income side, though the {expense[2][0].lower()}{expense[2][1:]}"
            return _concept_guess(vocabulary, rules.NOT_USED, 0.7, reason)
        return _concept_guess(
            vocabulary, rules.NOT_USED, 0.95, "Income account with a credit balance: no bill posts to revenue"
        )

    if side == "balance" and balance == "credit":
        return _concept_guess(
            vocabulary,
            rules.NOT_USED,
            0.95,
            "Balance-sheet account with a credit balance (a liability, equity or contra account)",
        )

    if side == "balance":
        found = _read_title(record, rules.asset_table())
        if found is None:
            return _concept_guess(
                vocabulary,
                rules.NOT_USED,
                0.7 if balance else 0.6,
                "Balance-sheet account with no sign of fixed assets, inventory or prepayments",
            )
        concept, confidence, reason, _, _ = found
        if balance is None:
            confidence -= 0.1
        return _concept_guess(vocabulary, concept, confidence, reason)

    # Income statement with a debit balance (or a type we could not read): an expense or a cost.
    found = _read_title(record, rules.expense_table())
    if side is None:
        on_assets = _read_title(record, rules.asset_table())
        if on_assets and (found is None or on_assets[1] > found[1]):
            found = on_assets
    if found is None:
        if not record.words:
            return _Guess(None, 0.0, "No title to go on")
        return _concept_guess(
            vocabulary, rules.OTHER, 0.3, "Nothing in the title points to a category; Other Expenses to start"
        )
    concept, confidence, reason, _, _ = found
    if side is None:
        confidence -= 0.15
        reason += " (account type unknown)"
    elif balance is None:
        confidence -= 0.05
    return _concept_guess(vocabulary, concept, confidence, reason)


# --- second signal: approvals elsewhere in the deployment ------------------------------------------


def _title_key(record: _Account) -> tuple[str | None, str | None, tuple[str, ...]]:
    return record.side, record.balance, tuple(sorted({w.stem for w in record.words}))


def _near_keys(key: tuple) -> list[tuple]:
    """The key with one word left out, for each word that says nothing about a category.

    Titles one such word apart ("Widget kits - Boston", "Widget kits - Paris") meet on one of these;
    titles that differ by a meaningful word ("Other costs", "Other computer costs") do not.
    """
    side, balance, stems = key
    if len(stems) < 2:
        return []
    known = rules.known_stems()
    return [(side, balance, stems[:i] + stems[i + 1 :]) for i in range(len(stems)) if stems[i] not in known]


def _count(table: dict[tuple, dict[str, int]], key: tuple, category: str) -> None:
    counts = table.get(key)
    if counts is None:
        table[key] = {category: 1}
    else:
        counts[category] = counts.get(category, 0) + 1


_NEAR_SIMILARITY = 0.5  # shared words over all words of both titles


class _ApprovedMemory:
    """Approved (account, category) pairs from other workspaces, looked up by title.

    Two lookups, both plain dictionary reads so a large deployment stays fast: the same title (the same
    words in any order or case), and a similar one, trusted less: a title one word apart, where that word
    is a place, a department or a name rather than something that speaks to a category.
    """

    def __init__(self, approved: Iterable[tuple[Mapping[str, object], str]], vocabulary: _Vocabulary) -> None:
        # Plain dicts of counts: a Counter per title key costs too much on a large deployment.
        self.votes: dict[tuple, dict[str, int]] = {}
        self.near: dict[tuple, dict[str, int]] = {}
        self.near_example: dict[tuple, tuple[str, int]] = {}  # a title behind the key, and its word count
        name_cache: dict[object, str | None] = {}
        for pair in approved:
            try:
                account, name = pair
                if name not in name_cache:
                    name_cache[name] = vocabulary.from_approved_name(name)
            except (TypeError, ValueError):
                continue
            category = name_cache[name]
            if category is None or not isinstance(account, Mapping):
                continue
            record = _read(account)
            if not record.words:
                continue
            key = _title_key(record)
            _count(self.votes, key, category)
            for near in [key, *_near_keys(key)]:
                _count(self.near, near, category)
                if near not in self.near_example:
                    self.near_example[near] = (record.title, len(key[2]))

    def __bool__(self) -> bool:
        return bool(self.votes)

    def _similar(self, key: tuple) -> tuple[tuple, float] | None:
        best: tuple[tuple, float] | None = None
        for near in [key, *_near_keys(key)]:
            found = self.near_example.get(near)
            if found is None:
                continue
            shared = len(near[2])
            similarity = shared / (len(key[2]) + found[1] - shared)
            if similarity >= _NEAR_SIMILARITY and (best is None or similarity > best[1]):
                best = (near, similarity)
        return best

    def apply(self, record: _Account, guess: _Guess) -> _Guess:
        if not record.words:
            return guess
        key = _title_key(record)
        votes = self.votes.get(key)
        trusted = False
        if votes:
            category = max(votes, key=votes.__getitem__)
            count, total = votes[category], sum(votes.values())
            trusted = count / total >= 0.8
            if trusted:
                confidence = min(0.97, 0.86 + 0.03 * (total - 1))
                times = "once" if total == 1 else f"{total} times"
                reason = f"The same title was approved as {category} in other workspaces ({times})"
            else:
                confidence = 0.6
                reason = f"The same title was approved as {category} in {count} of {total} other workspaces"
        elif guess.confidence >= ACCEPT_THRESHOLD:
            return guess  # a similar title is weaker evidence than a title the rules read with confidence
        else:
            similar = self._similar(key)
            if similar is None:
                return guess
            near, similarity = similar
            near_votes = self.near[near]
            category = max(near_votes, key=near_votes.__getitem__)
            share = near_votes[category] / sum(near_votes.values())
            confidence = min(0.78, 0.5 + 0.3 * share * similarity)
            # The other title stays unsaid: it is another customer's account, and this reason is shown
            # to people who may see only their own workspace.
            reason = f"A similar title was approved as {category} in another workspace"

        if guess.category == category:
            confidence = min(0.98, max(guess.confidence, confidence) + 0.03)
            return _Guess(category, confidence, f"{guess.reason}; {reason[0].lower()}{reason[1:]}")
        if trusted:
            return _Guess(category, confidence - 0.05, reason)
        if confidence > guess.confidence:
            return _Guess(category, confidence, reason)
        return guess._replace(confidence=guess.confidence - 0.05)


# --- third signal: the company's numbering ---------------------------------------------------------


def _with_neighbours(records: list[_Account], guesses: list[_Guess]) -> list[_Guess]:
    ranges: dict[tuple, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.group is not None and record.side is not None:
            ranges[(record.group, record.side, record.balance)].append(index)

    # Only guesses sure enough to lean on count as a neighbour's say.
    says = [g.category if g.category is not None and g.confidence >= 0.6 else None for g in guesses]
    result = list(guesses)
    for members in ranges.values():
        if len(members) < 4:
            continue
        members.sort(key=lambda i: (records[i].numeric, records[i].number))
        for position, index in enumerate(members):
            around = (
                members[max(0, position - _NEIGHBOUR_WINDOW) : position]
                + members[position + 1 : position + 1 + _NEIGHBOUR_WINDOW]
            )
            sure = [i for i in around if says[i] is not None]
            if len(sure) < 3:
                continue
            tally: dict[str, int] = {}
            for i in sure:
                tally[says[i]] = tally.get(says[i], 0) + 1
            category = max(tally, key=tally.__getitem__)
            count = tally[category]
            if count < 3 or count < 0.75 * len(sure):
                continue
            own = guesses[index]
            if own.category == category:
                result[index] = _Guess(
                    category, min(0.97, own.confidence + 0.04), f"{own.reason}; neighbouring accounts agree"
                )
                continue
            agreeing = sorted((records[i] for i in sure if says[i] == category), key=lambda r: r.numeric)
            span = f"{agreeing[0].number}-{agreeing[-1].number}"
            if own.confidence < ACCEPT_THRESHOLD:
                reason = f"Neighbouring accounts {span} are {category}"
                if own.category is not None:
                    reason += f" (the title alone suggested {own.category})"
                result[index] = _Guess(category, min(0.78, 0.5 + 0.05 * count), reason)
            else:
                result[index] = _Guess(
                    own.category,
                    max(0.5, own.confidence - 0.15),
                    f"{own.reason}; but neighbouring accounts {span} are {category}",
                )
    return result
