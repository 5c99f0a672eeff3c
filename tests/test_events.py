"""Event rules on single sentences (hypecycle.extract), built on spacy.blank("en").

The tests are grouped by what the extractor does: the events it finds (one table per event type, with
its fields), the amounts it reads, the company names it reads, what it refuses (history, hedges,
negations, look-alikes, figures, stakes, events named in passing) and how it weighs a whole story
(headline against body, lead against late asides, the news model). Each table case carries the rule it
pins down as its id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from hypecycle.extract import Extractor
from hypecycle.extract.companies import normalise_company
from hypecycle.schema import Article


@pytest.fixture(scope="module")
def ex() -> Extractor:
    """The rules alone: these tests are about what the rules find and refuse; the learned news
    model (hypecycle.extract.news), which decides over the rules' candidates, is tested in
    tests/test_extract_pipeline.py and measured by benchmarks/extraction_accuracy.py."""
    return Extractor(model="blank", news_model="none")


@pytest.fixture(scope="module")
def ex_model() -> Extractor:
    return Extractor(model="blank")


def events(ex: Extractor, text: str, title: str = "", year: int = 2014):
    return ex.extract(Article("t", dt.date(year, 6, 1), title, text)).events


@dataclass(frozen=True)
class Found:
    """A case the rules must find: exactly one event of `type_`, for `company`, with `fields`.

    `company` None checks only that there is one such event; `exact` compares the name as written,
    otherwise both sides go through normalise_company()."""

    rule: str
    text: str
    type_: str
    company: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    year: int = 2014
    exact: bool = False


@dataclass(frozen=True)
class Refused:
    """A case the rules must refuse: no event at all, or none of `type_` when it is given.

    Events of the companies in `spare` are left alone (the case is about the other names)."""

    rule: str
    text: str
    type_: str | None = None
    title: str = ""
    year: int = 2014
    spare: tuple[str, ...] = ()


def _rule(case: Found | Refused) -> str:
    return case.rule


def assert_found(ex: Extractor, case: Found) -> None:
    found = [e for e in events(ex, case.text, case.title, case.year) if e.type == case.type_]
    if case.company is None:
        assert len(found) == 1, (case.rule, found)
    elif case.exact:
        assert [e.company for e in found] == [case.company], (case.rule, found)
    else:
        assert [normalise_company(e.company) for e in found] == [normalise_company(case.company)], (case.rule, found)
    for k, v in case.fields.items():
        assert getattr(found[0], k) == v, (case.rule, k, found[0])


def assert_refused(ex: Extractor, case: Refused) -> None:
    evs = events(ex, case.text, case.title, case.year)
    if case.type_ is None and not case.spare:
        assert evs == (), (case.rule, evs)
        return
    bad = [e for e in evs if (case.type_ is None or e.type == case.type_) and e.company not in case.spare]
    assert bad == [], (case.rule, evs)


# -- events found, one table per event type, with their fields -------------------------------------------
@pytest.mark.parametrize(
    "case",
    [
        Found("a round with its series, amount and lead investor",
              "Quillmark Inc. raised $30 million in a Series B round led by Harbour Lane Capital.", "funding",
              "Quillmark", {"round": "series_b", "amount": 30e6, "investors": ("Harbour Lane Capital",)}),
        Found("a round beside a credit line is still a round",
              "Quarrow raised $30 million in funding from Accel and a $10 million credit facility.", "funding",
              "Quarrow", {"amount": 30e6}),
        Found("an amount in euros",
              "Tessaro, a Denver maker of payment terminals, has raised €25 million from Otterbrook Ventures.",
              "funding", "Tessaro", {"amount": 25e6, "currency": "EUR"}),
        Found("an investor invests in a startup",
              "Harbour Lane Capital invested $12 million in Zentrix, a robotics startup.", "funding", "Zentrix",
              {"investors": ("Harbour Lane Capital",)}),
        Found("valuation verb with hyphenated object",
              "Thiel is in talks to invest $150 million in Airbnb in a round that would value the lodging start-up at "
              "$2.5 billion, people familiar said.", "funding", "Airbnb", {"valuation": 2.5e9, "status": "talks"},
              exact=True),
        Found("funding: a private company with investors elsewhere in the article",
              "Pinefield has raised $20 million, it said on Friday. Gale Partners is an investor.", "funding",
              "Pinefield", {"amount": 20e6}, exact=True),
        Found("headline raise", "The company builds tools that test mobile apps automatically.", "funding", "Testloom",
              {"amount": 7.2e6}, title="Testloom raises $7.2M for app-testing agents"),
        Found("a round beside an apposition's 'Besides' is still news",
              "Besides Brandvale, the initial round of funding in Quillmark includes venture capital firm Gale "
              "Partners.", "funding", "Quillmark", year=2010),
        Found("investors: descriptors after 'and', holder nouns",
              "Pinewood raised $9 million from Harbour Lane Capital and two previous investors, Alder Ventures and "
              "Foundry Fund. Kettering was joined in the investment by existing Pinewood shareholders Gale Partners.",
              "funding", "Pinewood", {"investors": ("Harbour Lane Capital", "Alder Ventures", "Foundry Fund",
                                                    "Kettering", "Gale Partners")}, exact=True),
        Found("investors: follow-up 'also participated'",
              "Heliodyne raised $40 million in a Series C round led by Greenfield Partners. Existing investors "
              "Bayline Capital and Ridgeway Partners also participated.", "funding", "Heliodyne",
              {"investors": ("Greenfield Partners", "Bayline Capital", "Ridgeway Partners")}, exact=True),
        Found("investors: person's surname merged",
              "Peter Thiel invested $5 million in Zentrix, a robotics startup. Thiel also led the round.", "funding",
              "Zentrix", {"investors": ("Peter Thiel",)}, exact=True),
    ],
    ids=_rule,
)
def test_a_funding_round_is_found_with_its_fields_and_investors(ex: Extractor, case: Found) -> None:
    """A funding round is found for the company raising, with amount, currency, round, valuation and investors."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("a scale glued to an amount is no name",
              "The company builds coding agents.", "funding", "Quillmark", {"amount": 400e6, "valuation": 10.2e9},
              title="Quillmark defies turbulence with a $400M raise at $10.2B valuation", exact=True),
        Found("a raise at a valuation is a private round",
              "Just months after raising a whopping $10 billion, Quarrow has confirmed another $1 billion raise at a "
              "$100 billion valuation.", "funding", "Quarrow", {"amount": 1e9, "valuation": 100e9}, exact=True),
        Found("headline: the other raise verbs, and 'up to'", "", "funding", "Lantern Health", {"amount": 110e9},
              title="Lantern Health secures up to $110bn in record funding deal"),
        Found("title case: a name the body capitalises keeps its capital, a trigger verb loses it",
              "Robotics startup funding hit its highest point in years, boosted by a giant round for Anchor, a "
              "developer of humanoid bots.", "funding", "Anchor", {"amount": 1e9},
              title="Robotics Funding Crests Higher As Anchor Lands Another $1B", exact=True),
        Found("title case: an inflected common word is no name; a valuation alone, with its currency",
              "With the new funding, Quarrow becomes the fourth-most valuable private company in the world.",
              "funding", "Quarrow", {"valuation": 183e9, "amount": None, "currency": "USD"},
              title="Quarrow Nearly Triples Valuation To $183B With Massive New Funding", exact=True),
        Found("a fundraising the company nears is planned", "", "funding", "Zentrix",
              {"valuation": 230e9, "status": "planned"}, title="Zentrix nears $230bn valuation in fundraising deal"),
        Found("a mega-financing is a round",
              "Investor enthusiasm drove the week's largest rounds, led by Quillmark's $13 billion mega-financing.",
              "funding", "Quillmark", {"amount": 13e9}, title="The week's 10 biggest funding rounds"),
        Found("'this app' in the headline is the company the lead opens with",
              "Clyxo is a social platform that helps users find community events.", "funding", "Clyxo",
              {"amount": 14e6}, title="This app just raised $14M to take on the loneliness epidemic", exact=True),
        Found("the lead tells the headline's round: valuation and investors",
              "The two-year-old sales tax startup Numerix is now valued at $350 million. The round was led by "
              "Harbour Lane Capital.", "funding", "Numerix", {"amount": 35e6, "valuation": 350e6},
              title="Numerix raises $35M to automate sales tax"),
        Found("the lead's own raise under a headline that names none",
              "Airbeat, a music social app aimed at students, raises $5M as the app reaches 5 million monthly users.",
              "funding", "Airbeat", {"amount": 5e6}, title="Airbeat is the music network its rivals wish they had built",
              exact=True),
    ],
    ids=_rule,
)
def test_a_round_told_in_a_headline_and_a_short_lead_is_found(ex: Extractor, case: Found) -> None:
    """The news of today's rounds: a headline (often in title case) and a one- or two-sentence summary."""
    assert_found(ex, case)


def test_the_lead_investors_of_a_headline_round_are_read(ex: Extractor) -> None:
    """A headline's round takes the investors the lead names ("The round was led by X")."""
    evs = events(ex, "The round, which brought the startup's total funding to $88 million, was led by Harbour Lane "
                     "Capital.", "Rabbitcode raises $60M for code review")
    assert [(e.company, e.investors) for e in evs if e.type == "funding"] == [("Rabbitcode", ("Harbour Lane Capital",))]


@pytest.mark.parametrize(
    "text,weak",
    [
        ("Orbisol hopes the new licence gives it more funding flexibility.", "plain"),
        ("Orbisol, a start-up, hopes the new licence gives it more funding flexibility.", ""),
    ],
)
def test_bare_funding_needs_startup_talk(ex: Extractor, text: str, weak: str) -> None:
    """A funding draft with no money, round or investor stays weak unless the story talks of a start-up."""
    from hypecycle.extract.events import Draft

    d = Draft("funding", "Orbisol", True, evidence=text)
    ex.story._confirm_funding([d], "", text)  # noqa: SLF001 - the rule on one draft with no money, round or investor
    assert d.weak == weak


@pytest.mark.parametrize(
    "case",
    [
        Found("a planned IPO with its size",
              "Cindrel Networks plans to raise about $400 million in an initial public offering.", "ipo",
              "Cindrel Networks", {"amount": 400e6, "status": "planned"}),
        Found("hedge adds fields to a reported event",
              "Orbisol said on Monday it plans an initial public offering. Orbisol's IPO could raise about "
              "$600 million.", "ipo", "Orbisol", {"amount": 600e6}, exact=True),
        Found("ipo: an IPO that could raise money is a plan, not a hypothesis",
              "The firms planned an initial public offering of Lantern Health that could be worth up to $4 billion.",
              "ipo", "Lantern Health", exact=True),
        Found("ipo refers back",
              "Shares of Quarrow Inc. jumped 140% on their first day of trading on the Nasdaq on "
              "Wednesday. The San Jose company sold 3 million shares at $14 each, raising $42 million.", "ipo",
              "Quarrow", {"amount": 42e6}, title="Quarrow shares soar in Nasdaq debut"),
        Found("a raised IPO price is news", "", "ipo", "Cindrel", title="Cindrel boosts IPO price to raise $5.5bn"),
        Found("the issuer, not the banks it hired",
              "Quillmark has picked Morgan Stanley, JPMorgan and Deutsche Bank to "
              "lead-underwrite an IPO that could value it at $10 billion, sources said.", "ipo", "Quillmark",
              {"valuation": 10e9, "amount": None}),
        Found("ipo: what the offering is worth is its size",
              "Lantern Health filed with regulators on Wednesday for an IPO worth up to $100 million.", "ipo",
              "Lantern Health", {"amount": 100e6, "valuation": None, "status": "filed"}),
        Found("ipo: a relisting is a listing",
              "Orbisol is preparing a relisting on the Tokyo Stock Exchange next year, the company said on Tuesday.",
              "ipo", "Orbisol", {"status": "planned"}),
        Found("ipo: what the company is worth is its valuation",
              "Zentrix, worth about $2 billion, plans an initial public offering next year, sources said.", "ipo",
              "Zentrix", {"amount": None, "valuation": 2e9}),
    ],
    ids=_rule,
)
def test_an_ipo_is_found_with_its_fields(ex: Extractor, case: Found) -> None:
    """An IPO is found for the issuer, with its size and status, also from a headline or a later sentence."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("agreed to acquire, for cash", "Brandvale agreed to acquire Tessaro for $1.2bn in cash.", "acquisition",
              "Tessaro", {"acquirer": "Brandvale", "amount": 1.2e9, "status": "announced"}),
        Found("was acquired by: completed, in pounds", "Tessaro was acquired by Brandvale for £4m.", "acquisition",
              "Tessaro", {"acquirer": "Brandvale", "currency": "GBP", "status": "completed"}),
        Found("acquisition: the object of 'a deal to buy'",
              "Gale Partners is nearing a deal to buy restructuring and "
              "consulting firm Lantern Advisory for $1 billion, people familiar with the matter said.", "acquisition",
              "Lantern Advisory", {"amount": 1e9, "acquirer": "Gale Partners", "status": "talks"}, exact=True),
        Found("bid for", "Orvane Mining made a $4.1 billion hostile bid for Telluric Metals on Tuesday.", "acquisition",
              "Telluric Metals", {"acquirer": "Orvane Mining", "status": "planned", "amount": 4.1e9}),
        Found("bidding for: a bid as a verb", "Orvane Mining is bidding for Telluric Metals, two sources said on "
              "Monday.", "acquisition", "Telluric Metals", {"acquirer": "Orvane Mining", "status": "planned"}),
        Found("bidders for: one of several", "Orvane Mining is one of at least ten bidders for Telluric Metals, "
              "sources said on Monday.", "acquisition", "Telluric Metals", {"acquirer": "Orvane Mining"}),
        Found("bids for: bids in the plural", "Private equity firms are preparing bids for Telluric Metals, sources "
              "said on Monday.", "acquisition", "Telluric Metals", {"status": "planned"}),
        Found("bid by A for X",
              "Analysts said the $900 million takeover bid by Brandvale Foods for Quillmark may not "
              "be the last.", "acquisition", "Quillmark", {"acquirer": "Brandvale Foods", "amount": 900e6}),
        Found("bid by a person's firm",
              "Analysts said the takeover bid by Ana Ruiz's Brandvale Foods for Quillmark "
              "may not be the last.", "acquisition", "Quillmark", {"acquirer": "Brandvale Foods"}),
        Found("offered for", "Kestrel Group offered A$2.4 billion for Marlow Retail on Monday.", "acquisition",
              "Marlow Retail", {"acquirer": "Kestrel Group", "currency": "AUD", "status": "planned"}),
        Found("offer from",
              "Telluric Metals on Tuesday rejected an unsolicited $4.1 billion takeover offer from Orvane "
              "Mining, saying it undervalued the company.", "acquisition", "Telluric Metals",
              {"acquirer": "Orvane Mining", "amount": 4.1e9, "status": "planned"}),
        Found("a possessive bid exists whatever its outcome",
              "S&P said the rating of Telluric Metals may rise if Orvane Mining's "
              "takeover bid for Telluric Metals succeeds.", "acquisition", "Telluric Metals",
              {"acquirer": "Orvane Mining"}),
        Found("an unnamed unit sold",
              "Orvane Mining agreed to sell its chemicals unit to Brandvale Foods for $400 million.", "acquisition",
              "Orvane Mining chemicals unit", {"acquirer": "Brandvale Foods", "amount": 400e6}),
        Found("a named company's unit bought",
              "Halla Climate Control agreed to buy Visteon's climate control operations "
              "for $200 million.", "acquisition", "Visteon climate control operations",
              {"acquirer": "Halla Climate Control"}),
        Found("take control of", "Orvane Mining will take control of Telluric Metals on Tuesday.", "acquisition",
              "Telluric Metals", {"acquirer": "Orvane Mining"}),
        Found("won the auction", "Orvane Mining won the auction for Telluric Metals with a $2 billion bid.",
              "acquisition", "Telluric Metals", {"acquirer": "Orvane Mining", "status": "announced"}),
        Found("will be sold to", "Telluric Metals said it would be sold to Orvane Mining for $2 billion.",
              "acquisition", "Telluric Metals", {"acquirer": "Orvane Mining", "amount": 2e9}),
        Found("a bid of",
              "Telluric Metals said on Monday it had agreed to a takeover bid of about $2 billion from "
              "Orvane Mining.", "acquisition", "Telluric Metals", {"amount": 2e9, "status": "announced"}),
        Found("a majority stake bought from its owner",
              "Orvane Mining announced an agreement to buy Brandvale's 77 percent "
              "stake in U.S. company Telluric Metals for $39 billion.", "acquisition", "Telluric Metals"),
        Found("a unit sold under its own name, in apposition",
              "Orvane Group agreed to sell its Asian insurance business, Telluric Assurance, to Brandvale for "
              "$3 billion.", "acquisition", "Telluric Assurance", {"acquirer": "Brandvale", "amount": 3e9},
              exact=True),
        Found("a unit sold with a clause after it keeps its descriptive name",
              "Orvane Group agreed to sell its chemicals unit, which makes paints, to Brandvale.", "acquisition",
              "Orvane Group chemicals unit", {"acquirer": "Brandvale"}, exact=True),
        Found("a controlling stake is control of the company",
              "Orvane Mining said on Monday it will buy a controlling stake in Telluric Metals.", "acquisition",
              "Telluric Metals", {"acquirer": "Orvane Mining"}),
        Found("a preposition's object past as many descriptor words as a verb's",
              "Orvane Mining said it is taking a controlling stake in Chilean e-commerce firm Telluric, as it "
              "seeks new revenue.", "acquisition", "Telluric", {"acquirer": "Orvane Mining"}),
        Found("majority control of", "Orvane Mining said it would buy majority control of lender Telluric Bank.",
              "acquisition", "Telluric Bank", {"acquirer": "Orvane Mining"}),
        Found("pay a price for",
              "Orvane Mining said on Friday it will pay $115 million in cash for Telluric Metals.", "acquisition",
              "Telluric Metals", {"acquirer": "Orvane Mining", "amount": 115e6}),
        Found("a takeover bid on", "Orvane Mining launched a $2 billion takeover bid on Telluric Metals.",
              "acquisition", "Telluric Metals", {"acquirer": "Orvane Mining", "amount": 2e9, "status": "planned"}),
        Found("bid jointly for", "Orvane Mining and Brandvale plan to bid jointly for Telluric Metals.",
              "acquisition", "Telluric Metals"),
    ],
    ids=_rule,
)
def test_an_acquisition_is_found_with_its_fields(ex: Extractor, case: Found) -> None:
    """An acquisition, bid or offer is found for its target, with acquirer, price, currency and status."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("Chapter 11 protection filed", "Lumora Lighting filed for Chapter 11 bankruptcy protection on Friday.",
              "bankruptcy", "Lumora Lighting", {"status": "filed"}),
        Found("background: a time span after the trigger dates the other clause",
              "Lantern Molding filed for Chapter 11 on Thursday, three years after being acquired by Gale Partners.",
              "bankruptcy", "Lantern Molding", {"status": "filed"}, exact=True),
        Found("regulators seized",
              "Regulators on Friday seized Ohio-based community bank Larkspur Savings after "
              "investors failed to rescue it, and its deposits will be taken over by another bank.", "bankruptcy",
              "Larkspur Savings", {"status": "filed"}),
        Found("closed by regulators", "Marlow County Bank was closed by state regulators on Friday.", "bankruptcy",
              "Marlow County Bank", {"status": "filed"}),
        Found("regulators closed a bank named bank",
              "Bank regulators closed Marlow Bank and Trust Company on Friday, the ninth failure this year.",
              "bankruptcy", "Marlow Bank and Trust Company", {"status": "filed"}, exact=True),
        Found("a bank closed, the regulator says",
              "The FDIC said the Marlow Bank of Saint George, Utah, has been closed.", "bankruptcy",
              "Marlow Bank of Saint George", {"status": "filed"}, exact=True),
        Found("a bank shuttered, the regulator says",
              "The FDIC also said that Marlow Savings, in Omaha, Nebraska, was shuttered on Friday.", "bankruptcy",
              "Marlow Savings", {"status": "filed"}, exact=True),
        Found("authorities closed", "U.S. authorities closed the Bank of Marlow, a small Illinois bank, on Friday.",
              "bankruptcy", "Bank of Marlow", {"status": "filed"}, exact=True),
    ],
    ids=_rule,
)
def test_a_bankruptcy_or_bank_failure_is_found_as_filed(ex: Extractor, case: Found) -> None:
    """A bankruptcy filing, or a bank seized or closed by regulators, is found with status "filed"."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("ceased operations", "Plumway, a food-delivery app, said it has ceased operations.", "shutdown",
              "Plumway"),
        Found("shutdown: the whole chain is liquidated", "Pinefield Stores will liquidate its remaining stores.",
              "shutdown", "Pinefield Stores", exact=True),
        Found("shutdown: a named chain closed by its owner",
              "Orbisol said it would shut down its newest chain, Tessaro Home.", "shutdown", "Tessaro Home",
              exact=True),
    ],
    ids=_rule,
)
def test_a_shutdown_is_found(ex: Extractor, case: Found) -> None:
    """A company ceasing operations, or a whole chain liquidated or shut by its owner, is a shutdown."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("jobs cut", "Kestrel Systems said it would cut 1,200 jobs.", "layoff", "Kestrel Systems",
              {"count": 1200}),
        Found("sourced layoff is planned",
              "Kestrel Systems plans to lay off more than 600 employees, two sources familiar with the matter said.",
              "layoff", "Kestrel Systems", {"status": "planned", "count": 600}, exact=True),
        Found("out of work",
              "Brindle Bakeries, a family-owned bread maker, will cease operations next month, "
              "putting 240 people out of work.", "layoff", "Brindle Bakeries", {"count": 240}),
        Found("lose their jobs",
              "Tesselate, a grocery-delivery start-up, has shut down. All 60 employees "
              "will lose their jobs.", "layoff", "Tesselate", {"count": 60}),
        Found("its staff lost jobs",
              "Quarrow, an online marketplace, ceased operations on Monday. Its 48 employees "
              "lost their jobs.", "layoff", "Quarrow", {"count": 48}),
        Found("jobs affected",
              "Orbisol said on Thursday it plans to close 11 Pinefield Outlet stores later this year, "
              "affecting 380 workers.", "layoff", "Orbisol", {"count": 380}),
        Found("elimination of",
              "Kettering Systems said the merger would lead to the elimination of about 400 positions.", "layoff",
              "Kettering Systems", {"count": 400}),
        Found("workforce by a share",
              "Korvin Semiconductor will close its plant in Livingston, Scotland, and reduce its "
              "global workforce by 10% as demand for memory chips collapses.", "layoff", "Korvin Semiconductor"),
        Found("a share of its work force, in two words",
              "Kestrel Systems said on Friday it will cut 10 percent of its work force.", "layoff", "Kestrel Systems"),
        Found("a month after the trigger dates the cuts, not the report",
              "Kestrel Air said on Monday it would cut 500 jobs in February.", "layoff", "Kestrel Air", {"count": 500}),
        Found("hundreds of jobs, no count", "Kestrel Systems is cutting hundreds of jobs at its headquarters.",
              "layoff", "Kestrel Systems", {"count": None}),
    ],
    ids=_rule,
)
def test_a_layoff_is_found_with_its_count(ex: Extractor, case: Found) -> None:
    """Job cuts, however worded (out of work, lose their jobs, positions eliminated), are a layoff with its count."""
    assert_found(ex, case)


def test_a_percentage_is_not_read_as_a_head_count(ex: Extractor) -> None:
    """The count of a layoff is the number of jobs, not the percentage by which the plan grew."""
    found = events(ex, "Kestrel Systems raised its planned job cuts by 44 percent to 13,000 jobs.")
    assert [(e.type, e.count) for e in found] == [("layoff", 13000)]


# -- amounts and money --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case",
    [
        Found("conversion in parentheses is not the amount",
              "LifeLabs said it was acquiring CML HealthCare in a deal valued at about C$965 million ($917 million).",
              "acquisition", "CML HealthCare", {"amount": 965e6, "currency": "CAD"}, exact=True),
        Found("acquisition: a deal's size written before a bracketed conversion",
              "Hanwell Industries Plc is in the "
              "early stages of preparing a 1.4 billion pound ($2.2 billion) agreed takeover bid for steel group Calder "
              "Steel Plc, the Sunday Courier reported.", "acquisition", "Calder Steel Plc",
              {"amount": 1.4e9, "currency": "GBP", "status": "planned"}, title="Hanwell weighs bid for Calder: paper",
              exact=True),
        Found("total to date is not the amount",
              "Tessaro raised $40 million from Brandvale. The deal takes the total funding Tessaro has secured to "
              "$72 million.", "funding", "Tessaro", {"amount": 40e6}, exact=True),
        Found("round total",
              "Harbour Lane Capital invested $5 million of the $20 million round in Zentrix, "
              "a robotics startup.", "funding", "Zentrix", {"amount": 20e6}),
        Found("the deal's size in the next sentence",
              "Orvane Mining agreed to buy Telluric Metals, the companies said "
              "on Monday. The $4.1 billion all-cash deal is expected to close in June.", "acquisition",
              "Telluric Metals", {"amount": 4.1e9}),
        Found("deal refers back",
              "Orbisol agreed on Monday to acquire Pinefield Software. The deal is valued at "
              "$300 million.", "acquisition", "Pinefield Software", {"amount": 300e6}),
        Found("a price away from the verb",
              "Kettering said it acquired Lantern Media, a library of user-generated and user-submitted videos and "
              "clips, for $1.1 million.", "acquisition", None, {"amount": 1.1e6, "currency": "USD"}),
        Found("a price without a currency sign",
              "Orbisol Corp. agreed to acquire Pinefield Holdings Inc. for about 1 billion in stock.", "acquisition",
              None, {"amount": 1e9, "currency": "USD"}),
    ],
    ids=_rule,
)
def test_the_amount_is_the_events_own(ex: Extractor, case: Found) -> None:
    """The amount is the event's own: not a conversion in brackets, not a total to date, also from a later sentence."""
    assert_found(ex, case)


def test_a_valuation_in_the_next_sentence_belongs_to_the_round(ex: Extractor) -> None:
    """A valuation stated in the sentence after the round is the round's valuation."""
    (e,) = events(ex, "Quillmark raised $30 million in a Series B round. The round values the company at $210 million.")
    assert e.valuation == 210e6


def test_amount_in_dollars_is_converted_at_the_articles_year(ex: Extractor) -> None:
    """A euro amount is converted to dollars at the rate of the article's year."""
    (e,) = events(ex, "Tessaro has raised €25 million in a Series A round.", year=2008)
    assert e.amount_usd is not None and 30e6 < e.amount_usd < 40e6


def test_a_count_without_sign_is_not_a_price(ex: Extractor) -> None:
    """A count of subscribers next to an acquisition is not its price."""
    found = [e for e in events(ex, "Orbisol agreed to acquire Pinefield Telecom and its 2 million subscribers.")
             if e.type == "acquisition"]
    assert found and found[0].amount is None


def test_money_raised_to_date_is_not_an_ipo_amount(ex: Extractor) -> None:
    """raised to date: the money a company has raised so far is not the size of the IPO in its headline."""
    found = [e for e in events(ex, "The company has raised $50 million to date.", "Quarrow prices IPO")
             if e.type == "ipo" and e.amount is not None]
    assert found == [], found


# -- company names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case",
    [
        Found("legal suffix ends a name",
              "KKR & Co. LP filed with regulators on Tuesday to raise up to $1.25 billion in an "
              "initial public offering.", "ipo", "KKR & Co. LP", {"status": "filed", "amount": 1.25e9}, exact=True),
        Found("names: generic word inside a name", "Pinewood raised $9 million from Amberley Investments.", "funding",
              "Pinewood", {"investors": ("Amberley Investments",)}, exact=True),
        Found("names: a capitalised descriptor is dropped", "Rival Kettering announced 1,500 job cuts on Monday.",
              "layoff", "Kettering", {"count": 1500}, exact=True),
        Found("names: a place word opens a name with a legal suffix",
              "Dow Chemical Co said on Tuesday it would cut 2,400 jobs.", "layoff", "Dow Chemical Co", {"count": 2400},
              exact=True),
        Found("names: a sentence-initial common word opens a longer name",
              "General Holdings Corp said it would cut 800 jobs. The general mood is poor.", "layoff",
              "General Holdings Corp", {"count": 800}, exact=True),
        Found("names: 'n joins a name", "Linens 'n Lamps will liquidate its remaining stores.", "shutdown",
              "Linens 'n Lamps", exact=True),
        Found("names: a dashed aside is skipped",
              "Alteco -- which holds a stake in Gecina -- said it was filing for bankruptcy.", "bankruptcy", "Alteco",
              exact=True),
        Found("names: an X-based modifier is not the object",
              "Gale Partners agreed to acquire Kettering-owned "
              "restaurant group Lantern Inc for $1 billion.", "acquisition", "Lantern Inc", {"amount": 1e9},
              exact=True),
        Found("names: a sub-heading in capitals is not a name",
              "Aloha Air filed for bankruptcy on Monday. "
              "'PRICING PRESSURE' In its bankruptcy filing, Aloha Air blamed a rival.", "bankruptcy", "Aloha Air",
              exact=True),
        Found("names: sector words joined by 'and' are one name",
              "Tessaro Oil and Gas will float on London's junior market on Monday, raising 118 million pounds.", "ipo",
              "Tessaro Oil and Gas", exact=True),
        Found("names: a participle name capitalised mid-sentence is a company",
              "Shares rose after Kestrel said Boxing will cut 300 jobs.", "layoff", "Boxing", exact=True),
        Found("a place opens a name ending like an organisation",
              "Washington Herald agreed to be acquired by Pinefield Media on Monday.", "acquisition",
              "Washington Herald", {"acquirer": "Pinefield Media"}),
        Found("a listed word before a legal suffix", "News Corp agreed to buy Quillmark for $50 million.",
              "acquisition", "Quillmark", {"acquirer": "News Corp"}),
        Found("a weekday ends a list after a preposition",
              "In court documents filed in bankruptcy court in Birmingham on "
              "Friday, Lumora Lighting Inc said it was forced to seek bankruptcy protection.", "bankruptcy",
              "Lumora Lighting"),
        Found("sector words joined by 'and'", "Apollo Tyres agreed to buy Cooper Tire and Rubber Co for $2.5 billion.",
              "acquisition", "Cooper Tire and Rubber Co"),
        Found("a common word that speaks is a name", "Slide said on Tuesday it would cut 200 jobs.", "layoff",
              "Slide"),
        Found("a capitalised small word inside a name",
              "Research In Motion Ltd said on Monday it would cut 2,000 jobs.", "layoff", "Research In Motion"),
        Found("a listed phrase is not a name",
              "Kestrel Motors said on Friday it would lay off 2,000 workers at three North "
              "American assembly plants.", "layoff", "Kestrel Motors"),
        Found("a town and a region-based name",
              "Reliance Steel said it agreed to acquire Wood Dale, Illinois-based "
              "Clayton Metals Inc. for an undisclosed sum.", "acquisition", "Clayton Metals"),
        Found("a place before the descriptor is not the name",
              "Orvane said it will buy U.S. medical products company Telluric Metals for $3 billion.", "acquisition",
              "Telluric Metals", {"acquirer": "Orvane"}, exact=True),
        Found("a city-based name", "Orvane agreed to buy New York-based Telluric Metals.", "acquisition",
              "Telluric Metals", exact=True),
        Found("a place-based name written as one word", "Orvane agreed to buy U.S.-based Telluric Metals.",
              "acquisition", "Telluric Metals", exact=True),
        Found("a sector word before a descriptor head is no asset",
              "Orvane made a takeover bid for property group Telluric Estates.", "acquisition", "Telluric Estates",
              exact=True),
        Found("an exchange's brand opens its owner's name",
              "IntercontinentalExchange Inc agreed to acquire NYSE Euronext for "
              "$8.2 billion.", "acquisition", "NYSE Euronext"),
        Found("possessive in a name",
              "Dobbin's Home Furnishings, a regional furniture chain, will cease operations "
              "in March.", "shutdown", "Dobbin's Home Furnishings"),
        Found("digits that open a name", "3M Co said on Tuesday it would cut 1,200 jobs.", "layoff", "3M Co", exact=True),
        Found("digits and a hyphen that open a name", "7-Eleven agreed to buy Quillmark Stores for $1 billion.",
              "acquisition", "Quillmark Stores", {"acquirer": "7-Eleven"}),
        Found("a place opens a utility's name", "Orvane offered to buy Kansas City Power & Light in a $1.7 billion "
              "deal.", "acquisition", "Kansas City Power & Light", exact=True),
    ],
    ids=_rule,
)
def test_a_company_name_is_read_whole(ex: Extractor, case: Found) -> None:
    """A company name keeps its legal suffix, sector words and inner small words, and drops descriptors and asides."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("names: the appositive head behind a ticker",
              "Orbisol Bank NV OBN.AS, the parent of Chicago's Lantern "
              "Bank Corp., on Thursday announced plans to cut about 900 jobs.", "layoff", "Orbisol Bank NV",
              exact=True),
        Found("\"U.S.\" is not a ticker", "The U.S. Postal Service said on Thursday it would cut 7,500 jobs.",
              "layoff", "U.S. Postal Service"),
        Found("a Reuters code with a lower-case letter",
              "Kestrel AG ( KESGn.DE ) said on Monday it would cut 2,500 jobs.", "layoff", "Kestrel AG"),
        Found("a place opens a newspaper's name",
              "Hearst Corp's Houston Chronicle is cutting 12 percent of its staff, the "
              "newspaper said on Wednesday.", "layoff", "Houston Chronicle"),
        Found("the business a possessive owner sells",
              "Orvane Mining agreed to buy Time Warner's Quillmark Media for "
              "$5 billion.", "acquisition", "Quillmark Media"),
        Found("a place abbreviation in a headline is not the company", "", "ipo", "Glencore",
              title="Glencore to seek HK IPO approval this week"),
        Found("a named unit that cuts", "Textron Inc's Cessna unit will cut 700 jobs.", "layoff", "Cessna"),
        Found("two Reuters codes run together are one ticker, not the buyer's name",
              "Shareholders of publisher Orvane Corp OVC.TOOVC.N have approved its takeover of data provider "
              "Telluric Group.", "acquisition", "Telluric Group", {"acquirer": "Orvane Corp"}),
    ],
    ids=_rule,
)
def test_tickers_possessives_and_units_point_to_the_right_company(ex: Extractor, case: Found) -> None:
    """Tickers and codes are skipped, and a possessive owner or a place does not take the event of its business."""
    assert_found(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Found("alias: initials",
              "Electronic Arts will cut 1,000 jobs. EA said most of the job cuts will be done by Mar 31.", "layoff",
              "Electronic Arts", {"count": 1000}, exact=True),
        Found("alias: trailing words",
              "Grupo Lala plans an initial public offering. Lala plans to list its shares in Mexico.", "ipo",
              "Grupo Lala", exact=True),
        Found("alias: headline form mapped to the body's first form",
              "Roark Capital has agreed to acquire CKE Inc, the parent of two burger chains.", "acquisition", "CKE Inc",
              {"acquirer": "Roark Capital"}, title="Roark Capital to buy CKE Restaurants", exact=True),
        Found("alias: initials and the legal form run together",
              "Kestrel Electric Power Co plans to shed more than 1,000 jobs, sources said.", "layoff",
              "Kestrel Electric Power Co", {"count": 1000}, title="Kepco to shed more than 1,000 jobs", exact=True),
    ],
    ids=_rule,
)
def test_an_alias_names_the_same_company(ex: Extractor, case: Found) -> None:
    """Initials, a shortened name or the headline's form of a name are the company first named in the body."""
    assert_found(ex, case)


def test_headline_initials_alias_the_body_name(ex: Extractor) -> None:
    """Initials in the headline stand for the body's full name."""
    evs = events(ex, "Bank of Avalon Corp plans to cut 3,000 jobs, people familiar with the matter said.",
                 title="BofA job cuts could reach 3,000")
    assert [(e.type, e.company) for e in evs] == [("layoff", "Bank of Avalon Corp")]


def test_headline_initials_with_function_words_alias_the_body_name(ex: Extractor) -> None:
    """Headline initials that include the function words of the name stand for the body's name."""
    found = events(ex, "Citigroup said it agreed to buy Taiwan's Bank of Overseas Commerce (BOOC) for $426 million.",
                   "Citigroup to buy Taiwan's BOOC for $426 mln")
    assert [e.company for e in found if e.type == "acquisition"] == ["Bank of Overseas Commerce"]


def test_run_together_alias_takes_the_body_name(ex: Extractor) -> None:
    """A run-together short form in the headline takes the body's full name."""
    found = events(ex, "Washington Finance Corp filed for Chapter 11 protection on Friday.",
                   "WaFin files for bankruptcy")
    assert [(e.type, e.company) for e in found] == [("bankruptcy", "Washington Finance Corp")]


def test_a_later_name_with_a_word_inserted_is_the_same_company(ex: Extractor) -> None:
    """A later, longer form of a name with a word inserted is the company named first."""
    found = events(ex, "Ski community Yellowstone Club, in Montana, has filed for bankruptcy protection. In a filing "
                       "made on Monday, Yellowstone Mountain Club LLC filed for Chapter 11 protection, listing assets "
                       "of up to $500 million.")
    assert [e.company for e in found if e.type == "bankruptcy"] == ["Yellowstone Club"]


@pytest.mark.parametrize(
    "case",
    [
        Refused("name: hyphenated modifier", "Merger-related job cuts fell 20 percent in the first half."),
        Refused("name: generic plural head", "Software companies raked in $2 billion in the quarter."),
        Refused("name: ticker token is not a name", "", title="ORBI.UL files for IPO"),
        Refused("names: a headline's source", "", title="Moody's: Detroit bankruptcy filing credit negative"),
        Refused("names: a money token is not a name", "Lantern Trust plans to raise as much as S$550.5 million."),
        Refused("bidding for something that is no company",
                "Orvane Mining is bidding for spectrum licences in Germany.", "acquisition"),
        Refused("a part of a company is not the company", "Regulators approved an Orvane bid for a portion of "
                "bankrupt Telluric Networks Inc, the agency said on Tuesday.", "acquisition"),
        Refused("names: a sentence-opening participle is not a company",
                "Disheartened by the layoffs of the past year, workers are leaving."),
        Refused("a common word opens the headline", "", "funding",
                title="Raising multiple rounds of venture capital might be wrong for you"),
        Refused("the owner of a named thing is not the thing", "", "ipo",
                title="Empire State Building owner files for $1 billion IPO"),
        Refused("people described by their old employer are no company", "", "funding",
                title="Ex-Quarrow trio wants their AI to be your second brain, and they just raised $6M"),
        Refused("a person described by an employer is no company", "", "funding",
                title="Quarrow vet raises $8M for group-chat agents"),
    ],
    ids=_rule,
)
def test_what_is_not_a_company_name_gives_no_event(ex: Extractor, case: Refused) -> None:
    """Modifiers, generic plurals, tickers, a headline's source, money tokens and common words are not companies."""
    assert_refused(ex, case)


def test_places_coordinated_under_a_preposition_are_not_companies(ex: Extractor) -> None:
    """name: coordination under a preposition: the places an airline flew to are not the company."""
    evs = events(ex, "The airline, which flew from Boston to Denver and Las Cruces, said it would file for bankruptcy.")
    bad = [e for e in evs if "Cruces" in e.company or "Denver" in e.company]
    assert not bad, evs


def test_person_named_with_title_is_not_it(ex: Extractor) -> None:
    """A person named with a job title is not the company that went public."""
    text = ("Cerebras CEO Andrew Feldman spoke at a conference. I should mention Feldman and Cerebras. "
            "The company went public last week.")
    assert all(e.company != "Feldman" for e in events(ex, text))


@pytest.mark.parametrize(
    "text,names",
    [
        ("Jeff Bezos agreed to buy The Washington Post on Monday.", ["Jeff Bezos", "Washington Post"]),
        ("Retailer Claire's Stores Inc. said it would be sold.", ["Claire's Stores Inc."]),
        ("Buffett's Berkshire Hathaway Inc bought shares.", ["Buffett", "Berkshire Hathaway Inc"]),
        ("The bid by Rupert Murdoch's News Corp. for Dow Jones & Co. was raised.",
         ["Rupert Murdoch", "News Corp.", "Dow Jones & Co."]),
        ("Suncor agreed to buy Petro-Canada.", ["Suncor", "Petro-Canada"]),
        ("McDonald's Corp said on Monday it would close stores.", ["McDonald's Corp"]),
        ("Air France-KLM said it would cut 3,000 jobs.", ["Air France-KLM"]),
        ("Dell said at 10AM it would buy 3PAR Inc.", ["Dell", "3PAR Inc."]),
        ("Shares of France-based Orvane rose.", ["Orvane"]),
    ],
)
def test_company_name_boundaries(text: str, names: list) -> None:
    """The candidate names of a sentence start and end where the names do (articles, descriptors, possessives)."""
    import spacy

    from hypecycle.extract.companies import Sent

    doc = spacy.blank("en").make_doc(text)
    sent = Sent(text, [(t.text, t.idx, t.whitespace_) for t in doc])
    assert [c.text for c in sent.cands] == names


def test_initials_do_not_end_a_sentence() -> None:
    """The full stops of initials and of "U.S." do not split a sentence."""
    from hypecycle.extract.pipeline import split_sentences

    text = "J.C. Penney Co Inc laid off 1,000 workers. The U.S. economy grew."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "J.C. Penney Co Inc laid off 1,000 workers.", "The U.S. economy grew."]


# -- what is refused ----------------------------------------------------------------------------------
_FILLER = "The company employs 900 people. Its products sell in 40 countries. Demand has been steady. "


@pytest.mark.parametrize(
    "case",
    [
        Refused("a round raised in an earlier year", "The company had raised $4 million from angel investors in 2009."),
        Refused("background: sentence-initial adverbial",
                "Earlier this month, Orbisol closed a sale that raised $785 million."),
        Refused("background: 'last <month>'", "Last August Kettering bought Zentrix, a news app."),
        Refused("background: calendar date in a past clause",
                "Lumora Lighting filed for Chapter 11 protection on June 22.", spare=("Lumora", "Lumora Lighting")),
        Refused("background: attributive participle", "Kettering plans changes at its recently acquired Zentrix unit."),
        Refused("salience: an event deep in the body of a results story is history",
                "Orbisol posted a quarterly profit on Tuesday. Revenue rose 8 percent. " + _FILLER +
                "Orbisol filed for bankruptcy after failing to keep up with rivals.", title="Orbisol profit rises"),
        Refused("context: an event noun after a temporal preposition",
                "Shares of Pinefield have doubled since its IPO."),
        Refused("context: an earlier year before the event noun", "Lantern's 2009 bankruptcy left creditors unpaid."),
        Refused("background: a month named without a day", "In March, Pinefield went public on the Nasdaq."),
        Refused("background: a time span before the trigger",
                "The move comes a month after reports that Quillmark was in talks to sell itself to Kettering."),
        Refused("background: a when-clause", "Pinefield had 300 stores when it filed for bankruptcy."),
        Refused("background: a timeline line", "1984 Kettering acquires Lantern Systems."),
        Refused("chronology line", "2003 - Orvane Mining bought Telluric Metals for $2 billion.", "acquisition",
                year=2010),
        Refused("dated chronology line", "March 18, 2009: Orvane Mining is in talks to buy Telluric Metals.",
                "acquisition", year=2010),
        Refused("a dated merger",
                "Orvane Mining's 2001 merger with Telluric Metals created the largest miner in the region.",
                "acquisition", year=2010),
        Refused("what the news comes after",
                "The offer comes a few months after Orvane Mining completed its $2 billion "
                "takeover of Telluric Metals.",
                "acquisition", year=2010),
        Refused("the clause of a duration after",
                "Quillmark's fund chief has resigned, less than a week after Orvane Mining "
                "agreed to buy Telluric Metals.", "acquisition"),
        Refused("that year", "That year, the company also went public and its stock rose 50 percent on its debut.",
                "ipo"),
        Refused("a factbox line dated by month and year",
                "* July, 2007 - Orvane Mining agrees to buy Telluric Metals for $2 billion.", "acquisition"),
        Refused("a report dated by month, whatever it said would come",
                "Kestrel Air said in February it would cut 500 jobs after its profit halved.", "layoff"),
        Refused("a sentence opened by a month",
                "In December Kestrel Air said it would lay off 150 of its 500 staff.", "layoff"),
    ],
    ids=_rule,
)
def test_history_and_background_are_not_news(ex: Extractor, case: Refused) -> None:
    """Dated events, background clauses, chronology lines and events deep in another story are history."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("hedge: modal before the trigger",
                "Quillmark's chairman said the firm would have to go public at some point."),
        Refused("hedge: conditional", "Orbisol said if the buyout offer fails, the company will consider layoffs."),
        Refused("bankruptcy: evaluating options",
                "Orbisol said it was evaluating options including filing for Chapter 11 protection."),
        Refused("hedge: a threat", "Pinefield must comply or face its service being shut down."),
        Refused("hedge: an indefinite event noun governed by a modal",
                "Analysts said a bankruptcy filing by Orbisol would trigger losses for suppliers."),
        Refused("hedge: any takeover imagined",
                "Officials warned that any takeover of Lantern Systems by Kettering could hurt the province."),
        Refused("hedge: a bankruptcy filing a company may need",
                "Orbisol's chief executive said the company would need to file for bankruptcy in order to "
                "restructure."),
    ],
    ids=_rule,
)
def test_hedged_events_are_not_news(ex: Extractor, case: Refused) -> None:
    """An event under a modal, a condition, a threat or an option being weighed has not happened."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("a denial of talks", "Orbisol denied it was in talks to be acquired by Kettering Group."),
        Refused("negation: cancelled layoffs", "Kestrel Systems, a unit of Orbisol, has cancelled temporary layoffs."),
        Refused("withdrawn offer", "Brandvale pulled its offer for Quillmark on Tuesday.", "acquisition", year=2010),
        Refused("a contracted negation", "Wolfgang says Porsche won't be sold to Orvane Mining.", "acquisition",
                year=2010),
        Refused("doesn't", "Orvane Mining doesn't plan to buy Telluric Metals.", "acquisition", year=2010),
        Refused("talks fell through", "Talks to sell Quillmark to Brandvale fell through on Friday.", "acquisition",
                year=2010),
        Refused("pulled out of talks", "Brandvale pulled out of talks to buy Quillmark, a source said.", "acquisition",
                year=2010),
        Refused("a withdrawn offer", "Orvane Mining on Wednesday withdrew a hostile offer for Telluric Metals.",
                "acquisition"),
        Refused("a withdrawn offer in a headline", "", "acquisition",
                title="Orvane withdraws offer for Telluric Metals"),
        Refused("coordinated verbs share the negation",
                "On Wednesday, Orvane Mining said it was not planning to buy a stake "
                "or to bid for Telluric Metals.", "acquisition"),
        Refused("a put-on-hold deal",
                "A proposed merger of Orvane Mining and Telluric Metals was put on hold on Monday.", "acquisition"),
        Refused("neither ... nor",
                "Neither Orvane Mining nor Brandvale Foods are interested in buying Telluric Metals, a "
                "newspaper reported.", "acquisition"),
    ],
    ids=_rule,
)
def test_negated_cancelled_and_withdrawn_events_are_not_news(ex: Extractor, case: Refused) -> None:
    """A denied, negated, cancelled, withdrawn, failed or suspended deal or cut is not an event."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("a contract won is not a deal", "Kettering won a $300 million government contract."),
        Refused("trigger inside a proper name", "Data came from the National Venture Capital Association and others."),
        Refused("shutdown: a price move", "Orbisol shares closed down 15 cents at $1.06."),
        Refused("shutdown: a fund is not a company", "", title="Cypress Ridge hedge fund to shut down"),
        Refused("shutdown: a thing after the verb", "Regulators shut down shipments from Orbisol's warehouse."),
        Refused("shutdown: liquidating some stores", "Pinefield asked permission to liquidate the stores."),
        Refused("a temporary shutdown",
                "Kestrel Mining temporarily shut down operations on Wednesday at its copper mine.", "shutdown"),
        Refused("a facility shut",
                "Spectra Energy said two of its compressor stations in New Jersey were shut down on Tuesday.",
                "shutdown"),
        Refused("shares closing down", "Shares in Spain's biggest bank Telluric closed down on Tuesday.", "shutdown"),
        Refused("voluntary layoffs", "Kestrel Systems said most of those eligible for the voluntary layoffs are office "
                "staff.", "layoff"),
        Refused("a campaign against cuts", "Nurses at Kestrel Systems have picketed in a campaign to fight job cuts.",
                "layoff"),
        Refused("a proposal from others is not a bid",
                "Telluric Metals rejected a proposal from two former directors to block the sale.", "acquisition",
                year=2010),
        Refused("a contract offer",
                "Workers at Kestrel Systems turned down a new contract offer from the company on Saturday.",
                "acquisition"),
        Refused("an analyst's rating", "", "acquisition",
                title="Punk Ziegel says buy Telluric Metals on capital rumour"),
        Refused("an analyst's advice",
                "Punk Ziegel recommended investors buy Telluric Metals Inc, a day after the bank "
                "announced a plan.", "acquisition"),
        Refused("taking over a post",
                "Martin Coles will take over the post of president of Telluric Metals International.", "acquisition"),
        Refused("securities bought",
                "Many investors used the $29 billion auction of seven-year notes to purchase Treasuries.",
                "acquisition"),
        Refused("asset takeover", "Its deposits will be taken over by Marlow County Bank.", "acquisition"),
        Refused("a bank's branch closed is no bank failure",
                "Marlow Bank's branch in Ohio was closed on Friday, the bank said.", "bankruptcy"),
    ],
    ids=_rule,
)
def test_a_trigger_word_in_another_sense_is_not_an_event(ex: Extractor, case: Refused) -> None:
    """Look-alikes: a contract offer, shares closing down, a facility shut, a post taken over, an analyst's "buy"."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("a fund closed by an investor", "Pinefield Partners closed a $400 million fund."),
        Refused("a company investing in its own plant", "Microsoft will invest $10 billion in new data centers."),
        Refused("look-alike: public share sale before the trigger",
                "Kettering priced an offering of 10 million common shares, raising $300 million."),
        Refused("look-alike: DIP financing",
                "Lumora also arranged a $50 million debtor-in-possession financing from Vale Bank.",
                spare=("Lumora", "Lumora Lighting")),
        Refused("funding: a listed company raising money is not a venture round",
                "Kettering Inc KTG.N said on Monday it raised $400 million to repay debt."),
        Refused("funding: a listed company's ticker in parentheses, and its initials",
                "Kettering International Group Inc ( KIG.N ) said on Thursday it would raise $12.5 billion. "
                "KIG said it expected to raise $7.5 billion of the total from investors."),
        Refused("funding: no venture word anywhere", "Orbisol needs to raise $11 billion to fill a capital hole."),
        Refused("funding: the possessor of an investment is the investor",
                "Gale Partners' investment follows a difficult year for the fund."),
        Refused("financing in a story with no startup money", "", "funding",
                title="Tokyo Electric set to receive $5.9 billion financing"),
        Refused("headline bond raise", "Orbisol sold bonds due 2030 to fund its expansion.", "funding",
                title="Orbisol raises $500 million in bond sale"),
        Refused("funding: a credit facility is a loan",
                "Orbisol has secured a $1 billion export credit facility to buy equipment from Pinefield.", "funding"),
    ],
    ids=_rule,
)
def test_money_raised_otherwise_is_not_a_funding_round(ex: Extractor, case: Refused) -> None:
    """Share sales, bonds, debt, loans, a fund's own close or a firm's own spending are not venture rounds."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("startups in aggregate", "Startups raised $20 billion in the quarter, according to a survey."),
        Refused("venture funding in aggregate", "Venture funding fell 20 percent last year."),
        Refused("the economy's jobs", "The economy shed 200,000 jobs last month."),
        Refused("employers in aggregate", "U.S. employers cut 45,000 jobs in May."),
        Refused("macro job losses", "The unemployment rate rose as 20,000 workers lost their jobs in May.",
                "layoff"),
        Refused("a labour statistics office is not an employer", "The Department of Labor said layoffs were abating.",
                "layoff"),
        Refused("revenue", "Orbisol's revenue rose to $80 million."),
        Refused("a market forecast", "The market will reach $50 billion by 2020."),
        Refused("a share price move", "Shares of Orbisol rose 5 percent on Monday."),
        Refused("fines paid for what was done to a company",
                "Orvane will pay $5 billion in fines for misleading Telluric Bank.", "acquisition"),
        Refused("layoff: hundreds of millions are money, not people",
                "Kestrel Systems will cut hundreds of millions of dollars in costs.", "layoff"),
    ],
    ids=_rule,
)
def test_market_economy_and_results_figures_are_not_events(ex: Extractor, case: Refused) -> None:
    """Figures for a market, the economy or a company's results are no company's event."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("a stake sold", "Orbisol sold a 10 percent stake in Lantern to Kettering."),
        Refused("a possessive holding is not a unit", "Brandvale bought Quillmark's shares in Orvane Mining.",
                "acquisition", year=2010),
        Refused("a minority stake bought from its owner",
                "Orvane Mining agreed to buy Brandvale's 20 percent stake in Telluric "
                "Metals for $900 million.", "acquisition"),
        Refused("a minority stake named after a deal noun",
                "Regulators cleared the $900 million purchase of Brandvale's "
                "20 percent stake in Telluric Metals by Orvane Mining.", "acquisition"),
        Refused("shares bought on the open market",
                "Kettering said it bought 11.5 million shares of Lantern Systems on the open market.", "acquisition"),
        Refused("stakes in projects taken over",
                "The government took over Orbisol and Pinefield stakes in two oil projects last week.", "acquisition"),
        Refused("money paid for a stake", "Orvane paid $4 billion for a 20 percent stake in Telluric Metals.",
                "acquisition"),
        Refused("products counted are not a company", "Orvane Airlines will buy six Pinefield 787s to launch "
                "long-haul flights.", "acquisition"),
        Refused("a commodity bought is not a company", "Orvane Gas will buy LNG from Pinefield Energy.",
                "acquisition"),
        Refused("a sector word alone is an asset", "Orvane bought property from Telluric Estates on Monday.",
                "acquisition"),
        Refused("a stake that is not control", "Orvane said it will buy a 20 percent stake in Telluric Metals.",
                "acquisition"),
    ],
    ids=_rule,
)
def test_stakes_and_holdings_are_not_acquisitions(ex: Extractor, case: Refused) -> None:
    """Buying or selling a minority stake, shares, a holding, assets or goods is not an acquisition of the company."""
    assert_refused(ex, case)


@pytest.mark.parametrize(
    "case",
    [
        Refused("context: related to an acquisition",
                "Kettering took a $2 billion charge related to its acquisition of Lantern Systems."),
        Refused("bankruptcy: the adjective describes a state",
                "Kettering bought tools from bankrupt parts maker Lantern Molding Inc."),
        Refused("bankruptcy: a noun modifying a plan", "", title="Lantern bankruptcy payout plan gains support"),
        Refused("ipo: a noun modifying a timetable", "The money gives Quillmark flexibility in its IPO timetable."),
        Refused("ipo: an IPO only named, as the setting of other news",
                "Brokers lost money on the Pinefield IPO glitch, the exchange said on Tuesday."),
        Refused("bankruptcy: a bankruptcy only named",
                "The court-appointed examiner investigating Lantern Co's "
                "bankruptcy said he found some evidence of dishonesty."),
        Refused("an IPO price is a reference",
                "Quillmark shares rose 2 percent to $31.85, below their November IPO price of $33.", "ipo"),
        Refused("a bankruptcy told in an apposition",
                "Quarrow Holdings, the broker that filed for bankruptcy protection on Monday, has admitted to using "
                "client money.", "bankruptcy", year=2010),
        Refused("a bankruptcy told of a preposition's object in a relative clause",
                "Orvane said it has yet to receive $1.2 billion due from Pinefield Holdings, which went bankrupt "
                "after the crisis.", "bankruptcy", year=2010),
        Refused("an acquisition told in an apposition",
                "Pinefield, the animation unit acquired by Orvane Media, was seen avoiding cuts.", "acquisition",
                year=2010),
    ],
    ids=_rule,
)
def test_an_event_only_named_in_passing_is_not_news(ex: Extractor, case: Refused) -> None:
    """An event named as a modifier, a setting, a reference or an apposition's aside is not the news."""
    assert_refused(ex, case)


# -- the story level: headline against body, lead against late asides, the news model --------------------------
def test_the_company_refers_back(ex: Extractor) -> None:
    """A later "the company" is the company named just before it."""
    evs = events(ex, "Lumora Lighting filed for bankruptcy on Friday. The company said it would cut 300 jobs.")
    assert {(e.type, e.company) for e in evs} == {("bankruptcy", "Lumora Lighting"), ("layoff", "Lumora Lighting")}


def test_two_events_in_one_sentence(ex: Extractor) -> None:
    """One sentence can carry two events of different types."""
    evs = events(ex, "Brandvale agreed to buy Tessaro for $1.2 billion and said it would cut 500 jobs.")
    assert {e.type for e in evs} == {"acquisition", "layoff"}


def test_headline_and_body_are_one_event(ex: Extractor) -> None:
    """The headline's event and the body's are merged, with the body's fuller name."""
    evs = events(ex, "Brandvale Corp agreed to buy Tessaro Inc for $1.2 billion.", title="Brandvale to buy Tessaro")
    assert len(evs) == 1 and evs[0].acquirer == "Brandvale Corp"


def test_inverted_pyramid_demotes_late_asides(ex: Extractor) -> None:
    """A rival's old round late in the story is dropped; a separate dated news item there is kept."""
    body = ("Pinewood raised $9 million in a Series A round led by Gale Partners. The startup makes drones. "
            "It has 40 staff. Its rivals are many. The sector is busy. "
            "Rival Skyworks raised $50 million last spring. Skyworks sold shares to Kettering.")
    evs = events(ex, body, title="Pinewood raises $9 million")
    assert {(e.type, e.company) for e in evs} == {("funding", "Pinewood")}
    body2 = body + " Separately, Orbisol on Monday said it would cut 300 jobs."
    assert ("layoff", "Orbisol") in {(e.type, e.company) for e in events(ex, body2, title="Pinewood raises $9 million")}


def test_news_model_keeps_the_lead_round_and_drops_a_rivals_old_round(ex_model: Extractor) -> None:
    """With the news model, the lead's round is kept with its fields and a rival's old round is dropped."""
    body = ("Pinewood raised $9 million in a Series A round led by Gale Partners. The startup makes drones. "
            "It has 40 staff. Its rivals are many. The sector is busy. "
            "Rival Skyworks raised $50 million last spring. Skyworks sold shares to Kettering.")
    evs = events(ex_model, body, title="Pinewood raises $9 million")
    assert {(e.type, e.company) for e in evs} == {("funding", "Pinewood")}
    (e,) = evs
    assert (e.round, e.amount, e.investors) == ("series_a", 9e6, ("Gale Partners",))


def test_headline_story_demotes_other_companies_of_its_type(ex: Extractor) -> None:
    """In a story about the headline's acquisition, another company's acquisition is not news."""
    text = ("Gale Partners agreed on Monday to buy Lantern Systems for $2 billion. The deal needs approval. "
            "Kettering bought Orbisol Labs for $400 million, the company said. Analysts welcomed the price.")
    evs = events(ex, text, title="Gale Partners to buy Lantern Systems for $2 billion")
    assert [(e.type, e.company) for e in evs] == [("acquisition", "Lantern Systems")]


def test_headline_story_keeps_a_company_sharing_the_story_sentence(ex: Extractor) -> None:
    """A company that shares the story's sentence with the headline's company keeps its event."""
    text = ("A court will decide next week whether to accept the filing by Alteco. "
            "Earlier, Alteco and Pinefield Import said they were filing for bankruptcy.")
    evs = events(ex, text, title="Court to rule on Alteco bankruptcy filing")
    assert {e.company for e in evs if e.type == "bankruptcy"} >= {"Alteco", "Pinefield Import"}


@pytest.mark.parametrize("text, people", [
    ("Shares rose, said Quarrow chief executive Dana Pelling. Pelling declined to comment.",
     {"Dana", "Pelling", "Dana Pelling"}),
    ("CEO\x0bMarta Ilves said so.", {"Marta", "Ilves", "Marta Ilves"}),  # re's \s takes a vertical tab
    ("The spokeswoman J. R. Tolliver said no.", {"J.", "R.", "Tolliver", "J. R. Tolliver"}),
    ("Zürich-based Quarrow's chairman Jörg Almen said yes.", {"Jörg", "Almen", "Jörg Almen"}),
    ("Quarrow Ltd said sales rose. The chief executive declined to comment.", set()),
    ("co-CEO Tam Reyes spoke.", set()),  # a title glued to a word is no title
])
def test_names_after_a_person_title_are_people(text: str, people: set[str]) -> None:
    """The RE2 gate that skips stories with no titled person changes no answer of the full pattern."""
    from hypecycle.extract.companies import _person_re, person_words

    assert person_words(text) == people
    full = {w for m in _person_re().finditer(text) for w in (m.group(1), *m.group(1).split())}
    assert full == people


@pytest.mark.parametrize("low", [
    "quarrow agreed to buy nordvale for $1.2 billion and will cut 300 jobs.",
    "the co-lead investor led the round; tallowin filed for bankruptcy protection.",
    "re-raised nothing, raised $5 million, raises more.",  # a trigger glued to a word is none
    "zürich-based quarrow agreed to acquire nordvale.",  # not ASCII: the pattern alone
    "profits rose.",
])
def test_triggers_are_searched_where_the_gate_matches_with_the_same_matches(low: str) -> None:
    """The full trigger pattern, tried only where its RE2 gate matches, finds what it finds alone."""
    from hypecycle.extract.events import event_rules

    rules = event_rules()
    assert [(m.span(), m.lastgroup) for m in rules.triggers(low)] == \
        [(m.span(), m.lastgroup) for m in rules.trigger_re.finditer(low)]


@pytest.mark.parametrize("low", [
    "quarrow raised $5 million in a series b round led by nordvale.",
    "a seed-stage round and a $20 million term loan",
    "the pre-seed money came before its series a-1",
    "co-series b is no round; nor is series-bx",
    "profits rose 5 percent.",
])
def test_one_search_for_any_round_gives_what_the_rounds_searched_in_turn_give(low: str) -> None:
    """The round named first in rounds.json's order wins, also after the one-pass check for any round."""
    from hypecycle.extract.events import event_rules

    rules = event_rules()
    in_turn = next((lab.replace("{x}", m.group(1).lower()) if "{x}" in lab else lab
                    for rx, lab in rules.rounds for m in [rx.search(low)] if m), None)
    assert rules.round_of(low) == in_turn
