"""Terms and lexicon phrases match their regular inflections (unless --exact),
one place builds the forms for `terms`, the matcher and the trajectories' prefilter, and
every per-period output lists every period of the range with zeros."""

from __future__ import annotations

import json

import pytest

from hypecycle.inflections import phrase_forms, word_forms

RECORDS = [
    {"id": "1", "date": "2006-03-01", "title": "Google opens two data centers", "text": "New data centers in Oregon."},
    {"id": "2", "date": "2006-05-01", "title": "A data center in Texas", "text": "One data center."},
    {"id": "3", "date": "2008-02-01", "title": "Smartphone sales grow", "text": "Smartphones sold well; data-centers too."},
    {"id": "4", "date": "2008-04-01", "title": "Fake news about a new product", "text": "A fake new product."},
]


@pytest.mark.parametrize("phrase, expected", [
    ("data center", ["data center", "data centers"]),
    ("smartphones", ["smartphones", "smartphone"]),
    ("IPO", ["IPO", "IPOs"]),
    ("fake news", ["fake news"]),          # never "fake new"
    ("evs", ["evs"]),                      # never "ev" (EV/EBITDA)
    ("cloud-based", ["cloud-based"]),
    ("data analysis", ["data analysis"]),  # never "analysi"
])
def test_phrase_forms(phrase, expected):
    assert phrase_forms(phrase) == expected
    assert phrase_forms(phrase, exact=True) == [phrase]


def test_word_forms_is_symmetric_on_regular_nouns():
    for w in ("center", "smartphone", "company", "network", "chip"):
        (plural,) = word_forms(w)
        assert word_forms(plural) == (w,)


@pytest.fixture
def store(tmp_path, write_corpus, run_cli):
    path = tmp_path / "s.duckdb"
    corpus = write_corpus(tmp_path / "c.jsonl", RECORDS)
    assert run_cli("ingest", corpus, "--store", path, "--no-extract", "-q").returncode == 0
    return path


def test_terms_finds_the_plural_unless_exact_and_lists_empty_years(store, run_cli):
    proc = run_cli("terms", "--store", store, "--term", "data center", "--by", "year", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["period"]: r for r in json.loads(proc.stdout)}
    assert list(rows) == ["2006", "2007", "2008"]  # 2007 holds no article: listed, with zeros
    assert rows["2007"]["docs"] == 0 and rows["2007"]["total_docs"] == 0 and rows["2007"]["share"] == 0
    assert rows["2006"]["docs"] == 2 and rows["2008"]["docs"] == 1  # "data centers", "data-centers"
    exact = run_cli("terms", "--store", store, "--term", "data center", "--by", "year", "--exact",
                    "--format", "json")
    assert [r["docs"] for r in json.loads(exact.stdout)] == [1, 0, 0]


def test_stats_lists_every_period(store, run_cli):
    proc = run_cli("stats", "--store", store, "--by", "quarter", "--format", "json")
    periods = [r["period"] for r in json.loads(proc.stdout)["periods"]]
    assert periods == [f"{y}Q{q}" for y in (2006, 2007, 2008) for q in (1, 2, 3, 4)][:10]


def test_lexicon_and_the_same_phrases_as_terms_count_alike(store, tmp_path):
    from hypecycle.jobs import topic_data, topic_spec
    from hypecycle.store import Store

    lexicon = tmp_path / "dc.jsonl"
    lexicon.write_text("\n".join(json.dumps({"label": "dc", "pattern": p, "id": p})
                                 for p in ("data center", "smartphone")) + "\n")
    with Store(store, read_only=True) as s:
        by_terms = topic_data(s, topic_spec(terms="data center,smartphone")).articles
        by_lexicon = topic_data(s, topic_spec("dc", lexicons=[lexicon])).articles
        counts = s.term_counts(["data center", "smartphone"], freq="year")
    assert by_terms["mentions"].tolist() == by_lexicon["mentions"].tolist()
    assert set(by_terms["article_id"]) == set(by_lexicon["article_id"]) == {"1", "2", "3"}
    # the store's `terms` regex and the matcher agree on which articles mention a term
    per_term = counts.groupby("term")["docs"].sum().to_dict()
    assert per_term == {"data center": 3, "smartphone": 1}


def test_trajectory_terms_exact_matches_as_written(store):
    # `--exact` used to crash (MentionCounter.for_terms had no `exact`)
    from hypecycle.jobs import topic_data, topic_spec
    from hypecycle.store import Store

    with Store(store, read_only=True) as s:
        inflected = topic_data(s, topic_spec(terms="data center")).articles
        exact = topic_data(s, topic_spec(terms="data center", exact=True)).articles
    assert set(inflected["article_id"]) == {"1", "2", "3"} and set(exact["article_id"]) == {"2"}
