"""Count Reuters 2006-2013 articles that mention each labelled technology, per year.

Reads corpora/labels/timeline.csv (the `terms` column) and ../shared/corpora/reuters-2006-2013/.
An article counts once per technology if its title or body contains any of the technology's
terms as a whole phrase, case-insensitively, with an optional plural "s"/"es". This is a quick
coverage check for the labels, not the project's topic matcher (which uses spaCy lexicons).

    python corpora/labels/count_reuters_terms.py            # Reuters, articles per year (Markdown)
    python corpora/labels/count_reuters_terms.py --small    # WSJ/WaPo, NYT front page, RSS headlines

Reuters takes about 9 minutes on two cores (years run in parallel); --small takes seconds.
"""
import csv
import gzip
import json
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "shared" / "corpora" / "reuters-2006-2013"
YEARS = range(2006, 2014)


def load_terms():
    techs = {}
    with open(HERE / "timeline.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            techs.setdefault(row["technology"], set()).update(t for t in row["terms"].split(";") if t)
    return {k: sorted(v) for k, v in techs.items()}


def compile_terms(terms):
    out = []
    for t in terms:
        body = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", t))
        out.append((t, re.compile(r"(?<![\w])" + body + r"(?:s|es)?(?![\w])")))
    return out


def count_year(year):
    techs = {k: compile_terms(v) for k, v in load_terms().items()}
    counts = {k: 0 for k in techs}
    path = CORPUS / f"reuters_{year}.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            text = ((a.get("title") or "") + "\n" + (a.get("body") or "")).lower()
            for tech, pats in techs.items():
                for term, pat in pats:
                    if term.split()[0].split("-")[0] in text and pat.search(text):
                        counts[tech] += 1
                        break
    return year, counts


def main():
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found: {CORPUS}")
    with ProcessPoolExecutor() as ex:
        results = dict(ex.map(count_year, YEARS))
    techs = sorted(load_terms())
    print("| technology | " + " | ".join(str(y) for y in YEARS) + " |")
    print("|---|" + "---|" * len(YEARS))
    for t in techs:
        print(f"| {t} | " + " | ".join(str(results[y][t]) for y in YEARS) + " |")



# ---------------------------------------------------------------- the three small corpora
def _small_corpora():
    """Yield (corpus, year, text) for the WSJ/WaPo, NYT front-page and RSS-headline corpora."""
    shared = HERE.parents[2] / "shared" / "corpora"
    with open(shared / "wsj-wapo-1995-2014" / "usnews.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield "wsj-wapo", r["date"][:4], r["texts"]
    with gzip.open(shared / "nyt-frontpage-1996-2006" / "NYTimes.csv.gz", "rt", encoding="latin-1") as f:
        for r in csv.DictReader(f, delimiter=";"):
            yy = int(r["Date"].rsplit("-", 1)[1])
            yield "nyt", str(1900 + yy if yy > 50 else 2000 + yy), r["Title"] + "\n" + r["Subject"]
    with open(shared / "headlines-2025-2026" / "daily_news_items.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield "headlines", r["published_date"][:4], (r["title"] or "") + "\n" + (r["raw_summary"] or "")


def count_small():
    """Counts of documents per technology, corpus and year, for rows outside Reuters."""
    techs = {k: compile_terms(v) for k, v in load_terms().items()}
    counts = {}
    for corpus, year, text in _small_corpora():
        text = text.lower()
        for tech, pats in techs.items():
            if any(p.search(text) for _, p in pats):
                counts[(tech, corpus, year)] = counts.get((tech, corpus, year), 0) + 1
    return counts


def main_small():
    counts = count_small()
    rows = {}
    for (tech, corpus, year), n in counts.items():
        rows.setdefault((tech, corpus), {})[year] = n
    print("| technology | corpus | documents per year |")
    print("|---|---|---|")
    for (tech, corpus), years in sorted(rows.items()):
        print(f"| {tech} | {corpus} | " + ", ".join(f"{y}: {n}" for y, n in sorted(years.items())) + " |")


if __name__ == "__main__":
    main_small() if "--small" in sys.argv else main()
