"""Near-duplicate stories in the Reuters corpus: how many pairs at each similarity, and a
sample of pairs to read, to choose the threshold of hypecycle.neardup.

    python benchmarks/near_duplicates.py count [--years 2006 2007 ...] [--low 0.5]
    python benchmarks/near_duplicates.py show --bucket 0.8 --n 10 [--seed 0]   # prints text: never commit it

`count` reads the corpus files (../shared/corpora/reuters-2006-2013) with hypecycle's own
reader, drops exact copies (content hash) as ingestion does, and finds, with MinHash LSH at
the low threshold, every pair of stories at most WINDOW_DAYS apart; it prints the pairs per
similarity bucket (MinHash estimate; the exact Jaccard of the shingle sets beside it) and how
many stories the shipped threshold would call near-duplicates. `show` prints sampled pairs of
one bucket (titles, dates, and the words where they differ) for a reader to judge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypecycle import neardup  # noqa: E402
from hypecycle.ingest import iter_articles  # noqa: E402
from hypecycle.schema import Article  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "reuters-2006-2013"
PAIRS = Path(tempfile.gettempdir()) / "hypecycle_near_pairs.jsonl"
BUCKETS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


def _files(years):
    return [CORPUS / f"reuters_{y}.jsonl.gz" for y in years]


def count(args) -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=args.low, num_perm=neardup.NUM_PERM)
    window: dict[str, tuple] = {}
    order: list[tuple] = []
    seen_hash: set[int] = set()
    n = exact = short = 0
    pairs = []
    start = time.perf_counter()
    sig_seconds = 0.0
    for a in iter_articles(_files(args.years)):
        if not isinstance(a, Article):
            continue
        n += 1
        if a.content_hash in seen_hash:
            exact += 1
            continue
        seen_hash.add(a.content_hash)
        t0 = time.perf_counter()
        sh = neardup.shingles(a.title, a.text)
        if sh is None:
            short += 1
            continue
        sig = neardup.signature(sh)
        sig_seconds += time.perf_counter() - t0
        for key in lsh.query(sig):
            d, osig, osh, otitle = window[key]
            if abs((d - a.date).days) <= neardup.WINDOW_DAYS:
                est = float(sig.jaccard(osig))
                jac = len(sh & osh) / len(sh | osh)
                pairs.append({"a": key, "b": a.id, "date_a": str(d), "date_b": str(a.date),
                              "estimate": round(est, 3), "jaccard": round(jac, 3)})
        lsh.insert(a.id, sig)
        window[a.id] = (a.date, sig, sh, a.title)
        order.append((a.date, a.id))
        horizon = a.date - dt.timedelta(days=neardup.WINDOW_DAYS)
        while order and order[0][0] < horizon:
            _, k = order.pop(0)
            if k in window:
                del window[k]
                lsh.remove(k)
    secs = time.perf_counter() - start
    PAIRS.write_text("".join(json.dumps(p) + "\n" for p in pairs))
    print(f"{n} articles read ({', '.join(map(str, args.years))}), {exact} exact copies, {short} too short "
          f"(< {neardup.MIN_WORDS} words) in {secs:.0f} s; signatures {1000 * sig_seconds / max(n, 1):.2f} ms/article")
    print(f"candidate pairs at most {neardup.WINDOW_DAYS} days apart, by estimated similarity:")
    for lo, hi in zip(BUCKETS, BUCKETS[1:] + (1.01,)):
        b = [p for p in pairs if lo <= p["estimate"] < hi]
        if not b:
            print(f"  [{lo:.2f}, {hi:.2f}): 0")
            continue
        ex = sorted(p["jaccard"] for p in b)
        print(f"  [{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}: {len(b)} pairs "
              f"(exact Jaccard median {ex[len(ex) // 2]:.3f})")
    copies = {p["b"] for p in pairs if p["estimate"] >= neardup.THRESHOLD}
    print(f"stories the threshold {neardup.THRESHOLD} calls near-duplicates: {len(copies)} "
          f"({100 * len(copies) / max(n - exact, 1):.2f}% of the distinct stories)")


def show(args) -> None:
    pairs = [json.loads(x) for x in PAIRS.read_text().splitlines()]
    lo = args.bucket
    hi = next((b for b in BUCKETS if b > lo), 1.01)
    b = [p for p in pairs if lo <= p["estimate"] < (hi if hi <= 1.0 else 1.01)]
    random.Random(args.seed).shuffle(b)
    want = {p["a"] for p in b[:args.n]} | {p["b"] for p in b[:args.n]}
    texts = {}
    for a in iter_articles(_files(args.years)):
        if isinstance(a, Article) and a.id in want:
            texts[a.id] = a
    import difflib

    for p in b[:args.n]:
        x, y = texts.get(p["a"]), texts.get(p["b"])
        if x is None or y is None:
            continue
        print("=" * 100)
        print(f"est {p['estimate']} jaccard {p['jaccard']}  {p['date_a']} | {p['date_b']}")
        print(f"A: {x.title}\nB: {y.title}")
        wa, wb = x.text.split(), y.text.split()
        print(f"words {len(wa)} | {len(wb)}")
        sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal":
                print(f"  {tag}: A[{' '.join(wa[i1:i2])[:300]}] B[{' '.join(wb[j1:j2])[:300]}]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("count", "show"))
    ap.add_argument("--years", nargs="+", type=int, default=list(range(2006, 2014)))
    ap.add_argument("--low", type=float, default=0.5)
    ap.add_argument("--bucket", type=float, default=0.8)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    (count if args.what == "count" else show)(args)


if __name__ == "__main__":
    main()
