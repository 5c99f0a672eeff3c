"""Train the amount chooser (hypecycle/data/events/amount_model.json) on the annotated sets.

Usage::

    python corpora/train_amount_model.py [--sets train1,train2,real,wilddev,...] [--folds 5] [--C 3.0]
                                         [--out hypecycle/data/events/amount_model.json] [--dry-run]

The extractor (blank model, the shipped news model and proposer, no amount chooser) reads each
article; every funding, IPO or acquisition event it finds that matches a gold event (type and
company, as ``benchmarks/extraction_accuracy.py`` matches) and has no amount from the rules
becomes a choice among the story's amounts (:func:`hypecycle.extract.amounts.amount_candidates`),
each labelled 1 when it is the gold amount. A logistic regression over the candidates' features
learns which amount is the event's. Cross-validation on the uniform samples ``train1`` and
``train2``, pooled (the trainers' article folds; the other sets always in the training part),
picks the threshold that maximises amounts set right minus amounts set wrong (an amount set where
the gold event states none counts as wrong) and prints the amount accuracy on matched events of
the rules alone and of rules + model. The held-out sets are never used. Needs ../shared/corpora
(the sets store locators, not text).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_training", ROOT / "corpora" / "_training.py")
training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(training)  # type: ignore[union-attr]
ea = training.ea

from hypecycle.extract import Extractor  # noqa: E402
from hypecycle.extract.amounts import AMOUNT_TYPES, StoryMoney, amount_candidates  # noqa: E402
from hypecycle.extract.pipeline import _CONTROL  # noqa: E402

THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.10, 0.91, 0.05))
#: A feature must occur in this many candidates to be learned; smaller weights are not stored.
MIN_COUNT = 2
MIN_WEIGHT = 0.01


def collect(loaded: list) -> list[dict]:
    """Per article: its set, and per matched event of an amount type the rules left without an
    amount, the candidates' features and labels and whether the gold event states an amount."""
    ex = Extractor(model="blank", amounts="none")
    rows = []
    for s, art, gold in loaded:
        title = _CONTROL.sub(" ", art.title or "")
        text = _CONTROL.sub(" ", art.text or "")
        year = art.date.year
        events, state = ex.story.read(title, text, year)
        story = None
        choices = []
        for gi, pi in sorted(ea.match(gold, [e.to_dict() for e in events]).items()):
            e, g = events[pi], gold[gi]
            if e.type not in AMOUNT_TYPES:
                continue
            if e.amount is not None:  # the rules' amount is kept (the model is not asked): right or wrong
                choices.append({"rules": "amount" in g and ea._field_ok("amount", g["amount"], e.amount),
                                "gold": "amount" in g, "cands": [], "y": []})
                continue
            if story is None:
                story = StoryMoney(title, state.body, state.spans, ex.rules, year)
            cands = amount_candidates(e, story)
            choices.append({"rules": None, "gold": "amount" in g, "cands": [f for _m, f in cands],
                            "y": [int("amount" in g and ea._field_ok("amount", g["amount"], m.amount))
                                  for m, _f in cands]})
        rows.append({"set": s, "id": art.id, "choices": choices})
    return rows


def fit(rows: list[dict], C: float) -> dict:
    from collections import Counter

    dicts = [f for r in rows for c in r["choices"] for f in c["cands"]]
    y = [v for r in rows for c in r["choices"] for v in c["y"]]
    count: Counter = Counter()
    for d in dicts:
        count.update(d.keys())
    model = training.fit_sparse(dicts, y, C, {k for k, n in count.items() if n >= MIN_COUNT}, MIN_WEIGHT)
    return {"weights": dict(sorted(model["weights"].items())), "intercept": round(model["intercept"], 5)}


def tally(rows: list[dict], probs: list[list[list[float]]], threshold: float | None) -> dict:
    """Amounts on matched events: right, wrong and unset where the gold event states one; set
    where it states none (``threshold`` None: the rules alone)."""
    t = {"right": 0, "wrong": 0, "unset": 0, "spurious": 0, "filled_right": 0}
    for r, pr in zip(rows, probs):
        for c, p in zip(r["choices"], pr):
            if c["rules"] is not None:  # the rules set it
                if c["gold"]:
                    t["right" if c["rules"] else "wrong"] += 1
                else:
                    t["spurious"] += 1
                continue
            chosen = None
            if threshold is not None and c["cands"]:
                i = max(range(len(p)), key=lambda k: (p[k], -k))
                chosen = i if p[i] >= threshold else None
            if chosen is None:
                t["unset"] += c["gold"]
            elif not c["gold"]:
                t["spurious"] += 1
            elif c["y"][chosen]:
                t["right"] += 1
                t["filled_right"] += 1
            else:
                t["wrong"] += 1
    return t


def _line(label: str, t: dict) -> str:
    n = t["right"] + t["wrong"] + t["unset"]
    return (f"{label}: amount exact {t['right']}/{n} ({t['right'] / max(n, 1):.3f}), wrong {t['wrong']}, "
            f"unset {t['unset']}, set where the gold event states none {t['spurious']}")


def main(argv: list[str] | None = None) -> int:
    args, sets = training.parse_args(__doc__.split("\n")[0], C=3.0, out="amount_model.json", argv=argv)
    rows = collect(training.load_sets(sets))
    if not rows:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    cvr, extra = training.split_cv(rows, lambda r: r["set"])
    label = training.cv_label(cvr, lambda r: r["set"])
    n_choices = sum(1 for r in rows for c in r["choices"] if c["cands"])
    n_cands = sum(len(c["cands"]) for r in rows for c in r["choices"])
    print(f"{len(rows)} articles ({len(cvr)} {label}), {n_choices} events the rules left without an amount, "
          f"{n_cands} candidate amounts")
    fold_of = training.fold_of(len(cvr), args.folds)
    probs: list[list[list[float]]] = [[] for _ in cvr]
    for k in range(args.folds):
        model = fit([r for r, f in zip(cvr, fold_of) if f != k] + extra, args.C)
        for i, (r, f) in enumerate(zip(cvr, fold_of)):
            if f == k:
                probs[i] = [[training.sparse_probability(model, x) for x in c["cands"]] for c in r["choices"]]
    print(_line(f"{label}, rules alone", tally(cvr, probs, None)))
    best = (-10**9, 0.5)
    cv = {}
    for t in THRESHOLDS:
        res = tally(cvr, probs, t)
        cv[t] = res
        gain = res["filled_right"] - res["wrong"] - res["spurious"]
        print(_line(f"{label} {args.folds}-fold CV, + model t={t:.2f}", res))
        if gain > best[0]:
            best = (gain, t)
    threshold = best[1]
    print(f"best: threshold {threshold:.2f}")
    by_set = {}
    for s, idx in training.cv_groups(cvr, lambda r: r["set"]):
        base = tally([cvr[i] for i in idx], [probs[i] for i in idx], None)
        res = tally([cvr[i] for i in idx], [probs[i] for i in idx], threshold)
        by_set[s] = {"rules": base, "model": res}
        print("  " + _line(f"{s} rules alone", base))
        print("  " + _line(f"{s} + model", res))
    if args.dry_run:
        return 0
    model = fit(rows, args.C)
    params = {
        "_about": "Logistic regression choosing an event's amount among the story's amounts where the rules set "
                  "none (hypecycle.extract.amounts); trained by corpora/train_amount_model.py; see amount_model.md.",
        "trained_on": {s: sum(1 for r in rows if r["set"] == s) for s in sets},
        "choices": n_choices, "candidates": n_cands, "C": args.C, "min_count": MIN_COUNT,
        "min_weight": MIN_WEIGHT, "code_commit": training.code_commit(),
        "cv": {"sets": label, "folds": args.folds, "threshold": threshold, "rules": tally(cvr, probs, None),
               "model": cv[threshold], "by_set": by_set},
        "threshold": threshold, **model,
    }
    args.out.write_text(json.dumps(params, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    for n, c in sorted(model["weights"].items(), key=lambda x: -abs(x[1]))[:20]:
        print(f"   {n:<40}{c:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
