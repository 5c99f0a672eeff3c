"""Kleinberg burst detection for terms counted per period.

Kleinberg (2002), "Bursty and hierarchical structure in streams", section on
enumerated (batched) arrivals, with a two-state automaton. In period ``t`` a term
appears in ``r[t]`` of ``d[t]`` documents. State 0 emits at the base rate
``p0 = sum(r) / sum(d)``, state 1 at ``p1 = s * p0`` (capped below 1). The cost of
period ``t`` in state ``i`` is the binomial negative log-likelihood

    sigma(i, t) = -ln[ C(d[t], r[t]) * p_i**r[t] * (1 - p_i)**(d[t] - r[t]) ],

moving up from state 0 to 1 costs ``gamma * ln(n)`` (``n`` periods), moving down
is free, and the automaton starts in state 0. The Viterbi path minimises total
cost. A burst is a maximal run of state 1; its weight is the cost it saves,
``sum(sigma(0, t) - sigma(1, t))`` over its periods (the binomial coefficient
cancels). Ties between equal-cost paths resolve towards state 0.

Implementation note: the published ``burst_detection`` and ``pybursts`` packages
fail on NumPy 2; this module is self-contained and vectorised over terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["burst_intervals", "emerging_terms", "kleinberg_bursts", "rise_score", "sustained_rises"]

_P1_MAX = 0.99999  # state-1 rate cap, as in Kleinberg's reference implementations
_EMERGING_COLUMNS = ["term", "burst_start", "burst_end", "weight", "docs_in_burst",
                     "rate_before", "rate_in_burst"]


def _as_counts(r: Any, d: Any) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(r, dtype=float)
    d = np.asarray(d, dtype=float)
    if r.ndim != 1 or d.ndim != 1:
        raise ValueError(f"r and d must be one-dimensional, got shapes {r.shape} and {d.shape}")
    if r.shape != d.shape:
        raise ValueError(f"r and d must have the same length, got {r.size} and {d.size}")
    _check_values(r, d)
    return r, d


def _check_values(r: np.ndarray, d: np.ndarray) -> None:
    if not (np.isfinite(r).all() and np.isfinite(d).all()):
        raise ValueError("r and d must be finite (no NaN or inf)")
    if (r < 0).any() or (d < 0).any():
        raise ValueError("r and d must be non-negative counts")
    bad = np.flatnonzero((r > d).ravel())
    if bad.size:
        raise ValueError(f"r must not exceed d: r > d at position {int(bad[0])}; "
                         "r counts documents with the term out of the d documents of the period")


def _check_params(s: float, gamma: float) -> None:
    if not np.isfinite(s) or s <= 1:
        raise ValueError(f"s must be a finite number > 1 (the burst rate multiplier), got {s!r}")
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}")


def _rates(r: np.ndarray, d: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-row base and burst rates for 2-D arrays (rows are terms)."""
    total_d = d.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p0 = np.where(total_d > 0, r.sum(axis=1) / np.where(total_d > 0, total_d, 1), 0.0)
    p0 = np.minimum(p0, _P1_MAX)
    p1 = np.minimum(s * p0, _P1_MAX)
    return p0, p1


def _cost_gain(r: np.ndarray, d: np.ndarray, s: float) -> np.ndarray:
    """sigma(0, t) - sigma(1, t) per row and period: what state 1 saves (may be negative).

    Rows with no occurrence at all get 0 everywhere (no evidence, no burst).
    """
    p0, p1 = _rates(r, d, s)
    live = (p0 > 0) & (p1 > p0)
    gain = np.zeros_like(r)
    if live.any():
        a0, a1 = p0[live, None], p1[live, None]
        rl, dl = r[live], d[live]
        # ln L1 - ln L0 = r ln(p1/p0) + (d - r) ln((1-p1)/(1-p0))
        gain[live] = rl * np.log(a1 / a0) + (dl - rl) * (np.log1p(-a1) - np.log1p(-a0))
    return gain


def _viterbi(gain: np.ndarray, up_cost: float) -> np.ndarray:
    """Two-state Viterbi for each row of ``gain`` (state-1 cost is -gain relative to state 0)."""
    m, n = gain.shape
    states = np.zeros((m, n), dtype=np.int8)
    if n == 0:
        return states
    # cost relative to state 0 emitting: state 0 costs 0 per period, state 1 costs -gain
    c0 = np.zeros(m)
    c1 = np.full(m, up_cost) - gain[:, 0]
    back1_from0 = np.zeros((m, n), dtype=bool)  # at t, state 1 was reached from state 0
    back0_from1 = np.zeros((m, n), dtype=bool)  # at t, state 0 was reached from state 1
    back1_from0[:, 0] = True
    for t in range(1, n):
        # into state 0: from 0 (free) or from 1 (free); ties go to 0
        from1_to0 = c1 < c0
        n0 = np.where(from1_to0, c1, c0)
        # into state 1: from 1 (free) or from 0 (up_cost); ties go to 0
        via0 = c0 + up_cost
        from0_to1 = via0 <= c1
        n1 = np.where(from0_to1, via0, c1) - gain[:, t]
        back0_from1[:, t] = from1_to0
        back1_from0[:, t] = from0_to1
        c0, c1 = n0, n1
    cur = (c1 < c0).astype(np.int8)
    rows = np.arange(m)
    for t in range(n - 1, -1, -1):
        states[:, t] = cur
        if t == 0:
            break
        prev_if0 = np.where(back0_from1[rows, t], 1, 0)
        prev_if1 = np.where(back1_from0[rows, t], 0, 1)
        cur = np.where(cur == 1, prev_if1, prev_if0).astype(np.int8)
    return states


def _bursts_2d(r: np.ndarray, d: np.ndarray, s: float, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    n = r.shape[1]
    gain = _cost_gain(r, d, s)
    up_cost = gamma * np.log(n) if n > 1 else 0.0
    return _viterbi(gain, up_cost), gain


def kleinberg_bursts(r: Sequence[float] | np.ndarray, d: Sequence[float] | np.ndarray, *,
                     s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """Burst states of one term with Kleinberg's two-state batched automaton.

    Parameters
    ----------
    r : array-like of shape (n,)
        Documents containing the term in each period.
    d : array-like of shape (n,)
        Documents in each period (``r[t] <= d[t]``). Periods with ``d[t] == 0``
        carry no evidence and cost nothing in either state.
    s : float, default 2.0
        Ratio of the burst rate to the base rate; must be > 1.
    gamma : float, default 1.0
        Difficulty of entering a burst: the up-transition costs ``gamma * ln(n)``.

    Returns
    -------
    numpy.ndarray of int8, shape (n,)
        0 (base state) or 1 (burst) per period.

    Raises
    ------
    ValueError
        If the arrays differ in length, are not 1-D, hold negative or non-finite
        values, or ``r > d`` somewhere; or if ``s <= 1`` or ``gamma < 0``.

    Notes
    -----
    Multiplying both ``r`` and ``d`` by ``k`` leaves the rates unchanged and
    multiplies every cost difference by ``k``, so it gives the same states as the
    original counts with ``gamma / k``: more data makes a burst easier to detect.
    """
    _check_params(s, gamma)
    r, d = _as_counts(r, d)
    states, _ = _bursts_2d(r[None, :], d[None, :], s, gamma)
    return states[0]


def _runs(states: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) index of each maximal run of 1s."""
    x = np.concatenate([[0], (np.asarray(states) == 1).astype(np.int8), [0]])
    edges = np.diff(x)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def burst_intervals(states: Sequence[int] | np.ndarray, periods: Sequence[Any], *,
                    r: Sequence[float] | np.ndarray | None = None,
                    d: Sequence[float] | np.ndarray | None = None,
                    s: float = 2.0) -> list[tuple[Any, Any, float]]:
    """Turn a state sequence into contiguous bursts.

    Parameters
    ----------
    states : array-like of 0/1, shape (n,)
        Output of :func:`kleinberg_bursts`.
    periods : sequence, length n
        Label of each period (Period, Timestamp, int ...), in time order.
    r, d : array-like of shape (n,), optional
        The counts the states were computed from. Needed for the weight; without
        them the weight is NaN.
    s : float, default 2.0
        The ``s`` used for the states (it sets the burst rate in the weight).

    Returns
    -------
    list of (start, end, weight)
        One tuple per maximal run of state 1, in time order: first and last period
        (inclusive) and Kleinberg's weight, the cost saved by being in the burst
        state, ``sum(sigma(0, t) - sigma(1, t))`` over the run (> 0 for any burst
        on the Viterbi path).

    Raises
    ------
    ValueError
        If lengths differ, states are not 0/1, or only one of ``r``/``d`` is given.
    """
    states = np.asarray(states)
    periods = list(periods)
    if states.ndim != 1 or states.size != len(periods):
        raise ValueError(f"states and periods must have the same length, got "
                         f"{states.size} and {len(periods)}")
    if not np.isin(states, (0, 1)).all():
        raise ValueError("states must contain only 0 and 1")
    if (r is None) != (d is None):
        raise ValueError("give both r and d (for the weight) or neither")
    gain = None
    if r is not None:
        _check_params(s, 1.0)
        ra, da = _as_counts(r, d)
        if ra.size != states.size:
            raise ValueError(f"r and d must have the same length as states ({states.size}), "
                             f"got {ra.size}")
        gain = _cost_gain(ra[None, :], da[None, :], s)[0]
    out = []
    for a, b in _runs(states):
        weight = float(gain[a:b + 1].sum()) if gain is not None else float("nan")
        out.append((periods[a], periods[b], weight))
    return out


def _period_axis(values: pd.Series) -> pd.Index:
    """A regular period axis from Period values, else the sorted distinct timestamps."""
    if isinstance(values.dtype, pd.PeriodDtype):
        uniq = values.dropna().unique()
        return pd.period_range(uniq.min(), uniq.max(), freq=values.dtype.freq)
    try:
        stamps = pd.to_datetime(values)
    except (TypeError, ValueError) as exc:
        raise ValueError("column 'period' must hold pandas Periods or timestamps") from exc
    return pd.DatetimeIndex(stamps.dropna().unique()).sort_values()


def _since_value(since: Any, axis: pd.Index) -> Any:
    if since is None:
        return None
    if isinstance(axis, pd.PeriodIndex):
        return pd.Period(since, freq=axis.freq)
    return pd.Timestamp(since)


def emerging_terms(counts: pd.DataFrame, *, since: Any = None, min_docs: int = 5,
                   s: float = 2.0, gamma: float = 1.0, top: int = 50) -> pd.DataFrame:
    """Terms whose latest Kleinberg burst starts on or after ``since``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts with columns ``period`` (pandas Period or timestamp), ``term``,
        ``docs`` (articles of the period containing the term) and ``total_docs``
        (articles in the period; equal on every row of a period). One row per
        term and period at most; a missing row means ``docs == 0``. With Period
        values, periods absent from the frame are filled in with no articles; with
        timestamps, the axis is the distinct timestamps present.
    since : str, Timestamp or Period, optional
        Keep a term only if its latest burst starts on or after this date (compared
        as a Period of the frame's frequency when ``period`` holds Periods). ``None``
        keeps every term with a burst.
    min_docs : int, default 5
        Terms with fewer documents in all are skipped, and bursts holding fewer
        documents are ignored before the latest burst is chosen.
    s, gamma : float
        Automaton parameters, see :func:`kleinberg_bursts`.
    top : int, default 50
        Number of rows returned at most.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, burst_start, burst_end, weight, docs_in_burst, rate_before,
        rate_in_burst``: the latest burst of each selected term with its weight
        (cost saved), its documents, the term's document rate in all periods before
        the burst (NaN when the burst starts the series) and within it. Sorted by
        weight descending, then term ascending.

    Raises
    ------
    ValueError
        If columns are missing, counts are negative or exceed ``total_docs``,
        ``total_docs`` differs within a period, a term repeats within a period, or
        parameters are out of range.
    """
    _check_params(s, gamma)
    grid = _term_grid(counts, top=top, min_docs=min_docs)
    if grid is None:
        return _empty_emerging()
    axis, d_axis, r, names = grid
    d = np.broadcast_to(d_axis, r.shape)
    states, gain = _bursts_2d(r, d, s, gamma)

    since_value = _since_value(since, axis)
    rows = []
    for i in np.flatnonzero(states.any(axis=1)):
        chosen = None
        for a, b in reversed(_runs(states[i])):
            n_docs = r[i, a:b + 1].sum()
            if n_docs >= min_docs:
                chosen = (a, b, n_docs)
                break
        if chosen is None:
            continue
        a, b, n_docs = chosen
        if since_value is not None and axis[a] < since_value:
            continue
        before_d = d_axis[:a].sum()
        rows.append({
            "term": names[i],
            "burst_start": axis[a],
            "burst_end": axis[b],
            "weight": float(gain[i, a:b + 1].sum()),
            "docs_in_burst": int(round(n_docs)),
            "rate_before": float(r[i, :a].sum() / before_d) if before_d > 0 else float("nan"),
            "rate_in_burst": float(n_docs / d_axis[a:b + 1].sum()),
        })
    return _ranked(rows, top)


def _loglik(r: np.ndarray, n: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Binomial log-likelihood without the coefficient, ``r ln q + (n - r) ln(1 - q)``, with 0 ln 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(r > 0, r * np.log(np.where(q > 0, q, 1.0)), 0.0)
        b = np.where(n - r > 0, (n - r) * np.log(np.where(q < 1, 1.0 - q, 1.0)), 0.0)
    return a + b


def rise_score(r1: np.ndarray, n1: np.ndarray, r0: np.ndarray, n0: np.ndarray) -> np.ndarray:
    """One-sided two-sample G statistic (likelihood ratio) that the rate ``r1 / n1`` exceeds
    the baseline rate ``r0 / n0``; 0 where it does not exceed it or a sample is empty.

    Finite when the baseline is 0 (a term never seen before), and it grows with the evidence:
    the same rise on ten times the articles scores ten times as much.
    """
    r1, n1, r0, n0 = (np.asarray(x, dtype=float) for x in (r1, n1, r0, n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        q1 = np.where(n1 > 0, r1 / np.where(n1 > 0, n1, 1), 0.0)
        q0 = np.where(n0 > 0, r0 / np.where(n0 > 0, n0, 1), 0.0)
        pooled = np.where(n1 + n0 > 0, (r1 + r0) / np.where(n1 + n0 > 0, n1 + n0, 1), 0.0)
    g = 2.0 * (_loglik(r1, n1, q1) + _loglik(r0, n0, q0) - _loglik(r1, n1, pooled) - _loglik(r0, n0, pooled))
    return np.where((q1 > q0) & (n1 > 0) & (n0 > 0), np.maximum(g, 0.0), 0.0)


def sustained_rises(counts: pd.DataFrame, *, since: Any = None, min_docs: int = 5, top: int = 50) -> pd.DataFrame:
    """Terms whose share of articles rose above their own earlier share and stayed there.

    Kleinberg's automaton (:func:`emerging_terms`) measures a burst against the term's rate
    over the whole series, so it rewards sudden jumps of many articles: a news event (an
    accident, a scandal) bursts for a quarter, while a technology or buzzword rises gradually
    over years from few articles, and its rise lifts the whole-series rate it is measured
    against. This ranking compares a window of periods with the term's share in *all periods
    before it* (its baseline) and asks the rise to last:

    * each period ``t`` of a window of ``L >= 2`` periods gets its evidence of a rise: the
      square root of the one-sided G statistic (:func:`rise_score`) of its share against the
      baseline, a z-score;
    * the window's score is ``min(L, B)`` times the *lower median* of these z-scores, ``B``
      being the number of baseline periods: the duration of the rise times its typical
      evidence per period. The median is robust to single periods, so a news event that
      bursts for a quarter and falls back scores about nothing beyond that quarter, while a
      rise that holds for years scores its years (the largest "rectangle" under the
      per-period evidence, a few weak periods allowed). The duration counts at most as many
      periods as the baseline holds, because every period is compared with the same baseline:
      a term missing only from a short first period (a partial first quarter) has not risen
      over the years after it;
    * the window spans the rise: its first and last periods are above the baseline (leading
      periods without the term would otherwise ride on the median);
    * each term keeps its best-scoring window (ties: the longer, then the earlier), starting
      after the first period (so there is a baseline) and on or after ``since``.

    There are no thresholds besides ``min_docs``; the median is the persistence test. The cost is
    one pass over the terms per window, ``n * (n - 1) / 2`` windows for ``n`` periods (a second
    for 29 quarters and 50,000 terms).

    Parameters
    ----------
    counts : pandas.DataFrame
        Tidy counts as for :func:`emerging_terms` (``period, term, docs, total_docs``).
    since : str, Timestamp or Period, optional
        Only windows starting on or after this date.
    min_docs : int, default 5
        Terms with fewer documents in all are skipped, and a window must hold this many.
    top : int, default 50
        Number of rows returned at most.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`emerging_terms`: ``term, burst_start, burst_end`` (the window),
        ``weight`` (its score), ``docs_in_burst`` (documents in the window), ``rate_before``
        (the baseline share) and ``rate_in_burst`` (the share in the window); sorted by
        weight descending, then term ascending. Terms scoring 0 are left out.
    """
    grid = _term_grid(counts, top=top, min_docs=min_docs)
    if grid is None or len(grid[0]) < 3:
        return _empty_emerging()
    axis, d_axis, r, names = grid
    n = len(axis)
    cr = np.concatenate([np.zeros((r.shape[0], 1)), np.cumsum(r, axis=1)], axis=1)  # cr[:, k] = sum r[:, :k]
    cd = np.concatenate([[0.0], np.cumsum(d_axis)])
    since_value = _since_value(since, axis)
    first = 1
    if since_value is not None:
        first = max(1, int(np.searchsorted(np.asarray(axis), since_value, side="left")))
    best = np.zeros(r.shape[0])
    best_a = np.full(r.shape[0], -1)
    best_e = np.full(r.shape[0], -1)
    for a in range(first, n - 1):
        # each period's evidence of a rise over the baseline (all periods before a)
        z = np.sqrt(rise_score(r[:, a:], d_axis[None, a:], cr[:, a:a + 1], np.full((1, 1), cd[a])))
        for e in range(a + 1, n):
            length = e - a + 1
            typical = np.partition(z[:, :length], (length - 1) // 2, axis=1)[:, (length - 1) // 2]
            # a rise is established over at most as many periods as its baseline holds
            score = min(length, a) * typical
            score[cr[:, e + 1] - cr[:, a] < min_docs] = 0.0
            # the window spans the rise: its first and its last period are above the baseline
            score[(z[:, 0] <= 0) | (z[:, length - 1] <= 0)] = 0.0
            # strictly better, or equal and longer (ties go to the longer, then the earlier window)
            better = (score > best) | ((score == best) & (score > 0) & ((e - a) > (best_e - best_a)))
            best = np.where(better, score, best)
            best_a = np.where(better, a, best_a)
            best_e = np.where(better, e, best_e)
    rows = []
    for i in np.flatnonzero(best > 0):
        a, e = int(best_a[i]), int(best_e[i])
        n_docs = r[i, a:e + 1].sum()
        rows.append({
            "term": names[i], "burst_start": axis[a], "burst_end": axis[e], "weight": float(best[i]),
            "docs_in_burst": int(round(n_docs)),
            "rate_before": float(cr[i, a] / cd[a]) if cd[a] > 0 else float("nan"),
            "rate_in_burst": float(n_docs / (cd[e + 1] - cd[a])) if cd[e + 1] > cd[a] else float("nan"),
        })
    return _ranked(rows, top)


def _empty_emerging() -> pd.DataFrame:
    """The frame of :func:`emerging_terms` and :func:`sustained_rises` with no row."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        _EMERGING_COLUMNS, ["str", "object", "object", "float", "int64", "float", "float"])})


def _ranked(rows: list[dict], top: int) -> pd.DataFrame:
    """Rows of :data:`_EMERGING_COLUMNS`, strongest first (ties by term), at most ``top``."""
    if not rows:
        return _empty_emerging()
    out = pd.DataFrame(rows, columns=_EMERGING_COLUMNS)
    out = out.sort_values(["weight", "term"], ascending=[False, True], kind="mergesort")
    return out.head(top).reset_index(drop=True)


def _term_grid(counts: pd.DataFrame, *, top: int, min_docs: int):
    """Check tidy term counts and lay them on one complete period axis: ``(axis, d_axis, r,
    names)``, the periods, the articles per period, the terms x periods document counts and the
    terms' names, keeping the terms with at least ``min_docs`` documents (and one); ``None``
    when no term is left. Raises ``ValueError`` for bad arguments or counts."""
    if top < 0 or min_docs < 0:
        raise ValueError(f"top and min_docs must be >= 0, got {top} and {min_docs}")
    missing = {"period", "term", "docs", "total_docs"} - set(counts.columns)
    if missing:
        raise ValueError(f"counts lacks column(s) {sorted(missing)}; expected period, term, "
                         "docs, total_docs")
    if counts.empty:
        return None
    frame = counts[["period", "term", "docs", "total_docs"]]
    if frame[["period", "term"]].isna().any().any():
        raise ValueError("counts has missing period or term values")
    docs = pd.to_numeric(frame["docs"], errors="raise").to_numpy(dtype=float)
    totals = pd.to_numeric(frame["total_docs"], errors="raise").to_numpy(dtype=float)
    _check_values(docs, totals)

    axis = _period_axis(frame["period"])
    periods = frame["period"] if isinstance(axis, pd.PeriodIndex) else pd.to_datetime(frame["period"])
    pos = axis.get_indexer(periods)
    per_period = pd.DataFrame({"pos": pos, "total": totals}).groupby("pos")["total"]
    if (per_period.nunique() > 1).any():
        bad = axis[int(per_period.nunique().idxmax())]
        raise ValueError(f"total_docs differs between rows of period {bad}; it must be the "
                         "number of articles in the period, the same on every row")
    d_axis = np.zeros(len(axis))
    d_axis[per_period.first().index.to_numpy()] = per_period.first().to_numpy()

    term_codes, term_names = pd.factorize(frame["term"], sort=True)
    if pd.Series(term_codes * len(axis) + pos).duplicated().any():
        raise ValueError("counts has more than one row for a term and period; aggregate first")
    r = np.zeros((len(term_names), len(axis)))
    r[term_codes, pos] = docs
    keep = r.sum(axis=1) >= max(min_docs, 1)
    r, names = r[keep], np.asarray(term_names)[keep]
    if r.shape[0] == 0:
        return None
    return axis, d_axis, r, names
