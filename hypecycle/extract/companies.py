"""Company names in event sentences, found without a list of companies.

A *candidate* is a maximal run of name-like tokens (capitalised, camel-case such as
"eBay" or "xAI", digit-led such as "23andMe") that may contain connectors ("&", "of",
glued hyphens) and legal suffixes. Places, institutions, news agencies, months and
generic words (``names.json``) break runs. :class:`Sent` holds one sentence as tokens
with its candidates and offers the searches used by the event rules: the subject to
the left of a trigger, the object to its right, the agent after "by", a possessor.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from hypecycle.errors import LexiconError
from hypecycle.extract.money import money_parser
from hypecycle.extract.resources import (
    compile_gate,
    compile_regex,
    gated_finditer,
    load_json,
    load_words,
    pattern,
    word_set,
)

#: Lower-case words that may follow an object name without making it a modifier
#: ("buy Foo for $1bn", "Foo said"); any other lower-case word after a name means the
#: name modified a noun ("Shanghai property", "AI data centers").
_AFTER_NAME_OK = word_set("companies", "after_name_ok")

#: Counting words: a name right after one is a product counted ("six Boeing 787s"), not the object bought.
_QUANTITY_WORDS = word_set("companies", "quantity_words")

#: Legal forms spelled out (as written, capitalised); right after a name, they end it ("Trust Company").
_SPELLED_SUFFIX = word_set("companies", "spelled_suffix")

#: Endings of one-token compounds that place or list a company ("U.S.-based"): a modifier, not the name.
_MODIFIER_COMPOUNDS = tuple(sorted(word_set("companies", "modifier_compounds")))

#: Small words that, capitalised between two name words in running text, are part of the name.
_TITLE_CONNECT = word_set("companies", "title_connect")
_CONNECT = word_set("companies", "connect")
_MODIFIED = word_set("companies", "modified")
_HARD_SUFFIX = word_set("companies", "hard_suffix")
_DETERMINERS = word_set("companies", "determiners")
_POSS = word_set("companies", "poss")
#: After a sentence-initial word, a reporting verb, comma or possessive makes it a name ("Target said",
#: "Tidy, a cleaning startup", "Slide's round").
_SAID = word_set("companies", "said")
PRONOUN_RE = pattern("companies", "pronoun")


@dataclass(frozen=True, slots=True)
class Cand:
    """A candidate company name: tokens ``start`` to ``end`` (exclusive) of a sentence."""

    start: int
    end: int
    text: str
    poss: bool = False
    suffix: bool = False
    person: bool = False
    label: str = ""


class NameVocab:
    """The vocabulary of ``names.json``, compiled once (see :func:`name_vocab`)."""

    def __init__(self) -> None:
        data = load_json("names.json")
        try:
            self.suffixes = frozenset(s.lower() for s in data["legal_suffixes"])
            nc = [s.lower() for s in data["non_company"]]
            self.person_titles = frozenset(s.lower() for s in data["person_titles"])
            self.org_heads = frozenset(s.lower() for s in data["org_heads"])
            self.descriptors = frozenset(s.lower() for s in data["descriptors"])
            self.company_heads = frozenset(s.lower() for s in data["company_heads"])
            self.headline_prefix = compile_regex(data["headline_prefix"], "names.json")
            self.headline_suffix = compile_regex(data["headline_suffix"], "names.json", re.IGNORECASE)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LexiconError(f"names.json: missing or malformed key ({exc}); see its _about.") from exc
        #: words news writes in lower case (derived from corpus counts; corpora/derive_common_words.py)
        self.common_words = load_words("common_words.txt")
        self.non_company_1 = frozenset(s for s in nc if " " not in s)
        self.non_company_n = frozenset(s for s in nc if " " in s)
        self.generic_heads = word_set("companies", "generic_heads")

    def is_suffix(self, low: str) -> bool:
        """True for a legal suffix token such as "Inc" or "plc"."""
        return low in self.suffixes or low.rstrip(".") in self.suffixes


@lru_cache(maxsize=1)
def name_vocab() -> NameVocab:
    """Return the shared :class:`NameVocab`."""
    return NameVocab()


_SUFFIX_STRIP = None


@lru_cache(maxsize=1)
def _person_re() -> re.Pattern[str]:
    titles = sorted(name_vocab().person_titles, key=len, reverse=True)
    alt = "|".join(re.escape(t) for t in titles)
    return re.compile(rf"(?<![\w-])(?i:{alt})\s+((?:[A-Z](?:[\w'’-]+|\.)\s+){{0,2}}[A-Z][\w'’-]+)")


@lru_cache(maxsize=1)
def _person_gate():
    """:func:`_person_re` for RE2 without its look-behind: on ASCII text it matches wherever that
    pattern does (``re``'s ``\\s`` also takes \\v and \\x1c-\\x1f), so the pattern is tried only
    where it matches (:func:`~hypecycle.extract.resources.gated_finditer`); in four Reuters stories in ten it matches nowhere."""
    alt = "|".join(re.escape(t) for t in name_vocab().person_titles)
    return compile_gate(rf"(?i:{alt})[\s\x0b\x1c-\x1f]+[A-Z]", "names.json person_titles")


def person_words(text: str) -> set[str]:
    """Words of the names that follow a person title anywhere in ``text`` ("CEO Andrew Feldman"
    gives {"Andrew", "Feldman", "Andrew Feldman"}), so a later bare "Feldman" is known as a person.

    Examples
    --------
    >>> sorted(person_words("said Cerebras CEO Andrew Feldman."))
    ['Andrew', 'Andrew Feldman', 'Feldman']
    """
    out: set[str] = set()
    for m in gated_finditer(_person_re(), _person_gate(), text):
        name = m.group(1)
        out.add(name)
        out.update(name.split())
    return out


_POSSESSIVE_END = re.compile(r"(?:'s|’s|')\s*$")
_PUNCT = re.compile(r"[^\w\s]")


def normalise_company(name: str | None) -> str:
    """Normalise a company name for matching and de-duplication.

    Case, accents, punctuation, a leading "the", a possessive and legal suffixes (Inc,
    Corp, Ltd, plc, AG, SA, LLC, Co, Group, Holdings, ...) are dropped.

    Examples
    --------
    >>> normalise_company("SK Hynix Inc.")
    'sk hynix'
    >>> normalise_company("The Walt Disney Co's")
    'walt disney'
    """
    if not name:
        return ""
    vocab = name_vocab()
    s = name if name.isascii() else "".join(  # accents dropped (NFKD leaves ASCII as it is)
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    s = _POSSESSIVE_END.sub("", s.lower().strip())
    s = s.replace("&", " and ")
    s = _PUNCT.sub(" ", s)
    words = s.split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (vocab.is_suffix(words[-1]) or words[-1] in ("and", "co")):
        words.pop()
    return " ".join(words)


#: A Reuters instrument code's base ("GOOG", "0005", "SKFb", "VOWG_p") and exchange suffixes ("UL": unlisted;
#: the list is ``companies.ric_exchanges`` in words.json), longest first for the alternation.
RIC_BASE = r"[A-Z0-9]{1,7}(?:[a-z]{1,2}|_[a-z])?"
RIC_EXCHANGES = "|".join(sorted(word_set("companies", "ric_exchanges"), key=lambda code: (-len(code), code)))
_TICKER_TOKEN = re.compile(rf"^{RIC_BASE}\.[A-Z]{{1,3}}$")  # "KKR.UL", "GOOG.O": a ticker, not a name
_NAME_PART = word_set("companies", "name_part")
#: Sector words that names join with "and" ("Oil and Gas", "Power and Light", "Gas and Electric").
_SECTOR_PAIR = word_set("companies", "sector_pair")
_EXCHANGE_BRANDS = word_set("companies", "exchange_brands")
_WEEKDAYS = word_set("companies", "weekdays")
_ACRO_SKIP = word_set("companies", "acro_skip")


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


def same_company(short: str, long: str) -> bool:
    """True when normalised name ``short`` can stand for normalised name ``long`` in one article.

    A name is referred to by its leading words ("Hancock" for "Hancock Fabrics"), its
    trailing words ("Kodak" for "Eastman Kodak", "Lala" for "Grupo Lala"), its initials
    ("EA" for "Electronic Arts"), its first and last words with some between left out
    ("Yellowstone Club") or a plural/singular variant ("Tesla Motor").

    Examples
    --------
    >>> same_company("ea", "electronic arts")
    True
    >>> same_company("general", "general mills")
    True
    >>> same_company("mills", "general electric")
    False
    >>> same_company("yellowstone club", "yellowstone mountain club")
    True
    """
    if not short or not long:
        return False
    if short == long:
        return True
    a, b = short.split(), long.split()
    if len(a) > len(b):
        return False
    sa, sb = [_stem(w) for w in a], [_stem(w) for w in b]
    if sa == sb[:len(sa)] or sa == sb[len(sb) - len(sa):]:
        return True
    if _gapped(sa, sb):
        return True  # "Yellowstone Club" for "Yellowstone Mountain Club"
    if len(a) == 1 and 2 <= len(a[0]) <= 5:
        initials = "".join(w[0] for w in b if w not in _ACRO_SKIP)
        if len(initials) >= 2 and initials == a[0] or len(b) >= 3 and "".join(w[0] for w in b) == a[0]:
            return True  # "EA" for "Electronic Arts", "BOOC" for "Bank of Overseas Chinese"
        if len(b) >= 3 and "".join(w if w == "of" else w[0] for w in b) == a[0]:  # "BofA"
            return True
    if len(a) == 1 and 4 <= len(a[0]) <= 7 and a[0].endswith("co") and len(b) >= 2 \
            and _blend(a[0][:-2], [w for w in b if w not in _ACRO_SKIP]):
        return True  # "Tepco" for "Tokyo Electric Power (Co)": the initials and the dropped legal form
    if len(a) == 1 and len(a[0]) <= 7 or a == [w for w in a if len(w) == 1] or len(a) == 3 and a[1] == "and":
        return _blend("".join(w for w in a if w != "and"), [w for w in b if w not in _ACRO_SKIP])
    return False


def gapped_name(short: str, long: str) -> bool:
    """True when normalised name ``long`` is ``short`` with words inserted between its first
    and last ("yellowstone club", "yellowstone mountain club")."""
    return _gapped(short.split(), long.split())


def _gapped(sa: list[str], sb: list[str]) -> bool:
    if not 2 <= len(sa) < len(sb) or sa[0] != sb[0] or sa[-1] != sb[-1]:
        return False
    it = iter(sb)
    return all(w in it for w in sa)


def _blend(short: str, words: list[str]) -> bool:
    """True when ``short`` is the leading letters of two or more consecutive ``words`` run
    together, from the first: "wamu" for "washington mutual", "agbank" for "agricultural
    bank (of china)", "fn" for "fraser (and) neave"."""
    if len(short) < 2 or len(words) < 2 or not short.isalnum():
        return False

    def fits(rest: str, k: int, used: int) -> bool:
        if not rest:
            return used >= 2
        if k >= len(words):
            return False
        w = words[k]
        return any(w.startswith(rest[:n]) and fits(rest[n:], k + 1, used + 1)
                   for n in range(min(len(w), len(rest)), 0, -1))

    return fits(short, 0, 0)
    return False


_MONEY_SIGNS = word_set("companies", "money_signs")


@lru_cache(maxsize=1 << 16)
def is_namey(text: str) -> bool:
    """True when a token looks like part of a name (capitalised, camel-case, digit-led)."""
    c = text[0]
    if c.isupper():
        return any(ch.isalpha() for ch in text) and _MONEY_SIGNS.isdisjoint(text)  # not "S$550.5"
    if c.isdigit():  # "7digital", "3PAR"; not "4G", "3D", "2Q", "10AM" (fewer than three capitals)
        return any(ch.isupper() for ch in text) and any(ch.isalpha() for ch in text) and (
            not text.isupper() or sum(ch.isalpha() for ch in text) >= 3 and text.isalnum())
    if c.islower():
        return any(ch.isupper() for ch in text[1:]) and text.isalnum() or (
            "." in text and any(ch.isupper() for ch in text)
        )
    return False


class Sent:
    """One sentence as tokens, with its name candidates.

    Parameters
    ----------
    text : str
        The sentence (tickers already removed).
    words : sequence of (str, int, str)
        Token text, character offset in ``text`` and trailing whitespace.
    common : set of str, optional
        Lower-case words the article uses in lower case; a sentence-initial capitalised
        word in it is not a name.
    named : set of str, optional
        Lower-cased words the article capitalises inside sentences. A sentence-initial word of
        the shipped list of words news writes in lower case (``common_words.txt``) is not a
        name unless it is in ``named`` or speaks ("Staff at Iberia ..." but "Slide said").
    ents : sequence of (int, int, str), optional
        Statistical entities as token spans with a label (``model="sm"``).
    headline : bool
        The sentence is a title; in Title Case headlines capitals carry no signal.
    """

    def __init__(
        self,
        text: str,
        words: Sequence[tuple[str, int, str]],
        *,
        common: set[str] | frozenset[str] = frozenset(),
        named: set[str] | frozenset[str] = frozenset(),
        ents: Sequence[tuple[int, int, str]] = (),
        headline: bool = False,
    ) -> None:
        self.text = text
        self.toks = [w[0] for w in words]
        self.lows = [w.lower() for w in self.toks]
        self.starts = [w[1] for w in words]
        self.ends = [w[1] + len(w[0]) for w in words]
        self.ws = [w[2] for w in words]
        self.vocab = name_vocab()
        self.headline = headline
        self.cands: list[Cand] = self._candidates(common, named, ents)
        self._by_end = {c.end: c for c in self.cands}
        self._by_start = {c.start: c for c in self.cands}

    # -- construction -------------------------------------------------------------
    def _namey_flags(self, common: set[str] | frozenset[str], named: set[str] | frozenset[str]) -> list[bool]:
        v = self.vocab
        flags = []
        money: list[tuple[int, int]] | None = None
        for i, (t, low) in enumerate(zip(self.toks, self.lows)):
            ok = (is_namey(t) and low not in v.non_company_1 and low.rstrip(".") not in v.non_company_1
                  and not _TICKER_TOKEN.match(t))
            if ok and i > 0 and not self.ws[i - 1] and self.toks[i - 1][:1].isdigit():
                # "$400M": the scale of an amount, not a name ("3M", with no currency, stays one)
                if money is None:
                    money = [(m.start, m.end) for m in money_parser().find(self.text)]
                ok = not any(a < self.starts[i] < b for a, b in money)
            if ok and (i == 0 or self.toks[i - 1] in ('"', "“", "(", "-", "--", ":")):
                nxt = self.lows[i + 1] if i + 1 < len(self.lows) else ""
                nxt_cap = i + 1 < len(self.toks) and (self.toks[i + 1][:1].isupper() and not self.toks[i + 1].isupper() or (
                    nxt in ("of", "&") and i + 2 < len(self.toks) and self.toks[i + 2][:1].isupper()))
                if ((low in common or low in v.common_words and low not in named and nxt not in _SAID) and not nxt_cap) \
                        or low in v.generic_heads or nxt in _DETERMINERS:
                    ok = False  # "Startups raised ...", "Staff at Iberia", imperative "Slap the word ..."
            elif ok and low in v.generic_heads:
                ok = False
            flags.append(ok)
        # a legal suffix right after a capitalised listed word makes a name of both ("News Corp")
        for i in range(1, len(flags)):
            if self.lows[i] in _HARD_SUFFIX and self.toks[i][:1].isupper() and not flags[i - 1] \
                    and self.toks[i - 1][:1].isupper() and self.toks[i - 1].isalpha() and self.lows[i - 1] in v.non_company_1 \
                    and (i < 2 or not flags[i - 2]):
                flags[i - 1] = flags[i] = True
        # an exchange's brand opens the name of the company that owns it: "NYSE Euronext", "Nasdaq OMX"
        for i in range(len(flags) - 1):
            if self.lows[i] in _EXCHANGE_BRANDS and not flags[i] and flags[i + 1] and self.ws[i] \
                    and self.lows[i + 1] not in ("composite", "index", "stock", "market", "100"):
                flags[i] = True
        # generic words that also end or start names join a capitalised run: "Amberley Investments",
        # "Southern Cross Ventures" (but not "Investments by ...")
        for i, t in enumerate(self.toks):
            if not flags[i] and self.lows[i] in _NAME_PART and t[:1].isupper():
                if (i > 0 and flags[i - 1]) or (i + 1 < len(flags) and flags[i + 1]):
                    flags[i] = True
        return flags

    def _candidates(self, common: set[str] | frozenset[str], named: set[str] | frozenset[str],
                    ents: Sequence[tuple[int, int, str]]) -> list[Cand]:
        v = self.vocab
        n = len(self.toks)
        namey = self._namey_flags(common, named)
        cands: list[Cand] = []
        i = 0
        while i < n:
            if not namey[i]:
                i += 1
                continue
            j = i + 1
            ended = self.lows[i] in _HARD_SUFFIX
            while j < n:
                low = self.lows[j]
                if ended:  # a legal suffix ends the name ("KKR & Co. LP", not "Chemicals co BioAmber")
                    if low in _HARD_SUFFIX:
                        j += 1
                        continue
                    break
                if low in _HARD_SUFFIX or self.toks[j] in _SPELLED_SUFFIX and not self.headline:
                    j += 1  # "Columbian Bank and Trust Company": a spelled-out legal form, capitalised, ends it
                    ended = True
                    continue
                if namey[j]:
                    j += 1
                    continue
                if self.toks[j][:1].isupper() and self.lows[j] in v.non_company_1 and j + 2 < n \
                        and self.lows[j + 1] == "-" and not self.ws[j] and not self.ws[j + 1] and namey[j + 2]:
                    j += 3  # "Air France-KLM": a place inside a hyphenated name
                    continue
                if low == "of" and j + 1 < n and self.toks[j + 1][:1].isupper() and self.lows[j + 1] in v.non_company_1 \
                        and self.lows[i] not in v.person_titles:
                    j += 2  # "Bank of America", "Bank of China": a place closes the name
                    continue
                if low == "and" and j + 1 < n and namey[j + 1] and self.lows[j - 1] in _SECTOR_PAIR \
                        and self.lows[j + 1] in _SECTOR_PAIR:
                    j += 2  # "Eland Oil and Gas", "Pacific Gas and Electric": one name, not two
                    continue
                if low in _POSS and j + 1 < n and namey[j + 1] and self.lows[j + 1] in v.company_heads:
                    k = j + 1  # a generic head after the possessive, not another name ("Buffett's Berkshire")
                    while k < n and namey[k] and self.lows[k] not in _HARD_SUFFIX:
                        k += 1
                    if k < n and self.lows[k] in _HARD_SUFFIX and k - j <= 3:
                        j = k  # "Claire's Stores Inc", "Dillard's Department Stores Inc": one name
                        continue
                if low in _POSS and j == i + 1 == 1 and not self.headline and j + 1 < n and (
                        namey[j + 1] or self.lows[j + 1] in _HARD_SUFFIX):
                    k = j + 1
                    while k < n and namey[k] and self.lows[k] not in _HARD_SUFFIX:
                        k += 1
                    if k < n and self.lows[k] in _HARD_SUFFIX and k - j <= 4 and (
                            k == j + 1 or self.lows[j + 1] in self.vocab.common_words):
                        j = k  # "Reader's Digest Association Inc., publisher of ...": one name (not "Buffett's
                        continue  # Berkshire Hathaway Inc", whose second part is a name of its own)
                    if k + 1 < n and self.lows[k] == "," and self.lows[k + 1] in ("a", "an", "the", "which", "one"):
                        j = k  # "Goody's Family Clothing, a retail chain, ...": the possessive is part of the name
                        continue
                if low in _TITLE_CONNECT and not self.headline and self.toks[j][:1].isupper() and j + 1 < n \
                        and namey[j + 1]:
                    j += 2  # "Research In Motion": a capitalised small word inside a name, mid-sentence
                    continue
                if low in ("'", "’") and j + 2 < n and self.lows[j + 1] == "n" and namey[j + 2]:
                    j += 3  # "Linens 'n Things"
                    continue
                if low in _CONNECT and j + 1 < n and namey[j + 1] and low != "and" or (
                    low == "-" and not self.ws[j - 1] and not self.ws[j] and j + 1 < n
                    and (namey[j + 1] or self.toks[j + 1][:1].isupper())  # "Petro-Canada", "Air-India"
                ) or (low == "&" and j + 1 < n and (namey[j + 1] or self.lows[j + 1] in ("co", "co."))):
                    ended = low == "&" and self.lows[j + 1] in ("co", "co.")
                    j += 2
                    continue
                break
            k = j
            while k > i and (self.lows[k - 1] in _CONNECT or self.lows[k - 1] == "-"):
                k -= 1
            if k - i >= 2 and self.lows[i].endswith(_MODIFIER_COMPOUNDS):
                i += 1  # "U.S.-based Respironics" (one token): the place modifies the name
            if k - i >= 2 and (i == 0 or self.headline or not self.toks[i - 1][:1].isalnum()) \
                    and self.lows[i] in v.descriptors:
                i += 1  # "Rival DuPont", "Bookseller Borders Group Inc": a capitalised common noun
                while i < k - 1 and self.lows[i] in _CONNECT:
                    i += 1  # "Shareholders of Telluric Metals": the name starts after "of"
            elif i > 0 and self._org_end(k) and self.toks[i - 1][:1].isupper() \
                    and self.lows[i - 1] in v.non_company_1 \
                    and (i < 2 or not self.toks[i - 2][:1].isupper() or self.lows[i - 2] == "the"):
                i -= 1  # "Dow Chemical Co", "Washington Post": a place or index word opens the name
            if i > 0 and not self.ws[i - 1] and self.toks[i - 1].isdigit() and (i == 1 or self.ws[i - 2]):
                i -= 1  # "3M Co", "23andMe": the tokenizer splits off the digits that open the name
            elif i > 1 and self.toks[i - 1] == "-" and not self.ws[i - 1] and not self.ws[i - 2] \
                    and self.toks[i - 2].isdigit() and (i == 2 or self.ws[i - 3]):
                i -= 2  # "7-Eleven"
            self._add(cands, i, k)
            i = j
        if ents:
            cands = self._apply_ents(cands, ents)
        return cands

    def _org_end(self, j: int) -> bool:
        """True when the run ending before token ``j`` ends like an organisation's name: a
        legal suffix or a head word of ``names.json`` such as "Bank", "Steel" or "Post"."""
        return self.lows[j - 1] in _HARD_SUFFIX or self.lows[j - 1] in self.vocab.company_heads

    def _add(self, cands: list[Cand], i: int, j: int) -> None:
        if j <= i:
            return
        v = self.vocab
        text = self.text[self.starts[i]:self.ends[j - 1]]
        low = text.lower()
        if not self.headline and j - i >= 2 and all(len(w) >= 4 and w.isalpha() and w.isupper()
                                                    for w in self.toks[i:j]):
            return  # "PREDATORY PRICING": a sub-heading in capitals, not a name
        if low in v.non_company_n or low in v.non_company_1:
            return
        if j < len(self.toks) and f"{low} {self.lows[j]}" in v.non_company_n:
            return  # "North" of "North American plants": the start of a listed phrase
        # the tail of a longer non-company name split by a listed word ("New York Stock Exchange")
        k = i - 1
        while k >= 0 and k >= i - 4 and self.toks[k][:1].isupper():
            if self.text[self.starts[k]:self.ends[j - 1]].lower() in v.non_company_n:
                return
            k -= 1
        # leading multi-word places ("San Francisco Foo") are split off, unless what follows ends
        # like an organisation or joins on with "&" ("New York Times Co", "Dow Jones & Co")
        for k in range(j - 1, i, -1):
            head = self.text[self.starts[i]:self.ends[k - 1]].lower()
            if head in v.non_company_n and not (self._org_end(j) or self.lows[k] in ("&", "and")):
                self._add(cands, k, j)
                return
        poss = j < len(self.toks) and self.lows[j] in _POSS
        suffix = v.is_suffix(self.lows[j - 1])
        person = False
        if i > 0 and self.lows[i - 1] in v.person_titles and not suffix:
            person = True
        elif i > 1 and " ".join(self.lows[i - 2:i]) in v.person_titles and not suffix:
            person = True
        elif (j + 2 < len(self.toks) and self.toks[j] == "," and not suffix
              and (self.lows[j + 1] in v.person_titles
                   or (self.lows[j + 1] in ("the", "a", "an", "its", "his", "her")
                       and any(self.lows[x] in v.person_titles for x in range(j + 2, min(j + 5, len(self.toks))))))):
            person = True
        cands.append(Cand(i, j, text, poss, suffix, person))

    def _apply_ents(self, cands: list[Cand], ents: Sequence[tuple[int, int, str]]) -> list[Cand]:
        out = []
        for c in cands:
            label = ""
            for s, e, lab in ents:
                if s < c.end and c.start < e:
                    label = lab
                    break
            person = c.person or (label == "PERSON" and c.end - c.start >= 2 and not c.suffix)
            if label in ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "CARDINAL", "ORDINAL", "NORP", "LANGUAGE"):
                continue
            out.append(Cand(c.start, c.end, c.text, c.poss, c.suffix, person, label))
        return out

    # -- lookups ---------------------------------------------------------------------
    def tok_at(self, char: int) -> int:
        """Index of the token containing or following character offset ``char``."""
        i = bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        if char >= self.ends[i] and i + 1 < len(self.toks):
            return i + 1
        return i

    def cand_ending_at(self, end: int) -> Cand | None:
        return self._by_end.get(end)

    def cand_starting_at(self, start: int) -> Cand | None:
        return self._by_start.get(start)

    # -- searches used by the event rules --------------------------------------------------
    _PREP_BEFORE = word_set("companies", "prep_before")
    _REPORT = word_set("companies", "report")
    #: What "the company", "this startup", "the app" refers back to: the story's company.
    _REFERENCE_HEADS = word_set("companies", "reference_heads")

    def left_subject(self, t: int, lo: int = 0) -> Cand | str | None:
        """The subject of a trigger starting at token ``t``.

        Scans left (not before ``lo``) for the nearest name that is not a person or the
        object of a preposition. Returns a :class:`Cand`, the string ``"PRON"`` when the
        subject is "it", "the company" or "this app" with no name before it in the sentence, or ``None``
        when the subject is generic ("startups", "U.S. employers") or absent.
        """
        commas = 0
        lows = self.lows
        i = t - 1
        pron_at = -1
        while i >= lo and t - i <= 30:
            c = self._by_end.get(i + 1)
            if c is not None:
                prev = lows[c.start - 1] if c.start > 0 else ""
                prev2 = " ".join(lows[max(0, c.start - 2):c.start])
                if c.person or (prev in self._PREP_BEFORE and prev2 not in ("and by",)) or prev2 == "according to":
                    i = c.start - 1
                    continue
                if c.end < len(lows) and (lows[c.end] in _MODIFIED or self.is_modifier(c)):
                    i = c.start - 1  # "Scottish plant", "Hangzhou maker": a modifier, not the subject
                    continue
                if c.end + 2 < len(lows) and lows[c.end] == "," and lows[c.end + 1] in self.vocab.non_company_1 \
                        and self.toks[c.end + 1][:1].isupper() and lows[c.end + 2] in (",", ".", "and") \
                        and not any(self._org_end(k) for k in range(c.start + 1, c.end + 1)):
                    i = c.start - 1  # "its plant in Livingston, Scotland, and ...": a place, not the subject
                    # (but "SunFirst Bank of Saint George, Utah, has been closed": a bank named with its town)
                    continue
                if prev in (",", "and", "or", "&") and self._in_prep_list(c.start):
                    i = c.start - 1  # "flights from London, Los Angeles and Las Vegas"
                    continue
                if pron_at >= 0:
                    between = set(lows[c.end:pron_at])
                    if not between & self._REPORT and "," not in between:
                        return "PRON"
                if commas % 2 == 1:
                    head = self._appositive_head(c.start, lo)
                    if head is not None:
                        return head
                return c
            low = lows[i]
            if low == ";":
                break
            if low in ("--", "—", "–"):
                j = next((k for k in range(i - 1, lo - 1, -1) if lows[k] == low), -1)
                if j >= 0:
                    i = j - 1  # "Alteco and Mag Import -- which control ... Gecina -- said": skip the aside
                    continue
            if low == ",":
                commas += 1
            elif pron_at < 0:
                if low == "it" or low == "itself":
                    pron_at = i
                elif low in self._REFERENCE_HEADS and i > 0 and (
                    lows[i - 1] in ("the", "this") or (i > 1 and lows[i - 2] in ("the", "this"))
                ):
                    pron_at = i
                elif commas == 0 and low in self.vocab.generic_heads and t - i <= 6:
                    return None
            i -= 1
        return "PRON" if pron_at >= 0 else None

    def is_modifier(self, c: Cand) -> bool:
        """True when the name modifies what follows: "Merger-related", "PayPal founder's site",
        "Software companies"."""
        j = c.end
        if j >= len(self.toks):
            return False
        nxt = self.toks[j]
        if nxt == "-" and not self.ws[j - 1] and j + 1 < len(self.toks) and self.toks[j + 1][:1].islower():
            return True
        low = self.lows[j]
        if not (nxt.isalpha() and nxt.islower()) or low in _AFTER_NAME_OK or low.endswith("ly"):
            return False
        if low in self.vocab.org_heads:
            return j + 1 < len(self.toks) and self.lows[j + 1] in _POSS
        return low in self.vocab.generic_heads or (j + 1 < len(self.toks) and self.lows[j + 1] in _POSS)

    def _in_prep_list(self, start: int) -> bool:
        """True when the name at ``start`` closes a list of names governed by a preposition."""
        k = start - 1
        while k >= 0 and (self.toks[k][:1].isupper() or self.lows[k] in (",", "and", "or", "&")):
            if self.lows[k] in _WEEKDAYS:
                return False  # "filed in Birmingham on Friday, Moore-Handley said": a date ends the list
            k -= 1
        return k >= 0 and self.lows[k] in self._PREP_BEFORE

    def _appositive_head(self, start: int, lo: int) -> Cand | None:
        """The name before the comma that opens the parenthetical containing token ``start``."""
        for i in range(start - 1, max(lo - 1, start - 40), -1):
            if self.lows[i] == ",":
                c = self._by_end.get(i)
                if c is None and i > 0 and _TICKER_TOKEN.match(self.toks[i - 1]):
                    c = self._by_end.get(i - 1)  # "ABN Amro Bank NV AAH.AS, the biggest Dutch bank"
                if c is None and i > 0 and self.toks[i - 1] == ")":
                    k = next((k for k in range(i - 2, max(-1, i - 8), -1) if self.toks[k] == "("), -1)
                    c = self._by_end.get(k) if k > 0 else None  # "Religare Health Trust (RHT), which ..."
                if c is not None and not c.person:
                    return c
                return None
        return None

    _SKIP_BEFORE_OBJECT = word_set("companies", "skip_before_object")
    _OBJECT_BLOCK = word_set("companies", "object_block")
    _MODIFIER_HEADS = word_set("companies", "object_modifier_heads")

    def right_object(self, t_end: int, hi: int | None = None, max_skip: int = 6) -> Cand | None:
        """The direct object name after a trigger ending at token ``t_end``.

        Descriptors ("leading eye care firm Alcon", "the rest of Alcon") are skipped; a
        stake, shares or assets before any name mean the object is not a company; a name
        followed by a noun ("Shanghai property") is a modifier, not the object.
        """
        hi = len(self.toks) if hi is None else hi
        skipped = 0
        i = t_end
        while i < hi:
            c = self._by_start.get(i)
            if c is not None:
                if c.person:
                    return None
                if i > t_end and (self.lows[i - 1] in _QUANTITY_WORDS or self.lows[i - 1].replace(",", "").isdigit()):
                    return None  # "buy six Boeing 787s", "order 20 Airbus jets": things counted, not a company
                if c.end + 1 < hi and self.toks[c.end] == "-" and not self.ws[c.end - 1] \
                        and self.toks[c.end + 1][:1].islower() and skipped < max_skip:
                    i = c.end + 2  # "Apollo-owned restaurant group CKE": the name modifies the object
                    skipped += 1
                    continue
                return c if self._ends_np(c) else None
            low = self.lows[i]
            if low in self._OBJECT_BLOCK and not (i + 1 < hi and self.lows[i + 1] in self._MODIFIER_HEADS):
                return None  # "buy property", but "buy property group Quintain": the word modifies the head
            between = low in ("and", "or") and skipped > 0 and i + 1 < hi and self.toks[i + 1].isalpha() \
                and self.toks[i + 1].islower()  # "restructuring and consulting firm AlixPartners"
            nxt = self.toks[i + 1] if i + 1 < hi else ""
            place = self.toks[i][:1].isupper() and low in self.vocab.non_company_1 \
                and (nxt == "-" or nxt.isalpha() and nxt.islower())  # "U.S. drugmaker Wyeth", "U.K.-based ..."
            compound = low == "based" and i > t_end and self.lows[i - 1] == "-" \
                or low.endswith(_MODIFIER_COMPOUNDS)  # "New York-based Wyeth", "U.S.-based Wyeth"
            if (low in self._SKIP_BEFORE_OBJECT or (low.isalpha() and low.islower() and low not in _AFTER_NAME_OK)
                    or low in ("-", "'s", "’s") or between or place or compound) and skipped < max_skip:
                skipped += 1
                i += 1
                continue
            return None
        return None

    def _ends_np(self, c: Cand) -> bool:
        if c.end >= len(self.toks):
            return True
        nxt = self.lows[c.end]
        if nxt in _POSS:
            return True
        if not nxt[0].isalpha():
            return True
        return nxt in _AFTER_NAME_OK or nxt in self.vocab.org_heads

    def after_word(self, start: int, words: frozenset[str] | set[str], hi: int | None = None,
                   within: int = 6) -> Cand | None:
        """The name after the first of ``words`` found within ``within`` tokens from ``start``."""
        hi = len(self.toks) if hi is None else hi
        for i in range(start, min(hi, start + within)):
            if self.lows[i] in words:
                return self.right_object(i + 1, hi, max_skip=4)
        return None

    def possessor(self, t: int, max_back: int = 6) -> Cand | None:
        """A name in the possessive before a trigger noun ("Foo's $1.5 billion Series F")."""
        for i in range(t - 1, max(-1, t - 1 - max_back), -1):
            low = self.lows[i]
            if low in _POSS:
                c = self._by_end.get(i)
                return c if c is not None and not c.person else None
            if low in (",", ";", ".", "by", "of", "for", "from", "and", "with"):
                return None
        return None

    def name_before(self, t: int) -> Cand | None:
        """A name directly before the trigger noun ("the Facebook IPO")."""
        c = self._by_end.get(t)
        if c is not None and not c.person:
            return c
        return None
