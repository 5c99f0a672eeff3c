"""How well the phase model's probabilities are calibrated, by calibration method, on
synthetic cycles it never saw (no ../shared needed).

Usage::

    python benchmarks/classifier_calibration.py [--train 150] [--test 60] [--seed 0]

Prints accuracy, Brier score, expected calibration error (ECE, 10 bins) and the mean
top-class probability for the raw multinomial logistic regression and for each method of
:data:`hypecycle.classify.CALIBRATIONS`.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from hypecycle import classify
from hypecycle.labels import PHASES

GROUPS = ("attention", "events", "language", "dilution")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=int, default=150, help="synthetic training cycles")
    ap.add_argument("--test", type=int, default=60, help="synthetic test cycles (another seed)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    tr = classify.synthetic_set(args.train, args.seed, groups=GROUPS)
    te = classify.synthetic_set(args.test, args.seed + 1, groups=GROUPS)
    X, Xt = tr.X.to_numpy(dtype=float), te.X.to_numpy(dtype=float)
    print(f"{len(tr)} training points from {args.train} cycles, {len(te)} test points from {args.test} cycles")
    print(f"{'method':<12} {'accuracy':>8} {'brier':>7} {'ece':>6} {'mean p(top)':>11}")
    base = classify._ScaledModel().fit(X, tr.y)  # noqa: SLF001 - the uncalibrated base, for comparison
    rows = [("none", base)] + [(m, classify.PhaseClassifier(calibration=m).fit(X, tr.y)) for m in classify.CALIBRATIONS]
    for name, model in rows:
        p = model.predict_proba(Xt)
        full = np.zeros((len(Xt), len(PHASES)))
        for j, c in enumerate(model.classes_):
            full[:, PHASES.index(c)] = p[:, j]
        pred = np.asarray(PHASES)[full.argmax(1)]
        s = classify.scores(list(te.y), list(pred), full)
        print(f"{name:<12} {s['accuracy']:>8.3f} {s['brier']:>7.3f} {s['ece']:>6.3f} {full.max(1).mean():>11.3f}")


if __name__ == "__main__":
    main()
