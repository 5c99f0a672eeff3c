"""Near-duplicate stories: MinHash signatures and locality-sensitive hashing (datasketch).

Wire services update and republish a story through the day: a rewritten lead or an appended
paragraph is not a new story, and counting its events twice would falsify every trajectory.
Exact copies are caught by their content hash (:meth:`hypecycle.store.Store.plan_batch`);
this module catches the near copies.

* A story's **shingles** are the distinct 3-word sequences of its lower-cased text (the title
  when the text is short); stories under :data:`MIN_WORDS` words are never called
  near-duplicates (too little text to tell an update from a look-alike).
* Its **signature** is a :class:`datasketch.MinHash` of :data:`NUM_PERM` permutations, whose
  agreement estimates the Jaccard similarity of two shingle sets.
* A :class:`datasketch.MinHashLSH` index proposes candidates; one whose estimated similarity
  is at least ``threshold`` (default :data:`THRESHOLD`, chosen by reading Reuters pairs:
  ``benchmarks/NEAR_DUPLICATES.md``) and whose date is at most ``window_days`` (default
  :data:`WINDOW_DAYS`) from the story's is its original.
* Memory is bounded: the index holds only the stories of the last ``window_days`` days
  before the latest date seen (older ones are removed, whatever order the stories come in),
  and never more than ``max_stories`` (default :data:`MAX_STORIES`, the oldest go first), so
  it never grows with the corpus. Stories are sought among those of the window: a corpus read
  in date order (a feed, files per year) has every near copy looked for; a story dated far
  before the latest one read is compared with the few of its own days read since.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import re
import zlib
from collections.abc import Iterable

import numpy as np

__all__ = ["MAX_STORIES", "NUM_PERM", "THRESHOLD", "WINDOW_DAYS", "NearDuplicateIndex", "from_values",
           "shingles", "signature", "signature_values", "signed_batches"]

#: Permutations of a MinHash signature.
NUM_PERM = 128
#: Estimated Jaccard similarity (of 3-word shingles) from which a story is a near-duplicate.
THRESHOLD = 0.7
#: Days between a near-duplicate and its original, at most.
WINDOW_DAYS = 3
#: Stories the index holds at most (about 9 KB each with the LSH tables: some 170 MB).
MAX_STORIES = 20_000
#: Words a story needs for near-duplicate detection.
MIN_WORDS = 40
SHINGLE = 3

_WORD = re.compile(r"\w+")
_SEED = None


def shingles(title: str, text: str) -> set[int] | None:
    """The 32-bit hashes of the distinct 3-word shingles of a story (its text, or its title when
    the text is too short), or ``None`` when it has fewer than :data:`MIN_WORDS` words."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        words = _WORD.findall(f"{title} {text}".lower())
        if len(words) < MIN_WORDS:
            return None
    h = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    # combine consecutive word hashes into one 32-bit shingle hash, vectorised
    mixed = (h[:-2] * np.uint64(0x9E3779B1) + h[1:-1] * np.uint64(0x85EBCA77) + h[2:]) & np.uint64(0xFFFFFFFF)
    return set(mixed.tolist())


class _Base:
    """The permutations every signature of a run shares (drawn once)."""

    minhash = None

    @classmethod
    def get(cls):
        if cls.minhash is None:
            from datasketch import MinHash

            cls.minhash = MinHash(num_perm=NUM_PERM, hashfunc=_identity)
        return cls.minhash


def _identity(x):
    return x


def signature(hashes: Iterable[int]):
    """The MinHash signature of a set of shingle hashes."""
    from datasketch import MinHash

    base = _Base.get()
    m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, permutations=base.permutations, scheme=base.scheme)
    m.update_batch(list(hashes))
    return m


def signature_values(title: str, text: str) -> np.ndarray | None:
    """A story's MinHash values (its :func:`signature`'s ``hashvalues``), or ``None`` when it
    is too short to judge: what a worker process computes and sends back."""
    hashes = shingles(title, text)
    return None if hashes is None else signature(hashes).hashvalues


def from_values(values: np.ndarray | None):
    """The MinHash of values :func:`signature_values` computed (``None`` stays ``None``)."""
    if values is None:
        return None
    from datasketch import MinHash

    base = _Base.get()
    return MinHash(num_perm=NUM_PERM, hashfunc=_identity, hashvalues=values, permutations=base.permutations,
                   scheme=base.scheme)


def _values_of(stories: list[tuple]) -> dict:
    return {key: signature_values(title, text) for key, title, text in stories}


def _init_signer(parent: int) -> None:
    from .lifeline import die_with_parent

    die_with_parent(parent)


def signed_batches(batches: Iterable[list], stories) -> Iterable[tuple[list, dict]]:
    """Each batch with the signature values of its stories, computed one batch ahead in a worker
    process, so that the process that reads and writes does not also shingle and hash.

    ``stories(batch)`` gives the batch's ``(key, title, text)`` triples; the values come back as
    ``{key: values}`` (``None`` for a story too short to judge). The first batch is signed here, and the worker starts only when a second one comes
    (a small input spawns nothing). The worker ends with its parent
    (:func:`hypecycle.lifeline.die_with_parent`).
    """
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    it = iter(batches)
    first = next(it, None)
    if first is None:
        return
    second = next(it, None)
    if second is None:
        yield first, _values_of(stories(first))
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"), initializer=_init_signer,
                             initargs=(os.getpid(),)) as pool:
        ahead = pool.submit(_values_of, stories(second))
        yield first, _values_of(stories(first))
        batch = second
        for nxt in it:
            values = ahead.result()
            ahead = pool.submit(_values_of, stories(nxt))
            yield batch, values
            batch = nxt
        yield batch, ahead.result()


class NearDuplicateIndex:
    """Stories of the last few days, to find the original a new story nearly duplicates.

    Parameters
    ----------
    threshold
        Estimated Jaccard similarity from which a story is a near-duplicate.
    window_days
        Days between a near-duplicate and its original, at most; also how long a story
        stays in the index after the latest date seen.
    max_stories
        Stories held at most; beyond, the oldest-dated are dropped first.
    """

    def __init__(self, threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS,
                 max_stories: int = MAX_STORIES):
        from datasketch import MinHashLSH

        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.window_days = int(window_days)
        self.max_stories = int(max_stories)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        # key -> (date, MinHash values): the values alone, not the MinHash object
        self._sig: dict[str, tuple[dt.date, np.ndarray]] = {}
        # (date, insertion number, key), a heap: the oldest-dated story on top, whatever the order
        self._by_date: list[tuple[dt.date, int, str]] = []
        self._seq = itertools.count()
        self._latest: dt.date | None = None

    def __len__(self) -> int:
        return len(self._sig)

    def __contains__(self, key: str) -> bool:
        return key in self._sig

    def find(self, date: dt.date, title: str, text: str) -> tuple[str | None, float, object]:
        """``(original id, similarity, signature)``: the most similar indexed story within the
        window at or above the threshold, or ``(None, 0.0, signature)``; the signature (``None``
        for a story too short to judge) is what :meth:`add` takes."""
        hashes = shingles(title, text)
        return self.find_signed(date, None if hashes is None else signature(hashes))

    def find_signed(self, date: dt.date, sig) -> tuple[str | None, float, object]:
        """:meth:`find` for a story whose signature is known (``None``: too short to judge)."""
        if sig is None:
            return None, 0.0, None
        values = sig.hashvalues
        best, best_sim = None, 0.0
        for key in self._lsh.query(sig):
            d, other = self._sig[key]
            if abs((d - date).days) > self.window_days:
                continue
            sim = float(np.count_nonzero(values == other)) / len(values)  # MinHash.jaccard
            if sim >= self.threshold and (sim > best_sim or (sim == best_sim and key < best)):
                best, best_sim = key, sim
        return best, best_sim, sig

    def add(self, key: str, date: dt.date, sig) -> None:
        """Index a story (by the signature :meth:`find` returned), then drop those that fell
        out of the window, and the oldest beyond :attr:`max_stories`."""
        if sig is None or key in self._sig:
            return
        self._lsh.insert(key, sig)
        self._sig[key] = (date, sig.hashvalues)
        heapq.heappush(self._by_date, (date, next(self._seq), key))
        if self._latest is None or date > self._latest:
            self._latest = date
        self._evict()

    def _evict(self) -> None:
        horizon = self._latest - dt.timedelta(days=self.window_days)
        while self._by_date and (self._by_date[0][0] < horizon or len(self._sig) > self.max_stories):
            _, _, key = heapq.heappop(self._by_date)
            if key in self._sig:
                del self._sig[key]
                self._lsh.remove(key)
