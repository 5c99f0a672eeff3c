"""The read API of a store: what had been published by a date, per article and per period.

Every later stage (trajectories, comparison, the classifier, the report, backtests) reads
the store through these functions and nothing else, so that "as of a date" means one
thing everywhere: **only articles dated on or before ``until`` are read**. Each function
takes an open :class:`~hypecycle.store.Store` and returns a tidy pandas frame with fixed
columns (documented per function); none writes.

Per-period outputs are laid on :func:`hypecycle.periods.period_axis`, complete and
zero-filled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from . import periods
from .errors import UsageError
from .store import COMPANY_PATTERN, Store

#: Columns of :func:`topic_articles` (and of the ad-hoc terms scan, which returns the same).
ARTICLE_COLUMNS = ("article_id", "date", "mentions", "lead", "hype", "skeptic")
#: Columns of :func:`period_totals`.
TOTAL_COLUMNS = ("period", "articles", "extracted", "hype_articles", "skeptic_articles")
#: Columns of :func:`topic_days` and :func:`days_of`: a topic's articles summed per day.
DAY_COLUMNS = ("date", "articles", "mentions", "lead_known", "lead_articles", "peripheral_articles",
               "hype_articles", "skeptic_articles")


def _until_clause(until: dt.date | None, column: str = "date") -> tuple[str, list]:
    if until is None:
        return "", []
    return f" AND {column} <= ?", [until]


def date_range(store: Store, *, until: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """First and last article date in the store (as of ``until``); ``(None, None)`` when empty."""
    clause, params = _until_clause(until)
    first, last = store.con.execute(f"SELECT min(date), max(date) FROM articles WHERE true{clause}",
                                    params).fetchone()
    return first, last


def stored_topics(store: Store) -> list[str]:
    """The topics the store holds mentions of (every lexicon its extraction used)."""
    return [r[0] for r in store.con.execute("SELECT DISTINCT topic FROM mentions ORDER BY 1").fetchall()]


def period_totals(store: Store, axis: pd.PeriodIndex, *, until: dt.date | None = None) -> pd.DataFrame:
    """All articles per period, and the corpus-wide cue baseline.

    Columns: ``period`` (Period), ``articles`` (all stored articles), ``extracted``
    (articles with an extraction), ``hype_articles`` and ``skeptic_articles``
    (extracted articles holding at least one hype or sceptic cue).
    """
    freq = _axis_freq(axis)
    start, end = periods.bounds(axis[0])[0], periods.bounds(axis[-1])[1]
    if until is not None:
        end = min(end, until)
    label = periods.sql_label("a.date", freq)
    frame = store.con.execute(f"""
        SELECT {label} AS period, count(*) AS articles, count(x.article_id) AS extracted,
               count(*) FILTER (WHERE x.hype > 0) AS hype_articles,
               count(*) FILTER (WHERE x.skeptic > 0) AS skeptic_articles
        FROM articles a LEFT JOIN extracted x ON x.article_id = a.id
        WHERE a.date BETWEEN ? AND ? GROUP BY 1""", [start, end]).df()
    return periods.reindex(frame, axis)


def _topic_mentions_sql(since: dt.date | None, until: dt.date | None) -> tuple[str, list]:
    """SQL of a stored topic's articles with their ``mentions`` and ``lead`` (``NULL`` when
    any of its mention rows predates schema version 2); its first parameter is the topic."""
    clause, params = _until_clause(until, "m.date")
    if since is not None:
        clause += " AND m.date >= ?"
        params.append(since)
    return f"""
        SELECT m.article_id, m.date, sum(m.count)::BIGINT AS mentions,
               CASE WHEN count(m.lead) = count(*) THEN sum(m.lead)::BIGINT END AS lead
        FROM mentions m WHERE m.topic = ?{clause}
        GROUP BY m.article_id, m.date""", params


def _topic_articles_sql(since: dt.date | None, until: dt.date | None) -> tuple[str, list]:
    """SQL of a stored topic's article-level rows (:data:`ARTICLE_COLUMNS`); its first
    parameter is the topic."""
    sql, params = _topic_mentions_sql(since, until)
    return f"""
        SELECT t.article_id, t.date, t.mentions, t.lead,
               coalesce(x.hype, 0)::BIGINT AS hype, coalesce(x.skeptic, 0)::BIGINT AS skeptic
        FROM ({sql}) t LEFT JOIN extracted x ON x.article_id = t.article_id""", params


def topic_articles(store: Store, topic: str, *, until: dt.date | None = None,
                   since: dt.date | None = None) -> pd.DataFrame:
    """The articles that mention a stored topic, one row each, in date order (those dated
    from ``since`` to ``until`` when given).

    Columns (:data:`ARTICLE_COLUMNS`): ``article_id``, ``date``, ``mentions`` (the topic's
    matches in title and text), ``lead`` (those in the title and lead; ``<NA>`` when the
    article was extracted before schema version 2), ``hype`` and ``skeptic`` (cue counts of
    the whole article).
    """
    sql, params = _topic_articles_sql(since, until)
    frame = store.con.execute(f"{sql} ORDER BY t.date, t.article_id", [topic, *params]).df()
    return _typed_articles(frame)


def topic_days(store: Store, topic: str, *, until: dt.date | None = None) -> pd.DataFrame:
    """A stored topic's articles summed per day (:data:`DAY_COLUMNS`), computed in the
    database so that a topic of millions of articles reads as a few thousand rows; equal to
    :func:`days_of` over :func:`topic_articles`.

    ``lead_known`` counts the articles whose ``lead`` is known (extracted at schema version
    2 or later), ``lead_articles`` those with ``lead > 0``, ``peripheral_articles`` those
    with ``lead == 0`` and one mention; ``hype_articles`` and ``skeptic_articles`` those
    with at least one cue.
    """
    sql, params = _topic_articles_sql(None, until)
    frame = store.con.execute(f"""
        SELECT date, count(*) AS articles, sum(mentions)::BIGINT AS mentions, count(lead) AS lead_known,
               count(*) FILTER (WHERE lead > 0) AS lead_articles,
               count(*) FILTER (WHERE lead = 0 AND mentions = 1) AS peripheral_articles,
               count(*) FILTER (WHERE hype > 0) AS hype_articles,
               count(*) FILTER (WHERE skeptic > 0) AS skeptic_articles
        FROM ({sql}) GROUP BY date ORDER BY date""", [topic, *params]).df()
    return _typed_days(frame)


def days_of(articles: pd.DataFrame) -> pd.DataFrame:
    """An article-level frame (:data:`ARTICLE_COLUMNS`) summed per day (:data:`DAY_COLUMNS`,
    as :func:`topic_days` computes them in the database)."""
    a = articles
    lead = a["lead"]
    known = lead.notna()
    flags = pd.DataFrame({
        "date": a["date"], "articles": 1, "mentions": a["mentions"], "lead_known": known,
        "lead_articles": known & (lead.fillna(0) > 0),
        "peripheral_articles": known & (lead.fillna(-1) == 0) & (a["mentions"] == 1),
        "hype_articles": a["hype"] > 0, "skeptic_articles": a["skeptic"] > 0})
    frame = flags.groupby("date", sort=True).sum().reset_index() if len(flags) else flags
    return _typed_days(frame)


def _typed_days(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=list(DAY_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    for col in DAY_COLUMNS[1:]:
        frame[col] = frame[col].fillna(0).astype("int64")
    return frame.reset_index(drop=True)


def _typed_articles(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=list(ARTICLE_COLUMNS))
    frame["article_id"] = frame["article_id"].astype(str)
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    for col in ("mentions", "hype", "skeptic"):
        frame[col] = frame[col].fillna(0).astype("int64")
    frame["lead"] = frame["lead"].astype("Int64")
    return frame.reset_index(drop=True)


def articles_frame(rows: Sequence[tuple], ) -> pd.DataFrame:
    """An article-level frame (:data:`ARTICLE_COLUMNS`) from rows computed elsewhere
    (the ad-hoc terms scan)."""
    return _typed_articles(pd.DataFrame(list(rows), columns=list(ARTICLE_COLUMNS)))


def candidate_texts(store: Store, pattern: str, *, until: dt.date | None = None):
    """Articles whose title or text matches an RE2 ``pattern`` (a cheap prefilter), with their
    cue counts: an iterator of ``(id, date, title, text, hype, skeptic)`` in date order."""
    clause, params = _until_clause(until, "a.date")
    cur = store.con.cursor()
    cur.execute(f"""
        WITH hits AS (SELECT id FROM articles a WHERE regexp_matches(a.title || ' ' || a.text, ?){clause})
        SELECT a.id, a.date, a.title, a.text, coalesce(x.hype, 0), coalesce(x.skeptic, 0)
        FROM articles a JOIN hits USING (id) LEFT JOIN extracted x ON x.article_id = a.id
        ORDER BY a.date, a.id""", [pattern, *params])
    try:
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                break
            yield from rows
    finally:
        cur.close()


def phrase_pattern(phrase_runs: Sequence[Sequence[str]]) -> str:
    """An RE2 pattern true, whatever the case, wherever one of the phrases' runs (letter or
    digit runs, :attr:`hypecycle.extract.topics.TopicMatcher.phrase_runs`) stands in order with
    only non-alphanumeric characters between them: a prefilter (a superset) for a matcher
    whose every match shows one such sequence."""
    alts = []
    for runs in sorted({tuple(r) for r in phrase_runs if r}):
        # No run-boundary guards and no (?i) flag: both make DuckDB's RE2 scan several times
        # slower; letters are matched as [xX] classes, and the matcher that follows is exact.
        alts.append(r"[\W_]*".join(_any_case(r) for r in runs))
    if not alts:
        raise UsageError("no term to search for")
    return "|".join(alts)


def _any_case(run: str) -> str:
    out = []
    for ch in run:
        up, low = ch.upper(), ch.lower()
        if len(up) == 1 and len(low) == 1 and up != low:
            out.append(f"[{re.escape(low)}{re.escape(up)}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


#: Event columns read by :func:`topic_events`.
EVENT_READ_COLUMNS = ("article_id", "date", "seq", "type", "company", "round", "amount_usd", "valuation_usd",
                      "investors", "acquirer", "count", "status", "evidence", "topics", "title")


def events_of(store: Store, article_ids: Sequence[str], *, until: dt.date | None = None) -> pd.DataFrame:
    """The stored events of the given articles (columns :data:`EVENT_READ_COLUMNS`;
    ``topics`` are those named in the evidence sentence, ``None`` when unknown; ``title`` is
    the article's title)."""
    clause, params = _until_clause(until, "e.date")
    return _events_frame(store, f"""
        SELECT e.article_id, e.date, e.seq, e.type, e.company, e.round, e.amount_usd, e.valuation_usd,
               e.investors, e.acquirer, e.count, e.status, e.evidence, e.topics, a.title
        FROM events e JOIN articles a ON a.id = e.article_id
        WHERE e.article_id IN (SELECT unnest(?::VARCHAR[])){clause}
        ORDER BY e.date, e.article_id, e.seq""", [list(article_ids), *params])


#: Columns of :func:`topic_events`: those of :func:`events_of` but the texts (evidence
#: sentence, title), which :func:`event_texts` reads for the few events shown.
TOPIC_EVENT_COLUMNS = tuple(c for c in EVENT_READ_COLUMNS if c not in ("evidence", "title"))


def topic_events(store: Store, topic: str, *, often: int, until: dt.date | None = None) -> tuple[pd.DataFrame, int]:
    """The stored events that count for a stored topic (the rule of
    :func:`hypecycle.trajectories.attribute`, applied in the database): events of articles
    mentioning ``topic`` whose article names it in its title or lead, or at least ``often``
    times, or whose evidence sentence names it. Columns :data:`TOPIC_EVENT_COLUMNS`.

    Returns the frame and the number of the topic's events extracted before schema version
    2 (no topics per sentence: attributed by title, lead and mention count only).
    """
    topic_arts, params = _topic_mentions_sql(None, until)
    eclause, eparams = _until_clause(until, "e.date")
    unknown = 0
    if store.con.execute("SELECT count(*) FROM events WHERE topics IS NULL").fetchall()[0][0]:  # an old store
        unknown = store.con.execute(f"""
            SELECT count(*) FROM events e JOIN ({topic_arts}) t ON t.article_id = e.article_id
            WHERE e.topics IS NULL{eclause}""", [topic, *params, *eparams]).fetchall()[0][0]
    frame = _events_frame(store, f"""
        SELECT {", ".join("e." + c for c in TOPIC_EVENT_COLUMNS)}
        FROM events e JOIN ({topic_arts}) t ON t.article_id = e.article_id
        WHERE (coalesce(t.lead, 0) > 0 OR t.mentions >= ? OR coalesce(list_contains(e.topics, ?), false)){eclause}
        ORDER BY e.date, e.article_id, e.seq""", [topic, *params, int(often), topic, *eparams])
    return frame, int(unknown)


def event_texts(store: Store, keys: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """The evidence sentence and the article title of events given as ``(article_id, seq)``:
    columns ``article_id``, ``seq``, ``evidence``, ``title``."""
    ids = [str(k[0]) for k in keys]
    seqs = [int(k[1]) for k in keys]
    return store.con.execute("""
        SELECT e.article_id, e.seq, e.evidence, a.title
        FROM (SELECT unnest(?::VARCHAR[]) AS article_id, unnest(?::INTEGER[]) AS seq) k
        JOIN events e ON e.article_id = k.article_id AND e.seq = k.seq JOIN articles a ON a.id = e.article_id
        ORDER BY 1, 2""", [ids, seqs]).df()


def _events_frame(store: Store, sql: str, params: list) -> pd.DataFrame:
    """Events read through Arrow (several times faster than row by row for a large topic):
    dates as ``datetime.date``, ``investors`` as lists, ``topics`` as tuples (``None``: extracted
    before schema version 2, unknown rather than none)."""
    rel = store.con.sql(sql, params=params)
    fetch = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table  # DuckDB 1.x names it so
    table = fetch()
    names = table.column_names
    investors = [[] if v is None else v for v in table.column("investors").to_pylist()]
    topics = [None if v is None else tuple(v) for v in table.column("topics").to_pylist()]
    frame = table.drop_columns(["investors", "topics"]).to_pandas(date_as_object=True)
    frame.insert(names.index("investors"), "investors", pd.Series(investors, index=frame.index, dtype=object))
    frame.insert(names.index("topics"), "topics", pd.Series(topics, index=frame.index, dtype=object))
    return frame


def companies_named(store: Store, article_ids: Sequence[str]) -> pd.DataFrame:
    """Company names (with a legal form, :data:`~hypecycle.store.COMPANY_PATTERN`) in the
    title and the first :data:`~hypecycle.store.COMPANY_CHARS` characters of the given
    articles, as the store read them when it stored each article: one row per article and
    distinct name, columns ``article_id``, ``name``."""
    return store.con.execute("""
        SELECT article_id, name FROM companies WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY article_id, name""", [list(article_ids)]).df()


def topic_companies(store: Store, topic: str, *, until: dt.date | None = None) -> pd.DataFrame:
    """The company names of :func:`companies_named` in a stored topic's articles, one row
    per distinct name and day: columns ``date``, ``name``."""
    clause, params = _until_clause(until, "m.date")
    frame = store.con.execute(f"""
        SELECT DISTINCT t.date, c.name
        FROM companies c JOIN (SELECT DISTINCT article_id, date FROM mentions m WHERE m.topic = ?{clause}) t
             ON t.article_id = c.article_id
        ORDER BY 1, 2""", [topic, *params]).df()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def article_heads(store: Store, article_ids: Sequence[str], *, chars: int = 300) -> pd.DataFrame:
    """Title, date, source, url and the first ``chars`` characters of the given articles."""
    if not len(article_ids):
        return pd.DataFrame(columns=["article_id", "date", "title", "source", "url", "head"])
    frame = store.con.execute(f"""
        SELECT id AS article_id, date, title, source, url, left(text, {int(chars)}) AS head
        FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY date, id""",
                              [list(article_ids)]).df()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _axis_freq(axis: pd.PeriodIndex) -> str:
    code = axis.freqstr.split("-")[0]
    for name, c in periods.FREQS.items():
        if code.startswith(c):
            return name
    raise UsageError(f"unsupported period frequency {axis.freqstr!r}")


__all__ = ["ARTICLE_COLUMNS", "COMPANY_PATTERN", "DAY_COLUMNS", "EVENT_READ_COLUMNS", "TOPIC_EVENT_COLUMNS",
           "TOTAL_COLUMNS", "article_heads", "articles_frame", "candidate_texts", "companies_named", "date_range",
           "days_of", "event_texts", "events_of", "period_totals", "phrase_pattern", "stored_topics",
           "topic_articles", "topic_companies", "topic_days", "topic_events"]
