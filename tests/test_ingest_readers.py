"""Every reader on small files written into tmp_path (hypecycle.ingest)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from hypecycle.errors import UsageError
from hypecycle.ingest import ReadOptions, iter_articles, resolve_inputs
from hypecycle.schema import Article, Reject

RECORDS = [
    {"id": "a1", "date": "2006-10-20", "title": "Acme raises $40 million",
     "text": "Acme Networks said on Friday it raised $40 million, led by Example Ventures; "
             "it plans to hire 200 engineers.",
     "url": "https://news.example.com/acme"},
    {"id": "a2", "date": "2007-03-05", "title": "Beta files for bankruptcy in Zürich",
     "text": "Beta Corp, a café chain, filed for bankruptcy protection on Monday, \"citing debt\".",
     "url": "https://news.example.com/beta"},
    {"id": "a3", "date": "2008-12-31", "title": "Gamma cuts 500 jobs",
     "text": "Gamma Inc said it would cut 500 jobs as orders for network gear fell.",
     "url": "https://news.example.com/gamma"},
]
DATES = {"a1": dt.date(2006, 10, 20), "a2": dt.date(2007, 3, 5), "a3": dt.date(2008, 12, 31)}


def read(paths, **options) -> tuple[list[Article], list[Reject]]:
    items = list(iter_articles([str(p) for p in (paths if isinstance(paths, list) else [paths])],
                               ReadOptions(**options)))
    return ([a for a in items if isinstance(a, Article)], [r for r in items if isinstance(r, Reject)])


def check_records(arts, *, ids=True):
    assert len(arts) == len(RECORDS)
    by_title = {a.title: a for a in arts}
    for r in RECORDS:
        a = by_title[r["title"]]
        if ids:
            assert a.id == r["id"]
        assert a.date == DATES[r["id"]]
        assert a.text == r["text"]
        assert a.url == r["url"]
        assert a.content_hash != 0


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("name", ["c.jsonl", "c.ndjson", "c.json", "c.csv", "c.tsv", "c.parquet"])
def test_structured_readers(make_corpus, name, gz):
    path = make_corpus(name + (".gz" if gz else ""), RECORDS)
    arts, rejects = read(path)
    assert rejects == []
    check_records(arts)
    assert {a.source for a in arts} == {path.parent.name}  # no source field: the folder name


def test_gzip_detected_by_magic_bytes(make_corpus, tmp_path):
    path = make_corpus("c.jsonl.gz", RECORDS)
    renamed = tmp_path / "renamed.jsonl"
    path.rename(renamed)
    arts, rejects = read(renamed)
    assert rejects == [] and len(arts) == 3


def test_json_single_object_and_lines(make_corpus, tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(RECORDS[0]))
    arts, rejects = read(one)
    assert [a.id for a in arts] == ["a1"] and rejects == []
    lines = tmp_path / "lines.json"
    lines.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    arts, rejects = read(lines)
    assert [a.id for a in arts] == ["a1", "a2", "a3"] and rejects == []


def test_json_array_with_non_objects(tmp_path):
    p = tmp_path / "mixed.json"
    p.write_text(json.dumps([RECORDS[0], 42, "x", RECORDS[1]]))
    arts, rejects = read(p)
    assert [a.id for a in arts] == ["a1", "a2"]
    assert [(r.location, "expected a JSON object" in r.reason) for r in rejects] == [
        ("record 2", True), ("record 3", True)]


def test_semicolon_csv_is_sniffed(make_corpus):
    path = make_corpus("semi.csv", RECORDS, delimiter=";")
    arts, rejects = read(path)
    assert rejects == []
    check_records(arts)


@pytest.mark.parametrize("delimiter", [";", "|", "tab", "\\t"])
def test_delimiter_option(make_corpus, delimiter):
    char = "\t" if delimiter in ("tab", "\\t") else delimiter
    path = make_corpus("d.csv", RECORDS, delimiter=char)
    arts, rejects = read(path, delimiter=delimiter)
    assert rejects == []
    check_records(arts)


def test_wrong_delimiter_rejects_rows_not_the_run(make_corpus):
    path = make_corpus("semi.csv", RECORDS, delimiter=";")
    arts, rejects = read(path, delimiter="|")
    assert arts == []  # one column only: no text, title or date field
    # reported once for the file, not once per row, with what to pass
    assert len(rejects) == 1 and rejects[0].location == ""
    assert "no date column" in rejects[0].reason and "--delimiter" in rejects[0].reason


@pytest.mark.parametrize("name", ["latin.csv", "latin.jsonl", "latin.csv.gz", "latin.jsonl.gz"])
def test_latin1_with_encoding(make_corpus, name):
    path = make_corpus(name, RECORDS, encoding="latin-1")
    arts, rejects = read(path, encoding="latin-1")
    assert rejects == []
    check_records(arts)
    # without --encoding the record holding ü/é is rejected, naming its line and the fix
    arts, rejects = read(path)
    assert [a.id for a in arts] == ["a1", "a3"]
    assert len(rejects) == 1
    assert rejects[0].location == ("line 3" if ".csv" in name else "line 2")
    assert "--encoding" in rejects[0].reason


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("name", ["feed.rss", "feed.xml", "feed.atom"])
def test_feeds(make_corpus, name, gz):
    records = [dict(r, date=dt.datetime.fromisoformat(r["date"] + "T18:15:00+00:00")) for r in RECORDS]
    path = make_corpus(name + (".gz" if gz else ""), records)
    arts, rejects = read(path)
    assert rejects == []
    check_records(arts)
    assert {a.source for a in arts} == {"Test Atom" if "atom" in name else "Test Feed"}


def test_feed_html_description_becomes_clean_text(tmp_path, render_rss):
    
    rec = {"id": "h1", "title": "Acme raises $40 million", "url": "https://x.test/h1",
           "date": dt.datetime(2006, 10, 20, 18, 15, tzinfo=dt.timezone.utc),
           "text": "<p>Acme Networks <b>raised</b> $40 million.</p><p>It will hire &amp; grow.</p>"}
    p = tmp_path / "h.rss"
    p.write_text(render_rss([rec]))
    arts, rejects = read(p)
    assert rejects == []
    assert "Acme Networks raised $40 million." in arts[0].text
    assert "It will hire & grow." in arts[0].text
    assert "<" not in arts[0].text


def test_feed_rfc822_date_with_offset(tmp_path):
    p = tmp_path / "f.rss"
    p.write_text(render_rss_raw("Fri, 20 Oct 2006 23:15:00 -0500"))
    arts, rejects = read(p)
    assert rejects == []
    assert arts[0].date == dt.date(2006, 10, 20)  # as written, not shifted to UTC
    assert arts[0].title == "Headline only" and arts[0].text == ""  # a headline alone is valid


def render_rss_raw(pubdate: str) -> str:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
            f"<item><title>Headline only</title><pubDate>{pubdate}</pubDate></item></channel></rss>")


def test_not_a_feed_is_one_reject(tmp_path):
    p = tmp_path / "broken.xml"
    p.write_text("this is not xml at all")
    arts, rejects = read(p)
    assert arts == [] and len(rejects) == 1 and rejects[0].source == str(p)


# ---------------------------------------------------------------------------------------------
# documents
# ---------------------------------------------------------------------------------------------

HTML_PAGE = """<html><head><title>Gamma cuts 500 jobs</title>
<meta property="article:published_time" content="2008-12-31T10:00:00Z"></head>
<body><nav>Home | Markets | About</nav><article><h1>Gamma cuts 500 jobs</h1>
<p>Gamma Inc said on Wednesday it would cut 500 jobs as orders for its network gear fell
sharply in the fourth quarter, the latest telecom supplier to shed staff this year.</p>
<p>The company expects revenue to fall further next year.</p></article>
<footer>Copyright 2008 Example News</footer></body></html>"""


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_document_folder(make_documents, gz):
    z = ".gz" if gz else ""
    folder = make_documents("docs", {
        f"2006-10-20_acme.txt{z}": "Acme raises $40 million\nAcme Networks raised $40 million on Friday.\n",
        f"notes/beta.md{z}": "# Beta files for bankruptcy\nDate: 2007-03-05\n\nBeta Corp filed on Monday.\n",
        f"gamma.html{z}": HTML_PAGE,
        f"undated.txt{z}": "Just a paragraph of text without a date, a title or anything else.",
        ".hidden.txt": "ignored",
        "data.csv": "ignored,too\n",
    })
    arts, rejects = read(folder)
    by_title = {a.title: a for a in arts}
    assert set(by_title) == {"Acme raises $40 million", "Beta files for bankruptcy", "Gamma cuts 500 jobs"}
    assert by_title["Acme raises $40 million"].date == dt.date(2006, 10, 20)
    assert by_title["Acme raises $40 million"].text == "Acme Networks raised $40 million on Friday."
    assert by_title["Beta files for bankruptcy"].date == dt.date(2007, 3, 5)
    assert by_title["Beta files for bankruptcy"].text == "Beta Corp filed on Monday."
    gamma = by_title["Gamma cuts 500 jobs"]
    assert gamma.date == dt.date(2008, 12, 31)
    assert "cut 500 jobs" in gamma.text and "<" not in gamma.text
    assert "Copyright" not in gamma.text and "Markets" not in gamma.text
    assert {a.source for a in arts} == {"docs"}
    assert len({a.id for a in arts}) == 3
    rejects = sorted(rejects, key=lambda r: r.source)
    assert len(rejects) == 2 and rejects[1].source.endswith(f"undated.txt{z}")
    assert rejects[0].source.endswith("data.csv") and "no date column" in rejects[0].reason
    assert "--default-date" in rejects[0].reason

    arts, rejects = read(folder, default_date=dt.date(2026, 11, 27))
    assert [(Path(r.source).name, r.location) for r in rejects] == [("data.csv", "")]  # a header, no row
    assert "no record found" in rejects[0].reason and len(arts) == 4
    undated = [a for a in arts if a.date == dt.date(2026, 11, 27)]
    assert len(undated) == 1 and undated[0].title == ""
    assert undated[0].text.startswith("Just a paragraph")
    # the dates a document carries win over the default
    assert {a.date for a in arts} >= {dt.date(2006, 10, 20), dt.date(2007, 3, 5), dt.date(2008, 12, 31)}


def test_single_document_and_ids_are_stable(make_documents):
    folder = make_documents("one", {"20061020-story.txt": "Headline here\nBody text."})
    a1, _ = read(folder / "20061020-story.txt")
    a2, _ = read(folder)
    assert a1[0].id == a2[0].id and a1[0].id.startswith("h")
    assert a1[0].date == dt.date(2006, 10, 20)


def test_undecodable_document(make_documents):
    folder = make_documents("bad", {"2006-10-20.txt": b"line one\nline two caf\xe9\n"})
    arts, rejects = read(folder)
    # one document, one record: reported as the file's failure, naming the line
    assert arts == [] and rejects[0].location == "" and rejects[0].reason.startswith("line 2: ")
    assert "--encoding" in rejects[0].reason
    arts, rejects = read(folder, encoding="latin-1")
    assert rejects == [] and arts[0].text.endswith("café")


# ---------------------------------------------------------------------------------------------
# field recognition and overrides
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text_key", ["text", "body", "content", "texts", "Text", "BODY"])
@pytest.mark.parametrize("date_key", ["date", "published", "published_date", "pubDate", "PUBDATE"])
def test_field_names_recognised(make_corpus, text_key, date_key):
    rec = {"headline": "Acme raises money", text_key: "Acme raised money.", date_key: "2006-10-20",
           "link": "https://x.test/1", "source": "Wire"}
    arts, rejects = read(make_corpus("f.jsonl", [rec]))
    assert rejects == []
    (a,) = arts
    assert (a.title, a.text, a.date, a.url, a.source) == (
        "Acme raises money", "Acme raised money.", dt.date(2006, 10, 20), "https://x.test/1", "Wire")
    assert a.id.startswith("u")  # no own id: hash of the url


def test_date_fields_fall_back_in_order(make_corpus):
    rec = {"title": "t", "text": "x", "date": "not a date", "published": "Fri Oct 20, 2006 6:15pm EDT"}
    arts, rejects = read(make_corpus("f.jsonl", [rec]))
    assert rejects == [] and arts[0].date == dt.date(2006, 10, 20)


def test_texts_list_is_joined(make_corpus):
    rec = {"texts": ["First paragraph.", "Second paragraph."], "date": "2006-10-20"}
    arts, _ = read(make_corpus("f.jsonl", [rec]))
    assert arts[0].text == "First paragraph.\n\nSecond paragraph."


def test_overrides(make_corpus):
    rec = {"story": "Acme raised money.", "when": "20 Oct 2006", "heading_x": "Acme",
           "key": "K-1", "where": "https://x.test/k1", "text": "not this", "date": "1999-01-01"}
    path = make_corpus("o.csv", [rec])
    arts, rejects = read(path, text_field="story", date_field="when", title_field="heading_x",
                         id_field="key", url_field="where")
    assert rejects == []
    (a,) = arts
    assert (a.id, a.title, a.text, a.date, a.url) == (
        "K-1", "Acme", "Acme raised money.", dt.date(2006, 10, 20), "https://x.test/k1")


def test_override_is_case_insensitive(make_corpus):
    rec = {"Title": "t", "Raw_Summary": "the summary", "pubDate": "Fri, 20 Oct 2006 18:15:00 GMT"}
    arts, rejects = read(make_corpus("o.jsonl", [rec]), text_field="raw_summary", date_field="PUBDATE")
    assert rejects == [] and arts[0].text == "the summary" and arts[0].date == dt.date(2006, 10, 20)


def test_source_option(make_corpus):
    arts, _ = read(make_corpus("c.jsonl", RECORDS), source="mywire")
    assert {a.source for a in arts} == {"mywire"}


@pytest.mark.parametrize("name", ["u.jsonl", "u.csv"])
def test_unknown_override_field_is_usage_error(make_corpus, name):
    path = make_corpus(name, RECORDS)
    with pytest.raises(UsageError, match="no field 'nosuch'") as e:
        read(path, text_field="nosuch")
    assert str(path) in str(e.value) and "title" in str(e.value)  # lists the fields there are


def test_override_field_missing_in_a_later_record_rejects_it(make_corpus):
    recs = [{"title": "one", "summary2": "s1", "date": "2006-10-20"},
            {"title": "two", "date": "2006-10-21"},
            {"title": "three", "summary2": "s3", "date": "2006-10-22"}]
    arts, rejects = read(make_corpus("m.jsonl", recs), text_field="summary2")
    assert [a.title for a in arts] == ["one", "three"]
    assert [r.location for r in rejects] == ["line 2"]


def test_missing_path_is_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        iter_articles([str(tmp_path / "nope.jsonl")])  # before the first record


def test_unknown_extension_is_usage_error(tmp_path):
    p = tmp_path / "corpus.docx"
    p.write_text("x")
    with pytest.raises(UsageError, match="--input-format") as e:
        iter_articles([str(p)])
    assert e.value.exit_code == 2


def test_format_option_reads_any_name(make_corpus, tmp_path):
    p = make_corpus("c.jsonl", RECORDS).rename(tmp_path / "corpus.dat")
    arts, rejects = read(p, format="jsonl")
    assert rejects == [] and len(arts) == 3


@pytest.mark.parametrize("options, match", [
    ({"format": "docx"}, "--input-format"),
    ({"encoding": "no-such-codec"}, "--encoding"),
    ({"delimiter": ";;"}, "--delimiter"),
])
def test_bad_options_are_usage_errors(options, match):
    with pytest.raises(UsageError, match=match):
        ReadOptions(**options)


def test_empty_folder_and_no_paths(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no file of a supported type"):
        resolve_inputs([tmp_path / "empty"])
    with pytest.raises(UsageError):
        resolve_inputs([])


def test_truncated_gzip_keeps_records_before_the_damage(make_corpus, tmp_path):
    recs = [dict(RECORDS[0], id=f"t{i}", url=f"https://x.test/{i}") for i in range(2000)]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in recs).encode())
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    arts, rejects = read(p)
    assert 0 < len(arts) < 2000
    assert len(rejects) == 1 and "unreadable file" in rejects[0].reason
    assert rejects[0].location == f"line {len(arts) + 1}"
