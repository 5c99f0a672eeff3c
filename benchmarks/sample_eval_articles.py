"""Draw, show and check real articles for the extraction evaluation sets.

Usage::

    python benchmarks/sample_eval_articles.py draw --seed S --n N --prefix P --out FILE [--fires]
                                                   [--exclude real,heldout,wilddev,wilddev2] [--corpus C]
    python benchmarks/sample_eval_articles.py show FILE [ID ...]
    python benchmarks/sample_eval_articles.py check FILE

``draw`` builds the pool that FORMAT.md describes (an event keyword in title or text;
Reuters bodies and WSJ/WaPo 1995-2005 texts of 200-3,500 characters; headline title +
``raw_summary``), leaves out every article of the sets named by ``--exclude`` (by
locator, and by the sha1 of the record's title where the corpus has titles), and draws ``N`` articles with
``random.Random(S)``:

- without ``--fires``, a uniform sample of the pool;
- with ``--fires``, the pool shuffled with the seed and walked in order, keeping the
  articles on which the rules (blank model) report at least one event, until ``N``. This
  is the population a filter on the rules' candidates sees; it cannot measure recall on
  articles where the rules stay silent.

``--corpus`` (``reuters-2006-2013``, ``wsj-wapo-1995-2014`` or ``headlines-2025-2026``) draws
from that corpus's part of the pool only.

It writes one locator row per article with empty ``events`` and ``kind``, for annotators
to fill in. No article text is written. ``show`` prints the articles of a locator file for
reading (to the terminal only); ``check`` validates the rows of an annotated file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

from extraction_accuracy import DATA, SHARED, _article, _date, _load_real

from hypecycle.schema import EVENT_TYPES

KEYWORDS = re.compile(
    r"rais|funding|venture|\bIPO\b|initial public offering|listing|acquir|\bbuy|\bbought|takeover|bankrupt"
    r"|chapter (?:11|7)\b|shut down|clos|layoff|lay off|laid off|job cuts|cut \d", re.I)
KINDS = ("positive", "negative", "hard")
ROUNDS = re.compile(r"^(pre_seed|seed|series_[a-z]|growth|debt|convertible|grant|private_equity|strategic|angel)$")


def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def _taken(sets: list[str]) -> tuple[set, set]:
    """Locators and title hashes of every article in the evaluation sets ``sets``."""
    locs, shas = set(), set()
    for path in (DATA / f"{name}.jsonl" for name in sets):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if "corpus" not in r:
                continue
            locs.add(locator(r))
            if r["corpus"] != "wsj-wapo-1995-2014" and r.get("title_sha1"):
                shas.add(r["title_sha1"])
    return locs, shas


#: The fields that locate an article in each corpus (FORMAT.md).
LOCATOR_FIELDS = {"reuters-2006-2013": ("file", "line"), "wsj-wapo-1995-2014": ("record_id",),
                  "headlines-2025-2026": ("row",)}
_TEXT_FIELDS = frozenset(("text", "body", "title", "texts", "raw_summary"))


def locator(r: dict) -> tuple:
    """The key that identifies a located row's article: corpus and its locator fields."""
    return (r["corpus"], *(str(r[k]) if k == "record_id" else r[k] for k in LOCATOR_FIELDS[r["corpus"]]))


def row_problems(r: dict) -> list[str]:
    """What is wrong with one annotated row of a located set, by FORMAT.md (no corpus needed)."""
    out = []
    if _TEXT_FIELDS & set(r):
        out.append("the row stores article text")
    if r.get("corpus") not in LOCATOR_FIELDS or not all(k in r for k in LOCATOR_FIELDS[r["corpus"]]):
        out.append("incomplete locator")
    if not re.fullmatch(r"[0-9a-f]{40}", str(r.get("title_sha1", ""))):
        out.append("title_sha1 is not a sha1")
    if r.get("kind") not in KINDS:
        out.append(f"kind {r.get('kind')!r} is not one of {KINDS}")
    elif r["kind"] == "negative" and r["events"]:
        out.append("a negative article has events")
    elif r["kind"] == "positive" and not r["events"]:
        out.append("a positive article has no events")
    for e in r["events"]:
        out += [f"event: {p}" for p in event_problems(e)]
    return out


def event_problems(e: dict) -> list[str]:
    """What is wrong with one gold event (type, company, round, numbers, currency)."""
    out = []
    if e.get("type") not in EVENT_TYPES:
        out.append(f"event type {e.get('type')!r}")
    if not e.get("company"):
        out.append("event without company")
    if "round" in e and not ROUNDS.match(str(e["round"])):
        out.append(f"round {e['round']!r}")
    for f in ("amount", "valuation", "count"):
        if f in e and not isinstance(e[f], (int, float)):
            out.append(f"{f} is not a number")
    if ("amount" in e or "valuation" in e) and not re.fullmatch(r"[A-Z]{3}", str(e.get("currency", ""))):
        out.append("amount without an ISO 4217 currency")
    return out


def pool(exclude: list[str]) -> list[tuple[dict, object]]:
    """(locator row, Article) for every article of the pool, in a fixed order, leaving out the
    articles of the evaluation sets ``exclude``."""
    locs, shas = _taken(exclude)
    out = []

    def keep(row: dict, art) -> None:
        if locator(row) in locs or (row["corpus"] != "wsj-wapo-1995-2014" and row["title_sha1"] in shas):
            return
        if KEYWORDS.search(art.title + " " + art.text):
            out.append((row, art))

    for path in sorted((SHARED / "reuters-2006-2013").glob("reuters_20*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh, 1):
                rec = json.loads(line)
                body = rec.get("body") or ""
                if not 200 <= len(body) <= 3500:
                    continue
                art = _article(f"{path.name}:{i}", dt.date.fromisoformat(rec["date"][:10]), rec.get("title") or "", body)
                keep({"corpus": "reuters-2006-2013", "file": path.name, "line": i,
                      "title_sha1": _sha1(rec.get("title") or "")}, art)
    csv.field_size_limit(10**9)
    with open(SHARED / "wsj-wapo-1995-2014" / "usnews.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            text = rec["texts"] or ""
            if rec["date"][:4] <= "2005" and 200 <= len(text) <= 3500:
                art = _article(f"usnews:{rec['id']}", _date(rec["date"]), "", text)
                keep({"corpus": "wsj-wapo-1995-2014", "record_id": rec["id"], "title_sha1": _sha1("")}, art)
    with open(SHARED / "headlines-2025-2026" / "daily_news_items.csv", encoding="utf-8", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), 1):
            art = _article(f"headlines:{i}", _date(rec["published_date"]), rec["title"], rec["raw_summary"] or "")
            keep({"corpus": "headlines-2025-2026", "row": i, "title_sha1": _sha1(rec["title"] or "")}, art)
    return out


def draw(seed: str, n: int, prefix: str, fires: bool, exclude: list[str], corpus: str | None = None) -> list[dict]:
    items = [(row, art) for row, art in pool(exclude) if corpus is None or row["corpus"] == corpus]
    rng = random.Random(seed)
    if not fires:
        chosen = rng.sample(items, n)
    else:
        from hypecycle.extract import Extractor

        ex = Extractor(model="blank")
        rng.shuffle(items)
        chosen, seen = [], set()
        for row, art in items:
            if len(chosen) == n:
                break
            if row["corpus"] != "wsj-wapo-1995-2014" and row["title_sha1"] in seen:
                continue  # a republished story: one copy is enough
            if ex.extract(art).events:
                chosen.append((row, art))
                seen.add(row["title_sha1"])
    rows = []
    for k, (row, _) in enumerate(chosen, 1):
        rows.append({"id": f"{prefix}-{k:03d}", **row, "kind": "", "events": [], "note": ""})
    return rows


def show(path: Path, ids: list[str]) -> None:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    if ids:
        rows = [r for r in rows if r["id"] in set(ids)]
    for art, _ in _load_real(rows):
        print(f"===== {art.id} | {art.date} | {art.title}")
        print(art.text)
        print()


def check(path: Path) -> int:
    """Validate an annotated file (:func:`row_problems`, and no title quoted). Returns the number of problems."""
    bad = 0
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    texts = {a.id: a for a, _ in _load_real(rows)}
    for r in rows:
        def problem(msg: str) -> None:
            nonlocal bad
            bad += 1
            print(f"{path.name}: {r['id']}: {msg}")

        for msg in row_problems(r):
            problem(msg)
        art = texts.get(r["id"])
        if art is not None and art.title and art.title.lower() in json.dumps(r).lower():
            problem("the row quotes the article's title")
    print(f"{path.name}: {len(rows)} rows, {sum(len(r['events']) for r in rows)} events, {bad} problems")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", required=True)
    d.add_argument("--n", type=int, required=True)
    d.add_argument("--prefix", required=True)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--fires", action="store_true")
    d.add_argument("--exclude", default="real,heldout,wilddev,wilddev2",
                   help="comma-separated sets whose articles are left out of the pool")
    d.add_argument("--corpus", choices=sorted(LOCATOR_FIELDS), help="draw from this corpus's part of the pool only")
    s = sub.add_parser("show")
    s.add_argument("file", type=Path)
    s.add_argument("ids", nargs="*")
    c = sub.add_parser("check")
    c.add_argument("file", type=Path)
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"{SHARED} not found", file=sys.stderr)
        return 2
    if args.cmd == "draw":
        rows = draw(args.seed, args.n, args.prefix, args.fires, args.exclude.split(","), args.corpus)
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} rows written to {args.out}")
        return 0
    if args.cmd == "show":
        show(args.file, args.ids)
        return 0
    return 1 if check(args.file) else 0


if __name__ == "__main__":
    sys.exit(main())
