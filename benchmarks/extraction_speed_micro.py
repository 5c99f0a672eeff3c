"""Words per second of ``Extractor.extract`` next to the bare blank tokenizer, on Reuters 2008.

Usage::

    python benchmarks/extraction_speed_micro.py [--n 2000] [--model blank|sm]

Reads ``../shared/corpora/reuters-2006-2013/reuters_2008.jsonl.gz`` directly (title, body);
one process, so the figure is per core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import time
from itertools import islice
from pathlib import Path

import spacy

from hypecycle.extract import Extractor
from hypecycle.schema import Article

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "reuters-2006-2013" / "reuters_2008.jsonl.gz"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to read (every 5th of the file)")
    ap.add_argument("--model", choices=["blank", "sm"], default="blank")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"{CORPUS} not found; nothing to measure")
        return 0
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in islice(fh, 0, args.n * 5, 5)]
    arts = [Article(str(i), dt.date.fromisoformat(r["date"]), r["title"], r["body"]) for i, r in enumerate(recs)]
    words = sum(len(f"{a.title} {a.text}".split()) for a in arts)
    nlp = spacy.blank("en")
    t0 = time.perf_counter()
    for a in arts:
        nlp.make_doc(f"{a.title}\n\n{a.text}")
    tok = time.perf_counter() - t0
    ex = Extractor(model=args.model)
    ex.extract(arts[0])
    t0 = time.perf_counter()
    n_events = sum(len(ex.extract(a).events) for a in arts)
    full = time.perf_counter() - t0
    print(f"{len(arts)} articles, {words:,} words (whitespace-split), Reuters 2008")
    print(f"blank tokenizer only : {words / tok:>10,.0f} words/s  ({tok:.2f} s)")
    print(f"Extractor({args.model!r})    : {words / full:>10,.0f} words/s  ({full:.2f} s, {n_events} events)"
          f"{'  [topic/cue matchers: fallback]' if ex.topics_fallback else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
