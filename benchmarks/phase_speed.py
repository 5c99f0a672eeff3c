"""Speed of the phase classifier and the report (the targets of issues 9 and 10).

    python benchmarks/phase_speed.py --store news.duckdb [--runs 3] [--skip-train]

``--store`` is the whole Reuters store (``hypecycle ingest
../shared/corpora/reuters-2006-2013/reuters_20*.jsonl.gz --store news.duckdb``). It prints:

- training (subprocesses of ``hypecycle train --features corpora/label_features.csv --seed
  0``): the shipped configuration alone (real labels, ``--mix without --no-evaluate``), target
  < 2 min on 2 cores; with the 150 synthetic cycles kept; and with ``--full`` the README's
  command, which measures both mixes leave-one-topic-out before it picks one;
- evaluating the shipped model on every development label (``evaluate --features``, in
  process, warm): target < 1 min;
- one phase call for one topic as of one date on the whole store, warm (the median of
  ``--runs`` calls after a warm-up): target < 2 s;
- ``report`` (the phase call with its evidence: events, articles, signals; the model
  loaded as the command does) warm: target < 3 s;
- a 28-quarter backtest of cloud 2007-2013: target < 30 s;
- the size of the HTML report page: target < 2 MB.

The figures are wall-clock seconds on this machine; say what else was running when you
quote them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timed

from hypecycle.jobs import (build_report, evaluate_model, load_phase_model, phase_report, read_features,
                            run_backtest, topic_spec)
from hypecycle.report import render
from hypecycle.store import Store

FEATURES = ROOT / "corpora" / "label_features.csv"


def line(what: str, seconds: float, target: float | None = None, unit: str = "s") -> None:
    verdict = "" if target is None else ("  (target < %g %s: %s)" % (target, unit, "met" if seconds < target else "MISSED"))
    print(f"{what:<58} {seconds:8.2f} {unit}{verdict}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="the whole Reuters store")
    ap.add_argument("--topic", default="cloud")
    ap.add_argument("--as-of", default="2010-06-30")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-train", action="store_true", help="do not time training")
    ap.add_argument("--full", action="store_true", help="also time the README's training command in full")
    args = ap.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)
    print(f"cores: {os.cpu_count()}; store: {args.store}; topic {args.topic} as of {as_of}")

    if not args.skip_train:
        runs = [("train the shipped configuration (real labels, --mix without --no-evaluate)",
                 ["--mix", "without", "--no-evaluate"], 120),
                ("train with 150 synthetic cycles kept (--mix with --no-evaluate)", ["--mix", "with", "--no-evaluate"],
                 None)]
        if args.full:
            runs.append(("the README's command (both LOTO measurements, then the best mix)", [], None))
        for what, extra, target in runs:
            with tempfile.TemporaryDirectory() as tmp:
                cmd = [sys.executable, "-m", "hypecycle.cli", "train", "--features", str(FEATURES), "--seed", "0",
                       "-q", "--out", str(Path(tmp) / "m.skops"), *extra]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
                line(what, time.perf_counter() - t0, target)

    model, card, _ = load_phase_model()
    real = read_features([FEATURES], groups=card.get("feature_groups"))
    line(f"evaluate on all {len(real)} development labels (warm)", timed(lambda: evaluate_model(model, card, real), 1)[0], 60)

    spec = topic_spec(args.topic)
    with Store(args.store, read_only=True) as s:
        line("one phase call, one topic, one date (warm)",
             timed(lambda: phase_report(s, spec, as_of=as_of, model=model, card=card), args.runs)[0], 2)
        line("report, all its evidence (warm)",
             timed(lambda: build_report(s, spec, as_of=as_of), args.runs)[0], 3)
        t0 = time.perf_counter()
        bt = run_backtest(s, spec, start=dt.date(2007, 1, 1), end=dt.date(2013, 12, 31), every="quarter")
        line(f"backtest, {len(bt.steps)} quarterly steps", time.perf_counter() - t0, 30)
        rep, figures = build_report(s, spec, as_of=as_of, figures=True)
        html = render(rep, "html", figures)
        line("HTML report page", len(html.encode()) / 1e6, 2, "MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
