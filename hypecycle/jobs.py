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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import HypecycleError
from .ingest import ReadOptions, iter_located
from .schema import Reject

__all__ = ["IngestSummary", "ingest_files", "extract_stored"]


@dataclass
class IngestSummary:
    """Counts of one ingestion run, as printed at its end."""

    read: int = 0
    ingested: int = 0
    duplicates: int = 0
    #: Of the duplicates, near (not exact) copies of a story (:mod:`hypecycle.neardup`).
    near_duplicates: int = 0
    already_stored: int = 0
    rejected: int = 0
    extracted: int = 0
    events: int = 0
    seconds: float = 0.0
    rejects_shown: list[Reject] = field(default_factory=list)
    #: Whole-file failures: inputs that yielded no article (empty, not text, no date column ...).
    failed_files: list[Reject] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Records read per second, or ``None`` when nothing was read."""
        return self.read / self.seconds if self.seconds > 0 and self.read else None

    @property
    def succeeded(self) -> bool:
        """Whether some input yielded an article (new, a duplicate or already stored)."""
        return bool(self.ingested or self.duplicates or self.already_stored)

    def rate_text(self) -> str:
        """The rate as the closing summary prints it: with significant digits, and only when
        the run is long enough for it to mean something (else its duration per article)."""
        if not self.read or self.seconds <= 0:
            return "nothing read"
        if self.read < MIN_RATE_RECORDS or self.seconds < MIN_RATE_SECONDS:
            return f"a run of {self.read} record(s) is too short for a rate"
        r = self.rate or 0.0
        return f"{r:.0f} articles/s" if r >= 100 else f"{r:.3g} articles/s"

    def as_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {"read": self.read, "ingested": self.ingested, "duplicates": self.duplicates,
                "near_duplicates": self.near_duplicates, "already_stored": self.already_stored, "rejected": self.rejected,
                "extracted": self.extracted, "events": self.events,
                "seconds": round(self.seconds, 3),
                "articles_per_second": None if rate is None else float(f"{rate:.3g}"),
                "failed_files": [{"file": r.source, "reason": r.reason} for r in self.failed_files]}


#: A closing summary shows a rate only for runs of at least this many records and seconds.
MIN_RATE_RECORDS = 100
MIN_RATE_SECONDS = 1.0


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
                 on_reject=None, progress: bool = False, wait: float = 0.0,
                 scheduler: str | None = None, near_threshold: float | None = None) -> IngestSummary:
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
    scheduler
        Extract on a Dask cluster: its scheduler's address, or ``"local"`` for a
        LocalCluster of ``n_process`` workers (:mod:`hypecycle.cluster`). This process
        still writes the store.
    near_threshold
        Similarity from which a story within a few days of a kept one is a near-duplicate
        (linked in ``duplicates`` with its similarity, not stored, so its events count once);
        default :data:`hypecycle.neardup.THRESHOLD`; 0 turns near-duplicate detection off.
    """
    from .store import Store

    options = options or ReadOptions()
    if scheduler is not None and extract:
        from .cluster import require_distributed

        require_distributed()  # the install hint before anything is read or written
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

            near = _NearDuplicates(store, run_origin, near_threshold)

            def plans():
                for chunk, signed in near.signed(_chunks(items, batch_size)):
                    plan = store.plan_batch(chunk, pending_ids, pending_hashes, run_origin=run_origin)
                    near.mark(plan, pending_ids, pending_hashes, signed)
                    yield plan

            def account(plan, extractions=None):
                store.write_batch(plan, origin=run_origin, extractions=extractions, extractor=extractor_name)
                for a in plan.new:
                    pending_ids.pop(a.id, None)
                    pending_hashes.pop(a.content_hash, None)
                summary.read += plan.read
                summary.ingested += len(plan.new)
                summary.duplicates += len(plan.duplicates)
                summary.near_duplicates += len(plan.similarity)
                summary.already_stored += plan.already_stored
                summary.rejected += len(plan.rejects)
                if extractions:
                    summary.extracted += len(extractions)
                    summary.events += sum(len(x.events) for x in extractions)
                for r in plan.rejects:
                    if r.location == "":
                        summary.failed_files.append(r)
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
                _extract_and_write(plans(), account, extractor_options or {}, n_process, scheduler)
            summary.seconds = _now() - started
            store.record_run(started_wall, inputs, summary.as_dict(), summary.seconds)
    finally:
        if bar is not None:
            bar.close()
        if reject_fh is not None:
            reject_fh.close()
    return summary


class _NearDuplicates:
    """Moves the near-duplicates of each planned batch from its new articles to its duplicates.

    The index (:class:`hypecycle.neardup.NearDuplicateIndex`) holds the stories of the last
    few days: those this run keeps, and, when the store already held articles, the stored ones
    of the days around each batch (read once per day), so a rerun or a later file finds its
    originals too. A copy is indexed as well, pointing at its original, so a third version
    close to the second is linked to the first."""

    def __init__(self, store, run_origin: str, threshold: float | None):
        from .neardup import THRESHOLD, NearDuplicateIndex

        threshold = THRESHOLD if threshold is None else float(threshold)
        if not 0.0 <= threshold <= 1.0:
            from .errors import UsageError

            raise UsageError(f"--near-threshold must be a similarity from 0 (off) to 1, got {threshold}")
        self.index = NearDuplicateIndex(threshold) if threshold > 0 else None
        self.store, self.run_origin = store, run_origin
        self.root: dict[str, str] = {}   # indexed copy -> its original (bounded with the index)
        self.seeded: set[dt.date] = set()
        self.stored_before = bool(store.con.execute("SELECT count(*) FROM articles").fetchone()[0]) \
            if self.index is not None else False

    def _seed(self, dates: list[dt.date]) -> None:
        days = {d + dt.timedelta(days=k) for d in set(dates)
                for k in range(-self.index.window_days, self.index.window_days + 1)} - self.seeded
        if not days:
            return
        self.seeded |= days
        lo, hi = min(days), max(days)
        rows = self.store.con.execute(
            "SELECT id, date, title, text FROM articles WHERE date BETWEEN ? AND ? "
            "AND origin IS DISTINCT FROM ? ORDER BY date, id", [lo, hi, self.run_origin]).fetchall()
        for i, d, title, text in rows:
            if d in days and i not in self.index:
                _, _, sig = self.index.find(d, title, text)
                self.index.add(i, d, sig)

    def signed(self, chunks):
        """``(chunk, signatures)`` per chunk: the MinHash values of its articles by ``(id, content
        hash)``, computed one chunk ahead in a worker process (``None`` when detection is off)."""
        if self.index is None:
            for chunk in chunks:
                yield chunk, None
            return
        from .neardup import signed_batches

        def stories(chunk):  # items are Rejects, Articles and (Article, location) pairs
            arts = (x[0] if isinstance(x, tuple) else x for x in chunk if not isinstance(x, Reject))
            return [((a.id, a.content_hash), a.title, a.text) for a in arts]

        yield from signed_batches(chunks, stories)

    def mark(self, plan, pending_ids: dict, pending_hashes: dict, signed: dict | None = None) -> None:
        from .neardup import from_values

        if self.index is None or not plan.new:
            return
        if self.stored_before:
            self._seed([a.date for a in plan.new])
        keep = []
        for a in plan.new:
            key = (a.id, a.content_hash)
            if signed is not None and key in signed:
                original, sim, sig = self.index.find_signed(a.date, from_values(signed[key]))
            else:
                original, sim, sig = self.index.find(a.date, a.title, a.text)
            if original is None:
                keep.append(a)
                self.index.add(a.id, a.date, sig)
                continue
            original = self.root.get(original, original)
            plan.duplicates.append((a, original))
            plan.similarity[a.id] = round(sim, 4)
            pending_ids.pop(a.id, None)
            if pending_hashes.get(a.content_hash) == a.id:  # a later exact copy is found by the index
                del pending_hashes[a.content_hash]
            self.index.add(a.id, a.date, sig)
            self.root[a.id] = original
        plan.new = keep
        if len(self.root) > 4 * max(len(self.index), 1000):
            self.root = {k: v for k, v in self.root.items() if k in self.index}


def _extract_and_write(plans: Iterator, account, extractor_options: dict[str, Any], n_process: int,
                       scheduler: str | None = None) -> None:
    """Feed the new articles of each plan to extraction; write a plan once all its results are back."""
    from collections import deque

    from .extract import extract_many

    if scheduler is not None:
        from .cluster import extract_on_cluster

        def extract_many(arts, n_process, **kw):  # noqa: F811 - the same contract, on a cluster
            return extract_on_cluster(arts, scheduler, n_workers=n_process, **kw)

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
    """Everything a store says about one topic up to a date, before it is laid on periods.
    Computed once and cut at earlier dates for backtests (:meth:`cut`).

    Attributes
    ----------
    days
        The topic's articles summed per day (:data:`hypecycle.queries.DAY_COLUMNS`).
    events
        The events that count for the topic (attributed, with ``company_key``), one row per report
        (:data:`hypecycle.queries.TOPIC_EVENT_COLUMNS`: no texts; :func:`hypecycle.queries.event_texts`
        reads them for the events shown).
    companies
        ``date, name``: the company names in the topic's articles, one row per day and name.
    articles
        The article-level frame (:data:`hypecycle.queries.ARTICLE_COLUMNS`) when the topic was
        counted by scanning the text (ad-hoc terms, a user lexicon); ``None`` for a stored
        topic, whose articles stay in the store (:func:`hypecycle.queries.topic_articles`).
    """

    spec: TopicSpec
    until: dt.date
    first: dt.date
    days: Any
    events: Any
    companies: Any
    articles: Any = None
    caveats: list[str] = field(default_factory=list)

    def cut(self, as_of: dt.date) -> TopicData:
        """The same data as it stood at ``as_of`` (only rows dated on or before it)."""
        def upto(frame):
            return frame[frame["date"] <= as_of] if frame is not None and len(frame) else frame

        return TopicData(self.spec, as_of, self.first, upto(self.days), upto(self.events), upto(self.companies),
                         upto(self.articles), list(self.caveats))

    @property
    def n_articles(self) -> int:
        """How many articles mention the topic."""
        return int(self.days["articles"].sum()) if len(self.days) else 0


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


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while a topic's frames are built: a large topic
    makes hundreds of thousands of small acyclic objects (lists of investors, company keys),
    and the collections they trigger cost more than the work (about 0.6 s of 2.2 s on a topic
    of 545,000 articles). Reference counting still frees them; the collector's state is restored."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def topic_data(store, spec: TopicSpec, *, until: dt.date | None = None) -> TopicData:
    """Read (or, for ad-hoc terms, scan) everything the store holds on a topic up to ``until``.

    Raises
    ------
    UsageError
        An unknown topic (the message lists the known ones), an empty store, or ``until``
        before the first article.
    """
    with _collector_paused():
        return _topic_data(store, spec, until)


def _topic_data(store, spec: TopicSpec, until: dt.date | None) -> TopicData:
    from . import queries
    from .errors import UsageError

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
    if spec.topic and spec.topic in stored and not _user_lexicon_overrides(spec):
        # a stored topic: counted, attributed and deduplicated by day in the database
        from .trajectories import OFTEN_ENOUGH

        events, unknown = queries.topic_events(store, spec.topic, often=OFTEN_ENOUGH, until=until)
        if unknown:
            caveats.append(_PRE_V2_EVENTS.format(n=unknown))
        events["topics"] = events["topics"].map(lambda t: () if t is None else t)
        return TopicData(spec, until, first, queries.topic_days(store, spec.topic, until=until),
                         _with_company_keys(events), queries.topic_companies(store, spec.topic, until=until),
                         None, caveats)
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
        # the evidence sentence is read with the same matcher as the text
        events["topics"] = events["evidence"].map(lambda s: counter.topics_in(s or ""))
        from .trajectories import attribute

        events = events[attribute(events, articles, spec.key).to_numpy()].reset_index(drop=True)
    events = events[list(queries.TOPIC_EVENT_COLUMNS)]  # texts are read for the events shown (event_texts)
    companies = queries.companies_named(store, ids).merge(articles[["article_id", "date"]], on="article_id")
    companies = companies[["date", "name"]].drop_duplicates().sort_values(["date", "name"]).reset_index(drop=True)
    return TopicData(spec, until, first, queries.days_of(articles), _with_company_keys(events), companies,
                     articles, caveats)


_PRE_V2_EVENTS = ("{n} event(s) were extracted before schema version 2 (no topic per sentence): attributed by the "
                  "article's title, lead and mention count only")


def _with_company_keys(events):
    """``events`` with ``company_key`` (:func:`~hypecycle.extract.companies.normalise_company`,
    each distinct name computed once)."""
    import pandas as pd

    from .extract.companies import normalise_company

    names = events["company"].tolist()
    keys = {n: normalise_company(n) for n in set(names)}
    events["company_key"] = pd.Series([keys[n] for n in names], index=events.index, dtype=object)
    return events


def _user_lexicon_overrides(spec: TopicSpec) -> bool:
    """A user lexicon file that defines the topic is scanned instead of the stored counts."""
    return any(True for _ in spec.lexicons) and _lexicon_file(spec, []) in spec.lexicons


def _scan(store, counter, key: str, until: dt.date):
    """The article-level frame of a topic counted from the stored text with ``counter``
    (a regex prefilter on the matcher's phrases, then the matcher itself)."""
    from . import queries

    runs = counter.topics.phrase_runs
    pattern = queries.phrase_pattern(runs) if runs is not None else "."
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
    from . import periods

    periods.check_freq(freq)
    with _collector_paused():
        return _topic_trajectory(store, spec, freq, as_of, since, smooth, data)


def _topic_trajectory(store, spec: TopicSpec, freq: str, as_of: dt.date | None, since: dt.date | None,
                      smooth: int | None, data: TopicData | None):
    from . import periods, queries, trajectories
    from .errors import UsageError

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
    first_day = axis[0].start_time.date()

    def since_start(frame):
        return frame[frame["date"] >= first_day] if frame is not None and len(frame) else frame

    return trajectories.build(spec.name, spec.as_dict(), days=since_start(data.days), totals=totals,
                              events=since_start(data.events), companies=data.companies, axis=axis, freq=freq,
                              as_of=as_of, smooth=smooth, caveats=data.caveats,
                              articles=since_start(data.articles))


# ---------------------------------------------------------------------------------------------
# the phase classifier: label features, training, evaluation, a phase call
# ---------------------------------------------------------------------------------------------

#: A label point is used only when its topic had at least this many articles by its date ...
MIN_LABEL_ARTICLES = 10
#: ... spread over at least this many periods.
MIN_LABEL_PERIODS = 4


def _spec_of_point(pt) -> TopicSpec:
    return topic_spec(pt.topic) if pt.topic else topic_spec(terms=list(pt.terms))


def label_features(stores: list, points, *, groups=None, freq: str = "quarter", progress: bool = False):
    """Features of each label point, as of its date, from the first store that covers it.

    Returns ``(TrainingSet, skipped)``; ``skipped`` lists ``(where, reason)`` for points no
    store could carry (outside every store's dates, or too few topic articles by the date).
    """
    import numpy as np
    import pandas as pd

    from . import queries
    from .classify import FEATURE_GROUPS, TrainingSet, feature_names, trajectory_features

    groups = tuple(groups or FEATURE_GROUPS)
    ranges = [queries.date_range(s) for s in stores]
    plan: dict[tuple[int, TopicSpec], list] = {}
    skipped: list[tuple[str, str]] = []
    for pt in points:
        spec = _spec_of_point(pt)
        chosen = None
        for i, (first, last) in enumerate(ranges):
            if first is not None and first <= pt.date <= last:
                chosen = i
                break
        if chosen is None:
            skipped.append((pt.where, f"{pt.date} is outside every store's dates"))
            continue
        plan.setdefault((chosen, spec), []).append(pt)
    rows, ys, gs, meta = [], [], [], []
    bar = _bar(sum(len(v) for v in plan.values()), "label features", progress)
    try:
        for (i, spec), pts in plan.items():
            store = stores[i]
            try:
                data = topic_data(store, spec, until=max(p.date for p in pts))
            except HypecycleError as e:
                for p in pts:
                    skipped.append((p.where, str(e)))
                continue
            for p in sorted(pts, key=lambda q: q.date):
                if bar is not None:
                    bar.update(1)
                cut = data.cut(p.date)
                n_art = cut.n_articles
                n_per = cut.days["date"].map(lambda d: (d.year, (d.month - 1) // 3)).nunique() if n_art else 0
                if n_art < MIN_LABEL_ARTICLES or n_per < MIN_LABEL_PERIODS:
                    skipped.append((p.where, f"{spec.name}: {n_art} article(s) in {n_per} period(s) by {p.date} "
                                             f"in {store.path.name} (need {MIN_LABEL_ARTICLES} in "
                                             f"{MIN_LABEL_PERIODS})"))
                    continue
                traj = topic_trajectory(store, spec, freq=freq, as_of=p.date, data=cut)
                rows.append(trajectory_features(traj, groups=groups))
                ys.append(p.phase)
                gs.append(p.group)
                meta.append({"technology": p.technology, "topic": p.topic or "", "terms": ";".join(p.terms),
                             "date": p.date.isoformat(), "phase": p.phase, "kind": p.kind,
                             "store": store.path.name, "articles": n_art, "where": p.where})
    finally:
        if bar is not None:
            bar.close()
    X = pd.DataFrame(rows, columns=feature_names(groups))
    return TrainingSet(X, np.array(ys, dtype=object), np.array(gs, dtype=object),
                       np.array(["real"] * len(ys), dtype=object), pd.DataFrame(meta)), skipped


def write_features(train, path: str | Path) -> Path:
    """Write a real-label feature table (derived numbers only) as CSV: meta columns, then features."""
    import pandas as pd

    frame = pd.concat([train.meta.reset_index(drop=True), train.X.reset_index(drop=True)], axis=1)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(p, index=False, float_format="%.6g")
    return p


def read_features(paths, *, groups=None):
    """Read feature tables written by :func:`write_features` into one TrainingSet."""
    import numpy as np
    import pandas as pd

    from .classify import FEATURE_GROUPS, TrainingSet, feature_names
    from .errors import LabelError
    from .labels import PHASES

    names = feature_names(tuple(groups or FEATURE_GROUPS))
    parts = []
    for path in paths:
        try:
            f = pd.read_csv(path)
        except FileNotFoundError:
            raise LabelError(f"{path}: no such feature file") from None
        except (OSError, ValueError) as e:
            raise LabelError(f"{path}: not a feature table: {e}") from None
        missing = [c for c in names + ["technology", "phase"] if c not in f.columns]
        if missing:
            raise LabelError(f"{path}: not a feature table for these feature groups: no column "
                             f"{', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}")
        bad = sorted(set(f["phase"]) - set(PHASES))
        if bad:
            raise LabelError(f"{path}: unknown phase {bad[0]!r}; expected one of {', '.join(PHASES)}")
        meta_cols = [c for c in f.columns if c not in names]
        parts.append(TrainingSet(f[names].astype(float), f["phase"].to_numpy(dtype=object),
                                 f["technology"].str.strip().str.lower().to_numpy(dtype=object),
                                 np.array(["real"] * len(f), dtype=object), f[meta_cols]))
    return TrainingSet.concat(parts)


def _bar(total: int, desc: str, progress: bool):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" steps", dynamic_ncols=True, mininterval=0.5)


@dataclass
class TrainResult:
    model: Any
    card: dict
    real: Any
    synthetic: Any


#: How ``train`` mixes its sources of data: ``best`` keeps the synthetic cycles only if they
#: lower the leave-one-topic-out Brier score on the real labels (a proper score: it rewards
#: both the right phase and honest probabilities); ``with`` and ``without`` force the choice.
MIXES = ("best", "with", "without")


def train_phase_model(real, *, n_synthetic: int = 150, seed: int = 0, model: str = "logistic",
                      real_weight: float | str = "balanced", groups=None, labels_hash: str = "", progress: bool = False,
                      evaluate: bool = True, n_jobs: int = 2, mix: str = "best") -> TrainResult:
    """Train the phase model on real label features and, if they help, seeded synthetic
    cycles, and measure what each source of data contributes (leave-one-topic-out on the real
    labels, with and without the synthetic rows; a synthetic held-out test).

    ``mix`` (:data:`MIXES`) decides whether the final model keeps the synthetic rows; ``best``
    needs the evaluation and falls back to ``with`` when ``evaluate`` is false."""
    import numpy as np

    from .classify import (FEATURE_GROUPS, TrainingSet, feature_names, fit_model, full_proba,
                           leave_one_topic_out, real_weight_for, scores, synthetic_set)
    from .errors import LabelError

    groups = tuple(groups or FEATURE_GROUPS)
    if len(real) < 5 or len(np.unique(real.groups)) < 2:
        raise LabelError(f"too few usable labels to train: {len(real)} point(s) over "
                         f"{len(np.unique(real.groups))} technolog(y/ies); need at least 5 over 2")
    wanted = n_synthetic and (evaluate or mix != "without")  # drawn to be measured, or kept
    synth = synthetic_set(n_synthetic, seed, groups=groups, n_jobs=n_jobs) if wanted else None
    metrics: dict[str, Any] = {}
    if evaluate:
        metrics["real_loto_with_synthetic"] = _strip(leave_one_topic_out(real, synth, model=model,
                                                                         real_weight=real_weight))
        metrics["real_loto_real_only"] = _strip(leave_one_topic_out(real, None, model=model,
                                                                    real_weight=real_weight))
        if synth is not None:
            only = fit_model(synth, model=model)
            Xr = real.X.to_numpy(dtype=float)
            pr = full_proba(only, Xr)
            from .labels import PHASES

            metrics["real_by_synthetic_only"] = scores(list(real.y), list(np.asarray(PHASES)[pr.argmax(1)]), pr)
            test = synthetic_set(min(40, max(12, n_synthetic)), seed + 1, groups=groups, n_jobs=n_jobs)
            both = fit_model(TrainingSet.concat([real, synth]), model=model, real_weight=real_weight)
            pt = full_proba(both, test.X.to_numpy(dtype=float))
            metrics["synthetic_heldout"] = scores(list(test.y), list(np.asarray(PHASES)[pt.argmax(1)]), pt)
    if mix not in MIXES:
        raise ValueError(f"mix must be one of {', '.join(MIXES)}, got {mix!r}")
    use_synth, why = synth is not None, "synthetic cycles requested" if synth is not None else "no synthetic cycles"
    if synth is not None and mix == "without":
        use_synth, why = False, "--mix without"
    elif synth is not None and mix == "with":
        why = "--mix with"
    elif synth is not None and not evaluate:
        why = "--mix best needs the evaluation; without it the synthetic cycles are kept"
    elif synth is not None:
        b_with = metrics["real_loto_with_synthetic"]["model"]["brier"]
        b_without = metrics["real_loto_real_only"]["model"]["brier"]
        use_synth = b_with < b_without
        why = (f"leave-one-topic-out Brier on the real labels {b_with:.3f} with the synthetic cycles, "
               f"{b_without:.3f} without: {'kept' if use_synth else 'left out of the final model'}")
    train = TrainingSet.concat([real] + ([synth] if use_synth else []))
    final = fit_model(train, model=model, real_weight=real_weight)
    card = {
        "name": "hypecycle phase model",
        "created_by": "hypecycle train",
        "phases": ["trigger", "peak", "trough", "slope", "plateau"],
        "classes": [str(c) for c in final.classes_],
        "features": feature_names(groups),
        "feature_groups": list(groups),
        "estimator": {"model": model, "calibration": final.calibration, "cv": final.cv, "C": final.C,
                      "real_weight": real_weight,
                      "real_weight_used": round(real_weight_for(train, real_weight), 4),
                      "random_state": final.random_state},
        "training_data": {
            "real_points": int(len(real)), "real_technologies": int(len(np.unique(real.groups))),
            "real_phases": {str(k): int(v) for k, v in zip(*np.unique(real.y, return_counts=True))},
            "labels_hash": labels_hash,
            "synthetic_cycles": int(n_synthetic) if use_synth else 0,
            "synthetic_points": int(len(synth)) if use_synth else 0,
            "synthetic_cycles_measured": int(n_synthetic) if synth is not None else 0,
            "synthetic_seed": seed, "mix": mix, "mix_decision": why, "hash": train.digest(),
        },
        "metrics": metrics,
    }
    return TrainResult(final, card, real, synth)


def _strip(loto: dict) -> dict:
    return {k: v for k, v in loto.items() if k != "predictions"}


def evaluate_model(model, card: dict, real) -> dict:
    """Score a trained model on label features it was not trained on, beside the baselines."""
    import numpy as np

    from .classify import full_proba, one_hot, rule_baseline, scores
    from .labels import PHASES

    names = card["features"]
    missing = [n for n in names if n not in real.X.columns]
    if missing:
        from .errors import LabelError

        raise LabelError(f"the labels' features lack {', '.join(missing[:3])}: recompute them for this model")
    X = real.X[names].to_numpy(dtype=float)
    proba = full_proba(model, X)
    pred = list(np.asarray(PHASES)[proba.argmax(axis=1)])
    majority = [card.get("training_data", {}).get("majority") or
                max(card["training_data"].get("real_phases", {"peak": 1}).items(), key=lambda kv: kv[1])[0]] * len(X)
    rule = list(rule_baseline(real.X))
    return {"model": scores(list(real.y), pred, proba), "majority": scores(list(real.y), majority, one_hot(majority)),
            "rule": scores(list(real.y), rule, one_hot(rule)), "predictions": pred}


def load_phase_model(path: str | Path | None = None, *, trust: bool = False):
    """The phase model at ``path`` (default: the shipped one) with its card and load warnings."""
    from .classify import default_model_path, load_model

    return load_model(path or default_model_path(), trust=trust)


@dataclass
class PhaseReport:
    """Everything behind a phase call as of a date: the trajectory, the hype-curve fit, the
    analogs and the model's call."""

    trajectory: Any
    fit: Any
    comparison: Any
    call: Any
    card: dict
    notes: list[str] = field(default_factory=list)


def phase_report(store, spec: TopicSpec, *, as_of: dt.date | None = None, freq: str = "quarter",
                 since: dt.date | None = None, model=None, card: dict | None = None,
                 data: TopicData | None = None) -> PhaseReport:
    """The phase of a topic as of a date, with what the call rests on."""
    from .classify import call_phase, trajectory_features

    notes: list[str] = []
    if model is None:
        model, card, notes = load_phase_model()
    from .compare import compare
    from .fit import fit_hype_curve

    traj = topic_trajectory(store, spec, freq=freq, as_of=as_of, since=since, data=data)
    groups = card.get("feature_groups", [])
    from .reference import shipped_cycles

    fit = fit_hype_curve(traj)
    comparison = compare(traj, shipped_cycles())
    comparison.fit = fit
    feats = trajectory_features(traj, fit=fit, comparison=comparison, groups=groups)
    return PhaseReport(traj, fit, comparison, call_phase(model, card, feats), card, notes)


# ---------------------------------------------------------------------------------------------
# the report: a phase call with its evidence
# ---------------------------------------------------------------------------------------------

#: The signals a report shows: (trajectory column(s), label). Shares are pooled over the
#: last four periods (numerator, denominator); counts are summed.
REPORT_SIGNALS = (
    ("attention", ("topic_articles", "articles"), "attention: share of all articles", ("att_vs_max", "growth_4")),
    ("topic_articles", ("topic_articles",), "articles mentioning the topic", ("log_topic_articles",)),
    ("funding", ("funding",), "funding rounds", ("funding_rate", "funding_momentum")),
    ("funding_usd", ("funding_usd",), "disclosed funding, USD", ()),
    ("rounds_100m", ("rounds_100m",), "rounds of $100M or more", ("large_round_share",)),
    ("valuation_max", ("valuation_max",), "largest valuation", ()),
    ("ipo", ("ipo",), "IPOs", ("ipo_rate",)),
    ("acquisition", ("acquisition",), "acquisitions", ("acquisition_rate",)),
    ("failures", ("failures",), "bankruptcies, shutdowns and layoffs", ("failure_rate", "failure_momentum")),
    ("failure_share", ("failures", "events"), "failure share of the topic's events",
     ("failure_share", "failure_share_change")),
    ("hype_share", ("hype_articles", "topic_articles"), "hype-cue share of topic articles", ("hype_lift", "hype_change")),
    ("skeptic_share", ("skeptic_articles", "topic_articles"), "sceptic-cue share of topic articles",
     ("skeptic_lift", "skeptic_change")),
    ("peripheral_share", ("peripheral_articles", "topic_articles"), "dilution: topic only in passing",
     ("peripheral_share", "peripheral_change")),
    ("new_companies", ("new_companies",), "companies named for the first time", ("new_company_share",)),
)


def _window_value(frame, cols, end: int, w: int = 4):
    import math

    import numpy as np

    lo = max(0, end - w + 1)
    part = frame.iloc[lo:end + 1]
    if end < 0 or not len(part):
        return None, None
    if len(cols) == 2:
        k, n = float(part[cols[0]].sum()), float(part[cols[1]].sum())
        if n <= 0:
            return None, None
        from .trajectories import wilson

        lo_, hi_ = wilson(k, n)
        return k / n, [float(lo_), float(hi_)]
    col = cols[0]
    if col == "valuation_max":
        v = part[col].max()
        return (None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)), None
    v = part[col].sum()
    return (float(v) if isinstance(v, (float, np.floating)) else int(v)), None


def _trend(now, before) -> str:
    if now is None or before is None:
        return ""
    if before == 0:
        return "new" if now else "flat"
    change = (now - before) / abs(before)
    if change > 0.25:
        return f"rising ({change:+.0%})"
    if change < -0.25:
        return f"falling ({change:+.0%})"
    return "flat"


def build_report(store, spec: TopicSpec, *, as_of: dt.date | None = None, freq: str = "quarter",
                 since: dt.date | None = None, model_path: str | Path | None = None, trust: bool = False,
                 figures: bool = False, n_events: int = 5, n_articles: int = 6):
    """The report of a topic as of a date: ``(report dict, figures)``; figures (PNG bytes by
    title) only when asked for (HTML)."""
    from . import queries
    from .report import PHASE_NAMES
    from .trajectories import FAILURE_TYPES

    model, card, notes = load_phase_model(model_path, trust=trust)
    pr = phase_report(store, spec, as_of=as_of, freq=freq, since=since, model=model, card=card)
    traj, call = pr.trajectory, pr.call
    f = traj.frame
    end = len(f) - 1
    signals = []
    for name, cols, label, feats in REPORT_SIGNALS:
        now, interval = _window_value(f, cols, end)
        before, _ = _window_value(f, cols, end - 4)
        push = None
        if call.drivers:
            pushes = [call.drivers[x] for x in feats if x in call.drivers]
            push = round(sum(pushes), 4) if pushes else None
        signals.append({"name": name, "label": label, "value": now, "interval": interval, "previous": before,
                        "trend": _trend(now, before), "push": push,
                        "periods": [f["period"].iloc[max(0, end - 3)], f["period"].iloc[end]]})
    ev = traj.events
    events = []
    if len(ev):
        # the largest (by amount, a tenth of the valuation added), the latest failures, and the
        # news of the as-of period (its largest events)
        ranked = ev.assign(_money=ev["amount_usd"].fillna(0) + ev["valuation_usd"].fillna(0) * 0.1)
        by_money = ranked.sort_values(["_money", "date"], ascending=[False, False], kind="stable")
        fails = ranked[ranked["type"].isin(FAILURE_TYPES)].sort_values("date", kind="stable")
        latest = by_money[by_money["date"] >= f["start"].iloc[end]]
        chosen = dict.fromkeys([*by_money.index[:n_events], *fails.index[-max(1, n_events // 2):],
                                *latest.index[:n_events]])
        pick = ranked.loc[list(chosen)]
        texts = queries.event_texts(store, list(zip(pick["article_id"], pick["seq"])))
        pick = pick.merge(texts, on=["article_id", "seq"], how="left")
        for row in pick.sort_values("date").itertuples():
            events.append({"date": str(row.date), "type": row.type, "company": row.company, "round": _str(row.round),
                           "amount_usd": _opt(row.amount_usd), "valuation_usd": _opt(row.valuation_usd),
                           "acquirer": _str(row.acquirer), "article_id": row.article_id, "title": row.title,
                           "reports": int(row.reports), "evidence": _str(row.evidence)})
    articles = []
    if traj.articles is not None:  # counted by a scan: the trajectory holds its articles

        def since(day):
            return traj.articles[traj.articles["date"] >= day] if len(traj.articles) else traj.articles
    else:  # a stored topic: its articles stay in the store and are read for the window shown

        def since(day):
            return queries.topic_articles(store, traj.spec["topic"], since=day, until=traj.as_of)
    pool = since(f["start"].iloc[max(0, end - 3)])
    if len(pool) < n_articles:
        pool = since(f["start"].iloc[0])
    if len(pool):
        pool = pool.assign(_score=pool["lead"].fillna(0).astype(float) * 3 + pool["mentions"])
        top = pool.sort_values(["_score", "date"], ascending=[False, False]).head(n_articles)
        heads = queries.article_heads(store, list(top["article_id"]))
        for row in heads.sort_values("date").itertuples():
            articles.append({"date": str(row.date), "article_id": row.article_id, "title": row.title,
                             "source": _str(row.source), "url": _str(row.url)})
    caveats = list(traj.caveats) + list(notes) + list(pr.notes)
    if call.confidence < 0.5:
        caveats.append(f"low confidence: the most probable phase has {call.confidence:.0%}; read the probabilities, "
                       "not the single call")
    if call.beyond:
        caveats.append(_beyond_caveat(call))
    fit = pr.fit.to_dict() if pr.fit is not None and hasattr(pr.fit, "to_dict") else None
    if fit and not fit.get("converged"):
        caveats.append(f"the hype-curve fit did not converge: {fit.get('reason')}")
    comparison = pr.comparison.to_dict() if pr.comparison is not None else {"analogs": [], "excluded": [],
                                                                                  "caveats": []}
    partial = "is not over at the as-of date"
    said_partial = any(partial in c for c in caveats)
    caveats += [c for c in comparison.get("caveats", []) if c not in caveats and not (said_partial and partial in c)]
    metrics = card.get("metrics", {}).get(_loto_key(card), {}).get("model", {})
    first, last = queries.date_range(store)
    report = {
        "topic": spec.name, "spec": spec.as_dict(), "as_of": traj.as_of.isoformat(), "freq": freq,
        "phase": {"phase": call.phase, "name": PHASE_NAMES[call.phase], "confidence": round(call.confidence, 4)},
        "probabilities": {k: round(v, 4) for k, v in call.probabilities.items()},
        "analogs": comparison.get("analogs", []),
        "excluded_analogs": comparison.get("excluded", []),
        "signals": signals,
        "drivers": [{"feature": k, "value": _opt(call.features.get(k)), "push": round(v, 4)}
                    for k, v in list(call.drivers.items())[:8]],
        "evidence": {"events": events, "articles": articles},
        "caveats": caveats,
        "fit": fit,
        "model": {"file": str(model_path or "shipped default (models/phase-default.skops)"),
                  "summary": (f"leave-one-topic-out accuracy {metrics['accuracy']:.2f}, macro-F1 "
                              f"{metrics['macro_f1']:.2f} on {metrics['n']} real labels" if metrics else ""),
                  "versions": card.get("versions", {})},
        "store": {"path": str(store.path), "first": str(first), "last": str(last)},
    }
    figs = {}
    if figures:
        figs = report_figures(pr)
    return report, figs


#: How many of the features outside the training range a caveat names (those pushing most).
BEYOND_SHOWN = 4


def _beyond_caveat(call) -> str:
    """The caveat for features outside the range the model was trained on, those that push the
    call most first."""
    names = sorted(call.beyond, key=lambda n: -abs(call.drivers.get(n, 0.0)))
    shown = [f"{n} {v:.3g} (trained on {lo:.3g} to {hi:.3g})" for n in names[:BEYOND_SHOWN]
             for v, lo, hi in [call.beyond[n]]]
    more = f" and {len(names) - BEYOND_SHOWN} more" if len(names) > BEYOND_SHOWN else ""
    return ("outside the range the model was trained on, read as its nearest edge, so the probabilities rest on "
            "an extrapolation and may be too confident: " + ", ".join(shown) + more)


def _loto_key(card: dict) -> str:
    """The card's leave-one-topic-out figures of the data the model was trained on."""
    kept = card.get("training_data", {}).get("synthetic_cycles", 0)
    return "real_loto_with_synthetic" if kept else "real_loto_real_only"


def _str(v) -> str | None:
    """A text field of a frame, or ``None`` where it is missing (NaN, NA, empty)."""
    return v if isinstance(v, str) and v else None


def _opt(v):
    import math

    if v is None:
        return None
    try:
        return None if math.isnan(float(v)) else float(v)
    except (TypeError, ValueError):
        return v


def report_figures(pr: PhaseReport) -> dict[str, bytes]:
    """PNG figures of a report: the trajectory, and the analog comparison when there is one."""
    from . import plots

    figs = {"trajectory": plots.to_bytes(plots.trajectory_figure(pr.trajectory))}
    if pr.comparison is not None and pr.comparison.analogs:
        from .reference import load_cycles

        figs["analogs"] = plots.to_bytes(plots.compare_figure(pr.trajectory, pr.comparison, load_cycles()))
    return figs


# ---------------------------------------------------------------------------------------------
# the bundled demo corpus
# ---------------------------------------------------------------------------------------------

def demo_folder() -> Path | None:
    """The demo corpus bundled with a clone of the repository (``corpora/demo``), if present."""
    here = Path(__file__).resolve().parent
    for p in (here.parent / "corpora" / "demo", here / "data" / "demo"):
        if (p / "ai_briefs.jsonl").exists():
            return p
    return None


def cache_dir() -> Path:
    """Where hypecycle keeps what it builds for the user (``$HYPECYCLE_CACHE``, else the XDG cache)."""
    base = os.environ.get("HYPECYCLE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "hypecycle")
    return Path(base)


def demo_store(*, progress: bool = False) -> Path:
    """The store of the bundled demo corpus, built on first use (seconds) and reused while the
    corpus files are unchanged.

    Raises
    ------
    UsageError
        No bundled corpus (a copy of hypecycle without the repository's ``corpora/``).
    """
    import hashlib

    from .errors import UsageError

    folder = demo_folder()
    if folder is None:
        raise UsageError("no --store given and no bundled demo corpus found (corpora/demo of a clone of the "
                         "repository); pass --store FILE, a store made with `hypecycle ingest`")
    files = sorted(folder.glob("*_briefs.jsonl"))
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    from . import __version__

    h.update(__version__.encode())
    target = cache_dir() / f"demo-{h.hexdigest()[:12]}.duckdb"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".building.duckdb")
    if tmp.exists():
        tmp.unlink()
    ingest_files([str(p) for p in files], tmp, n_process=1, progress=progress)
    tmp.rename(target)
    return target


# ---------------------------------------------------------------------------------------------
# backtests: the phase called at each step with only what was known then
# ---------------------------------------------------------------------------------------------

#: A label stays "in force" this many days after its date when the next one is later.
LABEL_VALID_DAYS = 450


@dataclass
class Backtest:
    """Calls at each step, against labels where given."""

    spec: TopicSpec
    steps: Any            # DataFrame: as_of, phase, confidence, p_<phase>..., label, correct
    turns: Any            # DataFrame: date, from_phase, to_phase, first_call, lag_periods
    trajectory: Any       # the trajectory as of the last step (for plots)
    accuracy: float | None
    caveats: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from .trajectories import _jsonable

        return {"topic": self.spec.name, "spec": self.spec.as_dict(),
                "steps": [{k: _jsonable(v) for k, v in r.items()} for r in self.steps.to_dict(orient="records")],
                "turning_points": [{k: _jsonable(v) for k, v in r.items()}
                                   for r in self.turns.to_dict(orient="records")],
                "accuracy": self.accuracy, "labelled_steps": int(self.steps["label"].notna().sum()),
                "caveats": list(self.caveats)}


def _steps(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    from . import periods

    axis = periods.period_axis(start, end, every)
    out = [min(p.end_time.date(), end) for p in axis]
    return [d for d in out if d >= start]


def labels_for(points, spec: TopicSpec):
    """The label points that speak of the topic ``spec`` (same lexicon id, or same terms)."""
    out = []
    for p in points:
        if spec.topic and p.topic == spec.topic:
            out.append(p)
        elif not spec.topic and p.terms and set(p.terms) == set(spec.terms):
            out.append(p)
    return sorted(out, key=lambda p: p.date)


def run_backtest(store, spec: TopicSpec, *, start: dt.date, end: dt.date, every: str = "quarter",
                 freq: str = "quarter", label_points_=None, model_path=None, trust: bool = False,
                 progress: bool = False) -> Backtest:
    """Call the phase at every step from ``start`` to ``end``, each with only what had been
    published by then (the topic's data are read once and cut at each step; the model, the
    reference cycles and the corpus totals are those of the step), and compare with labels."""
    import pandas as pd

    from .errors import UsageError
    from .labels import PHASES

    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    model, card, notes = load_phase_model(model_path, trust=trust)
    data = topic_data(store, spec, until=end)
    end = min(end, data.until)
    if start < data.first:
        notes.append(f"--from {start} is before the store's first article ({data.first}); the backtest starts there")
        start = data.first
    steps = _steps(start, end, every)
    rows = []
    bar = _bar(len(steps), "backtest", progress)
    traj = None
    try:
        for step in steps:
            try:
                pr = phase_report(store, spec, as_of=step, freq=freq, model=model, card=card, data=data)
            except HypecycleError as e:
                rows.append({"as_of": step, "phase": None, "confidence": None, "note": str(e)})
                continue
            finally:
                if bar is not None:
                    bar.update(1)
            traj = pr.trajectory
            row = {"as_of": step, "phase": pr.call.phase, "confidence": round(pr.call.confidence, 4)}
            row.update({f"p_{k}": round(v, 4) for k, v in pr.call.probabilities.items()})
            if pr.comparison is not None and pr.comparison.analogs:
                a = pr.comparison.analogs[0]
                row["analog"] = f"{a.cycle} {a.position}"
            rows.append(row)
    finally:
        if bar is not None:
            bar.close()
    frame = pd.DataFrame(rows)
    for col in ("phase", "confidence", *[f"p_{k}" for k in PHASES]):
        if col not in frame:
            frame[col] = None
    pts = labels_for(label_points_ or [], spec)
    frame["label"] = [_label_at(pts, d) for d in frame["as_of"]]
    frame["correct"] = [None if lab is None or ph is None else bool(lab == ph)
                        for lab, ph in zip(frame["label"], frame["phase"])]
    judged = frame["correct"].dropna()
    accuracy = float(judged.mean()) if len(judged) else None
    turns = _turns(pts, frame, every)
    if label_points_ is not None and not pts:
        notes.append(f"no label speaks of {spec.name!r}: no accuracy (labels match by lexicon id, or by the same terms)")
    return Backtest(spec, frame, turns, traj, accuracy, notes)


def _label_at(points, d: dt.date):
    last = None
    for p in points:
        if p.date <= d:
            last = p
        else:
            break
    if last is None or (d - last.date).days > LABEL_VALID_DAYS:
        return None
    return last.phase


def _turns(points, frame, every: str):
    """Turning points of the labels, and when the backtest first called the new phase
    (lag in steps: negative means the call came first)."""
    import pandas as pd

    rows = []
    for prev, nxt in zip(points, points[1:]):
        if prev.phase == nxt.phase:
            continue
        turn = nxt.date
        first = None
        for d, ph in zip(frame["as_of"], frame["phase"]):
            if ph == nxt.phase and (turn - d).days <= 2 * 365:
                first = d
                break
        if first is None:
            lag = None
        else:
            step_days = {"month": 30.44, "quarter": 91.31, "year": 365.25}[every]
            lag = round((first - turn).days / step_days)
        rows.append({"date": turn, "from_phase": prev.phase, "to_phase": nxt.phase, "first_call": first,
                     "lag_steps": lag})
    return pd.DataFrame(rows, columns=["date", "from_phase", "to_phase", "first_call", "lag_steps"])


# ---------------------------------------------------------------------------------------------
# batch scoring of new articles
# ---------------------------------------------------------------------------------------------

#: What an article's extraction says about the phase (per-article phase cues).
EVENT_CUES = {"funding": "money flowing in (trigger, peak)", "ipo": "listings (peak)",
              "acquisition": "consolidation (trough, slope)", "bankruptcy": "failure (trough)",
              "shutdown": "failure (trough)", "layoff": "cutbacks (trough)"}


def score_files(paths, store_path, *, options: ReadOptions | None = None, model_path=None, trust: bool = False,
                freq: str = "quarter", progress: bool = False, n_process: int = 1) -> dict[str, Any]:
    """Ingest and extract what is new in ``paths`` (idempotent: a second run adds nothing),
    then give per-article phase cues and a phase call per topic the articles mention, as of
    the latest article in the store."""
    from . import queries
    from .ingest import iter_articles
    from .schema import Reject
    from .store import Store

    options = options or ReadOptions()
    summary = ingest_files(paths, store_path, options=options, progress=progress, n_process=n_process)
    ids = [a.id for a in iter_articles(paths, options) if not isinstance(a, Reject)]
    model, card, notes = load_phase_model(model_path, trust=trust)
    with Store(store_path, read_only=True) as store:
        originals = dict(store.con.execute(
            "SELECT id, duplicate_of FROM duplicates WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall())
        stored = [originals.get(i, i) for i in ids]
        rows = store.con.execute("""
            SELECT a.id, a.date, a.title, coalesce(x.hype, 0), coalesce(x.skeptic, 0)
            FROM articles a LEFT JOIN extracted x ON x.article_id = a.id
            WHERE a.id IN (SELECT unnest(?::VARCHAR[])) ORDER BY a.date, a.id""", [stored]).fetchall()
        mentions = store.con.execute("""
            SELECT article_id, topic, sum(count)::BIGINT FROM mentions
            WHERE article_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL ORDER BY 1, 2""", [stored]).fetchall()
        events = store.con.execute("""
            SELECT article_id, type, company FROM events WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
            ORDER BY article_id, seq""", [stored]).fetchall()
        topics_of: dict[str, dict[str, int]] = {}
        for aid, topic, n in mentions:
            topics_of.setdefault(aid, {})[topic] = int(n)
        events_of: dict[str, list] = {}
        for aid, typ, company in events:
            events_of.setdefault(aid, []).append({"type": typ, "company": company, "cue": EVENT_CUES.get(typ, "")})
        per_article = []
        for aid, date, title, hype, skeptic in rows:
            cues = [e["cue"] for e in events_of.get(aid, [])]
            if hype:
                cues.append(f"hype language x{hype} (trigger, peak)")
            if skeptic:
                cues.append(f"sceptical language x{skeptic} (peak, trough)")
            per_article.append({"id": aid, "date": str(date), "title": title, "topics": topics_of.get(aid, {}),
                                "events": events_of.get(aid, []), "phase_cues": cues})
        topics = sorted({t for d in topics_of.values() for t in d} - {"terms"})
        _, last = queries.date_range(store)
        per_topic = []
        for t in topics:
            try:
                pr = phase_report(store, topic_spec(t), as_of=last, freq=freq, model=model, card=card)
            except HypecycleError as e:
                per_topic.append({"topic": t, "phase": None, "note": str(e)})
                continue
            per_topic.append({"topic": t, "as_of": str(pr.trajectory.as_of), **pr.call.to_dict(),
                              "articles_in_input": sum(1 for d in topics_of.values() if t in d),
                              "caveats": pr.trajectory.caveats})
            per_topic[-1].pop("features", None)
    return {"ingest": summary.as_dict(), "articles": per_article, "topics": per_topic, "notes": notes}


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
