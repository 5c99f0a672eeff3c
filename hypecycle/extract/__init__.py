"""Event, topic-mention and cue extraction: :class:`Extractor` and :func:`extract_many`.

Both are imported on first use (PEP 562), so that reading a store (company-name
normalisation, say) does not load spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypecycle.extract.pipeline import Extractor, extract_many

__all__ = ["Extractor", "extract_many"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hypecycle.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
