"""Derive ``hypecycle/data/events/common_words.txt``: English words that news writes in lower case.

Usage::

    python corpora/derive_common_words.py [--min-count 30] [--min-share 0.97]

Reads the Reuters 2006-2013 corpus in ``../shared/corpora`` and counts every word that
follows a lower-case word or a comma inside a sentence, in lower case ("the staff said")
and capitalised ("the Staff said"). A word goes into the list when its lower-case form
was seen at least ``--min-count`` times and makes up at least ``--min-share`` of those
mid-sentence uses. Company names that are also common words ("Target", "Apple") are
capitalised mid-sentence often enough to stay out. The extractor uses the list to tell a
capitalised sentence opener ("Staff at Iberia ...", "Raising a round ...") from a name.
Only the resulting word list is committed, never text of the corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "reuters-2006-2013"
OUT = ROOT / "hypecycle" / "data" / "events" / "common_words.txt"
_MID = re.compile(r"(?<=[a-z,] )([A-Za-z][a-z]+(?:-[a-z]+)*)\b")


def count(paths: list[Path]) -> tuple[Counter, Counter]:
    lower: Counter = Counter()
    upper: Counter = Counter()
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                body = json.loads(line).get("body") or ""
                for m in _MID.finditer(body):
                    w = m.group(1)
                    if w[0].isupper():
                        upper[w.lower()] += 1
                    else:
                        lower[w] += 1
    return lower, upper


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-count", type=int, default=30)
    ap.add_argument("--min-share", type=float, default=0.97)
    args = ap.parse_args(argv)
    paths = sorted(CORPUS.glob("reuters_20*.jsonl.gz"))
    if not paths:
        print(f"{CORPUS} not found; nothing to derive", file=sys.stderr)
        return 1
    lower, upper = count(paths)
    words = sorted(w for w, n in lower.items()
                   if len(w) >= 3 and n >= args.min_count and n / (n + upper[w]) >= args.min_share)
    header = [
        "# English words that news writes in lower case (one per line), derived from word counts of",
        "# the Reuters 2006-2013 corpus: lower-case mid-sentence uses >= "
        f"{args.min_count}, share >= {args.min_share}.",
        "# Regenerate: python corpora/derive_common_words.py",
    ]
    OUT.write_text("\n".join(header + words) + "\n", encoding="utf-8")
    print(f"{len(words):,} words written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
