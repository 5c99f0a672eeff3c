"""Timing shared by the benchmarks: the median of warm calls."""

from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> tuple[float, list[float]]:
    """``(median, times)`` of ``runs`` calls of ``fn`` after one warm-up call (caches, DuckDB
    buffers, matchers built on first use)."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times
