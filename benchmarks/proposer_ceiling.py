"""Where event recall is lost, and how far the learned proposer's design can take it.

Usage::

    python benchmarks/proposer_ceiling.py [--learners lr,hgb] [--fractions 0.25,0.5,0.75,1]

On the uniform training samples train1 and train2 (5-fold cross-validation, article folds, the
other development sets always in the training part, as ``corpora/train_event_proposer.py``
does), it prints:

1. **the ceiling of candidate generation**: of the gold events the rules and the news model leave
   unmatched, how many the proposer's (event type, company) pairs
   (:func:`hypecycle.extract.proposer.story_pairs`) cover at all, by type. A gold event no pair
   covers cannot be found by any decision over the pairs;
2. **the learning curve**: cross-validated event F1 of rules + news model + proposer when the
   proposer's logistic regression is trained on a fraction of the training folds;
3. **other learners over the same pairs**: pair-level average precision and event F1 of the
   shipped design (L2 logistic regression over sparse features) and, with ``--learners
   lr,hgb``, of gradient-boosted trees over the features seen in 20 or more pairs (about ten
   minutes more), and of their mean.

If the curve is flat and other learners land where the logistic regression does, the proposer
is limited by what its features say, not by the amount of data or the learner. Needs
``../shared/corpora`` (the sets store locators, not text); never reads a held-out set.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


tep = _load("train_event_proposer", ROOT / "corpora" / "train_event_proposer.py")
training, ea = tep.training, tep.ea
HGB_MIN_COUNT = 20


def coverage(cvr: list[dict]) -> None:
    missed, covered = Counter(), Counter()
    for r in cvr:
        done = set(ea.match(r["gold"], r["kept"]))
        for gi, g in enumerate(r["gold"]):
            if gi in done:
                continue
            missed[g["type"]] += 1
            covered[g["type"]] += any(p["type"] == g["type"] and ea.same_name(g["company"], p["name"], prefix=True)
                                      for p in r["pairs"])
    gold = sum(len(r["gold"]) for r in cvr)
    kept = gold - sum(missed.values())
    print(f"1. gold events {gold}: matched by rules + news model {kept}; of the {sum(missed.values())} left, "
          f"{sum(covered.values())} are covered by a pair, {sum(missed.values()) - sum(covered.values())} by none")
    for t in sorted(missed, key=lambda t: -missed[t]):
        print(f"   {t:<12} left {missed[t]:>4}  covered {covered[t]:>4}")
    print(f"   recall ceiling of this design: {(kept + sum(covered.values())) / max(gold, 1):.3f}")


def cv_probs(cvr, extra, fold_of, fit_predict, fraction: float = 1.0):
    probs: list[list[float]] = [[] for _ in cvr]
    for k in range(max(fold_of) + 1):
        tr = [r for r, f in zip(cvr, fold_of) if f != k]
        if fraction < 1.0:
            random.Random(k).shuffle(tr)
            tr = tr[:int(len(tr) * fraction)]
        test = [(i, r) for i, (r, f) in enumerate(zip(cvr, fold_of)) if f == k]
        for i, p in fit_predict(tr + extra, [r for _i, r in test]):
            probs[test[i][0]] = p
    return probs


def fit_lr(train, test):
    m = tep.fit_all(train, 1.0)["event"]
    return [(i, [training.sparse_probability(m, p["f"]) for p in r["pairs"]]) for i, r in enumerate(test)]


def fit_hgb(train, test):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    seen = Counter(k for r in train for p in r["pairs"] for k in p["f"])
    dv = DictVectorizer().fit([{k: 1.0 for k, n in seen.items() if n >= HGB_MIN_COUNT}])
    X = dv.transform([p["f"] for r in train for p in r["pairs"]]).toarray().astype(np.float32)
    y = [p["y"] for r in train for p in r["pairs"]]
    g = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                       l2_regularization=1.0, random_state=0).fit(X, y)
    return [(i, list(g.predict_proba(dv.transform([p["f"] for p in r["pairs"]]).toarray())[:, 1])
             if r["pairs"] else []) for i, r in enumerate(test)]


def best_f1(cvr, probs) -> tuple:
    """(P, R, F1, tp, fp, fn), threshold, per-type cap at the best cross-validated F1 (the first of equals)."""
    return max(((tep.score(cvr, probs, t, n), t, n) for t in tep.THRESHOLDS for n in tep.PER_TYPE),
               key=lambda x: x[0][2])


def line(name: str, cvr, probs) -> str:
    from sklearn.metrics import average_precision_score

    (p, r, f1, tp, fp, fn), t, n = best_f1(cvr, probs)
    ys = [q["y"] for row in cvr for q in row["pairs"]]
    ap = average_precision_score(ys, [x for row in probs for x in row])
    return (f"   {name:<28} pair AP {ap:.3f}   event P {p:.3f} R {r:.3f} F1 {f1:.3f} "
            f"(tp {tp} fp {fp} fn {fn}; threshold {t:.2f}, at most {n} per type)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--learners", default="lr", help="lr, or lr,hgb (gradient-boosted trees too, slow)")
    ap.add_argument("--fractions", default="0.25,0.5,0.75,1")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    loaded = training.load_sets(list(training.DEFAULT_SETS))
    if not loaded:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    story_p = training.oof_story_probabilities(training.story_docs(loaded), args.folds)
    rows = tep.collect(loaded, story_p)
    cvr, extra = training.split_cv(rows, lambda r: r["set"])
    fold_of = training.fold_of(len(cvr), args.folds)
    label = training.cv_label(cvr, lambda r: r["set"])
    print(f"{label}: {len(cvr)} articles, {sum(len(r['pairs']) for r in cvr)} pairs "
          f"({sum(p['y'] for r in cvr for p in r['pairs'])} true); {len(extra)} more articles only trained on")
    coverage(cvr)
    print(f"2. learning curve ({args.folds}-fold CV; the proposer trained on a share of the training folds)")
    base = tep.score(cvr, [[] for _ in cvr], None, 1)
    print(f"   rules + news model alone: P {base[0]:.3f} R {base[1]:.3f} F1 {base[2]:.3f}")
    probs = {}
    for frac in (float(x) for x in args.fractions.split(",")):
        pr = cv_probs(cvr, extra, fold_of, fit_lr, frac)
        if frac == 1.0:
            probs["lr"] = pr
        print(line(f"{frac:.0%} of the training folds", cvr, pr), flush=True)
    learners = [x for x in args.learners.split(",") if x]
    if "hgb" in learners:
        print("3. learners over the same pairs (all of the training folds)")
        if "lr" not in probs:
            probs["lr"] = cv_probs(cvr, extra, fold_of, fit_lr)
        probs["hgb"] = cv_probs(cvr, extra, fold_of, fit_hgb)
        probs["mean"] = [[(a + b) / 2 for a, b in zip(x, y)] for x, y in zip(probs["lr"], probs["hgb"])]
        for name in ("lr", "hgb", "mean"):
            print(line({"lr": "logistic regression", "hgb": "gradient-boosted trees",
                        "mean": "mean of the two"}[name], cvr, probs[name]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
