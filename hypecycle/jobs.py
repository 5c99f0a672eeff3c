"""Jobs that wire the stages together: ingestion (read -> deduplicate -> extract -> write)
and extraction of what a store already holds.

:mod:`hypecycle.ingest` only reads corpus files, :mod:`hypecycle.extract` only turns
articles into extractions and :mod:`hypecycle.store` only keeps them; this module is the
one place that runs them one after another, batch by batch, so that no stage imports
another.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import ReadOptions, iter_located
from .schema import Reject

__all__ = ["IngestSummary", "ingest_files", "extract_stored"]


@dataclass
class IngestSummary:
    """Counts of one ingestion run, as printed at its end."""

    read: int = 0
    ingested: int = 0
    duplicates: int = 0
    already_stored: int = 0
    rejected: int = 0
    extracted: int = 0
    events: int = 0
    seconds: float = 0.0
    rejects_shown: list[Reject] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"read": self.read, "ingested": self.ingested, "duplicates": self.duplicates,
                "already_stored": self.already_stored, "rejected": self.rejected,
                "extracted": self.extracted, "events": self.events,
                "seconds": round(self.seconds, 2), "articles_per_second": round(self.rate, 1)}


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_files(paths: Iterable[str | Path], store_path: str | Path, *,
                 options: ReadOptions | None = None, extract: bool = True,
                 extractor_options: dict[str, Any] | None = None, n_process: int = 2,
                 batch_size: int = 2000, rejects_path: str | Path | None = None,
                 on_reject=None, progress: bool = False, wait: float = 0.0) -> IngestSummary:
    """Ingest corpus files into a store, deduplicating, extracting and committing per batch.

    Each batch of ``batch_size`` input records is written, with its extractions, in
    one transaction: a run killed at any moment leaves a consistent store, and
    rerunning the same command adds exactly what is missing.

    Parameters
    ----------
    paths, options
        What to read and how (see :func:`iter_articles`).
    store_path
        The DuckDB file (created if missing).
    extract
        Run extraction (events, topic mentions, cues) on the new articles.
    extractor_options
        Keyword arguments for :class:`hypecycle.extract.Extractor`.
    n_process
        Worker processes for extraction.
    rejects_path
        Write every rejected record to this JSON Lines file (file, location, reason).
    on_reject
        Called with each :class:`Reject` as it happens (the CLI prints the first few).
    progress
        Show a progress bar on stderr.
    """
    from .store import Store

    options = options or ReadOptions()
    inputs = [str(p) for p in paths]
    # validate before the store is touched
    items = iter_located(inputs, options)
    started_wall = dt.datetime.now()
    run_origin = f"{started_wall.isoformat()} pid {os.getpid()}: {' '.join(inputs)}"[:1000]
    started = _now()
    summary = IngestSummary()
    reject_fh = open(rejects_path, "w", encoding="utf-8") if rejects_path else None  # noqa: SIM115
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" articles", desc="ingest", dynamic_ncols=True, mininterval=0.5)
    try:
        with Store(store_path, wait=wait) as store:
            # articles planned but not yet written: id -> content hash, content hash -> id
            pending_ids: dict[str, int] = {}
            pending_hashes: dict[int, str] = {}
            extractor_name = _describe_extractor(extractor_options or {}) if extract else ""

            def plans():
                for chunk in _chunks(items, batch_size):
                    yield store.plan_batch(chunk, pending_ids, pending_hashes, run_origin=run_origin)

            def account(plan, extractions=None):
                store.write_batch(plan, origin=run_origin, extractions=extractions, extractor=extractor_name)
                for a in plan.new:
                    pending_ids.pop(a.id, None)
                    pending_hashes.pop(a.content_hash, None)
                summary.read += plan.read
                summary.ingested += len(plan.new)
                summary.duplicates += len(plan.duplicates)
                summary.already_stored += plan.already_stored
                summary.rejected += len(plan.rejects)
                if extractions:
                    summary.extracted += len(extractions)
                    summary.events += sum(len(x.events) for x in extractions)
                for r in plan.rejects:
                    if on_reject is not None:
                        on_reject(r)
                    if reject_fh is not None:
                        reject_fh.write(json.dumps({"file": r.source, "location": r.location,
                                                    "reason": r.reason}, ensure_ascii=False) + "\n")
                if bar is not None:
                    bar.update(plan.read)
                    bar.set_postfix(new=summary.ingested, dup=summary.duplicates,
                                    rejected=summary.rejected, refresh=False)

            if not extract:
                for plan in plans():
                    account(plan)
            else:
                _extract_and_write(plans(), account, extractor_options or {}, n_process)
            summary.seconds = _now() - started
            store.record_run(started_wall, inputs, summary.as_dict(), summary.seconds)
    finally:
        if bar is not None:
            bar.close()
        if reject_fh is not None:
            reject_fh.close()
    return summary


def _extract_and_write(plans: Iterator, account, extractor_options: dict[str, Any], n_process: int) -> None:
    """Feed the new articles of each plan to extraction; write a plan once all its results are back."""
    from collections import deque

    from .extract import extract_many

    waiting: deque = deque()

    def articles():
        for plan in plans:
            waiting.append([plan, []])
            yield from plan.new

    def flush():
        while waiting and len(waiting[0][1]) == len(waiting[0][0].new):
            plan, results = waiting.popleft()
            account(plan, results)

    for x in extract_many(articles(), n_process=n_process, **extractor_options):
        flush()  # plans with nothing new ahead of this result
        waiting[0][1].append(x)
        flush()
    flush()


def _describe_extractor(extractor_options: dict[str, Any]) -> str:
    from . import __version__

    model = extractor_options.get("model", "blank")
    return f"hypecycle {__version__} model={model}"


def _now() -> float:
    import time

    return time.perf_counter()


def extract_stored(store_path: str | Path, *, extractor_options: dict[str, Any] | None = None,
                   n_process: int = 2, redo: bool = False, batch_size: int = 1000,
                   progress: bool = False, wait: float = 0.0) -> IngestSummary:
    """Extract the stored articles that have no extraction yet (all of them with ``redo``).

    Used after ``ingest --no-extract``, or after adding a lexicon. Each batch of
    results replaces the article's earlier events and mentions in one transaction.
    """
    from .extract import extract_many
    from .store import Store

    extractor_options = extractor_options or {}
    started = _now()
    summary = IngestSummary()
    with Store(store_path, wait=wait) as store:
        ids = [r[0] for r in store.con.execute(
            "SELECT id FROM articles" + ("" if redo else " WHERE id NOT IN (SELECT article_id FROM extracted)")
            + " ORDER BY date, id").fetchall()]
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(ids), unit=" articles", desc="extract", dynamic_ncols=True, mininterval=0.5)

        def articles():
            for i in range(0, len(ids), batch_size):
                yield from store.iter_articles(ids=ids[i:i + batch_size])

        name = _describe_extractor(extractor_options)
        try:
            for chunk in _chunks(extract_many(articles(), n_process=n_process, **extractor_options), batch_size):
                store.replace_extractions(chunk, name)
                summary.read += len(chunk)
                summary.extracted += len(chunk)
                summary.events += sum(len(x.events) for x in chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    summary.seconds = _now() - started
    return summary


# ---------------------------------------------------------------------------------------------
# topics as of a date: the store's read API, extraction's matcher for ad-hoc terms, trajectories
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TopicSpec:
    """What counts as the topic: a lexicon id (stored by extraction, or a lexicon file to
    scan the stored text with), or ad-hoc terms scanned from the stored text.

    ``exact`` matches terms as written (no inflections), where the matcher supports it.
    """

    topic: str | None = None
    terms: tuple[str, ...] = ()
    lexicons: tuple[Path, ...] = ()
    exact: bool = False

    @property
    def name(self) -> str:
        return self.topic if self.topic else ", ".join(self.terms)

    @property
    def key(self) -> str:
        """The topic label its mentions are counted under."""
        from .extract.topics import TERMS_TOPIC

        return self.topic if self.topic else TERMS_TOPIC

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic} if self.topic else {"terms": list(self.terms)}


def topic_spec(topic: str | None = None, terms: Iterable[str] | str | None = None, *,
               lexicons: Iterable[str | Path] | None = None, exact: bool = False) -> TopicSpec:
    """Check and build a :class:`TopicSpec` from command-line style arguments.

    ``terms`` may be a list or one comma-separated string ("social network,social networking").
    """
    from .errors import UsageError

    if isinstance(terms, str):
        terms = [terms]
    flat = tuple(dict.fromkeys(" ".join(t.split()) for raw in (terms or ()) for t in raw.split(",") if t.strip()))
    if bool(topic) == bool(flat):
        raise UsageError("give a topic (--topic ID, a lexicon id; see `hypecycle topics`) or ad-hoc terms "
                         "(--terms \"a,b\"), one of the two")
    return TopicSpec(topic=topic or None, terms=flat, lexicons=tuple(Path(p) for p in (lexicons or ())),
                     exact=exact)


@dataclass
class TopicData:
    """Everything a store says about one topic up to a date, before it is laid on periods:
    the topic's articles, their events (with attribution) and the companies they name.
    Computed once and cut at earlier dates for backtests (:meth:`until`)."""

    spec: TopicSpec
    until: dt.date
    first: dt.date
    articles: Any
    events: Any
    companies: Any
    caveats: list[str] = field(default_factory=list)

    def cut(self, as_of: dt.date) -> TopicData:
        """The same data as it stood at ``as_of`` (only rows dated on or before it)."""
        a = self.articles[self.articles["date"] <= as_of]
        e = self.events[self.events["date"] <= as_of] if len(self.events) else self.events
        c = self.companies[self.companies["article_id"].isin(set(a["article_id"]))] if len(self.companies) \
            else self.companies
        return TopicData(self.spec, as_of, self.first, a, e, c, list(self.caveats))


_COUNTERS: dict[tuple, Any] = {}


def _counter(spec: TopicSpec, lexicon: Path | None = None):
    """The matcher that counts a topic in text as extraction does (cached per process)."""
    from .extract.pipeline import MentionCounter

    key = (spec.terms, str(lexicon) if lexicon else None, spec.exact)
    hit = _COUNTERS.get(key)
    if hit is None:
        kw: dict[str, Any] = {"terms": list(spec.terms) or None, "lexicons": [lexicon] if lexicon else None}
        if spec.exact:
            kw["exact"] = True
        hit = _COUNTERS[key] = MentionCounter.for_terms(**kw)
    return hit


def _lexicon_file(spec: TopicSpec, known: list[str]) -> Path | None:
    """The lexicon file defining ``spec.topic`` (a user file given with --lexicon, else shipped)."""
    from .extract.topics import lexicon_dir, load_patterns

    for path in spec.lexicons:
        try:
            labels = {p["label"] for p in load_patterns([path])}
        except Exception:  # noqa: BLE001 - reported when it is used
            labels = set()
        if spec.topic in labels:
            return path
    shipped = lexicon_dir() / f"{spec.topic}.jsonl"
    return shipped if shipped.exists() else None


def known_topics(store=None, lexicons: Iterable[Path] = ()) -> list[str]:
    """Topic ids a user can ask for: shipped lexicons, user lexicons and what the store holds."""
    from . import queries
    from .extract.topics import lexicon_dir, load_patterns

    names = {p.stem for p in lexicon_dir().glob("*.jsonl")}
    for path in lexicons:
        try:
            names |= {p["label"] for p in load_patterns([path])}
        except Exception:  # noqa: BLE001
            pass
    if store is not None:
        names |= set(queries.stored_topics(store))
    names.discard("terms")
    return sorted(names)


def topic_data(store, spec: TopicSpec, *, until: dt.date | None = None) -> TopicData:
    """Read (or, for ad-hoc terms, scan) everything the store holds on a topic up to ``until``.

    Raises
    ------
    UsageError
        An unknown topic (the message lists the known ones), an empty store, or ``until``
        before the first article.
    """
    from . import queries
    from .errors import UsageError
    from .extract.companies import normalise_company

    first, last = queries.date_range(store)
    if first is None:
        raise UsageError(f"{store.path}: the store holds no article; ingest some with `hypecycle ingest`")
    if until is None:
        until = last
    if until < first:
        raise UsageError(f"as-of date {until} is before the store's first article ({first}); "
                         f"give a date from {first} on")
    caveats: list[str] = []
    stored = queries.stored_topics(store)
    counter = None
    if spec.topic and spec.topic in stored and not _user_lexicon_overrides(spec):
        articles = queries.topic_articles(store, spec.topic, until=until)
    else:
        lexicon = None
        if spec.topic:
            lexicon = _lexicon_file(spec, stored)
            if lexicon is None:
                known = known_topics(store, spec.lexicons)
                raise UsageError(f"unknown topic {spec.topic!r}; known topics: {', '.join(known)} "
                                 "(or pass ad-hoc terms with --terms, or a lexicon file with --lexicon)")
            caveats.append(f"topic {spec.topic!r} is not in the store's extraction; counted by scanning the "
                           f"stored text with {lexicon.name}")
        counter = _counter(spec, lexicon)
        articles = _scan(store, counter, spec.key, until)
    ids = list(articles["article_id"])
    events = queries.events_of(store, ids, until=until)
    if len(events):
        unknown = events["topics"].isna()
        if counter is not None:  # ad-hoc terms: the evidence sentence is read with the same matcher
            events["topics"] = events["evidence"].map(lambda s: counter.topics_in(s or ""))
        elif unknown.any():
            caveats.append(f"{int(unknown.sum())} event(s) were extracted before schema version 2 (no topic per "
                           "sentence): attributed by the article's title, lead and mention count only")
            events["topics"] = events["topics"].map(lambda t: () if t is None else t)
        from .trajectories import attribute

        events["attributed"] = attribute(events, articles, spec.key)
        events["company_key"] = events["company"].map(normalise_company)
    else:
        events["attributed"] = []
        events["company_key"] = []
    companies = queries.companies_named(store, ids)
    return TopicData(spec, until, first, articles, events, companies, caveats)


def _user_lexicon_overrides(spec: TopicSpec) -> bool:
    """A user lexicon file that defines the topic is scanned instead of the stored counts."""
    return any(True for _ in spec.lexicons) and _lexicon_file(spec, []) in spec.lexicons


def _scan(store, counter, key: str, until: dt.date):
    """The article-level frame of a topic counted from the stored text with ``counter``
    (regex prefilter on the matcher's anchor words, then the matcher itself)."""
    from . import queries

    anchors = counter.topics.anchors
    pattern = queries.anchor_pattern(sorted(anchors)) if anchors is not None else "."
    rows = []
    for art_id, date, title, text, hype, skeptic in queries.candidate_texts(store, pattern, until=until):
        mentions, lead, _ = counter.count(title, text)
        found = mentions.get(key)
        if found:
            rows.append((art_id, date, sum(found.values()), sum(lead.get(key, {}).values()), hype, skeptic))
    return queries.articles_frame(rows)


def topic_trajectory(store, spec: TopicSpec, *, freq: str = "quarter", as_of: dt.date | None = None,
                     since: dt.date | None = None, smooth: int | None = None, data: TopicData | None = None):
    """A topic's :class:`~hypecycle.trajectories.Trajectory` as of a date, from a store.

    Only articles dated on or before ``as_of`` (default: the latest article) are read.
    ``data`` (from :func:`topic_data` at a later date) is cut at ``as_of`` instead of read
    again, which backtests use; the result is the same.
    """
    from . import periods, queries, trajectories
    from .errors import UsageError

    periods.check_freq(freq)
    if data is None:
        data = topic_data(store, spec, until=as_of)
    if as_of is None:
        as_of = data.until
    if as_of > data.until:
        raise UsageError(f"as-of date {as_of} is after the data read ({data.until})")
    data = data.cut(as_of) if as_of < data.until else data
    start = since if since is not None else data.first
    if start > as_of:
        raise UsageError(f"--since {start} is after the as-of date {as_of}")
    axis = periods.period_axis(start, as_of, freq)
    totals = queries.period_totals(store, axis, until=as_of)
    articles = data.articles[data.articles["date"] >= axis[0].start_time.date()]
    events = data.events[data.events["date"] >= axis[0].start_time.date()] if len(data.events) else data.events
    return trajectories.build(spec.name, spec.as_dict(), articles=articles, totals=totals, events=events,
                              companies=data.companies, axis=axis, freq=freq, as_of=as_of, smooth=smooth,
                              caveats=data.caveats)


# ---------------------------------------------------------------------------------------------
# comparison with the reference cycles, and the hype-curve fit
# ---------------------------------------------------------------------------------------------

def compare_topic(store, spec: TopicSpec, *, as_of: dt.date | None = None, freq: str = "quarter", top: int = 3,
                  signals: Iterable[str] | None = None, cycles=None, since: dt.date | None = None,
                  data: TopicData | None = None, fit: bool = True):
    """A topic's trajectory as of a date, compared with the reference cycles usable then.

    Returns ``(trajectory, comparison)``; the comparison carries the hype-curve fit of the
    trajectory's attention (``comparison.fit``) unless ``fit`` is false. ``cycles`` default
    to the shipped ones (:func:`hypecycle.reference.load_cycles`); as in
    :func:`topic_trajectory`, only articles dated on or before ``as_of`` are read.
    """
    from .compare import compare
    from .fit import fit_hype_curve

    traj = topic_trajectory(store, spec, freq=freq, as_of=as_of, since=since, data=data)
    comparison = compare(traj, cycles, signals=list(signals) if signals else None, top=top)
    if fit:
        comparison.fit = fit_hype_curve(traj)
    return traj, comparison
