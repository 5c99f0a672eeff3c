"""Malformed input: hypothesis-generated JSON Lines files mixing good and bad records.

Invariants: ingestion never raises; every good record is stored (with its date); the
number of rejects equals the number of bad records, and each reject names its line.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from email.utils import format_datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypecycle.ingest import ReadOptions, iter_articles
from hypecycle.jobs import ingest_files
from hypecycle.schema import Article, Reject

SETTINGS = settings(max_examples=30, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# text of every kind: emoji, RTL, combining marks, full-width, controls, lone surrogates
odd_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),
    max_size=60,
)
plain_words = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40)


def _date_text(d: dt.date, style: int) -> str:
    t = dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=dt.timezone.utc)
    return [
        d.isoformat(),
        format_datetime(t),                                   # RFC 822
        t.strftime("%a %b %d, %Y %I:%M%p EDT"),               # Reuters
        f"{d.day}-{t.strftime('%b')}-{t.strftime('%y')}",     # NYT (two-digit years: 1990-2020 only)
        t.strftime("%B %d, %Y"),
        t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ][style]


@st.composite
def good_record(draw, i: int):
    year_min = 1990 if (style := draw(st.integers(0, 5))) == 3 else 1900
    d = draw(st.dates(min_value=dt.date(year_min, 1, 1), max_value=dt.date(2020, 12, 31)))
    date_key = draw(st.sampled_from(["date", "published", "published_date", "pubDate"]))
    text_key = draw(st.sampled_from(["text", "body", "content"]))
    rec = {"id": f"g{i}", date_key: _date_text(d, style),
           "title": f"Good {i} " + draw(odd_text),
           text_key: f"record g{i} " + draw(st.one_of(odd_text, plain_words))}
    if draw(st.booleans()):
        rec["url"] = f"https://x.test/g{i}"
    if draw(st.booleans()):  # a headline alone is valid
        del rec[text_key]
    return rec, d


BROKEN_JSON = ['{"id": "x", "date": ', "{'single': 'quotes'}", "{,}", "not json at all",
               '{"title": "x"} trailing', "\x00\x01", "[1, 2", "NaN NaN"]
NON_OBJECTS = ["[1, 2, 3]", "42", '"a string"', "null", "true", "[]", '[{"title": "x"}]']
BAD_DATES = ["not a date", "tbd", "2006-13-45", "yesterday", "32/13/2006", "3201-10-21", "1066-10-14",
             "12", "March", "   "]


@st.composite
def bad_line(draw, i: int) -> bytes:
    kind = draw(st.sampled_from(["broken", "broken_gen", "no_date", "bad_date", "empty", "bytes",
                                 "non_object", "bad_date_type"]))
    good = {"id": f"b{i}", "date": "2006-10-20", "title": f"Bad {i}", "text": "some text"}
    if kind == "broken":
        return draw(st.sampled_from(BROKEN_JSON)).encode()
    if kind == "broken_gen":  # an unterminated string: never valid JSON
        return ('{"title": ' + json.dumps(draw(odd_text))[:-1]).encode("utf-8", "surrogatepass")
    if kind == "no_date":
        return json.dumps({"id": f"b{i}", "title": f"Bad {i}", "text": draw(odd_text)}).encode()
    if kind == "bad_date":
        return json.dumps(dict(good, date=draw(st.sampled_from(BAD_DATES)))).encode()
    if kind == "bad_date_type":
        return json.dumps(dict(good, date=draw(st.sampled_from([None, 20061020, 1.5e9, [], {}, True]))
                               )).encode()
    if kind == "empty":
        blank = st.text(alphabet=" \t\n\r\x00\x07\u200b\ufeff\u3000\u00a0", max_size=8)
        return json.dumps(dict(good, title=draw(blank), text=draw(blank))).encode()
    if kind == "bytes":  # a good record but for one byte that is not UTF-8
        raw = json.dumps(good).encode()
        cut = draw(st.integers(1, len(raw) - 1))
        return raw[:cut] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe9", b"\x80", b"\xed\xa0\x80"])) + raw[cut:]
    return draw(st.sampled_from(NON_OBJECTS)).encode()


@st.composite
def corpus(draw):
    n = draw(st.integers(0, 12))
    lines: list[bytes] = []
    good: dict[str, dt.date] = {}
    bad_lines: set[int] = set()
    for i in range(n):
        if draw(st.booleans()):
            rec, d = draw(good_record(i))
            lines.append(json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
                         if not _has_surrogate(rec) else json.dumps(rec).encode())
            good[rec["id"]] = d
        else:
            lines.append(draw(bad_line(i)))
            bad_lines.add(len(lines))
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from([b"", b"   ", b"\t"])))  # blank lines are skipped
    crlf = draw(st.booleans())
    data = (b"\r\n" if crlf else b"\n").join(lines) + (b"\n" if draw(st.booleans()) else b"")
    return data, good, bad_lines


def _has_surrogate(rec: dict) -> bool:
    return any(isinstance(v, str) and any("\ud800" <= c <= "\udfff" for c in v) for v in rec.values())


def _check(items, good, bad_lines, shown):
    arts = [a for a in items if isinstance(a, Article)]
    rejects = [r for r in items if isinstance(r, Reject)]
    assert {a.id: a.date for a in arts} == good
    if not good:  # a file without any good record is reported once, at the file level
        assert len(rejects) == 1 and rejects[0].location == "" and rejects[0].source == shown, rejects
        assert rejects[0].reason.startswith(("no article", "no record", "empty file", "not text")), rejects[0].reason
        return
    assert len(rejects) == len(bad_lines), [str(r) for r in rejects]
    assert {r.location for r in rejects} == {f"line {n}" for n in bad_lines}
    assert all(r.source == shown and r.reason for r in rejects)


@SETTINGS
@given(case=corpus())
def test_reader_keeps_every_good_record(case):
    data, good, bad_lines = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.jsonl"
        path.write_bytes(data)
        _check(list(iter_articles([str(path)], ReadOptions())), good, bad_lines, str(path))


@SETTINGS
@given(case=corpus(), batch_size=st.integers(1, 5))
def test_ingest_never_raises_and_stores_every_good_record(store_rows, case, batch_size):
    data, good, bad_lines = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.jsonl"
        path.write_bytes(data)
        store = Path(tmp) / "s.duckdb"
        rejects_file = Path(tmp) / "rejects.jsonl"
        summary = ingest_files([str(path)], store, extract=False, batch_size=batch_size,
                               rejects_path=rejects_file)
        if not good:  # one whole-file reject instead of one per record
            assert summary.read == summary.rejected == 1 and summary.ingested == 0
            assert [r[0] for r in store_rows(store, "SELECT location FROM rejects")] == [""]
            return
        assert summary.read == len(good) + len(bad_lines)
        assert summary.ingested == len(good) and summary.duplicates == 0
        assert summary.rejected == len(bad_lines)
        assert dict(store_rows(store, "SELECT id, date FROM articles")) == good
        written = [json.loads(line) for line in rejects_file.read_text(encoding="utf-8").splitlines()]
        assert sorted(r["location"] for r in written) == sorted(f"line {n}" for n in bad_lines)
        assert all(r["file"] == str(path) and r["reason"] for r in written)
        assert store_rows(store, "SELECT count(*) FROM rejects") == [(len(bad_lines),)]


def test_huge_and_odd_records(tmp_path, store_rows):
    huge = "word " * 400_000                       # 2 MB of text in one field
    recs = [
        {"id": "huge", "date": "2006-10-20", "title": "Huge", "text": huge},
        {"id": "odd", "date": "2006-10-20", "title": "\u202eRTL \U0001F600 e\u0301 ＡＢＣ \ufdfa",
         "text": "\ud800 lone surrogate and \x00 nul"},
        {"id": "deep", "date": "2006-10-20", "title": "Deep", "text": {"nested": [1, {"x": 2}]}},
        {"id": "listtitle", "date": "2006-10-20", "title": ["a", "b"], "text": "x"},
        {"id": "numbers", "date": "2006-10-20", "title": 3.14, "text": 42},
    ]
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n" + "[" * 100_000 + "\n"
                    + '{"id": "after", "date": "2006-10-20", "title": "After the deep nesting"}\n')
    summary = ingest_files([str(path)], tmp_path / "s.duckdb", extract=False)
    assert summary.rejected == 1 and summary.ingested == 6
    rows = dict(store_rows(tmp_path / "s.duckdb", "SELECT id, text FROM articles"))
    assert len(rows["huge"]) == len(huge.strip())
    assert "\ud800" not in rows["odd"] and "\x00" not in rows["odd"]
