"""Ingestion speed and peak memory on the whole Reuters 2006-2013 corpus (106,520 records).

Runs the real command line as a subprocess into a fresh store, twice: once with
extraction off (the ingestion issue's figure) and, with ``--extract``, once with
extraction on. Prints wall time, articles per second and the child's peak RSS.

    python benchmarks/ingest_speed.py            # ingestion alone
    python benchmarks/ingest_speed.py --extract  # ingestion with extraction (2 processes)
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _ingest_run import reuters_files, timed_ingest


def run(files: list[Path], extract: bool, processes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        summary = timed_ingest(files, store, extract=extract, processes=processes)
        summary["store_mb"] = round(store.stat().st_size / 1e6)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract", action="store_true", help="also extract (events, mentions, cues)")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--years", nargs="*", help="only these years (default: all)")
    args = ap.parse_args()
    files = reuters_files(args.years)
    r = run(files, args.extract, args.processes)
    label = "ingestion with extraction" if args.extract else "ingestion alone (--no-extract)"
    print(f"{label}: {len(files)} files, {r['read']} records read, {r['ingested']} stored, "
          f"{r['duplicates']} duplicates, {r['rejected']} rejected")
    print(f"wall {r['wall_seconds']} s (process reports {r['seconds']} s), "
          f"{r['articles_per_second']} articles/s, peak RSS {r['peak_rss_mb']} MB, "
          f"store {r['store_mb']} MB")
    if args.extract:
        print(f"extracted {r['extracted']} articles, {r['events']} events")


if __name__ == "__main__":
    main()
