"""The learned amount chooser: which money in the story is an event's amount.

The story rules (:mod:`hypecycle.extract.story`) set an event's amount where the text says it
in a shape they know: in the event's sentence ("agreed to buy Y for $Z"), the next sentence
referring back to it, or a deal's size written as such ("the $24.4 billion deal"). News also
states the price elsewhere, in words the rules do not pair with the event: "Murdoch, who made a
surprise $5 billion offer", "approved the $2.16 billion bid last week", "a deal that valued the
company at $5.2 billion". For an event of a type that has an amount (funding, IPO, acquisition)
and none from the rules, :class:`AmountModel` scores every amount the headline and body state
(:func:`amount_candidates`: the words around it, its role, whether its sentence names the
company or the buyer, where it stands in the story, how often the story repeats it, how it ranks
among the story's amounts) with a logistic regression, and sets the most probable one when its
probability reaches the model's threshold. Amounts the rules set are kept: they are exact.

The model is plain JSON (``hypecycle/data/events/amount_model.json``: feature weights, intercept,
threshold), trained by ``corpora/train_amount_model.py`` on the annotated sets (model card
``amount_model.md`` beside it). Loading runs no code and downloads nothing; without the file (or
``Extractor(amounts="none")``) the rules alone set amounts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from hypecycle.extract.money import Money, money_parser
from hypecycle.extract.news import YEAR
from hypecycle.extract.resources import SparseLinear, malformed, model_params, word_set

#: The shipped model file, in :mod:`hypecycle.data.events`.
MODEL_FILE = "amount_model.json"
_RETRAIN = "corpora/train_amount_model.py"
#: The event types whose amount the model may set.
AMOUNT_TYPES = ("funding", "ipo", "acquisition")

_WORD = re.compile(r"[a-z0-9$&'-]+|[()\-,;:]")
_NUM = re.compile(r"\d")
_NAME_WORD = re.compile(r"[A-Za-z0-9&'-]+")
#: Words of a company name too common to find it by in the story ("the", "group", "american").
_SKIP_NAME = word_set("amounts", "name_skip")


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6+"


def _words(text: str) -> list[str]:
    return [_NUM.sub("0", w) for w in _WORD.findall(text)]


def _name_words(name: str | None) -> list[str]:
    """The words of a company name that identify it in lower-cased text ("dow", "jones")."""
    if not name:
        return []
    ws = [w.lower() for w in _NAME_WORD.findall(name)]
    return [w for w in ws if w not in _SKIP_NAME and len(w) > 1] or ws[:1]


@dataclass(frozen=True, slots=True)
class Mention:
    """One amount a story states, where it stands and the words around it."""

    money: Money
    sentence: int  # -1 for the headline
    low: str  # the lower-cased sentence (or headline)
    role: str  # "plain", "valuation" or "other", as the sentence rules see it (EventRules.money_role)


class StoryMoney:
    """The amounts of one story (headline, then body sentences), found once and shared by its events.

    Parameters
    ----------
    title : str
        The headline ("" for none).
    body : str
        The body as the story reader holds it.
    spans : list of (int, int)
        Sentence spans of ``body``.
    rules : EventRules
        The sentence rules: :meth:`~hypecycle.extract.events.EventRules.is_price` and
        :meth:`~hypecycle.extract.events.EventRules.is_conversion` leave out prices and conversions
        (a conversion is kept as what it converts), :meth:`~hypecycle.extract.events.EventRules.amount_role` gives
        the role the rules see (a feature: "other" there is often a deal's price, "will pay $X").
    year : int
        The article's year (a sentence dated another year is history).
    """

    def __init__(self, title: str, body: str, spans: list[tuple[int, int]], rules: Any, year: int) -> None:
        parser = money_parser()
        self.year = year
        self.mentions: list[Mention] = []
        #: (amount, currency) of a bracketed conversion -> the amount it converts, as the story states it
        self.converts: dict[tuple[float, str], Money] = {}
        units = ([(-1, title)] if title.strip() else []) + [(si, body[a:b]) for si, (a, b) in enumerate(spans)]
        for si, text in units:
            if not any(c.isdigit() for c in text):
                continue
            low = text.lower()
            prev = None
            for m in parser.find(text):
                conversion = rules.is_conversion(low, m, prev)  # the conversion test runs once
                if not conversion and not rules.is_price(m):
                    self.mentions.append(Mention(m, si, low, rules.amount_role(low, m)))
                elif conversion and m.currency != prev.currency and not prev.per_unit:
                    self.converts.setdefault((m.amount, m.currency), prev)
                prev = m
        values = sorted({(x.money.amount, x.money.currency) for x in self.mentions}, key=lambda v: (-v[0], v[1]))
        self.rank = {v: i for i, v in enumerate(values)}
        self.repeats: dict[tuple[float, str], int] = {}
        for x in self.mentions:
            key = (x.money.amount, x.money.currency)
            self.repeats[key] = self.repeats.get(key, 0) + 1
        self.first = next(((x.money.amount, x.money.currency) for x in self.mentions if x.sentence >= 0), None)
        self.n_values = len(values)


def as_stated(amount: float, currency: str, story: StoryMoney) -> Money | None:
    """The amount the story states where ``amount`` of ``currency`` is only its bracketed
    conversion elsewhere ("A$3.1 billion ($2.8 billion)": the deal is A$3.1 billion, also when
    the headline gives "$2.8 billion"), else ``None``. An event's amount is the one the article
    states, in its currency (FORMAT.md), never the reporter's conversion."""
    return story.converts.get((amount, currency))


def amount_candidates(event: Any, story: StoryMoney) -> list[tuple[Money, dict[str, float]]]:
    """Each amount of the story that could be ``event``'s (no price or conversion), with the
    features :class:`AmountModel` reads; ``event`` has ``type``, ``company``, ``acquirer`` and
    ``evidence`` (the text of the sentence that stated it)."""
    typ = event.type
    company = _name_words(event.company)
    buyer = _name_words(getattr(event, "acquirer", None))
    evidence = (event.evidence or "").lower()
    out = []
    for x in story.mentions:
        m, low = x.money, x.low
        before = _words(low[max(0, m.start - 60):m.start])[-6:]
        after = _words(low[m.end:m.end + 60])[:6]
        key = (m.amount, m.currency)
        f: dict[str, float] = {
            "role=" + x.role: 1.0,
            "b1=" + (before[-1] if before else "^"): 1.0,
            "b2=" + " ".join(before[-2:]): 1.0,
            "a1=" + (after[0] if after else "$"): 1.0,
            "a2=" + " ".join(after[:2]): 1.0,
            "at=" + ("head" if x.sentence < 0 else _bucket(x.sentence)): 1.0,
            "rank=" + _bucket(story.rank.get(key, 9)): 1.0,
            "repeats=" + _bucket(story.repeats.get(key, 0)): 1.0,
            "values=" + _bucket(story.n_values): 1.0,
            "scale=" + str(min(12, int(math.log10(max(m.amount, 1.0))) // 3 * 3)): 1.0,
        }
        for w in before:
            f["bw=" + w] = 1.0
        for w in after:
            f["aw=" + w] = 1.0
        if key == story.first:
            f["first"] = 1.0
        if company and any(w in low for w in company):
            f["names_company"] = 1.0
        if buyer and any(w in low for w in buyer):
            f["names_buyer"] = 1.0
        if evidence and (evidence in low or low in evidence):
            f["event_sentence"] = 1.0
        if m.currency != "USD":
            f["not_usd"] = 1.0
        years = {int(y) for y in YEAR.findall(low)}
        if years and all(y < story.year for y in years):
            f["dated_before"] = 1.0
        f.update({f"{typ}|{k}": v for k, v in list(f.items())})
        f["type=" + typ] = 1.0
        out.append((m, f))
    return out


class AmountModel(SparseLinear):
    """The logistic regression choosing an event's amount, read from plain JSON.

    Parameters
    ----------
    params : dict
        ``weights`` (feature -> weight), ``intercept`` and ``threshold`` (the least probability
        at which an amount is set).
    source : str
        Where the parameters came from, for error messages.

    Raises
    ------
    LexiconError
        If the parameters are incomplete.
    """

    def __init__(self, params: dict[str, Any], source: str = MODEL_FILE) -> None:
        super().__init__(params, source, _RETRAIN)
        try:
            self.threshold = float(params["threshold"])
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(source, exc, _RETRAIN) from exc

    def choose(self, event: Any, story: StoryMoney) -> Money | None:
        """The amount to set on ``event``: the most probable candidate (the earliest of equals)
        when it reaches the threshold, else ``None``."""
        best, best_p = None, -1.0
        for m, f in amount_candidates(event, story):
            p = self.probability(f)
            if p > best_p:
                best, best_p = m, p
        return best if best is not None and best_p >= self.threshold else None


def load_amount_model(path: Any = None) -> AmountModel | None:
    """The shipped amount model (or the JSON file at ``path``), or ``None`` when the shipped file
    is absent: then the rules alone set amounts."""
    found = model_params(MODEL_FILE, path, what="amount model")
    return None if found is None else AmountModel(*found)
