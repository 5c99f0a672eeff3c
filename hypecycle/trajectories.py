"""Trajectories: a topic's signals per period, computed as of a date.

This module is pure computation: it turns the per-day article sums and event-level frames that
the store's read API (:mod:`hypecycle.queries`) returns into one tidy frame per topic,
a row per period of a complete axis (:mod:`hypecycle.periods`). Everything it receives
was published on or before the as-of date, and nothing it computes looks further ahead
than the row it fills: smoothing is trailing, never centred.

The columns are :data:`COLUMNS`; :data:`COLUMN_DOCS` says what each holds, and the JSON
form (:meth:`Trajectory.to_dict`) uses the same names.

Signals
-------
attention
    ``topic_articles / articles``: the share of all articles of the period that mention
    the topic, so that a corpus that grows is not mistaken for hype; with a 95% Wilson
    interval, because topic counts are small (often 5-50 a quarter).
money
    Funding events attributed to the topic: count, USD volume, rounds of $100M or more,
    median and largest valuation.
exits and failures
    IPOs, acquisitions, bankruptcies, shutdowns and layoffs attributed to the topic; the
    failure share of all its events.
language
    The share of the topic's articles holding a hype cue, and a sceptic cue, with
    intervals, next to the same shares over the whole corpus (cue words such as "boom" or
    "write-down" follow the business cycle, so a topic's rate is read against the
    corpus's).
dilution
    How far the word has spread beyond its field (every company suddenly "a cloud
    company"): ``peripheral_share``, the share of the topic's articles whose subject is
    something else (the topic is named once, and not in the title or lead), and
    ``companies``/``new_companies``, the distinct companies named (with a legal form) in
    the topic's articles, and those named there for the first time.

Event attribution
-----------------
An event reported by an article that mentions the topic counts for the topic when the
article names the topic in its title or lead, or names it at least
:data:`OFTEN_ENOUGH` times, or the sentence reporting the event names it. Reports of
the same event (same type and company within :data:`SAME_EVENT_DAYS` days) count once,
in the period of the first report.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import periods
from .errors import UsageError
from .schema import EVENT_TYPES

#: An article naming the topic this many times has the topic as a subject of its own.
OFTEN_ENOUGH = 3
#: Reports of one event (type and company) within this many days are one event.
SAME_EVENT_DAYS = 180
#: A round of at least this many US dollars is a "large round".
LARGE_ROUND_USD = 100e6
#: Two-sided coverage of the intervals.
CONFIDENCE = 0.95
FAILURE_TYPES = ("bankruptcy", "shutdown", "layoff")
EXIT_TYPES = ("ipo", "acquisition")
#: Event types counted per period under their own name (funding has columns of its own).
_COUNTED_TYPES = tuple(t for t in EVENT_TYPES if t != "funding")

COLUMN_DOCS: dict[str, str] = {
    "period": "the period's label (2009Q3, 2009-08, 2009)",
    "start": "first day of the period",
    "end": "last day of the period",
    "partial": "true when the as-of date falls inside the period (the period is not over)",
    "articles": "all articles of the period in the store",
    "topic_articles": "articles mentioning the topic",
    "attention": "topic_articles / articles",
    "attention_lo": "lower end of attention's 95% Wilson interval",
    "attention_hi": "upper end of attention's 95% Wilson interval",
    "attention_smooth": "trailing-window attention (pooled counts of the last `smooth` periods); empty without smoothing",
    "attention_smooth_lo": "lower end of the smoothed attention's interval",
    "attention_smooth_hi": "upper end of the smoothed attention's interval",
    "mentions": "matches of the topic's terms in its articles",
    "lead_articles": "topic articles naming the topic in the title or lead",
    "hype_articles": "topic articles holding at least one hype cue",
    "hype_share": "hype_articles / topic_articles",
    "hype_lo": "lower end of hype_share's interval",
    "hype_hi": "upper end of hype_share's interval",
    "skeptic_articles": "topic articles holding at least one sceptic cue",
    "skeptic_share": "skeptic_articles / topic_articles",
    "skeptic_lo": "lower end of skeptic_share's interval",
    "skeptic_hi": "upper end of skeptic_share's interval",
    "corpus_hype_share": "share of all extracted articles of the period holding a hype cue",
    "corpus_skeptic_share": "share of all extracted articles of the period holding a sceptic cue",
    "funding": "funding rounds attributed to the topic",
    "funding_usd": "their total disclosed amount, USD",
    "rounds_100m": "rounds of USD 100 million or more",
    "valuation_median": "median disclosed valuation of the rounds, USD",
    "valuation_max": "largest disclosed valuation of the rounds, USD",
    "ipo": "IPOs attributed to the topic",
    "acquisition": "acquisitions attributed to the topic (the target's)",
    "bankruptcy": "bankruptcies attributed to the topic",
    "shutdown": "shutdowns attributed to the topic",
    "layoff": "layoffs attributed to the topic",
    "laid_off": "people laid off, where stated",
    "events": "all events attributed to the topic",
    "failures": "bankruptcy + shutdown + layoff",
    "failure_share": "failures / events",
    "peripheral_articles": "topic articles naming the topic once and not in the title or lead",
    "peripheral_share": "peripheral_articles / topic_articles (buzzword dilution)",
    "peripheral_lo": "lower end of peripheral_share's interval",
    "peripheral_hi": "upper end of peripheral_share's interval",
    "companies": "distinct companies named (with a legal form) in the topic's articles",
    "new_companies": "of those, companies named in the topic's articles for the first time",
}
COLUMNS: tuple[str, ...] = tuple(COLUMN_DOCS)
#: Signals compared and fed to the classifier (numeric columns of a trajectory).
SIGNALS: tuple[str, ...] = ("attention", "topic_articles", "funding", "funding_usd", "rounds_100m",
                            "valuation_median", "ipo", "acquisition", "bankruptcy", "shutdown", "layoff",
                            "failures", "failure_share", "hype_share", "skeptic_share", "peripheral_share",
                            "companies", "new_companies")


def wilson(k: np.ndarray | float, n: np.ndarray | float, confidence: float = CONFIDENCE
           ) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of a binomial share ``k / n`` (NaN where ``n`` is 0).

    Better than the normal approximation at the small counts and shares near zero that
    topic data has; it never leaves [0, 1].
    """
    from statistics import NormalDist

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def _share(k, n) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, k / n, np.nan)


@dataclass
class Trajectory:
    """A topic's trajectory as of a date.

    Attributes
    ----------
    topic
        The topic's name: a lexicon id, or the ad-hoc terms joined by commas.
    spec
        How the topic was defined: ``{"topic": id}`` or ``{"terms": [...]}``.
    freq
        ``month``, ``quarter`` or ``year``.
    as_of
        The date the trajectory is computed as of: nothing published later was read.
    frame
        One row per period (:data:`COLUMNS`).
    articles
        The topic's article-level frame (:data:`hypecycle.queries.ARTICLE_COLUMNS`) when it was
        counted by scanning the text; ``None`` for a stored topic (read its articles with
        :func:`hypecycle.queries.topic_articles`).
    events
        The events attributed to the topic, one row per distinct event, with ``reports``.
    caveats
        Plain-language warnings about the data (thin counts, gaps, stale extraction).
    """

    topic: str
    spec: dict[str, Any]
    freq: str
    as_of: dt.date
    frame: pd.DataFrame
    articles: pd.DataFrame | None = field(repr=False, default=None)
    events: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    caveats: list[str] = field(default_factory=list)
    smooth: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``topic``, ``spec``, ``freq``, ``as_of``, ``smooth``, ``columns`` (names and
        meanings), ``periods`` (one object per row), ``caveats``."""
        rows = []
        for rec in self.frame.to_dict(orient="records"):
            rows.append({k: _jsonable(v) for k, v in rec.items()})
        return {"topic": self.topic, "spec": self.spec, "freq": self.freq, "as_of": self.as_of.isoformat(),
                "smooth": self.smooth, "columns": {c: COLUMN_DOCS[c] for c in self.frame.columns},
                "periods": rows, "caveats": list(self.caveats)}


def _jsonable(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (pd.Period,)):
        return str(v)
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()[:10]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else round(float(v), 6)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def attribute(events: pd.DataFrame, articles: pd.DataFrame, topic_key: str) -> pd.Series:
    """Which events count for the topic (module docstring, "Event attribution").

    ``events`` needs ``article_id`` and ``topics`` (topics named in the evidence sentence);
    ``articles`` is the topic's article-level frame (``mentions``, ``lead``). Events of
    articles not in ``articles`` never count.
    """
    if events.empty:
        return pd.Series([], dtype=bool)
    art = articles.set_index("article_id")
    mentions = events["article_id"].map(art["mentions"])
    known = mentions.notna()
    mentions = mentions.fillna(0)
    lead = events["article_id"].map(art["lead"]).fillna(0).astype(float)
    in_sentence = pd.Series([t is not None and topic_key in t for t in events["topics"].tolist()],
                            index=events.index, dtype=bool)
    return (known & ((lead > 0) | (mentions >= OFTEN_ENOUGH) | in_sentence)).astype(bool)


def distinct_events(events: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct event: reports of the same type and company (``company_key``)
    within :data:`SAME_EVENT_DAYS` days of the previous report are merged into the first;
    amounts, valuations and counts take the largest stated in any report."""
    if events.empty:
        out = events.copy()
        out["reports"] = pd.Series(dtype="int64")
        return out
    ev = events.sort_values(["date", "article_id", "seq"]).reset_index(drop=True)
    ev["cluster"] = _report_chains(ev)
    cluster = ev["cluster"].to_numpy()
    size = np.bincount(cluster, minlength=len(ev))
    multi = size[cluster] > 1
    # an event reported once is its report; only the others are aggregated (the first stated
    # value of each column, the largest amount), which keeps a large topic fast
    parts = [ev[~multi].set_index("cluster")]
    if multi.any():
        agg = {c: "first" for c in ev.columns if c not in ("cluster",)}
        for c in ("amount_usd", "valuation_usd", "count"):
            if c in ev:
                agg[c] = "max"
        parts.append(ev[multi].groupby("cluster", sort=True).agg(agg))
    out = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    out["reports"] = size[out.index.to_numpy()]
    return out.reset_index(drop=True)


def _report_chains(ev: pd.DataFrame) -> np.ndarray:
    """For reports in date order, the row of the first report of each one's chain: reports of
    one type and company (``company_key``) each within :data:`SAME_EVENT_DAYS` days of the
    one before; a report without a company is a chain of its own."""
    n = len(ev)
    rows = np.arange(n)
    keys = ev["company_key"].fillna("").astype(str).to_numpy(dtype=object)
    named = keys != ""
    if not named.any():
        return rows
    day = pd.to_datetime(ev["date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    group, _ = pd.factorize(pd.Series(ev["type"].astype(str).to_numpy(dtype=object) + "\x00" + keys))
    group = np.where(named, group, -1 - rows)  # unnamed: a group each
    order = np.argsort(group, kind="stable")  # by group, then date order
    g, d = group[order], day[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (g[1:] != g[:-1]) | (d[1:] - d[:-1] > SAME_EVENT_DAYS)
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    chains = np.empty(n, dtype=np.int64)
    chains[order] = order[first]
    return chains


def build(topic: str, spec: dict[str, Any], *, days: pd.DataFrame, totals: pd.DataFrame,
          events: pd.DataFrame, companies: pd.DataFrame, axis: pd.PeriodIndex, freq: str,
          as_of: dt.date, smooth: int | None = None, caveats: list[str] | None = None,
          articles: pd.DataFrame | None = None) -> Trajectory:
    """Assemble a topic's trajectory frame from what the store held as of ``as_of``.

    Parameters
    ----------
    topic, spec
        The topic's name and definition (see :class:`Trajectory`).
    days
        The topic's articles summed per day (:data:`hypecycle.queries.DAY_COLUMNS`).
    totals
        Per-period totals on ``axis`` (:func:`hypecycle.queries.period_totals`).
    events
        The events that count for the topic (attributed), with ``company_key``.
    companies
        ``date, name`` of company names in the topic's articles.
    articles
        The article-level frame, when there is one (a scanned topic), kept on the result.
    axis
        The complete period axis, ending with the period holding ``as_of``.
    smooth
        Trailing window (periods) for ``attention_smooth``; ``None`` or 1: no smoothing.

    Raises
    ------
    UsageError
        If any input row is dated after ``as_of`` (a caller bug that would be look-ahead).
    """
    periods.check_freq(freq)
    for name, frame in (("articles", days), ("events", events), ("companies", companies)):
        if len(frame) and max(frame["date"]) > as_of:
            raise UsageError(f"{name} dated after the as-of date {as_of} were passed to the trajectory")
    if smooth is not None and (not isinstance(smooth, int) or smooth < 1):
        raise UsageError(f"--smooth must be a whole number of periods >= 1, got {smooth!r}")
    code = periods.FREQS[freq]
    n = len(axis)
    out = pd.DataFrame({"period": [periods.label(p) for p in axis]})
    out["start"] = [p.start_time.date() for p in axis]
    out["end"] = [p.end_time.date() for p in axis]
    out["partial"] = out["end"] > as_of

    first_ordinal = axis[0].ordinal

    def with_pos(frame: pd.DataFrame) -> pd.DataFrame:
        """The frame with ``_pos``: the index of each row's period on the axis."""
        frame = frame.copy()
        if len(frame):
            frame["_pos"] = pd.PeriodIndex(pd.to_datetime(frame["date"]), freq=code).asi8 - first_ordinal
        else:
            frame["_pos"] = pd.Series(dtype="int64")
        return frame

    def per_period(frame: pd.DataFrame, values: pd.Series | None = None, how: str = "count") -> np.ndarray:
        if frame.empty:
            return np.zeros(n)
        pos = frame["_pos"].to_numpy()
        keep = (pos >= 0) & (pos < n)
        pos = pos[keep]
        if how in ("count", "sum"):
            w = None if values is None else np.nan_to_num(values.to_numpy(dtype=float)[keep])
            return np.bincount(pos, weights=w, minlength=n).astype(float)
        vals = pd.Series(values.to_numpy(dtype=float)[keep], index=pos)
        grouped = getattr(vals.groupby(level=0), how)()
        return grouped.reindex(range(n)).to_numpy(dtype=float)

    days = with_pos(days)
    events = with_pos(events)

    totals = totals.set_index("period").reindex(axis)
    out["articles"] = totals["articles"].fillna(0).to_numpy(dtype="int64")
    def day_sum(col: str) -> np.ndarray:
        return np.nan_to_num(per_period(days, days[col], "sum")) if len(days) else np.zeros(n)

    out["topic_articles"] = day_sum("articles").astype("int64")
    out["attention"] = _share(out["topic_articles"], out["articles"])
    out["attention_lo"], out["attention_hi"] = wilson(out["topic_articles"], out["articles"])
    if smooth and smooth > 1:
        k = out["topic_articles"].rolling(smooth, min_periods=1).sum()
        m = out["articles"].rolling(smooth, min_periods=1).sum()
        out["attention_smooth"] = _share(k, m)
        out["attention_smooth_lo"], out["attention_smooth_hi"] = wilson(k, m)
    else:
        out["attention_smooth"] = np.nan
        out["attention_smooth_lo"] = np.nan
        out["attention_smooth_hi"] = np.nan
    out["mentions"] = day_sum("mentions").astype("int64")
    out["lead_articles"] = day_sum("lead_articles").astype("int64")
    for cue, col in (("hype", "hype"), ("skeptic", "skeptic")):
        k = day_sum(f"{cue}_articles")
        out[f"{col}_articles"] = k.astype("int64")
        out[f"{col}_share"] = _share(k, out["topic_articles"])
        out[f"{col}_lo"], out[f"{col}_hi"] = wilson(k, out["topic_articles"])
        out[f"corpus_{col}_share"] = _share(totals[f"{cue}_articles"].fillna(0), totals["extracted"].fillna(0))

    ev = distinct_events(events) if len(events) else events

    def of_type(t: str) -> pd.DataFrame:
        return ev[ev["type"] == t] if len(ev) else ev

    fund = of_type("funding")
    out["funding"] = np.nan_to_num(per_period(fund)).astype("int64")
    out["funding_usd"] = np.nan_to_num(per_period(fund, fund["amount_usd"].fillna(0), "sum")) if len(fund) \
        else np.zeros(n)
    big = fund[fund["amount_usd"].fillna(0) >= LARGE_ROUND_USD] if len(fund) else fund
    out["rounds_100m"] = np.nan_to_num(per_period(big)).astype("int64")
    valued = fund[fund["valuation_usd"].notna()] if len(fund) else fund
    out["valuation_median"] = per_period(valued, valued["valuation_usd"], "median") if len(valued) \
        else np.full(n, np.nan)
    out["valuation_max"] = per_period(valued, valued["valuation_usd"], "max") if len(valued) \
        else np.full(n, np.nan)
    for t in _COUNTED_TYPES:
        out[t] = np.nan_to_num(per_period(of_type(t))).astype("int64")
    lay = of_type("layoff")
    out["laid_off"] = np.nan_to_num(per_period(lay, lay["count"].fillna(0), "sum")).astype("int64") if len(lay) \
        else np.zeros(n, dtype="int64")
    out["events"] = np.nan_to_num(per_period(ev)).astype("int64")
    out["failures"] = out[list(FAILURE_TYPES)].sum(axis=1).astype("int64")
    out["failure_share"] = _share(out["failures"], out["events"])

    known_n = day_sum("lead_known")
    out["peripheral_articles"] = day_sum("peripheral_articles").astype("int64")
    out["peripheral_share"] = _share(out["peripheral_articles"], known_n)
    out["peripheral_lo"], out["peripheral_hi"] = wilson(out["peripheral_articles"], known_n)

    comp_n = np.zeros(n, dtype="int64")
    new_n = np.zeros(n, dtype="int64")
    if len(companies):
        c = with_pos(companies)
        c["key"] = _company_keys(c["name"])
        c = c[(c["key"] != "") & (c["_pos"] >= 0) & (c["_pos"] < n)].drop_duplicates(["key", "_pos"])
        if len(c):
            comp_n = np.bincount(c["_pos"].to_numpy(), minlength=n).astype("int64")
            first = c.groupby("key")["_pos"].transform("min")
            new_n = np.bincount(c.loc[c["_pos"] == first, "_pos"].to_numpy(), minlength=n).astype("int64")
    out["companies"] = comp_n
    out["new_companies"] = new_n
    out = out[list(COLUMNS)]

    notes = list(caveats or [])
    notes += _caveats(out, days)
    return Trajectory(topic=topic, spec=spec, freq=freq, as_of=as_of, frame=out, articles=articles,
                      events=ev, caveats=notes, smooth=smooth if smooth and smooth > 1 else None)


#: Capitalised words that open a sentence before a company name ("The Walt Disney Co").
_NAME_OPENERS = r"^(?:(?:The|A|An|By|From|And|Of|In|At|For|To|With)\s+)+"


def _company_keys(names: pd.Series) -> pd.Series:
    """Normalised company names (leading sentence words dropped, lower case, no final dot),
    each distinct name computed once."""
    distinct = pd.Series(names.astype(str).unique())
    s = distinct.str.replace(",", " ", regex=False).str.split().str.join(" ")
    s = s.str.replace(_NAME_OPENERS, "", regex=True).str.lower().str.rstrip(".")
    return names.astype(str).map(dict(zip(distinct, s)))


#: Fewer topic articles than this in every one of the last four periods is "thin".
THIN = 5


def _caveats(frame: pd.DataFrame, days: pd.DataFrame) -> list[str]:
    notes: list[str] = []
    total = int(frame["topic_articles"].sum())
    if total == 0:
        notes.append("no article mentions the topic up to the as-of date: the trajectory is empty")
        return notes
    recent = frame["topic_articles"].tail(4)
    if len(recent) and (recent < THIN).all():
        notes.append(f"thin data: fewer than {THIN} topic articles in each of the last {len(recent)} periods "
                     f"({', '.join(str(int(v)) for v in recent)}); shares carry wide intervals")
    empty = frame.loc[frame["articles"] == 0, "period"].tolist()
    if empty:
        inner = [p for p in empty if p != frame["period"].iloc[0] and p != frame["period"].iloc[-1]]
        if inner:
            shown = ", ".join(inner[:6]) + (" ..." if len(inner) > 6 else "")
            notes.append(f"gap in the corpus: no article at all in {len(inner)} period(s) ({shown})")
    arts = frame["articles"].to_numpy()
    if len(arts) >= 6:
        usual = float(np.median(arts[-10:-2])) if len(arts) >= 10 else float(np.median(arts[:-2]))
        thin = [(p, int(a)) for p, a in zip(frame["period"].iloc[-2:], arts[-2:]) if usual > 0 and a < 0.4 * usual]
        if thin:
            notes.append("the corpus thins out at its end (" + ", ".join(f"{p}: {a} articles" for p, a in thin)
                         + f", against a usual {usual:.0f} a period): the last shares rest on few articles and "
                         "on whatever those few are about")
    unknown = int(days["articles"].sum() - days["lead_known"].sum()) if len(days) else 0
    if unknown:
        share = unknown / float(days["articles"].sum())
        notes.append(f"{share:.0%} of the topic's articles were extracted before schema version 2 (no title/lead "
                     "counts): dilution and event attribution are partial; run `hypecycle extract --store S --redo`")
    if bool(frame["partial"].iloc[-1]):
        notes.append(f"the last period ({frame['period'].iloc[-1]}) is not over at the as-of date")
    return notes


__all__ = ["COLUMNS", "COLUMN_DOCS", "FAILURE_TYPES", "OFTEN_ENOUGH", "SAME_EVENT_DAYS", "SIGNALS", "Trajectory",
           "attribute", "build", "distinct_events", "wilson"]
