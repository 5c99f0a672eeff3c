"""How far two annotators agree on real articles, next to how far the extractor agrees with each.

Usage::

    python benchmarks/annotator_agreement.py [--set wilddev4]
        [--second tests/data/extraction/agreement/wilddev4-b.jsonl] [--model blank|sm]

The second file holds an independent annotation (same locators and conventions, made
without seeing the first or the system's output) of some articles of ``--set``. On those
articles it prints, with the scorer of ``extraction_accuracy.py`` (type and company must
match; field accuracy on matched events):

- annotator B scored against annotator A: the agreement two careful people reach, a ceiling
  for any extractor judged against one of them;
- the extractor against A, and against B.

Agreement is symmetric in F1 (B against A has the precision of A against B as its recall).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from extraction_accuracy import DATA, load_set, report, score_article

from hypecycle.extract import Extractor

DEFAULT_SECOND = DATA / "agreement" / "wilddev4-b.jsonl"


def _empty() -> tuple:
    return defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(lambda: [0, 0]), []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="wilddev4", help="the set holding the first annotation (annotator A)")
    ap.add_argument("--second", type=Path, default=DEFAULT_SECOND, help="the second annotation (annotator B)")
    ap.add_argument("--model", choices=["blank", "sm"], default="blank")
    ap.add_argument("--errors", action="store_true", help="list the disagreements between A and B")
    args = ap.parse_args(argv)
    if not args.second.exists():
        print(f"{args.second} not found; nothing to compare")
        return 1
    second = {}
    for n, line in enumerate(args.second.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{args.second}:{n}: not JSON ({exc.msg})")
                return 1
            second[row["id"]] = row["events"]
    data = [(art, gold) for art, gold in load_set(args.set) if art.id in second]
    if not data:
        print(f"no article of {args.set} is in {args.second}; nothing to compare")
        return 1
    ex = Extractor(model=args.model)
    b_vs_a, sys_vs_a, sys_vs_b = _empty(), _empty(), _empty()
    for art, gold_a in data:
        gold_b = second[art.id]
        pred = [e.to_dict() for e in ex.extract(art).events]
        score_article(art.id, gold_a, gold_b, b_vs_a)
        score_article(art.id, gold_a, pred, sys_vs_a)
        score_article(art.id, gold_b, pred, sys_vs_b)
    n_a = sum(len(g) for _, g in data)
    n_b = sum(len(second[a.id]) for a, _ in data)
    print(f"{len(data)} articles of {args.set}; annotator A: {n_a} events, annotator B: {n_b} events")
    report(f"annotator B against annotator A ({args.set})", "human", (*b_vs_a, 0.0), args.errors)
    report("extractor against annotator A", args.model, (*sys_vs_a, 0.0), False)
    report("extractor against annotator B", args.model, (*sys_vs_b, 0.0), False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
