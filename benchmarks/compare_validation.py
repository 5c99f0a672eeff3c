"""How well comparison places a record in a cycle: synthetic copies, and two real cycles.

    python benchmarks/compare_validation.py [--shared ../shared] [--work DIR] [--trials 60]

1. **Synthetic.** Stretches of random length (8-26 quarters) and start, taken from four
   seeded synthetic cycles (:func:`hypecycle.reference.synthetic_cycle`), rescaled by a
   random factor and offset and given 15% multiplicative noise, are compared with all four:
   how often the source cycle ranks first, and how far the matched position lies from the
   stretch's true last quarter.
2. **Real: dot-com against telecom-1990s and back.** Both cycles are read from the same
   WSJ/Washington Post corpus with different lexicons, and both rode the same Nasdaq, so the
   quarter a record has reached should match the same quarter of the other cycle. For each
   as-of quarter 1997Q4-2003Q4 the dot-com record is aligned with the telecom-1990s cycle and
   the telecom record with the dot-com cycle (the alignment of :func:`hypecycle.compare.compare`,
   called directly: the usual as-of exclusion would rightly refuse a cycle that had not ended,
   but here measuring the alignment is the point). Prints the error in quarters per as-of date.

Needs ``../shared`` (the WSJ/Washington Post corpus is ingested into ``--work``, about 40 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "corpora"))

from build_reference_cycles import TELECOM_EXTRA
from synthetic_trajectories import trajectory_from

from hypecycle import compare as cmp
from hypecycle.jobs import ingest_files, topic_data, topic_spec, topic_trajectory
from hypecycle.reference import get_cycle, synthetic_cycle
from hypecycle.store import Store


def synthetic(trials: int) -> None:
    refs = [synthetic_cycle(10 + i, cycle_id=f"c{i}", peak=p, width=w, plateau=pl, noise=0.05)
            for i, (p, w, pl) in enumerate([(16, 4, 0.35), (10, 2.5, 0.6), (20, 3, 0.1), (14, 6, 0.5)])]
    rng = np.random.default_rng(5)
    right, errors = 0, []
    for t in range(trials):
        ref = refs[t % len(refs)]
        length = int(rng.integers(8, 27))
        s0 = int(rng.integers(0, 40 - length))
        e0 = s0 + length - 1
        values = ref.series["attention"].to_numpy()[s0:e0 + 1] * rng.uniform(0.2, 3) + rng.uniform(0, 0.01)
        values = np.clip(values * (1 + 0.15 * rng.standard_normal(len(values))), 0, None)
        got = cmp.compare(trajectory_from(values, start=dt.date(2015, 1, 1), articles=100_000), refs, top=4)
        best = got.analogs[0]
        if best.cycle == ref.id:
            right += 1
            errors.append(ref.series.index.get_loc(pd.Period(best.position, freq="Q")) - e0)
    e = np.abs(errors)
    print(f"synthetic: {trials} copies (8-26 quarters, rescaled, 15% noise) of 4 cycles: source cycle first in "
          f"{right / trials:.0%}; when it is, position error 0 in {np.mean(e == 0):.0%}, <= 1 quarter in "
          f"{np.mean(e <= 1):.0%}, median {np.median(e):.0f}, 90th percentile {np.percentile(e, 90):.1f}")


def real(shared: Path, work: Path) -> None:
    store = work / "usnews.duckdb"
    ingest_files([str(shared / "corpora" / "wsj-wapo-1995-2014" / "usnews.csv")], store, n_process=2)
    lexicon = work / "telecom-1990s.jsonl"
    shipped = (ROOT / "hypecycle" / "data" / "lexicons" / "telecom.jsonl").read_text(encoding="utf-8")
    lexicon.write_text(shipped.rstrip("\n") + "\n" + "".join(
        json.dumps({"label": "telecom", "pattern": t, "id": t}) + "\n" for t in TELECOM_EXTRA), encoding="utf-8")
    dates = [p.end_time.date() for p in pd.period_range("1997Q4", "2003Q4", freq="Q")]
    pairs = (("dot-com", topic_spec("dot-com"), get_cycle("telecom-1990s")),
             ("telecom", topic_spec("telecom", lexicons=[lexicon]), get_cycle("dot-com")))
    with Store(store, read_only=True) as s:
        for name, spec, cycle in pairs:
            data = topic_data(s, spec, until=dt.date(2004, 12, 31))
            errs = []
            for d in dates:
                traj = topic_trajectory(s, spec, as_of=d, since=dt.date(1995, 1, 1), data=data)
                record = traj.frame
                begin = "flat" if cmp._flat_p(record) > 0.05 else (
                    "open" if cmp._starts_mid_cycle(record, cmp.SMOOTH)[0] else "quiet")
                a = cmp._match_cycle(record, cycle, ["attention"], smooth=cmp.SMOOTH, begin=begin,
                                     horizons=cmp.HORIZONS, offset=0, caveats=[])
                errs.append((pd.Period(a.position, freq="Q") - pd.Period(d, freq="Q")).n)
            e = np.abs(errs)
            print(f"{name} record vs {cycle.id}, as of each quarter 1997Q4-2003Q4: error (quarters) "
                  f"{' '.join(f'{x:+d}' for x in errs)}")
            print(f"  mean |error| {e.mean():.2f}, within 1 quarter {np.mean(e <= 1):.0%}, within 2 "
                  f"{np.mean(e <= 2):.0%}, largest {e.max()}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--work", type=Path, help="folder for the store (default: a temporary folder)")
    ap.add_argument("--trials", type=int, default=60)
    args = ap.parse_args(argv)
    synthetic(args.trials)
    if not (args.shared / "corpora").is_dir():
        print(f"no corpora at {args.shared / 'corpora'}: the real comparison is skipped")
        return 0
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        real(args.shared, args.work)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            real(args.shared, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
