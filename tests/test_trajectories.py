"""Trajectories as of a date: counts, intervals, attribution, as-of isolation, lexicon = terms."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from topic_corpus import topic_records

from hypecycle import periods, trajectories
from hypecycle.errors import UsageError
from hypecycle.jobs import ingest_files, topic_spec, topic_trajectory
from hypecycle.store import Store

START = dt.date(2008, 1, 1)


def _share(m: int) -> float:  # a bell of attention peaking at month 14
    return 0.02 + 0.25 * np.exp(-((m - 14) / 5.0) ** 2)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("topic")
    records = topic_records(7, START, 24, 40, _share)
    path = d / "news.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if not k.startswith("truth")}) + "\n"
                            for r in records), encoding="utf-8")
    lexicon = d / "mytopic.jsonl"
    lexicon.write_text(json.dumps({"label": "mytopic", "pattern": "cloud computing", "id": "cloud computing"})
                       + "\n", encoding="utf-8")
    store = d / "s.duckdb"
    from hypecycle.extract.topics import lexicon_dir

    ingest_files([str(path)], store, n_process=1,
                 extractor_options={"lexicons": sorted(lexicon_dir().glob("*.jsonl")) + [lexicon]})
    return {"records": records, "store": store, "lexicon": lexicon, "dir": d}


def test_counts_follow_the_truth_and_every_period_is_listed(corpus):
    with Store(corpus["store"], read_only=True) as s:
        t = topic_trajectory(s, topic_spec(terms="cloud computing"), freq="month")
    f = t.frame
    assert len(f) == 24 and list(f["period"]) == periods.labels(periods.period_axis(START, "2009-12-31", "month"))
    truth = pd.DataFrame(corpus["records"])
    truth["period"] = pd.to_datetime(truth["date"]).dt.to_period("M").astype(str)
    expected = truth.groupby("period")["truth_topic"].sum().reindex(f["period"]).to_numpy()
    assert (f["topic_articles"].to_numpy() == expected).all()
    assert (f["articles"] == 40).all()
    # funding rounds and layoffs written into topic articles are found and attributed
    want = sum(1 for r in corpus["records"] for e in r["truth_events"] if e["type"] == "funding")
    assert abs(int(f["funding"].sum()) - want) <= 0.1 * want
    assert int(f["layoff"].sum()) > 0
    # the articles naming the topic only in passing are the peripheral ones
    assert 0.1 < f["peripheral_articles"].sum() / f["topic_articles"].sum() < 0.5


def test_zero_months_are_rows_of_zeros(tmp_path):
    recs = [{"id": "a", "date": "2010-01-05", "title": "Cloud computing grows", "text": "Cloud computing grew."},
            {"id": "b", "date": "2010-04-05", "title": "Cloud computing slows", "text": "Cloud computing slowed."}]
    path = tmp_path / "n.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    ingest_files([str(path)], tmp_path / "s.duckdb", n_process=1)
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        f = topic_trajectory(s, topic_spec("cloud"), freq="month").frame
    assert list(f["period"]) == ["2010-01", "2010-02", "2010-03", "2010-04"]
    assert list(f["articles"]) == [1, 0, 0, 1] and list(f["topic_articles"]) == [1, 0, 0, 1]
    assert f["attention"].isna().tolist() == [False, True, True, False]


def test_a_lexicon_and_the_same_phrases_as_terms_give_the_same_frame(corpus):
    with Store(corpus["store"], read_only=True) as s:
        lex = topic_trajectory(s, topic_spec("mytopic"), freq="quarter")
        terms = topic_trajectory(s, topic_spec(terms=["cloud computing"]), freq="quarter")
    cols = [c for c in trajectories.COLUMNS if c != "period"]
    pd.testing.assert_frame_equal(lex.frame[cols], terms.frame[cols])
    assert lex.frame["topic_articles"].sum() > 50


def test_as_of_reads_nothing_published_later(corpus, tmp_path):
    """A store holding later articles gives an identical frame as of an earlier date."""
    as_of = dt.date(2008, 9, 14)
    early = tmp_path / "early.jsonl"
    early.write_text("".join(json.dumps({k: v for k, v in r.items() if not k.startswith("truth")}) + "\n"
                             for r in corpus["records"] if r["date"] <= as_of.isoformat()))
    ingest_files([str(early)], tmp_path / "early.duckdb", n_process=1)
    with Store(tmp_path / "early.duckdb", read_only=True) as s:
        a = topic_trajectory(s, topic_spec("cloud"), freq="month", as_of=as_of, since=START)
        at = topic_trajectory(s, topic_spec(terms="cloud computing"), freq="month", as_of=as_of, since=START)
    with Store(corpus["store"], read_only=True) as s:
        b = topic_trajectory(s, topic_spec("cloud"), freq="month", as_of=as_of)
        bt = topic_trajectory(s, topic_spec(terms="cloud computing"), freq="month", as_of=as_of)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(at.frame, bt.frame)
    assert b.frame["period"].iloc[-1] == "2008-09" and bool(b.frame["partial"].iloc[-1])


@pytest.mark.parametrize("spec", [{"terms": "cloud computing"}, {"topic": "cloud"}], ids=["scanned", "stored"])
def test_cutting_read_data_equals_reading_as_of(corpus, spec):
    from hypecycle.jobs import topic_data

    as_of = dt.date(2009, 3, 31)
    with Store(corpus["store"], read_only=True) as s:
        spec = topic_spec(**spec)
        whole = topic_data(s, spec)
        cut = topic_trajectory(s, spec, as_of=as_of, data=whole)
        read = topic_trajectory(s, spec, as_of=as_of)
    pd.testing.assert_frame_equal(cut.frame, read.frame)


_FILLER = " ".join(["The company said on Monday that results beat estimates as shares rose in early trading."] * 6)
#: One article per way an event can count for a topic (or not), all funding rounds.
_ATTRIBUTION_CASES = [
    ("lead", "Acme Systems Inc raises $20 million for cloud computing",
     "Acme Systems Inc raised $20 million in a Series B funding round led by Sequoia Capital. " + _FILLER),
    ("passing", "Bolt Networks Inc raises $15 million",
     "Bolt Networks Inc raised $15 million in a Series A funding round led by Accel Partners. " + _FILLER
     + " Separately, analysts expect spending on cloud computing to rise."),
    ("sentence", "Crate Labs Inc raises $30 million",  # its evidence sentence is made to name the topic below
     "Crate Labs Inc raised $30 million in a Series C funding round led by Benchmark. " + _FILLER
     + " Separately, analysts expect spending on cloud computing to rise."),
    ("often", "Delta Corp raises $12 million",
     "Delta Corp raised $12 million in a Series A funding round led by Index Ventures. " + _FILLER
     + " Cloud computing grew. Cloud computing is a boom. Cloud computing is here."),
]


@pytest.fixture(scope="module")
def attribution_store(tmp_path_factory):
    d = tmp_path_factory.mktemp("attribution")
    path = d / "cases.jsonl"
    path.write_text("".join(json.dumps({"id": i, "date": f"2010-0{n + 1}-10", "title": t, "text": x}) + "\n"
                            for n, (i, t, x) in enumerate(_ATTRIBUTION_CASES)), encoding="utf-8")
    ingest_files([str(path)], d / "s.duckdb", n_process=1)
    with Store(d / "s.duckdb") as s:
        s.con.execute("UPDATE events SET topics = ['cloud'] WHERE article_id = 'sentence'")
    return d / "s.duckdb"


@pytest.mark.parametrize("until", [None, dt.date(2009, 2, 14)])
def test_the_database_sums_counts_and_attributes_a_stored_topic_as_pandas_does(corpus, attribution_store, until):
    """A stored topic is summed per day, its events attributed and its companies listed in
    the database (so that a topic of a million articles reads fast); the same rules applied
    in pandas to its article-level rows give the same frames."""
    from hypecycle import queries

    with Store(attribution_store, read_only=True) as s:
        events, _ = queries.topic_events(s, "cloud", often=trajectories.OFTEN_ENOUGH)
        all_events = queries.events_of(s, [c[0] for c in _ATTRIBUTION_CASES])
    assert sorted(all_events["article_id"]) == ["lead", "often", "passing", "sentence"]
    assert sorted(events["article_id"]) == ["lead", "often", "sentence"]
    for store in (corpus["store"], attribution_store):
        _database_equals_pandas(store, until)


def _database_equals_pandas(store, until) -> None:
    from hypecycle import queries

    with Store(store, read_only=True) as s:
        arts = queries.topic_articles(s, "cloud", until=until)
        days = queries.topic_days(s, "cloud", until=until)
        pd.testing.assert_frame_equal(days, queries.days_of(arts))
        assert days["articles"].sum() == len(arts)
        ids = list(arts["article_id"])
        ev = queries.events_of(s, ids, until=until)
        ev["topics"] = ev["topics"].map(lambda t: () if t is None else t)
        want = ev[trajectories.attribute(ev, arts, "cloud").to_numpy()].reset_index(drop=True)
        texts = queries.event_texts(s, list(zip(want["article_id"], want["seq"])))
        by_key = want.sort_values(["article_id", "seq"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(texts, by_key[["article_id", "seq", "evidence", "title"]], check_dtype=False)
        want = want[list(queries.TOPIC_EVENT_COLUMNS)]
        got, unknown = queries.topic_events(s, "cloud", often=trajectories.OFTEN_ENOUGH, until=until)
        got["topics"] = got["topics"].map(lambda t: () if t is None else t)
        assert unknown == 0
        pd.testing.assert_frame_equal(got, want)
        names = queries.companies_named(s, ids).merge(arts[["article_id", "date"]], on="article_id")
        names = names[["date", "name"]].drop_duplicates().sort_values(["date", "name"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(queries.topic_companies(s, "cloud", until=until), names)
        recent = queries.topic_articles(s, "cloud", since=dt.date(2009, 1, 1), until=until)
        pd.testing.assert_frame_equal(recent, arts[arts["date"] >= dt.date(2009, 1, 1)].reset_index(drop=True))


def test_wilson_intervals_cover_the_truth_at_their_nominal_rate():
    rng = np.random.default_rng(3)
    hits = 0
    trials = 4000
    for p, n in zip(rng.uniform(0.01, 0.4, trials), rng.integers(5, 60, trials)):
        k = rng.binomial(n, p)
        lo, hi = trajectories.wilson(k, n)
        hits += lo <= p <= hi
    assert 0.93 <= hits / trials <= 0.97


def test_events_of_one_story_count_once():
    ev = pd.DataFrame({"article_id": ["a", "b", "c"], "seq": [0, 0, 0], "type": ["funding"] * 3,
                       "company_key": ["acme", "acme", "acme"],
                       "date": [dt.date(2010, 1, 1), dt.date(2010, 1, 3), dt.date(2011, 1, 1)],
                       "amount_usd": [None, 2e7, 3e7], "valuation_usd": [None, None, None], "count": [None] * 3})
    out = trajectories.distinct_events(ev)
    assert list(out["reports"]) == [2, 1] and list(out["amount_usd"]) == [2e7, 3e7]


def test_reports_chain_into_one_event_as_a_report_by_report_reading_does():
    """The vectorised chaining of reports equals reading them one by one, on seeded frames
    with reports without a company, several types and gaps on both sides of the limit."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(1, 50))
        ev = pd.DataFrame({
            "date": sorted(dt.date(2010, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 1000, n)),
            "type": rng.choice(["funding", "ipo"], n), "company_key": rng.choice(["", "acme", "bolt", "crate"], n)})
        want, last = list(range(n)), {}
        for i, row in enumerate(ev.itertuples()):
            if not row.company_key:
                continue
            prev = last.get((row.type, row.company_key))
            if prev is not None and (row.date - prev[0]).days <= trajectories.SAME_EVENT_DAYS:
                want[i] = prev[1]
            last[(row.type, row.company_key)] = (row.date, want[i])
        assert list(trajectories._report_chains(ev)) == want


def test_attribution_needs_the_topic_in_the_lead_the_sentence_or_often():
    arts = pd.DataFrame({"article_id": ["lead", "often", "sent", "passing"], "mentions": [1, 3, 1, 1],
                         "lead": [1, 0, 0, 0]})
    ev = pd.DataFrame({"article_id": ["lead", "often", "sent", "passing", "other"],
                       "topics": [(), (), ("cloud",), (), ("cloud",)]})
    assert list(trajectories.attribute(ev, arts, "cloud")) == [True, True, True, False, False]


@pytest.mark.parametrize("kw, msg", [
    ({"topic": "nosuchtopic"}, "unknown topic 'nosuchtopic'; known topics: .*cloud"),
    ({"topic": "cloud", "as_of": dt.date(1990, 1, 1)}, "before the store's first article"),
])
def test_bad_topic_and_dates_are_one_line_usage_errors(corpus, kw, msg):
    with Store(corpus["store"], read_only=True) as s:
        with pytest.raises(UsageError, match=msg):
            topic_trajectory(s, topic_spec(kw["topic"]), as_of=kw.get("as_of"))


def test_trajectory_cli_formats(corpus, run_cli, tmp_path):
    store = str(corpus["store"])
    r = run_cli("trajectory", "--store", store, "--topic", "cloud", "--freq", "quarter", "--as-of", "2009-06-30",
                "--format", "json", "--plot", str(tmp_path / "t.png"), "--smooth", "2")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["as_of"] == "2009-06-30" and doc["periods"][-1]["period"] == "2009Q2"
    assert set(doc["columns"]) == set(trajectories.COLUMNS)
    assert (tmp_path / "t.png").stat().st_size > 10_000
    r = run_cli("trajectory", "--store", store, "--terms", "cloud computing", "--format", "csv")
    assert r.returncode == 0, r.stderr
    frame = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert list(frame.columns) == list(trajectories.COLUMNS)
    r = run_cli("trajectory", "--store", store, "--topic", "clould")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "known topics" in r.stderr


def test_dilution_counts_the_companies_each_topic_article_names(corpus):
    """``companies`` per period: the distinct names (with a legal form) of the topic articles'
    heads, as the store read them at ingestion, checked against Python's regex on the records."""
    import re

    from hypecycle.store import COMPANY_CHARS, COMPANY_PATTERN

    with Store(corpus["store"], read_only=True) as s:
        f = topic_trajectory(s, topic_spec(terms="cloud computing"), freq="month").frame
    want: dict[str, set] = {}
    for r in corpus["records"]:
        if r["truth_topic"]:
            head = r["title"] + " | " + r["text"][:COMPANY_CHARS]
            want.setdefault(r["date"][:7], set()).update(m.group(1) for m in re.finditer(COMPANY_PATTERN, head))
    expected = [len(want.get(p, ())) for p in f["period"]]
    assert sum(expected) > 24 and list(f["companies"]) == expected
