"""Near-duplicate stories (a rewritten lead, an appended paragraph) are linked to
their original in `duplicates` with their similarity, not stored twice, and their events are
not counted twice; MinHash + LSH (datasketch) over a window of recent days."""

from __future__ import annotations

import datetime as dt
import json
import random

from hypecycle.jobs import ingest_files
from hypecycle.neardup import THRESHOLD, WINDOW_DAYS, NearDuplicateIndex

WORDS = ("company market shares said profit quarter billion sales analysts expected growth revenue chief "
         "executive plan investors percent year cars trucks plant production union workers output demand "
         "dealers prices costs").split()


def _text(seed: int, n: int = 250) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


FORD = ("Ford Motor Co said on Monday it agreed to buy Acme Inc for $500 million. "
        + _text(1))
RECORDS = [
    {"id": "ford1", "date": "2006-10-23", "title": "Ford to buy Acme", "text": FORD},
    # the update a day later: a new lead word and an appended paragraph
    {"id": "ford2", "date": "2006-10-24", "title": "UPDATE 1-Ford to buy Acme",
     "text": FORD.replace("on Monday", "on Monday, sending its shares up,") + " " + _text(2, 25)},
    {"id": "gm", "date": "2006-10-24", "title": "GM sales", "text": _text(3)},
    # the same text a month later is not an update of this story's day (and not an exact copy)
    {"id": "ford-later", "date": "2006-11-30", "title": "Ford to buy Acme, again",
     "text": FORD.replace("on Monday", "on Thursday")},
]


def _write(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def test_near_duplicate_is_linked_with_its_similarity_and_its_events_count_once(tmp_path, store_rows):
    store = tmp_path / "s.duckdb"
    summary = ingest_files([str(_write(tmp_path / "c.jsonl", RECORDS))], store, n_process=1)
    assert summary.near_duplicates == 1 and summary.ingested == 3
    (dup,) = store_rows(store, "SELECT id, duplicate_of, similarity FROM duplicates")
    assert dup[:2] == ("ford2", "ford1") and THRESHOLD <= dup[2] < 1.0
    assert {r[0] for r in store_rows(store, "SELECT id FROM articles")} == {"ford1", "gm", "ford-later"}
    # the acquisition is stored once (from the original), and again a month later
    assert store_rows(store, "SELECT article_id FROM events WHERE type = 'acquisition' ORDER BY 1") == [
        ("ford-later",), ("ford1",)]
    # rerunning adds nothing and sees the copy as already stored
    again = ingest_files([str(tmp_path / "c.jsonl")], store, n_process=1)
    assert (again.ingested, again.duplicates, again.already_stored) == (0, 0, 4)


def test_signatures_computed_in_a_worker_link_the_same_copies(tmp_path, store_rows):
    """With more than one batch the signatures come from a worker process, one batch ahead:
    the same near copies are linked, with the same similarities, as when one batch is signed here."""
    import random

    rng = random.Random(5)
    records = []
    for i in range(30):
        text = _text(1000 + i)
        records.append({"id": f"s{i}", "date": f"2009-03-{1 + i // 3:02d}", "title": f"Story {i}", "text": text})
        if i % 4 == 0:  # a republished version with its last words changed
            words = text.split()
            words[-5:] = [rng.choice(WORDS) for _ in range(5)]
            records.append({"id": f"s{i}-v2", "date": f"2009-03-{1 + i // 3:02d}", "title": f"Story {i}",
                            "text": " ".join(words)})
    corpus = _write(tmp_path / "many.jsonl", records)
    found = []
    for batch in (1000, 4):  # one batch (signed here), then many (signed in a worker)
        store = tmp_path / f"s{batch}.duckdb"
        summary = ingest_files([str(corpus)], store, extract=False, batch_size=batch)
        assert summary.near_duplicates == 8
        found.append(store_rows(store, "SELECT id, duplicate_of, similarity FROM duplicates ORDER BY id"))
    assert found[0] == found[1] and found[0][0][:2] == ("s0-v2", "s0")


def test_a_later_file_finds_its_original_in_the_store(tmp_path, store_rows):
    store = tmp_path / "s.duckdb"
    ingest_files([str(_write(tmp_path / "a.jsonl", RECORDS[:1]))], store, extract=False)
    summary = ingest_files([str(_write(tmp_path / "b.jsonl", RECORDS[1:3]))], store, extract=False)
    assert summary.near_duplicates == 1
    assert store_rows(store, "SELECT id, duplicate_of FROM duplicates") == [("ford2", "ford1")]


def test_threshold_zero_turns_it_off(tmp_path, store_rows):
    store = tmp_path / "s.duckdb"
    summary = ingest_files([str(_write(tmp_path / "c.jsonl", RECORDS))], store, extract=False, near_threshold=0)
    assert summary.near_duplicates == 0 and summary.ingested == 4


def test_the_index_keeps_only_recent_days():
    idx = NearDuplicateIndex()
    start = dt.date(2008, 1, 1)
    for i in range(200):
        d = start + dt.timedelta(days=i // 5)
        _, _, sig = idx.find(d, "t", _text(100 + i))
        idx.add(f"a{i}", d, sig)
    assert len(idx) <= 5 * (WINDOW_DAYS + 1)  # bounded by the window, not the corpus


def test_the_index_stays_bounded_whatever_the_order_of_dates():
    """Stories in shuffled date order (an archive read out of order) leave the window too, and
    a window crowded with stories holds no more than ``max_stories``."""
    import random

    rng = random.Random(3)
    days = [dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(3000)) for _ in range(300)]
    idx = NearDuplicateIndex()
    for i, d in enumerate(days):
        _, _, sig = idx.find(d, "t", _text(100 + i))
        idx.add(f"a{i}", d, sig)
    latest = max(days)
    assert len(idx) == sum(1 for d in days if (latest - d).days <= WINDOW_DAYS) < 10
    crowded = NearDuplicateIndex(max_stories=50)
    for i in range(120):
        _, _, sig = crowded.find(dt.date(2008, 1, 1), "t", _text(100 + i))
        crowded.add(f"b{i}", dt.date(2008, 1, 1), sig)
    assert len(crowded) == 50 and "b119" in crowded and "b0" not in crowded


def test_short_stories_are_never_called_near_duplicates():
    idx = NearDuplicateIndex()
    _, _, sig = idx.find(dt.date(2008, 1, 1), "Stocks rise", "Stocks rose on Monday.")
    assert sig is None
    idx.add("x", dt.date(2008, 1, 1), sig)
    assert idx.find(dt.date(2008, 1, 1), "Stocks rise", "Stocks rose on Monday.")[0] is None


def test_cli_reports_near_duplicates(tmp_path, run_cli):
    store = tmp_path / "s.duckdb"
    proc = run_cli("ingest", _write(tmp_path / "c.jsonl", RECORDS), "--store", store, "--no-extract",
                   "--summary-format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["near_duplicates"] == 1
    stats = json.loads(run_cli("stats", "--store", store, "--format", "json").stdout)
    assert stats["of_them_near-duplicates"] == 1 and stats["duplicates_recognised"] == 1
    bad = run_cli("ingest", tmp_path / "c.jsonl", "--store", store, "--near-threshold", "2")
    assert bad.returncode == 2 and "[HC001]" in bad.stderr
