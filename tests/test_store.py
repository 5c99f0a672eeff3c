"""The store: idempotent writes, duplicates, conflicts, queries and the writer lock."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time

import pytest

from hypecycle.errors import StoreError, StoreLockedError, UsageError
from hypecycle.jobs import ingest_files
from hypecycle.schema import Article, Extraction
from hypecycle.store import Store

LONG = ("Acme Networks said on Tuesday it had raised $40 million in a Series C round led by "
        "Example Ventures, as demand for cloud computing services keeps growing. The company, "
        "founded in 2004, plans to hire 200 engineers and open offices in Europe next year.")


def ingest(paths, store, **kw):
    kw.setdefault("extract", False)
    return ingest_files([str(p) for p in (paths if isinstance(paths, list) else [paths])], store, **kw)


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "news.duckdb"


def test_ingesting_twice_adds_nothing(make_corpus, store_path, store_rows, synthetic_records):
    recs = synthetic_records(300, seed=1, republished=0.1)
    path = make_corpus("s.jsonl", recs)
    first = ingest(path, store_path, batch_size=64)
    assert first.read == len(recs) and first.rejected == 0
    assert first.ingested == 300 and first.duplicates == len(recs) - 300
    before = store_rows(store_path, "SELECT id, content_hash FROM articles ORDER BY id")
    dups_before = store_rows(store_path, "SELECT id, duplicate_of FROM duplicates ORDER BY id")

    second = ingest(path, store_path, batch_size=50)
    assert (second.ingested, second.duplicates, second.rejected) == (0, 0, 0)
    assert second.already_stored == len(recs)
    assert store_rows(store_path, "SELECT id, content_hash FROM articles ORDER BY id") == before
    assert store_rows(store_path, "SELECT id, duplicate_of FROM duplicates ORDER BY id") == dups_before
    assert store_rows(store_path, "SELECT count(*) FROM runs") == [(2,)]


def test_republished_duplicate_stored_once_and_counted(make_corpus, store_path, store_rows):
    recs = [
        {"id": "orig", "date": "2006-10-20", "title": "Acme raises $40 million", "text": LONG,
         "url": "https://wire.example.com/acme"},
        {"id": "copy", "date": "2006-10-21", "title": "ACME RAISES $40M", "text": LONG.upper().replace(",", ""),
         "url": "https://paper.example.org/acme-copy"},
    ]
    summary = ingest(make_corpus("r.jsonl", recs), store_path)
    assert (summary.ingested, summary.duplicates) == (1, 1)
    assert store_rows(store_path, "SELECT id FROM articles") == [("orig",)]
    assert store_rows(store_path, "SELECT id, duplicate_of, url FROM duplicates") == [
        ("copy", "orig", "https://paper.example.org/acme-copy")]
    # a later file carrying another copy: recognised against the stored original
    more = ingest(make_corpus("r2.jsonl", [dict(recs[1], id="copy2", url="https://x.test/c2")]), store_path)
    assert (more.ingested, more.duplicates) == (0, 1)
    assert store_rows(store_path, "SELECT count(*) FROM articles") == [(1,)]


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_duplicates_within_one_file_first_copy_kept(make_corpus, store_path, batch_size, store_rows):
    texts = [LONG, LONG.replace("Acme", "Zeta").replace("$40", "$90"), LONG.replace("Tuesday", "Monday")]
    recs = []
    for i in range(3):  # copies interleaved: B1 A2 C1 A1 B2 ...
        for j, t in enumerate(texts):
            recs.append({"id": f"{'ABC'[j]}{i}", "date": "2006-10-20", "title": f"t{j}{i}",
                         "text": t if i == 0 else t.lower()})
    recs.append(dict(recs[0]))  # the very same record twice
    # B and C differ from A by two words: near-duplicates (test_neardup.py); this test is about exact copies
    summary = ingest(make_corpus("d.jsonl", recs), store_path, batch_size=batch_size, near_threshold=0)
    assert summary.ingested == 3 and summary.duplicates == len(recs) - 3
    assert {r[0] for r in store_rows(store_path, "SELECT id FROM articles")} == {"A0", "B0", "C0"}
    assert set(store_rows(store_path, "SELECT id, duplicate_of FROM duplicates")) == {
        (f"{k}{i}", f"{k}0") for k in "ABC" for i in (1, 2)}


def test_id_conflict_with_different_content_is_rejected(make_corpus, store_path, store_rows):
    a = {"id": "X1", "date": "2006-10-20", "title": "Acme raises money", "text": LONG}
    ingest(make_corpus("a.jsonl", [a]), store_path)
    b = {"id": "X1", "date": "2009-01-01", "title": "Something else entirely", "text": "A different story."}
    summary = ingest(make_corpus("b.jsonl", [b, dict(a)]), store_path)
    assert summary.rejected == 1 and summary.already_stored == 1 and summary.ingested == 0
    assert store_rows(store_path, "SELECT id, title FROM articles") == [("X1", "Acme raises money")]
    (reject,) = store_rows(store_path, "SELECT origin, location, reason FROM rejects")
    assert reject[1] == "id X1" and "different content" in reject[2]


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_id_conflict_within_one_input_is_rejected(make_corpus, store_path, batch_size, store_rows):
    a = {"id": "X1", "date": "2006-10-20", "title": "Acme raises money", "text": LONG}
    b = {"id": "X1", "date": "2009-01-01", "title": "Something else entirely", "text": "A different story."}
    summary = ingest(make_corpus("ab.jsonl", [a, b, dict(a)]), store_path, batch_size=batch_size)
    assert (summary.ingested, summary.rejected, summary.duplicates) == (1, 1, 1)
    assert store_rows(store_path, "SELECT id, title FROM articles") == [("X1", "Acme raises money")]
    assert store_rows(store_path, "SELECT location FROM rejects") == [("id X1",)]


def test_stats(make_corpus, store_path):
    recs = [
        {"id": "1", "date": "2006-10-20", "title": "a", "text": "x1 " + LONG, "source": "wire"},
        {"id": "2", "date": "2006-10-25", "title": "b", "text": "x2 " + LONG, "source": "wire"},
        {"id": "3", "date": "2006-11-02", "title": "c", "text": "x3 " + LONG, "source": "paper"},
        {"id": "4", "date": "2006-11-03", "title": "d", "text": "X1 " + LONG.upper(), "source": "paper"},
        {"id": "5", "date": "garbage", "title": "e", "text": "y"},
    ]
    ingest(make_corpus("s.jsonl", recs), store_path)
    with Store(store_path, read_only=True) as store:
        header, frame = store.stats(by="month")
        q_header, q_frame = store.stats(by="quarter")
    assert header["store"] == str(store_path)
    assert header["articles"] == 3
    assert header["first date"] == dt.date(2006, 10, 20) and header["last date"] == dt.date(2006, 11, 2)
    assert header["sources"] == 2
    assert header["duplicates recognised"] == 1
    assert header["records rejected"] == 1
    assert header["ingestion runs"] == 1
    assert header["articles extracted"] == 0 and header["events"] == 0
    assert list(frame.columns) == ["source", "period", "articles", "duplicates"]
    assert frame.to_dict("records") == [  # every period of the range for each source
        {"source": "paper", "period": "2006-10", "articles": 0, "duplicates": 0},
        {"source": "paper", "period": "2006-11", "articles": 1, "duplicates": 0},
        {"source": "wire", "period": "2006-10", "articles": 2, "duplicates": 1},
        {"source": "wire", "period": "2006-11", "articles": 0, "duplicates": 0},
    ]
    assert q_frame["period"].tolist() == ["2006Q4", "2006Q4"]
    with Store(store_path, read_only=True) as store, pytest.raises(UsageError):
        store.stats(by="fortnight")


def test_term_counts(make_corpus, store_path):
    recs = [
        {"id": "1", "date": "2008-01-10", "title": "Cloud Computing takes off", "text": "a"},
        {"id": "2", "date": "2008-02-10", "title": "t2", "text": "the cloud-computing market grew"},
        {"id": "3", "date": "2008-02-11", "title": "t3", "text": "a cloudy day for computing stocks"},
        {"id": "4", "date": "2008-05-01", "title": "t4", "text": "CLOUD\ncomputing, again; and an IPO."},
        {"id": "5", "date": "2008-05-02", "title": "t5", "text": "ipos and cloudcomputing are not it"},
    ]
    ingest(make_corpus("t.jsonl", recs), store_path)
    with Store(store_path, read_only=True) as store:
        q = store.term_counts(["cloud computing", "IPO"], freq="quarter")
        exact = store.term_counts(["IPO"], freq="quarter", exact=True)
        m = store.term_counts(["cloud computing"], freq="month", since=dt.date(2008, 2, 1))
        with pytest.raises(UsageError):
            store.term_counts([" "])
    assert list(q.columns) == ["period", "term", "docs", "total_docs", "share"]
    got = {(r.period, r.term): (r.docs, r.total_docs) for r in q.itertuples()}
    assert got == {("2008Q1", "cloud computing"): (2, 3), ("2008Q2", "cloud computing"): (1, 2),
                   ("2008Q1", "IPO"): (0, 3), ("2008Q2", "IPO"): (2, 2)}  # "ipos": the plural
    assert exact["docs"].tolist() == [0, 1]
    assert q.loc[q.period.eq("2008Q1") & q.term.eq("cloud computing"), "share"].item() == pytest.approx(2 / 3)
    # every month of the range, with zeros
    assert m[["period", "docs", "total_docs"]].values.tolist() == [
        ["2008-02", 1, 2], ["2008-03", 0, 0], ["2008-04", 0, 0], ["2008-05", 1, 2]]


def test_read_only_open_of_missing_store(tmp_path):
    with pytest.raises(StoreError, match="no such store") as e:
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert "missing.duckdb" in str(e.value) and str(e.value).startswith("[HC200]")
    assert not (tmp_path / "missing.duckdb").exists()


def test_store_path_is_a_folder(tmp_path):
    with pytest.raises(UsageError, match="is a folder"):
        Store(tmp_path)


def test_not_a_store(tmp_path):
    p = tmp_path / "junk.duckdb"
    p.write_bytes(b"this is not a database file at all" * 200)
    with pytest.raises(StoreError):
        Store(p)
    with pytest.raises(StoreError):
        Store(p, read_only=True)


def test_batch_is_atomic(store_path):
    arts = [Article(id=f"a{i}", date=dt.date(2006, 10, 20), title=f"t{i}", text=f"text {i}",
                    content_hash=1000 + i) for i in range(5)]
    bad = Extraction(id="a0", date=dt.date(2006, 10, 20), title="t0",
                     mentions={"cloud": {"cloud computing": "not a number"}})
    with Store(store_path) as store:
        plan = store.plan_batch(arts, {}, {})
        with pytest.raises(ValueError):
            store.write_batch(plan, extractions=[bad], extractor="test")
        assert store.con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        plan = store.plan_batch(arts, {}, {})
        store.write_batch(plan)
        assert store.con.execute("SELECT count(*) FROM articles").fetchone() == (5,)


# ---------------------------------------------------------------------------------------------
# the writer lock, with a real second process
# ---------------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys, time
    from hypecycle.store import Store
    s = Store(sys.argv[1])
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
    s.close()
""")


def hold_store(path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        pytest.fail(f"the lock holder did not start: {proc.stderr.read()}")
    return proc


def test_lock_refuses_a_second_writer_and_wait_retries(store_path):
    Store(store_path).close()
    proc = hold_store(store_path, 2.0)
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreLockedError) as e:
            Store(store_path)
        assert time.monotonic() - t0 < 1.5  # refuses at once without wait
        msg = str(e.value)
        assert msg.startswith("[HC201]") and str(store_path) in msg
        assert "--wait" in msg and "in use" in msg
        assert e.value.exit_code == 5
        with pytest.raises(StoreLockedError):
            Store(store_path, read_only=True)  # a reader cannot share with a writer either
        with Store(store_path, wait=30) as store:  # retries until the holder lets go
            assert store.con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
            assert time.monotonic() - t0 >= 1.5  # it waited for the holder's 2 s
        # the holder releases the lock on close, a moment before its process ends
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait()


def test_wait_gives_up_after_the_deadline(store_path):
    Store(store_path).close()
    proc = hold_store(store_path, 10.0)
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreLockedError):
            Store(store_path, wait=1.0)
        assert 0.9 <= time.monotonic() - t0 < 5
    finally:
        proc.kill()
        proc.wait()
