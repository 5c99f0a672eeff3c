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
