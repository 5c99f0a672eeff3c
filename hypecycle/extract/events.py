"""Rule-based event frames: one sentence in, funding/ipo/acquisition/bankruptcy/shutdown/
layoff drafts out.

Triggers, status cues, negation cues and money-role cues are data (``triggers.json``), and
so are the other English words and phrases the rules match (``patterns.json``, one entry per
``_NAME`` below, with why it is there).
Each trigger has a *role* that says where the company stands relative to it (see the
file's ``_about``); :class:`hypecycle.extract.companies.Sent` does the name searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterator, Sequence

from hypecycle.errors import LexiconError
from hypecycle.extract.companies import Cand, Sent
from hypecycle.extract.money import Money, money_parser
from hypecycle.extract.resources import (
    compile_gate,
    compile_regex,
    gated_finditer,
    load_json,
    pattern,
    patterns,
    re2_text,
    word_map,
    word_set,
)
from hypecycle.extract.sentences import sentences_touched

_PAST_IRREGULAR = word_set("events", "past_irregular")
_NUMBER_WORDS = word_map("events", "number_words")
_COUNT_RE = pattern("events", "count")
_JOB_NOUN = pattern("events", "job_noun")
_DIGIT = re.compile(r"\d")
_SHARE_RE = pattern("events", "share")
#: What follows a name that leads a round rather than raising it ("X- and Y-led $100 million Series D").
_LED_AFTER_NAME = pattern("events", "led_after_name")
_FUNDING_NOUN = pattern("events", "funding_noun")
_FACILITY = word_set("events", "facility")
_EXCHANGE = pattern("events", "exchange")
#: Venture context: money raised by a company with no round, investor or venture word in the
#: sentence is a loan, a share sale or aid as often as equity; such a draft only adds fields.
VENTURE_CONTEXT = pattern("events", "venture_context")
#: Words only startup financing uses (stricter than VENTURE_CONTEXT: no "investors", "private equity", "valued").
STARTUP_CONTEXT = pattern("events", "startup_context")
#: Article-level words that confirm a plain raise as a private round: STARTUP_CONTEXT, or a named
#: investor ("X is an investor in Y"). "Investors", "valued", "led by", "backers" and "private
#: equity" alone are everyday business words.
VENTURE_ARTICLE = pattern("events", "venture_article")
_FUND_OBJECT = pattern("events", "fund_object")


def _fund_closing(text: str) -> bool:
    """True when a lower-case "fund" (not "Founders Fund", not "from funds") is the object."""
    for m in _FUND_OBJECT.finditer(text):
        before = text[max(0, m.start() - 30):m.start()].split()
        if before and before[-1][:1].isupper():
            continue
        return True
    return False


#: Words after a shutdown verb that leave the company as what closes ("shut down on Monday").
_SHUT_FREE = word_set("events", "shut_free")
_FUND_WORDS = word_set("events", "fund_words")


#: A whole business closed by its owner: "shut down its newest chain, Forth & Towne".
_WHOLE_UNIT = word_set("events", "whole_unit")


def _unit_name(sent: Sent, te: int, hi: int) -> Cand | None:
    """The name of the chain, brand or unit a shutdown verb closes ("its newest chain, Forth &
    Towne", "its Forth & Towne chain"), or ``None``."""
    for i in range(te, min(hi, te + 8)):
        c = sent.cand_starting_at(i)
        if c is not None:
            return None if c.person else c
        if sent.lows[i] in (";", ".", ":") or (sent.lows[i] == "," and sent.lows[i - 1] not in _WHOLE_UNIT):
            return None
    return None


def _phrase(lows: list[str], start: int, n: int) -> list[str]:
    """Up to ``n`` tokens from ``start``, stopping at a clause boundary."""
    out = []
    for w in lows[start:start + n]:
        if w in (",", ";", ".", ":", "--", "—"):
            break
        out.append(w)
    return out


_ASSET_NOUNS = word_set("events", "asset_nouns")
_QUANT_WORDS = word_set("events", "quant_words")
_REPORT_VERBS = word_set("events", "report_verbs")
_HOLDER_NOUNS = word_set("events", "holder_nouns")
_LIST_WORDS = word_set("events", "list_words")
_REF_CUES = pattern("events", "ref_cues")
_CONVERSION = pattern("events", "conversion")
_ALTERNATIVE = pattern("events", "alternative")
_REPORTED_BEFORE = pattern("events", "reported_before")
_NOT_EQUITY = pattern("events", "not_equity")
_LOAN = pattern("events", "loan_not_equity")
_BANK_FAILURE = patterns("events", "bank_failure")
_DEAL_MENTION = pattern("events", "deal_mention")
_IPO_WORTH = pattern("events", "ipo_worth")
_MONEY_WORDS = word_set("events", "money_words")


@dataclass(slots=True)
class Draft:
    """A mutable event under construction (becomes a :class:`hypecycle.schema.Event`)."""

    type: str
    company: str
    explicit: bool = True
    round: str | None = None
    amount: float | None = None
    currency: str | None = None
    valuation: float | None = None
    valuation_currency: str | None = None
    investors: list[str] = field(default_factory=list)
    acquirer: str | None = None
    count: int | None = None
    status: str | None = None
    evidence: str = ""
    sentence: int = -1
    #: "" for a report of the event; "hedge" (could, may consider, if ...) or "ref" (a definite
    #: reference such as "the job cuts") only add fields to a reported event of the same type.
    weak: str = ""
    #: Mentions merged into this draft and the sentences they came from (set by the story).
    mentions: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Trig:
    entry: dict[str, Any]
    t: int
    te: int
    text: str
    start: int
    end: int


class EventRules:
    """The trigger lexicon compiled once; :meth:`find` runs it on one sentence."""

    startup_context = STARTUP_CONTEXT

    def __init__(self) -> None:
        data = load_json("triggers.json")
        try:
            self.entries: list[dict[str, Any]] = list(data["triggers"])
            parts = []
            for k, e in enumerate(self.entries):
                compile_regex(e["pattern"], f"triggers.json trigger {e['id']}")
                parts.append(f"(?P<t{k}>{e['pattern']})")
                for key in ("block_after", "block_before", "block_inside"):
                    if key in e:
                        e["_" + key] = compile_regex(e[key], f"triggers.json trigger {e['id']}")
            self.trigger_re = compile_regex(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])", "triggers.json")
            # The same alternatives for RE2 (a DFA, about ten times faster on this many
            # branches), without the look-arounds RE2 lacks: wherever trigger_re matches,
            # the gate matches too (at the same place: a trigger starts with a word character,
            # so \b holds where the look-behind does), so text the gate rejects holds no
            # trigger, and the full pattern is tried only where the gate matches (triggers()).
            self.trigger_gate = compile_gate(r"\b(?:" + "|".join(e["pattern"] for e in self.entries) + ")",
                                             "triggers.json")
            self.status = {
                typ: [(st, compile_regex(rx, f"triggers.json status {typ}") if rx else None) for st, rx in cues]
                for typ, cues in data["status"].items()
            }
            self.neg_before = compile_regex(data["negation_before"], "triggers.json")
            self.neg_sentence = compile_regex(data["negation_sentence"], "triggers.json")
            self.val_before = compile_regex(data["valuation_before"], "triggers.json")
            self.val_after = compile_regex(data["valuation_after"], "triggers.json")
            self.not_before = compile_regex(data["not_event_money_before"], "triggers.json")
            self.not_after = compile_regex(data["not_event_money_after"], "triggers.json")
            self.background = compile_regex(data["background"], "triggers.json")
            self.hedge = compile_regex(data["hedge_before"], "triggers.json")
            self.status_sentence = {
                typ: [(st, compile_regex(rx, f"triggers.json status_sentence {typ}")) for st, rx in cues]
                for typ, cues in data["status_sentence"].items()
            }
            self.month_day = compile_regex(data["month_day"], "triggers.json")
            self.month_report = compile_regex(data["month_report"], "triggers.json")
            self.future = compile_regex(data["future"], "triggers.json")
            self.lookalike = compile_regex(data["funding_lookalike"], "triggers.json")
            self.inv_cues = compile_regex(r"(?<![\w-])" + data["investor_cues"] + r"(?![\w-])", "triggers.json")
            self.inv_verbs = compile_regex(r"(?<![\w-])" + data["investor_verbs"] + r"(?![\w-])", "triggers.json")
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"triggers.json: missing or malformed key ({exc}); see its _about.") from exc
        rounds = load_json("rounds.json")
        try:
            def whole(rx: str) -> re.Pattern[str]:
                return compile_regex(r"(?<![\w-])(?:" + rx + r")(?![\w-])", "rounds.json")

            self.rounds = [(whole(rx), lab) for rx, lab in rounds["rounds"]]
            # one search for any of them: most text names no round, and then one pass tells it
            self._any_round = whole("|".join(f"(?:{rx})" for rx, _lab in rounds["rounds"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"rounds.json: malformed 'rounds' ({exc}); expected [regex, label] pairs.") from exc
        self.money = money_parser()
        self._ref = False

    # -- helpers -------------------------------------------------------------------------
    def money_roles(self, sent: Sent, low: str) -> list[tuple[Money, int, int, str]]:
        """Money amounts of a sentence with token span and role: plain, valuation or other."""
        out = []
        prev = None
        for m in self.money.find(sent.text):
            out.append((m, sent.tok_at(m.start), sent.tok_at(m.end - 1) + 1, self.money_role(low, m, prev)))
            prev = m
        return out

    @staticmethod
    def not_amount(low: str, m: Money, prev: Money | None) -> bool:
        """True for money that is no event's amount whatever the context: a price ("$18 each",
        "priced at $14") or a conversion of the amount before it ("C$965 million ($917 million)")."""
        return EventRules.is_price(m) or EventRules.is_conversion(low, m, prev)

    @staticmethod
    def is_price(m: Money) -> bool:
        """True for a price: money per unit ("$18 each") or a small sum with no scale word ("$14")."""
        return m.per_unit or (m.amount < 1000 and not re.search(r"[a-z]", m.text[-3:].lower()))

    @staticmethod
    def is_conversion(low: str, m: Money, prev: Money | None) -> bool:
        """True when ``m`` converts the amount before it into another currency, in brackets
        ("A$3.1 billion ($2.8 billion)")."""
        return prev is not None and _CONVERSION.match(low, prev.end, m.start) is not None

    def money_role(self, low: str, m: Money, prev: Money | None) -> str:
        """The role of amount ``m`` in the lower-cased text ``low`` it was found in (``prev`` the
        amount before it there): "plain", "valuation" or "other" (a price, a conversion, a figure
        that is not the event's money)."""
        return "other" if self.not_amount(low, m, prev) else self.amount_role(low, m)

    def amount_role(self, low: str, m: Money) -> str:
        """The role of an amount known to be no price or conversion (see :meth:`money_role`)."""
        before = low[max(0, m.start - 70):m.start]
        after = low[m.end:m.end + 60]
        if self.val_before.search(before) or self.val_after.match(after):
            return "valuation"
        if self.not_after.match(after) or self.not_before.search(before):
            return "other"
        return "plain"

    def round_of(self, text: str) -> str | None:
        """The canonical round named in ``text`` ("Series F" -> "series_f"), or ``None``."""
        if self._any_round.search(text) is None:
            return None
        for rx, lab in self.rounds:
            m = rx.search(text)
            if m:
                if "{x}" in lab:
                    return lab.replace("{x}", m.group(1).lower())
                return lab
        return None

    def _status(self, typ: str, ctx_text: str, trig: _Trig) -> str | None:
        cues = self.status.get(typ, [])
        for st, rx in cues:
            if rx is not None and rx.search(ctx_text):
                return st
        e = trig.entry
        words = trig.text.split()
        if e.get("past") and any(w.endswith("ed") or w in _PAST_IRREGULAR for w in words):
            return e["past"]
        if e.get("status"):
            return e["status"]
        return cues[-1][0] if cues else None

    def _count(self, text: str) -> int | None:
        for m in _COUNT_RE.finditer(text):
            num = float(m.group(1).replace(",", ""))
            if m.group(2):
                num *= 1e6 if m.group(2) == "million" else 1e3
            if 1900 <= num <= 2100 and "," not in m.group(1) and not _JOB_NOUN.match(text, m.end() + 1):
                continue
            return int(num)
        for w in text.split():
            if w in _NUMBER_WORDS and w not in ("hundred",):
                return _NUMBER_WORDS[w]
        return None

    def investors_after(self, sent: Sent, start: int, end: int, exclude: set[str]) -> list[str]:
        """Investor names listed after an investor cue between tokens ``start`` and ``end``."""
        out: list[str] = []
        i = start
        skipped = 0
        after_connector = True
        while i < end:
            c = sent.cand_starting_at(i)
            if c is not None:
                if c.end < end and sent.lows[c.end] in _HOLDER_NOUNS:
                    i = c.end + 1  # "existing Pinterest shareholders X": Pinterest qualifies the noun
                    continue
                if not c.person and c.text.lower() not in exclude:
                    out.append(c.text)
                i = c.end + (1 if c.poss else 0)
                skipped = 0
                after_connector = False
                continue
            low = sent.lows[i]
            if low in _LIST_WORDS:
                after_connector = after_connector or low in (",", "and", "&", "plus", "including")
                i += 1
                continue
            if low.isalpha() and low.islower() and skipped < 3 and (after_connector or not out):
                skipped += 1  # descriptors: "and angel investor X", "two previous investors, X"
                i += 1
                continue
            break
        return out

    def trigger_sentences(self, low: str, spans: Sequence[tuple[int, int]]) -> dict[int, list[re.Match[str]]]:
        """The sentences (``(start, end)`` offsets in ``low``) holding a trigger that could
        yield an event, by index, with their trigger matches (for :meth:`find`).

        One RE2 pass over the whole text flags every sentence a gate match touches; only
        those are searched with the full pattern.
        """
        out = {}
        for i in sorted(sentences_touched(self.trigger_gate.finditer(re2_text(low)), spans)):
            sl = low[spans[i][0]:spans[i][1]]
            matches = list(self.triggers(sl))  # offsets within the sentence
            if self._can_hold_event(sl, matches):
                out[i] = matches
        return out

    def _can_hold_event(self, low: str, matches: Sequence[re.Match[str]]) -> bool:
        """Whether a sentence with these trigger matches has one whose ``requires`` could be met.

        Each requirement is checked on the whole sentence's text, a superset of the
        clause :meth:`_frame` will look at, so a sentence rejected here could never
        yield an event: money needs a digit (every amount the parser reads has one),
        a round needs a round or funding word, a share needs "% of the workforce" and
        the like. Names (``explicit``) and counts are left to the full rules.
        """
        possible: dict[str, bool] = {}

        def can(cond: str) -> bool:
            if cond not in possible:
                if cond == "money":
                    possible[cond] = _DIGIT.search(low) is not None
                elif cond == "named_round":
                    possible[cond] = self.round_of(low) is not None
                elif cond == "round":
                    possible[cond] = self.round_of(low) is not None or _FUNDING_NOUN.search(low) is not None
                elif cond == "share":
                    possible[cond] = _SHARE_RE.search(low) is not None
                else:
                    possible[cond] = True
            return possible[cond]

        for m in matches:
            alternatives = self.entries[int(m.lastgroup[1:])].get("requires")  # type: ignore[index]
            if alternatives is None or any(all(can(c) for c in alt) for alt in alternatives):
                return True
        return False

    def triggers(self, low: str) -> Iterator[re.Match[str]]:
        """The trigger matches in lower-case ``low``, as ``trigger_re.finditer`` gives them (the
        full pattern tried only where the RE2 gate matches)."""
        return gated_finditer(self.trigger_re, self.trigger_gate, low)

    def types_in(self, low: str) -> set[str]:
        """Event types with some trigger word in lower-case ``low`` (the headline and lead)."""
        return {self.entries[int(m.lastgroup[1:])]["type"] for m in self.triggers(low)}  # type: ignore[index]

    # -- the rules -----------------------------------------------------------------------
    def find(self, sent: Sent, resolve: Callable[[], str | None], year: int | None = None,
             matches: Sequence[re.Match[str]] | None = None) -> tuple[list[Draft], list[str]]:
        """Find the events stated in one sentence.

        Parameters
        ----------
        sent : Sent
            The sentence.
        resolve : callable
            Returns the company that "it"/"the company" refers to (from earlier sentences).
        year : int, optional
            The article's year: an earlier year next to the trigger marks background.
        matches : sequence of re.Match, optional
            The trigger matches in the lower-cased sentence, if already found
            (:meth:`trigger_sentences`).

        Returns
        -------
        drafts : list of Draft
            Events found, one per trigger that passed its rules (not yet merged).
        ref_investors : list of str
            Investors named by a back-reference ("X led the round") with no event here.
        """
        text = sent.text
        low = text.lower()
        if len(low) != len(text):
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        if self.neg_sentence.search(low):
            return [], []
        trigs = []
        for m in (self.triggers(low) if matches is None else matches):
            k = int(m.lastgroup[1:])  # type: ignore[index]
            t = sent.tok_at(m.start())
            te = sent.tok_at(m.end() - 1) + 1
            trigs.append(_Trig(self.entries[k], t, te, m.group(0), m.start(), m.end()))
        if not trigs:
            return [], []
        money = self.money_roles(sent, low)
        drafts: list[Draft] = []
        refs: list[str] = []
        n = len(sent.toks)
        verb_starts = [tr.t for tr in trigs if tr.entry.get("verb") and tr.entry["id"] != "fund_weak"]
        raise_starts = {tr.t for tr in trigs if tr.entry["id"] == "fund_raise"}
        prev_end = 0
        for tr in trigs:
            e = tr.entry
            hi = next((s for s in verb_starts if s >= tr.te
                       and not (e["type"] == "ipo" and s in raise_starts)), n)  # "the IPO could raise $Y"
            lo = prev_end if e["role"] in ("object", "object_prep", "sell") else 0
            if e.get("verb") and e["id"] != "fund_weak":
                prev_end = tr.te
            if "_block_after" in e and e["_block_after"].match(low[tr.end:tr.end + 80]):
                continue
            if "_block_before" in e and e["_block_before"].search(low[max(0, tr.start - 60):tr.start]):
                continue  # "Analyst says buy Citi": a rating, not a purchase
            if "_block_inside" in e and e["_block_inside"].search(tr.text):
                continue  # "turned down a contract offer from the company"
            if not sent.headline and _in_proper_name(sent, tr.t, tr.te):
                continue  # "National Venture Capital Association", "First Day Motions"
            pre = low[sent.starts[max(0, tr.t - 4)]:tr.start].rsplit(",", 1)[-1] if tr.t > 0 else ""
            if _ALTERNATIVE.search(pre):  # "not planning to buy a stake or to bid for X"
                pre = low[sent.starts[max(0, tr.t - 10)]:tr.start].rsplit(",", 1)[-1]
            opposed = False
            if self.neg_before.search(pre):
                if not (_OPPOSED.search(pre) and _presupposed_bid(sent, tr, priced=True)):
                    continue
                opposed = True  # "vote against Icahn's $2.86 billion takeover of Lear": the deal exists
            if e["role"] != "ref" and self._is_background(sent, low, tr, hi, year):
                continue
            if e["role"] != "ref" and _in_context_phrase(sent, tr, year):
                continue
            d = self._frame(sent, low, tr, lo, hi, money, resolve, refs)
            if d is not None and opposed and not _presupposed_bid(sent, tr):
                d.acquirer = None  # who opposes a deal is not its buyer; a possessive names the bidder
            if d is not None and d.status != "skip":
                if not d.weak and self._hedged(sent, low, tr, lo) and not _presupposed_bid(sent, tr):
                    d.weak = "hedge"
                if not d.weak and _hypothetical_noun(sent, low, tr):
                    d.weak = "hedge"
                if not d.weak and _in_apposition(sent, tr):
                    d.weak = "hedge"  # said in passing: it only adds fields to an event reported elsewhere
                if d.weak in ("", "ref") and _bare_noun(sent, low, tr, d):
                    d.weak = "hedge"
                drafts.append(d)
        return drafts, refs

    def _hedged(self, sent: Sent, low: str, tr: _Trig, lo: int) -> bool:
        """True when a modal or conditional governs the trigger ("could", "may consider", "if")."""
        a = sent.starts[max(0, tr.t - 8)]
        return self.hedge.search(low, a, tr.start) is not None

    def _is_background(self, sent: Sent, low: str, tr: _Trig, hi: int, year: int | None) -> bool:
        """True when the trigger clause reports an earlier event ("had raised", "in 2011")."""
        a = sent.starts[max(0, tr.t - 8)]
        b = sent.ends[min(len(sent.toks), hi, tr.te + 18) - 1] if tr.te > 0 else len(low)
        # a sentence-initial adverbial ("Earlier this month, ...", "Prior to X, ...") scopes the sentence
        comma = next((i for i in range(min(tr.t, 10)) if sent.lows[i] == ","), -1)
        if comma > 0 and self.background.search(low, 0, sent.starts[comma]):
            return True
        # a chronology line ("2003 - BP formed ...", "March 18, 2009: X is in talks ...") recaps
        if _TIMELINE.match(low):
            return True
        # "The move comes a month after reports that X was in talks ...": what follows is the earlier news
        if _SPAN_AFTER.search(low, 0, tr.start):
            return True
        # "..., less than a week after the bank agreed to buy X": the clause the trigger is in is earlier
        m = None
        for m in _DURATION_AFTER.finditer(low, 0, tr.start):
            pass
        if m is not None and "," not in low[m.end():tr.start]:
            return True
        # news style dates the current story by weekday; a calendar date in a past-tense clause is history
        md = self.month_day.search(low, a, max(a, b))
        if md is not None and not self.future.search(low, a, max(a, b)):
            return True
        if self.month_report.search(low, 0, tr.start):
            return True  # "said in February it would cut 500 jobs": the report, and what it said, is earlier
        for m in self.background.finditer(low, a, max(a, b)):
            g = m.group(0)
            if g.startswith("had"):
                if _REPORTED_BEFORE.search(low[max(0, m.start() - 40):m.start()]):
                    continue
                if m.start() > tr.start:
                    continue
            if g.endswith(("after", "before")) or g.startswith("when"):
                if m.start() > tr.start:
                    continue  # "filed on Thursday, three years after being acquired": the later clause is history
            yrs = re.findall(r"(?:19|20)\d\d", g)
            if yrs and year is not None and int(yrs[0]) >= year:
                continue
            return True
        return False

    def _money_for(self, money, lo: int, t: int, te: int, hi: int, roles=("plain",)):
        for m, ms, me, role in money:
            if role in roles and t < ms and me <= te:
                return m  # inside the trigger ("offered $2.4 billion for")
        for m, ms, me, role in money:
            if role in roles and te <= ms < min(hi, te + 15):
                return m
        for m, ms, me, role in reversed(money):
            if role in roles and max(lo, t - 8) <= ms and me <= t:
                return m
        return None

    def _frame(self, sent: Sent, low: str, tr: _Trig, lo: int, hi: int, money, resolve, refs) -> Draft | None:
        e = tr.entry
        typ, role, t, te = e["type"], e["role"], tr.t, tr.te
        self._ref = False
        company: Cand | str | None = None
        agent: Cand | str | None = None
        agents: list[str] = []

        def subj(at: int) -> Cand | str | None:
            c = sent.left_subject(at, lo if role in ("object", "object_prep", "sell") else 0)
            if c == "PRON":
                return resolve()
            return c

        if role == "subject":
            at = t
            if e.get("main_subject"):  # "X said it will close 11 Y stores, affecting 380 workers": X cuts
                at = next((i for i in range(t) if sent.lows[i] in _REPORT_VERBS), t)
            company = _owned_subject(sent, subj(at), typ, t)
            if typ == "shutdown" and isinstance(company, Cand) and company.end <= t \
                    and any(w in _FACILITY for w in _phrase(sent.lows, company.end, t - company.end)):
                return None  # "X said two of its compressor stations were shut down"
        elif role == "shut":
            nxt = sent.lows[te:te + 4]
            phrase = _phrase(sent.lows, te, 7)
            unit = _unit_name(sent, te, hi) if any(w in _WHOLE_UNIT for w in sent.lows[te:te + 6]) else None
            whole = tr.text.startswith("liquidat") and (  # "liquidate its remaining stores": the whole chain
                any(w in ("all", "remaining", "entire") for w in tr.text.split() + phrase)
                or tr.text.endswith(("company", "business", "operations")))
            if tr.text.startswith("liquidat") and not whole:
                return None  # "liquidate the stores": some stores
            if unit is None and not whole and (any(w in _FACILITY for w in phrase) or (
                    nxt and nxt[0] in ("its", "their", "the", "a") and
                    not any(w in ("operations", "business", "company", "doors") for w in nxt))):
                return None
            if nxt and nxt[0].isalpha() and nxt[0].islower() and nxt[0] not in _SHUT_FREE \
                    and not nxt[0].endswith("ly"):
                return None  # "shut down shipments", "wound down production": a thing, not the company
            obj = unit or sent.right_object(te, hi, max_skip=1)
            company = obj if obj is not None else subj(t)
            if isinstance(company, Cand) and (
                    company.start > 0 and sent.lows[company.start - 1] in _FUND_WORDS
                    or company.text.split()[-1].lower() in _FUND_WORDS
                    or company.end <= t and any(w in _FACILITY for w in _phrase(sent.lows, company.end, t - company.end))):
                return None  # "hedge fund Density to shut down", "BP spill fund winding down"
        elif role == "object":
            company = sent.right_object(te, hi)
            if isinstance(company, Cand):
                company = _past_place_based(sent, company)  # "acquire Wood Dale, Illinois-based Clayton Metals"
            if typ == "acquisition" and isinstance(company, Cand) and company.poss:
                company = _bought_from_owner(sent, company)  # "buy France Telecom's Orange Austria"
                if company is None:
                    return None  # "buy X's 20 percent stake in Y": a stake deal
            if isinstance(company, Cand) and company.poss:
                # "buy Visteon's climate control operations": the unit, named as the conventions do
                unit = _unit_sold(sent, company.end + 1, hi, company, after_possessive=True) \
                    if typ == "acquisition" else None
                if unit is None:
                    return None
                company = unit
            if typ == "acquisition" and isinstance(company, Cand) and _holding_object(sent, te, company):
                return None  # "bought 11.5 million shares of X", "took over X and Y stakes in ..."
            if not e.get("no_subject"):
                agent = subj(t)
        elif role == "object_prep":
            for i in range(t, min(hi, te + 14)):  # the preposition may close the trigger ("bid for")
                if sent.lows[i] in e.get("prep", ()):
                    if i + 1 < n_tok(sent) and sent.lows[i + 1] in ("its", "their", "our", "his", "her"):
                        return None
                    company = sent.right_object(i + 1, hi)
                    break
            if isinstance(company, Cand) and company.poss:
                return None
            # "the bid by News Corp for Dow Jones": the agent follows the trigger
            agent = sent.right_object(te, hi, max_skip=3) if e.get("agent_after") else subj(t)
            if isinstance(agent, Cand) and agent.poss and e.get("agent_after"):
                agent = sent.right_object(agent.end, hi, max_skip=3) or agent  # "by Murdoch's News Corp"
        elif role == "passive":
            if t >= 2 and sent.lows[t - 1] in _ASSET_NOUNS and sent.lows[t - 2] in ("its", "their", "the"):
                return None  # "its deposits will be taken over by ...": assets, not the company
            company = subj(t)
            agent = sent.right_object(te, hi, max_skip=3)
        elif role == "sell":
            company = sent.right_object(te, hi)
            agent = sent.after_word(te, {"to"}, hi, within=16)
            if company is None and agent is not None:
                company = _unit_sold(sent, te, hi, subj(t))  # "sell its chemicals unit to Y"
            if agent is None or company is None:
                return None
        elif role == "merge":
            company, agent = self._merge(sent, tr, hi, subj)
        elif role == "noun":
            company, agent = self._noun(sent, low, tr, hi, subj)
            if typ in ("funding", "ipo"):
                company = _owned_subject(sent, company, typ, t)  # "Musk's xAI raises $20bn in a funding round"
            if typ == "acquisition" and isinstance(company, Cand) and company.poss and company.start >= te:
                company = _bought_from_owner(sent, company)  # "takeover of France Telecom's Orange Austria"
                if company is None:
                    return None
        elif role == "ref":
            if typ == "funding":
                refs.extend(self._ref_investors(sent, low, tr))
            return None
        k = t
        while k > 0 and sent.lows[k - 1] in _QUANT_WORDS:
            k -= 1  # "About 1,000 employees", "Its roughly 200 staff"
        if company is None and e.get("resolve_empty") and (
                k == 0 or sent.lows[k - 1] in (";", ":", "--", "—", "its", "their", "all", "the")
                and (k == 1 or sent.lows[k - 2] in (";", ":", "--", "—"))):
            company = resolve()  # "All 60 employees will lose their jobs": the story's company's staff
        if company is None or isinstance(company, str) and not company:
            return None
        if typ in ("funding", "ipo") and isinstance(company, Cand) and _LED_AFTER_NAME.match(
                sent.text, sent.starts[company.start] + len(company.text.rstrip("-"))):
            return None  # "its Meritech Capital Partners- and Atomico-led Series D": who leads the round
        weak = "ref" if self._ref else ""
        self._ref = False
        explicit = isinstance(company, Cand)
        name = company.text if isinstance(company, Cand) else company
        agent_name = agent.text if isinstance(agent, Cand) else agent
        if agent_name and agent_name.lower() == name.lower():
            agent_name = None
        clause = low[sent.starts[lo] if lo < len(sent.starts) else 0: sent.ends[hi - 1] if hi > 0 else len(low)]
        d = Draft(typ, name, explicit, evidence=sent.text, weak=weak)
        # conditions
        amount = self._money_for(money, lo, t, te, hi)
        if amount is None and e.get("price_inside"):  # "pay $115 million for X": the price the trigger holds
            amount = next((m for m, ms, me, _role in money if t < ms and me <= te and not m.per_unit), None)
        if amount is None and typ == "acquisition":
            amount = _price_for(sent, low, money, te, hi)
        named_round = self.round_of(clause) is not None
        conds = {
            "money": amount is not None,
            "round": named_round or bool(_FUNDING_NOUN.search(clause)),
            "named_round": named_round,
            "explicit": explicit,
            "count": False,
            "share": bool(_SHARE_RE.search(clause)),
            # "the SunFirst Bank of Saint George has been closed", the FDIC said: a bank failure
            "bank_failure": bool(_BANK_FAILURE["name"].search(name.lower()) and _BANK_FAILURE["sentence"].search(low)),
        }
        if typ == "layoff":
            seg = low[sent.starts[max(0, t - 4)]:sent.ends[min(n_tok(sent), te + 8) - 1]] if te > 0 else low
            if e["role"] == "subject":
                seg = tr.text
            d.count = self._count(seg)
            conds["count"] = d.count is not None
        for alt in e.get("requires", [[]]):
            if all(conds.get(c, False) for c in alt):
                break
        else:
            return None
        if typ == "funding":
            window = low[tr.end: sent.ends[hi - 1] if hi > 0 else len(low)]
            if self.lookalike.search(low, sent.starts[max(0, t - 12)], tr.start):
                return None  # "priced an offering of common shares, raising $3.5 billion", "DIP financing"
            if _NOT_EQUITY.search(window):
                return None
            loan = _LOAN.search(window)
            if loan is not None and not _FUNDING_NOUN.search(window, 0, loan.start()):
                return None  # "secured a $1 billion export credit facility": a loan, not a round
            if _fund_closing(sent.text[tr.end: sent.ends[hi - 1] if hi > 0 else len(low)]):
                return None
            d.round = self.round_of(low[sent.starts[max(0, t - 8)]:sent.ends[min(hi, te + 15) - 1]]) or None
            if role in ("object_prep",) and agent_name:
                agents = self._conj_names(sent, agent) if isinstance(agent, Cand) else [agent_name]
            d.investors = agents + [x for x in self._investors(sent, low, tr, hi, {name.lower()}) if x not in agents]
            if not d.weak and not d.round and not d.investors and not VENTURE_CONTEXT.search(low):
                d.weak = "plain"  # "needs to raise $11.5 billion", "$2.25 billion financing package"
        if typ in ("funding", "ipo") or (typ == "acquisition" and amount is None):
            val = self._money_for(money, 0, t, te, len(sent.toks), roles=("valuation",))
            if val is None:
                val = next((m for m, *_r, r in money if r == "valuation"), None)
            if typ == "acquisition":
                amount = val if val is not None and amount is None and _DEAL_MENTION.search(low) else amount
            elif typ == "ipo" and amount is None and val is not None and _IPO_WORTH.search(low, 0, val.start):
                amount = val  # "an IPO worth up to $100 million": the offering's size
            elif val is not None:
                d.valuation, d.valuation_currency = val.amount, val.currency
        if amount is not None and typ == "funding":
            amount = _round_total(sent, money, amount)
        if amount is not None:
            d.amount, d.currency = amount.amount, amount.currency
        if typ == "acquisition":
            d.acquirer = agent_name
        back = 16 if typ == "ipo" else 8  # "X filed with regulators on Friday to raise $Y in an IPO"
        ctx_text = low[sent.starts[max(0, t - back)]: sent.ends[min(n_tok(sent), te + 4) - 1]]
        d.status = self._status(typ, ctx_text, tr)
        for st, rx in self.status_sentence.get(typ, ()):
            if d.status not in ("skip", st) and rx.search(low):
                d.status = st  # "..., two sources familiar with the plans said"
                break
        if e.get("status") and typ == "acquisition":
            d.status = e["status"]
        return d

    def _conj_names(self, sent: Sent, c: Cand) -> list[str]:
        names = [c.text]
        i = c.start
        while i >= 2 and sent.lows[i - 1] in ("and", ",", "&"):
            p = sent.cand_ending_at(i - 1)
            if p is None or p.person:
                break
            names.insert(0, p.text)
            i = p.start
        return names

    def _investors(self, sent: Sent, low: str, tr: _Trig, hi: int, exclude: set[str]) -> list[str]:
        out: list[str] = []
        for m in self.inv_cues.finditer(low, tr.end):
            if m.group(0) in ("from", "including") and sent.tok_at(m.start()) > tr.te + 20:
                continue
            i = sent.tok_at(m.end() - 1) + 1
            for x in self.investors_after(sent, i, len(sent.toks), exclude):
                if x not in out:
                    out.append(x)
        return out

    def _ref_investors(self, sent: Sent, low: str, tr: _Trig) -> list[str]:
        """Investors in "X led the round", "the round was led by X"."""
        out: list[str] = []
        start = low.rfind(" ", 0, max(0, tr.start - 1))
        m = self.inv_verbs.search(low, max(0, start - 25), tr.start)
        if m is not None:
            c = sent.left_subject(sent.tok_at(m.start()))
            if isinstance(c, Cand):
                out.extend(self._conj_names(sent, c))
        for m2 in _REF_CUES.finditer(low, tr.end):
            if m2.start() - tr.end > 20:
                break
            out.extend(self.investors_after(sent, sent.tok_at(m2.end() - 1) + 1, len(sent.toks), set()))
        return out

    def _merge(self, sent: Sent, tr: _Trig, hi: int, subj) -> tuple[Any, Any]:
        t, te = tr.t, tr.te
        if tr.text.endswith("with") or (te < len(sent.lows) and sent.lows[te] == "with"):
            start = te if tr.text.endswith("with") else te + 1
            return sent.right_object(start, hi, max_skip=3), subj(t)
        if tr.text.endswith(("of", "between")):
            a = sent.right_object(te, hi, max_skip=2)
            if a is None:
                return None, None
            j = a.end
            if j < len(sent.lows) and sent.lows[j] in ("and", "&", ","):
                b = sent.right_object(j + 1, hi, max_skip=2)
                if b is not None:
                    return b, a
            return None, None
        b = sent.left_subject(t)
        if isinstance(b, Cand) and b.start >= 2 and sent.lows[b.start - 1] in ("and", "&"):
            a = sent.cand_ending_at(b.start - 1)
            if a is not None:
                return b, a
        return None, None

    def _noun(self, sent: Sent, low: str, tr: _Trig, hi: int, subj) -> tuple[Any, Any]:
        e, t, te, typ = tr.entry, tr.t, tr.te, tr.entry["type"]
        if typ == "acquisition":
            target = None
            for i in range(te, min(te + 2, len(sent.lows))):
                if sent.lows[i] in ("of", "for"):
                    target = sent.right_object(i + 1, hi)
                    break
            if target is None and tr.text.endswith(("buy", "acquire", "purchase")):
                target = sent.right_object(te, hi)  # "a deal to buy consulting firm AlixPartners"
            by = sent.after_word(te, {"by"}, hi, within=3)
            if target is None and by is not None:
                return (sent.possessor(t) or sent.name_before(t) or subj(t)), by
            if target is None:
                return None, None
            acq = sent.possessor(t) or sent.name_before(t) or by or subj(t)
            return target, acq
        if te < len(sent.toks) and sent.cand_starting_at(te) is not None and typ != "layoff":
            nxt = sent.toks[te]
            if nxt[:1].isupper() and not sent.headline:
                return None, None
        preps = set(e.get("noun_preps", ("of", "by", "for")))
        c = sent.possessor(t) or sent.name_before(t)
        if typ == "funding" and c is not None and tr.text.startswith("investment"):
            c = sent.after_word(te, {"in", "into"}, hi, within=3)  # "General Atlantic's investment in Box"
            if c is None:
                return None, None
        if c is not None and c.start > 0 and sent.lows[c.start - 1] in ("the", "this", "that") and typ != "layoff":
            self._ref = True  # "Unlike the Blackstone IPO, ...": a reference to a known event
        if c is None:
            for i in range(te, min(te + 2, len(sent.lows))):
                if sent.lows[i] in preps:
                    c = sent.right_object(i + 1, hi, max_skip=3)
                    break
        if c is None and not e.get("no_subject"):
            j = t - 1
            while j >= 0 and (sent.lows[j][:1].isdigit() or sent.lows[j] in _MONEY_WORDS):
                j -= 1
            if j >= 0 and sent.lows[j] in ("the", "this", "that", "these") and typ != "layoff":
                return None, None  # "the IPO", "underwriters for the IPO": a reference, not a report
            if j >= 0 and sent.lows[j] in ("the", "this", "that", "these", "those"):
                self._ref = True  # "the job cuts", "its layoffs": a reference to the reported event
            c = subj(t)
        if typ == "ipo" and isinstance(c, Cand) and c.end <= t:
            c = _issuer_not_bank(sent, low, c, t, subj)  # "X picked A, B and C to lead an IPO": X lists
            if c is None:
                return None, None
        if typ == "ipo" and tr.text.endswith("listing") and c is not None:
            clause = low[max(0, tr.start - 80): tr.end + 60]
            if not (_EXCHANGE.search(clause) or re.search(r"[$€£¥]|\d", clause)):
                return None, None
        if typ == "ipo" and tr.text in ("ipo", "initial public offering") and tr.end < len(low) and low[tr.end:tr.end + 1] == "s":
            return None, None
        return c, None


#: Prepositions that make an event noun or gerund the circumstance of another statement
#: ("after its IPO", "since filing for bankruptcy", "a write-down related to its acquisition of X").
_CONTEXT_PREP = word_set("events", "context_prep")
_CONTEXT_TO = word_set("events", "context_to")
_NP_INNER = word_set("events", "np_inner")
_SPAN_AFTER = pattern("events", "span_after")
_DURATION_AFTER = pattern("events", "duration_after")  # not "a day after"
_YEAR = re.compile(r"(?:19|20)\d\d")


_UNIT_WORDS = word_set("events", "unit_words")


def _unit_sold(sent: Sent, te: int, hi: int, seller, *, after_possessive: bool = False) -> str | None:
    """The descriptive name of an unnamed unit sold ("sell its chemicals unit to Y" by X gives
    "X chemicals unit"; "buy X's climate control operations" gives "X climate control
    operations"), as the annotation conventions name it; ``None`` when the object is not
    "its/their <up to five words> <unit word>" (or, after a possessive, "<words> <unit
    word>") or the seller is unknown."""
    if not isinstance(seller, Cand) or te >= hi:
        return None
    if after_possessive:
        te -= 1  # the words start right after the possessive
    elif sent.lows[te] not in ("its", "their"):
        return None
    for k in range(te + 1, min(hi, te + 7)):
        w = sent.lows[k]
        if w in _UNIT_WORDS:
            words = sent.toks[te + 1:k + 1]
            if len(words) < 2 or any(not x.replace("-", "").isalpha() for x in words):
                return None  # "its unit" says nothing; digits or signs mean something else
            named = sent.cand_starting_at(k + 2) if k + 2 < hi and sent.lows[k + 1] == "," else None
            if named is not None and not named.person and named.end < len(sent.toks) \
                    and sent.lows[named.end] in (",", "("):
                return named.text  # "sell its Asian life insurance business, American International Assurance, to"
            return seller.text + " " + " ".join(words)
        if not w.replace("-", "").isalpha():
            return None
    return None


_PREP_BEFORE_NAME = word_set("events", "prep_before_name")


def _in_apposition(sent: Sent, tr: _Trig) -> bool:
    """True when the trigger sits in an appositive or non-restrictive relative clause that
    describes a name before the sentence's own verb ("MF Global, the broker that filed for
    bankruptcy on Monday, has admitted ...", "Pixar, the unit acquired by Disney, was ...",
    "Delphi, which filed for bankruptcy in 2005, remains ..."): what a story says of its
    subject in passing is known, not news."""
    lows = sent.lows
    i = tr.t - 1
    while i > 0 and lows[i] not in (",", ";", ":", "(", "--", "—") and tr.t - i <= 12:
        i -= 1
    if i <= 0 or lows[i] != "," or i + 1 >= len(lows) or lows[i + 1] not in ("the", "a", "an", "which", "who"):
        return False
    name = sent.cand_ending_at(i)
    if name is not None and name.start > 0 and lows[name.start - 1] in _PREP_BEFORE_NAME and lows[i + 1] == "which" \
            and tr.t - i <= 4:
        return True  # "payments due from Lehman, which went bankrupt ...": a preposition's object described in passing
    if name is None or name.start > 0 and lows[name.start - 1] in _PREP_BEFORE_NAME:
        return False  # the clause must follow a name that is not a preposition's object ("Besides Google, the ...")
    j = tr.te
    while j < len(lows) and lows[j] not in (",", ";", "(", "--", "—") and j - tr.te <= 20:
        j += 1
    # the clause closes with a comma and the sentence goes on with its own verb
    return j < len(lows) - 2 and lows[j] == "," and lows[j + 1] not in ("and", "but")


_TIMELINE = pattern("events", "timeline")


def _in_context_phrase(sent: Sent, tr: _Trig, year: int | None) -> bool:
    """True when an event noun or gerund is the circumstance of the sentence, not its news:
    governed by a temporal or causal preposition ("after its IPO", "since filing for
    bankruptcy", "related to its acquisition of X"), or dated by an earlier year ("its 2009
    bankruptcy", "Endemol's November 2005 listing")."""
    e = tr.entry
    first = tr.text.split(" ", 1)[0]
    if not (e["role"] == "noun" or first.endswith("ing") or first in ("merger", "tie-up", "combination")):
        return False
    lows = sent.lows
    i = tr.t - 1
    steps = 0
    while i >= 0 and steps < 7:
        w = lows[i]
        if _YEAR.fullmatch(w) and year is not None and int(w) < year and tr.t - i <= 4:
            return True
        if w in _NP_INNER or w[:1].isdigit() or sent.cand_ending_at(i + 1) is not None and e["role"] == "noun":
            c = sent.cand_ending_at(i + 1)
            i = (c.start - 1) if c is not None else i - 1
            steps += 1
            continue
        break
    if i < 0:
        return False
    w = lows[i]
    if w in ("to", "of", "with") and i > 0 and lows[i - 1] in _CONTEXT_TO:
        return True
    if w in ("ahead", "prior"):
        return False  # only "ahead of" / "prior to", seen above as "of" / "to"
    return w in _CONTEXT_PREP


_INDEFINITE = word_set("events", "indefinite")
_MODAL_AFTER = pattern("events", "modal_after")  # not "an IPO that could raise"


def _hypothetical_noun(sent: Sent, low: str, tr: _Trig) -> bool:
    """True when an indefinite event noun is the subject of a modal: a deal imagined, not
    reported ("a bankruptcy filing by X would trigger ...", "any takeover of Y could hurt ...").
    A reported deal is definite ("the acquisition would create ...")."""
    if tr.entry["role"] != "noun":
        return False
    i, steps = tr.t - 1, 0
    while i >= 0 and steps < 3 and sent.lows[i] not in _INDEFINITE:
        c = sent.cand_ending_at(i + 1)
        i = c.start - 1 if c is not None else i - 1
        steps += 1
    if i < 0 or sent.lows[i] not in _INDEFINITE:
        return False
    return _MODAL_AFTER.match(low, tr.end) is not None


#: Words that make an IPO or bankruptcy noun news: the filing, pricing, plan or entry itself.
_NOUN_NEWS = patterns("events", "noun_news")


_OPPOSED = pattern("events", "opposed")
_DEAL_ADJ = word_set("events", "deal_adj")


def _presupposed_bid(sent: Sent, tr: _Trig, *, priced: bool = False) -> bool:
    """True for a bid named with a possessive ("BHP's $39 billion bid for Potash", "its offer
    for X"): it exists whatever the clause says of its outcome ("if BHP's bid succeeds").
    With ``priced``, a takeover noun with its price counts too, for opposition to it ("vote
    against a $10.6 billion buyout of X"); a price alone does not survive a modal ("could make
    a $5 billion acquisition")."""
    ids = ("acq_bid", "acq_bid_by", "acq_noun") if priced else ("acq_bid", "acq_bid_by")
    if tr.entry["id"] not in ids:
        return False
    marks = ("'s", "’s", "its", "their") + (("$", "€", "£", "¥", "billion", "million") if priced else ())
    i = tr.t - 1
    while i >= 0 and (sent.lows[i] in _NP_INNER or sent.lows[i][:1].isdigit() or sent.lows[i].endswith("-stock")
                      or sent.lows[i] in _DEAL_ADJ):
        if sent.lows[i] in marks:
            return True
        i -= 1
    return False


def _bare_noun(sent: Sent, low: str, tr: _Trig, d: Draft) -> bool:
    """True when an IPO or bankruptcy is only named ("the Facebook IPO", "Tribune's
    bankruptcy"): no money, and no filing, pricing, plan or entry near the noun. A story
    names an event this way when it is already known, and reports something else."""
    rx = _NOUN_NEWS.get(d.type)
    if rx is None or tr.entry["role"] not in ("noun", "ref") or d.amount is not None or d.valuation is not None:
        return False
    a = sent.starts[max(0, tr.t - 8)]
    b = sent.ends[min(len(sent.toks), tr.te + 8) - 1] if sent.toks else len(low)
    if d.type == "bankruptcy":  # "bankruptcy filing", "bankruptcy protection": the trigger itself says so
        return rx.search(low, a, b) is None
    return rx.search(low[a:tr.start] + " " + low[tr.end:b]) is None


#: A price stated with no currency sign ("agreed to buy X for about 1 billion in stock", "its 46 billion
#: acquisition"): some archives lost their "$" signs; such a figure is US dollars.
_BARE_PRICE = pattern("events", "bare_price")


def _round_total(sent: Sent, money: list, amount: Money) -> Money:
    """The round's total when the amount is one investor's share of it ("invested $5 million
    of the $20 million round", "$5 million of a $20 million Series B")."""
    for k, (m, ms, me, role) in enumerate(money):
        if m is amount:
            for m2, ms2, _me2, role2 in money[k + 1:k + 2]:
                if role2 == "plain" and me <= ms2 - 2 <= me + 1 and sent.lows[ms2 - 2] == "of" \
                        and sent.lows[ms2 - 1] in ("the", "a", "an", "its", "their") \
                        and m2.currency == m.currency and m2.amount > m.amount:
                    return m2
            break
    return amount


def _price_for(sent: Sent, low: str, money: list, te: int, hi: int) -> Money | None:
    """The price of an acquisition stated away from the verb: "for $X" after a long object
    ("acquired X, a library of videos, for $1.1 million"), or with no currency sign in a
    sentence that has no other money."""
    end = sent.ends[min(hi, len(sent.toks)) - 1] if sent.toks else len(low)
    for m, ms, _me, role in money:
        if role == "plain" and te <= ms < hi and ms > 0 and sent.lows[ms - 1] in ("for", "about", "around"):
            return m
    if money:
        return None
    start = sent.starts[max(0, te - 4)] if sent.toks else 0
    b = _BARE_PRICE.search(low, start, end)
    if b is None:
        return None
    val = float(b.group(1)) * (1e6 if b.group(2) == "million" else 1e9)
    return Money(val, "USD", b.start(1), b.end(2), b.group(0))


_HOLDING = word_set("events", "holding")


_HIRE_VERBS = word_set("events", "hire_verbs")
_BANK_ROLE = pattern("events", "bank_role")


def _issuer_not_bank(sent: Sent, low: str, c: Cand, t: int, subj) -> Any:
    """The company listing, when ``c`` is one of the banks it hired to run the IPO ("Box has
    selected Morgan Stanley ... and JPMorgan to lead an IPO"): the subject of the hiring verb."""
    between = low[sent.ends[c.end - 1]:sent.starts[t]] if c.end > 0 else ""
    if not _BANK_ROLE.search(between):
        return c
    for v in range(c.start - 1, max(-1, c.start - 25), -1):
        if sent.lows[v] in _HIRE_VERBS:
            return subj(v)
    return c


def _past_place_based(sent: Sent, c: Cand) -> Cand:
    """The name after "<town>, <region>-based" when ``c`` is the town ("Wood Dale, Illinois-based
    Clayton Metals"), else ``c``."""
    k = c.end
    if k + 3 < len(sent.toks) and sent.lows[k] == ",":
        for j in range(k + 1, min(len(sent.toks) - 1, k + 6)):
            if sent.lows[j] in ("based", "-based"):
                nxt = sent.cand_starting_at(j + 1)
                return nxt if nxt is not None else c
            if not sent.toks[j][:1].isupper() and sent.lows[j] != "-":
                break
    return c


_STAKE_AFTER_POSS = pattern("events", "stake_after_possessive")


def _owned_target(sent: Sent, owner: Cand) -> Cand | str | None:
    """What an acquisition buys from a possessive owner: the name right after "X's" ("France
    Telecom's Orange Austria" gives Orange Austria), the company of a majority stake ("Nestle's
    77 percent stake in Alcon" gives Alcon), ``"stake"`` for a minority stake, else ``None``."""
    k = owner.end + 1
    owned = sent.cand_starting_at(k)
    if owned is not None:
        # "Nokia's Symbian software activities": the name modifies a unit, named by _unit_sold
        return None if owned.person or sent.is_modifier(owned) else owned
    for n in range(4, 6):
        m = _STAKE_AFTER_POSS.match(" ".join(sent.lows[k:k + n]))
        if m:
            target = None
            for j in range(k + n, min(len(sent.toks), k + n + 4)):  # "stake in U.S. company Alcon"
                target = sent.cand_starting_at(j)
                if target is not None or not (sent.lows[j].isalpha() and sent.toks[j].islower()
                                              or sent.lows[j] in sent.vocab.non_company_1):
                    break
            if target is None:
                return None
            return target if float(m.group(1)) > 50 else "stake"
    return None


def _owned_subject(sent: Sent, company: Cand | str | None, typ: str, t: int) -> Cand | str | None:
    """The subject of a trigger at token ``t`` when it is a possessive owner before it: what the
    owner owns, named right after it ("Textron Inc's Cessna unit plans job cuts", "Musk's xAI
    raises"), else the subject itself. An acquisition's owner is read by :func:`_bought_from_owner`."""
    if typ != "acquisition" and isinstance(company, Cand) and company.poss and company.end < t:
        owned = _owned_target(sent, company)
        if isinstance(owned, Cand) and owned.end <= t:
            return owned
    return company


def _bought_from_owner(sent: Sent, owner: Cand) -> Cand | None:
    """The target of a deal whose object is a possessive owner: what :func:`_owned_target`
    finds, ``None`` for a minority stake, else the owner itself (for :func:`_unit_sold`)."""
    owned = _owned_target(sent, owner)
    if owned == "stake":
        return None
    return owned if isinstance(owned, Cand) else owner


def _holding_object(sent: Sent, te: int, c: Cand) -> bool:
    """True when what is bought is a holding in the company, not the company: shares or a stake
    before its name ("bought 11.5 million shares of X") or after it ("X stakes in two projects")."""
    if any(w in _HOLDING for w in sent.lows[te:c.start]):
        return True
    after = sent.lows[c.end:c.end + 4]
    if after and after[0] == "and":  # "X and Y stakes": the holdings of both
        return any(w in ("stakes", "shares", "holdings") for w in after[1:4])
    return bool(after) and after[0] in _HOLDING


def _in_proper_name(sent: Sent, t: int, te: int) -> bool:
    """True when trigger tokens ``t:te`` are capitalised words inside a longer capitalised run."""
    toks = sent.toks
    if not all(toks[i][:1].isupper() and not toks[i].isupper() for i in range(t, te)):
        return False
    before = t > 0 and toks[t - 1][:1].isupper() and sent.lows[t - 1] not in ("the", "a", "an")
    after = te < len(toks) and toks[te][:1].isupper()
    return before or after


def n_tok(sent: Sent) -> int:
    return len(sent.toks)


@lru_cache(maxsize=1)
def event_rules() -> EventRules:
    """Return the shared :class:`EventRules` (compiled once per process)."""
    return EventRules()
