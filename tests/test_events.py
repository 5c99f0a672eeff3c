"""Event rules on single sentences (hypecycle.extract), built on spacy.blank("en")."""

from __future__ import annotations

import datetime as dt

import pytest

from hypecycle.extract import Extractor
from hypecycle.extract.companies import normalise_company
from hypecycle.schema import Article


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor(model="blank")


def events(ex: Extractor, text: str, title: str = "", year: int = 2014):
    return ex.extract(Article("t", dt.date(year, 6, 1), title, text)).events


@pytest.mark.parametrize(
    "text,type_,company,fields",
    [
        ("Quillmark Inc. raised $30 million in a Series B round led by Harbour Lane Capital.",
         "funding", "Quillmark", {"round": "series_b", "amount": 30e6, "investors": ("Harbour Lane Capital",)}),
        ("Tessaro, a Denver maker of payment terminals, has raised €25 million from Otterbrook Ventures.",
         "funding", "Tessaro", {"amount": 25e6, "currency": "EUR"}),
        ("Brandvale agreed to acquire Tessaro for $1.2bn in cash.",
         "acquisition", "Tessaro", {"acquirer": "Brandvale", "amount": 1.2e9, "status": "announced"}),
        ("Tessaro was acquired by Brandvale for £4m.",
         "acquisition", "Tessaro", {"acquirer": "Brandvale", "currency": "GBP", "status": "completed"}),
        ("Lumora Lighting filed for Chapter 11 bankruptcy protection on Friday.",
         "bankruptcy", "Lumora Lighting", {"status": "filed"}),
        ("Plumway, a food-delivery app, said it has ceased operations.", "shutdown", "Plumway", {}),
        ("Kestrel Systems said it would cut 1,200 jobs.", "layoff", "Kestrel Systems", {"count": 1200}),
        ("Cindrel Networks plans to raise about $400 million in an initial public offering.",
         "ipo", "Cindrel Networks", {"amount": 400e6, "status": "planned"}),
        ("Harbour Lane Capital invested $12 million in Zentrix, a robotics startup.",
         "funding", "Zentrix", {"investors": ("Harbour Lane Capital",)}),
    ],
)
def test_positive(ex: Extractor, text: str, type_: str, company: str, fields: dict) -> None:
    found = [e for e in events(ex, text) if e.type == type_]
    assert [normalise_company(e.company) for e in found] == [normalise_company(company)], found
    for k, v in fields.items():
        assert getattr(found[0], k) == v, (k, found[0])


@pytest.mark.parametrize(
    "text",
    [
        "Startups raised $20 billion in the quarter, according to a survey.",
        "Venture funding fell 20 percent last year.",
        "Pinefield Partners closed a $400 million fund.",
        "The economy shed 200,000 jobs last month.",
        "U.S. employers cut 45,000 jobs in May.",
        "Orbisol denied it was in talks to be acquired by Kettering Group.",
        "Orbisol's revenue rose to $80 million.",
        "The market will reach $50 billion by 2020.",
        "Shares of Orbisol rose 5 percent on Monday.",
        "Kettering won a $300 million government contract.",
        "Orbisol sold a 10 percent stake in Lantern to Kettering.",
        "Microsoft will invest $10 billion in new data centers.",
        "The company had raised $4 million from angel investors in 2009.",
    ],
)
def test_negative(ex: Extractor, text: str) -> None:
    assert events(ex, text) == ()


def test_valuation_in_next_sentence(ex: Extractor) -> None:
    (e,) = events(ex, "Quillmark raised $30 million in a Series B round. The round values the company at $210 million.")
    assert e.valuation == 210e6


def test_the_company_refers_back(ex: Extractor) -> None:
    evs = events(ex, "Lumora Lighting filed for bankruptcy on Friday. The company said it would cut 300 jobs.")
    assert {(e.type, e.company) for e in evs} == {("bankruptcy", "Lumora Lighting"), ("layoff", "Lumora Lighting")}


def test_two_events_in_one_sentence(ex: Extractor) -> None:
    evs = events(ex, "Brandvale agreed to buy Tessaro for $1.2 billion and said it would cut 500 jobs.")
    assert {e.type for e in evs} == {"acquisition", "layoff"}


def test_headline_and_body_merge(ex: Extractor) -> None:
    evs = events(ex, "Brandvale Corp agreed to buy Tessaro Inc for $1.2 billion.", title="Brandvale to buy Tessaro")
    assert len(evs) == 1 and evs[0].acquirer == "Brandvale Corp"


def test_amount_usd_uses_year(ex: Extractor) -> None:
    (e,) = events(ex, "Tessaro has raised €25 million in a Series A round.", year=2008)
    assert e.amount_usd is not None and 30e6 < e.amount_usd < 40e6


# -- rules for real news: one case (our own sentences) per rule -------------------------------
@pytest.mark.parametrize(
    "rule,text,title",
    [
        ("hedge: modal before the trigger",
         "Quillmark's chairman said the firm would have to go public at some point.", ""),
        ("hedge: conditional", "Orbisol said if the buyout offer fails, the company will consider layoffs.", ""),
        ("background: sentence-initial adverbial",
         "Earlier this month, Orbisol closed a sale that raised $785 million.", ""),
        ("background: 'last <month>'", "Last August Kettering bought Zentrix, a news app.", ""),
        ("background: calendar date in a past clause",
         "Lumora Lighting filed for Chapter 11 protection on June 22.", ""),
        ("background: attributive participle",
         "Kettering plans changes at its recently acquired Zentrix unit.", ""),
        ("trigger inside a proper name",
         "Data came from the National Venture Capital Association and others.", ""),
        ("look-alike: public share sale before the trigger",
         "Kettering priced an offering of 10 million common shares, raising $300 million.", ""),
        ("look-alike: DIP financing",
         "Lumora also arranged a $50 million debtor-in-possession financing from Vale Bank.", ""),
        ("name: hyphenated modifier", "Merger-related job cuts fell 20 percent in the first half.", ""),
        ("name: generic plural head", "Software companies raked in $2 billion in the quarter.", ""),
        ("name: coordination under a preposition",
         "The airline, which flew from Boston to Denver and Las Cruces, said it would file for bankruptcy.", ""),
        ("name: ticker token is not a name", "", "ORBI.UL files for IPO"),
    ],
)
def test_real_news_rules_negative(ex: Extractor, rule: str, text: str, title: str) -> None:
    evs = events(ex, text, title=title)
    bad = [e for e in evs if e.company not in ("Lumora", "Lumora Lighting", "The airline")]
    if rule.startswith("name: coordination"):
        bad = [e for e in evs if "Cruces" in e.company or "Denver" in e.company]
    assert not bad, (rule, evs)


@pytest.mark.parametrize(
    "rule,text,title,expect",
    [
        ("hedge adds fields to a reported event",
         "Orbisol said on Monday it plans an initial public offering. Orbisol's IPO could raise about $600 million.",
         "", ("ipo", "Orbisol", {"amount": 600e6})),
        ("alias: initials", "Electronic Arts will cut 1,000 jobs. EA said most of the job cuts will be done by Mar 31.",
         "", ("layoff", "Electronic Arts", {"count": 1000})),
        ("alias: trailing words", "Grupo Lala plans an initial public offering. Lala plans to list its shares in Mexico.",
         "", ("ipo", "Grupo Lala", {})),
        ("alias: headline form mapped to the body's first form",
         "Roark Capital has agreed to acquire CKE Inc, the parent of two burger chains.",
         "Roark Capital to buy CKE Restaurants", ("acquisition", "CKE Inc", {"acquirer": "Roark Capital"})),
        ("legal suffix ends a name", "KKR & Co. LP filed with regulators on Tuesday to raise up to $1.25 billion in an "
         "initial public offering.", "", ("ipo", "KKR & Co. LP", {"status": "filed", "amount": 1.25e9})),
        ("conversion in parentheses is not the amount",
         "LifeLabs said it was acquiring CML HealthCare in a deal valued at about C$965 million ($917 million).",
         "", ("acquisition", "CML HealthCare", {"amount": 965e6, "currency": "CAD"})),
        ("valuation verb with hyphenated object",
         "Thiel is in talks to invest $150 million in Airbnb in a round that would value the lodging start-up at "
         "$2.5 billion, people familiar said.", "", ("funding", "Airbnb", {"valuation": 2.5e9, "status": "talks"})),
        ("total to date is not the amount",
         "Tessaro raised $40 million from Brandvale. The deal takes the total funding Tessaro has secured to "
         "$72 million.", "", ("funding", "Tessaro", {"amount": 40e6})),
        ("sourced layoff is planned",
         "Kestrel Systems plans to lay off more than 600 employees, two sources familiar with the matter said.",
         "", ("layoff", "Kestrel Systems", {"status": "planned", "count": 600})),
        ("investors: descriptors after 'and', holder nouns",
         "Pinewood raised $9 million from Harbour Lane Capital and two previous investors, Alder Ventures and "
         "Foundry Fund. Kettering was joined in the investment by existing Pinewood shareholders Gale Partners.",
         "", ("funding", "Pinewood", {"investors": ("Harbour Lane Capital", "Alder Ventures", "Foundry Fund",
                                                   "Kettering", "Gale Partners")})),
        ("investors: follow-up 'also participated'",
         "Heliodyne raised $40 million in a Series C round led by Greenfield Partners. Existing investors "
         "Bayline Capital and Ridgeway Partners also participated.", "",
         ("funding", "Heliodyne", {"investors": ("Greenfield Partners", "Bayline Capital", "Ridgeway Partners")})),
        ("investors: person's surname merged", "Peter Thiel invested $5 million in Zentrix, a robotics startup. "
         "Thiel also led the round.", "", ("funding", "Zentrix", {"investors": ("Peter Thiel",)})),
        ("names: generic word inside a name", "Pinewood raised $9 million from Amberley Investments.", "",
         ("funding", "Pinewood", {"investors": ("Amberley Investments",)})),
    ],
)
def test_real_news_rules_positive(ex: Extractor, rule: str, text: str, title: str, expect: tuple) -> None:
    typ, company, fields = expect
    found = [e for e in events(ex, text, title=title) if e.type == typ]
    assert [e.company for e in found] == [company], (rule, found)
    for k, v in fields.items():
        assert getattr(found[0], k) == v, (rule, k, found[0])


def test_inverted_pyramid_demotes_late_asides(ex: Extractor) -> None:
    body = ("Pinewood raised $9 million in a Series A round led by Gale Partners. The startup makes drones. "
            "It has 40 staff. Its rivals are many. The sector is busy. "
            "Rival Skyworks raised $50 million last spring. Skyworks sold shares to Kettering.")
    evs = events(ex, body, title="Pinewood raises $9 million")
    assert {(e.type, e.company) for e in evs} == {("funding", "Pinewood")}
    body2 = body + " Separately, Orbisol on Monday said it would cut 300 jobs."
    assert ("layoff", "Orbisol") in {(e.type, e.company) for e in events(ex, body2, title="Pinewood raises $9 million")}


def test_person_named_with_title_is_not_it(ex: Extractor) -> None:
    text = ("Cerebras CEO Andrew Feldman spoke at a conference. I should mention Feldman and Cerebras. "
            "The company went public last week.")
    assert all(e.company != "Feldman" for e in events(ex, text))
