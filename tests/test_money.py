"""Money parsing and currency conversion (hypecycle.extract.money)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hypecycle.extract.money import fx_table, money_parser, parse_money


@pytest.mark.parametrize(
    "text,amount,currency",
    [
        ("$1.5 billion", 1.5e9, "USD"),
        ("$1.2bn", 1.2e9, "USD"),
        ("€25 million", 25e6, "EUR"),
        ("12 million dollars", 12e6, "USD"),
        ("£4m", 4e6, "GBP"),
        ("USD 400 million", 400e6, "USD"),
        ("$500K", 500e3, "USD"),
        ("1.5 billion yuan", 1.5e9, "CNY"),
        ("Rs 300 crore", 3e9, "INR"),
        ("5 bln euros", 5e9, "EUR"),
        ("HK$2.1 bln", 2.1e9, "HKD"),
        ("C$40 million", 40e6, "CAD"),
        ("A$12m", 12e6, "AUD"),
        ("3.5 million Canadian dollars", 3.5e6, "CAD"),
        ("1.5 trillion won", 1.5e12, "KRW"),
        ("$1.65 billion", 1.65e9, "USD"),
        ("¥2 billion", 2e9, "JPY"),
        ("T$14.1 billion", 14.1e9, "TWD"),
        ("NT$5 billion", 5e9, "TWD"),
        ("10 billion roubles", 10e9, "RUB"),
        ("2 billion Norwegian crowns", 2e9, "NOK"),
        ("3 billion crowns", 3e9, "SEK"),
        ("RM1.2 billion", 1.2e9, "MYR"),
        ("500 million rand", 500e6, "ZAR"),
        ("8 billion Mexican pesos", 8e9, "MXN"),
        ("a 9.9 billion-pound bid", 9.9e9, "GBP"),
        ("a 72-billion-euro bid", 72e9, "EUR"),
        ("a 10-million-dollar round", 10e6, "USD"),
    ],
)
def test_parse_money(text: str, amount: float, currency: str) -> None:
    m = parse_money(f"It raised {text} on Monday.")
    assert m is not None
    assert m.amount == amount
    assert m.currency == currency


@pytest.mark.parametrize("text", ["He won 5 games.", "The usd 40 thing", "Sales rose 12 percent.", "", "in 2009",
                                  "He paid 500 rand.", "PHP 7 is out."])
def test_no_money(text: str) -> None:
    assert parse_money(text) is None


def test_per_unit_price_is_flagged() -> None:
    m = parse_money("priced at $12 a share")
    assert m is not None and m.per_unit


@pytest.mark.parametrize("text,flags", [
    ("raised its bid to 1,700 yen ($14.31) per share", [True, True]),  # a conversion between price and unit
    ("the 1,700 yen-per-share offer", [True]),
    ("a $3.5 billion ($45 a share) deal", [False, True]),  # the unit is the conversion's, not the deal's
    ("for $2 billion (1.5 billion euros), it said", [False, False]),
])
def test_a_price_is_flagged_across_a_conversion_and_a_hyphen(text: str, flags: list[bool]) -> None:
    assert [m.per_unit for m in money_parser().find(text)] == flags


def test_two_amounts_in_order() -> None:
    found = money_parser().find("raised $1.5 billion at a $13 billion valuation")
    assert [m.amount for m in found] == [1.5e9, 13e9]


@pytest.mark.parametrize("cur", ["EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "KRW", "SEK", "HKD",
                                 "SGD", "ILS", "BRL"])
@pytest.mark.parametrize("year", [1995, 1999, 2008, 2026])
def test_fx_table_covers_currencies(cur: str, year: int) -> None:
    rate = fx_table().rate(cur, year)
    assert rate is not None and rate > 0


def test_fx_conversion() -> None:
    fx = fx_table()
    assert fx.to_usd(100.0, "USD", 2010) == 100.0
    assert fx.to_usd(None, "EUR", 2010) is None
    assert fx.to_usd(1.0, "XXX", 2010) is None
    eur = fx.to_usd(1e6, "EUR", 2008)
    assert eur is not None and 1.3e6 < eur < 1.6e6
    assert fx.rate("EUR", 1980) == fx.rate("EUR", 1995)  # nearest year


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_find_never_raises(text: str) -> None:
    for m in money_parser().find(text):
        assert m.amount >= 0
        assert 0 <= m.start < m.end <= len(text)


def test_the_bracket_test_opens_for_every_amount_the_parser_reads_in_brackets() -> None:
    """``bracketed`` is the story's cheap test for a bracketed conversion: it must never be
    narrower than the parser, whatever symbols or names money.json lists."""
    mp = money_parser()
    cases = [f"({sym}{gap}5 billion)" for sym in mp.symbols for gap in ("", " ")]
    cases += [f"(about 5 billion {name})" for name in mp.names] + ["($.5 billion)", "( $ 2.44 billion )"]
    read = [c for c in cases if mp.find(c)]
    assert len(read) > len(mp.symbols)
    assert [c for c in read if mp.bracketed.search(c) is None] == []
    assert mp.bracketed.search("(Reuters)") is None and mp.bracketed.search("(Sarah Lee)") is None
