"""Train the story-type prior (hypecycle/data/events/story_type_model.json) on the annotated sets.

Usage::

    python corpora/train_story_types.py [--sets train1,train2,real,wilddev,...] [--folds 5] [--C 4.0]
                                        [--out hypecycle/data/events/story_type_model.json] [--dry-run]

Each article is labelled, per event type, 1 when its gold events hold one of that type. A
logistic regression per type over the TF-IDF of the headline and opening
(:func:`hypecycle.extract.story_types.story_terms`) learns the prior. Cross-validation over the
uniform samples train1 and train2 (the folds the news model and proposer trainers use; the other
sets always in the training part) prints each type's ROC AUC and log loss. Train this model first:
``corpora/train_news_model.py`` and ``corpora/train_event_proposer.py`` read its out-of-fold
probabilities (recomputed there with the same folds) and the shipped file. The held-out sets
(heldout, heldout2 ... heldout6) are never used. Needs ../shared/corpora (the sets store locators,
not text).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_training", ROOT / "corpora" / "_training.py")
training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(training)  # type: ignore[union-attr]

from hypecycle.schema import EVENT_TYPES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import log_loss, roc_auc_score

    args, sets = training.parse_args(__doc__.split("\n")[0], C=training.STORY_C, out="story_type_model.json",
                                     argv=argv)
    docs = training.story_docs(training.load_sets(sets))
    if not docs:
        print("no articles loaded (is ../shared/corpora present?)")
        return 1
    cv = [d for d in docs if d[0] in training.CV_SETS]
    print(f"{len(docs)} articles ({len(cv)} {'+'.join(s for s in training.CV_SETS if s in sets)} cross-validated)")
    oof = training.oof_story_probabilities(docs, args.folds, args.C)
    metrics = {}
    for t in EVENT_TYPES:
        y = [int(t in d[4]) for d in cv]
        p = [oof[d[1]].get(t, 0.0) for d in cv]
        if 0 < sum(y) < len(y):
            metrics[t] = {"positives": sum(y), "auc": round(roc_auc_score(y, p), 3),
                          "log_loss": round(log_loss(y, p, labels=[0, 1]), 4)}
            print(f"{t:<12} {sum(y):4d} stories  CV ROC AUC {metrics[t]['auc']:.3f}  log loss {metrics[t]['log_loss']:.4f}")
    if args.dry_run:
        return 0
    params = training.fit_story_types([d[2:] for d in docs], args.C)
    out = {
        "_about": "Logistic regressions giving, per event type, the probability that a story reports an event "
                  "of that type as news (hypecycle.extract.story_types); trained by corpora/train_story_types.py; "
                  "see story_type_model.md.",
        "trained_on": {s: sum(1 for d in docs if d[0] == s) for s in sets},
        "C": args.C, "min_df": training.STORY_MIN_DF, "min_weight": training.STORY_MIN_WEIGHT,
        "code_commit": training.code_commit(), "cv": {"folds": args.folds, "by_type": metrics},
        **params,
    }
    args.out.write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB; {len(params['terms'])} terms, "
          f"{params['weighted_terms']} weighted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
