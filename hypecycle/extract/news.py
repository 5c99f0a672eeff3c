"""The learned part of event extraction: is a candidate event the story's news?

The rules (:mod:`hypecycle.extract.events`, :mod:`hypecycle.extract.story`) find candidate
events and their fields (money, rounds, names). Whether a candidate is what the story
reports as news, or background, a rival's deal, history or a recap, is decided by a
logistic regression over features of the candidate's sentences and of the story
(:func:`candidate_features`). The model is plain JSON (``hypecycle/data/events/news_model.json``:
feature names, scaling, coefficients, threshold), so loading it runs no foreign code and
needs no download; it is trained by ``corpora/train_news_model.py`` (model card beside the
file). Without the file, the rules alone decide (:func:`load_news_model` returns ``None``).
"""

from __future__ import annotations

import math
import re
from typing import Any

from hypecycle.errors import LexiconError
from hypecycle.extract.resources import model_params, pattern
from hypecycle.extract.story_types import logit
from hypecycle.schema import EVENT_STATUSES, EVENT_TYPES

#: The shipped model file, in :mod:`hypecycle.data.events`.
MODEL_FILE = "news_model.json"

#: A year as news writes one (1950-2049).
YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_PAST = pattern("news", "past")
_MODAL = pattern("news", "modal")
_FUTURE = pattern("news", "future")
_NOW = pattern("news", "now")
_SOURCES = pattern("news", "sources")
_NEGATION = pattern("news", "negation")
_AGGREGATE = pattern("news", "aggregate")


def _word(name: str) -> str:
    """The first word of a company name that is not an article, lower-cased."""
    for w in re.findall(r"[A-Za-z0-9&'-]+", name):
        if w.lower() not in ("the", "a", "an"):
            return w.lower()
    return ""


def candidate_features(d: Any, e: Any, state: Any, title: str, body: str, pairs: list[tuple[Any, Any]],
                       types_in) -> dict[str, float]:
    """Features of one candidate event (``e`` merged from draft ``d``) in its story.

    ``d.weak`` says how the rules judged the draft the event was merged into ("" reported,
    "aside", "hedge", "plain", "ref"); ``pairs`` are all the story's candidates;
    ``types_in`` maps lower-case text to the event types it speaks of.
    """
    story = getattr(state, "news_story", None)
    if story is None:  # what every candidate of the story shares, computed once
        low_title = title.lower()
        lead_low = " ".join(state.body[a:b] for a, b in state.spans[:2]).lower()
        story = state.news_story = (low_title, types_in(low_title), types_in(lead_low), body.lower())
    low_title, head_types, lead_types, body_low = story
    n_sent = max(len(state.spans), 1)
    sents = [s for s in d.mentions] or [d.sentence]
    first = min((s for s in sents if s >= 0), default=-1)
    in_head = any(s < 0 for s in sents)
    word = _word(e.company)
    ev = e.evidence.lower()
    mentions = body_low.count(word) if len(word) >= 2 else 0
    same_type = sum(1 for x, _d in pairs if x.type == e.type)
    f: dict[str, float] = {f"type_{t}": float(e.type == t) for t in EVENT_TYPES}
    f.update({f"status_{s}": float(e.status == s) for s in EVENT_STATUSES})
    f.update({
        "in_headline": float(in_head),
        "in_lead": float(0 <= first <= 1),
        "body_only": float(not in_head and first >= 0),
        "log_first_sentence": math.log1p(first) if first >= 0 else 0.0,
        "relative_position": (first / n_sent) if first >= 0 else 0.0,
        "log_sentences": math.log1p(n_sent),
        "n_mentions_merged": math.log1p(len(sents)),
        "aside": float(d.weak == "aside"),
        "weak_hedge": float(d.weak == "hedge"),
        "weak_plain": float(d.weak == "plain"),
        "weak_ref": float(d.weak == "ref"),
        "reported": float(not d.weak),
        "has_amount": float(e.amount is not None),
        "has_round": float(e.round is not None),
        "has_investors": float(bool(e.investors)),
        "has_acquirer": float(e.acquirer is not None),
        "has_count": float(e.count is not None),
        "company_in_title": float(bool(word) and len(word) >= 2 and word in low_title),
        "log_company_mentions": math.log1p(mentions),
        "headline_type": float(e.type in head_types),
        "headline_any_type": float(bool(head_types)),
        "lead_type": float(e.type in lead_types),
        "lead_any_type": float(bool(lead_types)),
        "log_same_type": math.log1p(same_type - 1),
        "log_candidates": math.log1p(len(pairs) - 1),
        "ev_year": float(bool(YEAR.search(ev))),
        "ev_past": float(bool(_PAST.search(ev))),
        "ev_modal": float(bool(_MODAL.search(ev))),
        "ev_future": float(bool(_FUTURE.search(ev))),
        "ev_now": float(bool(_NOW.search(ev))),
        "ev_sources": float(bool(_SOURCES.search(ev))),
        "ev_negation": float(bool(_NEGATION.search(ev))),
        "ev_aggregate": float(bool(_AGGREGATE.search(ev))),
        "title_empty": float(not title.strip()),
    })
    story_p = state.story_p()
    if story_p:  # the story-type prior: does the story as a whole report an event of this type?
        f["story_logit"] = logit(story_p.get(e.type, 0.0))
    f["aside_x_body"] = f["aside"] * f["log_first_sentence"]
    f["head_type_x_in_title"] = f["headline_type"] * f["company_in_title"]
    return f


def exact_event(e: Any, d: Any) -> bool:
    """True for a candidate the rules state exactly, which is kept whatever the model says: a
    reported funding round with its amount and its round or investors, or an IPO with its size
    and status."""
    if d.weak:
        return False
    if e.type == "funding":
        return e.amount is not None and (e.round is not None or bool(e.investors))
    return e.type == "ipo" and e.amount is not None and e.status is not None


class NewsModel:
    """A logistic regression over :func:`candidate_features`, read from plain JSON.

    Parameters
    ----------
    params : dict
        ``features`` (names), ``mean``, ``scale``, ``coef`` (lists of equal length),
        ``intercept`` and ``threshold``.
    types_in : callable
        Lower-case text -> the event types it speaks of (the rules' trigger words).
    source : str
        Where the parameters came from, for error messages.

    Raises
    ------
    LexiconError
        If the parameters are incomplete or of unequal length.
    """

    def __init__(self, params: dict[str, Any], types_in, source: str = MODEL_FILE) -> None:
        try:
            self.features_ = list(params["features"])
            self.mean_ = [float(x) for x in params["mean"]]
            self.scale_ = [float(x) or 1.0 for x in params["scale"]]
            self.coef_ = [float(x) for x in params["coef"]]
            self.intercept_ = float(params["intercept"])
            self.threshold = float(params["threshold"])
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"{source}: missing or malformed key ({exc}); retrain with "
                               "corpora/train_news_model.py.") from exc
        if not len(self.features_) == len(self.mean_) == len(self.scale_) == len(self.coef_):
            raise LexiconError(f"{source}: features, mean, scale and coef differ in length; retrain the model.")
        self.types_in = types_in

    def features(self, d: Any, e: Any, state: Any, title: str, body: str,
                 pairs: list[tuple[Any, Any]]) -> dict[str, float]:
        return candidate_features(d, e, state, title, body, pairs, self.types_in)

    def probability(self, f: dict[str, float]) -> float:
        z = self.intercept_ + sum(c * (f.get(n, 0.0) - m) / s
                                  for n, m, s, c in zip(self.features_, self.mean_, self.scale_, self.coef_))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def is_news(self, f: dict[str, float]) -> bool:
        return self.probability(f) >= self.threshold


def load_news_model(types_in, path: Any = None) -> NewsModel | None:
    """The shipped news model (or the JSON file at ``path``), or ``None`` when the shipped file is
    absent: then the rules alone decide (the documented fallback)."""
    found = model_params(MODEL_FILE, path, what="news model")
    if found is None:
        return None
    params, source = found
    return NewsModel(params, types_in, source)
