"""The embedded database: one DuckDB file holding articles and what later stages add.

Why DuckDB: columnar storage with min-max zone maps makes "count this term per month
between two dates" a vectorised scan over only the row groups in range, on both
cores, without re-reading corpus files; one file, no server; ACID transactions, so
each ingestion batch commits atomically and a killed run leaves a consistent store;
and a file lock that makes a second writer fail at once instead of corrupting data.

Tables
------
``articles``      one row per distinct story (id, date, title, text, url, source, content_hash)
``duplicates``    republished copies that were recognised and not stored twice
``rejects``       input records that could not be read, with file, location and reason
``runs``          one row per finished ingestion run, with its counts
``events``, ``mentions``, ``cues``, ``extracted``  written by extraction, with the article
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import (StoreDamagedError, StoreError, StoreLockedError, StoreVersionError, StoreWriteError,
                     UsageError)
from .schema import EVENT_COLUMNS, EVENT_FIELD_NAMES, EVENT_FIELDS, Article, Extraction, Reject

#: The schema this release writes. A store of an older version is migrated in place when it
#: is opened (:data:`MIGRATIONS`), so a new release never needs the corpus re-ingested.
SCHEMA_VERSION = "3"

#: A company name as business news first writes it: capitalised words before a legal form
#: ("Salesforce.com Inc", "Amazon Web Services LLC", "Nokia Oyj"). A documented proxy: it
#: misses names written without their legal form.
COMPANY_PATTERN = (r"((?:[A-Z][A-Za-z0-9&'.\-]*\s){0,3}[A-Z][A-Za-z0-9&'.\-]*),?\s"
                   r"(?:Inc|Corp|Corporation|Co|Ltd|Limited|Plc|PLC|plc|LLC|AG|SA|NV|SE|ASA|AB|Oyj|SpA|GmbH|"
                   r"Holdings|Group)\b")
#: Characters of each article searched for company names (the title and the story's top,
#: where news names the companies it is about).
COMPANY_CHARS = 600


_COMPANIES_DDL = "CREATE TABLE IF NOT EXISTS companies (article_id VARCHAR NOT NULL, date DATE NOT NULL, name VARCHAR NOT NULL)"


def _companies_of(where: str) -> str:
    """SQL selecting the ``companies`` rows of the articles ``where`` holds for: one per
    article and distinct name, in :data:`COMPANY_PATTERN`'s reading of the title and the
    first :data:`COMPANY_CHARS` characters, apart so that no name spans the two (computed
    when an article is stored)."""
    pattern = COMPANY_PATTERN.replace("'", "''")
    return ("SELECT DISTINCT id, date, name FROM (SELECT id, date, unnest(regexp_extract_all(title || ' | ' || "
            f"left(text, {COMPANY_CHARS}), '{pattern}', 1)) AS name FROM articles WHERE {where})")


#: Steps from each older schema version to the next, applied in one transaction; each step
#: can run again without harm (an old export imported into a store of today's tables). Columns
#: added by a step are NULL in the rows written before it: readers treat NULL as "not
#: known" (for example ``mentions.lead`` of articles extracted before version 2, until
#: ``hypecycle extract --store S --redo``), never as zero.
MIGRATIONS: dict[str, list[str]] = {
    "1": [
        "ALTER TABLE mentions ADD COLUMN IF NOT EXISTS lead INTEGER",
        "ALTER TABLE duplicates ADD COLUMN IF NOT EXISTS similarity DOUBLE",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS topics VARCHAR[]",
        "UPDATE duplicates SET similarity = 1.0 WHERE similarity IS NULL",
    ],
    # version 3: the company names of each article's head, read once instead of per query
    "2": [
        _COMPANIES_DDL,
        "DELETE FROM companies",
        "INSERT INTO companies " + _companies_of("true"),
    ],
}

#: SQL type of each kind of :data:`hypecycle.schema.EVENT_FIELDS`.
_SQL_TYPES = {"str": "VARCHAR", "float": "DOUBLE", "int": "BIGINT", "list": "VARCHAR[]"}

_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY, date DATE NOT NULL, title VARCHAR NOT NULL, text VARCHAR NOT NULL,
        url VARCHAR, source VARCHAR, content_hash UBIGINT NOT NULL, origin VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS duplicates (
        id VARCHAR PRIMARY KEY, duplicate_of VARCHAR NOT NULL, date DATE, url VARCHAR,
        source VARCHAR, origin VARCHAR, similarity DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS rejects (
        origin VARCHAR, location VARCHAR, reason VARCHAR, PRIMARY KEY (origin, location))""",
    """CREATE TABLE IF NOT EXISTS runs (
        started TIMESTAMP, finished TIMESTAMP, inputs VARCHAR[], read BIGINT, ingested BIGINT,
        duplicates BIGINT, already_stored BIGINT, rejected BIGINT, seconds DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS extracted (
        article_id VARCHAR PRIMARY KEY, extractor VARCHAR, hype INTEGER, skeptic INTEGER,
        n_events INTEGER, warnings VARCHAR[])""",
    "CREATE TABLE IF NOT EXISTS events (article_id VARCHAR NOT NULL, date DATE NOT NULL, seq INTEGER NOT NULL, "
    + ", ".join(f"{n} {_SQL_TYPES[k]}" + (" NOT NULL" if n == "type" else "") for n, k in EVENT_FIELDS) + ")",
    """CREATE TABLE IF NOT EXISTS mentions (
        article_id VARCHAR NOT NULL, date DATE NOT NULL, topic VARCHAR NOT NULL,
        term VARCHAR NOT NULL, count INTEGER NOT NULL, lead INTEGER)""",
    _COMPANIES_DDL,
]

FREQS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


def _lock_holder(message: str) -> str:
    m = re.search(r"PID (\d+)", message)
    return f" (process {m.group(1)})" if m else ""


@dataclass
class BatchPlan:
    """What one batch of input does to the store, decided before anything is written."""

    new: list[Article]
    duplicates: list[tuple[Article, str]]   # (copy, id of the stored original)
    already_stored: int
    rejects: list[Reject]
    read: int
    #: Similarity of each near-duplicate copy to its original (copy id -> similarity < 1);
    #: copies not listed are exact (similarity 1).
    similarity: dict[str, float] = field(default_factory=dict)


class Store:
    """A hypecycle store: one DuckDB file.

    Parameters
    ----------
    path
        The database file; created on first write.
    read_only
        Open for queries only. Several read-only opens may share a file, but not
        while a writer holds it.
    wait
        Seconds to wait for another process's lock to go before giving up with
        :class:`StoreLockedError`.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float = 0.0,
                 memory_limit: str = "512MB", threads: int = 2):
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{path}: no such store; create it with `hypecycle ingest FILES --store {path}`")
        if self.path.is_dir():
            raise UsageError(f"{path}: is a folder; --store needs a database file name such as news.duckdb")
        self._wait = wait
        self._config = {"threads": threads, "memory_limit": memory_limit}
        self.con = self._connect(read_only=read_only)
        try:
            if not read_only:
                self._ensure_schema()
            else:
                self._check_version()
        except duckdb.Error as e:  # a damaged file can open and fail at its first read
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            raise store_error(self.path, e, "open") from None

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the database file, waiting up to ``wait`` seconds for another process's lock."""
        path = self.path
        deadline = time.monotonic() + max(self._wait, 0.0)
        while True:
            try:
                return duckdb.connect(str(path), read_only=read_only, config=dict(self._config))
            except duckdb.IOException as e:
                msg = str(e)
                if "lock" in msg.lower():
                    if time.monotonic() < deadline:
                        time.sleep(0.5)
                        continue
                    raise StoreLockedError(
                        f"{path}: the store is in use by another hypecycle process{_lock_holder(msg)}; "
                        "wait for it to finish, pass --wait SECONDS, or use another --store") from None
                raise store_error(path, e, "open") from None
            except duckdb.Error as e:
                raise store_error(path, e, "open") from None

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.con.close()
        except duckdb.Error as e:  # closing checkpoints the write-ahead log into the file
            raise store_error(self.path, e, "close") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.close()
        except StoreError:
            if exc is None:
                raise
        if isinstance(exc, duckdb.Error):  # a damaged page met by a query, a refused write
            raise store_error(self.path, exc, "read" if self.read_only else "use") from None

    @contextlib.contextmanager
    def _transaction(self):
        """One transaction; a database error inside it becomes a :class:`StoreError`."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException as e:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed COMMIT has rolled back already
            if isinstance(e, duckdb.Error):
                raise store_error(self.path, e, "write") from None
            raise

    def _ensure_schema(self) -> None:
        got = None
        try:
            got = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            pass
        if got is not None and got[0] != SCHEMA_VERSION:
            self._migrate(got[0])
        for ddl in _DDL:
            self.con.execute(ddl)
        if got is None:
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def _migrate(self, version: str) -> None:
        """Bring a store of an older schema version up to :data:`SCHEMA_VERSION`, atomically."""
        if not can_migrate(version):
            raise StoreVersionError(
                f"{self.path}: store schema version {version} was written by a newer hypecycle than this "
                f"one (which reads up to version {SCHEMA_VERSION}); upgrade hypecycle "
                "(pip install -U hypecycle-news) or use another --store")
        self.con.execute("BEGIN TRANSACTION")
        try:
            while version != SCHEMA_VERSION:
                for sql in MIGRATIONS[version]:
                    self.con.execute(sql)
                version = str(int(version) + 1)
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION])
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            self.con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: could not migrate the store from schema version {version} to "
                             f"{SCHEMA_VERSION}: {str(e).splitlines()[0]}; the store is unchanged") from None

    def _check_version(self) -> None:
        try:
            got = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            raise StoreError(f"{self.path}: not a hypecycle store (no meta table)") from None
        if got is None:
            raise StoreError(f"{self.path}: not a hypecycle store (no schema version)")
        if got[0] == SCHEMA_VERSION:
            return
        if not can_migrate(got[0]):
            raise StoreVersionError(
                f"{self.path}: store schema version {got[0]} was written by a newer hypecycle than this one "
                f"(which reads up to version {SCHEMA_VERSION}); upgrade hypecycle or use another --store")
        # an older store: migrate it once with a writable connection, then read it as asked
        self.con.close()
        try:
            with Store(self.path, wait=self._wait):
                pass
        except StoreLockedError:
            raise
        except StoreError as e:
            raise StoreVersionError(
                f"{self.path}: store schema version {got[0]} needs a one-time migration to version "
                f"{SCHEMA_VERSION}, which needs write access ({e}); copy the store somewhere writable "
                "and open it there once") from None
        self.con = self._connect(read_only=True)

    # -- ingestion ---------------------------------------------------------------------------
    def plan_batch(self, items: Sequence[Article | Reject | tuple[Article, str]], pending_ids: dict[str, int],
                   pending_hashes: dict[int, str], *, run_origin: str = "") -> BatchPlan:
        """Sort a batch into new articles, duplicates, already stored and rejects.

        ``items`` are Rejects and Articles, each Article optionally as ``(article,
        "file:line N")`` so that a reject can name where it came from. ``pending_ids``
        (id -> content hash) and ``pending_hashes`` (content hash -> id) describe
        articles planned in earlier batches and not yet written; they are updated with
        this batch's new articles. Articles already written by this same run
        (``run_origin``) count as repeats of the input, whatever the batch size. The
        first copy of a story in input order is the one kept.
        """
        pairs = [(x, x.source) if isinstance(x, Article) else x for x in items if not isinstance(x, Reject)]
        rejects = [r for r in items if isinstance(r, Reject)]
        ids = list({a.id for a, _ in pairs})
        hashes = list({a.content_hash for a, _ in pairs})
        stored_ids: dict[str, tuple[int, str]] = {}
        dup_ids: set[str] = set()
        stored_hashes: dict[int, str] = {}
        if ids:
            stored_ids = {i: (h, o) for i, h, o in self.con.execute(
                "SELECT id, content_hash, origin FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [ids]).fetchall()}
            dup_ids = {r[0] for r in self.con.execute(
                "SELECT id FROM duplicates WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()}
            stored_hashes = {h: i for h, i in self.con.execute(
                "SELECT content_hash, min(id) FROM articles "
                "WHERE content_hash IN (SELECT unnest(?::UBIGINT[])) GROUP BY content_hash",
                [hashes]).fetchall()}
        new: list[Article] = []
        dups: list[tuple[Article, str]] = []
        already = 0
        for a, where in pairs:
            in_run = pending_ids.get(a.id)
            if in_run is None and a.id in stored_ids and run_origin and stored_ids[a.id][1] == run_origin:
                in_run = stored_ids[a.id][0]
            if in_run is not None:
                if in_run == a.content_hash:
                    dups.append((a, a.id))  # the same record twice in this run's input
                else:
                    rejects.append(Reject(where, f"id {a.id}", "id already used by another record of "
                                          "this input with different content; give --id-field for a "
                                          "unique field"))
                continue
            if a.id in stored_ids:
                if stored_ids[a.id][0] == a.content_hash:
                    already += 1
                else:
                    rejects.append(Reject(where, f"id {a.id}", "id already stored with different "
                                          "content; give --id-field for a unique field or ingest into "
                                          "another store"))
                continue
            if a.id in dup_ids:
                already += 1
                continue
            original = stored_hashes.get(a.content_hash) or pending_hashes.get(a.content_hash)
            if original is not None:
                dups.append((a, original))
                continue
            new.append(a)
            pending_ids[a.id] = a.content_hash
            pending_hashes[a.content_hash] = a.id
        return BatchPlan(new=new, duplicates=dups, already_stored=already, rejects=rejects,
                         read=len(items))

    def write_batch(self, plan: BatchPlan, *, origin: str = "",
                    extractions: Sequence[Extraction] | None = None, extractor: str = "") -> None:
        """Write one planned batch, and its extractions, in a single transaction."""
        new, dups = plan.new, [(a, o) for a, o in plan.duplicates if a.id != o]
        with self._transaction():
            self._insert("articles", {
                "id": [a.id for a in new], "date": [a.date for a in new],
                "title": [a.title for a in new], "text": [a.text for a in new],
                "url": [a.url for a in new], "source": [a.source for a in new],
                "content_hash": [a.content_hash for a in new], "origin": [origin] * len(new)})
            if new:
                self.con.execute("INSERT INTO companies " + _companies_of(
                    "id IN (SELECT unnest(?::VARCHAR[]))"), [[a.id for a in new]])
            self._insert("duplicates", {
                "id": [a.id for a, _ in dups], "duplicate_of": [o for _, o in dups],
                "date": [a.date for a, _ in dups], "url": [a.url for a, _ in dups],
                "source": [a.source for a, _ in dups], "origin": [origin] * len(dups),
                "similarity": [plan.similarity.get(a.id, 1.0) for a, _ in dups]}, or_ignore=True)
            self._insert("rejects", {
                "origin": [r.source for r in plan.rejects], "location": [r.location for r in plan.rejects],
                "reason": [r.reason for r in plan.rejects]}, or_ignore=True)
            if extractions:
                self._write_extractions(extractions, extractor)

    def _insert(self, table: str, columns: dict[str, list], *, or_ignore: bool = False,
                replace: bool = False) -> None:
        """Insert columns (all of the table's, in order) through one Arrow batch."""
        import pyarrow as pa

        if not next(iter(columns.values())):
            return
        tbl = pa.Table.from_pydict(columns, schema=_arrow_schema(table))
        self.con.register("_rows", tbl)
        try:
            verb = "INSERT OR REPLACE" if replace else ("INSERT OR IGNORE" if or_ignore else "INSERT")
            self.con.execute(f"{verb} INTO {table} SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    def _write_extractions(self, extractions: Sequence[Extraction], extractor: str) -> None:
        ev: dict[str, list] = {k: [] for k in _arrow_schema("events").names}
        mn: dict[str, list] = {k: [] for k in _arrow_schema("mentions").names}
        for x in extractions:
            for seq, e in enumerate(x.events):
                ev["article_id"].append(x.id)
                ev["date"].append(x.date)
                ev["seq"].append(seq)
                for k in _EVENT_FIELDS:
                    v = getattr(e, k)
                    ev[k].append(list(v) if k in ("investors", "topics") else v)
            for topic, terms in x.mentions.items():
                lead = x.lead.get(topic, {})
                for term, n in terms.items():
                    mn["article_id"].append(x.id)
                    mn["date"].append(x.date)
                    mn["topic"].append(topic)
                    mn["term"].append(term)
                    mn["count"].append(int(n))
                    mn["lead"].append(int(lead.get(term, 0)))
        self._insert("events", ev)
        self._insert("mentions", mn)
        self._insert("extracted", {
            "article_id": [x.id for x in extractions],
            "extractor": [extractor] * len(extractions),
            "hype": [int(x.cues.get("hype", 0)) for x in extractions],
            "skeptic": [int(x.cues.get("skeptic", 0)) for x in extractions],
            "n_events": [len(x.events) for x in extractions],
            "warnings": [list(x.warnings) for x in extractions]}, replace=True)

    def replace_extractions(self, extractions: Sequence[Extraction], extractor: str) -> None:
        """Replace the stored extraction of these articles (re-extraction), atomically."""
        ids = [x.id for x in extractions]
        with self._transaction():
            for table in ("events", "mentions"):
                self.con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            self._write_extractions(extractions, extractor)

    def record_run(self, started: dt.datetime, inputs: Iterable[str], counts: dict[str, int],
                   seconds: float) -> None:
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [started, dt.datetime.now(), list(inputs), counts["read"], counts["ingested"],
             counts["duplicates"], counts["already_stored"], counts["rejected"], seconds])

    # -- queries -----------------------------------------------------------------------------
    def iter_articles(self, *, since: dt.date | None = None, until: dt.date | None = None,
                      ids: Sequence[str] | None = None, not_extracted: bool = False,
                      batch_size: int = 1000):
        """Yield stored Articles in (date, id) order, streaming in batches."""
        where, params = _date_where(since, until)
        if ids is not None:
            where.append("id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(ids))
        if not_extracted:
            where.append("id NOT IN (SELECT article_id FROM extracted)")
        sql = ("SELECT id, date, title, text, url, source, content_hash FROM articles"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY date, id")
        cur = self.con.cursor()
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(batch_size)
            if not rows:
                break
            for r in rows:
                yield Article(*r)
        cur.close()

    def stats(self, *, by: str = "month"):
        """Describe the store: a dict of headline figures and a tidy frame of
        articles per ``source`` and ``period``."""
        freq = _freq(by)
        c = self.con
        n, first, last, sources = c.execute(
            "SELECT count(*), min(date), max(date), count(DISTINCT source) FROM articles").fetchone()
        header = {
            "store": str(self.path),
            "articles": n,
            "first date": first,
            "last date": last,
            "sources": sources,
            "duplicates recognised": c.execute("SELECT count(*) FROM duplicates").fetchone()[0],
            "of them near-duplicates": c.execute(
                "SELECT count(*) FROM duplicates WHERE similarity < 1").fetchone()[0],
            "records rejected": c.execute("SELECT count(*) FROM rejects").fetchone()[0],
            "ingestion runs": c.execute("SELECT count(*) FROM runs").fetchone()[0],
            "articles extracted": c.execute("SELECT count(*) FROM extracted").fetchone()[0],
            "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
        }
        frame = c.execute(f"""
            WITH a AS (SELECT source, date_trunc('{freq}', date) AS p, count(*) AS n
                       FROM articles GROUP BY ALL),
                 d AS (SELECT ar.source, date_trunc('{freq}', ar.date) AS p, count(*) AS n
                       FROM duplicates du JOIN articles ar ON du.duplicate_of = ar.id GROUP BY ALL)
            SELECT a.source, {_period_label('a.p', freq)} AS period, a.n AS articles,
                   coalesce(d.n, 0) AS duplicates
            FROM a LEFT JOIN d USING (source, p) ORDER BY a.source, a.p""").df()
        # every period of the range for every source, zeros where it has no article
        frame = self._complete_periods(frame, freq, None, None, keys=("source",))
        return header, frame

    def events(self, *, types: Sequence[str] | None = None, since: dt.date | None = None,
               until: dt.date | None = None, company: str | None = None):
        """The stored events as a tidy frame (columns of :data:`hypecycle.schema.EVENT_COLUMNS`;
        ``investors`` and ``topics`` are lists, as in the extraction JSON Schema)."""
        where, params = _date_where(since, until, "e.date")
        if types:
            where.append("e.type IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(types))
        if company:
            where.append("(e.company ILIKE ? OR e.acquirer ILIKE ?)")
            params += [f"%{company}%", f"%{company}%"]
        cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        sql = (f"SELECT {cols} FROM events e"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.date, e.article_id, e.seq")
        frame = self.con.execute(sql, params).df()
        frame["investors"] = frame["investors"].map(lambda v: [] if v is None else list(v)).astype(object)
        # NULL topics: extracted before schema version 2 (unknown, not "none")
        frame["topics"] = frame["topics"].map(lambda v: None if v is None else list(v)).astype(object)
        return frame

    def term_counts(self, terms: Sequence[str], *, freq: str = "quarter", since: dt.date | None = None,
                    until: dt.date | None = None, exact: bool = False):
        """Articles mentioning each ad-hoc term per period, read from the stored text.

        Matching is case-insensitive on whole words, a space in a term also
        matches a hyphen or a line break ("cloud computing" finds "cloud-computing"),
        and, unless ``exact``, the term's last word matches its regular inflections
        ("data center" finds "data centers"; :func:`term_pattern`).
        Returns a tidy frame: ``period, term, docs, total_docs, share``, with every period
        from ``since`` (default: the first article) to ``until`` (default: the last), zeros
        where a period has no article.
        """
        import pandas as pd

        freq = _freq(freq)
        terms = [t.strip() for t in terms if t and t.strip()]
        if not terms:
            raise UsageError("no term given; pass --term TEXT (repeatable)")
        where, params = _date_where(since, until)
        cols = ", ".join(f"count(*) FILTER (WHERE regexp_matches(title || ' ' || text, ?)) AS t{i}"
                         for i in range(len(terms)))
        sql = (f"SELECT {_period_label('date_trunc(' + repr(freq) + ', date)', freq)} AS period, "
               f"count(*) AS total_docs, {cols} FROM articles"
               + (" WHERE " + " AND ".join(where) if where else "") + " GROUP BY 1 ORDER BY 1")
        wide = self.con.execute(sql, [term_pattern(t, exact=exact) for t in terms] + params).df()
        wide = self._complete_periods(wide, freq, since, until)
        frames = []
        for i, term in enumerate(terms):
            f = pd.DataFrame({"period": wide["period"], "term": term,
                              "docs": wide[f"t{i}"].astype("int64"),
                              "total_docs": wide["total_docs"].astype("int64")})
            frames.append(f)
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["period", "term", "docs", "total_docs"])
        out["share"] = (out["docs"] / out["total_docs"].where(out["total_docs"] > 0)).round(6).fillna(0.0)
        return out

    def _complete_periods(self, wide, freq: str, since: dt.date | None, until: dt.date | None,
                          keys: Sequence[str] = ()):
        """Lay a frame with a ``period`` label column (and optional ``keys`` columns) on every
        period from ``since`` (default: the first article) to ``until`` (default: the last),
        zeros in the count columns of the periods it lacks."""
        import pandas as pd

        from . import periods

        if freq not in periods.FREQS:
            return wide
        first, last = self.con.execute("SELECT min(date), max(date) FROM articles").fetchone()
        start, end = since or first, until or last
        if start is None or end is None or start > end:
            return wide
        labels = periods.labels(periods.period_axis(start, end, freq))
        if keys:
            groups = wide[list(keys)].drop_duplicates()
            full = groups.merge(pd.DataFrame({"period": labels}), how="cross")
            index = list(keys) + ["period"]
        else:
            full = pd.DataFrame({"period": labels})
            index = ["period"]
        out = full.merge(wide, on=index, how="left")
        for c in out.columns:
            if c not in index and pd.api.types.is_numeric_dtype(wide[c]):
                out[c] = out[c].fillna(0).astype("int64")
        return out

    def candidate_term_counts(self, *, freq: str = "month", since: dt.date | None = None,
                              until: dt.date | None = None, min_docs: int = 5,
                              stop_words: Sequence[str] = (), lead_chars: int = 600,
                              context_words: Sequence[str] = ()):
        """Document counts of every unigram and bigram per period, for burst detection.

        Reads each article's title and the first ``lead_chars`` characters of its text
        (where news states what is new). Returns a tidy frame ``period, term, docs,
        total_docs, context_docs`` holding the terms found in at least ``min_docs`` articles
        of some period; ``context_docs`` counts those of the term's articles whose title and
        lead hold one of ``context_words`` (e.g. technology words).
        """
        freq = _freq(freq)
        where, params = _date_where(since, until)
        where_sql = (" WHERE " + " AND ".join(where)) if where else ""
        sql = f"""
        WITH docs AS (
            SELECT id, date_trunc('{freq}', date) AS period,
                   regexp_extract_all(
                       regexp_replace(lower(title || ' ' || left(text, {int(lead_chars)})), '[''’]s\\b', '', 'g'),
                       '[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*') AS toks
            FROM articles{where_sql}),
        ctx AS (SELECT ?::VARCHAR[] AS words),
        flagged AS (SELECT id, period, len(list_intersect(toks, (SELECT words FROM ctx))) > 0 AS in_context
                    FROM docs),
        stop AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS w),
        pairs AS (
            SELECT id, period, p[1] AS w1, p[2] AS w2
            FROM (SELECT id, period, unnest(list_zip(toks[1:-2], toks[2:])) AS p FROM docs)),
        grams AS (
            SELECT id, period, w AS term FROM (SELECT id, period, unnest(toks) AS w FROM docs)
            WHERE length(w) > 2 AND w NOT IN (SELECT w FROM stop)
            UNION ALL
            SELECT id, period, w1 || ' ' || w2 FROM pairs
            WHERE length(w1) > 1 AND length(w2) > 1
              AND w1 NOT IN (SELECT w FROM stop) AND w2 NOT IN (SELECT w FROM stop)),
        counts AS (SELECT g.period, g.term, count(DISTINCT g.id) AS docs,
                          count(DISTINCT g.id) FILTER (WHERE f.in_context) AS context_docs
                   FROM grams g JOIN flagged f USING (id) GROUP BY ALL),
        totals AS (SELECT period, count(*) AS total_docs FROM docs GROUP BY ALL),
        frequent AS (SELECT term FROM counts GROUP BY term HAVING max(docs) >= ?)
        SELECT c.period, c.term, c.docs, t.total_docs, c.context_docs FROM counts c
        JOIN frequent USING (term) JOIN totals t USING (period)
        ORDER BY c.term, c.period"""
        frame = self.con.execute(sql, params + [list(context_words), list(stop_words), int(min_docs)]).df()
        totals = self.con.execute(
            f"SELECT date_trunc('{freq}', date) AS period, count(*) AS total_docs FROM articles"
            f"{where_sql} GROUP BY ALL ORDER BY 1", params).df()
        return frame, totals


_REFUSED = ("no space left", "file too large", "disk quota", "read-only file system", "permission denied",
            "could not write", "could not truncate", "could not fsync")
_DAMAGED = ("not a valid duckdb database", "could not read enough bytes", "corrupt", "checksum",
            "serializ", "invalid block", "failed to load metadata", "malformed")


def store_error(path: str | Path, error: BaseException, action: str) -> StoreError:
    """A one-line :class:`StoreError` naming the file, for a database error met while
    ``action`` ("open", "read", "write", "use", "close")."""
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    low = reason.lower()
    if any(k in low for k in _REFUSED):
        if action == "write":
            return StoreWriteError(
                f"{path}: the file system refused a write ({reason}); the disk is full or the store is not "
                "writable. The batch was rolled back, so the store holds what it held before it; free some "
                "space or fix the permissions and rerun the same command (it adds exactly what is missing)")
        return StoreWriteError(
            f"{path}: the file system refused a write while the store was {_VERB[action]} ({reason}); "
            f"{store_advice(reason, False)}; batches already committed are kept (in the file or its .wal log)")
    if any(k in low for k in _DAMAGED):
        return StoreDamagedError(
            f"{path}: the store file is damaged (truncated or overwritten): {reason}; it cannot be read. "
            "Restore it from a backup or a Parquet export (`hypecycle import DIR --store NEW`), "
            "or ingest the corpus again into a new --store")
    if action == "open":
        return StoreError(f"{path}: cannot open the store: {reason}; {store_advice(reason, False)}")
    return StoreError(f"{path}: the database failed while the store was {_VERB[action]}: {reason}; "
                      f"{store_advice(reason, action == 'read')}")


_VERB = {"open": "opened", "read": "read", "write": "written", "use": "in use", "close": "closed"}


def store_advice(message: str, read_only: bool) -> str:
    """What to do about a database error, told from its message."""
    m = message.lower()
    if "read-only file system" in m:
        return ("its folder is on a read-only file system: give --store a file on a writable disk "
                "(copy the store there first to add to it); commands that only read a store work as they are")
    if "permission denied" in m:
        return ("no permission to " + ("read" if read_only else "write") + " it: fix the permissions of the "
                "file and its folder, or give --store a file in a folder you can write")
    if "no such file" in m:
        return "its folder does not exist: create it, or give --store a file in an existing folder"
    if "no space" in m or "disk full" in m or "out of memory" in m:
        return "the disk (or memory) is full: free some space, or give --store a file on another disk"
    return "check that the path names a hypecycle store (a DuckDB file) you can write, or give another --store"


def can_migrate(version: str) -> bool:
    """Whether a stored schema version is one this release knows how to migrate from."""
    return version in MIGRATIONS


def _period_label(expr: str, freq: str) -> str:
    """SQL turning a truncated date into its label: 2008-03, 2008Q1, 2008 or 2008-03-17."""
    if freq == "quarter":
        return f"(year({expr})::VARCHAR || 'Q' || quarter({expr})::VARCHAR)"
    fmt = {"month": "%Y-%m", "year": "%Y"}.get(freq, "%Y-%m-%d")
    return f"strftime({expr}, '{fmt}')"


def _freq(value: str) -> str:
    if value not in FREQS:
        raise UsageError(f"unknown period {value!r}; expected one of {', '.join(FREQS)}")
    return FREQS[value]


def term_pattern(term: str, *, exact: bool = False) -> str:
    """An RE2 pattern for a term: case-insensitive, whole words, any space or hyphen between words,
    and (unless ``exact``) the regular inflections of its last word (:mod:`hypecycle.inflections`)."""
    from .inflections import phrase_forms

    alts = []
    for form in phrase_forms(term, exact=exact):
        words = form.split()
        body = r"[\s\-]+".join(re.escape(w) for w in words)
        start = r"\b" if words[0][0].isalnum() else ""
        end = r"\b" if words[-1][-1].isalnum() else ""
        alts.append(f"{start}{body}{end}")
    return "(?i)" + (alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")")


_EVENT_FIELDS = EVENT_FIELD_NAMES


@functools.lru_cache(maxsize=None)
def _arrow_schema(table: str):
    """The Arrow schema matching a table's columns, for bulk inserts."""
    import pyarrow as pa

    s, d, i32, i64, f, ls = pa.string(), pa.date32(), pa.int32(), pa.int64(), pa.float64(), pa.list_(pa.string())
    cols = {
        "articles": [("id", s), ("date", d), ("title", s), ("text", s), ("url", s), ("source", s),
                     ("content_hash", pa.uint64()), ("origin", s)],
        "duplicates": [("id", s), ("duplicate_of", s), ("date", d), ("url", s), ("source", s), ("origin", s),
                       ("similarity", f)],
        "rejects": [("origin", s), ("location", s), ("reason", s)],
        "extracted": [("article_id", s), ("extractor", s), ("hype", i32), ("skeptic", i32),
                      ("n_events", i32), ("warnings", ls)],
        "events": [("article_id", s), ("date", d), ("seq", i32)]
                  + [(n, {"str": s, "float": f, "int": i64, "list": ls}[k]) for n, k in EVENT_FIELDS],
        "mentions": [("article_id", s), ("date", d), ("topic", s), ("term", s), ("count", i32), ("lead", i32)],
    }[table]
    return pa.schema(cols)


def _date_where(since: dt.date | None, until: dt.date | None, column: str = "date"
                ) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(since)
    if until is not None:
        where.append(f"{column} <= ?")
        params.append(until)
    return where, params
