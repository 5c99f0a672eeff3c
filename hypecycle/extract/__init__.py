"""Event, topic-mention and cue extraction: :class:`Extractor` and :func:`extract_many`."""

from hypecycle.extract.pipeline import Extractor, extract_many

__all__ = ["Extractor", "extract_many"]
