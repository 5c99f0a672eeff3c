"""Comparison: where a topic's trajectory stands against the historical reference cycles.

Pure computation on a :class:`~hypecycle.trajectories.Trajectory` (what the store held as
of a date) and :class:`~hypecycle.reference.ReferenceCycle` objects; it reads no store.

Method
------
For each usable reference cycle (:func:`hypecycle.reference.usable_cycles`: never the
topic's own cycle, never one whose record runs past the as-of date):

1. **Signals.** The topic's signals that the cycle also has (same name, or a cycle series
   whose note says it stands in for that signal, e.g. ``listed_failures`` for
   ``failures``), that the cycle marks as fit to match on, and that the topic has enough
   data for (counts: at least :data:`MIN_EVENTS` over the record and non-zero in three
   periods; shares of the topic's articles: a median of :data:`MIN_SHARE_BASE` topic
   articles a period). Attention is always used. Gaps are interpolated; both sides get
   the same trailing smoothing (``smooth`` periods, default :data:`SMOOTH`).
2. **Alignment.** Dynamic time warping (dtaidistance; a Sakoe-Chiba window of
   :data:`WINDOW_FRACTION` of the longer length, at least 2 periods, beyond the difference
   in lengths, and a penalty of :data:`PENALTY` on every step that compresses or expands
   time) between the topic's record so far and every stretch of the cycle whose length is
   between 1/:data:`STRETCH` and :data:`STRETCH` times the record's. Each side is
   z-normalised over the stretch (so units, levels and scale do not matter, only shape);
   signals are weighted (attention :data:`ATTENTION_WEIGHT`, others 1). The stretch's last
   period is where the topic's last period falls in the cycle ("where we stand": open
   end). Where it may start depends on the record:

   * a record that starts high and comes down (:func:`_starts_mid_cycle`) is matched
     from any point of the cycle (open begin: a record may start mid-cycle);
   * any other record is matched from the cycle's quiet start (before its attention first
     reaches :data:`RISE` of its highest): without that, the quiet before a rise matches
     the quiet aftermath of a bust as well;
   * a flat record (a chi-square test cannot tell its share from a constant) has not
     risen: its position is kept within the cycle's trigger phase, with a caveat.
3. **Distance and similarity.** ``distance`` is the root of the DTW cost divided by the
   longer of the two lengths and by the total weight: the root mean squared difference
   of the z-normalised series per step. ``similarity = max(0, 1 - distance**2 / 2)``,
   which, for an alignment that does not warp, is the Pearson correlation of the two
   stretches; 1 is the same shape, 0 no likeness.
4. **Position, spread, what came next.** The best stretch per end period is kept; the
   best end is the match's position, the next best ends (:data:`SPREAD`) show how firm it
   is. At the position: the cycle's phase, its next turning point and how far ahead it
   lies, and what each of its signals did over the next ``horizons`` periods.
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

#: Fewer periods than this (after leading periods without articles) is too short to compare.
MIN_PERIODS = 6
#: A count signal needs at least this many events over the record to be matched on.
MIN_EVENTS = 10
#: A share of the topic's articles needs this median number of topic articles a period.
MIN_SHARE_BASE = 5
#: Fewer topic articles than this over the whole record is too thin to compare.
MIN_ARTICLES = 10
#: Stretches of the cycle from 1/STRETCH to STRETCH times the record's length are tried.
STRETCH = 1.25
#: Sakoe-Chiba window, as a fraction of the longer series.
WINDOW_FRACTION = 0.25
#: DTW penalty added to each step that compresses or expands time (z-normalised units squared).
PENALTY = 0.5
#: Weight of attention against 1 for every other signal.
ATTENTION_WEIGHT = 2.0
#: A record whose first two quarters are at most this fraction of its highest attention starts quiet.
QUIET = 0.2
#: A cycle's quiet start is the part before its attention first reaches this fraction of its highest.
RISE = 0.5
#: Trailing smoothing (periods) applied alike to the topic and the cycle.
SMOOTH = 2
#: How many best end positions the spread reports.
SPREAD = 5
#: Periods after the position over which "what came next" is read.
HORIZONS = (4, 8)
#: Signals matched on by default, when both sides have them.
DEFAULT_SIGNALS = ("attention", "failures", "skeptic_share", "funding")
#: Signals that are shares of the topic's articles (their data need is MIN_SHARE_BASE).
SHARE_SIGNALS = ("attention", "hype_share", "skeptic_share", "peripheral_share", "failure_share")
#: A z-normalised stretch's standard deviation is at least this fraction of the whole series'.
STD_FLOOR = 0.1


@dataclass
class Analog:
    """One reference cycle matched with the topic (see the module docstring)."""

    cycle: str
    name: str
    similarity: float
    distance: float
    position: str
    position_date: dt.date
    phase: str | None
    next_turn: dict | None
    after: dict
    spread: dict
    signals: list[str]
    path: list[tuple[int, int]]
    stretch: tuple[str, str] = ("", "")
    columns: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: every attribute; ``stretch`` as ``{"start", "end"}`` labels, ``columns``
        mapping topic signals to the cycle series that stand for them (those matched on are
        in ``signals``)."""
        return {"cycle": self.cycle, "name": self.name, "similarity": round(self.similarity, 4),
                "distance": round(self.distance, 4), "position": self.position,
                "position_date": self.position_date.isoformat(), "phase": self.phase,
                "next_turn": self.next_turn, "after": self.after, "spread": self.spread,
                "signals": list(self.signals), "columns": dict(self.columns),
                "stretch": {"start": self.stretch[0], "end": self.stretch[1]},
                "path": [[int(i), int(j)] for i, j in self.path]}


@dataclass
class Comparison:
    """A topic's trajectory compared with the reference cycles as of a date."""

    topic: str
    as_of: dt.date
    analogs: list[Analog]
    excluded: list[dict]
    caveats: list[str]
    freq: str = "quarter"
    periods: tuple[str, str] | None = None
    fit: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, keys stable (README, "compare"): ``topic``, ``as_of``, ``freq``,
        ``periods`` (``{"start", "end"}`` of the record compared, or null), ``analogs`` (best
        first, :meth:`Analog.to_dict`), ``excluded``, ``caveats``, ``fit`` (the hype-curve
        fit's :meth:`~hypecycle.fit.HypeFit.to_dict`, or null when not computed)."""
        return {"topic": self.topic, "as_of": self.as_of.isoformat(), "freq": self.freq,
                "periods": None if self.periods is None else {"start": self.periods[0], "end": self.periods[1]},
                "analogs": [a.to_dict() for a in self.analogs], "excluded": list(self.excluded),
                "caveats": list(self.caveats), "fit": None if self.fit is None else self.fit.to_dict()}

    def table(self) -> pd.DataFrame:
        """One row per analog for terminal and CSV output: ``rank, cycle, similarity,
        position, phase, next_turn, periods_ahead, years_ahead, spread, signals`` and the
        change of attention and failures over the horizons."""
        rows = []
        for rank, a in enumerate(self.analogs, start=1):
            nt = a.next_turn or {}
            row = {"rank": rank, "cycle": a.cycle, "similarity": round(a.similarity, 3),
                   "position": a.position, "phase": a.phase,
                   "next_turn": f"{nt['from_phase']}->{nt['to_phase']} {nt['date']}" if nt else None,
                   "periods_ahead": nt.get("periods_ahead"), "years_ahead": nt.get("years_ahead"),
                   "spread": " ".join(f"{p}({s:.2f})" for p, s in zip(a.spread["positions"],
                                                                     a.spread["similarities"])),
                   "signals": ",".join(a.signals)}
            for sig in ("attention", "failures"):
                for h in HORIZONS:
                    got = _after_at(a.after, _after_key(a, sig), h)
                    row[f"{sig}_+{h}"] = None if got is None else got
            rows.append(row)
        cols = ["rank", "cycle", "similarity", "position", "phase", "next_turn", "periods_ahead", "years_ahead",
                "spread", "signals"] + [f"{s}_+{h}" for s in ("attention", "failures") for h in HORIZONS]
        return pd.DataFrame(rows, columns=cols)


def _after_key(a: Analog, signal: str) -> str:
    """The cycle series standing for a topic signal (the same name unless it was matched
    with a stand-in)."""
    return a.columns.get(signal, signal)


def _after_at(after: dict, signal: str, h: int) -> str | None:
    entry = after.get(signal)
    if not entry:
        return None
    got = entry.get("by_horizon", {}).get(str(h))
    if not got:
        return None
    rel = got.get("change")
    return f"{rel:+.0%}" if rel is not None else f"{got['delta']:+.3g}"


# ---------------------------------------------------------------------------------------------
# the comparison
# ---------------------------------------------------------------------------------------------

def compare(traj, cycles=None, *, signals=None, top: int = 3, smooth: int = SMOOTH, begin: str = "auto",
            horizons: tuple[int, ...] = HORIZONS) -> Comparison:
    """Compare a trajectory with the reference cycles (module docstring, "Method").

    Parameters
    ----------
    traj
        A quarterly :class:`~hypecycle.trajectories.Trajectory`.
    cycles
        Reference cycles; ``None`` loads the shipped ones. Either way only those
        :func:`~hypecycle.reference.usable_cycles` allows (as of ``traj.as_of``, for
        ``traj.spec["topic"]``) are compared; the others are listed in ``excluded``.
    signals
        Topic signals to match on (default :data:`DEFAULT_SIGNALS`, those with data on both
        sides); attention is always among them.
    top
        How many analogs to return, best first.
    begin
        Where a stretch of a cycle may start: ``"open"`` anywhere, ``"quiet"`` only in the
        cycle's quiet start (before its attention first reaches :data:`RISE` of its
        highest), ``"auto"`` (default) quiet when the topic's record itself starts quiet,
        open otherwise.

    Raises
    ------
    UsageError
        A trajectory whose period is not the cycles' (quarter), or a bad ``top``/``smooth``.
    """
    from .reference import load_cycles, usable_cycles

    if not isinstance(top, int) or top < 1:
        raise UsageError(f"--top must be a whole number >= 1, got {top!r}")
    if begin not in ("auto", "open", "quiet"):  # "flat" is set here, never asked for
        raise UsageError(f"begin must be 'auto', 'open' or 'quiet', got {begin!r}")
    if not isinstance(smooth, int) or smooth < 1:
        raise UsageError(f"smooth must be a whole number of periods >= 1, got {smooth!r}")
    if traj.freq != "quarter":
        raise UsageError(f"the reference cycles are quarterly; compare a quarterly trajectory (--freq quarter), "
                         f"not a {traj.freq} one")
    all_cycles = load_cycles() if cycles is None else list(cycles)
    usable, excluded = usable_cycles(all_cycles, as_of=traj.as_of, topic=traj.spec.get("topic"))
    caveats: list[str] = []
    out = Comparison(topic=traj.topic, as_of=traj.as_of, analogs=[], excluded=excluded, caveats=caveats,
                     freq=traj.freq)
    frame = traj.frame
    has_articles = np.flatnonzero(frame["articles"].to_numpy() > 0)
    if not len(has_articles):
        caveats.append("too short to compare: no article up to the as-of date")
        return out
    first = int(has_articles[0])
    record = frame.iloc[first:].reset_index(drop=True)
    out.periods = (str(record["period"].iloc[0]), str(record["period"].iloc[-1]))
    n = len(record)
    if n < MIN_PERIODS:
        caveats.append(f"too short to compare: {n} quarter(s) of record up to {traj.as_of} "
                       f"({out.periods[0]}..{out.periods[1]}); at least {MIN_PERIODS} are needed")
        return out
    total = int(record["topic_articles"].sum())
    if total < MIN_ARTICLES:
        caveats.append(f"too thin to compare: {total} topic article(s) up to {traj.as_of}; at least "
                       f"{MIN_ARTICLES} are needed")
        return out
    if not usable:
        why = "; ".join(f"{e['cycle']}: {e['reason']}" for e in excluded) or "none is loaded"
        caveats.append(f"no usable reference cycle as of {traj.as_of} ({why})")
        return out

    wanted = list(dict.fromkeys(["attention", *(signals or DEFAULT_SIGNALS)]))
    unknown = [s for s in wanted if s not in record.columns]
    if unknown:
        raise UsageError(f"unknown signal(s) {', '.join(unknown)}; trajectory signals are "
                         f"{', '.join(c for c in record.columns if c not in ('period', 'start', 'end', 'partial'))}")
    enough, thin_notes = _query_signals(record, wanted)
    if thin_notes:
        caveats.append("not matched on, too little data: " + "; ".join(thin_notes))
    if "attention" not in enough:
        caveats.append("too flat to compare: attention does not vary over the record")
        return out
    if bool(frame["partial"].iloc[-1]):
        caveats.append(f"the last quarter ({out.periods[1]}) is not over at the as-of date; its shares are "
                       "read from the articles so far")

    flat_p = _flat_p(record)
    if flat_p > 0.05:
        begin = "flat"
        caveats.append(f"the record's attention is flat (a constant share explains it within its noise, chi-square "
                       f"p = {flat_p:.2f}): it has not risen, so it is placed in each cycle's trigger phase, before "
                       "the rise (a record begun after a bust would look the same)")
    elif begin == "auto":
        mid, why = _starts_mid_cycle(record, smooth)
        begin = "open" if mid else "quiet"
        caveats.append(f"the record {'starts mid-cycle' if mid else 'does not start high and come down'} ({why}): "
                       "each cycle is matched from " + ("any point" if mid else "its own quiet start"))
    results = []
    for cycle in usable:
        got = _match_cycle(record, cycle, enough, smooth=smooth, begin=begin, horizons=horizons,
                           offset=first, caveats=caveats)
        if got is not None:
            results.append(got)
    results.sort(key=lambda a: (-a.similarity, a.cycle))
    out.analogs = results[:top]
    if not results:
        caveats.append("no reference cycle could be aligned with the record (see the caveats above)")
    return out


def _flat_p(record: pd.DataFrame) -> float:
    """p-value of a chi-square test that the topic's share of articles is constant over the
    record (periods with articles)."""
    from scipy.stats import chi2

    k = record["topic_articles"].to_numpy(dtype=float)
    n = record["articles"].to_numpy(dtype=float)
    ok = n > 0
    k, n = k[ok], n[ok]
    p = k.sum() / n.sum()
    if p <= 0 or p >= 1 or len(k) < 2:
        return 1.0
    stat = float((((k / n - p) ** 2) / (p * (1 - p) / n)).sum())
    return float(chi2.sf(stat, len(k) - 1))


def _starts_mid_cycle(record: pd.DataFrame, smooth: int) -> tuple[bool, str]:
    """Whether the record starts mid-cycle: its first two quarters at :data:`QUIET` of its
    highest attention or more, and significantly above (z > 2, pooled counts) the lowest
    two quarters after them, i.e. it starts high and comes down. A record that starts low,
    rises or stays flat starts quiet."""
    att = _prepare(record, "attention", smooth)
    top = float(att.max())
    k = record["topic_articles"].to_numpy(dtype=float)
    n = record["articles"].to_numpy(dtype=float)
    k1, n1 = k[:2].sum(), n[:2].sum()
    p1 = k1 / n1 if n1 else 0.0
    level = p1 / top if top > 0 else 0.0
    if level < QUIET:
        return False, f"its first two quarters at {level:.0%} of its highest attention"
    kk, nn = np.convolve(k[2:], [1, 1], "valid"), np.convolve(n[2:], [1, 1], "valid")
    ok = nn > 0
    if not ok.any():
        return False, "nothing after its first two quarters to compare them with"
    shares = np.where(ok, kk / np.where(ok, nn, 1), np.inf)
    j = int(np.argmin(shares))
    k2, n2 = kk[j], nn[j]
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n1 + 1 / n2))
    z = (p1 - k2 / n2) / se
    if z > 2:
        return True, (f"its first two quarters at {level:.0%} of its highest attention and above its lowest "
                      f"later level, z = {z:.1f}")
    return False, (f"its first two quarters at {level:.0%} of its highest attention but not above its lowest later "
                   f"level (z = {z:.1f})")


def _query_signals(record: pd.DataFrame, wanted: list[str]) -> tuple[list[str], list[str]]:
    """The wanted signals the topic has enough data for, and a note on each left out."""
    keep, notes = [], []
    base = float(np.median(record["topic_articles"].to_numpy()))
    for sig in wanted:
        values = pd.to_numeric(record[sig], errors="coerce").to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if len(finite) < MIN_PERIODS or np.ptp(finite) == 0:
            if sig != "attention":
                notes.append(f"{sig} (does not vary over the record)")
            continue
        if sig in SHARE_SIGNALS and sig != "attention" and base < MIN_SHARE_BASE:
            notes.append(f"{sig} (a median of {base:g} topic articles a quarter; a share needs {MIN_SHARE_BASE})")
            continue
        if sig not in SHARE_SIGNALS and (finite.sum() < MIN_EVENTS or (finite > 0).sum() < 3):
            notes.append(f"{sig} ({finite.sum():g} over the record; {MIN_EVENTS} in 3 or more quarters needed)")
            continue
        keep.append(sig)
    return keep, notes


def _cycle_column(cycle, signal: str) -> str | None:
    """The cycle series matched with a topic signal: the same name if fit to match, else a
    series whose note says it stands in for the signal."""
    note = cycle.notes.get(signal, {})
    if signal in cycle.series.columns and note.get("match", True) is True:
        return signal
    for col in cycle.series.columns:
        if cycle.notes.get(col, {}).get("match") == signal:
            return col
    return None


def _prepare(frame: pd.DataFrame, column: str, smooth: int) -> np.ndarray:
    """A series ready to align: trailing smoothing over ``smooth`` periods (attention pooled:
    topic articles over all articles of the window, where both counts are there; other
    signals a mean), gaps interpolated, the ends held."""
    values = pd.to_numeric(frame[column], errors="coerce").astype(float).reset_index(drop=True)
    if column == "attention" and {"topic_articles", "articles"} <= set(frame.columns) and smooth > 1:
        k = pd.to_numeric(frame["topic_articles"], errors="coerce").astype(float).reset_index(drop=True)
        n = pd.to_numeric(frame["articles"], errors="coerce").astype(float).reset_index(drop=True)
        ks, ns = k.rolling(smooth, min_periods=1).sum(), n.rolling(smooth, min_periods=1).sum()
        pooled = (ks / ns).where(ns > 0)
        values = pooled.where(k.notna() & n.notna(), values)
    elif smooth > 1:
        values = values.rolling(smooth, min_periods=1).mean()
    s = values.interpolate(limit_area="inside").ffill().bfill()
    return s.to_numpy(dtype=float)


def _znorm(x: np.ndarray, floor: float = 0.0) -> np.ndarray:
    sd = x.std(axis=0)
    sd = np.maximum(sd, floor)
    sd[sd == 0] = 1.0
    return (x - x.mean(axis=0)) / sd


def _match_cycle(record: pd.DataFrame, cycle, signals: list[str], *, smooth: int, begin: str,
                 horizons: tuple[int, ...], offset: int, caveats: list[str]) -> Analog | None:
    from dtaidistance import dtw_ndim

    pairs = [(s, _cycle_column(cycle, s)) for s in signals]
    missing = [s for s, c in pairs if c is None]
    pairs = [(s, c) for s, c in pairs if c is not None]
    if not pairs or pairs[0][0] != "attention":
        caveats.append(f"{cycle.id}: not compared, it has no attention series to match on")
        return None
    if missing:
        caveats.append(f"{cycle.id}: matched on {', '.join(s for s, _ in pairs)}; it has no usable series for "
                       f"{', '.join(missing)}")
    series = cycle.series
    prep = _cycle_block(cycle, tuple(c for _, c in pairs), smooth)
    if prep is None:
        caveats.append(f"{cycle.id}: not compared, its attention series is empty")
        return None
    lo_i, hi_i, block, floors = prep
    weights = np.array([ATTENTION_WEIGHT if s == "attention" else 1.0 for s, _ in pairs])
    root_w = np.sqrt(weights)
    query = np.column_stack([_prepare(record, sig, smooth) for sig, _ in pairs])
    n, m = len(query), len(block)
    q_off = 0
    if n > m:  # a record longer than the cycle: its last m periods are matched
        caveats.append(f"{cycle.id}: the topic's record ({n} quarters) is longer than the cycle's ({m}); "
                       f"its last {m} quarters are matched")
        q_off = n - m
        query = query[q_off:]
        n = m
    qz = np.ascontiguousarray(_znorm(query) * root_w)
    latest_start = latest_end = m - 1
    if begin in ("quiet", "flat"):  # the cycle's quiet start: before its attention first reaches RISE of its highest
        att = block[:, 0]
        latest_start = int(np.argmax(att >= RISE * att.max()))
        if begin == "flat":  # it has not risen: the position lies in the cycle's trigger phase
            trig = cycle.phases.loc[cycle.phases["phase"] == "trigger", "end"]
            ends = np.array([p.end_time.date() for p in series.index[lo_i:hi_i + 1]])
            inside = np.flatnonzero(ends <= trig.iloc[0]) if len(trig) else np.array([], dtype=int)
            latest_end = int(inside[-1]) if len(inside) else max(latest_start - 1, 0)
    l_min = max(min(MIN_PERIODS, n), math.ceil(n / STRETCH))
    l_max = min(m, math.floor(n * STRETCH))
    cands, stretches = _stretches(cycle, tuple(c for _, c in pairs), smooth, block, floors, root_w, l_min, l_max,
                                  latest_start, latest_end)
    if not cands:
        caveats.append(f"{cycle.id}: not compared, no stretch of it fits a record of {n} quarters")
        return None
    window = max(2, math.ceil(WINDOW_FRACTION * max(n, l_max)))
    dists = np.asarray(dtw_ndim.distance_matrix_fast([qz, *stretches], window=window, penalty=PENALTY,
                                                     block=((0, 1), (1, len(stretches) + 1)), compact=True,
                                                     parallel=False), dtype=float)
    lengths = np.array([e - s + 1 for s, e in cands])
    msd = dists ** 2 / (np.maximum(lengths, n) * weights.sum())
    best_by_end: dict[int, int] = {}
    for k, (s, e) in enumerate(cands):
        if e not in best_by_end or msd[k] < msd[best_by_end[e]]:
            best_by_end[e] = k
    ranked = sorted(best_by_end.values(), key=lambda k: (msd[k], cands[k][1]))
    best = ranked[0]
    s, e = cands[best]
    path = dtw_ndim.warping_path(qz, stretches[best], window=window, penalty=PENALTY)
    index = cycle.series.index
    pos_i = lo_i + e
    position = index[pos_i]
    pos_date = position.end_time.date()
    spread_ks = ranked[:SPREAD]
    spread = {"positions": [periods.label(index[lo_i + cands[k][1]]) for k in spread_ks],
              "similarities": [round(_similarity(msd[k]), 4) for k in spread_ks],
              "phases": [cycle.phase_at(index[lo_i + cands[k][1]]) for k in spread_ks]}
    return Analog(
        cycle=cycle.id, name=cycle.name, similarity=_similarity(msd[best]), distance=float(math.sqrt(msd[best])),
        position=periods.label(position), position_date=pos_date, phase=cycle.phase_at(pos_date),
        next_turn=_next_turn(cycle, position), after=_after(cycle, pos_i, horizons), spread=spread,
        signals=[sig for sig, _ in pairs], path=[(offset + q_off + i, lo_i + s + j) for i, j in path],
        stretch=(periods.label(index[lo_i + s]), periods.label(position)),
        columns={**{sig: col for sig in DEFAULT_SIGNALS if (col := _cycle_column(cycle, sig)) is not None},
                 **{sig: col for sig, col in pairs}})


# A cycle's prepared series and its candidate stretches do not depend on the topic: they are
# kept per cycle object (held, so that its id cannot be reused) for the life of the process.
_BLOCKS: dict[tuple, tuple] = {}
_STRETCHES: dict[tuple, tuple] = {}
_CACHE_MAX = 512


def _cycle_block(cycle, cols: tuple[str, ...], smooth: int):
    """``(first, last, block, floors)``: the cycle's record (from its first to its last period
    with attention data), its series prepared for alignment, and their std floors."""
    key = (id(cycle), cols, smooth)
    hit = _BLOCKS.get(key)
    if hit is not None and hit[0] is cycle:
        return hit[1]
    series = cycle.series
    known = np.flatnonzero(series[cols[0]].notna().to_numpy())
    if not len(known):
        value = None
    else:
        lo_i, hi_i = int(known[0]), int(known[-1])
        part = series.iloc[lo_i:hi_i + 1]
        block = np.column_stack([_prepare(part, col, smooth) for col in cols])
        value = (lo_i, hi_i, block, STD_FLOOR * block.std(axis=0))
    if len(_BLOCKS) > _CACHE_MAX:
        _BLOCKS.clear()
    _BLOCKS[key] = (cycle, value)
    return value


def _stretches(cycle, cols, smooth, block, floors, root_w, l_min, l_max, latest_start, latest_end):
    """The candidate ``(start, end)`` stretches of the cycle and their normalised series."""
    key = (id(cycle), cols, smooth, l_min, l_max, latest_start, latest_end, tuple(root_w))
    hit = _STRETCHES.get(key)
    if hit is not None and hit[0] is cycle:
        return hit[1]
    cands: list[tuple[int, int]] = []  # (start, end) in block indices
    for end in range(l_min - 1, latest_end + 1):
        for length in range(l_min, min(l_max, end + 1) + 1):
            start = end - length + 1
            if start > latest_start:
                continue
            cands.append((start, end))
    stretches = [np.ascontiguousarray(_znorm(block[s:e + 1], floors) * root_w) for s, e in cands]
    if len(_STRETCHES) > _CACHE_MAX:
        _STRETCHES.clear()
    _STRETCHES[key] = (cycle, (cands, stretches))
    return cands, stretches


def _similarity(msd: float) -> float:
    return float(min(1.0, max(0.0, 1.0 - msd / 2.0)))


def _next_turn(cycle, position: pd.Period) -> dict | None:
    """The cycle's first turning point after the position's last day."""
    end = position.end_time.date()
    for row in cycle.turning_points().itertuples():
        if row.date > end:
            turn_period = pd.Period(pd.Timestamp(row.date), freq=position.freq)
            return {"date": row.date.isoformat(), "from_phase": row.from_phase, "to_phase": row.to_phase,
                    "periods_ahead": int((turn_period - position).n),
                    "years_ahead": round((row.date - end).days / 365.25, 2), "source": row.source}
    return None


def _after(cycle, pos_i: int, horizons: tuple[int, ...]) -> dict:
    """What each of the cycle's series did over the periods after the position."""
    series = cycle.series
    last = len(series) - 1
    out: dict[str, Any] = {}
    for col in series.columns:
        values = series[col].to_numpy(dtype=float)
        start = values[pos_i]
        if not np.isfinite(start):
            continue
        by_h: dict[str, Any] = {}
        for h in horizons:
            j = pos_i + h
            if j > last or not np.isfinite(values[j]):
                continue
            window = values[pos_i:j + 1]
            k = int(np.nanargmax(window))
            by_h[str(h)] = {"to": _num(values[j]), "delta": _num(values[j] - start),
                            "change": _num(values[j] / start - 1) if start != 0 else None,
                            "max": _num(window[k]), "max_at": periods.label(series.index[pos_i + k])}
        if not by_h:
            continue
        main = max(by_h, key=int)
        entry = {"horizon": int(main), "from": _num(start), **by_h[main], "unit": cycle.notes.get(col, {}).get("unit"),
                 "by_horizon": by_h}
        out[col] = entry
    return out


def _num(v: float) -> float | None:
    v = float(v)
    return None if not math.isfinite(v) else round(v, 6)


# ---------------------------------------------------------------------------------------------
# an analog laid on the topic's time axis (for plots)
# ---------------------------------------------------------------------------------------------

def overlay(traj, analog: Analog, cycle, *, smooth: int = SMOOTH, after: int = 8) -> pd.DataFrame:
    """The analog's attention on the topic's time axis, for plots.

    Columns: ``period`` (the cycle's), ``date`` (where it falls on the topic's axis),
    ``value`` (the cycle's attention, smoothed as matched, rescaled to the topic's by the
    least-squares line through the aligned pairs), ``part`` (``matched``, or ``after``: the
    ``after`` periods past the position). Cycle periods inside the match sit at the mean
    date of the topic periods aligned with them; periods after it one period apart.
    """
    frame = traj.frame
    dates = pd.to_datetime(frame["start"]) + (pd.to_datetime(frame["end"]) - pd.to_datetime(frame["start"])) / 2
    series = cycle.series
    col = analog.columns.get("attention", "attention")
    values = _prepare(series, col, smooth)
    query = _prepare(frame, "attention", smooth)
    pairs = np.array(analog.path, dtype=int)
    qa = query[pairs[:, 0]]
    ca = values[pairs[:, 1]]
    slope, icept = (np.polyfit(ca, qa, 1) if np.ptp(ca) > 0 else (0.0, float(qa.mean())))
    slope = max(float(slope), 0.0)
    step = pd.Timedelta(days=91.3125)
    starts = pd.to_datetime(frame["start"])
    lengths = pd.to_datetime(frame["end"]) - starts + pd.Timedelta(days=1)
    js = sorted(set(pairs[:, 1]))
    qs_of = {j: pairs[pairs[:, 1] == j, 0] for j in js}
    # cycle periods compressed into one topic period are spread evenly across it
    sharing: dict[int, list[int]] = {}
    for j in js:
        if len(qs_of[j]) == 1:
            sharing.setdefault(int(qs_of[j][0]), []).append(j)
    rows = []
    for j in js:
        qs = qs_of[j]
        group = sharing.get(int(qs[0]), []) if len(qs) == 1 else []
        if len(group) > 1:
            q = int(qs[0])
            date = starts.iloc[q] + lengths.iloc[q] * ((group.index(j) + 0.5) / len(group))
        else:
            date = dates.iloc[qs].mean()
        rows.append({"period": periods.label(series.index[j]), "date": date,
                     "value": slope * values[j] + icept, "part": "matched"})
    last_j, last_date = int(pairs[-1, 1]), dates.iloc[int(pairs[-1, 0])]
    for h in range(1, after + 1):
        j = last_j + h
        if j >= len(series) or not np.isfinite(values[j]):
            break
        rows.append({"period": periods.label(series.index[j]), "date": last_date + h * step,
                     "value": slope * values[j] + icept, "part": "after"})
    return pd.DataFrame(rows, columns=["period", "date", "value", "part"])


def overlay_phases(analog: Analog, cycle, laid: pd.DataFrame) -> pd.DataFrame:
    """The cycle's phases on the topic's time axis (``start``, ``end``, ``phase``), through
    the dates :func:`overlay` gave its periods; spans outside the laid periods are cut."""
    if laid.empty:
        return pd.DataFrame(columns=["start", "end", "phase"])
    by_period = dict(zip(laid["period"], laid["date"]))
    spans = []
    for row in cycle.phases.itertuples():
        inside = [by_period[periods.label(p)] for p in cycle.series.index
                  if periods.label(p) in by_period and row.start <= p.end_time.date() <= row.end]
        if inside:
            spans.append([min(inside), max(inside), row.phase])
    half = pd.Timedelta(days=45)
    rows = []
    for k, (first, last, phase) in enumerate(spans):
        start = first - half if k == 0 else spans[k - 1][1] + (first - spans[k - 1][1]) / 2
        end = last + half if k == len(spans) - 1 else last + (spans[k + 1][0] - last) / 2
        rows.append({"start": start, "end": end, "phase": phase})
    return pd.DataFrame(rows, columns=["start", "end", "phase"])


__all__ = ["DEFAULT_SIGNALS", "Analog", "Comparison", "compare", "overlay", "overlay_phases"]
