"""Read dated article corpora in any supported format into :class:`~hypecycle.schema.Article`.

This module is the only reader of corpus files. Supported inputs, each also
gzip-compressed (``.gz``):

* JSON Lines (``.jsonl``, ``.ndjson``) and JSON (``.json``: an array, one object, or lines);
* CSV and TSV (``.csv``, ``.tsv``; the delimiter is sniffed unless given);
* Parquet (``.parquet``, ``.pq``);
* RSS and Atom feeds (``.xml``, ``.rss``, ``.atom``), read with feedparser;
* single documents (``.txt``, ``.md``, ``.html``, ``.htm``) and folders of them.

Paths, formats and options are checked before the first record is produced;
then records stream. A record that cannot become an article becomes a
:class:`~hypecycle.schema.Reject` naming the file, the line or record and the
reason, and reading goes on with the next record.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import RecordError, UnknownFormatError, UsageError
from .normalize import clean_text, content_hash, html_to_text, make_id, parse_date
from .schema import Article, Reject

#: Field names recognised without options, in order of preference (case-insensitive).
TEXT_FIELDS = ("text", "body", "content", "texts", "full_text", "article", "description", "summary")
DATE_FIELDS = ("date", "published", "published_date", "pubdate", "published_at", "publication_date",
               "datetime", "timestamp", "time", "created_at", "updated")
TITLE_FIELDS = ("title", "headline", "heading", "subject_line")
URL_FIELDS = ("url", "link", "uri", "href")
ID_FIELDS = ("id", "article_id", "doc_id", "document_id", "guid", "uid")
SOURCE_FIELDS = ("source", "publisher", "outlet", "site")

STRUCTURED = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "csv", ".tab": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
DOCUMENTS = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html"}
FORMATS = sorted(set(STRUCTURED.values()) | set(DOCUMENTS.values()))
SUPPORTED_SUFFIXES = tuple(sorted(STRUCTURED) + sorted(DOCUMENTS))
#: Rejects of a file held back until its first good record: a file none of whose records is
#: good is reported once, at the file level, instead of once per record.
HOLD_REJECTS = 1000

#: A text longer than this is cut (and the cut reported) so one record cannot exhaust memory.
MAX_FIELD_CHARS = 10_000_000
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEADER_DATE = re.compile(r"^\s*(?:date|published|pubdate|published_date)\s*:\s*(.+?)\s*$", re.I | re.M)


@dataclass(frozen=True)
class ReadOptions:
    """How to read input files; every field may be left at its default.

    Field options name a column or key, matched case-insensitively; ``None``
    means "recognise it from :data:`TEXT_FIELDS` and friends".
    """

    format: str | None = None
    text_field: str | None = None
    date_field: str | None = None
    title_field: str | None = None
    id_field: str | None = None
    url_field: str | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    source: str | None = None
    default_date: dt.date | None = None

    def __post_init__(self):
        if self.format is not None and self.format not in FORMATS:
            raise UsageError(f"unknown --input-format {self.format!r}; expected one of {', '.join(FORMATS)}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise UsageError(f"unknown --encoding {self.encoding!r}; use a Python codec name such "
                             "as utf-8, latin-1 or cp1252") from None
        if self.delimiter is not None and len(delimiter_char(self.delimiter)) != 1:
            raise UsageError(f"--delimiter must be one character (or 'tab'), got {self.delimiter!r}")


def delimiter_char(value: str) -> str:
    """The delimiter a ``--delimiter`` value names: one character, ``tab`` or ``\\t``."""
    return "\t" if value in ("tab", "\\t", "\t") else value


@dataclass
class _Input:
    path: Path
    shown: str       # the path as the user gave it, for messages
    format: str
    source: str
    compressed: bool = field(default=False)


def _suffixes(path: Path) -> tuple[str, bool]:
    name = path.name.lower()
    compressed = name.endswith(".gz")
    if compressed:
        name = name[:-3]
    return Path(name).suffix, compressed


def resolve_inputs(paths: Iterable[str | Path], options: ReadOptions | None = None) -> list[_Input]:
    """Check every path and decide its format, before anything is read.

    Raises
    ------
    UsageError
        A path does not exist, or a file's format cannot be told from its name
        (give ``--input-format``).
    """
    options = options or ReadOptions()
    inputs: list[_Input] = []
    given = list(paths)
    if not given:
        raise UsageError("no input files given")
    for p in given:
        path = Path(p)
        shown = str(p)
        if not path.exists():
            raise UsageError(f"{shown}: no such file or folder")
        if path.is_dir():
            members = sorted(
                q for q in path.rglob("*")
                if q.is_file() and not any(part.startswith(".") for part in q.relative_to(path).parts)
                and (_suffixes(q)[0] in DOCUMENTS or _suffixes(q)[0] in STRUCTURED)
            )
            if not members:
                raise UsageError(f"{shown}: folder holds no file of a supported type; expected "
                                 f"{', '.join(SUPPORTED_SUFFIXES)} (optionally .gz)")
            src = options.source or path.resolve().name
            for q in members:
                suffix, gz = _suffixes(q)
                fmt = options.format or STRUCTURED.get(suffix) or DOCUMENTS[suffix]
                inputs.append(_Input(q, str(q), fmt, src, gz))
            continue
        suffix, gz = _suffixes(path)
        fmt = options.format or STRUCTURED.get(suffix) or DOCUMENTS.get(suffix)
        if fmt is None:
            raise UnknownFormatError(
                f"{shown}: cannot tell the format from the name; expected one of "
                f"{', '.join(SUPPORTED_SUFFIXES)} (optionally .gz), or give --input-format")
        src = options.source or path.resolve().parent.name
        inputs.append(_Input(path, shown, fmt, src, gz))
    return inputs


def _open_binary(inp: _Input) -> BinaryIO:
    """Open an input for reading bytes, decompressing gzip (told by name or by magic bytes)."""
    raw = open(inp.path, "rb")  # noqa: SIM115 - closed by the caller
    if inp.compressed or raw.peek(2)[:2] == b"\x1f\x8b":
        raw.close()
        return gzip.open(inp.path, "rb")  # type: ignore[return-value]  # owns and closes its file
    return raw


_READ_ERRORS = (OSError, EOFError, zlib.error)


# ---------------------------------------------------------------------------------------------
# record readers: yield (location, dict) or Reject
# ---------------------------------------------------------------------------------------------

def _iter_jsonl(inp: _Input, options: ReadOptions):
    n = 0
    try:
        with _open_binary(inp) as fh:
            for n, raw in enumerate(fh, 1):
                loc = f"line {n}"
                try:
                    line = raw.decode(options.encoding)
                except UnicodeDecodeError as e:
                    yield Reject(inp.shown, loc, f"undecodable byte 0x{raw[e.start]:02x} at column "
                                                 f"{e.start + 1} (not {options.encoding}; try --encoding)")
                    continue
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    yield Reject(inp.shown, loc, f"broken JSON: {e.msg} at column {e.colno}")
                    continue
                except RecursionError:
                    yield Reject(inp.shown, loc, "broken JSON: nested too deeply")
                    continue
                if not isinstance(obj, dict):
                    yield Reject(inp.shown, loc, f"expected a JSON object, got {type(obj).__name__}")
                    continue
                yield loc, obj
    except _READ_ERRORS as e:
        yield Reject(inp.shown, f"line {n + 1}", f"unreadable file: {_oserror(e)}")


def _iter_json(inp: _Input, options: ReadOptions):
    """A JSON array of objects; a file that is not an array is read as JSON lines."""
    try:
        with _open_binary(inp) as fh:
            head = fh.read(1 << 16)
            if not head.lstrip().startswith(b"["):
                data = None
            else:
                data = head + fh.read()
    except _READ_ERRORS as e:
        yield Reject(inp.shown, "", f"unreadable file: {_oserror(e)}")
        return
    if data is None:
        yield from _iter_jsonl(inp, options)
        return
    try:
        items = json.loads(data.decode(options.encoding))
    except UnicodeDecodeError as e:
        yield Reject(inp.shown, f"byte {e.start}", f"undecodable byte (not {options.encoding}; try --encoding)")
        return
    except json.JSONDecodeError as e:
        yield Reject(inp.shown, f"line {e.lineno}", f"broken JSON: {e.msg} at column {e.colno}; "
                                                    "no record of this file could be read")
        return
    except RecursionError:
        yield Reject(inp.shown, "", "broken JSON: nested too deeply; no record of this file could be read")
        return
    for i, obj in enumerate(items, 1):
        if isinstance(obj, dict):
            yield f"record {i}", obj
        else:
            yield Reject(inp.shown, f"record {i}", f"expected a JSON object, got {type(obj).__name__}")


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _iter_csv(inp: _Input, options: ReadOptions):
    csv.field_size_limit(MAX_FIELD_CHARS)
    row_no = 0
    try:
        if options.delimiter is not None:
            delim = delimiter_char(options.delimiter)
        else:
            with _open_binary(inp) as fh:
                sample = fh.read(1 << 16).decode(options.encoding, errors="replace")
            delim = _sniff_delimiter(sample, _suffixes(inp.path)[0])
        with _open_binary(inp) as fh:
            text = io.TextIOWrapper(fh, encoding=options.encoding, errors="surrogateescape", newline="")
            reader = csv.reader(text, delimiter=delim)
            header = next(reader, None)
            if header is None:
                yield Reject(inp.shown, "", "empty file: no header row")
                return
            header = [h.strip().lstrip("\ufeff") for h in header]
            lower = {h.lower() for h in header}
            if (options.date_field is None and options.default_date is None
                    and not lower & set(DATE_FIELDS)):
                yield Reject(inp.shown, "", f"no date column (columns: {', '.join(header)[:200]}; expected one of "
                                            f"{', '.join(DATE_FIELDS[:4])}); give --date-field COLUMN, or "
                                            "--default-date YYYY-MM-DD for undated rows"
                                            + ("; the header is one column: try --delimiter"
                                               if len(header) == 1 and any(c in header[0] for c in ",;\t|")
                                               else ""))
                return
            last_line = reader.line_num
            for row in reader:
                row_no += 1
                loc = f"line {last_line + 1}"
                last_line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if any(_has_surrogate(c) for c in row):
                    yield Reject(inp.shown, loc, f"undecodable byte in row (not {options.encoding}; "
                                                 "try --encoding latin-1)")
                    continue
                if len(row) != len(header):
                    yield Reject(inp.shown, loc, f"expected {len(header)} fields, found {len(row)} "
                                                 f"(delimiter {delim!r}; try --delimiter)")
                    continue
                yield loc, dict(zip(header, row))
    except csv.Error as e:
        yield Reject(inp.shown, f"row {row_no + 1}", f"malformed CSV: {e}; the rest of the file was not read")
    except _READ_ERRORS as e:
        yield Reject(inp.shown, f"row {row_no + 1}", f"unreadable file: {_oserror(e)}")


def _has_surrogate(s: str) -> bool:
    return not s.isascii() and any("\udc80" <= ch <= "\udcff" for ch in s)


def _iter_parquet(inp: _Input, options: ReadOptions):
    import pyarrow.parquet as pq

    try:
        if inp.compressed:
            with _open_binary(inp) as fh:
                pf = pq.ParquetFile(io.BytesIO(fh.read()))
        else:
            pf = pq.ParquetFile(inp.path)
        i = 0
        for batch in pf.iter_batches(batch_size=2048):
            for rec in batch.to_pylist():
                i += 1
                yield f"row {i}", rec
    except _READ_ERRORS as e:
        yield Reject(inp.shown, "", f"unreadable file: {_oserror(e)}")
    except Exception as e:  # pyarrow raises ArrowInvalid and friends for a corrupt file
        yield Reject(inp.shown, "", f"not a readable Parquet file: {e}")


def _iter_feed(inp: _Input, options: ReadOptions):
    import feedparser

    try:
        with _open_binary(inp) as fh:
            data = fh.read()
    except _READ_ERRORS as e:
        yield Reject(inp.shown, "", f"unreadable file: {_oserror(e)}")
        return
    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = str(getattr(parsed, "bozo_exception", "")) or "no entries found"
        yield Reject(inp.shown, "", f"not an RSS/Atom feed with entries: {reason}")
        return
    feed_title = parsed.feed.get("title", "") if hasattr(parsed, "feed") else ""
    for i, e in enumerate(parsed.entries, 1):
        text = ""
        if e.get("content"):
            text = " ".join(c.get("value", "") for c in e["content"])
        text = text or e.get("summary", "") or e.get("description", "")
        # the date as written (feedparser's *_parsed are shifted to UTC, which can move the day)
        raw_date = e.get("published") or e.get("updated") or e.get("created") or e.get("dc_date") or None
        parsed_date = e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")
        date = raw_date if parse_date(raw_date) is not None else (
            dt.date(*parsed_date[:3]) if parsed_date else raw_date)
        yield f"entry {i}", {
            "id": e.get("id") or None,
            "title": e.get("title", ""),
            "text": text,
            "date": date,
            "url": e.get("link", ""),
            "source": feed_title or None,
        }


def _iter_document(inp: _Input, options: ReadOptions):
    try:
        with _open_binary(inp) as fh:
            raw = fh.read(MAX_FIELD_CHARS + 1)
    except _READ_ERRORS as e:
        yield Reject(inp.shown, "", f"unreadable file: {_oserror(e)}")
        return
    cut = len(raw) > MAX_FIELD_CHARS
    try:
        # a document cut at the size limit may end inside a character: leave that one out
        content = codecs.getincrementaldecoder(options.encoding)().decode(raw[:MAX_FIELD_CHARS], final=not cut)
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        yield Reject(inp.shown, f"line {line}",
                     f"undecodable byte 0x{raw[e.start]:02x} (not {options.encoding}; try --encoding)")
        return
    title, text, date = "", content, None
    if inp.format == "html":
        title, date = _html_metadata(content)
        text = html_to_text(content, document=True)
    else:
        m = _HEADER_DATE.search(content[:2000])
        if m and content[: m.start()].count("\n") < 10:
            date = m.group(1)
            content = content[: m.start()] + content[m.end():]
            text = content
        lines = content.strip().split("\n", 1)
        first = lines[0].strip().lstrip("#").strip()
        if len(lines) > 1 and 0 < len(first) <= 200 and not first.endswith((".", "?", "!", ":", ",")):
            title, text = first, lines[1]
    if date is None:
        m = _DATE_IN_NAME.search(inp.path.name)
        if m:
            date = f"{m[1]}-{m[2]}-{m[3]}"
    if date is None and options.default_date is None:
        yield Reject(inp.shown, "", "no date in the document, its file name (YYYY-MM-DD) or a "
                                    "'Date:' header line; give --default-date YYYY-MM-DD")
        return
    yield "", {"title": title, "text": text, "date": date, "url": ""}


def _html_metadata(html: str) -> tuple[str, Any]:
    from trafilatura import extract_metadata

    try:
        meta = extract_metadata(html)
    except Exception:  # a metadata failure must not lose the document's text
        return "", None
    if meta is None:
        return "", None
    return meta.title or "", meta.date


def _oserror(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


_READERS = {
    "jsonl": _iter_jsonl, "json": _iter_json, "csv": _iter_csv, "parquet": _iter_parquet,
    "feed": _iter_feed, "text": _iter_document, "html": _iter_document,
}


# ---------------------------------------------------------------------------------------------
# record -> Article
# ---------------------------------------------------------------------------------------------

class _FieldMap:
    """Decides, once per file, which key holds each field."""

    def __init__(self, options: ReadOptions, shown: str):
        self.options = options
        self.shown = shown
        self._cache: dict[tuple[str, ...], dict[str, Any]] = {}

    def resolve(self, keys: tuple[str, ...]) -> dict[str, Any]:
        got = self._cache.get(keys)
        if got is not None:
            return got
        lower = {k.lower().strip(): k for k in keys}
        o = self.options

        def pick(override: str | None, names: tuple[str, ...], what: str, multi: bool = False):
            if override is not None:
                key = lower.get(override.lower())
                if key is None:
                    if self._cache:  # the file's first records had it: this record is bad
                        raise RecordError(f"no field {override!r} (given as --{what}-field) "
                                          "in this record")
                    raise UsageError(f"{self.shown}: no field {override!r} for --{what}-field; "
                                     f"fields are {', '.join(keys)}")
                return [key] if multi else key
            found = [lower[n] for n in names if n in lower]
            return found if multi else (found[0] if found else None)

        got = {
            "text": pick(o.text_field, TEXT_FIELDS, "text"),
            "date": pick(o.date_field, DATE_FIELDS, "date", multi=True),
            "title": pick(o.title_field, TITLE_FIELDS, "title"),
            "id": pick(o.id_field, ID_FIELDS, "id"),
            "url": pick(o.url_field, URL_FIELDS, "url"),
            "source": pick(None, SOURCE_FIELDS, "source"),
        }
        self._cache[keys] = got
        return got


def _as_str(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:  # NaN from pandas/parquet
        return ""
    if isinstance(v, (list, tuple)):
        return "\n\n".join(_as_str(x) for x in v)
    if isinstance(v, dict):
        return ""
    return str(v)


def record_to_article(rec: dict[str, Any], fields: dict[str, Any], *, source: str,
                      default_date: dt.date | None = None) -> Article:
    """Turn one raw record into an Article.

    Raises
    ------
    RecordError
        No parsable date, or neither title nor text.
    """
    title = clean_text(_as_str(rec.get(fields["title"])) if fields["title"] else "")
    raw_text = _as_str(rec.get(fields["text"])) if fields["text"] else ""
    text = clean_text(raw_text[:MAX_FIELD_CHARS])
    if not title and not text:
        raise RecordError("neither title nor text" + (
            "" if fields["text"] or fields["title"] else
            f" (no field named {'/'.join(TEXT_FIELDS[:4])} or {'/'.join(TITLE_FIELDS[:2])}; "
            "give --text-field)"))
    date = None
    tried = []
    for key in fields["date"]:
        value = rec.get(key)
        date = parse_date(value)
        if date is not None:
            break
        if value not in (None, ""):
            tried.append(f"{key}={_as_str(value)[:40]!r}")
    if date is None:
        date = default_date
    if date is None:
        if tried:
            raise RecordError(f"no parsable date ({', '.join(tried)})")
        if fields["date"]:
            raise RecordError(f"no date (field {fields['date'][0]!r} is empty)")
        raise RecordError(f"no date field (expected one of {', '.join(DATE_FIELDS[:4])}; "
                          "give --date-field, or --default-date for undated documents)")
    url = _as_str(rec.get(fields["url"])).strip() if fields["url"] else ""
    own_id = rec.get(fields["id"]) if fields["id"] else None
    src = _as_str(rec.get(fields["source"])).strip() if fields["source"] else ""
    art_id = make_id(own_id, url, date, title, text)
    for name, value in (("id", art_id), ("url", url), ("source", src)):
        if _SURROGATE.search(value):
            raise RecordError(f"invalid Unicode (a lone surrogate) in the {name} field")
    return Article(
        id=art_id,
        date=date,
        title=title,
        text=text,
        url=url,
        source=src or source,
        content_hash=content_hash(title, text),
    )


_DOC_FIELDS = {"text": "text", "date": ["date"], "title": "title", "id": None, "url": "url", "source": None}


def iter_articles(paths: Iterable[str | Path], options: ReadOptions | None = None
                  ) -> Iterator[Article | Reject]:
    """Read every input and yield an Article per good record and a Reject per bad one.

    Paths and options are validated before this returns an iterator, so a
    missing file or an unknown format fails at the call site.

    Parameters
    ----------
    paths
        Files or folders. Folders are searched recursively for documents.
    options
        How to read; see :class:`ReadOptions`.
    """
    options = options or ReadOptions()
    inputs = resolve_inputs(paths, options)
    return _generate(inputs, options)


def iter_located(paths: Iterable[str | Path], options: ReadOptions | None = None
                 ) -> Iterator[tuple[Article, str] | Reject]:
    """Like :func:`iter_articles`, but each Article comes as ``(article, "file:line N")``,
    so that a later reject (an id clash found when writing) can name where it came from.
    Paths and options are validated before this returns."""
    options = options or ReadOptions()
    inputs = resolve_inputs(paths, options)
    return _generate(inputs, options, located=True)


def _generate(inputs: list[_Input], options: ReadOptions, located: bool = False
              ) -> Iterator[Article | Reject | tuple[Article, str]]:
    """Records of every input; with ``located``, each Article comes as ``(article, "file:line N")``.

    A file that yields no article at all is reported once, by a Reject with an empty
    location (a whole-file failure) naming the reason and what to pass; its record
    rejects are held back (up to :data:`HOLD_REJECTS`) until its first good record."""
    for inp in inputs:
        reason = _whole_file_problem(inp, options)
        if reason is not None:
            yield Reject(inp.shown, "", reason)
            continue
        fmap = None if inp.format in ("text", "html") else _FieldMap(options, inp.shown)
        good = bad = 0
        held: list[Reject] = []
        first_bad: Reject | None = None
        for item in _READERS[inp.format](inp, options):
            if not isinstance(item, Reject):
                loc, rec = item
                try:
                    fields = _DOC_FIELDS if fmap is None else fmap.resolve(tuple(rec.keys()))
                    article = record_to_article(rec, fields, source=inp.source,
                                                default_date=options.default_date)
                except RecordError as e:
                    item = Reject(inp.shown, loc, e.reason)
                else:
                    if held:
                        yield from held
                        held = []
                    good += 1
                    yield (article, f"{inp.shown}:{loc}" if loc else inp.shown) if located else article
                    continue
            bad += 1
            first_bad = first_bad or item
            if good or item.location == "":
                yield item
            elif len(held) < HOLD_REJECTS:
                held.append(item)
            else:
                yield from held
                held = []
                yield item
        if good:
            continue
        if first_bad is None:
            yield Reject(inp.shown, "", f"no record found in this {inp.format} file; "
                                        + _FORMAT_HINT)
        elif inp.format in ("text", "html"):  # one record per file: its reject is the file's
            if first_bad.location != "":
                yield Reject(inp.shown, "", f"{first_bad.location}: {first_bad.reason}")
        elif first_bad.location != "" or bad > 1:
            yield Reject(inp.shown, "", _no_article_reason(inp, first_bad, bad))


_FORMAT_HINT = "give --input-format if it is in another format"


def _no_article_reason(inp: _Input, first: Reject, bad: int) -> str:
    """The whole-file reason of a file whose every record was rejected."""
    what = "record" if bad == 1 else f"all {bad} records"
    hint = ""
    if first.reason.startswith(("broken JSON", "expected a JSON object", "expected ")):
        hint = f"; is it a {inp.format} file? " + _FORMAT_HINT
    return f"no article: {what} rejected, the first at {first.location or 'the start'}: {first.reason}{hint}"


def _reads_as_text(line: bytes, encoding: str) -> bool:
    """Whether one line of a file's head is text: it decodes, holds 8 or more characters, and
    has no control character but tab (a run of bytes 0-9 decodes, yet is no text)."""
    if len(line.strip()) < 8:
        return False
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(line, final=False)
    except UnicodeDecodeError:
        return False
    return not any(ch != "\t" and unicodedata.category(ch) == "Cc" for ch in text)


def _whole_file_problem(inp: _Input, options: ReadOptions) -> str | None:
    """Why a file cannot hold any article, told from its first bytes: empty, or not text."""
    try:
        with _open_binary(inp) as fh:
            head = fh.read(8192)
    except _READ_ERRORS as e:
        return f"unreadable file: {_oserror(e)}"
    if not head.strip():
        what = "0 bytes" if not head else "only blank space"
        return f"empty file ({what}); nothing to ingest: pass a file holding articles"
    if inp.format == "parquet":
        return None
    wide = options.encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))
    # binary: many NUL bytes, or NULs and not one line of the head that reads as text (a text
    # file with a few damaged lines keeps its good records, reported line by line)
    texty = any(_reads_as_text(line, options.encoding) for line in head.splitlines())
    if b"\x00" in head and not wide and (head.count(0) > len(head) // 20 or not texty):
        kind = "Parquet" if head.startswith(b"PAR1") else "binary data"
        return (f"not text: {kind} (NUL bytes) where {inp.format} text was expected; give --input-format "
                "with the real format (or name the file by it), or --encoding utf-16 for UTF-16 text")
    return None


def parse_default_date(value: str | None) -> dt.date | None:
    """Parse the ``--default-date`` option (strict ISO)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--default-date must be YYYY-MM-DD, got {value!r}") from None


__all__ = ["ReadOptions", "iter_articles", "iter_located", "record_to_article", "resolve_inputs", "parse_default_date",
           "FORMATS", "TEXT_FIELDS", "DATE_FIELDS", "TITLE_FIELDS", "URL_FIELDS", "ID_FIELDS"]
