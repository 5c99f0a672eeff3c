"""Reference cycles: the historical hype cycles shipped as package data, loaded and checked.

A reference cycle is a folder under ``hypecycle/data/cycles/<id>/`` holding three files,
written by ``corpora/build_reference_cycles.py`` (which rebuilds them from ``../shared``):

``cycle.json``
    ``id``, ``name``, ``topic`` (the lexicon id whose own cycle this is), ``freq``
    (``quarter``), ``start``, ``end``, ``known_until`` (the last date its record uses:
    series, phase sources and notes; it can serve as an analog only as of that date or
    later), ``description``, ``sources`` (``{key: what and where}``) and ``notes``
    (``{signal: {"source", "unit", "how", "thin", "match"}}``: where each series comes
    from, its unit, how it was built, where it is missing or thin, and whether comparison
    may match on it).
``series.csv``
    Tidy, one number a row: ``period,signal,value,source``; ``source`` is a key of
    ``sources``, so every number names where it comes from.
``phases.csv``
    ``start,end,phase,source,note``: consecutive spans of the five phases (``trigger``,
    ``peak``, ``trough``, ``slope``, ``plateau``); the source dates the span's start.

:func:`load_cycles` reads and validates them into :class:`ReferenceCycle` objects;
:func:`usable_cycles` says which may serve as analogs for a topic as of a date (never its
own cycle, never one whose record runs past the as-of date). :func:`synthetic_cycle` is a
seeded generator of a cycle that carries its true phases and turning points, for tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import periods
from .errors import CycleDataError, UsageError

#: The phases of a hype cycle, in the order a full cycle passes through them.
PHASES: tuple[str, ...] = ("trigger", "peak", "trough", "slope", "plateau")
#: Keys every ``cycle.json`` has.
CYCLE_KEYS = ("id", "name", "topic", "freq", "start", "end", "known_until", "description", "sources", "notes")
#: Keys of a signal's note.
NOTE_KEYS = ("source", "unit", "how", "thin", "match")
SERIES_COLUMNS = ("period", "signal", "value", "source")
PHASE_COLUMNS = ("start", "end", "phase", "source", "note")


def cycles_dir() -> Path:
    """The folder of the shipped reference cycles (package data)."""
    return Path(__file__).resolve().parent / "data" / "cycles"


def _as_date(value: Any) -> dt.date:
    if isinstance(value, pd.Period):
        return value.end_time.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class ReferenceCycle:
    """One historical hype cycle: its signals per period, its phases and their sources.

    Attributes
    ----------
    id, name
        ``telecom-1990s`` and a readable name.
    topic
        The lexicon id whose own cycle this is (``telecom``); it is never an analog for
        that topic.
    freq
        The period of ``series`` (``quarter``).
    start, end
        The span the cycle covers.
    known_until
        The last date its record uses; an analog only for as-of dates on or after it.
    series
        Wide frame, index a complete :class:`pandas.PeriodIndex` named ``period`` from
        ``start`` to ``end``, one column per signal (NaN where the record has nothing).
    phases
        ``start, end, phase, source, note``, consecutive spans in time order.
    sources
        ``"key: what and where"`` for every source a number or a phase cites.
    notes
        Per signal: ``source``, ``unit``, ``how``, ``thin`` (where missing or thin) and
        ``match`` (whether comparison may match on it).
    provenance
        The tidy ``period, signal, value, source`` rows the series was pivoted from.
    """

    id: str
    name: str
    topic: str | None
    freq: str
    start: dt.date
    end: dt.date
    known_until: dt.date
    series: pd.DataFrame = field(repr=False)
    phases: pd.DataFrame = field(repr=False)
    sources: tuple[str, ...] = ()
    notes: dict = field(default_factory=dict, repr=False)
    description: str = ""
    provenance: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def signals(self) -> list[str]:
        """The signals the cycle has a series for."""
        return list(self.series.columns)

    @property
    def match_signals(self) -> list[str]:
        """Signals comparison may match on (their note's ``match`` is true)."""
        return [s for s in self.series.columns if self.notes.get(s, {}).get("match", True)]

    def phase_at(self, date) -> str | None:
        """The phase the cycle was in on ``date`` (a date, ISO string, Timestamp, or a
        Period, taken at its last day); ``None`` outside the phase timeline."""
        d = _as_date(date)
        for row in self.phases.itertuples():
            if row.start <= d <= row.end:
                return str(row.phase)
        return None

    def turning_points(self) -> pd.DataFrame:
        """Dated changes of phase: columns ``date`` (the first day of the new phase),
        ``from_phase``, ``to_phase``, ``source`` (the source dating it)."""
        rows = []
        ph = self.phases.reset_index(drop=True)
        for i in range(1, len(ph)):
            rows.append({"date": ph.loc[i, "start"], "from_phase": ph.loc[i - 1, "phase"],
                         "to_phase": ph.loc[i, "phase"], "source": ph.loc[i, "source"]})
        return pd.DataFrame(rows, columns=["date", "from_phase", "to_phase", "source"])

    def to_dict(self, *, series: bool = False) -> dict[str, Any]:
        """The JSON form: ``id, name, topic, freq, start, end, known_until, description,
        signals, phases, turning_points, sources, notes``, and with ``series`` the values as
        ``{"period": [...], signal: [...]}`` (null where missing)."""
        out: dict[str, Any] = {
            "id": self.id, "name": self.name, "topic": self.topic, "freq": self.freq,
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "known_until": self.known_until.isoformat(), "description": self.description,
            "signals": self.signals, "match_signals": self.match_signals,
            "phases": [{"start": r.start.isoformat(), "end": r.end.isoformat(), "phase": r.phase,
                        "source": r.source, "note": r.note} for r in self.phases.itertuples()],
            "turning_points": [{"date": r.date.isoformat(), "from_phase": r.from_phase, "to_phase": r.to_phase,
                                "source": r.source} for r in self.turning_points().itertuples()],
            "sources": list(self.sources), "notes": self.notes,
        }
        if series:
            out["series"] = {"period": [periods.label(p) for p in self.series.index]}
            for col in self.series.columns:
                out["series"][col] = [None if (v is None or (isinstance(v, float) and math.isnan(v)))
                                      else float(v) for v in self.series[col]]
        return out

    def phase_summary(self) -> str:
        """``trigger 1995-01-01..1998-12-31; peak ...``: the timeline on one line."""
        return "; ".join(f"{r.phase} {r.start}..{r.end}" for r in self.phases.itertuples())


# ---------------------------------------------------------------------------------------------
# loading and checking
# ---------------------------------------------------------------------------------------------

def load_cycles(folder: Path | str | None = None) -> list[ReferenceCycle]:
    """Read every reference cycle under ``folder`` (default: the shipped ones), in id order.

    Each sub-folder holding a ``cycle.json`` is one cycle.

    Raises
    ------
    CycleDataError
        A cycle folder that is incomplete or inconsistent (the file and the reason are
        named): a missing file or key, a bad date or phase, a number without a source, a
        signal without a note, phases that overlap or leave gaps.
    """
    root = Path(folder) if folder is not None else cycles_dir()
    if not root.is_dir():
        raise CycleDataError(f"{root}: no such folder of reference cycles")
    cycles = [load_cycle(p.parent) for p in sorted(root.glob("*/cycle.json"))]
    ids = [c.id for c in cycles]
    if len(ids) != len(set(ids)):
        raise CycleDataError(f"{root}: two reference cycles share an id ({', '.join(ids)})")
    return cycles


def load_cycle(folder: Path | str) -> ReferenceCycle:
    """Read one cycle folder (see :func:`load_cycles`)."""
    folder = Path(folder)
    meta_path = folder / "cycle.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CycleDataError(f"{meta_path}: missing; a cycle folder holds cycle.json, series.csv, phases.csv") \
            from None
    except json.JSONDecodeError as e:
        raise CycleDataError(f"{meta_path}: not valid JSON ({e.msg}, line {e.lineno})") from None
    missing = [k for k in CYCLE_KEYS if k not in meta]
    if missing:
        raise CycleDataError(f"{meta_path}: missing key(s) {', '.join(missing)}")
    cid = str(meta["id"])
    if cid != folder.name:
        raise CycleDataError(f"{meta_path}: id {cid!r} differs from its folder name {folder.name!r}")
    freq = periods.check_freq(str(meta["freq"]))
    try:
        start, end, known = (dt.date.fromisoformat(str(meta[k])) for k in ("start", "end", "known_until"))
    except ValueError as e:
        raise CycleDataError(f"{meta_path}: a date is not YYYY-MM-DD ({e})") from None
    if not start < end <= known:
        raise CycleDataError(f"{meta_path}: expected start < end <= known_until, got {start}, {end}, {known}")
    sources = meta["sources"]
    if not isinstance(sources, dict) or not sources:
        raise CycleDataError(f"{meta_path}: 'sources' must map each source key to what and where it is")
    notes = meta["notes"]
    if not isinstance(notes, dict):
        raise CycleDataError(f"{meta_path}: 'notes' must map each signal to its note")
    for sig, note in notes.items():
        bad = [k for k in NOTE_KEYS if k not in note]
        if bad:
            raise CycleDataError(f"{meta_path}: the note of signal {sig!r} lacks {', '.join(bad)}")
        for key in _source_keys(note["source"]):
            if key not in sources:
                raise CycleDataError(f"{meta_path}: the note of {sig!r} cites {key!r}, which is not in 'sources'")

    tidy = _read_csv(folder / "series.csv", SERIES_COLUMNS)
    axis = periods.period_axis(start, end, freq)
    tidy["value"] = pd.to_numeric(tidy["value"], errors="coerce")
    if tidy["value"].isna().any():
        row = int(tidy.index[tidy["value"].isna()][0]) + 2
        raise CycleDataError(f"{folder / 'series.csv'}: line {row}: the value is not a number")
    unsourced = ~tidy["source"].isin(list(sources))
    if unsourced.any():
        row = int(tidy.index[unsourced][0]) + 2
        raise CycleDataError(f"{folder / 'series.csv'}: line {row}: source {tidy.loc[unsourced].iloc[0]['source']!r} "
                             "is not a key of cycle.json 'sources'")
    unnoted = sorted(set(tidy["signal"]) - set(notes))
    if unnoted:
        raise CycleDataError(f"{meta_path}: signal(s) {', '.join(unnoted)} have numbers but no note")
    try:
        tidy["period"] = [periods.parse_label(str(p), freq) for p in tidy["period"]]
    except UsageError as e:
        raise CycleDataError(f"{folder / 'series.csv'}: {e}") from None
    outside = ~tidy["period"].isin(axis)
    if outside.any():
        raise CycleDataError(f"{folder / 'series.csv'}: period {tidy.loc[outside, 'period'].iloc[0]} lies outside "
                             f"the cycle's span {start}..{end}")
    if tidy.duplicated(["period", "signal"]).any():
        dup = tidy[tidy.duplicated(["period", "signal"])].iloc[0]
        raise CycleDataError(f"{folder / 'series.csv'}: two values for {dup['signal']} in {dup['period']}")
    order = [s for s in notes if s in set(tidy["signal"])]
    wide = tidy.pivot(index="period", columns="signal", values="value").reindex(axis)[order]
    wide.index = pd.PeriodIndex(wide.index, freq=axis.freq, name="period")
    wide.columns.name = None

    phases = _read_csv(folder / "phases.csv", PHASE_COLUMNS)
    try:
        phases["start"] = [dt.date.fromisoformat(str(d)) for d in phases["start"]]
        phases["end"] = [dt.date.fromisoformat(str(d)) for d in phases["end"]]
    except ValueError as e:
        raise CycleDataError(f"{folder / 'phases.csv'}: a date is not YYYY-MM-DD ({e})") from None
    phases["note"] = phases["note"].fillna("").astype(str)
    _check_phases(phases, folder / "phases.csv", sources)
    return ReferenceCycle(
        id=cid, name=str(meta["name"]), topic=meta["topic"] or None, freq=freq, start=start, end=end,
        known_until=known, series=wide, phases=phases.reset_index(drop=True),
        sources=tuple(f"{k}: {v}" for k, v in sources.items()), notes=notes,
        description=str(meta["description"]), provenance=tidy.reset_index(drop=True))


def _source_keys(text: str) -> list[str]:
    return [k.strip() for k in str(text).split("+") if k.strip()]


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype={"period": str, "signal": str, "source": str, "phase": str},
                            keep_default_na=False, na_values={"value": [""], "note": [""]})
    except FileNotFoundError:
        raise CycleDataError(f"{path}: missing; a cycle folder holds cycle.json, series.csv, phases.csv") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise CycleDataError(f"{path}: cannot be read as CSV ({str(e).splitlines()[0]})") from None
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        raise CycleDataError(f"{path}: missing column(s) {', '.join(lacking)}; expected {','.join(columns)}")
    return frame[list(columns)]


def _check_phases(phases: pd.DataFrame, path: Path, sources: dict) -> None:
    if phases.empty:
        raise CycleDataError(f"{path}: no phase; give at least one span")
    for i, row in enumerate(phases.itertuples(), start=2):
        if row.phase not in PHASES:
            raise CycleDataError(f"{path}: line {i}: unknown phase {row.phase!r}; expected one of {', '.join(PHASES)}")
        if row.end < row.start:
            raise CycleDataError(f"{path}: line {i}: the span ends ({row.end}) before it starts ({row.start})")
        for key in _source_keys(row.source):
            if key not in sources:
                raise CycleDataError(f"{path}: line {i}: source {key!r} is not a key of cycle.json 'sources'")
    for i in range(1, len(phases)):
        prev_end, start = phases.iloc[i - 1]["end"], phases.iloc[i]["start"]
        if start != prev_end + dt.timedelta(days=1):
            raise CycleDataError(f"{path}: line {i + 2}: the span starts {start}, not the day after the previous "
                                 f"one ends ({prev_end}); phases are consecutive")


def get_cycle(cycle_id: str, cycles: list[ReferenceCycle] | None = None) -> ReferenceCycle:
    """The cycle with this id.

    Raises
    ------
    UsageError
        An unknown id; the message lists the known ones.
    """
    cycles = load_cycles() if cycles is None else cycles
    for c in cycles:
        if c.id == cycle_id:
            return c
    raise UsageError(f"unknown reference cycle {cycle_id!r}; known cycles: {', '.join(c.id for c in cycles)} "
                     "(see `hypecycle cycles`)")


def usable_cycles(cycles: list[ReferenceCycle], *, as_of: dt.date, topic: str | None = None
                  ) -> tuple[list[ReferenceCycle], list[dict]]:
    """The cycles that may serve as analogs for ``topic`` as of ``as_of``, and the others.

    A cycle whose record runs past the as-of date (``known_until > as_of``) would bring
    knowledge of the future into the comparison, and a topic's own cycle would compare
    the topic with itself: neither is ever an analog. Returns ``(usable, excluded)``,
    ``excluded`` as ``{"cycle": id, "reason": "..."}``.
    """
    as_of = _as_date(as_of)
    usable, excluded = [], []
    for c in cycles:
        if topic is not None and c.topic == topic:
            excluded.append({"cycle": c.id, "reason": f"it is the topic's own cycle (topic {topic!r})"})
        elif c.known_until > as_of:
            excluded.append({"cycle": c.id, "reason": f"not ended by the as-of date: its record runs to "
                                                      f"{c.known_until}, after {as_of}"})
        else:
            usable.append(c)
    return usable, excluded


def cycles_frame(cycles: list[ReferenceCycle]) -> pd.DataFrame:
    """One row per cycle for listings: ``id, name, topic, start, end, known_until, periods,
    signals, match_signals, phases, turning_points, sources``."""
    rows = []
    for c in cycles:
        tp = c.turning_points()
        rows.append({"id": c.id, "name": c.name, "topic": c.topic, "start": c.start.isoformat(),
                     "end": c.end.isoformat(), "known_until": c.known_until.isoformat(), "periods": len(c.series),
                     "signals": ", ".join(c.signals), "match_signals": ", ".join(c.match_signals),
                     "phases": c.phase_summary(),
                     "turning_points": "; ".join(f"{r.date} {r.from_phase}->{r.to_phase}" for r in tp.itertuples()),
                     "sources": "; ".join(s.split(":")[0] for s in c.sources)})
    return pd.DataFrame(rows, columns=["id", "name", "topic", "start", "end", "known_until", "periods", "signals",
                                       "match_signals", "phases", "turning_points", "sources"])


def series_frame(cycle: ReferenceCycle) -> pd.DataFrame:
    """A cycle's series as a flat frame: ``period``, ``phase`` (at the period's last day),
    then one column per signal."""
    out = cycle.series.copy()
    out.insert(0, "phase", [cycle.phase_at(p) for p in out.index])
    out = out.reset_index()
    out["period"] = [periods.label(p) for p in out["period"]]
    return out


# ---------------------------------------------------------------------------------------------
# synthetic cycles that carry their truth
# ---------------------------------------------------------------------------------------------

def synthetic_cycle(seed: int, *, cycle_id: str = "synthetic", start: dt.date = dt.date(1990, 1, 1),
                    periods_n: int = 40, peak: int = 16, width: float = 4.0, plateau: float = 0.35,
                    noise: float = 0.0, topic: str | None = None) -> ReferenceCycle:
    """A seeded quarterly cycle whose phases and turning points are known by construction.

    Attention is a bell-shaped pulse centred on period ``peak`` (width ``width`` periods)
    on top of a Gompertz S-curve rising to ``plateau`` of the pulse's height, times
    (1 + ``noise`` * N(0, 1)). Failures follow the fall after the peak; the sceptic share
    rises after it. The true phases: trigger until the pulse reaches a third of its height,
    peak until the pulse's centre, trough until attention's lowest point after it, slope
    for a third of the remaining periods, plateau to the end.
    """
    rng = np.random.default_rng(seed)
    axis = pd.period_range(periods.period_of(start, "quarter"), periods=periods_n, freq="Q", name="period")
    t = np.arange(len(axis), dtype=float)
    pulse = np.exp(-0.5 * ((t - peak) / width) ** 2)
    s_curve = plateau * np.exp(-np.exp(-(t - (peak + 2 * width)) / width))
    attention = (pulse + s_curve) * 0.05
    attention = attention * (1 + noise * rng.standard_normal(len(t)))
    attention = np.clip(attention, 0, None)
    failures = np.round(20 * np.exp(-0.5 * ((t - (peak + 1.5 * width)) / (0.8 * width)) ** 2)
                        + rng.poisson(0.3, len(t)))
    skeptic = np.clip(0.05 + 0.3 / (1 + np.exp(-(t - (peak + 0.5 * width)))) + 0.02 * rng.standard_normal(len(t)),
                      0, 1)
    funding = np.round(30 * np.exp(-0.5 * ((t - (peak - 0.5 * width)) / width) ** 2) + rng.poisson(0.5, len(t)))
    series = pd.DataFrame({"attention": attention, "failures": failures, "skeptic_share": skeptic,
                           "funding": funding}, index=axis)
    trig_end = int(np.argmax(pulse >= 1 / 3))
    peak_i = int(peak)
    after = attention[peak_i + 1:]
    trough_i = peak_i + 1 + int(np.argmin(after)) if len(after) else len(t) - 1
    slope_end = min(len(t) - 1, trough_i + max(1, (len(t) - trough_i) // 3))
    bounds = [("trigger", 0, trig_end), ("peak", trig_end, peak_i + 1), ("trough", peak_i + 1, trough_i + 1),
              ("slope", trough_i + 1, slope_end + 1), ("plateau", slope_end + 1, len(t))]
    rows = []
    for phase, a, b in bounds:
        if b <= a or a >= len(t):
            continue
        rows.append({"start": axis[a].start_time.date(), "end": axis[min(b, len(t)) - 1].end_time.date(),
                     "phase": phase, "source": "truth", "note": "by construction"})
    phases = pd.DataFrame(rows, columns=list(PHASE_COLUMNS))
    notes = {s: {"source": "truth", "unit": "synthetic", "how": "synthetic_cycle", "thin": "", "match": True}
             for s in series.columns}
    end = axis[-1].end_time.date()
    return ReferenceCycle(id=cycle_id, name=f"synthetic cycle (seed {seed})", topic=topic, freq="quarter",
                          start=axis[0].start_time.date(), end=end, known_until=end, series=series, phases=phases,
                          sources=("truth: generated by hypecycle.reference.synthetic_cycle",), notes=notes,
                          description="seeded synthetic cycle")


__all__ = ["PHASES", "ReferenceCycle", "cycles_dir", "cycles_frame", "get_cycle", "load_cycle", "load_cycles",
           "series_frame", "synthetic_cycle", "usable_cycles"]


@functools.lru_cache(maxsize=4)
def _shipped(signature: tuple) -> tuple[ReferenceCycle, ...]:
    return tuple(load_cycles())


def shipped_cycles() -> list[ReferenceCycle]:
    """The shipped cycles, read once per process (again if their files change)."""
    root = cycles_dir()
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(root.glob("*/*")))
    return list(_shipped(signature))
