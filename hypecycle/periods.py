"""Periods: the one period type and complete, zero-filled period axis every stage shares.

A period is a pandas :class:`~pandas.Period` of frequency month, quarter or year. Every
per-period output of hypecycle (counts, trajectories, comparisons, backtests) is laid
on :func:`period_axis`: every period from the first to the last, none left out, so a
period with no article is a row of zeros rather than a gap that a plot or a share
would silently skip.

Labels are ``2008-03`` (month), ``2008Q1`` (quarter) and ``2008`` (year), the same as
pandas prints them and as the store's SQL writes them (:func:`sql_label`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from .errors import UsageError

#: Frequencies a trajectory can be computed at, and their pandas codes.
FREQS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is one of :data:`FREQS`, else raise :class:`UsageError`."""
    if freq not in FREQS:
        raise UsageError(f"unknown period {freq!r}; expected one of {', '.join(FREQS)}")
    return freq


def period_of(date: dt.date | pd.Timestamp | str, freq: str) -> pd.Period:
    """The period holding ``date``."""
    return pd.Period(pd.Timestamp(date), freq=FREQS[check_freq(freq)])


def period_axis(start: dt.date | pd.Timestamp | str, end: dt.date | pd.Timestamp | str,
                freq: str) -> pd.PeriodIndex:
    """Every period from the one holding ``start`` to the one holding ``end``, in order.

    Raises
    ------
    UsageError
        For an unknown ``freq`` or an ``end`` before ``start``.
    """
    first, last = period_of(start, freq), period_of(end, freq)
    if last < first:
        raise UsageError(f"the period range ends ({end}) before it starts ({start})")
    return pd.period_range(first, last, freq=FREQS[freq], name="period")


def label(period: pd.Period) -> str:
    """The period's label: ``2008-03``, ``2008Q1`` or ``2008``."""
    return str(period)


def parse_label(text: str, freq: str) -> pd.Period:
    """The period a label names (the inverse of :func:`label`)."""
    try:
        return pd.Period(text, freq=FREQS[check_freq(freq)])
    except (ValueError, TypeError):
        raise UsageError(f"{text!r} is not a {freq} label such as "
                         f"{ {'month': '2008-03', 'quarter': '2008Q1', 'year': '2008'}[freq] }") from None


def bounds(period: pd.Period) -> tuple[dt.date, dt.date]:
    """First and last day of a period."""
    return period.start_time.date(), period.end_time.date()


def reindex(frame: pd.DataFrame, axis: pd.PeriodIndex, *, on: str = "period",
            fill: dict[str, object] | None = None) -> pd.DataFrame:
    """Lay ``frame`` (one row per period in column ``on``, labels or Periods) on ``axis``.

    Periods of ``axis`` missing from ``frame`` become rows of zeros (or of ``fill``'s
    value for the columns it names); rows outside ``axis`` are dropped. The result has
    the column ``on`` holding Periods, in axis order, and a fresh index.
    """
    freq = axis.freqstr
    keys = frame[on]
    if len(keys) and not isinstance(keys.iloc[0], pd.Period):
        keys = pd.PeriodIndex([pd.Period(k, freq=freq) for k in keys], freq=freq)
    out = frame.drop(columns=[on]).set_index(pd.PeriodIndex(keys, freq=freq, name=on))
    out = out[~out.index.duplicated(keep="first")].reindex(axis)
    fill = dict(fill or {})
    for col in out.columns:
        value = fill.get(col, 0)
        if value is not None:
            out[col] = out[col].fillna(value)
            if value == 0 and col in frame and pd.api.types.is_integer_dtype(frame[col].dtype):
                out[col] = out[col].astype("int64")
    return out.reset_index()


def sql_label(expr: str, freq: str) -> str:
    """SQL (DuckDB) turning a date expression into its period label, as :func:`label` writes it."""
    trunc = f"date_trunc('{check_freq(freq)}', {expr})"
    if freq == "quarter":
        return f"(year({trunc})::VARCHAR || 'Q' || quarter({trunc})::VARCHAR)"
    fmt = {"month": "%Y-%m", "year": "%Y"}[freq]
    return f"strftime({trunc}, '{fmt}')"


def labels(axis: Iterable[pd.Period]) -> list[str]:
    """Labels of a sequence of periods."""
    return [label(p) for p in axis]


__all__ = ["FREQS", "bounds", "check_freq", "label", "labels", "parse_label", "period_axis", "period_of",
           "reindex", "sql_label"]
