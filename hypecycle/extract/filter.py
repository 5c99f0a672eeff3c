"""A learned precision filter on the events the rules produce.

The rules of :mod:`hypecycle.extract.events` report every event they can frame; many of
those, on randomly drawn news, are background, context or look-alikes. This module gives
each rule event (a *candidate*) a vector of cheap, general signals that the rules have
already computed (:func:`candidate_features`) and scores it with a logistic model
(:class:`EventFilter`) whose parameters ship as plain JSON in
``hypecycle/data/events/event_filter.json``. Loading that file only parses numbers and
strings: it never runs code (no pickle, no joblib).

``benchmarks/train_event_filter.py`` fits the model and writes the file.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from hypecycle.errors import LexiconError
from hypecycle.extract.companies import normalise_company
from hypecycle.schema import EVENT_TYPES, Event

FILTER_FILE = "event_filter.json"
FORMAT = "hypecycle-event-filter"
FORMAT_VERSION = 1

#: Trigger entry ids of ``triggers.json``; an id missing here only loses its indicator.
TRIGGER_IDS = ("bk_file", "bk_went", "bk_emerge", "bk_noun", "shut_passive", "shut_verb", "ipo_public",
               "acq_passive", "lay_noun", "lay_verb", "fund_raise", "fund_invest", "fund_lead", "fund_ref",
               "fund_noun", "fund_weak", "ipo_noun", "acq_merge", "acq_verb", "acq_sell", "acq_bid", "acq_noun")

_LEGAL = re.compile(r"^(?:inc|corp|corporation|co|ltd|limited|plc|llc|ag|sa|nv|bv|gmbh|spa|ab|asa|lp|llp|"
                    r"group|holdings?|s\.a|n\.v)\b\.?", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DIGIT = re.compile(r"\d")
_QUOTE = re.compile(r"[\"“”]")
_SAID = re.compile(r"\b(?:said|says|announced|announces|confirmed|told|reported)\b")
_SOURCES = re.compile(r"\b(?:sources?|people familiar|person familiar|reportedly|according to)\b")
_AGG = re.compile(r"\b(?:companies|firms|startups|banks|deals|record|percent|%|total|industry|sector)\b")
_PAST_TIME = re.compile(r"\b(?:last (?:year|month|week)|ago|earlier|previously|former(?:ly)?|once)\b")
_NEWS_DAY = re.compile(r"\b(?:on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|today|yesterday|"
                       r"this week)\b")


def feature_names() -> tuple[str, ...]:
    """Names of the candidate features, in vector order."""
    names = [f"type={t}" for t in EVENT_TYPES] + [f"trigger={t}" for t in TRIGGER_IDS] + ["trigger=other"]
    names += [
        "in_headline", "headline_only", "first_sentence_log", "relative_position", "in_lead",
        "mentions_log", "weak_ref", "group_hedge", "group_aside", "group_plain", "explicit",
        "headline_names_company", "lead_names_company", "headline_same_type", "lead_same_type",
        "type_events_log", "events_log", "companies_log",
        "has_amount", "has_round", "has_valuation", "has_investors", "has_acquirer", "has_count", "has_status",
        "status_talks", "status_planned", "status_completed", "status_filed",
        "hedge_cues", "background_cues", "negation_cues", "future_cues", "lookalike_cues",
        "said_cues", "source_cues", "aggregate_cues", "past_time_cues", "news_day",
        "past_year", "digits_log", "quotes", "sentence_words_log",
        "name_words", "name_legal_suffix", "name_all_caps", "name_count_log", "name_in_first_sentence",
        "sentences_log", "has_title",
    ]
    return tuple(names)


FEATURES = feature_names()
_INDEX = {n: i for i, n in enumerate(FEATURES)}


def _count(rx: re.Pattern[str], text: str) -> float:
    return float(sum(1 for _ in rx.finditer(text)))


def candidate_features(
    events: Sequence[Event],
    sources: Sequence[Any],
    drafts: Sequence[Any],
    title: str,
    body: str,
    spans: Sequence[tuple[int, int]],
    year: int,
    rules: Any,
) -> list[list[float]]:
    """One feature vector (in :data:`FEATURES` order) for each rule event.

    Parameters
    ----------
    events : sequence of Event
        The events the rules report for one article.
    sources : sequence of Draft
        For each event, the merged draft it was built from (same order).
    drafts : sequence of Draft
        Every draft of the article (body sentences ``>= 0``, headline ``-1``), companies
        already in canonical form.
    title, body : str
        The headline and the body as the rules saw it.
    spans : sequence of (int, int)
        Sentence offsets of ``body``.
    year : int
        The article's year.
    rules : EventRules
        Its compiled cue expressions are reused.

    Returns
    -------
    list of list of float
    """
    if len(events) != len(sources):
        raise ValueError(f"{len(events)} events but {len(sources)} source drafts; expected one draft per event.")
    if not events:
        return []
    n_sent = len(spans)
    tlow = title.lower()
    lead_low = " ".join(body[a:b] for a, b in spans[:2]).lower()
    first_low = body[spans[0][0]:spans[0][1]].lower() if spans else ""
    full_low = (title + "\n" + body).lower()
    head_types = rules.types_in(tlow) if tlow.strip() else set()
    lead_types = rules.types_in(lead_low) if lead_low.strip() else set()
    groups: dict[tuple[str, str], list[Any]] = {}
    for d in drafts:
        groups.setdefault((d.type, normalise_company(d.company)), []).append(d)
    type_counts: dict[str, int] = {}
    for e in events:
        type_counts[e.type] = type_counts.get(e.type, 0) + 1
    n_companies = len({normalise_company(e.company) for e in events})
    out = []
    for e, src in zip(events, sources):
        v = [0.0] * len(FEATURES)

        def put(name: str, value: float) -> None:
            v[_INDEX[name]] = float(value)

        norm = normalise_company(e.company)
        group = groups.get((e.type, norm)) or [src]
        if f"type={e.type}" in _INDEX:
            put(f"type={e.type}", 1.0)
        trig = getattr(src, "trigger", "")
        put(f"trigger={trig}" if f"trigger={trig}" in _INDEX else "trigger=other", 1.0)
        body_sents = [d.sentence for d in group if d.sentence >= 0]
        first = min(body_sents) if body_sents else -1
        put("in_headline", any(d.sentence < 0 for d in group))
        put("headline_only", not body_sents)
        put("first_sentence_log", math.log1p(max(first, 0)))
        put("relative_position", first / max(n_sent, 1) if first >= 0 else 0.0)
        put("in_lead", 0 <= first <= 1)
        put("mentions_log", math.log1p(len(group)))
        put("weak_ref", src.weak == "ref")
        weaks = {d.weak for d in group}
        put("group_hedge", "hedge" in weaks)
        put("group_aside", "aside" in weaks)
        put("group_plain", "plain" in weaks)
        put("explicit", bool(getattr(src, "explicit", True)))
        head = e.company.split(" ")[0].lower() if e.company.strip() else ""
        put("headline_names_company", bool(norm) and (norm in tlow or (len(head) > 2 and head in tlow)))
        put("lead_names_company", bool(norm) and (norm in lead_low or (len(head) > 2 and head in lead_low)))
        put("headline_same_type", e.type in head_types)
        put("lead_same_type", e.type in lead_types)
        put("type_events_log", math.log1p(type_counts[e.type]))
        put("events_log", math.log1p(len(events)))
        put("companies_log", math.log1p(n_companies))
        put("has_amount", e.amount is not None)
        put("has_round", e.round is not None)
        put("has_valuation", e.valuation is not None)
        put("has_investors", bool(e.investors))
        put("has_acquirer", e.acquirer is not None)
        put("has_count", e.count is not None)
        put("has_status", e.status is not None)
        for st in ("talks", "planned", "completed", "filed"):
            put(f"status_{st}", e.status == st)
        sent = src.evidence.lower()
        put("hedge_cues", _count(rules.hedge, sent))
        put("background_cues", _count(rules.background, sent))
        put("negation_cues", _count(rules.neg_before, sent))
        put("future_cues", _count(rules.future, sent))
        put("lookalike_cues", _count(rules.lookalike, sent))
        put("said_cues", _count(_SAID, sent))
        put("source_cues", _count(_SOURCES, sent))
        put("aggregate_cues", _count(_AGG, sent))
        put("past_time_cues", _count(_PAST_TIME, sent))
        put("news_day", _NEWS_DAY.search(sent) is not None)
        put("past_year", any(int(y) < year for y in _YEAR.findall(sent)))
        put("digits_log", math.log1p(len(_DIGIT.findall(sent))))
        put("quotes", _QUOTE.search(src.evidence) is not None)
        put("sentence_words_log", math.log1p(len(sent.split())))
        words = e.company.split()
        put("name_words", min(len(words), 6))
        i = body.find(e.company)
        after = body[i + len(e.company):i + len(e.company) + 14].lstrip(" ,") if i >= 0 else ""
        put("name_legal_suffix", bool(_LEGAL.match(after)) or bool(words and _LEGAL.match(words[-1])))
        letters = [c for c in e.company if c.isalpha()]
        put("name_all_caps", len(letters) >= 2 and all(c.isupper() for c in letters))
        n_name = full_low.count(head) if len(head) > 1 else 0
        put("name_count_log", math.log1p(n_name))
        put("name_in_first_sentence", len(head) > 1 and head in first_low)
        put("sentences_log", math.log1p(n_sent))
        put("has_title", bool(title.strip()))
        out.append(v)
    return out


class EventFilter:
    """Standardised logistic regression over candidate features, with a decision threshold.

    Follows the scikit-learn estimator contract: ``__init__`` stores its arguments,
    :meth:`fit` learns ``mean_``, ``scale_``, ``coef_``, ``intercept_``, ``classes_`` and
    returns ``self``. Prediction needs only the learned numbers (no scikit-learn at
    inference), so a model read from JSON predicts exactly like the fitted one.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength of the logistic regression.
    threshold : float
        A candidate is kept when its probability is at least this.
    class_weight : {None, "balanced"}
        Passed to :class:`sklearn.linear_model.LogisticRegression`.
    """

    def __init__(self, C: float = 1.0, threshold: float = 0.5, class_weight: str | None = None) -> None:
        self.C = C
        self.threshold = threshold
        self.class_weight = class_weight

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"C": self.C, "threshold": self.threshold, "class_weight": self.class_weight}

    def set_params(self, **params: Any) -> EventFilter:
        for k, val in params.items():
            if k not in self.get_params():
                raise ValueError(f"invalid parameter {k!r} for EventFilter; expected one of {sorted(self.get_params())}.")
            setattr(self, k, val)
        return self

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> EventFilter:
        """Fit on features ``X`` (n, d) and binary labels ``y``; return ``self``."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import check_X_y

        X, y = check_X_y(X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"EventFilter needs two classes, got {len(self.classes_)}; label candidates 0/1.")
        self.n_features_in_ = X.shape[1]
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 1e-12, scale, 1.0)
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000, solver="lbfgs")
        lr.fit((X - self.mean_) / self.scale_, y, sample_weight=sample_weight)
        self.__dict__.pop("_weights", None)
        self.coef_ = lr.coef_[0].copy()
        self.intercept_ = float(lr.intercept_[0])
        return self

    def decision_function(self, X: Any) -> Any:
        import numpy as np
        from sklearn.utils.validation import check_array

        self._check_fitted()
        X = check_array(X, dtype=np.float64)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, expected {self.n_features_in_}.")
        return ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def _check_fitted(self) -> None:
        """``check_is_fitted`` without importing scikit-learn's validation machinery."""
        if not all(hasattr(self, a) for a in ("coef_", "mean_", "scale_", "intercept_")):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this EventFilter is not fitted yet; call fit, or load_event_filter.")

    def predict_proba(self, X: Any) -> Any:
        import numpy as np

        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> Any:
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p >= self.threshold).astype(int)]

    # -- cheap scoring of a few candidates, no numpy --------------------------------------
    def probability(self, v: Sequence[float]) -> float:
        """Probability that one candidate is a reported event (pure Python, for the extractor)."""
        w = self.__dict__.get("_weights")
        if w is None:
            self._check_fitted()
            coef = [float(c) / float(s) for c, s in zip(self.coef_, self.scale_)]
            bias = float(self.intercept_) - sum(c * float(m) for c, m in zip(coef, self.mean_))
            w = self.__dict__["_weights"] = (coef, bias)
        coef, z = w
        for x, c in zip(v, coef):
            z += x * c
        if z < -40:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def keep(self, events: Sequence[Event], features: Sequence[Sequence[float]]) -> list[Event]:
        """The events whose probability reaches ``threshold``, in their order; never adds one."""
        return [e for e, v in zip(events, features) if self.probability(v) >= self.threshold]

    # -- persistence as plain JSON ----------------------------------------------------------
    def to_dict(self, *, training: dict[str, Any] | None = None) -> dict[str, Any]:
        """The fitted model as JSON-ready numbers and strings."""
        self._check_fitted()
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "features": list(FEATURES),
            "mean": [round(float(x), 12) for x in self.mean_],
            "scale": [round(float(x), 12) for x in self.scale_],
            "coef": [round(float(x), 12) for x in self.coef_],
            "intercept": round(float(self.intercept_), 12),
            "threshold": float(self.threshold),
            "params": {"C": self.C, "class_weight": self.class_weight},
            "training": training or {},
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = FILTER_FILE) -> EventFilter:
        """Build a fitted filter from :meth:`to_dict` output, validating every field.

        Raises
        ------
        LexiconError
            Naming ``source``, for any missing, mistyped or inconsistent field.
        """
        def bad(msg: str) -> LexiconError:
            return LexiconError(f"{source}: {msg}; regenerate it with python benchmarks/train_event_filter.py.")

        if not isinstance(data, dict):
            raise bad(f"expected a JSON object, got {type(data).__name__}")
        if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
            raise bad(f"format {data.get('format')!r} version {data.get('version')!r}, expected {FORMAT!r} "
                      f"version {FORMAT_VERSION}")
        names = data.get("features")
        if names != list(FEATURES):
            raise bad("its feature names differ from those of this version of hypecycle")
        vecs = {}
        for key in ("mean", "scale", "coef"):
            val = data.get(key)
            if not isinstance(val, list) or len(val) != len(FEATURES) or not all(_finite(x) for x in val):
                raise bad(f"{key!r} must be a list of {len(FEATURES)} finite numbers")
            vecs[key] = [float(x) for x in val]
        if any(s <= 0 for s in vecs["scale"]):
            raise bad("'scale' must be positive")
        for key in ("intercept", "threshold"):
            if not _finite(data.get(key)):
                raise bad(f"{key!r} must be a finite number")
        if not 0.0 <= float(data["threshold"]) <= 1.0:
            raise bad("'threshold' must lie in [0, 1]")
        params = data.get("params", {})
        if not isinstance(params, dict):
            raise bad("'params' must be an object")
        f = cls(C=params.get("C", 1.0), threshold=float(data["threshold"]), class_weight=params.get("class_weight"))
        f.mean_ = vecs["mean"]
        f.scale_ = vecs["scale"]
        f.coef_ = vecs["coef"]
        f.intercept_ = float(data["intercept"])
        f.n_features_in_ = len(FEATURES)
        f.classes_ = [0, 1]
        f.training_ = data.get("training", {})
        return f


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def load_event_filter(path: Path | None = None) -> EventFilter:
    """Read the filter model: the shipped ``event_filter.json``, or ``path``.

    Only JSON is parsed; nothing in the file is executed.

    Raises
    ------
    LexiconError
        Naming the file, if it is missing, not JSON or malformed.
    """
    if path is None:
        from hypecycle.extract.resources import read_text

        source, text = FILTER_FILE, read_text(FILTER_FILE)
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise LexiconError(f"{source}: cannot read the event filter ({exc}); check the path.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{source}: invalid JSON at line {exc.lineno}: {exc.msg}; regenerate it with "
                           "python benchmarks/train_event_filter.py.") from exc
    return EventFilter.from_dict(data, source)


def as_dicts(features: Iterable[Sequence[float]]) -> list[dict[str, float]]:
    """Feature vectors as ``{name: value}`` dicts, for inspection."""
    return [dict(zip(FEATURES, v)) for v in features]
