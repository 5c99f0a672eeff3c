"""The learned proposer: events the sentence rules do not state, read from the whole story.

The sentence rules (:mod:`hypecycle.extract.events`) find an event only when a sentence says it in
a shape they know ("X agreed to buy Y for $Z"). News often tells an event in other words: a
pending deal that is the subject of a vote or a court fight, a bid told through a rival's
offer, cuts told through a union's reply. The proposer looks at every company the story's
trigger sentences and headline name, paired with each event type those sentences speak of, and
a logistic regression over the words around each mention of the company (which trigger is
near, on which side, at what distance), and over where and how often the story names it,
estimates whether the story reports an event of that type for that company. A second model
names the buyer of a proposed acquisition among the story's other companies, and a third the
event's status. Amounts come from the story rules that set them for the rules' own events.

The three models are plain JSON (``hypecycle/data/events/proposer_model.json``: feature weights,
intercepts, thresholds), trained by ``corpora/train_event_proposer.py`` on the annotated sets
(model card ``proposer_model.md`` beside it). Loading runs no code and downloads nothing; without
the file (or ``Extractor(proposer="none")``) the rules and the news model alone decide.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hypecycle.errors import LexiconError
from hypecycle.extract.companies import Sent, normalise_company, same_company
from hypecycle.extract.news import YEAR
from hypecycle.extract.resources import SparseLinear, malformed, model_params, pattern
from hypecycle.extract.sentences import LEAD
from hypecycle.extract.story_types import logit

#: The shipped model file, in :mod:`hypecycle.data.events`.
MODEL_FILE = "proposer_model.json"
_RETRAIN = "corpora/train_event_proposer.py"

_NUM = re.compile(r"\d")
_MONEY_WORD = pattern("proposer", "money_word")


def _word(w: str) -> str:
    return _NUM.sub("0", w)


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6+"


@dataclass
class Pair:
    """One (event type, company) of a story, with the features the models read."""

    type: str
    key: str
    name: str
    first: int
    evidence: str
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0


def story_pairs(sents: Iterable[tuple[int, Sent, list[tuple[str, int, int, str]]]], *, body_low: str,
                canonical, is_person, taken: dict[tuple[str, str], str], n_sentences: int,
                story_p: Any = None) -> list[Pair]:
    """Every (type, company) a story's trigger sentences pair, with its features.

    Parameters
    ----------
    sents : iterable of (int, Sent, list)
        Sentence index (-1 for the headline), the sentence, and its trigger matches as
        ``(type, start token, end token, first trigger words)``.
    body_low : str
        The lower-cased body (how often the story names a company).
    canonical : callable
        A name as the story first gives it in full (the story's alias book).
    is_person : callable
        True for a name candidate that is a person.
    taken : dict
        ``(type, normalised company) -> how the rules judged it``: "kept" for an event the rules
        and news model report, "dropped" for a candidate the news model dropped, "acquirer" for a
        company named as a buyer; such pairs are features, and kept ones are never proposed.
    n_sentences : int
        Sentences in the body.
    story_p : callable or dict, optional
        Event type -> the story-type prior's probability (:mod:`hypecycle.extract.story_types`), or
        a callable giving it, called only when the story has a pair to weigh.
    """
    pairs: dict[tuple[str, str], Pair] = {}
    per_type_sents: dict[str, int] = {}
    head_types: set[str] = set()
    lead_types: set[str] = set()
    for si, sent, trigs in sents:
        types = sorted({t for t, _a, _b, _w in trigs})  # sorted: the same story gives the same pairs in order
        for t in types:
            per_type_sents[t] = per_type_sents.get(t, 0) + 1
        if si < 0:
            head_types.update(types)
        elif si < LEAD:
            lead_types.update(types)
        money = bool(_MONEY_WORD.search(sent.text.lower()))
        bag = {w for w in sent.lows if len(w) > 2 and w.isalpha()}
        year = bool(YEAR.search(sent.text))
        for c in sent.cands:
            if is_person(c):
                continue
            name = canonical(c.text, headline=si < 0)
            key = normalise_company(name)
            if len(key) < 2:
                continue
            lows = sent.lows
            ctx = {
                "L1": _word(lows[c.start - 1]) if c.start >= 1 else "^",
                "L2": _word(lows[c.start - 2]) if c.start >= 2 else "^",
                "R1": _word(lows[c.end]) if c.end < len(lows) else "$",
                "R2": _word(lows[c.end + 1]) if c.end + 1 < len(lows) else "$",
            }
            for t in types:
                p = pairs.get((t, key))
                if p is None:
                    p = pairs[(t, key)] = Pair(t, key, name, si, sent.text)
                elif p.first < 0 <= si:  # the first body sentence, else the headline
                    p.first, p.evidence = si, sent.text
                f = p.features
                where = "h" if si < 0 else "b"
                for k, v in ctx.items():
                    f[f"{t}|{where}{k}={v}"] = 1.0
                    f[f"{k}={v}"] = 1.0
                for w in bag:
                    f[f"{t}|{where}s={w}"] = 1.0
                f[f"{t}|{where}L2L1={ctx['L2']}_{ctx['L1']}"] = 1.0
                f[f"{t}|{where}R1R2={ctx['R1']}_{ctx['R2']}"] = 1.0
                # the nearest trigger of this type on each side of the name
                before = [(c.start - b, w) for tt, _a, b, w in trigs if tt == t and b <= c.start]
                after = [(a - c.end, w) for tt, a, _b, w in trigs if tt == t and a >= c.end]
                for side, near in (("before", before), ("after", after)):
                    if near:
                        d, w = min(near)
                        f[f"{t}|trig_{side}_{_bucket(d)}"] = 1.0
                        f[f"{t}|trig_{side}={w}"] = 1.0
                        if d <= 5:
                            f[f"{t}|trig_{side}_near={w}"] = 1.0
                if not before and not after:
                    f[f"{t}|trig_inside"] = 1.0
                f[f"{t}|mentions"] = f.get(f"{t}|mentions", 0.0) + 1.0
                if si < 0:
                    f[f"{t}|in_headline"] = 1.0
                elif si < LEAD:
                    f[f"{t}|in_lead"] = 1.0
                if c.start <= 2:
                    f[f"{t}|opens_sentence"] = 1.0
                if c.poss:
                    f[f"{t}|possessive"] = 1.0
                if c.suffix:
                    f[f"{t}|legal_suffix"] = 1.0
                if money:
                    f[f"{t}|money_in_sentence"] = 1.0
                if year:
                    f[f"{t}|year_in_sentence"] = 1.0
    n_by_type: dict[str, int] = {}
    for t, _k in pairs:
        n_by_type[t] = n_by_type.get(t, 0) + 1
    kept = [(t, k) for (t, k), how in taken.items() if how == "kept"]
    if callable(story_p):
        story_p = story_p() if pairs else None
    out = []
    for (t, key), p in sorted(pairs.items(), key=lambda kv: (kv[1].first, kv[0])):
        if any(tt == t and (kk == key or same_company(kk, key) or same_company(key, kk)) for tt, kk in kept):
            continue  # reported already, under this name or an alias
        f = p.features
        m = f.pop(f"{t}|mentions")
        f[f"{t}|log_mentions"] = math.log1p(m)
        word = key.split()[0]
        f[f"{t}|log_body_count"] = math.log1p(body_low.count(word)) if len(word) >= 3 else 0.0
        f[f"{t}|log_first"] = math.log1p(p.first) if p.first >= 0 else 0.0
        f[f"{t}|relative_first"] = p.first / max(n_sentences, 1) if p.first >= 0 else 0.0
        f[f"{t}|log_companies"] = math.log1p(n_by_type[t] - 1)
        f[f"{t}|log_trigger_sentences"] = math.log1p(per_type_sents.get(t, 0))
        f[f"{t}|headline_type"] = float(t in head_types)
        f[f"{t}|lead_type"] = float(t in lead_types)
        f[f"{t}|bias"] = 1.0
        if story_p:
            q = story_p.get(t, 0.0)
            f[f"{t}|story_logit"] = logit(q) / 5.0
            f[f"{t}|story_p_bin={min(int(q * 5), 4)}"] = 1.0
        for (tt, kk), how in taken.items():
            if kk == key or same_company(kk, key) or same_company(key, kk):
                f[f"{t}|rules_{how}" if tt == t else f"{t}|rules_other_{how}"] = 1.0
        out.append(p)
    return out


class EventProposer:
    """The three models of the proposer, read from plain JSON.

    Parameters
    ----------
    params : dict
        ``event`` (``weights``, ``intercept``), ``threshold``, ``per_type`` (most events one
        type may add to a story), ``acquirer`` (``weights``, ``intercept``, ``threshold``) and
        ``status`` (``classes``, ``models``: per class ``weights`` and ``intercept``, and
        ``by_type``: the classes each event type may take).
    source : str
        Where the parameters came from, for error messages.

    Raises
    ------
    LexiconError
        If the parameters are incomplete.
    """

    def __init__(self, params: dict[str, Any], source: str = MODEL_FILE) -> None:
        self.event = SparseLinear(params.get("event") or {}, source, _RETRAIN, "event")
        self.acquirer = SparseLinear(params.get("acquirer") or {}, source, _RETRAIN, "acquirer")
        try:
            self.threshold = float(params["threshold"])
            self.per_type = int(params["per_type"])
            self.acquirer_threshold = float(params["acquirer"]["threshold"])
            self.status_classes = [str(c) for c in params["status"]["classes"]]
            self.status = [SparseLinear(m, source, _RETRAIN, f"status {c}")
                           for c, m in zip(self.status_classes, params["status"]["models"])]
            #: the statuses each type took in the training data ("" = unset); others are never given to it
            self.status_by_type = {str(t): set(v) for t, v in params["status"].get("by_type", {}).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(source, exc, _RETRAIN) from exc
        if len(self.status) != len(self.status_classes):
            raise LexiconError(f"{source}: status classes and models differ in number; retrain the model.")

    def propose(self, pairs: list[Pair]) -> list[Pair]:
        """The pairs that are events, most probable first, at most ``per_type`` per type."""
        for p in pairs:
            p.probability = self.event.probability(p.features)
        chosen: list[Pair] = []
        count: dict[str, int] = {}
        for p in sorted(pairs, key=lambda p: (-p.probability, p.first, p.type, p.key)):
            if p.probability < self.threshold or count.get(p.type, 0) >= self.per_type:
                continue
            if any(q.type == p.type and (same_company(q.key, p.key) or same_company(p.key, q.key)) for q in chosen):
                continue
            count[p.type] = count.get(p.type, 0) + 1
            chosen.append(p)
        return chosen

    def buyer(self, target: Pair, pairs: list[Pair]) -> str | None:
        """The acquirer of a proposed acquisition: the most probable other company, if probable enough."""
        best, best_p = None, self.acquirer_threshold
        for q in pairs:
            if q.type != "acquisition" or q.key == target.key or same_company(q.key, target.key) \
                    or same_company(target.key, q.key):
                continue
            pq = self.acquirer.probability(q.features)
            if pq >= best_p:
                best, best_p = q.name, pq
        return best

    def status_of(self, p: Pair) -> str | None:
        """The most probable status of those its type takes ("" class: the story leaves it unclear, None)."""
        allowed = self.status_by_type.get(p.type)
        scores = [m.probability(p.features) if allowed is None or c in allowed else -1.0
                  for c, m in zip(self.status_classes, self.status)]
        c = self.status_classes[max(range(len(scores)), key=lambda i: (scores[i], -i))]
        return c or None


def load_proposer(path: Any = None) -> EventProposer | None:
    """The shipped proposer (or the JSON file at ``path``), or ``None`` when the shipped file is
    absent: then the rules and the news model alone decide."""
    found = model_params(MODEL_FILE, path, what="proposer model")
    return None if found is None else EventProposer(*found)
