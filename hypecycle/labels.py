"""Phase labels: dated, sourced statements of where a technology stood in its cycle.

Two formats, documented in ``corpora/README.md``:

*Timeline labels* (CSV): one row per statement, header
``technology,topic,terms,start,end,phase,corpus,kind,source,source_date,evidence``.
``topic`` is a lexicon id or empty; ``terms`` (``;``-separated phrases) define the topic
when it has no lexicon (and may narrow one); ``start``/``end`` are ISO dates (equal for a
point); ``phase`` is one of :data:`PHASES`; ``source`` is required. Only ``technology``,
``start``, ``phase``, ``source`` and one of ``topic``/``terms`` are required.

*Article labels* (JSON Lines, or any format ``hypecycle ingest`` reads, with extra
fields): articles with a ``phase`` and a ``topic`` or ``terms`` field each. Every such
article stands for a point label of its topic at its date; its ``source`` (or url) is the
label's source.

:func:`label_points` turns rows into points (one per date; a range gives one point per
period end inside it) and resolves rows that disagree on the same technology and date.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import LabelError

PHASES = ("trigger", "peak", "trough", "slope", "plateau")
#: The phases in the order of the curve, for distances ("two phases off").
PHASE_ORDER = {p: i for i, p in enumerate(PHASES)}
TIMELINE_COLUMNS = ("technology", "topic", "terms", "start", "end", "phase", "corpus", "kind", "source",
                    "source_date", "evidence")
REQUIRED = ("technology", "start", "phase", "source")
#: When rows disagree on one technology and date, the kind listed first wins a tie.
KIND_PRIORITY = ("facts", "gartner", "market-history", "reference-cycle", "article", "")
#: A range label gives at most this many points.
MAX_POINTS_PER_RANGE = 8


@dataclass(frozen=True)
class Label:
    """One labelled statement (a row of a label file)."""

    technology: str
    topic: str | None
    terms: tuple[str, ...]
    start: dt.date
    end: dt.date
    phase: str
    kind: str
    source: str
    where: str          # "file:row N", for messages

    @property
    def group(self) -> str:
        """The unit of leave-one-topic-out evaluation: the technology."""
        return self.technology.strip().lower()


@dataclass(frozen=True)
class LabelPoint:
    """A label at one date: what the classifier learns from and is scored on."""

    technology: str
    topic: str | None
    terms: tuple[str, ...]
    date: dt.date
    phase: str
    kind: str
    source: str
    where: str

    @property
    def group(self) -> str:
        return self.technology.strip().lower()


def _date(value: str, where: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise LabelError(f"{where}: bad {column} date {value!r}; expected YYYY-MM-DD") from None


def _phase(value: str, where: str) -> str:
    p = (value or "").strip().lower()
    if p not in PHASES:
        raise LabelError(f"{where}: unknown phase {value!r}; expected one of {', '.join(PHASES)}")
    return p


def _terms(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", ";").split(";")
    return tuple(dict.fromkeys(" ".join(t.split()) for t in items if str(t).strip()))


def read_timeline(path: str | Path) -> list[Label]:
    """Read a timeline label CSV.

    Raises
    ------
    LabelError
        A missing file or column, an unknown phase, a bad date, a row without a source or
        topic: one line naming the file and row.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelError(f"{path}: no such label file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LabelError(f"{path}: cannot read the label file: {e}") from None
    reader = csv.DictReader(text.splitlines())
    cols = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise LabelError(f"{path}: not a timeline label file: no column {', '.join(missing)} "
                         f"(expected the header {','.join(TIMELINE_COLUMNS)})")
    out: list[Label] = []
    for n, raw in enumerate(reader, 2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        where = f"{path}:row {n}"
        if not any(row.values()):
            continue
        phase = _phase(row.get("phase", ""), where)
        start = _date(row.get("start", ""), where, "start")
        end = _date(row["end"], where, "end") if row.get("end") else start
        if end < start:
            raise LabelError(f"{where}: end {end} is before start {start}")
        topic = row.get("topic") or None
        terms = _terms(row.get("terms"))
        if not topic and not terms:
            raise LabelError(f"{where}: no topic and no terms; give a lexicon id in 'topic' or phrases in 'terms'")
        if not row.get("source"):
            raise LabelError(f"{where}: no source; every label needs the source that states it")
        if not row.get("technology"):
            raise LabelError(f"{where}: no technology name")
        out.append(Label(row["technology"], topic, terms, start, end, phase, row.get("kind", ""), row["source"],
                         where))
    if not out:
        raise LabelError(f"{path}: holds no label row")
    return out


def read_article_labels(path: str | Path) -> tuple[list[Label], list[dict]]:
    """Read an article label file (JSON Lines: one article per line with ``phase`` and ``topic``
    or ``terms``). Returns the labels and the article records (for ingestion)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LabelError(f"{path}: no such label file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LabelError(f"{path}: cannot read the label file: {e}") from None
    labels, records = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:line {n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise LabelError(f"{where}: broken JSON: {e.msg}") from None
        if not isinstance(rec, dict):
            raise LabelError(f"{where}: expected a JSON object")
        phase = _phase(str(rec.get("phase", "")), where)
        date = _date(str(rec.get("date", ""))[:10], where, "date")
        topic = rec.get("topic") or None
        terms = _terms(rec.get("terms"))
        if not topic and not terms:
            raise LabelError(f"{where}: no topic and no terms for the article's phase label")
        source = str(rec.get("source") or rec.get("url") or path.name)
        tech = str(rec.get("technology") or topic or ", ".join(terms))
        labels.append(Label(tech, topic, terms, date, date, phase, "article", source, where))
        records.append(rec)
    if not labels:
        raise LabelError(f"{path}: holds no labelled article")
    return labels, records


def read_labels(paths: Iterable[str | Path]) -> list[Label]:
    """Read label files of either format (``.csv``: timeline; ``.jsonl``/``.json``: articles)."""
    out: list[Label] = []
    given = list(paths)
    if not given:
        raise LabelError("no label file given; pass --labels FILE (e.g. corpora/labels/timeline.csv)")
    for p in given:
        suffix = Path(p).suffix.lower()
        if suffix in (".jsonl", ".json", ".ndjson"):
            out += read_article_labels(p)[0]
        else:
            out += read_timeline(p)
    return out


def label_points(labels: Sequence[Label], *, freq: str = "quarter") -> list[LabelPoint]:
    """One point per label date (a range: each period end inside it, at most
    :data:`MAX_POINTS_PER_RANGE`, evenly spread), with disagreements resolved: for one
    technology and date, the phase most rows give wins; a tie goes to the kind listed first
    in :data:`KIND_PRIORITY`, then to the first row."""
    from . import periods

    raw: list[LabelPoint] = []
    for lab in labels:
        if lab.start == lab.end:
            dates = [lab.start]
        else:
            axis = periods.period_axis(lab.start, lab.end, freq)
            ends = [min(p.end_time.date(), lab.end) for p in axis]
            ends = [d for d in ends if d >= lab.start]
            if len(ends) > MAX_POINTS_PER_RANGE:
                step = (len(ends) - 1) / (MAX_POINTS_PER_RANGE - 1)
                ends = [ends[round(i * step)] for i in range(MAX_POINTS_PER_RANGE)]
            dates = ends
        for d in dates:
            raw.append(LabelPoint(lab.technology, lab.topic, lab.terms, d, lab.phase, lab.kind, lab.source,
                                  lab.where))
    by_key: dict[tuple[str, dt.date], list[LabelPoint]] = {}
    for pt in raw:
        by_key.setdefault((pt.group, pt.date), []).append(pt)
    out = []
    for pts in by_key.values():
        counts: dict[str, int] = {}
        for pt in pts:
            counts[pt.phase] = counts.get(pt.phase, 0) + 1
        best = max(counts.values())
        tied = [pt for pt in pts if counts[pt.phase] == best]
        tied.sort(key=lambda pt: KIND_PRIORITY.index(pt.kind) if pt.kind in KIND_PRIORITY else len(KIND_PRIORITY))
        out.append(tied[0])
    out.sort(key=lambda pt: (pt.group, pt.date))
    return out


def labels_hash(points: Sequence[LabelPoint]) -> str:
    """A short hash identifying a set of label points (recorded in model cards)."""
    h = hashlib.sha256()
    for pt in sorted(points, key=lambda p: (p.group, p.date, p.phase)):
        h.update(f"{pt.group}|{pt.topic}|{';'.join(pt.terms)}|{pt.date}|{pt.phase}\n".encode())
    return h.hexdigest()[:16]


def points_frame(points: Sequence[LabelPoint]) -> pd.DataFrame:
    """The points as a frame (technology, topic, terms, date, phase, kind, source, where)."""
    return pd.DataFrame([{"technology": p.technology, "topic": p.topic, "terms": ";".join(p.terms),
                          "date": p.date, "phase": p.phase, "kind": p.kind, "source": p.source,
                          "where": p.where} for p in points])


__all__ = ["KIND_PRIORITY", "Label", "LabelPoint", "PHASES", "PHASE_ORDER", "TIMELINE_COLUMNS", "label_points",
           "labels_hash", "points_frame", "read_article_labels", "read_labels", "read_timeline"]
