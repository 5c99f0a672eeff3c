"""The shipped phase model and its training table stay what the code computes.

``corpora/label_features.csv`` is derived: ``hypecycle features`` over stores of the shared
corpora. Extraction, the lexicons and the trajectory features change; a table computed by older
code would then train (and ship) a model on inputs that the code no longer produces, and every
phase call would read features the model never saw. These tests catch it: the model's card names
the table's hash, and the table's WSJ/Washington Post rows are recomputed from the corpus (small
enough to ingest in a test) and compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "corpora" / "label_features.csv"
LABELS = ROOT / "corpora" / "labels" / "timeline.csv"
CARD = ROOT / "models" / "phase-default.card.json"
META = ["technology", "topic", "terms", "date", "phase", "kind", "store", "articles", "where"]


def test_the_shipped_model_was_trained_on_the_committed_table():
    from hypecycle.jobs import read_features

    card = json.loads(CARD.read_text())
    train = read_features([TABLE])
    assert card["training_data"]["synthetic_cycles"] == 0, "the card's hash would cover synthetic rows too"
    assert train.digest() == card["training_data"]["hash"], (
        "models/phase-default.skops was not trained on corpora/label_features.csv: retrain with "
        + card["command"])
    assert card["training_data"]["real_points"] == len(train.y)


def test_the_committed_table_is_what_the_code_computes(shared_corpora, run_cli, tmp_path):
    """Every WSJ/Washington Post row of the table, recomputed from the corpus with this code."""
    from hypecycle.jobs import label_features
    from hypecycle.labels import label_points, read_labels
    from hypecycle.store import Store

    table = pd.read_csv(TABLE)
    wsj = table[table["store"] == "wsj.duckdb"]
    assert len(wsj) >= 20, "the table should hold the WSJ/Washington Post points"
    store_path = tmp_path / "wsj.duckdb"
    r = run_cli("ingest", str(shared_corpora / "wsj-wapo-1995-2014" / "usnews.csv"), "--store", str(store_path),
                "--quiet")
    assert r.returncode == 0, r.stderr
    wanted = set(zip(wsj["technology"], wsj["date"]))
    points = [p for p in label_points(read_labels([LABELS])) if (p.technology, p.date.isoformat()) in wanted]
    assert len(points) == len(wsj), "a label point of the table is no longer in corpora/labels/timeline.csv"
    store = Store(store_path, read_only=True)
    try:
        train, skipped = label_features([store], points)
    finally:
        store.close()
    assert not skipped, skipped
    got = pd.concat([train.meta.reset_index(drop=True), train.X.reset_index(drop=True)], axis=1)
    key = ["technology", "date"]
    both = wsj.merge(got.astype({"date": str}), on=key, suffixes=("", "_now"), validate="one_to_one")
    assert len(both) == len(wsj)
    assert (both["phase"] == both["phase_now"]).all()
    assert (both["articles"].astype(int) == both["articles_now"].astype(int)).all()
    stale = []
    for name in train.X.columns:
        old = both[name].to_numpy(dtype=float)
        new = both[f"{name}_now"].to_numpy(dtype=float)
        off = ~np.isclose(old, new, rtol=1e-4, atol=1e-5, equal_nan=True)
        if off.any():
            stale.append(f"{name} ({off.sum()} rows)")
    assert not stale, ("corpora/label_features.csv is stale (regenerate it with the README's `hypecycle features` "
                       "command and retrain): " + ", ".join(stale))
