"""Shared by the benchmarks: the Reuters files, and one timed `hypecycle ingest` subprocess."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters-2006-2013"


def reuters_files(years: list[str] | None = None) -> list[Path]:
    """The yearly Reuters files (only ``years`` if given); exits with a reason if absent."""
    files = sorted(REUTERS.glob("reuters_20*.jsonl.gz"))
    if years:
        files = [f for f in files if any(y in f.name for y in years)]
    if not files:
        sys.exit(f"no Reuters files under {REUTERS}; this benchmark needs ../shared/corpora")
    return files


def timed_ingest(files: list[Path], store: Path, *, extract: bool, processes: int,
                 model: str | None = None) -> dict:
    """Run `hypecycle ingest` into ``store``; return its JSON summary with wall time and peak RSS."""
    cmd = [sys.executable, "-m", "hypecycle.cli", "ingest", *map(str, files), "--store", str(store),
           "--quiet", "--summary-format", "json", "--processes", str(processes)]
    if not extract:
        cmd.append("--no-extract")
    if model:
        cmd += ["--model", model]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"ingest failed ({proc.returncode}): {proc.stderr.strip()}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    summary["wall_seconds"] = round(wall, 1)
    # the largest process among the children waited for (the ingest process and its workers)
    summary["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return summary
