"""Train the event proposer (hypecycle/data/events/proposer_model.json) on the annotated sets.

Usage::

    python corpora/train_event_proposer.py [--sets train1,train2,real,wilddev,...] [--folds 5] [--C 1.0]
                                           [--out hypecycle/data/events/proposer_model.json] [--dry-run]

The extractor runs with the shipped news model, reading the story-type prior out of fold (as
``corpora/train_news_model.py`` does); what it keeps is fixed. Every (event type,
company) pair of each story that it does not keep (:func:`hypecycle.extract.proposer.story_pairs`)
is labelled 1 when a gold event of that type and company is left unmatched by the kept events
(type and company, as ``benchmarks/extraction_accuracy.py`` matches), else 0. Three
L2-regularised logistic regressions are fitted over the pairs' sparse features: the event model
(is it an event), the acquirer model (is this company the buyer in a gold acquisition of the
story) and the status model (one-vs-rest over the gold status of the event pairs). Cross-validation
on the uniform samples ``train1`` and ``train2``, pooled (article folds; the other sets always in the
training part) picks the threshold and
the most events one type may add to a story, and prints event P/R/F1 of the extractor without and
with the proposer on the held-out folds. The held-out sets (heldout, heldout2 ...
heldout6) are never used. Needs ../shared/corpora (the sets store locators, not text).
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_training", ROOT / "corpora" / "_training.py")
training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(training)  # type: ignore[union-attr]
ea = training.ea

from hypecycle.extract import Extractor  # noqa: E402
from hypecycle.extract.companies import same_company  # noqa: E402

THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.10, 0.91, 0.05))
PER_TYPE = (1, 2)
MIN_COUNT = 3  # a feature seen in fewer training pairs is dropped
MIN_WEIGHT = 0.01  # smaller weights are dropped from the model file (they change no decision measurably)


class _CollectAll:
    """A proposer that proposes nothing, so that the story's pairs and features are collected."""

    def propose(self, pairs):
        return []


def collect(loaded: list, story_p: dict[str, dict[str, float]], model: str = "blank"):
    """Per article: dict(set, id, gold, kept event dicts, pairs with labels). The story-type
    prior the news model and the pairs read is the out-of-fold ``story_p`` (article id ->)."""
    ex = Extractor(model=model, proposer="none")  # the shipped proposer is not read: this trains a new one
    if ex.news is None:
        raise SystemExit("the shipped news model is missing: train it first (corpora/train_news_model.py)")
    ex.story.proposer = _CollectAll()
    ex.story.story_types = lookup = training.StoryLookup(story_p)
    out = []
    for s, art, gold in loaded:
        lookup.current = art.id
        x = ex.extract(art)
        if x.warnings:  # extraction turns failures into warnings: a failure here would lose pairs unseen
            raise SystemExit(f"{s} {art.id}: {'; '.join(x.warnings)}")
        kept = [e.to_dict() for e in x.events]
        done = set(ea.match(gold, kept))  # the gold events the kept ones match
        rest = [g for gi, g in enumerate(gold) if gi not in done]
        rows = []
        for p in ex.story.last_pairs:
            hit = next((g for g in rest if g["type"] == p.type and ea.same_name(g["company"], p.name, prefix=True)),
                       None)
            buyer = p.type == "acquisition" and any(
                g["type"] == "acquisition" and g.get("acquirer")
                and ea.same_name(g["acquirer"], p.name, prefix=True) for g in gold)
            rows.append({"type": p.type, "key": p.key, "name": p.name, "first": p.first,
                         "f": dict(p.features), "y": int(hit is not None), "buyer": int(buyer),
                         "status": (hit or {}).get("status", ""), "gold_acquirer": (hit or {}).get("acquirer")})
        out.append({"set": s, "id": art.id, "gold": gold, "kept": kept, "pairs": rows})
    return out


def _vocab(rows) -> set[str]:
    c: Counter = Counter()
    for r in rows:
        for p in r["pairs"]:
            c.update(p["f"].keys())
    return {k for k, n in c.items() if n >= MIN_COUNT}


def fit_all(rows, C: float):
    vocab = _vocab(rows)
    pairs = [p for r in rows for p in r["pairs"]]
    event = training.fit_sparse([p["f"] for p in pairs], [p["y"] for p in pairs], C, vocab, MIN_WEIGHT)
    acq = [p for p in pairs if p["type"] == "acquisition"]
    acquirer = training.fit_sparse([p["f"] for p in acq], [p["buyer"] for p in acq], C, vocab, MIN_WEIGHT)
    pos = [p for p in pairs if p["y"]]
    classes = sorted({p["status"] for p in pos})
    status = [training.fit_sparse([p["f"] for p in pos], [int(p["status"] == c) for p in pos], C, vocab, MIN_WEIGHT)
              for c in classes]
    by_type = {t: sorted({p["status"] for p in pos if p["type"] == t} | {""}) for t in sorted({p["type"] for p in pos})}
    return {"event": event, "acquirer": acquirer, "status_classes": classes, "status": status, "by_type": by_type}


def status_of(models, f, typ: str) -> str:
    """The status chosen for a pair (as :meth:`EventProposer.status_of`; "" for unset)."""
    allowed = models["by_type"].get(typ)
    scores = [training.sparse_probability(m, f) if allowed is None or c in allowed else -1.0
              for c, m in zip(models["status_classes"], models["status"])]
    return models["status_classes"][max(range(len(scores)), key=lambda i: (scores[i], -i))]


def choose(pairs, probs, threshold: float, per_type: int):
    """The proposer's choice (as :meth:`EventProposer.propose`): indices of the chosen pairs."""
    order = sorted(range(len(pairs)), key=lambda i: (-probs[i], pairs[i]["first"], pairs[i]["type"], pairs[i]["key"]))
    chosen: list[int] = []
    count: dict[str, int] = defaultdict(int)
    for i in order:
        p = pairs[i]
        if probs[i] < threshold or count[p["type"]] >= per_type:
            continue
        if any(pairs[j]["type"] == p["type"] and (same_company(pairs[j]["key"], p["key"])
                                                  or same_company(p["key"], pairs[j]["key"])) for j in chosen):
            continue
        count[p["type"]] += 1
        chosen.append(i)
    return chosen


def score(rows, probs_per_row, threshold: float | None, per_type: int):
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    fields: dict = defaultdict(lambda: [0, 0])
    for r, probs in zip(rows, probs_per_row):
        pred = list(r["kept"])
        if threshold is not None:
            pred += [{"type": r["pairs"][i]["type"], "company": r["pairs"][i]["name"]}
                     for i in choose(r["pairs"], probs, threshold, per_type)]
        ea.score_article(r["id"], r["gold"], pred, (tp, fp, fn, fields, []))
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return (*ea._prf(T, F, N), T, F, N)


def buyer(pairs, buyer_probs, target: int, threshold: float) -> str | None:
    """The acquirer chosen for pair ``target`` (as :meth:`EventProposer.buyer`)."""
    best, best_p = None, threshold
    t = pairs[target]
    for j, q in enumerate(pairs):
        if q["type"] != "acquisition" or j == target or same_company(q["key"], t["key"]) \
                or same_company(t["key"], q["key"]):
            continue
        if buyer_probs[j] >= best_p:
            best, best_p = q["name"], buyer_probs[j]
    return best


def best_buyer_threshold(rows, buyer_probs) -> float:
    """The acquirer threshold that names the buyer of the most true proposed acquisitions
    correctly (the gold buyer, or none where the gold names none), on cross-validated probabilities."""
    best = (-1, 0.5)
    for t in THRESHOLDS:
        ok = n = 0
        for r, bp in zip(rows, buyer_probs):
            for i, p in enumerate(r["pairs"]):
                if p["type"] == "acquisition" and p["y"]:
                    got, want = buyer(r["pairs"], bp, i, t), p["gold_acquirer"]
                    ok += (got is None and want is None) or (want is not None and ea.same_name(want, got, prefix=True))
                    n += 1
        print(f"acquirer threshold {t:.2f}: buyer right on {ok}/{n} true acquisition pairs")
        if ok > best[0]:
            best = (ok, t)
    return best[1]


def main(argv: list[str] | None = None) -> int:
    args, sets = training.parse_args(__doc__.split("\n")[0], C=1.0, out="proposer_model.json", argv=argv)
    loaded = training.load_sets(sets)  # read once: the prior's folds and the features both need them
    story_p = training.oof_story_probabilities(training.story_docs(loaded), args.folds)
    rows = collect(loaded, story_p)
    if not rows:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    cvr, extra = training.split_cv(rows, lambda r: r["set"])
    label = training.cv_label(cvr, lambda r: r["set"])
    n_pairs = sum(len(r["pairs"]) for r in rows)
    n_pos = sum(p["y"] for r in rows for p in r["pairs"])
    print(f"{len(rows)} articles ({len(cvr)} {label}), {n_pairs} pairs, {n_pos} of them events left by the rules")
    fold_of = training.fold_of(len(cvr), args.folds)
    probs: list[list[float]] = [[] for _ in cvr]
    buyer_probs: list[list[float]] = [[] for _ in cvr]
    status_ok = [0, 0]
    for k in range(args.folds):
        models = fit_all([r for r, f in zip(cvr, fold_of) if f != k] + extra, args.C)
        for i, (r, f) in enumerate(zip(cvr, fold_of)):
            if f == k:
                probs[i] = [training.sparse_probability(models["event"], p["f"]) for p in r["pairs"]]
                buyer_probs[i] = [training.sparse_probability(models["acquirer"], p["f"]) for p in r["pairs"]]
                for p in r["pairs"]:
                    if p["y"]:
                        status_ok[0] += status_of(models, p["f"], p["type"]) == p["status"]
                        status_ok[1] += 1
    by_set = training.cv_groups(cvr, lambda r: r["set"])
    for s, idx in [(label, list(range(len(cvr)))), *(by_set if len(by_set) > 1 else [])]:
        p, r_, f1, T, F, N = score([cvr[i] for i in idx], [probs[i] for i in idx], None, 1)
        print(f"{s}, rules + news model:           P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
    best = (-1.0, 0.5, 1)
    cv = {}
    for per_type in PER_TYPE:
        for t in THRESHOLDS:
            p, r_, f1, T, F, N = score(cvr, probs, t, per_type)
            cv[(t, per_type)] = training.prf_record(p, r_, f1, T, F, N)
            print(f"{label} {args.folds}-fold CV, +proposer t={t:.2f} per type {per_type}: "
                  f"P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
            if f1 > best[0]:
                best = (f1, t, per_type)
    print(f"best: threshold {best[1]:.2f}, at most {best[2]} per type: CV F1 {best[0]:.3f}")
    per_set = {}
    for s, idx in by_set:
        p, r_, f1, T, F, N = score([cvr[i] for i in idx], [probs[i] for i in idx], best[1], best[2])
        per_set[s] = training.prf_record(p, r_, f1, T, F, N)
        print(f"  {s} at that choice: P {p:.3f} R {r_:.3f} F1 {f1:.3f} (tp {T} fp {F} fn {N})")
    buyer_t = best_buyer_threshold(cvr, buyer_probs)
    print(f"status right (or rightly left unset) on {status_ok[0]}/{status_ok[1]} true pairs of {label} (CV)")
    if args.dry_run:
        return 0
    models = fit_all(rows, args.C)
    commit = training.code_commit()

    def rounded(m):
        return {"weights": dict(sorted(m["weights"].items())), "intercept": round(m["intercept"], 5)}

    params = {
        "_about": "Logistic regressions proposing events the sentence rules do not state "
                  "(hypecycle.extract.proposer); trained by corpora/train_event_proposer.py; see proposer_model.md.",
        "trained_on": {s: sum(1 for r in rows if r["set"] == s) for s in sets},
        "pairs": n_pairs, "positives": n_pos, "C": args.C, "min_count": MIN_COUNT, "min_weight": MIN_WEIGHT,
        "code_commit": commit,
        "cv": {"sets": label, "folds": args.folds, "threshold": best[1], "per_type": best[2],
               **cv[(best[1], best[2])], "by_set": per_set},
        "threshold": best[1], "per_type": best[2],
        "event": rounded(models["event"]),
        "acquirer": {**rounded(models["acquirer"]), "threshold": buyer_t},
        "status": {"classes": models["status_classes"], "models": [rounded(m) for m in models["status"]],
                   "by_type": models["by_type"]},
    }
    args.out.write_text(json.dumps(params, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    top = sorted(models["event"]["weights"].items(), key=lambda x: -abs(x[1]))[:20]
    for n, c in top:
        print(f"   {n:<40}{c:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
