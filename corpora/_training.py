"""What the trainers of event extraction's learned models share (``train_news_model.py``,
``train_event_proposer.py``): the accuracy benchmark's sets and scorer, the command line, the
check that no held-out set is trained on, the cross-validation folds over the uniform training
samples (train1, train2), and the commit the model was trained at."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("extraction_accuracy", ROOT / "benchmarks" / "extraction_accuracy.py")
ea = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ea)  # type: ignore[union-attr]

#: The uniform samples drawn for training (FORMAT.md). Cross-validation runs over those of them
#: that are trained on, pooled; the other sets are always in the training part of a fold.
CV_SETS = ("train1", "train2")
#: The sets the models learn from (never the held-out ones).
DEFAULT_SETS = (*CV_SETS, "real", "wilddev", "wilddev2", "wilddev3", "wilddev4", "wilddev5")


def parse_args(description: str, *, C: float, out: str, argv: list[str] | None = None) -> tuple[argparse.Namespace,
                                                                                                  list[str]]:
    """The trainers' command line (``--sets``, ``--folds``, ``--C``, ``--out``, ``--dry-run``) and the
    sets it names, refusing held-out sets and a list without train1."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--C", type=float, default=C)
    ap.add_argument("--out", type=Path, default=ROOT / "hypecycle" / "data" / "events" / out)
    ap.add_argument("--dry-run", action="store_true", help="cross-validate only; write nothing")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    bad = set(sets) & set(ea.HELD_OUT)
    if bad:
        ap.error(f"held-out sets are never trained on: {', '.join(sorted(bad))}")
    if not set(sets) & set(CV_SETS):
        ap.error(f"--sets must include one of {', '.join(CV_SETS)} (cross-validation runs on them)")
    return args, sets


def fold_of(n: int, folds: int):
    """The cross-validation fold of each of ``n`` articles (seeded, the same for both trainers)."""
    return np.random.default_rng(2026).permutation(n) % folds


def split_cv(rows: list, set_of) -> tuple[list, list]:
    """``rows`` of the cross-validated sets (in order) and the others; ``set_of(row)`` names a row's set."""
    return [r for r in rows if set_of(r) in CV_SETS], [r for r in rows if set_of(r) not in CV_SETS]


def cv_groups(rows: list, set_of) -> list[tuple[str, list[int]]]:
    """``(set, indices into rows)`` for each cross-validated set present in ``rows``."""
    groups = [(s, [i for i, r in enumerate(rows) if set_of(r) == s]) for s in CV_SETS]
    return [(s, idx) for s, idx in groups if idx]


def prf_record(p: float, r: float, f1: float, tp: int, fp: int, fn: int) -> dict:
    """Event P/R/F1 and counts as the model files record them."""
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn}


def fit_sparse(dicts: list[dict], y: list[int], C: float, vocab: set[str], min_weight: float) -> dict:
    """An L2 logistic regression (liblinear, seeded) over sparse feature dicts, features outside
    ``vocab`` dropped: ``{"weights": feature -> weight rounded to 4 places, those under
    ``min_weight`` left out, "intercept": float}``, as :class:`hypecycle.extract.resources.SparseLinear`
    reads it."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    dv = DictVectorizer()
    X = dv.fit_transform([{k: v for k, v in d.items() if k in vocab} for d in dicts]).tocsr()
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)  # liblinear takes 32-bit indices
    lr = LogisticRegression(C=C, max_iter=5000, solver="liblinear", random_state=0).fit(X, y)
    weights = {n: round(float(w), 4) for n, w in zip(dv.feature_names_, lr.coef_[0]) if abs(w) >= min_weight}
    return {"weights": weights, "intercept": float(lr.intercept_[0])}


def sparse_probability(model: dict, f: dict) -> float:
    """The probability a :func:`fit_sparse` model gives features ``f`` (as ``SparseLinear``)."""
    w = model["weights"]
    z = model["intercept"] + sum(w.get(k, 0.0) * v for k, v in f.items())
    return 1.0 / (1.0 + np.exp(-max(min(z, 50.0), -50.0)))


def cv_label(rows: list, set_of) -> str:
    """The cross-validated sets present in ``rows``, for printing ("train1+train2")."""
    return "+".join(s for s in CV_SETS if any(set_of(r) == s for r in rows))


def code_commit() -> str:
    """The checkout's short commit, recorded in the model file ("" outside git)."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return ""


#: Folds for the story-type prior's out-of-fold probabilities of the sets that are not cross-validated.
_EXTRA_SEED = 2027
#: Regularisation of the story-type prior (chosen by cross-validation on the pooled uniform samples,
#: corpora/train_story_types.py --C), and how often a term must occur to enter its vocabulary.
STORY_C = 4.0
STORY_MIN_DF = 3
#: At most this many terms (the most frequent) form the vocabulary, and smaller weights are dropped
#: from the model file (they change no probability measurably): a file of about a megabyte.
STORY_MAX_TERMS = 30000
STORY_MIN_WEIGHT = 0.02


def fit_story_types(docs: list[tuple[str, str, set[str]]], C: float = STORY_C) -> dict:
    """The parameters of :class:`hypecycle.extract.story_types.StoryTypeModel`, fitted on
    ``(title, text, event types of the gold events)`` per article."""
    import math
    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from hypecycle.extract.story_types import story_terms, tfidf
    from hypecycle.schema import EVENT_TYPES

    terms = [story_terms(t, x) for t, x, _ in docs]
    df: Counter = Counter()
    for c in terms:
        df.update(c.keys())
    n = len(docs)
    kept = sorted((t for t, k in df.items() if k >= STORY_MIN_DF), key=lambda t: (-df[t], t))[:STORY_MAX_TERMS]
    idf = {t: round(math.log((1 + n) / (1 + df[t])) + 1.0, 4) for t in sorted(kept)}
    dv = DictVectorizer()
    X = dv.fit_transform([tfidf(c, idf) for c in terms])
    types: list[str] = []
    intercepts: list[float] = []
    fitted: list[dict] = []
    for typ in EVENT_TYPES:
        y = np.array([int(typ in g) for _t, _x, g in docs])
        if y.sum() < 3:
            continue
        lr = LogisticRegression(C=C, max_iter=5000, random_state=0).fit(X, y)
        types.append(typ)
        intercepts.append(round(float(lr.intercept_[0]), 5))
        fitted.append(dict(zip(dv.feature_names_, lr.coef_[0])))
    weights: dict[str, list[float]] = {}
    for t in idf:
        w = [round(float(m.get(t, 0.0)), 3) for m in fitted]
        weights[t] = [idf[t]] + (w if any(abs(x) >= STORY_MIN_WEIGHT for x in w) else [])
    used = sum(1 for v in weights.values() if len(v) > 1)
    return {"types": types, "intercepts": intercepts, "terms": weights, "weighted_terms": used}


def load_sets(sets: list[str]) -> list[tuple[str, object, list[dict]]]:
    """``(set, article, gold events)`` of every article of ``sets``, in the sets' order (the
    accuracy benchmark's loader; the text is read from ../shared/corpora)."""
    return [(s, art, gold) for s in sets for art, gold in ea.load_set(s)]


def story_docs(loaded: list[tuple[str, object, list[dict]]]) -> list[tuple[str, str, str, str, set[str]]]:
    """Documents for the story-type prior from :func:`load_sets`: ``(set, id, title, text, gold
    event types)``, in the same order."""
    return [(s, art.id, art.title or "", art.text or "", {g["type"] for g in gold}) for s, art, gold in loaded]


def story_folds(docs: list, folds: int) -> list[int]:
    """The fold of each document: the cross-validated sets' articles take the folds the trainers'
    cross-validation gives them (:func:`fold_of`, in order), the others seeded folds of their own."""
    cv = [i for i, d in enumerate(docs) if d[0] in CV_SETS]
    out = [0] * len(docs)
    for i, f in zip(cv, fold_of(len(cv), folds)):
        out[i] = int(f)
    rest = [i for i, d in enumerate(docs) if d[0] not in CV_SETS]
    for i, f in zip(rest, np.random.default_rng(_EXTRA_SEED).permutation(len(rest)) % folds):
        out[i] = int(f)
    return out


def oof_story_probabilities(docs: list, folds: int, C: float = STORY_C) -> dict[str, dict[str, float]]:
    """Article id -> the story-type prior's probabilities from a model that did not see the article
    (trained on the other folds), so that the models stacked on it learn from honest values."""
    from hypecycle.extract.story_types import StoryTypeModel

    fold = story_folds(docs, folds)
    out: dict[str, dict[str, float]] = {}
    for k in range(folds):
        model = StoryTypeModel(fit_story_types([d[2:] for d, f in zip(docs, fold) if f != k], C))
        for d, f in zip(docs, fold):
            if f == k:
                out[d[1]] = model.probabilities(d[2], d[3])
    return out


class StoryLookup:
    """Stands in for the story-type prior while a trainer collects features: it gives the
    out-of-fold probabilities of the article being read (set :attr:`current` before each)."""

    def __init__(self, probabilities: dict[str, dict[str, float]]) -> None:
        self.by_id = probabilities
        self.current = ""

    def probabilities(self, title: str, text: str) -> dict[str, float]:
        return self.by_id[self.current]
