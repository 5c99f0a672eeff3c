"""Each real article corpus in ../shared ingests with one command and no rejects.

The corpora are read at run time and never copied into the project; every test
skips, with the reason, when ../shared/corpora is absent. Expected row counts are
those stated in ../shared/corpora/DATASETS.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest


pytestmark = pytest.mark.shared


@pytest.fixture
def ingest(tmp_path, run_cli, store_rows):
    """``ingest(*args, fresh=True)``: one strict ``hypecycle ingest`` into tmp_path; its JSON summary."""

    def run(*args, fresh: bool = True) -> dict:
        return _ingest(tmp_path, run_cli, store_rows, *args, fresh=fresh)

    return run


def _ingest(tmp_path, run_cli, store_rows, *args, fresh: bool = True) -> dict:
    store = tmp_path / "s.duckdb"
    proc = run_cli("ingest", *args, "--store", store, "--no-extract", "--strict",
                   "--summary-format", "json", "--rejects", tmp_path / "rejects.jsonl")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, (proc.stderr, (tmp_path / "rejects.jsonl").read_text()[:2000])
    summary = json.loads(proc.stdout)
    assert summary["rejected"] == 0
    if fresh:
        assert summary["ingested"] + summary["duplicates"] == summary["read"]
        assert summary["ingested"] == store_rows(store, "SELECT count(*) FROM articles")[0][0]
    summary["store"] = store
    return summary



CASES = {
    # name: (path under corpora, options, records read, first date, last date)
    "reuters-2006": ("reuters-2006-2013/reuters_2006.jsonl.gz", [], 2073,
                     dt.date(2006, 10, 20), dt.date(2006, 12, 31)),
    "wsj-wapo": ("wsj-wapo-1995-2014/usnews.csv", [], 4145, dt.date(1995, 1, 2), dt.date(2014, 12, 31)),
    "nyt": ("nyt-frontpage-1996-2006/NYTimes.csv.gz", ["--encoding", "latin-1"], 3104,
            dt.date(1996, 1, 1), dt.date(2006, 12, 31)),
    "headlines": ("headlines-2025-2026/daily_news_items.csv", ["--text-field", "raw_summary"], 1798,
                  None, None),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_corpus_ingests_without_rejects(name, shared_corpora, ingest, store_rows):
    rel, options, n_read, first, last = CASES[name]
    path = shared_corpora / rel
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    s = ingest(path, *options)
    assert s["read"] == n_read
    assert s["duplicates"] < 0.05 * n_read  # republished copies exist, but few
    if first is not None:
        assert store_rows(s["store"], "SELECT min(date), max(date) FROM articles")[0] == (first, last)
    # no markup and no control characters survive normalisation
    bad = store_rows(s["store"], "SELECT count(*) FROM articles WHERE regexp_matches(text, "
                                 r"'</?(p|div|br|span|a|b|i)\b[^>]*>|[\x00-\x08\x0b\x0c\x0e-\x1f]')")[0][0]
    assert bad == 0


def test_wsj_wapo_uses_the_corpus_ids(shared_corpora, ingest, store_rows):
    path = shared_corpora / "wsj-wapo-1995-2014" / "usnews.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    s = ingest(path)
    with path.open(newline="", encoding="utf-8") as fh:
        own = {row["id"] for row in csv.DictReader(fh)}
    ids = {r[0] for r in store_rows(s["store"], "SELECT id FROM articles")}
    assert len(ids) == s["ingested"] and ids <= own


def test_nyt_without_encoding_rejects_and_says_why(shared_corpora, tmp_path, run_cli):
    path = shared_corpora / "nyt-frontpage-1996-2006" / "NYTimes.csv.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    proc = run_cli("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract",
                   "--summary-format", "json", "--rejects", tmp_path / "r.jsonl")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    s = json.loads(proc.stdout)
    assert s["read"] == 3104 and s["rejected"] > 0
    reasons = [json.loads(ln)["reason"] for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert len(reasons) == s["rejected"] and all("--encoding" in r for r in reasons)


def test_reingesting_a_real_corpus_adds_nothing(shared_corpora, ingest):
    path = shared_corpora / "headlines-2025-2026" / "daily_news_items.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    first = ingest(path, "--text-field", "raw_summary")
    again = ingest(path, "--text-field", "raw_summary", fresh=False)
    assert again["ingested"] == 0 and again["duplicates"] == 0
    assert again["already_stored"] == first["read"]


def test_seed_folder_with_default_date(seed_folder, ingest, store_rows):
    s = ingest(seed_folder, "--default-date", "2026-11-27")
    assert s["read"] == s["ingested"] == len([p for p in seed_folder.iterdir() if p.suffix == ".txt"])
    (row,) = store_rows(s["store"], "SELECT date, length(text), source FROM articles")
    assert row[0] == dt.date(2026, 11, 27) and row[1] > 1000 and row[2] == "seed"
