"""Recall of extracted events against a database: Crunchbase 2013 rounds and acquisitions that
Reuters headlines report, found among a store's events.

Usage::

    python benchmarks/database_recall.py --store news.duckdb [--reextract]
                                         [--days 20] [--min-round 10e6] [--min-deal 100e6]
                                         [--hand-sets train1,wilddev3,wilddev4,wilddev5] [--no-hand]

What is counted:

1. Crunchbase (``../shared/corpora/crunchbase-2013``, the October 2013 export): venture rounds of
   ``--min-round`` USD or more and acquisitions priced at ``--min-deal`` or more, dated inside the
   store's article dates.
2. *Reported*: some headline of the store names the company (its name without a legal suffix,
   case-sensitive, whole words; names that are everyday lower-case words, such as "Box" or
   "Square", are left out as ambiguous) within ``--days`` days of the Crunchbase date, and the
   headline speaks of that kind of event (a funding word for rounds: raise, funding, invest,
   venture, stake, round, valu...; a deal word for acquisitions: buy, acquire, deal, bid, takeover,
   merge, sell, sale, purchase).
3. *Found*: the store holds an event of that type (``funding`` / ``acquisition``, the target as
   company) whose company is the Crunchbase company (the accuracy benchmark's name match:
   normalised names equal, or one the other's leading words), dated within ``--days`` days.

*Read*: the automatic match in 2 is a proxy; ``benchmarks/data/database_recall_reported.csv`` records,
for each reported event of the whole Reuters store at the default settings, whether a reader found that
one of its headlines' articles reports this event as news (``reports``) or names the company for
something else (``other``), and for rounds whether the company raising was already listed (the
annotation conventions count a listed company's financing as no venture round). It was made by an
annotator who saw the database record and the articles' headlines and openings, never the
extractor's output; it holds keys, verdicts and article ids only. Recall is printed on the automatic
match and on the events read as reported (and, for rounds, on private companies' rounds).

With ``--reextract`` the events are not read from the store but extracted again, with this
checkout's extractor, from every stored article within the window whose title or text names a
reported company (the only articles whose events can match), so that the figure measures the
current code on a read-only store. Recall is printed by type and amount band, beside the recall
of the same event types on hand-annotated sets (``benchmarks/extraction_accuracy.py``'s scorer;
held-out sets are never read here).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
CB = SHARED / "crunchbase-2013"
_spec = importlib.util.spec_from_file_location("extraction_accuracy", ROOT / "benchmarks" / "extraction_accuracy.py")
ea = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ea)  # type: ignore[union-attr]

from hypecycle.extract.resources import load_words, word_set  # noqa: E402

ROUND_BANDS = ((10e6, 25e6), (25e6, 50e6), (50e6, 100e6), (100e6, float("inf")))
DEAL_BANDS = ((100e6, 500e6), (500e6, 1e9), (1e9, 5e9), (5e9, float("inf")))
READ_FILE = ROOT / "benchmarks" / "data" / "database_recall_reported.csv"
_FUND_WORDS = re.compile(r"\b(?:rais\w*|fund\w*|financ\w*|invest\w*|ventur\w*|stake|rounds?|valu\w*|backe\w*|"
                         r"capital|series [a-h]|seed|bankroll\w*|injects?|pumps?)\b", re.IGNORECASE)
_DEAL_WORDS = re.compile(r"\b(?:buy\w*|bought|acqui\w*|deals?|bids?|takeovers?|merge\w*|sells?|sold|sale|"
                         r"purchas\w*|snap\w*|offers?|swallow\w*|to own|agrees?)\b", re.IGNORECASE)
_SUFFIX = re.compile(r"[,\s]+(?:inc|corp|corporation|co|ltd|llc|plc|ag|sa|nv|gmbh|holdings|group|limited)\.?$",
                     re.IGNORECASE)


def _rows(name: str) -> list[dict[str, str]]:
    raw = (CB / name).read_bytes().decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(raw)))


def _date(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((s or "")[:10])
    except ValueError:
        return None


def _money(s: str) -> float | None:
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def database_events(lo: dt.date, hi: dt.date, min_round: float, min_deal: float) -> list[dict]:
    """Crunchbase rounds and acquisitions (type, company, date, amount) inside [lo, hi]."""
    out = []
    for r in _rows("crunchbase-rounds.csv"):
        d, a = _date(r["funded_at"]), _money(r["raised_amount_usd"])
        if d and a and a >= min_round and lo <= d <= hi:
            out.append({"type": "funding", "company": r["company_name"], "date": d, "amount": a})
    for r in _rows("crunchbase-acquisitions.csv"):
        d, a = _date(r["acquired_at"]), _money(r["price_amount"])
        if d and a and a >= min_deal and lo <= d <= hi and (r.get("price_currency_code") or "USD") == "USD":
            out.append({"type": "acquisition", "company": r["company_name"], "date": d, "amount": a,
                        "acquirer": r["acquirer_name"]})
    return out


def event_key(ev: dict) -> str:
    """The key of a database event in :data:`READ_FILE`: type, Crunchbase company name, date and
    amount in USD (a company may have two rounds on one day: equity and debt)."""
    return f"{ev['type']}|{ev['company']}|{ev['date']}|{ev['amount']:.0f}"


def read_verdicts(path: Path = READ_FILE) -> dict[str, dict[str, str]]:
    """key -> the reader's row (``verdict``: reports / other / unclear; ``listed``: yes / no / unknown / -)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {r["key"]: r for r in csv.DictReader(f)}


def headline_name(name: str) -> str | None:
    """The form of a Crunchbase name looked for in headlines, or None when it is ambiguous."""
    n = _SUFFIX.sub("", (name or "").strip())
    if len(n) < 3 or not n[0].isalnum():
        return None
    low = n.lower()
    if low in load_words("common_words.txt") or low in word_set("companies", "generic_heads"):
        return None
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="the whole Reuters store (hypecycle ingest ../shared/corpora/reuters-2006-2013/reuters_20*.jsonl.gz --store news.duckdb)")
    ap.add_argument("--reextract", action="store_true", help="extract the matching articles again with this code")
    ap.add_argument("--news-model", default="auto", help="with --reextract: auto (shipped model) or none (rules)")
    ap.add_argument("--proposer", default="auto", help="with --reextract: auto (shipped proposer) or none")
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--min-round", type=float, default=10e6)
    ap.add_argument("--min-deal", type=float, default=100e6)
    ap.add_argument("--hand-sets", default="train1,real,wilddev,wilddev3,wilddev4,wilddev5")
    ap.add_argument("--no-hand", action="store_true", help="skip the hand-annotated recall figures")
    ap.add_argument("--misses", action="store_true",
                    help="list the database events not found, with their reporting headlines' article ids")
    args = ap.parse_args(argv)
    if not CB.exists():
        print(f"{CB} not found; nothing to measure")
        return 1
    if set(args.hand_sets.split(",")) & set(ea.HELD_OUT):
        ap.error("held-out sets are read by benchmarks/extraction_accuracy.py only (totals, recorded in FORMAT.md)")
    from hypecycle.store import Store

    t0 = time.perf_counter()
    store = Store(args.store, read_only=True)
    con = store.con
    lo, hi = con.execute("SELECT min(date), max(date) FROM articles").fetchone()
    titles = con.execute("SELECT id, date, title FROM articles WHERE title IS NOT NULL AND title <> ''").fetchall()
    by_day: dict[dt.date, list[tuple[str, str]]] = defaultdict(list)
    for aid, d, title in titles:
        by_day[d].append((aid, title))
    win = dt.timedelta(days=args.days)
    db = database_events(lo, hi, args.min_round, args.min_deal)
    reported = []
    for ev in db:
        name = headline_name(ev["company"])
        if name is None:
            continue
        rx = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        words = _FUND_WORDS if ev["type"] == "funding" else _DEAL_WORDS
        day = ev["date"] - win
        hits = []
        while day <= ev["date"] + win:
            hits += [aid for aid, t in by_day.get(day, ()) if rx.search(t) and words.search(t)]
            day += dt.timedelta(days=1)
        if hits:
            reported.append({**ev, "name": name, "headlines": hits})
    print(f"Crunchbase 2013, {lo} to {hi}: {sum(e['type'] == 'funding' for e in db)} rounds >= "
          f"${args.min_round / 1e6:.0f}M, {sum(e['type'] == 'acquisition' for e in db)} acquisitions >= "
          f"${args.min_deal / 1e6:.0f}M; reported in a headline within {args.days} days: "
          f"{sum(e['type'] == 'funding' for e in reported)} rounds, "
          f"{sum(e['type'] == 'acquisition' for e in reported)} acquisitions")
    # the store's events (or this code's) of those companies, in the window
    events: dict[tuple[str, str], list[tuple[dt.date, str]]] = defaultdict(list)  # (type, first word) -> (date, company)
    if args.reextract:
        from hypecycle.extract import Extractor
        from hypecycle.schema import Article

        ex = Extractor(news_model=args.news_model, proposer=args.proposer)
        ids: set[str] = set()
        for ev in reported:
            rows = con.execute("SELECT id FROM articles WHERE date BETWEEN ? AND ? AND (strpos(title, ?) > 0 "
                               "OR strpos(text, ?) > 0)", [ev["date"] - win, ev["date"] + win, ev["name"],
                                                          ev["name"]]).fetchall()
            ids |= {r[0] for r in rows}
        arts = con.execute("SELECT id, date, title, text FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                           [sorted(ids)]).fetchall()
        t1 = time.perf_counter()
        for aid, d, title, text in arts:
            for e in ex.extract(Article(aid, d, title or "", text or "")).events:
                if e.type in ("funding", "acquisition"):
                    events[(e.type, ea.company_key(e.company)[:1] and ea.company_key(e.company)[0])].append((d, e.company))
        print(f"re-extracted {len(arts)} stored articles naming a reported company in the window "
              f"({time.perf_counter() - t1:.1f} s, news model: {'yes' if ex.news is not None else 'no'}, "
              f"proposer: {'yes' if ex.proposer is not None else 'no'})")
    else:
        for typ, d, company in con.execute("SELECT type, date, company FROM events WHERE type IN "
                                           "('funding', 'acquisition')").fetchall():
            key = ea.company_key(company)
            if key:
                events[(typ, key[0])].append((d, company))
        ext = con.execute("SELECT extractor, count(*) FROM extracted GROUP BY 1").fetchall()
        print(f"events read from {args.store} (extracted by {', '.join(f'{e} ({n})' for e, n in ext)})")
    store.close()
    found = defaultdict(lambda: [0, 0])
    verdicts = read_verdicts()
    read = defaultdict(lambda: [0, 0])  # (type, subset) -> [found, reported as news]
    unread = 0
    for ev in reported:
        key = ea.company_key(ev["company"])
        cands = events.get((ev["type"], key[0]), []) if key else []
        ok = any(abs((d - ev["date"]).days) <= args.days and ea.same_name(ev["company"], c, prefix=True)
                 for d, c in cands)
        bands = ROUND_BANDS if ev["type"] == "funding" else DEAL_BANDS
        band = next(f"${a / 1e6:,.0f}M+" if b == float("inf") else f"${a / 1e6:,.0f}-{b / 1e6:,.0f}M"
                    for a, b in bands if a <= ev["amount"] < b)
        for k in ((ev["type"], "all"), (ev["type"], band)):
            found[k][0] += ok
            found[k][1] += 1
        row = verdicts.get(event_key(ev))
        if row is None:
            unread += 1
        elif row["verdict"] == "reports":
            subsets = ["all"] + (["private"] if ev["type"] == "funding" and row["listed"] != "yes" else [])
            for sub_ in subsets:
                read[(ev["type"], sub_)][0] += ok
                read[(ev["type"], sub_)][1] += 1
        if args.misses and not ok:
            print(f"missed {ev['type']} {ev['company']} {ev['date']} ${ev['amount'] / 1e6:,.0f}M: "
                  f"headlines {', '.join(ev['headlines'][:3])}; found instead {sorted({c for _d, c in cands})[:4]}"
                  + (f"; read: {row['verdict']}, listed {row['listed']}" if row else ""))
    print(f"\n{'type':<12}{'amount band':<16}{'found':>7}{'reported':>10}{'recall':>8}")
    for typ, bands in (("funding", ROUND_BANDS), ("acquisition", DEAL_BANDS)):
        for k in [(typ, "all")] + sorted((k for k in found if k[0] == typ and k[1] != "all"),
                                         key=lambda k: float(re.sub(r"[^\d.].*", "", k[1][1:].replace(",", "")))):
            f, n = found[k]
            print(f"{k[0]:<12}{k[1]:<16}{f:>7}{n:>10}{f / n if n else 0:>8.3f}")
    if verdicts:
        print(f"\nread as reported by a headline's article ({READ_FILE.relative_to(ROOT)}; "
              f"{len(reported) - unread} of {len(reported)} reported events read):")
        print(f"{'type':<12}{'events':<16}{'found':>7}{'reported':>10}{'recall':>8}")
        for k, label in ((("funding", "all"), "all read"), (("funding", "private"), "private cos."),
                         (("acquisition", "all"), "all read")):
            f, n = read[k]
            print(f"{k[0]:<12}{label:<16}{f:>7}{n:>10}{f / n if n else 0:>8.3f}")
    if not args.no_hand:
        from hypecycle.extract import Extractor

        ex = Extractor(news_model=args.news_model, proposer=args.proposer)
        print(f"\nhand-annotated recall (benchmarks/extraction_accuracy.py scorer, news model: "
              f"{'yes' if ex.news is not None else 'no'}, proposer: {'yes' if ex.proposer is not None else 'no'}):")
        print(f"{'set':<12}{'funding R':>12}{'(tp/gold)':>12}{'acquisition R':>16}{'(tp/gold)':>12}")
        for s in args.hand_sets.split(","):
            data = ea.load_set(s)
            if not data:
                continue
            tp, _fp, fn, *_ = ea.evaluate(ex, data)
            cells = []
            for t in ("funding", "acquisition"):
                n = tp[t] + fn[t]
                cells.append((f"{tp[t] / n:.3f}" if n else "-", f"{tp[t]}/{n}"))
            print(f"{s:<12}{cells[0][0]:>12}{cells[0][1]:>12}{cells[1][0]:>16}{cells[1][1]:>12}")
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
