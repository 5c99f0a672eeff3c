"""Which event types a story reports as news, read from the words of the whole story.

The news model (:mod:`hypecycle.extract.news`) and the proposer (:mod:`hypecycle.extract.proposer`)
judge one candidate at a time, from its sentences. A reader also knows what the story as a whole
is about: a takeover battle, a restructuring, a listing. This model gives that prior: for each
event type, the probability that the story reports an event of that type as news, from a
logistic regression over the TF-IDF weights of the words and word pairs of its headline (counted
twice) and its opening (:data:`OPENING_CHARS` characters). Both other models read it as a feature.

The model is plain JSON (``hypecycle/data/events/story_type_model.json``: vocabulary with inverse
document frequencies, per-type weights and intercepts), trained by ``corpora/train_story_types.py``
on the annotated sets (model card ``story_type_model.md`` beside it). Loading runs no code and
downloads nothing. The features are computed here, by :func:`story_terms`, for training and use
alike, so the two cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import numpy as np

from hypecycle.errors import LexiconError
from hypecycle.extract.resources import model_params

#: The shipped model file, in :mod:`hypecycle.data.events`.
MODEL_FILE = "story_type_model.json"
#: How much of the body is read: the opening, where news stories say what they report.
OPENING_CHARS = 1500
_TOKEN = re.compile(r"\b\w\w+\b")


def story_terms(title: str, text: str) -> Counter:
    """Counts of the lower-cased words (two characters or more) and adjacent word pairs of the
    headline, counted twice, and of the body's opening."""
    head = _TOKEN.findall((title or "").lower())
    body = _TOKEN.findall((text or "")[:OPENING_CHARS].lower())
    head += [f"{a} {b}" for a, b in zip(head, head[1:])]
    body += [f"{a} {b}" for a, b in zip(body, body[1:])]
    return Counter(head + head + body)


def tfidf(terms: Counter, idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF weights of the terms in the vocabulary ``idf``, scaled to unit length."""
    w = {t: (1.0 + math.log(n)) * idf[t] for t, n in terms.items() if t in idf}
    norm = math.sqrt(sum(v * v for v in w.values()))
    return {t: v / norm for t, v in w.items()} if norm else {}


def logit(p: float) -> float:
    """The log-odds of ``p``, bounded (a feature for the other models)."""
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


class StoryTypeModel:
    """Per-type logistic regressions over :func:`tfidf` of :func:`story_terms`, read from plain JSON.

    Parameters
    ----------
    params : dict
        ``types`` (event types), ``intercepts`` (one per type) and ``terms``: the vocabulary, term ->
        ``[idf]`` or ``[idf, weight per type ...]`` (a term without weights still counts in a
        story's length).
    source : str
        Where the parameters came from, for error messages.

    Raises
    ------
    LexiconError
        If the parameters are incomplete.
    """

    def __init__(self, params: dict[str, Any], source: str = MODEL_FILE) -> None:
        try:
            self.types = [str(t) for t in params["types"]]
            self.intercepts = [float(b) for b in params["intercepts"]]
            terms = params["terms"]
            self.idf = {str(k): float(v[0]) for k, v in terms.items()}
            self.weights = weights = {str(k): [float(x) for x in v[1:]] for k, v in terms.items() if len(v) > 1}
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise LexiconError(f"{source}: missing or malformed key ({exc}); retrain with "
                               "corpora/train_story_types.py.") from exc
        n = len(self.types)
        if len(self.intercepts) != n or any(len(w) != n for w in weights.values()):
            raise LexiconError(f"{source}: types, intercepts and term weights differ in number; retrain the model.")
        # term -> (idf, row of the weight matrix; the last row, all zeros, for a term without weights)
        self._rows = {t: (f, i) for i, (t, f) in enumerate((t, self.idf[t]) for t in weights)}
        zero = len(self._rows)
        for t, f in self.idf.items():
            self._rows.setdefault(t, (f, zero))
        self._matrix = np.array([weights[t] for t in weights] + [[0.0] * n], dtype=float).reshape(-1, n)
        self._intercepts = np.array(self.intercepts, dtype=float)

    def probabilities(self, title: str, text: str) -> dict[str, float]:
        """Event type -> probability that the story reports an event of that type as news."""
        rows, log = self._rows, math.log
        values, index = [], []
        for t, n in story_terms(title, text).items():
            found = rows.get(t)
            if found is not None:  # tfidf(): sublinear count times idf, then unit length
                values.append((1.0 + log(n)) * found[0])
                index.append(found[1])
        z = self._intercepts.copy()
        if values:
            v = np.array(values)
            z += (v / math.sqrt(float(v @ v))) @ self._matrix[index]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
        return {t: float(x) for t, x in zip(self.types, p)}


def load_story_type_model(path: Any = None) -> StoryTypeModel | None:
    """The shipped model (or the JSON file at ``path``), or ``None`` when the shipped file is absent."""
    found = model_params(MODEL_FILE, path, what="story type model")
    return None if found is None else StoryTypeModel(*found)
