"""The learned event filter: its JSON model, its features, and how the Extractor uses it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from hypecycle.errors import LexiconError
from hypecycle.extract import Extractor
from hypecycle.extract.filter import FEATURES, EventFilter, load_event_filter
from hypecycle.schema import Article

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "hypecycle" / "data" / "events" / "event_filter.json"
TRAIN = ROOT / "benchmarks" / "train_event_filter.py"
SHARED = ROOT.parent / "shared" / "corpora"

HEADLINE = ("Tessaro raises $20 million in Series B round",
            "Tessaro, a San Francisco maker of battery software, said on Tuesday it raised $20 million in a "
            "Series B round led by Northgate Ventures, valuing it at $200 million. The company will use the "
            "money to hire engineers.")
# no headline, so the rules keep a deep, one-off aside about a rival as an event
BACKGROUND = ("", HEADLINE[1] + " Chief executive Dana Reyes founded Tessaro after working at a utility. "
              "The market for grid storage has grown quickly, analysts said. Many rivals have struggled, and "
              "the sector has seen dozens of deals. Among the companies that changed hands, Calloway Systems, a "
              "rival with a long and troubled history in the business of selling storage gear to utilities, "
              "was acquired by Brenton Power, which did not comment, while Orland Grid was not sold and "
              "Halvard Energy did not cut jobs.")


def art(title: str, text: str, i: int = 0) -> Article:
    return Article(f"f{i}", dt.date(2016, 3, 1), title, text)


@pytest.fixture(scope="module")
def raw() -> Extractor:
    return Extractor(model="blank", event_filter=False)


@pytest.fixture(scope="module")
def shipped() -> EventFilter:
    return load_event_filter()


def _probs(ex: Extractor, f: EventFilter, a: Article) -> dict[tuple[str, str], float]:
    return {(e.type, e.company): f.probability([d[n] for n in FEATURES]) for e, d in ex.candidates(a)}


def test_shipped_model_loads_and_matches_the_code(shipped: EventFilter) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert 0.0 <= shipped.threshold <= 1.0
    assert data["training"]["command"].startswith("python benchmarks/train_event_filter.py")
    assert set(data["training"]["articles"]) == {"synthetic", "real", "wilddev"}


@pytest.mark.parametrize("mutate", [
    lambda d: "not json {",
    lambda d: json.dumps([1, 2]),
    lambda d: json.dumps({**d, "format": "pickle"}),
    lambda d: json.dumps({k: v for k, v in d.items() if k != "coef"}),
    lambda d: json.dumps({**d, "coef": d["coef"][:-1]}),
    lambda d: json.dumps({**d, "mean": ["__import__('os')"] + d["mean"][1:]}),
    lambda d: json.dumps({**d, "scale": [0.0] + d["scale"][1:]}),
    lambda d: json.dumps({**d, "threshold": 1.5}),
    lambda d: json.dumps({**d, "intercept": True}),
    lambda d: json.dumps({**d, "features": list(reversed(d["features"]))}),
])
def test_malformed_model_raises_naming_the_file(tmp_path: Path, mutate) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    p = tmp_path / "bad_filter.json"
    p.write_text(mutate(data), encoding="utf-8")
    with pytest.raises(LexiconError, match="bad_filter.json"):
        load_event_filter(p)


def test_missing_model_raises(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="nope.json"):
        load_event_filter(tmp_path / "nope.json")


def test_predictions_are_deterministic(raw: Extractor, shipped: EventFilter) -> None:
    a = art(*BACKGROUND)
    assert _probs(raw, shipped, a) == _probs(raw, load_event_filter(), a)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, len(FEATURES)))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    f1, f2 = EventFilter(C=0.3).fit(X, y), EventFilter(C=0.3).fit(X, y)
    assert np.array_equal(f1.coef_, f2.coef_) and f1.intercept_ == f2.intercept_
    # the pure-Python score the Extractor uses equals the vectorised one
    assert np.allclose([f1.probability(list(x)) for x in X[:10]], f1.predict_proba(X[:10])[:, 1])


def test_round_trip_through_json(shipped: EventFilter) -> None:
    again = EventFilter.from_dict(json.loads(json.dumps(shipped.to_dict(training=shipped.training_))))
    X = np.random.default_rng(1).normal(size=(5, len(FEATURES)))
    assert np.allclose(again.predict_proba(X), shipped.predict_proba(X))


def test_unfitted_filter_refuses_to_predict() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        EventFilter().predict(np.zeros((1, len(FEATURES))))


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.6, 0.9, 1.0])
@pytest.mark.parametrize("doc", [HEADLINE, BACKGROUND, ("Foo Corp to cut 300 jobs", "Foo Corp said it would "
                                 "cut 300 jobs. Bar Inc agreed to buy Baz Ltd for $2 billion.")])
def test_filter_never_adds_or_changes_events(raw: Extractor, shipped: EventFilter, threshold, doc) -> None:
    ex = Extractor(model="blank", event_filter=True)
    ex.event_filter = EventFilter.from_dict({**shipped.to_dict(), "threshold": threshold})
    before = raw.extract(art(*doc)).events
    after = ex.extract(art(*doc)).events
    assert all(e in before for e in after)
    assert [e for e in before if e in after] == list(after)  # order kept
    if threshold == 0.0:
        assert after == before


def test_candidates_expose_rule_events_unchanged(raw: Extractor) -> None:
    a = art(*BACKGROUND)
    cands = raw.candidates(a)
    assert tuple(e for e, _ in cands) == raw.extract(a).events
    assert all(list(d) == list(FEATURES) for _, d in cands)


def test_background_is_filtered_headline_event_kept(raw: Extractor, shipped: EventFilter) -> None:
    head = _probs(raw, shipped, art(*HEADLINE))
    back = _probs(raw, shipped, art(*BACKGROUND))
    assert head[("funding", "Tessaro")] > 0.9
    assert back[("acquisition", "Calloway Systems")] < 0.3 < back[("funding", "Tessaro")]
    strict = EventFilter.from_dict({**shipped.to_dict(), "threshold": 0.5})
    ex = Extractor(model="blank", event_filter=True)
    ex.event_filter = strict
    assert [(e.type, e.company) for e in ex.extract(art(*BACKGROUND)).events] == [("funding", "Tessaro")]
    assert [(e.type, e.company) for e in ex.extract(art(*HEADLINE)).events] == [("funding", "Tessaro")]


def _trainer():
    spec = importlib.util.spec_from_file_location("train_event_filter", TRAIN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_training_is_deterministic_on_a_seed_fixed_subset(tmp_path: Path) -> None:
    mod = _trainer()
    outs = []
    for k in range(2):
        out = tmp_path / f"m{k}.json"
        assert mod.main(["--sets", "synthetic", "--subset", "60", "--seed", "3", "--no-nested", "--out", str(out)]) == 0
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    m = load_event_filter(tmp_path / "m0.json")
    assert m.training_["articles"] == {"synthetic": 60}


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/corpora for the real and wilddev sets")
def test_retraining_reproduces_the_shipped_model(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    assert _trainer().main(["--no-nested", "--out", str(out)]) == 0
    new, old = json.loads(out.read_text(encoding="utf-8")), json.loads(SHIPPED.read_text(encoding="utf-8"))
    for key in ("mean", "scale", "coef"):
        assert np.allclose(new[key], old[key], atol=1e-6), key
    assert new["intercept"] == pytest.approx(old["intercept"], abs=1e-6)
    assert new["threshold"] == old["threshold"]
    assert new["training"]["candidates"] == old["training"]["candidates"]
