"""Train the news model (hypecycle/data/events/news_model.json) on the annotated sets.

Usage::

    python corpora/train_news_model.py [--sets train1,train2,real,wilddev,...] [--folds 5] [--C 1.0]
                                       [--out hypecycle/data/events/news_model.json] [--dry-run]

The rules propose candidate events (the reported ones and the ones they judge asides); each
candidate is labelled 1 when it matches a gold event of its article (type and company, as
``benchmarks/extraction_accuracy.py`` matches) and 0 otherwise. A standardised logistic
regression over :func:`hypecycle.extract.news.candidate_features` learns which are news; the
story-type prior among them is read out of fold (a model of ``corpora/train_story_types.py``
trained without the article), so train that model first.
Cross-validation on the uniform samples ``train1`` and ``train2``, pooled (article folds; the other
sets always in the training part)
picks the threshold and prints event P/R/F1 of the rules alone and of rules + model on the
held-out folds. The held-out sets (heldout, heldout2 ... heldout6) are never used.
Needs ../shared/corpora (the sets store locators, not text).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_training", ROOT / "corpora" / "_training.py")
training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(training)  # type: ignore[union-attr]
ea = training.ea

from hypecycle.extract import Extractor  # noqa: E402
from hypecycle.extract.news import NewsModel  # noqa: E402

THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.20, 0.81, 0.05))


class _KeepAll(NewsModel):
    """Keeps every candidate, so that all of them and their features are collected."""

    def __init__(self, types_in) -> None:
        self.types_in = types_in

    def is_news(self, f) -> bool:
        return True


def match_labels(gold: list[dict], pred: list[dict]) -> list[int]:
    """1 for each predicted event matched to a gold event (the benchmark's one-to-one matching)."""
    used = set(ea.match(gold, pred).values())
    return [int(k in used) for k in range(len(pred))]


def collect(loaded: list, story_p: dict[str, dict[str, float]], model: str = "blank"):
    """Per article: (set, id, gold, candidate dicts, feature dicts, rules' own events). The
    story-type prior's features are the out-of-fold probabilities ``story_p`` (article id ->)."""
    ex = Extractor(model=model, news_model="none")
    rules_only = Extractor(model=model, news_model="none")
    ex.story.news = _KeepAll(ex.rules.types_in)
    ex.story.story_types = lookup = training.StoryLookup(story_p)
    out = []
    for s, art, gold in loaded:
        lookup.current = art.id
        x = ex.extract(art)
        cands = ex.story.last_candidates
        pred = [e.to_dict() for e, _f in cands]
        rules = [e.to_dict() for e in rules_only.extract(art).events]
        out.append((s, art.id, gold, pred, [f for _e, f in cands], rules, x))
    return out


def _matrix(rows, names):
    X, y = [], []
    for r in rows:
        labels = match_labels(r[2], r[3])
        for f, lab in zip(r[4], labels):
            X.append([f.get(n, 0.0) for n in names])
            y.append(lab)
    return np.array(X, dtype=float).reshape(-1, len(names)), np.array(y, dtype=int)


def _fit(X, y, C):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    sc = StandardScaler().fit(X)
    lr = LogisticRegression(C=C, max_iter=5000).fit(sc.transform(X), y)
    return sc, lr


def _exact(p: dict, f: dict) -> bool:
    """:func:`hypecycle.extract.news.exact_event` on a candidate's dict and features (kept by the rules)."""
    if not f["reported"]:
        return False
    if p["type"] == "funding":
        return "amount" in p and ("round" in p or bool(p.get("investors")))
    return p["type"] == "ipo" and "amount" in p and "status" in p


def _score(rows, keep_lists) -> tuple[float, float, float, int, int, int]:
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    fields: dict = defaultdict(lambda: [0, 0])
    for r, keep in zip(rows, keep_lists):
        pred = [p for p, k, f in zip(r[3], keep, r[4]) if k or _exact(p, f)]
        ea.score_article(r[1], r[2], pred, (tp, fp, fn, fields, []))
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return (*ea._prf(T, F, N), T, F, N)


def _rules_score(rows):
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    fields: dict = defaultdict(lambda: [0, 0])
    for r in rows:
        ea.score_article(r[1], r[2], r[5], (tp, fp, fn, fields, []))
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return (*ea._prf(T, F, N), T, F, N)


def main(argv: list[str] | None = None) -> int:
    args, sets = training.parse_args(__doc__.split("\n")[0], C=1.0, out="news_model.json", argv=argv)
    loaded = training.load_sets(sets)  # read once: the prior's folds and the features both need them
    story_p = training.oof_story_probabilities(training.story_docs(loaded), args.folds)
    rows = collect(loaded, story_p)
    if not rows:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    names = sorted({n for r in rows for f in r[4] for n in f})
    cvr, extra = training.split_cv(rows, lambda r: r[0])
    label = training.cv_label(cvr, lambda r: r[0])
    n_cand = sum(len(r[3]) for r in rows)
    print(f"{len(rows)} articles ({len(cvr)} {label}), {n_cand} candidates, {len(names)} features")
    fold_of = training.fold_of(len(cvr), args.folds)
    probs: list[list[float]] = [[] for _ in cvr]
    for k in range(args.folds):
        tr = [r for r, f in zip(cvr, fold_of) if f != k] + extra
        X, y = _matrix(tr, names)
        sc, lr = _fit(X, y, args.C)
        for i, (r, f) in enumerate(zip(cvr, fold_of)):
            if f == k and r[4]:
                Xi = np.array([[ff.get(n, 0.0) for n in names] for ff in r[4]])
                probs[i] = list(lr.predict_proba(sc.transform(Xi))[:, 1])
    by_set = training.cv_groups(cvr, lambda r: r[0])
    for s, idx in [(label, list(range(len(cvr)))), *(by_set if len(by_set) > 1 else [])]:
        sub = [cvr[i] for i in idx]
        p, r_, f1, T, F, N = _rules_score(sub)
        print(f"{s}, rules alone:            P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
        p, r_, f1, T, F, N = _score(sub, [[True] * len(r[3]) for r in sub])
        print(f"{s}, every candidate:        P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
    best = (-1.0, 0.5)
    cv = {}
    for t in THRESHOLDS:
        p, r_, f1, T, F, N = _score(cvr, [[q >= t for q in pr] for pr in probs])
        cv[t] = training.prf_record(p, r_, f1, T, F, N)
        print(f"{label} {args.folds}-fold CV, t={t:.2f}: P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
        if f1 > best[0]:
            best = (f1, t)
    print(f"best threshold {best[1]:.2f}: CV F1 {best[0]:.3f}")
    per_set = {}
    for s, idx in by_set:
        p, r_, f1, T, F, N = _score([cvr[i] for i in idx], [[q >= best[1] for q in probs[i]] for i in idx])
        per_set[s] = training.prf_record(p, r_, f1, T, F, N)
        print(f"  {s} at that threshold: P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
    if args.dry_run:
        return 0
    X, y = _matrix(rows, names)
    sc, lr = _fit(X, y, args.C)
    commit = training.code_commit()
    params = {
        "_about": "Logistic regression deciding whether a candidate event is the story's news "
                  "(hypecycle.extract.news); trained by corpora/train_news_model.py; see news_model.md.",
        "trained_on": {s: sum(1 for r in rows if r[0] == s) for s in sets},
        "candidates": int(len(y)), "positives": int(y.sum()), "C": args.C, "code_commit": commit,
        "cv": {"sets": label, "folds": args.folds, "threshold": best[1], **cv[best[1]], "by_set": per_set},
        "features": names, "mean": [round(float(v), 6) for v in sc.mean_],
        "scale": [round(float(v), 6) for v in sc.scale_], "coef": [round(float(v), 6) for v in lr.coef_[0]],
        "intercept": round(float(lr.intercept_[0]), 6), "threshold": best[1],
    }
    args.out.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    for n, c in sorted(zip(names, lr.coef_[0]), key=lambda x: -abs(x[1]))[:12]:
        print(f"   {n:<24}{c:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
