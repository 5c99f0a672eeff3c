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


@pytest.fixture(scope="module")
def wsj_store(tmp_path_factory, run_cli) -> Path:
    """The WSJ/Washington Post corpus ingested once, by the CLI, for the tests of this module."""
    usnews = ROOT.parent / "shared" / "corpora" / "wsj-wapo-1995-2014" / "usnews.csv"
    if not usnews.is_file():
        pytest.skip(f"the shared corpora are not beside the project ({usnews} not found)")
    store_path = tmp_path_factory.mktemp("wsj") / "wsj.duckdb"
    r = run_cli("ingest", str(usnews), "--store", str(store_path), "--quiet")
    assert r.returncode == 0, r.stderr
    return store_path


def test_the_committed_table_is_what_the_code_computes(shared_corpora, wsj_store):
    """Every WSJ/Washington Post row of the table, recomputed from the corpus with this code."""
    from hypecycle.jobs import label_features
    from hypecycle.labels import label_points, read_labels
    from hypecycle.store import Store

    table = pd.read_csv(TABLE)
    wsj = table[table["store"] == "wsj.duckdb"]
    assert len(wsj) >= 20, "the table should hold the WSJ/Washington Post points"
    wanted = set(zip(wsj["technology"], wsj["date"]))
    points = [p for p in label_points(read_labels([LABELS])) if (p.technology, p.date.isoformat()) in wanted]
    assert len(points) == len(wsj), "a label point of the table is no longer in corpora/labels/timeline.csv"
    store = Store(wsj_store, read_only=True)
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


def test_the_shipped_news_based_reference_cycles_are_what_the_build_computes(shared_corpora, wsj_store, tmp_path):
    """The telecom-1990s and dot-com cycles (WSJ/Washington Post and NYT front pages, small enough
    to ingest here) rebuilt with this code hold the numbers shipped in hypecycle/data/cycles/; a
    change to ingestion, extraction or the lexicons that moves them fails here until the cycles
    are rebuilt (``python corpora/build_reference_cycles.py``, see corpora/README.md)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_reference_cycles",
                                                  ROOT / "corpora" / "build_reference_cycles.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)  # type: ignore[union-attr]
    shared = shared_corpora.parent
    nyt = build.ensure_store(tmp_path / "nyt.duckdb", [shared_corpora / "nyt-frontpage-1996-2006" / "NYTimes.csv.gz"],
                             encoding="latin-1", text_field="Subject")
    out = tmp_path / "cycles"
    cycles = (build.build_telecom(shared, tmp_path, wsj_store), build.build_dotcom(shared, tmp_path, wsj_store, nyt))
    for cycle in cycles:
        cycle.write(out)
        name = cycle.meta["id"]
        shipped = pd.read_csv(ROOT / "hypecycle" / "data" / "cycles" / name / "series.csv")
        now = pd.read_csv(out / name / "series.csv")
        both = shipped.merge(now, on=["period", "signal", "source"], how="outer", suffixes=("", "_now"),
                             indicator=True)
        missing = both[both["_merge"] != "both"]
        assert missing.empty, f"{name}: rows shipped or computed only on one side:\n{missing.head(10)}"
        off = both[~np.isclose(both["value"], both["value_now"], rtol=1e-6, atol=1e-9, equal_nan=True)]
        assert off.empty, (f"hypecycle/data/cycles/{name}/series.csv is stale (rebuild it with "
                           f"corpora/build_reference_cycles.py):\n{off.head(10)}")
