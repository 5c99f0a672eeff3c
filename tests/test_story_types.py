"""The story-type prior (hypecycle.extract.story_types): its features, its JSON model, the shipped
model on our own sentences, and how the extractor and the trainers use it."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from hypecycle.errors import LexiconError
from hypecycle.extract import Extractor
from hypecycle.extract.story_types import (
    OPENING_CHARS,
    StoryTypeModel,
    load_story_type_model,
    logit,
    story_terms,
    tfidf,
)

ROOT = Path(__file__).resolve().parents[1]


def _training():
    spec = importlib.util.spec_from_file_location("_training", ROOT / "corpora" / "_training.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_terms_count_the_headline_twice_with_word_pairs_and_only_the_opening():
    terms = story_terms("Acme to buy Widgetco", "Acme agreed to buy Widgetco. " + "x" * OPENING_CHARS + " tail words")
    assert terms["widgetco"] == 3 and terms["acme to"] == 2 and terms["agreed to"] == 1
    assert terms["tail"] == 0 and terms["a"] == 0  # past the opening; one-letter words are no terms


def test_tfidf_has_unit_length_and_ignores_words_outside_the_vocabulary():
    w = tfidf(story_terms("", "buy buy sell unknown"), {"buy": 1.0, "sell": 2.0})
    assert set(w) == {"buy", "sell"}
    assert math.isclose(sum(v * v for v in w.values()), 1.0)
    assert w["sell"] > w["buy"]  # a rarer word weighs more, even said once against twice
    assert tfidf(story_terms("", "nothing known"), {"buy": 1.0}) == {}


def test_probabilities_are_logistic_regressions_over_the_weights():
    params = {"types": ["acquisition", "layoff"], "intercepts": [-1.0, 0.5],
              "terms": {"buy": [1.0, 3.0, -1.0], "jobs": [1.0, -2.0, 4.0], "the": [1.0]}}
    p = StoryTypeModel(params).probabilities("", "buy the")
    x = tfidf(story_terms("", "buy the"), {"buy": 1.0, "jobs": 1.0, "the": 1.0})
    assert p["acquisition"] == pytest.approx(1 / (1 + math.exp(-(-1.0 + 3.0 * x["buy"]))))
    assert p["layoff"] == pytest.approx(1 / (1 + math.exp(-(0.5 - 1.0 * x["buy"]))))
    assert StoryTypeModel(params).probabilities("", "") == {"acquisition": pytest.approx(1 / (1 + math.e)),
                                                            "layoff": pytest.approx(1 / (1 + math.exp(-0.5)))}
    assert logit(0.0) == pytest.approx(math.log(1e-4 / (1 - 1e-4)))


@pytest.mark.parametrize("bad", [{}, {"types": ["layoff"], "intercepts": [0.0], "terms": {"a": "x"}},
                                 {"types": ["layoff"], "intercepts": [0.0, 1.0], "terms": {}},
                                 {"types": ["layoff"], "intercepts": [0.0], "terms": {"jobs": [1.0, 2.0, 3.0]}}])
def test_a_malformed_model_is_refused_with_its_file_named(bad, tmp_path):
    path = tmp_path / "story.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(LexiconError, match="story.json"):
        load_story_type_model(path)


def test_the_shipped_model_tells_a_takeover_story_from_a_results_story():
    model = load_story_type_model()
    assert model is not None, "story_type_model.json is shipped in hypecycle/data/events/"
    deal = model.probabilities("Brightwave agrees to $2 billion takeover by Quillmark",
                               "Quillmark said on Monday it had agreed to buy Brightwave for $2 billion in cash, "
                               "its largest acquisition, subject to shareholder approval.")
    results = model.probabilities("Quillmark quarterly profit rises on strong demand",
                                  "Quillmark reported a 12 percent rise in quarterly profit on Monday, helped by "
                                  "demand for its sensors, and raised its forecast for the year.")
    cuts = model.probabilities("Brightwave to cut 900 jobs",
                               "Brightwave will cut 900 jobs, about a tenth of its workforce, to save costs, "
                               "the company said on Tuesday.")
    assert deal["acquisition"] > 0.5 > results["acquisition"]
    assert cuts["layoff"] > 0.5 > deal["layoff"]
    assert model.probabilities("A", "b c") == model.probabilities("A", "b c")  # deterministic


def test_the_extractor_refuses_a_news_model_that_reads_the_prior_without_it(monkeypatch):
    import hypecycle.extract.story_types as st

    monkeypatch.setattr(st, "load_story_type_model", lambda path=None: None)
    with pytest.raises(LexiconError, match="story_type_model.json"):
        Extractor()
    assert Extractor(news_model="none").story_types is None  # the rules alone need no prior


def test_the_news_model_and_proposer_read_the_prior_of_the_story():
    ex = Extractor()
    assert ex.story.story_types is ex.story_types is not None
    assert "story_logit" in ex.news.features_
    from hypecycle.schema import Article
    import datetime as dt

    ex.extract(Article(id="a", date=dt.date(2010, 1, 4), title="Quillmark to buy Brightwave",
                       text="Quillmark agreed to buy Brightwave for $2 billion, the companies said."))
    assert ex.story.last_candidates and all("story_logit" in f for _e, f in ex.story.last_candidates)


def test_trainers_fit_the_prior_and_read_it_out_of_fold():
    tr = _training()
    docs = []
    for i in range(40):
        deal = i % 2 == 0
        text = (f"Firm{i} agreed to buy Target{i} in a takeover deal." if deal
                else f"Firm{i} reported quarterly profit and sales.")
        docs.append(("train1" if i < 30 else "real", f"d{i}", f"Firm{i} news", text, {"acquisition"} if deal else set()))
    oof = tr.oof_story_probabilities(docs, folds=3, C=4.0)
    assert set(oof) == {d[1] for d in docs}
    hi = [oof[d[1]]["acquisition"] for d in docs if d[4]]
    lo = [oof[d[1]]["acquisition"] for d in docs if not d[4]]
    assert min(hi) > max(lo)  # learned from the other folds only, still right
    params = tr.fit_story_types([d[2:] for d in docs])
    model = StoryTypeModel(params)
    assert model.types == ["acquisition"]
    lookup = tr.StoryLookup(oof)
    lookup.current = "d3"
    assert lookup.probabilities("any", "thing") == oof["d3"]
