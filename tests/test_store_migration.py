"""A store written by an earlier release opens in this one, migrated in place, with nothing lost."""

from __future__ import annotations

import datetime as dt
import os

import duckdb
import pytest

from hypecycle.errors import StoreVersionError
from hypecycle.store import MIGRATIONS, SCHEMA_VERSION, Store

#: The tables as release 0.1.0 (schema version 1) wrote them.
V1_DDL = [
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE articles (id VARCHAR PRIMARY KEY, date DATE NOT NULL, title VARCHAR NOT NULL,
        text VARCHAR NOT NULL, url VARCHAR, source VARCHAR, content_hash UBIGINT NOT NULL, origin VARCHAR)""",
    """CREATE TABLE duplicates (id VARCHAR PRIMARY KEY, duplicate_of VARCHAR NOT NULL, date DATE, url VARCHAR,
        source VARCHAR, origin VARCHAR)""",
    "CREATE TABLE rejects (origin VARCHAR, location VARCHAR, reason VARCHAR, PRIMARY KEY (origin, location))",
    """CREATE TABLE runs (started TIMESTAMP, finished TIMESTAMP, inputs VARCHAR[], read BIGINT, ingested BIGINT,
        duplicates BIGINT, already_stored BIGINT, rejected BIGINT, seconds DOUBLE)""",
    """CREATE TABLE extracted (article_id VARCHAR PRIMARY KEY, extractor VARCHAR, hype INTEGER, skeptic INTEGER,
        n_events INTEGER, warnings VARCHAR[])""",
    """CREATE TABLE events (article_id VARCHAR NOT NULL, date DATE NOT NULL, seq INTEGER NOT NULL,
        type VARCHAR NOT NULL, company VARCHAR, round VARCHAR, amount DOUBLE, currency VARCHAR, amount_usd DOUBLE,
        valuation DOUBLE, valuation_usd DOUBLE, investors VARCHAR[], acquirer VARCHAR, count BIGINT,
        status VARCHAR, evidence VARCHAR)""",
    """CREATE TABLE mentions (article_id VARCHAR NOT NULL, date DATE NOT NULL, topic VARCHAR NOT NULL,
        term VARCHAR NOT NULL, count INTEGER NOT NULL)""",
]


def _v1_store(path):
    con = duckdb.connect(str(path))
    for ddl in V1_DDL:
        con.execute(ddl)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO articles VALUES ('a1', DATE '2009-05-01', 'Cloud deal', 'Salesforce.com Inc sells cloud computing.', "
                "'', 'test', 42, 'run')")
    con.execute("INSERT INTO duplicates VALUES ('a2', 'a1', DATE '2009-05-02', '', 'test', 'run')")
    con.execute("INSERT INTO extracted VALUES ('a1', 'hypecycle 0.1.0 model=blank', 1, 0, 0, [])")
    con.execute("INSERT INTO mentions VALUES ('a1', DATE '2009-05-01', 'cloud', 'cloud computing', 1)")
    con.close()
    return path


def test_every_older_version_has_a_path_to_the_current_one():
    version = "1"
    while version != SCHEMA_VERSION:
        assert version in MIGRATIONS, f"no migration from schema version {version}"
        version = str(int(version) + 1)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_version_1_store_opens_migrated_with_its_rows(tmp_path, read_only):
    path = _v1_store(tmp_path / "old.duckdb")
    with Store(path, read_only=read_only) as store:
        con = store.con
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("SELECT id, date FROM articles").fetchall() == [("a1", dt.date(2009, 5, 1))]
        # columns added by the migration: unknown (NULL) for what was extracted before, never zero
        assert con.execute("SELECT count, lead FROM mentions").fetchall() == [(1, None)]
        assert con.execute("SELECT similarity FROM duplicates").fetchall() == [(1.0,)]
        # version 3: the companies of each stored article's head, read from its text
        assert con.execute("SELECT article_id, name FROM companies").fetchall() == [("a1", "Salesforce.com")]
    # opening again changes nothing more
    with Store(path) as store:
        assert store.con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
        assert store.con.execute("SELECT count(*) FROM companies").fetchone()[0] == 1


def test_companies_stored_at_ingestion_are_those_a_migration_reads(tmp_path):
    from hypecycle.jobs import ingest_files

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "x", "date": "2010-01-05", "title": "Nokia Oyj and Intel Corp", "text": "Acme Cloud Ltd grew."}\n'
        '{"id": "y", "date": "2010-01-06", "title": "No company", "text": "' + "pad " * 200 + 'Late Corp"}\n')
    path = tmp_path / "s.duckdb"
    ingest_files([corpus], path, extract=False)
    with Store(path) as store:
        stored = sorted(store.con.execute("SELECT article_id, date, name FROM companies").fetchall())
        assert stored == [("x", dt.date(2010, 1, 5), n) for n in ("Acme Cloud", "Intel", "Nokia")]
        store.con.execute("DELETE FROM companies")
        for sql in MIGRATIONS["2"]:
            store.con.execute(sql)
        assert sorted(store.con.execute("SELECT article_id, date, name FROM companies").fetchall()) == stored


def test_a_store_from_a_newer_release_is_refused_with_advice(tmp_path):
    path = _v1_store(tmp_path / "new.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99'")
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreVersionError, match="newer hypecycle"):
            Store(path, read_only=read_only)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes files without permission")
def test_an_old_read_only_store_says_it_needs_one_writable_open(tmp_path):
    path = _v1_store(tmp_path / "ro.duckdb")
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StoreVersionError, match="one-time migration"):
            Store(path, read_only=True)
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)
