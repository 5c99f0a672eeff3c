"""Training, evaluation and batch scoring through the command line (real subprocesses)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from topic_corpus import topic_records

START = dt.date(2008, 1, 1)
HEADER = "technology,topic,terms,start,end,phase,corpus,kind,source,source_date,evidence\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, run_cli):
    d = tmp_path_factory.mktemp("train")
    recs = topic_records(11, START, 30, 40, lambda m: 0.02 + 0.25 * np.exp(-((m - 12) / 4.0) ** 2))
    recs += topic_records(12, START, 30, 10, lambda m: 0.3 if m > 8 else 0.02, phrase="smart grid",
                          id_prefix="grid")
    news = d / "news.jsonl"
    news.write_text("".join(json.dumps({k: v for k, v in r.items() if not k.startswith("truth")}) + "\n"
                            for r in recs))
    store = d / "s.duckdb"
    assert run_cli("ingest", str(news), "--store", str(store), "-q", "--processes", "1").returncode == 0
    labels = d / "labels.csv"
    labels.write_text(HEADER + "".join([
        "cloud computing,cloud,,2008-09-30,2008-12-31,trigger,,market-history,our own test label,,\n",
        "cloud computing,cloud,,2009-01-01,2009-06-30,peak,,market-history,our own test label,,\n",
        "cloud computing,cloud,,2009-10-01,2010-06-30,trough,,market-history,our own test label,,\n",
        "smart grid,,smart grid,2008-12-31,2008-12-31,trigger,,market-history,our own test label,,\n",
        "smart grid,,smart grid,2009-06-30,2010-06-30,peak,,market-history,our own test label,,\n"]))
    return {"dir": d, "store": store, "labels": labels, "news": news}


def test_features_train_and_evaluate(corpus, run_cli):
    d = corpus["dir"]
    feats = d / "features.csv"
    r = run_cli("features", "--store", str(corpus["store"]), "--labels", str(corpus["labels"]), "-o", str(feats))
    assert r.returncode == 0, r.stderr
    assert "technologies written" in r.stderr
    model = d / "m.skops"
    r = run_cli("train", "--features", str(feats), "--synthetic", "12", "--seed", "3", "--out", str(model))
    assert r.returncode == 0, r.stderr
    assert "real labels, LOTO" in r.stdout and "majority" in r.stdout and "rule" in r.stdout
    card = json.loads((d / "m.card.json").read_text())
    assert card["features"] and card["training_data"]["synthetic_cycles_measured"] == 12
    assert set(card["metrics"]) >= {"real_loto_with_synthetic", "real_loto_real_only", "synthetic_heldout"}
    # --mix best keeps the synthetic cycles only if they lower the real labels' LOTO Brier score
    m = card["metrics"]
    kept = m["real_loto_with_synthetic"]["model"]["brier"] < m["real_loto_real_only"]["model"]["brier"]
    assert card["training_data"]["synthetic_cycles"] == (12 if kept else 0)
    assert "Brier" in card["training_data"]["mix_decision"]
    # deterministic: the same data, seed and mix give the same model predictions
    model2 = d / "m2.skops"
    assert run_cli("train", "--features", str(feats), "--synthetic", "12", "--seed", "3", "--out", str(model2),
                   "--mix", "with" if kept else "without", "--no-evaluate", "-q").returncode == 0
    a = run_cli("evaluate", "--features", str(feats), "--model", str(model), "--format", "json")
    b = run_cli("evaluate", "--features", str(feats), "--model", str(model2), "--format", "json")
    assert a.returncode == 0, a.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["on_these_labels"]["model"] == jb["on_these_labels"]["model"]
    assert {"accuracy", "macro_f1", "phase_distance", "brier", "ece", "confusion"} <= set(ja["on_these_labels"]["model"])
    r = run_cli("evaluate", "--features", str(feats), "--model", str(model), "--cv")
    assert r.returncode == 0 and "leave-one-topic-out" in r.stdout and "true \\ called" in r.stdout


@pytest.mark.parametrize("row, message", [
    ("cloud,cloud,,2009-01-01,,peek,,gartner,src,,", "row 2: unknown phase 'peek'"),
    ("cloud,cloud,,01/2009,,peak,,gartner,src,,", "row 2: bad start date '01/2009'"),
])
def test_a_bad_label_file_is_one_line_naming_the_row(corpus, run_cli, row, message):
    bad = corpus["dir"] / "bad.csv"
    bad.write_text(HEADER + row + "\n")
    r = run_cli("train", "--store", str(corpus["store"]), "--labels", str(bad), "--out",
                str(corpus["dir"] / "x.skops"))
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and message in r.stderr and "[HC310]" in r.stderr


def test_too_few_labels_to_train(corpus, run_cli):
    one = corpus["dir"] / "one.csv"
    one.write_text(HEADER + "cloud computing,cloud,,2009-03-31,,peak,,gartner,src,,\n")
    r = run_cli("train", "--store", str(corpus["store"]), "--labels", str(one), "--out", str(corpus["dir"] / "y.skops"))
    assert r.returncode == 3 and "too few usable labels" in r.stderr


def test_scoring_a_file_twice_changes_nothing(corpus, run_cli, tmp_path):
    store = tmp_path / "score.duckdb"
    first = run_cli("score", str(corpus["news"]), "--store", str(store), "--format", "json")
    assert first.returncode == 0, first.stderr
    again = run_cli("score", str(corpus["news"]), "--store", str(store), "--format", "json")
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["ingest"]["ingested"] > 1000 and b["ingest"]["ingested"] == 0
    assert a["articles"] == b["articles"] and a["topics"] == b["topics"]
    cloud = next(t for t in a["topics"] if t["topic"] == "cloud")
    assert cloud["phase"] in ("trigger", "peak", "trough", "slope", "plateau")
    assert abs(sum(cloud["probabilities"].values()) - 1) < 1e-3
    cued = [x for x in a["articles"] if x["events"]]
    assert cued and all(x["phase_cues"] for x in cued)
