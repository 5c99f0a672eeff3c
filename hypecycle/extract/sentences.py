"""Sentences of a story: a cheap splitter that knows news abbreviations, and the lead.

The splitter works on character offsets (no tokenizer); its abbreviations and sentence
openers are English word lists in ``hypecycle/data/events/words.json`` (group ``sentences``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, Sequence

from hypecycle.extract.resources import word_set

_SENT_END = re.compile(r"(?:[.!?]+[\"'”’)\]]*\s+|\s*\n\s*)")
_ABBREV = word_set("sentences", "abbrev")
_INITIALS = re.compile(r"^(?:[a-z]\.)+[a-z]$")
_STARTERS = word_set("sentences", "starters")
#: Sentences of the lead (after the headline).
LEAD = 2


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences cheaply; return ``(start, end)`` character offsets.

    Boundaries are sentence-final punctuation followed by space, and line breaks;
    common abbreviations ("Inc.", "U.S.", "Jan.") and initials do not end a sentence
    unless a typical sentence opener follows.
    """
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        end = m.end()
        if end >= n:
            break
        chunk = m.group(0)
        if "\n" not in chunk and chunk[0] == ".":
            j = m.start()
            k = j
            while k > start and not text[k - 1].isspace():
                k -= 1
            word = text[k:j].lower().lstrip("(\"'")
            nxt = text[end:end + 12].split(" ", 1)[0]
            if (word in _ABBREV or (len(word) == 1 and word.isalpha()) or _INITIALS.match(word)) \
                    and nxt not in _STARTERS:  # "Inc.", "J. Crew", "J.C. Penney"
                continue
            if not (text[end].isupper() or text[end].isdigit() or text[end] in "\"'“‘($€£"):
                continue
        elif "\n" not in chunk and not (text[end].isupper() or text[end].isdigit() or text[end] in "\"'“‘($€£"):
            continue
        keep = len(chunk) - len(chunk.lstrip(".!?\"')]”’"))
        if text[start:m.start() + keep].strip():
            out.append((start, m.start() + keep))
        start = end
    if text[start:].strip():
        out.append((start, n))
    return out



def sentences_touched(matches: Iterable[re.Match[str]], spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indices of the sentences (``(start, end)`` offsets, in order) that some match overlaps.

    A gate's matches over the whole text flag the sentences worth the full search: a match that
    runs across a boundary flags every sentence it touches, so none it consumed is missed.
    """
    starts = [a for a, _ in spans]
    flagged: set[int] = set()
    for m in matches:
        first = bisect_right(starts, m.start()) - 1
        last = bisect_right(starts, max(m.end() - 1, m.start())) - 1
        flagged.update(range(max(first, 0), last + 1))
    return flagged


def lead_text(title: str, text: str, sentences: int = LEAD, max_chars: int = 1500) -> str:
    """The title and the lead of a story: its first ``sentences`` sentences (at most
    ``max_chars`` characters), where news states what the story is about."""
    head = text[:max_chars]
    spans = split_sentences(head)
    end = spans[min(sentences, len(spans)) - 1][1] if spans else 0
    return f"{title}\n\n{head[:end]}" if title else head[:end]

