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
