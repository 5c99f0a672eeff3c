"""Ingestion speed and peak memory on the whole Reuters 2006-2013 corpus (106,520 records).

Runs the real command line as a subprocess into a fresh store, twice: once with
extraction off (the ingestion issue's figure) and, with ``--extract``, once with
extraction on. Prints wall time, articles per second and the child's peak RSS.

    python benchmarks/ingest_speed.py            # ingestion alone
    python benchmarks/ingest_speed.py --extract  # ingestion with extraction (2 processes)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-2006-2013"


def run(files: list[Path], extract: bool, processes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        cmd = [sys.executable, "-m", "hypecycle.cli", "ingest", *map(str, files), "--store", str(store),
               "--quiet", "--summary-format", "json", "--processes", str(processes)]
        if not extract:
            cmd.append("--no-extract")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(f"ingest failed ({proc.returncode}): {proc.stderr.strip()}")
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = store.stat().st_size / 1e6
    return {"wall_seconds": round(wall, 1), "peak_rss_mb_largest_child": round(peak_mb), "store_mb": round(size_mb),
            **summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extract", action="store_true", help="also extract (events, mentions, cues)")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--years", nargs="*", help="only these years (default: all)")
    args = ap.parse_args()
    files = sorted(REUTERS.glob("reuters_20*.jsonl.gz"))
    if args.years:
        files = [f for f in files if any(y in f.name for y in args.years)]
    if not files:
        sys.exit(f"no Reuters files under {REUTERS}; this benchmark needs ../shared/corpora")
    r = run(files, args.extract, args.processes)
    label = "ingestion with extraction" if args.extract else "ingestion alone (--no-extract)"
    print(f"{label}: {len(files)} files, {r['read']} records read, {r['ingested']} stored, "
          f"{r['duplicates']} duplicates, {r['rejected']} rejected")
    print(f"wall {r['wall_seconds']} s (process reports {r['seconds']} s), "
          f"{r['articles_per_second']} articles/s, peak RSS {r['peak_rss_mb_largest_child']} MB, "
          f"store {r['store_mb']} MB")
    if args.extract:
        print(f"extracted {r['extracted']} articles, {r['events']} events")


if __name__ == "__main__":
    main()
