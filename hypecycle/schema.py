"""The records that flow between stages, as frozen dataclasses.

``Article`` leaves :mod:`hypecycle.ingest`; ``Event`` and ``Extraction`` leave
:mod:`hypecycle.extract`; ``Reject`` reports a bad input record. Column names of the
tidy frames built from them are defined here too so that every stage agrees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

EVENT_TYPES = ("funding", "ipo", "acquisition", "bankruptcy", "shutdown", "layoff")
#: The statuses an event takes (the annotation conventions of tests/data/extraction/FORMAT.md).
EVENT_STATUSES = ("announced", "completed", "talks", "planned", "filed", "priced")

#: The one definition of an event's fields, in order, with their kind: ``str``, ``float``,
#: ``int`` or ``list`` (of strings). :class:`Event` has these fields; the store's ``events``
#: table, its Arrow schema and its frame, the CLI's ``events`` output and the JSON Schema
#: (``data/extraction.schema.json``, checked by tests/test_contracts.py) are built from or
#: checked against it.
EVENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("type", "str"), ("company", "str"), ("round", "str"), ("amount", "float"), ("currency", "str"),
    ("amount_usd", "float"), ("valuation", "float"), ("valuation_usd", "float"), ("investors", "list"),
    ("acquirer", "str"), ("count", "int"), ("status", "str"), ("evidence", "str"), ("topics", "list"),
)
EVENT_FIELD_NAMES: tuple[str, ...] = tuple(name for name, _kind in EVENT_FIELDS)
#: Columns of event frames (``Store.events``, ``hypecycle events``): the article, its date
#: and every event field; lists (``investors``, ``topics``) stay lists in JSON.
EVENT_COLUMNS: tuple[str, ...] = ("article_id", "date") + EVENT_FIELD_NAMES


@dataclass(frozen=True, slots=True)
class Article:
    """One dated article after normalisation.

    ``id`` is stable: the corpus's own id, else a hash of the url, else of
    date + title + text. ``content_hash`` identifies republished copies.
    """

    id: str
    date: dt.date
    title: str
    text: str
    url: str = ""
    source: str = ""
    content_hash: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        return d


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not become an Article, and why."""

    source: str      # file path as given by the user
    location: str    # "line 12", "record 7", "row 3", "entry 4", or "" for a whole file
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.location}" if self.location else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Event:
    """A lifecycle event reported by an article.

    ``type`` is one of :data:`EVENT_TYPES`. ``company`` is the company the event is
    about (for an acquisition, the target). Money is ``amount`` in units of
    ``currency`` (ISO 4217) with ``amount_usd`` converted at the year's rate.
    Fields the text does not state are ``None`` (``investors`` is empty).
    """

    type: str
    company: str
    round: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_usd: float | None = None
    valuation: float | None = None
    valuation_usd: float | None = None
    investors: tuple[str, ...] = ()
    acquirer: str | None = None
    count: int | None = None
    status: str | None = None
    evidence: str = ""
    #: Topics (lexicon ids) mentioned in the evidence sentence itself: one way an event is
    #: attributed to a topic (see :mod:`hypecycle.trajectories`).
    topics: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v is not None and v != () and v != ""}
        for k in ("investors", "topics"):
            if k in d:
                d[k] = list(d[k])
        d.setdefault("evidence", self.evidence)
        return d


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article: the `hypecycle extract` JSON line.

    ``mentions`` counts every topic term in the title and text; ``lead`` counts those of
    them in the title and lead, where news says what a story is about (used to attribute
    events to a topic and to measure buzzword dilution).
    """

    id: str
    date: dt.date
    title: str
    events: tuple[Event, ...] = ()
    mentions: dict[str, dict[str, int]] = field(default_factory=dict)
    cues: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    #: The part of ``mentions`` found in the title and lead (the first two sentences of
    #: the text): ``{topic: {term: count}}``, terms with no lead mention left out.
    lead: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "date": self.date.isoformat(),
            "title": self.title,
            "events": [e.to_dict() for e in self.events],
            "mentions": self.mentions,
            "lead_mentions": self.lead,
            "cues": self.cues,
        }
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d
