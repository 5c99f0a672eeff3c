"""Normalisation of raw field values: dates, text, HTML, ids and content hashes.

Pure functions used by :mod:`hypecycle.ingest`. Dates go through a fast ISO path,
then RFC 822 (``email.utils``), then ``dateutil``, then ``dateparser`` for the
messy rest; HTML goes through trafilatura; text is NFKC-normalised.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import re
import string
import unicodedata
import warnings
from typing import Any

#: Earliest date accepted; anything before is almost surely a parse error.
MIN_DATE = dt.date(1800, 1, 1)
#: How far past today a date may lie (time zones, embargoed items) before it is refused.
FUTURE_SLACK = dt.timedelta(days=2)

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d)")
_ISO_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_HTML_HINT = re.compile(
    r"<\s*/?\s*(?:p|br|div|span|a|b|i|em|strong|html|body|head|li|ul|ol|h[1-6]|img|table|tr|td|article|section)\b[^>]*>",
    re.IGNORECASE,
)
_BODY_TAG = re.compile(r"<\s*body[\s>]", re.IGNORECASE)
#: Control characters, zero-width space, BOM, and lone surrogates (from JSON "\ud800" escapes,
#: which no database or file can store as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff\ud800-\udfff]")
_PARA = re.compile(r"\n[^\S\n]*\n")
#: Punctuation that does not make two copies of a story different.
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in string.punctuation + "\u2018\u2019\u201c\u201d\u2013\u2014"})

#: Below this many characters a text is too short to identify a republished story on its own,
#: so the content hash also covers the title.
SHORT_TEXT = 200


def _check_range(d: dt.date, today: dt.date | None = None) -> dt.date | None:
    today = today or dt.date.today()
    if d < MIN_DATE or d > today + FUTURE_SLACK:
        return None
    return d


#: Languages dateparser tries for month names. Trying all ~200 locales costs about 3 s on the
#: first odd date string of a process and ~12 ms on each later one; these cost 0.5 s and 2 ms.
DATE_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "fi", "pl", "cs",
                  "ru", "tr", "id")
_DEFAULT_A = dt.datetime(2001, 1, 1)
_DEFAULT_B = dt.datetime(2002, 2, 2)


@functools.lru_cache(maxsize=65536)
def _parse_date_str(s: str) -> dt.date | None:
    s = s.strip()
    if not s:
        return None
    m = _ISO.match(s) or _ISO_COMPACT.match(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if len(s) > 64:  # not a date, and dateparser is slow on long strings
        return None
    try:  # RFC 822 / 2822, as in RSS
        parsed = email.utils.parsedate_to_datetime(s)
        if parsed is not None:
            return parsed.date()
    except (TypeError, ValueError, IndexError):
        pass
    from dateutil import parser as du_parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # parsed against two different defaults: a string lacking the year, month or
            # day ("2010", "March", "12:30") comes out differently and is not a date
            first = du_parser.parse(s, ignoretz=True, default=_DEFAULT_A).date()
            if first == du_parser.parse(s, ignoretz=True, default=_DEFAULT_B).date():
                return first
            return None
    except (ValueError, OverflowError, TypeError):
        pass
    import dateparser

    if not re.search(r"\d", s):  # no digit: "yesterday", "tbd" -> never a corpus date
        return None
    parsed = dateparser.parse(
        s, languages=list(DATE_LANGUAGES),
        settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first",
                  "REQUIRE_PARTS": ["day", "month", "year"],
                  # no "timestamp" ("1e400") nor "relative-time" ("2 days ago"): not corpus dates
                  "PARSERS": ["custom-formats", "absolute-time"]},
    )
    return parsed.date() if parsed else None


def parse_date(value: Any, *, today: dt.date | None = None) -> dt.date | None:
    """Return the calendar date a value names, or ``None``.

    Accepts ``date``/``datetime`` objects, pandas timestamps, epoch seconds are *not*
    guessed, and strings in any common form: ``2006-10-20``, RFC 822
    (``Fri, 20 Oct 2006 18:15:00 GMT``), ``Fri Oct 20, 2006 6:15pm EDT``, ``1-Jan-96``.
    The date is taken as written (no time-zone shift). Dates before 1800 or more than
    two days in the future are refused as parse errors.
    """
    if value is None or value != value:  # None, NaN, pandas NaT (a datetime subclass)
        return None
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    elif hasattr(value, "to_pydatetime"):  # pandas Timestamp
        try:
            d = value.to_pydatetime().date()
        except (ValueError, AttributeError):
            return None
    elif isinstance(value, str):
        d = _parse_date_str(value)
    else:
        return None
    if d is None:
        return None
    return _check_range(d, today)


def looks_like_html(s: str) -> bool:
    """True when a string carries HTML markup rather than plain text."""
    return bool(_HTML_HINT.search(s[:20000]))


def html_to_text(html: str, *, document: bool = False) -> str:
    """Turn HTML into clean text with trafilatura.

    ``document=True`` extracts the main content of a whole page (dropping menus and
    footers); otherwise the fragment is converted as a whole.
    """
    import trafilatura

    text = None
    if document:
        text = trafilatura.extract(html, include_comments=False, include_tables=False,
                                   favor_recall=True)
    if not text:
        if not _BODY_TAG.search(html):
            # html2txt returns "" for a fragment without <body> (an RSS summary, a JSON field)
            html = f"<html><body>{html}</body></html>"
        text = trafilatura.html2txt(html)
    return text or ""


def clean_text(s: Any) -> str:
    """Normalise a text field: HTML to text, NFKC, no control characters, tidy spaces.

    Paragraph breaks (blank lines) survive as ``"\\n\\n"``; every other run of
    whitespace, hard line wraps included, becomes one space.
    """
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if "<" in s and looks_like_html(s):
        s = html_to_text(s)
    s = unicodedata.normalize("NFKC", s)
    if _CONTROL.search(s):
        s = _CONTROL.sub("", s)
    paragraphs = _PARA.split(s) if "\n" in s else (s,)
    return "\n\n".join(p for p in (" ".join(p.split()) for p in paragraphs) if p)


def _digest(s: str, size: int) -> bytes:
    return hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=size).digest()


def content_hash(title: str, text: str) -> int:
    """A 64-bit hash that is equal for republished copies of one story.

    It covers the text's words, case-folded, so that spacing, ASCII punctuation and case
    do not matter. Texts shorter than :data:`SHORT_TEXT` characters (headline-only
    items, stubs) also include the title, so that two different headlines with an
    empty or boilerplate body are not taken for one story.
    """
    body = " ".join(text.casefold().translate(_PUNCT_TO_SPACE).split())
    if len(body) < SHORT_TEXT:
        body = " ".join(title.casefold().translate(_PUNCT_TO_SPACE).split()) + "\n" + body
    return int.from_bytes(_digest(body, 8), "big")


def make_id(own_id: Any, url: str, date: dt.date, title: str, text: str) -> str:
    """A stable article id: the corpus's own id, else a hash of the url, else of the content."""
    if own_id is not None:
        own = str(own_id).strip()
        if own and own.lower() not in ("nan", "none", "null"):
            return own
    if url:
        return "u" + _digest(url.strip(), 10).hex()
    return "h" + _digest(f"{date.isoformat()}\n{title}\n{text}", 10).hex()
