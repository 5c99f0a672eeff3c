"""The extraction commands end to end, through real `hypecycle` subprocesses and a real store.

Articles are our own sentences; the burst test plants a term with a known burst.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import jsonschema
import pytest

from hypecycle.schema import EVENT_COLUMNS
from hypecycle.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "hypecycle" / "data" / "extraction.schema.json").read_text())

ARTICLES = [
    {"id": "f1", "date": "2011-03-02", "title": "Nimbusly raises $40 million for cloud computing push",
     "text": "Nimbusly, a San Francisco cloud computing startup, said on Wednesday it raised $40 million "
             "in a Series C round led by Ardent Ventures. The round values the company at $400 million."},
    {"id": "a1", "date": "2012-06-11", "title": "Orbitel to buy Fibrecast for $1.2 billion",
     "text": "Orbitel Corp agreed on Monday to buy broadband provider Fibrecast for $1.2 billion in cash, "
             "adding fiber optic networks in three states."},
    {"id": "l1", "date": "2012-09-20", "title": "Solarwave to cut 300 jobs",
     "text": "Solarwave, a maker of solar panels, said it will cut 300 jobs as prices for photovoltaic "
             "modules fall. Analysts warned of a shakeout and a bubble in the sector."},
    {"id": "n1", "date": "2012-10-01", "title": "Cloud spending forecast to reach $100 billion",
     "text": "Spending on cloud computing will reach $100 billion by 2016, a research firm forecast on "
             "Monday. Revenue at the largest providers rose 20 percent."},
]


@pytest.fixture
def corpus(make_corpus) -> Path:
    return make_corpus("news.jsonl", ARTICLES)


def test_extract_writes_one_valid_line_per_article(corpus, run_cli, tmp_path):
    out = tmp_path / "x.jsonl"
    r = run_cli("extract", corpus, "-o", out, "--processes", "1")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["f1", "a1", "l1", "n1"]
    for x in lines:
        jsonschema.validate(x, SCHEMA)
    by_id = {x["id"]: x for x in lines}
    funding = [e for e in by_id["f1"]["events"] if e["type"] == "funding"]
    assert funding and funding[0]["company"] == "Nimbusly"
    assert funding[0]["amount"] == 40_000_000 and funding[0]["currency"] == "USD"
    assert funding[0]["round"] == "series_c"
    acq = [e for e in by_id["a1"]["events"] if e["type"] == "acquisition"]
    assert acq and acq[0]["company"] == "Fibrecast" and acq[0]["acquirer"].startswith("Orbitel")
    assert "cloud" in by_id["f1"]["mentions"]
    assert "telecom" in by_id["a1"]["mentions"]
    assert by_id["l1"]["cues"]["skeptic"] >= 2
    assert by_id["n1"]["events"] == []  # a market forecast and revenue are not events


def test_extract_is_deterministic_across_process_counts(corpus, run_cli, tmp_path):
    one, two = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    assert run_cli("extract", corpus, "-o", one, "--processes", "1").returncode == 0
    assert run_cli("extract", corpus, "-o", two, "--processes", "2").returncode == 0
    assert one.read_text() == two.read_text()


def test_ingest_extracts_then_events_and_terms_query_the_store(corpus, run_cli, tmp_path):
    store = tmp_path / "s.duckdb"
    r = run_cli("ingest", corpus, "--store", store, "--processes", "1", "--summary-format", "json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["extracted"] == 4 and summary["events"] >= 3
    r = run_cli("events", "--store", store, "--type", "funding", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "Nimbusly" in r.stdout and "Fibrecast" not in r.stdout
    r = run_cli("events", "--store", store, "--since", "2012-01-01", "--format", "json")
    rows = json.loads(r.stdout)  # one JSON document
    assert rows and all(x["date"] >= "2012-01-01" for x in rows)
    assert tuple(rows[0]) == EVENT_COLUMNS
    assert "Nimbusly" not in r.stdout
    r = run_cli("terms", "--store", store, "--term", "cloud computing", "--term", "fiber optic",
                "--by", "year", "--format", "json")
    assert r.returncode == 0, r.stderr
    got = {(x["period"], x["term"]): x["docs"] for x in json.loads(r.stdout)}
    assert got[("2011", "cloud computing")] == 1 and got[("2012", "cloud computing")] == 1
    assert got[("2012", "fiber optic")] == 1 and got[("2011", "fiber optic")] == 0


def test_extract_store_after_no_extract_matches_ingest_with_extraction(corpus, run_cli, tmp_path):
    direct, later = tmp_path / "d.duckdb", tmp_path / "l.duckdb"
    assert run_cli("ingest", corpus, "--store", direct, "--processes", "1").returncode == 0
    assert run_cli("ingest", corpus, "--store", later, "--no-extract").returncode == 0
    r = run_cli("extract", "--store", later, "--processes", "1")
    assert r.returncode == 0, r.stderr
    sql = "SELECT article_id, type, company, amount FROM events ORDER BY ALL"
    with Store(direct, read_only=True) as a, Store(later, read_only=True) as b:
        assert a.con.execute(sql).fetchall() == b.con.execute(sql).fetchall()
    # nothing left to extract: a second run changes nothing
    r = run_cli("extract", "--store", later, "--processes", "1")
    assert "extracted 0 stored articles" in r.stdout


def test_topics_lists_the_shipped_lexicons(run_cli):
    r = run_cli("topics", "--format", "json")
    assert r.returncode == 0, r.stderr
    topics = {x["topic"] for x in json.loads(r.stdout)}  # one JSON document
    for t in ("ai-infrastructure", "generative-ai", "cloud", "telecom", "dot-com", "big-data", "blockchain",
              "iot", "3d-printing", "cleantech", "electric-vehicles", "social-media", "mobile"):
        assert t in topics


def test_user_lexicon_and_adhoc_term_are_counted(corpus, run_cli, tmp_path):
    lex = tmp_path / "quantum.jsonl"
    lex.write_text(json.dumps({"label": "photovoltaics", "pattern": "photovoltaic modules",
                               "id": "pv modules"}) + "\n")
    out = tmp_path / "x.jsonl"
    r = run_cli("extract", corpus, "-o", out, "--processes", "1", "--lexicon", lex, "--term", "solar panels")
    assert r.returncode == 0, r.stderr
    l1 = [json.loads(x) for x in out.read_text().splitlines()][2]
    assert l1["mentions"]["photovoltaics"] == {"pv modules": 1}
    assert l1["mentions"]["terms"] == {"solar panels": 1}


def test_bad_lexicon_is_one_line_error(corpus, run_cli, tmp_path):
    lex = tmp_path / "bad.jsonl"
    lex.write_text('{"label": "x", "pattern": "ok", "id": "ok"}\n{not json\n')
    r = run_cli("extract", corpus, "--lexicon", lex, "--processes", "1")
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert "bad.jsonl:2" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["empty", "binary", "huge"])
def test_extract_survives_empty_garbage_and_huge_texts(make_corpus, run_cli, tmp_path, kind):
    text = {"empty": "", "binary": bytes(range(256)).decode("latin-1") * 40, "huge": "word " * 2_100_000}[kind]
    corpus = make_corpus("odd.jsonl", [{"id": "x", "date": "2010-01-01", "title": "A title", "text": text}])
    out = tmp_path / "x.jsonl"
    r = run_cli("extract", corpus, "-o", out, "--processes", "1", timeout=120)
    assert r.returncode == 0, r.stderr
    line = json.loads(out.read_text())
    assert line["id"] == "x"
    if len(text) > 1_000_000:
        assert any("truncated" in w for w in line.get("warnings", []))


def _burst_corpus(seed: int) -> list[dict]:
    """Monthly articles 2008-2013; 'quantum annealing' appears only from 2012-03 on."""
    rng = random.Random(seed)
    # "software": the articles are technology news, where emerging terms are looked for
    words = "market company shares bank growth deal report quarter price energy software".split()
    recs = []
    for month in range(72):
        y, m = 2008 + month // 12, month % 12 + 1
        for k in range(30):
            text = " ".join(rng.choice(words) for _ in range(40))
            if month >= 50 and k < 12:
                text = "quantum annealing " + text
            recs.append({"id": f"{month}-{k}", "date": f"{y}-{m:02d}-{1 + k % 28:02d}",
                         "title": f"Report {month} {k}", "text": text})
    return recs


def test_emerging_finds_the_planted_burst_and_never_looks_ahead(make_corpus, run_cli, tmp_path):
    recs = _burst_corpus(seed=7)
    store = tmp_path / "b.duckdb"
    assert run_cli("ingest", make_corpus("b.jsonl", recs), "--store", store, "--no-extract").returncode == 0
    r = run_cli("emerging", "--store", store, "--since", "2011-06-01", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows[0]["term"] in ("quantum annealing", "quantum", "annealing")
    start = dt.date.fromisoformat(rows[0]["burst_start"][:10])
    assert abs((start.year - 2012) * 12 + start.month - 3) <= 1
    # as of 2011-12-31 nothing has burst yet, and the answer equals that of a store cut at that date
    r_asof = run_cli("emerging", "--store", store, "--until", "2011-12-31", "--format", "json")
    cut = tmp_path / "cut.duckdb"
    early = [x for x in recs if x["date"] <= "2011-12-31"]
    assert run_cli("ingest", make_corpus("early.jsonl", early), "--store", cut, "--no-extract").returncode == 0
    r_cut = run_cli("emerging", "--store", cut, "--format", "json")
    assert r_asof.stdout == r_cut.stdout
    assert "quantum" not in r_asof.stdout


def test_terms_until_never_counts_later_articles(make_corpus, run_cli, tmp_path):
    recs = _burst_corpus(seed=3)
    store = tmp_path / "t.duckdb"
    assert run_cli("ingest", make_corpus("t.jsonl", recs), "--store", store, "--no-extract").returncode == 0
    r = run_cli("terms", "--store", store, "--term", "quantum annealing", "--until", "2012-02-29",
                "--by", "month", "--format", "json")
    rows = json.loads(r.stdout)
    assert rows and max(x["period"] for x in rows) == "2012-02"
    assert sum(x["docs"] for x in rows) == 0


def test_seed_article_read_as_users_will(seed_folder, run_cli, tmp_path):
    store = tmp_path / "seed.duckdb"
    r = run_cli("ingest", seed_folder, "--default-date", "2026-11-27", "--store", store, "--processes", "1")
    assert r.returncode == 0, r.stderr
    r = run_cli("events", "--store", store, "--format", "json")
    events = json.loads(r.stdout)
    baseten = [e for e in events if e["company"] == "Baseten" and e["type"] == "funding"]
    assert baseten and baseten[0]["amount"] == 1.5e9 and baseten[0]["valuation"] == 13e9
    assert baseten[0]["round"] == "series_f" and "Altimeter" in baseten[0]["investors"]
    hynix = [e for e in events if e["company"] == "SK Hynix" and e["type"] == "ipo"]
    assert hynix and hynix[0]["amount"] == 29e9
    assert not [e for e in events if e["type"] == "funding" and e["company"] in ("OpenAI", "Jalapeno")]
