"""Buzzword dilution on a real wave: does the word spread beyond its field before the peak?

Usage::

    python benchmarks/dilution.py [--store STORE] [--topic cloud] [--freq year|quarter]

On the Reuters store (built with ``hypecycle ingest ../shared/corpora/reuters-2006-2013/...``;
``--store``) it prints, per period, the topic's
attention and the two dilution measures of :mod:`hypecycle.trajectories`:

- ``peripheral_share``: of the topic's articles, the share naming the topic once and not in
  the title or lead (their subject is something else), with its 95% interval;
- ``companies`` and ``new_companies``: distinct companies named (with a legal form) in the
  topic's articles, and those named there for the first time,

then the period of the attention maximum and the dilution measures over the periods before
it against those after.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypecycle.jobs import topic_spec, topic_trajectory  # noqa: E402
from hypecycle.store import Store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="the whole Reuters store")
    ap.add_argument("--topic", default="cloud")
    ap.add_argument("--freq", default="year", choices=("year", "quarter"))
    args = ap.parse_args()
    if not Path(args.store).exists():
        print(f"no store at {args.store}; build one with hypecycle ingest (see the docstring)")
        return 1
    with Store(args.store, read_only=True) as s:
        t = topic_trajectory(s, topic_spec(args.topic), freq=args.freq)
    f = t.frame
    print(f"{args.topic} on {args.store}, per {args.freq}")
    print(f"{'period':<8} {'articles':>8} {'topic':>6} {'attention':>9} {'peripheral':>10} {'95% interval':>15} "
          f"{'companies':>9} {'new':>5} {'new/topic art.':>14}")
    for r in f.itertuples():
        iv = (f"{r.peripheral_lo:.2f}-{r.peripheral_hi:.2f}" if not np.isnan(r.peripheral_lo) else "")
        per = f"{r.peripheral_share:.2f}" if not np.isnan(r.peripheral_share) else ""
        rate = f"{r.new_companies / r.topic_articles:.2f}" if r.topic_articles else ""
        print(f"{r.period:<8} {r.articles:>8} {r.topic_articles:>6} {r.attention * 100:>8.3f}% {per:>10} {iv:>15} "
              f"{r.companies:>9} {r.new_companies:>5} {rate:>14}")
    full = f[~f["partial"]]
    peak = int(full["attention"].fillna(0).to_numpy().argmax())
    before, after = full.iloc[:peak + 1], full.iloc[peak + 1:]

    def pooled(part):
        k, n = part["peripheral_articles"].sum(), part["topic_articles"].sum()
        return k / n if n else float("nan")

    print(f"\nattention maximum: {full['period'].iloc[peak]}")
    print(f"peripheral share up to and including it: {pooled(before):.3f} ({int(before['topic_articles'].sum())} "
          f"articles); after it: {pooled(after):.3f} ({int(after['topic_articles'].sum())} articles)")
    if len(before) >= 3:
        x = np.arange(len(before))
        y = before["peripheral_share"].to_numpy()
        ok = ~np.isnan(y)
        slope = np.polyfit(x[ok], y[ok], 1)[0] if ok.sum() >= 3 else float("nan")
        print(f"trend of the peripheral share over the periods up to the maximum: {slope:+.3f} per {args.freq}")
        newc = (before["new_companies"] / before["topic_articles"].replace(0, np.nan)).to_numpy()
        ok = ~np.isnan(newc)
        if ok.sum() >= 3:
            print(f"trend of new companies per topic article up to the maximum: "
                  f"{np.polyfit(x[ok], newc[ok], 1)[0]:+.3f} per {args.freq}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
