"""Quarterly trajectories built from known per-period values (the truth travels with them).

``trajectory_from(attention, start=..., articles=...)`` lays a share series (or counts) on a
complete quarterly axis with every trajectory column present, as
:func:`hypecycle.trajectories.build` would, so comparison and fit tests can say exactly what
the topic did without going through a store.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from hypecycle import periods, trajectories
from hypecycle.trajectories import Trajectory


def trajectory_from(attention=None, *, counts=None, start: dt.date = dt.date(2010, 1, 1), articles=4000,
                    topic: str | None = "synthetic-topic", as_of: dt.date | None = None, **signals) -> Trajectory:
    """A quarterly :class:`Trajectory` whose topic articles are ``counts`` (or
    ``round(attention * articles)``) of ``articles`` a quarter; ``signals`` set other columns."""
    if counts is None:
        counts = np.round(np.asarray(attention, dtype=float) * np.asarray(articles, dtype=float))
    counts = np.asarray(counts, dtype=float)
    n = len(counts)
    axis = pd.period_range(periods.period_of(start, "quarter"), periods=n, freq="Q", name="period")
    total = np.broadcast_to(np.asarray(articles, dtype=float), (n,)).astype("int64")
    f = pd.DataFrame({c: np.zeros(n) for c in trajectories.COLUMNS})
    f["period"] = [periods.label(p) for p in axis]
    f["start"] = [p.start_time.date() for p in axis]
    f["end"] = [p.end_time.date() for p in axis]
    as_of = as_of or f["end"].iloc[-1]
    f["partial"] = f["end"] > as_of
    f["articles"] = total
    f["topic_articles"] = counts.astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        f["attention"] = np.where(total > 0, counts / total, np.nan)
    f["attention_lo"], f["attention_hi"] = trajectories.wilson(counts, total)
    for col in ("hype_share", "skeptic_share", "peripheral_share", "failure_share", "valuation_median",
                "valuation_max", "attention_smooth", "attention_smooth_lo", "attention_smooth_hi"):
        f[col] = np.nan
    for key, values in signals.items():
        f[key] = values
    spec = {"topic": topic} if topic else {"terms": ["synthetic"]}
    return Trajectory(topic=topic or "synthetic", spec=spec, freq="quarter", as_of=as_of, frame=f)
