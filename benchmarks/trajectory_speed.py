"""Speed of trajectories and comparison on a whole store (the issue's targets), warm.

    python benchmarks/trajectory_speed.py --store news.duckdb [--runs 5] [--profile]

On the whole Reuters store (102k articles) the issue asks for: one topic's trajectory
< 1 s, all shipped topics < 5 s, an ad-hoc two-term trajectory < 3 s, and ``compare``
< 2 s, each warm (a second call in the same process), on a 2-core machine. Each figure is
the median of ``--runs`` calls after one warm-up call. ``compare`` is timed end to end
(``jobs.compare_topic``: the trajectory, the alignment with every usable cycle and the
hype-curve fit), and its parts alone. ``--profile`` prints where the time of each missed
target goes (cProfile, cumulative, the top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timed

from hypecycle.compare import compare
from hypecycle.fit import fit_hype_curve
from hypecycle.jobs import compare_topic, known_topics, topic_spec, topic_trajectory
from hypecycle.reference import load_cycles
from hypecycle.store import Store

TERMS = "social network,social networking"


def profile(fn, top: int = 12) -> str:
    pr = cProfile.Profile()
    pr.enable()
    fn()
    pr.disable()
    out = io.StringIO()
    pstats.Stats(pr, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, default=Path("news.duckdb"), help="a store of the whole Reuters corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="as-of date for compare (default: "
                                                                               "the latest article)")
    ap.add_argument("--profile", action="store_true", help="profile each missed target")
    args = ap.parse_args(argv)
    cycles = load_cycles()
    with Store(args.store, read_only=True) as s:
        n = s.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        topics = [t for t in known_topics(s)]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"store {args.store}: {n:,} articles; {os.cpu_count()} cores; load average {load:.1f} at start")
        cloud = topic_spec("cloud")
        terms = topic_spec(terms=TERMS)
        traj = topic_trajectory(s, cloud, as_of=args.as_of)
        cases = [
            ("one topic's trajectory (cloud)", 1.0, lambda: topic_trajectory(s, cloud)),
            (f"all {len(topics)} shipped topics' trajectories", 5.0,
             lambda: [topic_trajectory(s, topic_spec(t)) for t in topics]),
            (f"ad-hoc two-term trajectory ({TERMS})", 3.0, lambda: topic_trajectory(s, terms)),
            ("compare, end to end (cloud: trajectory + alignment + fit)", 2.0,
             lambda: compare_topic(s, cloud, as_of=args.as_of, cycles=cycles)),
            ("  of which the alignment alone", None, lambda: compare(traj, cycles)),
            ("  of which the hype-curve fit alone", None, lambda: fit_hype_curve(traj)),
        ]
        missed = []
        print(f"{'what':62s} {'median s':>9s} {'target':>7s}  runs")
        for name, target, fn in cases:
            med, times = timed(fn, args.runs)
            verdict = "" if target is None else ("met" if med < target else "MISSED")
            print(f"{name:62s} {med:9.3f} {f'< {target:g}' if target else '':>7s}  "
                  f"{' '.join(f'{t:.2f}' for t in times)} {verdict}", flush=True)
            if target is not None and med >= target:
                missed.append((name, fn))
        if args.profile:
            for name, fn in missed:
                print(f"\n--- profile: {name}")
                print(profile(fn))
    return 0


if __name__ == "__main__":
    sys.exit(main())
