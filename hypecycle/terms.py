"""Emerging terms: which words and phrases of a stored corpus have just burst.

Counts unigrams and bigrams per period in the store (title and lead of each article),
then runs Kleinberg's two-state burst automaton (:mod:`hypecycle.bursts`) on each
term's share of articles. Only articles up to ``until`` are read, so a call "as of"
a date never sees later news.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .bursts import emerging_terms
from .store import Store


def emerging(store: Store, *, since: dt.date | None = None, until: dt.date | None = None,
             freq: str = "month", top: int = 30, min_docs: int = 5, s: float = 2.0,
             gamma: float = 1.0) -> pd.DataFrame:
    """Terms whose latest burst starts on or after ``since``, strongest first.

    Parameters
    ----------
    store
        An open store.
    since
        Report bursts starting on or after this date (default: any).
    until
        Read articles published up to this date only (default: all).
    freq
        Period of the counts: ``month`` or ``quarter``.
    top
        Number of terms returned.
    min_docs
        A term must appear in at least this many articles of some period.
    s, gamma
        Kleinberg's rate ratio of the burst state and cost of entering it.

    Returns
    -------
    pandas.DataFrame
        ``term, burst_start, burst_end, weight, docs_in_burst, rate_before, rate_in_burst``.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    stop = sorted(STOP_WORDS | _NEWS_STOP)
    counts, totals = store.candidate_term_counts(freq=freq, until=until, min_docs=min_docs, stop_words=stop)
    if counts.empty:
        return pd.DataFrame(columns=["term", "burst_start", "burst_end", "weight", "docs_in_burst",
                                     "rate_before", "rate_in_burst"])
    # every term needs every period, with zero where it is absent
    periods = totals[["period", "total_docs"]]
    grid = (pd.MultiIndex.from_product([counts["term"].unique(), periods["period"]], names=["term", "period"])
            .to_frame(index=False)
            .merge(periods, on="period")
            .merge(counts[["term", "period", "docs"]], on=["term", "period"], how="left"))
    grid["docs"] = grid["docs"].fillna(0).astype("int64")
    grid["period"] = pd.to_datetime(grid["period"])
    since_ts = pd.Timestamp(since) if since is not None else None
    found = emerging_terms(grid, since=since_ts, min_docs=min_docs, s=s, gamma=gamma, top=top * 2)
    return _drop_subsumed(found).head(top).reset_index(drop=True)


def _drop_subsumed(found: pd.DataFrame) -> pd.DataFrame:
    """Drop a word whose burst is a phrase's burst ("cliff" beside "fiscal cliff"): same
    start, and the phrase holds at least 80% of the word's articles in the burst."""
    phrases = found[found["term"].str.contains(" ", regex=False)]
    drop = set()
    for row in found[~found["term"].str.contains(" ", regex=False)].itertuples():
        same = phrases[(phrases["burst_start"] == row.burst_start)
                       & phrases["term"].str.split(" ").map(lambda words, w=row.term: w in words)]
        if (same["docs_in_burst"] >= 0.8 * row.docs_in_burst).any():
            drop.add(row.term)
    return found[~found["term"].isin(drop)]


#: Words of news boilerplate that burst with the calendar, not with a technology.
_NEWS_STOP = frozenset({
    "reuters", "said", "says", "year", "years", "month", "months", "week", "weeks", "percent", "pct",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "update",
    "new", "york", "billion", "million", "quarter", "told", "editing", "reporting", "inc", "corp",
})
