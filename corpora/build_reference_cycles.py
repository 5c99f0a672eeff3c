"""Rebuild the reference cycles shipped in hypecycle/data/cycles/ from ../shared.

    python corpora/build_reference_cycles.py [--shared ../shared] [--reuters-store news.duckdb]
                                             [--work DIR] [--out hypecycle/data/cycles]

What it does, per cycle (the README's "Reference cycles" says what each is built from):

* ``telecom-1990s`` (1995-2004): the WSJ/Washington Post articles
  (``corpora/wsj-wapo-1995-2014/usnews.csv``) ingested and extracted by hypecycle into a
  store of its own, and the topic's trajectory counted with the shipped ``telecom`` lexicon
  widened by the words "telecom(s)"/"telecommunications" and the boom's carriers and
  equipment makers named in ``reference-facts/TELECOM.md``; with the sourced facts of
  ``reference-facts/telecom_yearly.csv``, ``telecom_events.csv`` and ``FACTS.md``.
* ``dot-com`` (1995-2003): the same WSJ/Washington Post store with the shipped ``dot-com``
  lexicon, the NYT front pages (``corpora/nyt-frontpage-1996-2006``), and the IPO and
  Nasdaq facts.
* ``cloud-2007`` (2006-2013): the Reuters store (``--reuters-store``; ingested here when
  not given) with the shipped ``cloud`` lexicon, and the Crunchbase October 2013 rounds and
  acquisitions of companies whose name contains "cloud" or "saas" (the export has no
  description field, and its ``category_code`` has no cloud category).

Every number written carries a source key; ``cycle.json`` says what each key is. Nothing
from the corpora's text is written, only counts and shares. Runs in about 1-2 minutes with
a Reuters store given (about 7 more to ingest Reuters).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypecycle import __version__, periods
from hypecycle.jobs import ingest_files, topic_spec, topic_trajectory
from hypecycle.store import Store

#: A share signal whose cycle record has a median of fewer topic articles a quarter is not matched on.
MIN_SHARE_BASE = 5
#: A count signal with fewer events over the cycle is not matched on.
MIN_EVENTS = 10

#: Words and names added to the shipped telecom lexicon for the 1990s cycle: the sector's own
#: words, and the carriers and equipment makers of the boom and bust named in TELECOM.md.
TELECOM_EXTRA = ["telecom", "telecoms", "telecommunications", "worldcom", "global crossing", "lucent",
                 "qwest", "nortel", "level 3 communications", "covad", "williams communications",
                 "xo communications", "360networks", "jds uniphase", "winstar", "teligent", "psinet",
                 "metromedia fiber", "northpoint communications", "rhythms netconnections", "genuity",
                 "mcleodusa"]


class Cycle:
    """Collects one cycle's numbers (each with a source key), notes and phases, then writes
    its folder."""

    def __init__(self, cid: str, name: str, topic: str, start: str, end: str, known_until: str,
                 description: str):
        self.meta = {"id": cid, "name": name, "topic": topic, "freq": "quarter", "start": start, "end": end,
                     "known_until": known_until, "description": description}
        self.axis = periods.period_axis(start, end, "quarter")
        self.rows: list[tuple[str, str, float, str]] = []
        self.sources: dict[str, str] = {}
        self.notes: dict[str, dict] = {}
        self.phases: list[dict] = []

    def source(self, key: str, text: str) -> str:
        self.sources[key] = text
        return key

    def add(self, period, signal: str, value, source: str) -> None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return
        p = period if isinstance(period, pd.Period) else periods.parse_label(str(period), "quarter")
        if p not in self.axis:
            return
        if source not in self.sources:
            raise KeyError(f"{self.meta['id']}: source {source!r} is not declared")
        self.rows.append((periods.label(p), signal, float(value), source))

    def note(self, signal: str, *, source: str, unit: str, how: str, thin: str = "", match=True) -> None:
        self.notes[signal] = {"source": source, "unit": unit, "how": how, "thin": thin, "match": match}

    def phase(self, start: str, end: str, phase: str, source: str, note: str) -> None:
        self.phases.append({"start": start, "end": end, "phase": phase, "source": source, "note": note})

    def write(self, out: Path) -> Path:
        folder = out / self.meta["id"]
        folder.mkdir(parents=True, exist_ok=True)
        used = {r[1] for r in self.rows}
        notes = {k: v for k, v in self.notes.items() if k in used}
        meta = dict(self.meta, sources=self.sources, notes=notes,
                    built_by=f"corpora/build_reference_cycles.py (hypecycle {__version__})")
        (folder / "cycle.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        order = {s: i for i, s in enumerate(notes)}
        rows = sorted(self.rows, key=lambda r: (order[r[1]], r[0]))
        with open(folder / "series.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["period", "signal", "value", "source"])
            for p, s, v, src in rows:
                w.writerow([p, s, f"{v:.10g}", src])
        with open(folder / "phases.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["start", "end", "phase", "source", "note"])
            for ph in self.phases:
                w.writerow([ph["start"], ph["end"], ph["phase"], ph["source"], ph["note"]])
        return folder


# ---------------------------------------------------------------------------------------------
# stores and trajectories
# ---------------------------------------------------------------------------------------------

def ensure_store(path: Path, inputs: list[Path], **read) -> Path:
    """Ingest ``inputs`` into ``path`` (rerunning adds only what is missing)."""
    from hypecycle.ingest import ReadOptions

    t0 = time.perf_counter()
    summary = ingest_files([str(p) for p in inputs], path, options=ReadOptions(**read), n_process=2)
    print(f"  {path.name}: read {summary.read}, new {summary.ingested} ({time.perf_counter() - t0:.0f} s)",
          flush=True)
    return path


def trajectory(store: Path, spec, start: str, end: str):
    with Store(store, read_only=True) as s:
        return topic_trajectory(s, spec, freq="quarter", as_of=dt.date.fromisoformat(end),
                                since=dt.date.fromisoformat(start))


def add_trajectory(c: Cycle, traj, key: str, *, prefix: str = "", what: str, signals=None) -> None:
    """The pipeline's signals of a trajectory into the cycle, each noted, with whether the
    record is rich enough to match on."""
    f = traj.frame.set_index("period")
    base = float(np.nanmedian(f["topic_articles"].to_numpy(dtype=float)))  # NaN: quarters the corpus lacks
    total = int(np.nansum(f["topic_articles"].to_numpy(dtype=float)))
    signals = signals or ["articles", "topic_articles", "attention", "hype_share", "skeptic_share", "funding",
                          "ipo", "acquisition", "bankruptcy", "layoff", "failures"]
    units = {"articles": "articles a quarter", "topic_articles": "articles a quarter",
             "attention": "share of all articles", "hype_share": "share of the topic's articles",
             "skeptic_share": "share of the topic's articles"}
    for sig in signals:
        col = prefix + sig
        values = f[sig]
        for p, v in values.items():
            c.add(p, col, None if pd.isna(v) else float(v), key)
        unit = units.get(sig, "events a quarter attributed to the topic")
        finite = values.dropna()
        if sig in ("articles", "topic_articles"):
            match, thin = False, f"{total} topic articles in all, a median of {base:g} a quarter"
        elif sig == "attention":
            match = not prefix
            thin = (f"thin: {total} topic articles in all, a median of {base:g} a quarter; quarter-to-quarter "
                    "moves are mostly noise" if base < 10 else f"{total} topic articles, a median of {base:g} a quarter")
        elif sig.endswith("_share"):
            match = (not prefix) and base >= MIN_SHARE_BASE
            thin = (f"thin: a median of {base:g} topic articles a quarter (NaN where none)"
                    + ("; not matched on" if not match else ""))
        else:
            n_ev = float(finite.sum())
            match = (not prefix) and n_ev >= MIN_EVENTS
            thin = f"{n_ev:g} event{'' if n_ev == 1 else 's'} over the cycle" + ("; too few to match on" if not match else "")
        c.note(col, source=key, unit=unit, match=match, thin=thin,
               how=f"{what}; hypecycle trajectory column {sig!r} (see the README's trajectory columns)")


# ---------------------------------------------------------------------------------------------
# facts
# ---------------------------------------------------------------------------------------------

def read_yearly(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / "reference-facts" / "telecom_yearly.csv", dtype=str)


def fact(yearly: pd.DataFrame, year: str, metric: str) -> tuple[float, str]:
    """The value and source url of one row of telecom_yearly.csv (exact year and metric)."""
    rows = yearly[(yearly["year"] == year) & (yearly["metric"] == metric)]
    if len(rows) != 1:
        raise KeyError(f"telecom_yearly.csv: expected one row for {year} / {metric!r}, found {len(rows)}")
    return float(rows.iloc[0]["value"]), str(rows.iloc[0]["source"])


def spread_year(c: Cycle, year: int, signal: str, value: float, key: str) -> None:
    for q in range(1, 5):
        c.add(f"{year}Q{q}", signal, value / 4, key)


def hold_year(c: Cycle, year: int, signal: str, value: float, key: str) -> None:
    for q in range(1, 5):
        c.add(f"{year}Q{q}", signal, value, key)


NASDAQ_POINTS = [  # date, level, (year, metric) in telecom_yearly.csv or a FACTS.md line
    ("1995-07-17", "1995", "Nasdaq Composite first close above 1,000 (17 July)"),
    ("1995-12-29", "1995", "Nasdaq Composite year-end close"),
    ("1997-07-15", "1997", "Nasdaq Composite reached 1,500 (July)"),
    ("1998-07-15", "1998", "Nasdaq Composite reached 2,000 (July)"),
    ("1999-12-31", "1999", "Nasdaq Composite year-end close"),
    ("2000-03-10", "2000", "Nasdaq Composite record close (10 March)"),
    ("2000-12-29", "2000", "Nasdaq Composite year-end close"),
    ("2001-12-31", "2001", "Nasdaq Composite year-end close"),
    ("2002-10-09", "2002", "Nasdaq Composite lowest close"),
    ("2002-12-31", "2002", "Nasdaq Composite year-end close"),
    ("2003-12-31", "2003", "Nasdaq Composite year-end close"),
    ("2004-12-31", "2004", "Nasdaq Composite year-end close"),
]


def add_nasdaq(c: Cycle, yearly: pd.DataFrame) -> None:
    """The Nasdaq Composite at each quarter's end: a dated level where one falls on the
    quarter's last day, else log-linear interpolation between the neighbouring dated
    levels (none before the first or after the last)."""
    pts = []
    for date, year, metric in NASDAQ_POINTS:
        value, url = fact(yearly, year, metric)
        pts.append((dt.date.fromisoformat(date), value, f"{metric}: {value:g} ({url})"))
    # FACTS.md: "2,500 January 1999" (Washington Times 2003-03-12)
    pts.append((dt.date(1999, 1, 15), 2500.0, "Nasdaq 2,500 in January 1999 (FACTS.md, Washington Times 2003-03-12)"))
    pts.sort()
    c.source("nasdaq-points", "Nasdaq Composite dated levels, ../shared/reference-facts/telecom_yearly.csv and "
                              "FACTS.md: " + "; ".join(f"{d}: {txt}" for d, _, txt in pts))
    c.source("nasdaq-interp", "log-linear interpolation in time between the two neighbouring dated levels of "
                              "nasdaq-points (milestones dated 'July' are taken at mid-month, 'January' likewise)")
    days = np.array([(d - pts[0][0]).days for d, _, _ in pts], dtype=float)
    logs = np.log([v for _, v, _ in pts])
    for p in c.axis:
        end = p.end_time.date()
        x = (end - pts[0][0]).days
        exact = [v for d, v, _ in pts if d == end or (end - d).days in (1, 2) and d.month == end.month]
        if exact:
            c.add(p, "nasdaq", exact[-1], "nasdaq-points")
        elif days[0] <= x <= days[-1]:
            c.add(p, "nasdaq", float(np.exp(np.interp(x, days, logs))), "nasdaq-interp")
    c.note("nasdaq", source="nasdaq-points+nasdaq-interp", unit="index level at the quarter's end",
           how="dated levels (year-end closes, the 2000-03-10 peak and 2002-10-09 low, milestones) placed at the "
               "quarter that ends on or just after them; other quarters interpolated log-linearly",
           thin="no year-end close for 1996-1998 in the facts (milestones only); nothing before 1995-07-17",
           match=False)


def add_ritter(c: Cycle, yearly: pd.DataFrame, years: list[int]) -> None:
    url = None
    for y in years:
        for metric, sig in (("US IPOs (count, offer price >= $5, Ritter)", "ipo_count"),
                            ("US IPO gross proceeds", "ipo_proceeds_usd")):
            try:
                value, url = fact(yearly, str(y), metric)
            except KeyError:
                continue
            c.source("ritter", f"US IPO counts and gross proceeds per year, Ritter, via Ross et al. Table 16.2 ({url}); "
                               "../shared/reference-facts/telecom_yearly.csv")
            spread_year(c, y, sig, value, "ritter")
        if y == 2004:  # a blog summary of Ritter's update, its own metric names
            for metric, sig in (("US IPOs (count, Ritter)", "ipo_count"),
                                ("US IPO gross proceeds (Ritter, 'nearly')", "ipo_proceeds_usd")):
                value, url3 = fact(yearly, "2004", metric)
                c.source("ritter-2004", f"US IPOs in 2004 (count 188, proceeds 'nearly' $33B), Ritter's update via "
                                        f"{url3}; ../shared/reference-facts/telecom_yearly.csv")
                spread_year(c, y, sig, value, "ritter-2004")
        try:
            value, url2 = fact(yearly, str(y), "US IPO mean first-day return")
            c.source("ritter-return", f"US IPO mean first-day return per year, Ritter via Ross et al. ({url2})")
            hold_year(c, y, "ipo_first_day_return", value, "ritter-return")
        except KeyError:
            pass
    both = "ritter+ritter-2004" if 2004 in years else "ritter"
    c.note("ipo_count", source=both, unit="US IPOs a quarter (the year's count spread evenly)",
           how="Ritter's yearly count of US IPOs with an offer price of $5 or more, divided by 4",
           thin="yearly only (spread); 2001-2003 missing in the facts", match=False)
    c.note("ipo_proceeds_usd", source=both, unit="USD a quarter (the year's total spread evenly)",
           how="Ritter's yearly US IPO gross proceeds, divided by 4",
           thin="yearly only (spread); 2001-2003 missing in the facts", match=False)
    if any(r[1] == "ipo_first_day_return" for r in c.rows):
        c.note("ipo_first_day_return", source="ritter-return", unit="percent (the year's mean, held per quarter)",
               how="Ritter's mean first-day return of US IPOs in the year, held in each quarter",
               thin="yearly only; 2001 on missing", match=False)


def add_listed_events(c: Cycle, shared: Path) -> None:
    """Per quarter, the dated events of telecom_events.csv: filings for bankruptcy (not the
    emergences from it), layoffs, shutdowns, write-downs, IPOs, funding rounds."""
    ev = pd.read_csv(shared / "reference-facts" / "telecom_events.csv", dtype=str)
    ev = ev[ev["date"].str.len() >= 7].copy()  # a month at least: year-only rows cannot be placed
    ev["period"] = [pd.Period(d[:7], freq="M").asfreq("Q") for d in ev["date"]]
    emergence = ev["summary"].str.contains(r"\bemerg", case=False, regex=True, na=False)
    ev = ev[~((ev["type"] == "bankruptcy") & emergence)]
    ev = ev.drop_duplicates(["date", "type", "company"])
    c.source("telecom-events", "../shared/reference-facts/telecom_events.csv: 239 dated events, each with its own "
                               "source url and confidence (TELECOM.md); rows dated to the year only are left out, "
                               "emergences from Chapter 11 are not filings, repeated rows of one event count once")
    kinds = {"listed_bankruptcies": ["bankruptcy"], "listed_layoffs": ["layoff"], "listed_writedowns": ["writedown"],
             "listed_ipos": ["ipo"], "listed_funding": ["funding"],
             "listed_failures": ["bankruptcy", "layoff", "shutdown"]}
    for sig, types in kinds.items():
        counts = ev[ev["type"].isin(types)].groupby("period").size()
        for p in c.axis:
            c.add(p, sig, float(counts.get(p, 0)), "telecom-events")
        c.note(sig, source="telecom-events", unit="events a quarter in the curated list",
               how=f"rows of type {'/'.join(types)} in telecom_events.csv, by the quarter of their date",
               thin="a curated list (239 rows), not a census: it counts what its compiler found and sourced",
               match="failures" if sig == "listed_failures" else False)


# ---------------------------------------------------------------------------------------------
# the cycles
# ---------------------------------------------------------------------------------------------

def build_telecom(shared: Path, work: Path, usnews: Path) -> Cycle:
    c = Cycle("telecom-1990s", "Telecom and fibre build-out, boom and bust (1995-2004)", "telecom",
              "1995-01-01", "2004-12-31", "2004-12-31",
              "The 1990s build-out of telecom networks after the 1996 Telecommunications Act: IPOs and junk-bond "
              "funding to 1999-2000, the crash from the Nasdaq peak of 2000-03-10, bankruptcies peaking with "
              "Global Crossing (2002-01) and WorldCom (2002-07), emergences from Chapter 11 in 2003-04.")
    lexicon = work / "telecom-1990s.jsonl"
    shipped = (ROOT / "hypecycle" / "data" / "lexicons" / "telecom.jsonl").read_text(encoding="utf-8")
    extra = "".join(json.dumps({"label": "telecom", "pattern": t, "id": t}) + "\n" for t in TELECOM_EXTRA)
    lexicon.write_text(shipped.rstrip("\n") + "\n" + extra, encoding="utf-8")
    key = c.source("wsj-wapo", "WSJ and Washington Post economic news 1995-2014 (../shared/corpora/wsj-wapo-1995-2014/"
                               "usnews.csv, from the R package sentometrics), ingested and extracted by hypecycle "
                               f"{__version__}; topic: the shipped telecom lexicon plus "
                               f"{', '.join(TELECOM_EXTRA)}")
    traj = trajectory(usnews, topic_spec("telecom", lexicons=[lexicon]), c.meta["start"], c.meta["end"])
    add_trajectory(c, traj, key, what="WSJ/Washington Post articles mentioning telecom (widened lexicon)")

    yearly = read_yearly(shared)
    add_nasdaq(c, yearly)
    add_ritter(c, yearly, [1995, 1996, 1997, 1998, 1999, 2000, 2004])

    c.source("moneytree", "US venture capital invested in telecom/wireless per quarter (PwC MoneyTree), as reported "
                          "by RCR Wireless and Computerworld AU; ../shared/reference-facts/telecom_yearly.csv")
    vc = {"1997-Q4": "1997-Q4", "1998-Q4": "1998-Q4", "1999-Q3": "1999-Q3", "1999-Q4": "1999-Q4",
          "2000-Q1": "2000-Q1", "2000-Q2": "2000-Q2", "2000-Q3": "2000-Q3", "2000-Q4": "2000-Q4"}
    rows = yearly[yearly["metric"].str.startswith("US VC invested in telecom/wireless")]
    for _, r in rows.iterrows():
        if r["year"] in vc:
            c.add(r["year"].replace("-", ""), "telecom_vc_usd", float(r["value"]), "moneytree")
    value, _ = fact(yearly, "2003", "US VC invested in telecommunications (MoneyTree)")
    spread_year(c, 2003, "telecom_vc_usd", value, "moneytree")
    c.note("telecom_vc_usd", source="moneytree", unit="USD a quarter",
           how="quarterly MoneyTree figures where the facts state them; 2003's yearly total spread evenly",
           thin="only 1997Q4, 1998Q4, 1999Q3-2000Q4 and 2003 (spread); nothing for 1995-97, 2001-02, 2004",
           match=False)

    c.source("equipment", "telecom equipment spending: $110B in 2000 (+30% on 1999; lecture slides summarising The "
                          "Economist, cdn.slideserve.com/yukio/telecom-meltdown-facts, FACTS.md: weak source) and "
                          "$102B in 2001, $82B expected in 2002 (Lehman survey, Bloomberg/BusinessWeek 2001-09-16, "
                          "FACTS.md)")
    for y, v in ((2000, 110e9), (2001, 102e9), (2002, 82e9)):
        hold_year(c, y, "equipment_spending_usd", v, "equipment")
    c.note("equipment_spending_usd", source="equipment", unit="USD a year (the year's figure held in each quarter)",
           how="yearly figures held per quarter", match=False,
           thin="2000-2002 only; 2002 is a forecast made in 2001; the two sources may not measure the same scope")
    c.source("rhk", "North American wireline service-provider capex (RHK, Nov 2001), lightwaveonline.com; "
                    "../shared/reference-facts/telecom_yearly.csv")
    for y in (2000, 2001, 2002):
        metric = {2000: "North American wireline service-provider capex",
                  2001: "North American wireline service-provider capex",
                  2002: "North American wireline service-provider capex"}[y]
        value, _ = fact(yearly, str(y), metric)
        hold_year(c, y, "carrier_capex_usd", value, "rhk")
    c.note("carrier_capex_usd", source="rhk", unit="USD a year (held in each quarter)",
           how="RHK's yearly estimates held per quarter", match=False,
           thin="2000-2002 only (2002 a forecast); Lippis' $40B (1995) and $136B (2000) measure a wider scope "
                "and are left out")
    c.source("bankruptcies", "telecom bankruptcies: 20 in 2000, 77 in 2001 (lecture slides summarising The "
                             "Economist, cdn.slideserve.com/yukio/telecom-meltdown-facts; FACTS.md; TELECOM.md calls "
                             "this source weak)")
    spread_year(c, 2000, "telecom_bankruptcies", 20, "bankruptcies")
    spread_year(c, 2001, "telecom_bankruptcies", 77, "bankruptcies")
    c.note("telecom_bankruptcies", source="bankruptcies", unit="bankruptcies a quarter (the year's count spread)",
           how="yearly counts divided by 4", match=False,
           thin="2000 and 2001 only; 2002-2004 only as a 2001-04 total (165, caslon.com.au), not split by year")
    c.source("challenger", "US telecom job cuts announced (Challenger, Gray & Christmas), via ARN, Fox/Reuters, "
                           "Network World; ../shared/reference-facts/telecom_yearly.csv")
    h1, _ = fact(yearly, "2001-H1", "US telecom job cuts announced (Challenger)")
    y01, _ = fact(yearly, "2001", "US telecom job cuts announced (Challenger Gray & Christmas)")
    q1_02, _ = fact(yearly, "2002-Q1", "US telecom job cuts announced (Challenger)")
    h1_02, _ = fact(yearly, "2002-H1", "US telecom job cuts announced (Challenger)")
    q1_03, _ = fact(yearly, "2003-Q1", "US telecom job cuts announced (Challenger)")
    for q, v in (("2001Q1", h1 / 2), ("2001Q2", h1 / 2), ("2001Q3", (y01 - h1) / 2), ("2001Q4", (y01 - h1) / 2),
                 ("2002Q1", q1_02), ("2002Q2", h1_02 - q1_02), ("2003Q1", q1_03)):
        c.add(q, "telecom_job_cuts", v, "challenger")
    c.note("telecom_job_cuts", source="challenger", unit="job cuts announced a quarter",
           how="2001: the first half and the second (year minus first half) each split evenly over its quarters; "
               "2002Q1 as stated, 2002Q2 = first half minus Q1; 2003Q1 as stated", match=False,
           thin="2001Q1-2002Q2 and 2003Q1 only; half-years split evenly")
    add_listed_events(c, shared)

    c.source("telecom-act", "Telecommunications Act signed 1996-02-08, opening local markets to competitive carriers "
                            "(convergedigest.com 2006-02, FACTS.md)")
    c.source("telecom-md", "TELECOM.md 'Shape of the cycle': 1995-98 build-up (IPOs of UUNET, Netscape, Lucent, Qwest, "
                           "Global Crossing; big mergers; the Telecom Act); 1999-2000 peak (IPOs and high-yield "
                           "funding cluster); late 2000 first failures; 2001-02 collapse; 2003-04 aftermath "
                           "(emergences from Chapter 11)")
    c.source("nasdaq-peak", "Nasdaq Composite peak close 5,048.62 on 2000-03-10 (FACTS.md; Washington Times 2003-03-12)")
    c.source("nasdaq-low", "Nasdaq Composite low close 1,114.11 on 2002-10-09, -78% (FACTS.md; Washington Times "
                           "2003-03-12)")
    c.phase("1995-01-01", "1998-12-31", "trigger", "telecom-md+telecom-act",
            "build-up: backbone and equipment IPOs, the Telecom Act (1996-02-08), big mergers")
    c.phase("1999-01-01", "2000-03-10", "peak", "telecom-md+moneytree",
            "IPOs and high-yield funding cluster; telecom VC from $1.8B (1999Q3) to $4.3B (2000Q1); ends at the "
            "Nasdaq peak")
    c.phase("2000-03-11", "2002-10-09", "trough", "nasdaq-peak+bankruptcies",
            "from the Nasdaq peak: first failures late 2000, 77 telecom bankruptcies in 2001, Global Crossing "
            "(2002-01-28) and WorldCom (2002-07-21) file; ends at the Nasdaq low")
    c.phase("2002-10-10", "2004-12-31", "slope", "nasdaq-low+telecom-md",
            "from the Nasdaq low: emergences from Chapter 11 (XO 2003-01, Global Crossing 2003-12, MCI 2004-04), "
            "Nasdaq +50% in 2003")
    return c


def build_dotcom(shared: Path, work: Path, usnews: Path, nyt: Path) -> Cycle:
    c = Cycle("dot-com", "Dot-com boom and bust (1995-2003)", "dot-com", "1995-01-01", "2003-12-31", "2003-12-31",
              "The internet-company boom from Netscape's IPO (1995-08-09) to the Nasdaq peak of 2000-03-10, and the "
              "bust to the Nasdaq low of 2002-10-09.")
    key = c.source("wsj-wapo", "WSJ and Washington Post economic news 1995-2014 (../shared/corpora/wsj-wapo-1995-2014/"
                               f"usnews.csv, from the R package sentometrics), ingested and extracted by hypecycle "
                               f"{__version__}; topic: the shipped dot-com lexicon")
    traj = trajectory(usnews, topic_spec("dot-com"), c.meta["start"], c.meta["end"])
    add_trajectory(c, traj, key, what="WSJ/Washington Post articles mentioning the dot-com lexicon")
    nkey = c.source("nyt-frontpage", "New York Times front-page headlines and their one-line subjects 1996-2006 "
                                     "(../shared/corpora/nyt-frontpage-1996-2006, from the R package RTextTools; "
                                     "ingested with --encoding latin-1 --text-field Subject), shipped dot-com lexicon")
    ntraj = trajectory(nyt, topic_spec("dot-com"), "1996-01-01", c.meta["end"])
    add_trajectory(c, ntraj, nkey, prefix="nyt_", what="NYT front pages mentioning the dot-com lexicon",
                   signals=["articles", "topic_articles", "attention"])
    c.notes["nyt_attention"]["thin"] = (f"too thin to carry a series: {int(ntraj.frame['topic_articles'].sum())} "
                                        "front pages in 1996-2003 (about 70 a quarter in all); not matched on")
    yearly = read_yearly(shared)
    add_nasdaq(c, yearly)
    add_ritter(c, yearly, [1995, 1996, 1997, 1998, 1999, 2000])
    c.source("netscape", "Netscape's IPO on 1995-08-09: the price doubled to $28, first-day close $58 "
                         "(../shared/reference-facts/telecom_events.csv, with its source)")
    c.source("psy", "Bubble dating: Phillips, Wu & Yu (2011, International Economic Review 52(1)) date explosive "
                    "Nasdaq prices from mid-1995; the psymonitor replication of Phillips, Shi & Yu (2015) dates the "
                    "dot-com episode January 1996 to October 2000 (FACTS.md)")
    c.source("nasdaq-peak", "Nasdaq Composite peak close 5,048.62 on 2000-03-10 (FACTS.md; Washington Times 2003-03-12)")
    c.source("nasdaq-low", "Nasdaq Composite low close 1,114.11 on 2002-10-09, -78% (FACTS.md; Washington Times "
                           "2003-03-12)")
    c.phase("1995-01-01", "1998-12-31", "trigger", "netscape+psy",
            "Netscape's IPO (1995-08-09); explosive Nasdaq prices dated from mid-1995")
    c.phase("1999-01-01", "2000-03-10", "peak", "ritter-return+nasdaq-points",
            "mean first-day IPO return 68.6% in 1999 against 20.1% in 1998; Nasdaq +85.6% in 1999; ends at the "
            "Nasdaq peak")
    c.phase("2000-03-11", "2002-10-09", "trough", "nasdaq-peak",
            "from the Nasdaq peak to its low (-78%)")
    c.phase("2002-10-10", "2003-12-31", "slope", "nasdaq-low+nasdaq-points",
            "from the Nasdaq low; Nasdaq +50% in 2003")
    return c


def build_cloud(shared: Path, reuters: Path) -> Cycle:
    c = Cycle("cloud-2007", "Cloud computing (2006-2013)", "cloud", "2006-01-01", "2013-12-31", "2014-08-31",
              "Cloud computing from Amazon S3 (2006-03-14) and EC2 (2006-08-25) through Gartner's peak (2009) into "
              "the trough (2012-2014). known_until is 2014-08-31 because the phase timeline uses Gartner's 2014 "
              "position to date the trough through 2013.")
    key = c.source("reuters", "Reuters business and technology news 2006-10-20 to 2013-11-20 (../shared/corpora/"
                              f"reuters-2006-2013), ingested and extracted by hypecycle {__version__}; topic: the "
                              "shipped cloud lexicon")
    traj = trajectory(reuters, topic_spec("cloud"), c.meta["start"], c.meta["end"])
    # the store starts 2006-10-20: quarters before hold no article and are left out (NaN)
    traj.frame.loc[traj.frame["articles"] == 0, ["attention", "articles", "topic_articles"]] = np.nan
    # funding and acquisitions come from Crunchbase below (the news counts of them are a handful)
    add_trajectory(c, traj, key, what="Reuters articles mentioning the cloud lexicon",
                   signals=["articles", "topic_articles", "attention", "hype_share", "skeptic_share", "ipo",
                            "bankruptcy", "layoff", "failures"])
    for sig in ("articles", "topic_articles", "attention"):
        c.notes[sig]["thin"] += "; nothing before 2006Q4 (the corpus starts 2006-10-20); 2013Q4 ends 2013-11-20"

    cb = shared / "corpora" / "crunchbase-2013"
    companies = pd.read_csv(cb / "crunchbase-companies.csv", encoding="latin-1", lineterminator="\r", dtype=str)
    rounds = pd.read_csv(cb / "crunchbase-rounds.csv", encoding="latin-1", lineterminator="\r", dtype=str)
    acq = pd.read_csv(cb / "crunchbase-acquisitions.csv", encoding="latin-1", lineterminator="\r", dtype=str)
    named = re.compile(r"cloud|saas", re.IGNORECASE)
    cloud_ids = set(companies.loc[companies["name"].fillna("").str.contains(named), "permalink"])
    c.source("crunchbase", f"Crunchbase export of October 2013 (../shared/corpora/crunchbase-2013; CC-BY, "
                           f"attribution Crunchbase): funding rounds and acquisitions of the {len(cloud_ids)} companies "
                           "whose name contains 'cloud' or 'saas' (the export has no description, and no category "
                           "code for cloud), and all rounds for the share")

    def quarter_of(s: pd.Series) -> pd.Series:
        d = pd.to_datetime(s, errors="coerce")
        return d.dt.to_period("Q")

    rounds["q"] = quarter_of(rounds["funded_at"])
    rounds["usd"] = pd.to_numeric(rounds["raised_amount_usd"], errors="coerce")
    rc = rounds[rounds["company_permalink"].isin(cloud_ids)]
    n_cloud = rc.groupby("q").size()
    usd = rc.groupby("q")["usd"].sum()
    n_all = rounds.groupby("q").size()
    acq["q"] = quarter_of(acq["acquired_at"])
    ac = acq[acq["company_permalink"].isin(cloud_ids)].groupby("q").size()
    for p in c.axis:
        c.add(p, "funding", float(n_cloud.get(p, 0)), "crunchbase")
        c.add(p, "funding_usd", float(usd.get(p, 0.0)), "crunchbase")
        if n_all.get(p, 0):
            c.add(p, "funding_share", float(n_cloud.get(p, 0)) / float(n_all[p]), "crunchbase")
        c.add(p, "acquisition", float(ac.get(p, 0)), "crunchbase")
    span = (rc["q"] >= c.axis[0]) & (rc["q"] <= c.axis[-1])
    thin = (f"{int(span.sum())} rounds 2006-2013, {int(n_cloud.reindex(c.axis[:12]).fillna(0).sum())} of them in "
            "2006-2008; Crunchbase's coverage grows several-fold over these years (all rounds: "
            f"{int(n_all.get(c.axis[0], 0))} in 2006Q1, {int(n_all.get(c.axis[-4], 0))} in 2013Q1), so counts rise "
            "with coverage; 2013Q4 is almost empty (the export is of October 2013: "
            f"{int(n_all.get(c.axis[-1], 0))} rounds in all); companies named after the buzzword are also a "
            "dilution signal in themselves")
    c.note("funding", source="crunchbase", unit="rounds a quarter", match=False, thin=thin,
           how="Crunchbase rounds of companies named 'cloud'/'saas', by the quarter of funded_at")
    c.note("funding_usd", source="crunchbase", unit="USD a quarter", match=False, thin=thin,
           how="their raised_amount_usd summed (undisclosed amounts count 0)")
    c.note("funding_share", source="crunchbase", unit="share of all Crunchbase rounds", match=False,
           thin="a coverage-neutral view of the same thin counts", how="cloud-named rounds / all rounds of the quarter")
    c.note("acquisition", source="crunchbase", unit="acquisitions a quarter", match=False,
           thin=f"{int(ac.reindex(c.axis).fillna(0).sum())} acquisitions of cloud-named companies 2006-2013",
           how="Crunchbase acquisitions whose target is a cloud-named company, by the quarter of acquired_at")

    c.source("aws", "Amazon S3 launched 2006-03-14; EC2 beta 2006-08-25 (AWS blog; FACTS.md)")
    c.source("gartner-2008", "Gartner Hype Cycle for Emerging Technologies 2008: cloud computing rising toward the "
                             "peak (blog.discountasp.net 2009-12; FACTS.md)")
    c.source("gartner-2009", "Gartner 2009: cloud computing at the Peak of Inflated Expectations (IndustryWeek "
                             "2009-08-17; FACTS.md); web search interest peaked in November 2009 (elasticvapor.com "
                             "2010-01, reading Google Trends; FACTS.md)")
    c.source("gartner-2010", "Gartner 2010: cloud computing 'tipped over the peak' (CRN 2010-08); a November 2010 "
                             "Gartner note still says at the peak: sources disagree (FACTS.md)")
    c.source("gartner-2012", "Gartner 2012: from the peak into the Trough of Disillusionment (ITPro 2012-08; FACTS.md)")
    c.source("gartner-2014", "Gartner 2014: cloud computing in the trough (dataconomy.com 2014-08; FACTS.md)")
    c.phase("2006-01-01", "2008-07-31", "trigger", "aws",
            "S3 (2006-03-14) and EC2 (2006-08-25) launch; search interest about zero until October 2007")
    c.phase("2008-08-01", "2010-07-31", "peak", "gartner-2008+gartner-2009",
            "Gartner 2008 rising toward the peak, 2009 at the peak; search interest peaks in November 2009")
    c.phase("2010-08-01", "2013-12-31", "trough", "gartner-2010+gartner-2012+gartner-2014",
            "Gartner 2010 tipped over the peak (disputed by a November 2010 note), 2012 into the trough, 2014 in "
            "the trough")
    return c


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder (default ../shared)")
    ap.add_argument("--reuters-store", type=Path, help="a hypecycle store of the whole Reuters corpus "
                                                       "(default: ingest it into --work)")
    ap.add_argument("--work", type=Path, help="folder for the stores built here (default: a temporary folder)")
    ap.add_argument("--out", type=Path, default=ROOT / "hypecycle" / "data" / "cycles",
                    help="where to write the cycle folders (default: the package data)")
    args = ap.parse_args(argv)
    shared = args.shared
    corpora = shared / "corpora"
    if not corpora.is_dir():
        print(f"no corpora at {corpora}; give --shared", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="hypecycle-cycles-")
        work = Path(tmp.name)
    else:
        work = args.work
        work.mkdir(parents=True, exist_ok=True)
    try:
        print("stores:", flush=True)
        usnews = ensure_store(work / "usnews.duckdb", [corpora / "wsj-wapo-1995-2014" / "usnews.csv"])
        nyt = ensure_store(work / "nyt.duckdb", [corpora / "nyt-frontpage-1996-2006" / "NYTimes.csv.gz"],
                           encoding="latin-1", text_field="Subject")
        reuters = args.reuters_store
        if reuters is None:
            reuters = ensure_store(work / "reuters.duckdb",
                                   sorted((corpora / "reuters-2006-2013").glob("reuters_20*.jsonl.gz")))
        cycles = [build_telecom(shared, work, usnews), build_dotcom(shared, work, usnews, nyt),
                  build_cloud(shared, reuters)]
        for c in cycles:
            folder = c.write(args.out)
            print(f"{c.meta['id']}: {len(c.rows)} numbers, {len(c.notes)} signals, {len(c.phases)} phases -> "
                  f"{folder}", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
