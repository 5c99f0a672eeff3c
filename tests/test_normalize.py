"""Dates, clean text, content hashes and ids (hypecycle.normalize)."""

from __future__ import annotations

import datetime as dt

import pytest

from hypecycle.normalize import SHORT_TEXT, clean_text, content_hash, make_id, parse_date

D = dt.date(2006, 10, 20)


@pytest.mark.parametrize("value", [
    "2006-10-20",
    "Fri, 20 Oct 2006 18:15:00 GMT",          # RFC 822, as in RSS
    "Fri, 20 Oct 2006 18:15:00 +0000",
    "Fri, 20 Oct 2006 23:15:00 -0500",        # RFC 822 with offset: the date as written
    "Fri Oct 20, 2006 6:15pm EDT",            # Reuters "published"
    "2006-10-20T18:15:00Z",
    "2006-10-20T18:15:00.123+02:00",
    "2006-10-20 18:15:00",
    "20061020",
    "October 20, 2006",
    "Oct. 20, 2006",
    "Friday, October 20, 2006",
    "20 Oct 2006",
    "20-Oct-06",
    "10/20/2006",
    "2006/10/20",
    "  2006-10-20  ",
])
def test_parse_date_common_forms(value):
    assert parse_date(value) == D


@pytest.mark.parametrize("value, expected", [
    ("1-Jan-96", dt.date(1996, 1, 1)),         # NYT front page
    ("31-Dec-06", dt.date(2006, 12, 31)),
    ("Sat, 31 Dec 2005 23:30:00 -1100", dt.date(2005, 12, 31)),  # no shift across the day
    (dt.date(2001, 9, 11), dt.date(2001, 9, 11)),
    (dt.datetime(2001, 9, 11, 23, 59), dt.date(2001, 9, 11)),
])
def test_parse_date_other_values(value, expected):
    assert parse_date(value) == expected


def test_parse_date_pandas_timestamp():
    pd = pytest.importorskip("pandas")
    assert parse_date(pd.Timestamp("2006-10-20 18:00")) == D
    assert parse_date(pd.NaT) is None


@pytest.mark.parametrize("value", [
    None, "", "   ", "garbage", "tbd", "yesterday", "2 days ago", "n/a",
    "2006-13-45", "2006-02-30", "Mon, 32 Oct 2006 10:00:00 GMT",
    "12", "2010", "March", "12:30", "1e400", "v2",      # partial or no date: not guessed
    "x" * 200,
    1161367200,                                          # epoch seconds are not guessed
    20061020, 3.5, True, ["2006-10-20"], {"date": "2006-10-20"},
])
def test_parse_date_garbage_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["3201-10-21", "1799-12-31", "0001-01-01", "1700-01-01"])
def test_parse_date_out_of_range_is_none(value):
    assert parse_date(value) is None


def test_parse_date_future_slack():
    today = dt.date(2026, 11, 27)
    assert parse_date("2026-11-29", today=today) == dt.date(2026, 11, 29)  # within two days
    assert parse_date("2026-12-05", today=today) is None
    assert parse_date(dt.date(2030, 1, 1), today=today) is None
    assert parse_date("1800-01-01", today=today) == dt.date(1800, 1, 1)


# ---------------------------------------------------------------------------------------------
# clean_text
# ---------------------------------------------------------------------------------------------

def test_clean_text_html_fragment():
    out = clean_text("<p>Apple bought a <b>startup</b> for $1 billion.</p><p>Shares &amp; bonds rose.</p>")
    assert "Apple bought a startup for $1 billion." in out
    assert "Shares & bonds rose." in out
    assert "<" not in out and "&amp;" not in out


def test_clean_text_html_with_script_and_body():
    out = clean_text("<html><body><script>var x = 1;</script><div><p>Real text here</p></div></body></html>")
    assert out == "Real text here"


def test_clean_text_leaves_plain_text_with_angle_brackets():
    assert clean_text("profit < 5% and revenue > 2") == "profit < 5% and revenue > 2"


@pytest.mark.parametrize("raw, expected", [
    ("ＡＢＣ Ｃｏｒｐ", "ABC Corp"),                 # full-width letters
    ("ﬁnance and ﬂows", "finance and flows"),       # ligatures
    ("caf\u0065\u0301", "caf\u00e9"),              # combining accent -> composed
    ("H\u2082O \u2460", "H2O 1"),                  # subscripts, circled digits
    ("nul\x00 bell\x07 del\x7f c1\x85 zw\u200bsp bom\ufeff", "nul bell del c1 zwsp bom"),
    ("lone\ud800surrogate", "lonesurrogate"),
    ("  many   spaces\tand\ttabs  ", "many spaces and tabs"),
    ("hard\nwrapped\nline", "hard wrapped line"),
    ("para one\n\npara two", "para one\n\npara two"),
    ("para one\n  \n\n\n  para two\r\n\r\npara three", "para one\n\npara two\n\npara three"),
    ("\u00a0non\u00a0breaking\u2003spaces", "non breaking spaces"),
    ("", ""),
    (None, ""),
    (42, "42"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


# ---------------------------------------------------------------------------------------------
# content_hash and make_id
# ---------------------------------------------------------------------------------------------

LONG = ("Acme Networks said on Tuesday it had raised $40 million in a Series C round led by "
        "Example Ventures, as demand for cloud computing services keeps growing. The company, "
        "founded in 2004, plans to hire 200 engineers and open offices in Europe next year.")


def test_fixture_text_is_long():
    assert len(LONG) >= SHORT_TEXT


@pytest.mark.parametrize("copy", [
    LONG,
    LONG.upper(),
    "  " + LONG.replace(" ", "   ") + "\n",
    LONG.replace(",", "").replace(".", " ").replace("$", ""),
    LONG.replace("said", "said,").replace(" - ", " -- "),
    LONG.replace("'", "\u2019"),
])
def test_content_hash_equal_for_republished_copies(copy):
    # a republished copy may even carry another headline
    assert content_hash("Acme raises $40 million", LONG) == content_hash("ACME RAISES $40M - update", copy)


@pytest.mark.parametrize("other", [
    LONG.replace("$40 million", "$45 million"),
    LONG.replace("Tuesday", "Wednesday"),
    LONG + " It also named a new chief executive.",
    LONG[:-60],
])
def test_content_hash_differs_for_different_stories(other):
    assert content_hash("t", LONG) != content_hash("t", other)


def test_short_texts_include_the_title():
    stub = "Reuters - click for the full story"
    assert len(stub) < SHORT_TEXT
    assert content_hash("Acme raises $40 million", stub) != content_hash("Beta files for bankruptcy", stub)
    assert content_hash("Acme raises $40 million", "") != content_hash("Beta files for bankruptcy", "")
    # the same headline with differing case/punctuation is still the same item
    assert content_hash("Acme raises $40 million", stub) == content_hash("ACME raises 40 million!", stub)


def test_content_hash_is_a_64_bit_unsigned_int():
    h = content_hash("t", LONG)
    assert isinstance(h, int) and 0 <= h < 2 ** 64
    assert content_hash("t", LONG) == h  # deterministic


@pytest.mark.parametrize("own_id, url, expected_prefix", [
    ("abc-1", "https://x.test/a", None),    # own id wins
    (17, "https://x.test/a", None),
    (None, "https://x.test/a", "u"),        # else the url
    ("", "https://x.test/a", "u"),
    ("nan", "https://x.test/a", "u"),
    ("  ", "https://x.test/a", "u"),
    (None, "", "h"),                        # else the content
])
def test_make_id_precedence(own_id, url, expected_prefix):
    got = make_id(own_id, url, D, "title", "text")
    if expected_prefix is None:
        assert got == str(own_id).strip()
    else:
        assert got.startswith(expected_prefix) and len(got) == 21


def test_make_id_stable_and_discriminating():
    assert make_id(None, "https://x.test/a", D, "t", "x") == make_id(None, " https://x.test/a ", D, "u", "y")
    assert make_id(None, "https://x.test/a", D, "t", "x") != make_id(None, "https://x.test/b", D, "t", "x")
    h = make_id(None, "", D, "title", "text")
    assert h == make_id(None, "", D, "title", "text")
    assert h != make_id(None, "", D + dt.timedelta(days=1), "title", "text")
    assert h != make_id(None, "", D, "title 2", "text")
    assert h != make_id(None, "", D, "title", "text 2")
    assert make_id(" own ", "", D, "t", "x") == "own"


@pytest.mark.parametrize("value, expected", [
    ("20. Oktober 2006", D),
    ("le 20 octobre 2006", D),
    ("20 de octubre de 2006", D),
])
def test_parse_date_month_names_in_other_languages(value, expected):
    assert parse_date(value) == expected
