"""Event rules on single sentences (hypecycle.extract), built on spacy.blank("en")."""

from __future__ import annotations

import datetime as dt

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


def test_news_model_keeps_the_lead_round_and_drops_a_rivals_old_round(ex_model: Extractor) -> None:
    body = ("Pinewood raised $9 million in a Series A round led by Gale Partners. The startup makes drones. "
            "It has 40 staff. Its rivals are many. The sector is busy. "
            "Rival Skyworks raised $50 million last spring. Skyworks sold shares to Kettering.")
    evs = events(ex_model, body, title="Pinewood raises $9 million")
    assert {(e.type, e.company) for e in evs} == {("funding", "Pinewood")}
    (e,) = evs
    assert (e.round, e.amount, e.investors) == ("series_a", 9e6, ("Gale Partners",))


def test_person_named_with_title_is_not_it(ex: Extractor) -> None:
    text = ("Cerebras CEO Andrew Feldman spoke at a conference. I should mention Feldman and Cerebras. "
            "The company went public last week.")
    assert all(e.company != "Feldman" for e in events(ex, text))


# -- precision on articles drawn at random from news (one case per rule) ----------------------------------
_FILLER = "The company employs 900 people. Its products sell in 40 countries. Demand has been steady. "


@pytest.mark.parametrize(
    "rule,text,title",
    [
        ("salience: an event deep in the body of a results story is history",
         "Orbisol posted a quarterly profit on Tuesday. Revenue rose 8 percent. " + _FILLER +
         "Orbisol filed for bankruptcy after failing to keep up with rivals.", "Orbisol profit rises"),
        ("context: an event noun after a temporal preposition", "Shares of Pinefield have doubled since its IPO.", ""),
        ("context: related to an acquisition", "Kettering took a $2 billion charge related to its acquisition of "
         "Lantern Systems.", ""),
        ("context: an earlier year before the event noun", "Lantern's 2009 bankruptcy left creditors unpaid.", ""),
        ("background: a month named without a day", "In March, Pinefield went public on the Nasdaq.", ""),
        ("background: a time span before the trigger", "The move comes a month after reports that Quillmark was "
         "in talks to sell itself to Kettering.", ""),
        ("background: a when-clause", "Pinefield had 300 stores when it filed for bankruptcy.", ""),
        ("background: a timeline line", "1984 Kettering acquires Lantern Systems.", ""),
        ("funding: a listed company raising money is not a venture round", "Kettering Inc KTG.N said on Monday it "
         "raised $400 million to repay debt.", ""),
        ("funding: no venture word anywhere", "Orbisol needs to raise $11 billion to fill a capital hole.", ""),
        ("funding: the possessor of an investment is the investor", "Gale Partners' investment follows a "
         "difficult year for the fund.", ""),
        ("shutdown: a price move", "Orbisol shares closed down 15 cents at $1.06.", ""),
        ("shutdown: a fund is not a company", "", "Cypress Ridge hedge fund to shut down"),
        ("shutdown: a thing after the verb", "Regulators shut down shipments from Orbisol's warehouse.", ""),
        ("shutdown: liquidating some stores", "Pinefield asked permission to liquidate the stores.", ""),
        ("bankruptcy: the adjective describes a state", "Kettering bought tools from bankrupt parts maker "
         "Lantern Molding Inc.", ""),
        ("bankruptcy: a noun modifying a plan", "", "Lantern bankruptcy payout plan gains support"),
        ("bankruptcy: evaluating options", "Orbisol said it was evaluating options including filing for "
         "Chapter 11 protection.", ""),
        ("negation: cancelled layoffs", "Kestrel Systems, a unit of Orbisol, has cancelled temporary layoffs.", ""),
        ("hedge: a threat", "Pinefield must comply or face its service being shut down.", ""),
        ("ipo: a noun modifying a timetable", "The money gives Quillmark flexibility in its IPO timetable.", ""),
        ("names: a headline's source", "", "Moody's: Detroit bankruptcy filing credit negative"),
        ("names: a money token is not a name", "Lantern Trust plans to raise as much as S$550.5 million.", ""),
    ],
)
def test_wild_news_rules_negative(ex: Extractor, rule: str, text: str, title: str) -> None:
    assert events(ex, text, title=title) == (), rule


@pytest.mark.parametrize(
    "rule,text,title,expect",
    [
        ("funding: a private company with investors elsewhere in the article",
         "Pinefield has raised $20 million, it said on Friday. Gale Partners is an investor.", "",
         ("funding", "Pinefield", {"amount": 20e6})),
        ("background: a time span after the trigger dates the other clause",
         "Lantern Molding filed for Chapter 11 on Thursday, three years after being acquired by Gale Partners.", "",
         ("bankruptcy", "Lantern Molding", {"status": "filed"})),
        ("shutdown: the whole chain is liquidated", "Pinefield Stores will liquidate its remaining stores.", "",
         ("shutdown", "Pinefield Stores", {})),
        ("shutdown: a named chain closed by its owner", "Orbisol said it would shut down its newest chain, "
         "Tessaro Home.", "", ("shutdown", "Tessaro Home", {})),
        ("names: a capitalised descriptor is dropped", "Rival Kettering announced 1,500 job cuts on Monday.", "",
         ("layoff", "Kettering", {"count": 1500})),
        ("names: a place word opens a name with a legal suffix", "Dow Chemical Co said on Tuesday it would cut "
         "2,400 jobs.", "", ("layoff", "Dow Chemical Co", {"count": 2400})),
        ("names: a sentence-initial common word opens a longer name", "General Holdings Corp said it would cut 800 "
         "jobs. The general mood is poor.", "", ("layoff", "General Holdings Corp", {"count": 800})),
        ("names: 'n joins a name", "Linens 'n Lamps will liquidate its remaining stores.", "",
         ("shutdown", "Linens 'n Lamps", {})),
        ("names: the appositive head behind a ticker", "Orbisol Bank NV OBN.AS, the parent of Chicago's Lantern "
         "Bank Corp., on Thursday announced plans to cut about 900 jobs.", "", ("layoff", "Orbisol Bank NV", {})),
        ("names: a dashed aside is skipped", "Alteco -- which holds a stake in Gecina -- said it was filing for "
         "bankruptcy.", "", ("bankruptcy", "Alteco", {})),
        ("acquisition: the object of 'a deal to buy'", "Gale Partners is nearing a deal to buy restructuring and "
         "consulting firm Lantern Advisory for $1 billion, people familiar with the matter said.", "",
         ("acquisition", "Lantern Advisory", {"amount": 1e9, "acquirer": "Gale Partners", "status": "talks"})),
        ("names: an X-based modifier is not the object", "Gale Partners agreed to acquire Kettering-owned "
         "restaurant group Lantern Inc for $1 billion.", "", ("acquisition", "Lantern Inc", {"amount": 1e9})),
        ("acquisition: a deal's size written before a bracketed conversion", "Hanwell Industries Plc is in the "
         "early stages of preparing a 1.4 billion pound ($2.2 billion) agreed takeover bid for steel group Calder "
         "Steel Plc, the Sunday Courier reported.", "Hanwell weighs bid for Calder: paper",
         ("acquisition", "Calder Steel Plc", {"amount": 1.4e9, "currency": "GBP", "status": "planned"})),
        ("names: a sub-heading in capitals is not a name", "Aloha Air filed for bankruptcy on Monday. "
         "'PRICING PRESSURE' In its bankruptcy filing, Aloha Air blamed a rival.", "", ("bankruptcy", "Aloha Air", {})),
    ],
)
def test_wild_news_rules_positive(ex: Extractor, rule: str, text: str, title: str, expect: tuple) -> None:
    typ, company, fields = expect
    found = [e for e in events(ex, text, title=title) if e.type == typ]
    assert [e.company for e in found] == [company], (rule, found)
    for k, v in fields.items():
        assert getattr(found[0], k) == v, (rule, k, found[0])


def test_headline_initials_alias_the_body_name(ex: Extractor) -> None:
    evs = events(ex, "Bank of Avalon Corp plans to cut 3,000 jobs, people familiar with the matter said.",
                 title="BofA job cuts could reach 3,000")
    assert [(e.type, e.company) for e in evs] == [("layoff", "Bank of Avalon Corp")]


@pytest.mark.parametrize(
    "rule,text,title",
    [
        ("funding: a listed company's ticker in parentheses, and its initials",
         "Kettering International Group Inc ( KIG.N ) said on Thursday it would raise $12.5 billion. "
         "KIG said it expected to raise $7.5 billion of the total from investors.", ""),
        ("hedge: an indefinite event noun governed by a modal",
         "Analysts said a bankruptcy filing by Orbisol would trigger losses for suppliers.", ""),
        ("hedge: any takeover imagined", "Officials warned that any takeover of Lantern Systems by Kettering "
         "could hurt the province.", ""),
        ("hedge: a bankruptcy filing a company may need", "Orbisol's chief executive said the company would need "
         "to file for bankruptcy in order to restructure.", ""),
        ("ipo: an IPO only named, as the setting of other news",
         "Brokers lost money on the Pinefield IPO glitch, the exchange said on Tuesday.", ""),
        ("bankruptcy: a bankruptcy only named", "The court-appointed examiner investigating Lantern Co's "
         "bankruptcy said he found some evidence of dishonesty.", ""),
        ("names: a sentence-opening participle is not a company", "Disheartened by the layoffs of the past year, "
         "workers are leaving.", ""),
    ],
)
def test_salience_rules_negative(ex: Extractor, rule: str, text: str, title: str) -> None:
    assert events(ex, text, title=title) == (), rule


def test_headline_story_demotes_other_companies_of_its_type(ex: Extractor) -> None:
    text = ("Gale Partners agreed on Monday to buy Lantern Systems for $2 billion. The deal needs approval. "
            "Kettering bought Orbisol Labs for $400 million, the company said. Analysts welcomed the price.")
    evs = events(ex, text, title="Gale Partners to buy Lantern Systems for $2 billion")
    assert [(e.type, e.company) for e in evs] == [("acquisition", "Lantern Systems")]


def test_headline_story_keeps_a_company_sharing_the_story_sentence(ex: Extractor) -> None:
    text = ("A court will decide next week whether to accept the filing by Alteco. "
            "Earlier, Alteco and Pinefield Import said they were filing for bankruptcy.")
    evs = events(ex, text, title="Court to rule on Alteco bankruptcy filing")
    assert {e.company for e in evs if e.type == "bankruptcy"} >= {"Alteco", "Pinefield Import"}


@pytest.mark.parametrize(
    "rule,text,expect",
    [
        ("ipo: an IPO that could raise money is a plan, not a hypothesis",
         "The firms planned an initial public offering of Lantern Health that could be worth up to $4 billion.",
         ("ipo", "Lantern Health")),
        ("names: sector words joined by 'and' are one name",
         "Tessaro Oil and Gas will float on London's junior market on Monday, raising 118 million pounds.",
         ("ipo", "Tessaro Oil and Gas")),
        ("names: a participle name capitalised mid-sentence is a company",
         "Shares rose after Kestrel said Boxing will cut 300 jobs.", ("layoff", "Boxing")),
    ],
)
def test_salience_rules_positive(ex: Extractor, rule: str, text: str, expect: tuple) -> None:
    typ, company = expect
    assert [e.company for e in events(ex, text) if e.type == typ] == [company], rule


@pytest.mark.parametrize(
    "text",
    [
        "Kettering said it bought 11.5 million shares of Lantern Systems on the open market.",
        "The government took over Orbisol and Pinefield stakes in two oil projects last week.",
    ],
)
def test_buying_a_holding_is_not_an_acquisition(ex: Extractor, text: str) -> None:
    assert [e for e in events(ex, text) if e.type == "acquisition"] == [], text


@pytest.mark.parametrize(
    "text,amount",
    [
        ("Kettering said it acquired Lantern Media, a library of user-generated and user-submitted videos and "
         "clips, for $1.1 million.",
         1.1e6),
        ("Orbisol Corp. agreed to acquire Pinefield Holdings Inc. for about 1 billion in stock.", 1e9),
    ],
)
def test_acquisition_price_away_from_the_verb_or_without_sign(ex: Extractor, text: str, amount: float) -> None:
    found = [e for e in events(ex, text) if e.type == "acquisition"]
    assert len(found) == 1 and found[0].amount == amount and found[0].currency == "USD", found


def test_a_count_without_sign_is_not_a_price(ex: Extractor) -> None:
    found = [e for e in events(ex, "Orbisol agreed to acquire Pinefield Telecom and its 2 million subscribers.")
             if e.type == "acquisition"]
    assert found and found[0].amount is None


def test_a_labour_statistics_office_is_not_an_employer(ex: Extractor) -> None:
    assert [e for e in events(ex, "The Department of Labor said layoffs were abating.") if e.type == "layoff"] == []


@pytest.mark.parametrize(
    "text,weak",
    [
        ("Orbisol hopes the new licence gives it more funding flexibility.", "plain"),
        ("Orbisol, a start-up, hopes the new licence gives it more funding flexibility.", ""),
    ],
)
def test_bare_funding_needs_startup_talk(ex: Extractor, text: str, weak: str) -> None:
    from hypecycle.extract.events import Draft

    d = Draft("funding", "Orbisol", True, evidence=text)
    ex.story._confirm_funding([d], "", text)  # noqa: SLF001 - the rule on one draft with no money, round or investor
    assert d.weak == weak


@pytest.mark.parametrize(
    "rule,text,title,type_,company,fields",
    [
        ("out of work", "Brindle Bakeries, a family-owned bread maker, will cease operations next month, "
         "putting 240 people out of work.", "", "layoff", "Brindle Bakeries", {"count": 240}),
        ("lose their jobs", "Tesselate, a grocery-delivery start-up, has shut down. All 60 employees "
         "will lose their jobs.", "", "layoff", "Tesselate", {"count": 60}),
        ("its staff lost jobs", "Quarrow, an online marketplace, ceased operations on Monday. Its 48 employees "
         "lost their jobs.", "", "layoff", "Quarrow", {"count": 48}),
        ("jobs affected", "Orbisol said on Thursday it plans to close 11 Pinefield Outlet stores later this year, "
         "affecting 380 workers.", "", "layoff", "Orbisol", {"count": 380}),
        ("elimination of", "Kettering Systems said the merger would lead to the elimination of about 400 positions.",
         "", "layoff", "Kettering Systems", {"count": 400}),
        ("regulators seized", "Regulators on Friday seized Ohio-based community bank Larkspur Savings after "
         "investors failed to rescue it, and its deposits will be taken over by another bank.", "",
         "bankruptcy", "Larkspur Savings", {"status": "filed"}),
        ("closed by regulators", "Marlow County Bank was closed by state regulators on Friday.", "",
         "bankruptcy", "Marlow County Bank", {"status": "filed"}),
        ("possessive in a name", "Dobbin's Home Furnishings, a regional furniture chain, will cease operations "
         "in March.", "", "shutdown", "Dobbin's Home Furnishings", {}),
        ("headline raise", "The company builds tools that test mobile apps automatically.",
         "Testloom raises $7.2M for app-testing agents", "funding", "Testloom", {"amount": 7.2e6}),
        ("round total", "Harbour Lane Capital invested $5 million of the $20 million round in Zentrix, "
         "a robotics startup.", "", "funding", "Zentrix", {"amount": 20e6}),
        ("workforce by a share", "Korvin Semiconductor will close its plant in Livingston, Scotland, and reduce its "
         "global workforce by 10% as demand for memory chips collapses.", "", "layoff", "Korvin Semiconductor", {}),
        ("deal refers back", "Orbisol agreed on Monday to acquire Pinefield Software. The deal is valued at "
         "$300 million.", "", "acquisition", "Pinefield Software", {"amount": 300e6}),
        ("ipo refers back", "Shares of Quarrow Inc. jumped 140% on their first day of trading on the Nasdaq on "
         "Wednesday. The San Jose company sold 3 million shares at $14 each, raising $42 million.",
         "Quarrow shares soar in Nasdaq debut", "ipo", "Quarrow", {"amount": 42e6}),
    ],
)
def test_recall_rules_positive(ex: Extractor, rule: str, text: str, title: str, type_: str, company: str,
                               fields: dict) -> None:
    found = [e for e in events(ex, text, title) if e.type == type_]
    assert [normalise_company(e.company) for e in found] == [normalise_company(company)], (rule, found)
    for k, v in fields.items():
        assert getattr(found[0], k) == v, (rule, k, found[0])


@pytest.mark.parametrize(
    "rule,text,title,type_",
    [
        ("macro job losses", "The unemployment rate rose as 20,000 workers lost their jobs in May.", "", "layoff"),
        ("asset takeover", "Its deposits will be taken over by Marlow County Bank.", "", "acquisition"),
        ("headline bond raise", "Orbisol sold bonds due 2030 to fund its expansion.",
         "Orbisol raises $500 million in bond sale", "funding"),
        ("raised to date", "The company has raised $50 million to date.", "Quarrow prices IPO", "ipo"),
    ],
)
def test_recall_rules_negative(ex: Extractor, rule: str, text: str, title: str, type_: str) -> None:
    found = [e for e in events(ex, text, title) if e.type == type_ and (type_ != "ipo" or e.amount is not None)]
    assert found == [], (rule, found)


@pytest.mark.parametrize(
    "rule,text,title,company,fields",
    [
        ("bid for", "Orvane Mining made a $4.1 billion hostile bid for Telluric Metals on Tuesday.", "",
         "Telluric Metals", {"acquirer": "Orvane Mining", "status": "planned", "amount": 4.1e9}),
        ("bid by A for X", "Analysts said the $900 million takeover bid by Brandvale Foods for Quillmark may not "
         "be the last.", "", "Quillmark", {"acquirer": "Brandvale Foods", "amount": 900e6}),
        ("bid by a person's firm", "Analysts said the takeover bid by Ana Ruiz's Brandvale Foods for Quillmark "
         "may not be the last.", "", "Quillmark", {"acquirer": "Brandvale Foods"}),
        ("offered for", "Kestrel Group offered A$2.4 billion for Marlow Retail on Monday.", "",
         "Marlow Retail", {"acquirer": "Kestrel Group", "currency": "AUD", "status": "planned"}),
        ("offer from", "Telluric Metals on Tuesday rejected an unsolicited $4.1 billion takeover offer from Orvane "
         "Mining, saying it undervalued the company.", "", "Telluric Metals",
         {"acquirer": "Orvane Mining", "amount": 4.1e9, "status": "planned"}),
        ("a place opens a name ending like an organisation", "Washington Herald agreed to be acquired by "
         "Pinefield Media on Monday.", "", "Washington Herald", {"acquirer": "Pinefield Media"}),
        ("a listed word before a legal suffix", "News Corp agreed to buy Quillmark for $50 million.", "",
         "Quillmark", {"acquirer": "News Corp"}),
        ("the deal's size in the next sentence", "Orvane Mining agreed to buy Telluric Metals, the companies said "
         "on Monday. The $4.1 billion all-cash deal is expected to close in June.", "", "Telluric Metals",
         {"amount": 4.1e9}),
        ("a possessive bid exists whatever its outcome", "S&P said the rating of Telluric Metals may rise if Orvane Mining's "
         "takeover bid for Telluric Metals succeeds.", "", "Telluric Metals", {"acquirer": "Orvane Mining"}),
        ("an unnamed unit sold", "Orvane Mining agreed to sell its chemicals unit to Brandvale Foods for $400 million.",
         "", "Orvane Mining chemicals unit", {"acquirer": "Brandvale Foods", "amount": 400e6}),
        ("a named company's unit bought", "Halla Climate Control agreed to buy Visteon's climate control operations "
         "for $200 million.", "", "Visteon climate control operations", {"acquirer": "Halla Climate Control"}),
        ("take control of", "Orvane Mining will take control of Telluric Metals on Tuesday.", "", "Telluric Metals",
         {"acquirer": "Orvane Mining"}),
        ("won the auction", "Orvane Mining won the auction for Telluric Metals with a $2 billion bid.", "",
         "Telluric Metals", {"acquirer": "Orvane Mining", "status": "announced"}),
        ("will be sold to", "Telluric Metals said it would be sold to Orvane Mining for $2 billion.", "",
         "Telluric Metals", {"acquirer": "Orvane Mining", "amount": 2e9}),
        ("a bid of", "Telluric Metals said on Monday it had agreed to a takeover bid of about $2 billion from "
         "Orvane Mining.", "", "Telluric Metals", {"amount": 2e9, "status": "announced"}),
    ],
)
def test_deal_rules_positive(ex: Extractor, rule: str, text: str, title: str, company: str, fields: dict) -> None:
    found = [e for e in events(ex, text, title) if e.type == "acquisition"]
    assert [normalise_company(e.company) for e in found] == [normalise_company(company)], (rule, found)
    for k, v in fields.items():
        assert getattr(found[0], k) == v, (rule, k, found[0])


@pytest.mark.parametrize(
    "rule,text",
    [
        ("chronology line", "2003 - Orvane Mining bought Telluric Metals for $2 billion."),
        ("dated chronology line", "March 18, 2009: Orvane Mining is in talks to buy Telluric Metals."),
        ("withdrawn offer", "Brandvale pulled its offer for Quillmark on Tuesday."),
        ("a proposal from others is not a bid", "Telluric Metals rejected a proposal from two former directors "
         "to block the sale."),
        ("a possessive holding is not a unit", "Brandvale bought Quillmark's shares in Orvane Mining."),
        ("a contracted negation", "Wolfgang says Porsche won't be sold to Orvane Mining."),
        ("doesn't", "Orvane Mining doesn't plan to buy Telluric Metals."),
        ("talks fell through", "Talks to sell Quillmark to Brandvale fell through on Friday."),
        ("pulled out of talks", "Brandvale pulled out of talks to buy Quillmark, a source said."),
        ("a dated merger", "Orvane Mining's 2001 merger with Telluric Metals created the largest miner in the region."),
        ("what the news comes after", "The offer comes a few months after Orvane Mining completed its $2 billion "
         "takeover of Telluric Metals."),
    ],
)
def test_deal_rules_negative(ex: Extractor, rule: str, text: str) -> None:
    found = [e for e in events(ex, text, year=2010) if e.type == "acquisition"]
    assert found == [], (rule, found)


def test_run_together_alias_takes_the_body_name(ex: Extractor) -> None:
    found = events(ex, "Washington Finance Corp filed for Chapter 11 protection on Friday.",
                   "WaFin files for bankruptcy")
    assert [(e.type, e.company) for e in found] == [("bankruptcy", "Washington Finance Corp")]


def test_initials_do_not_end_a_sentence() -> None:
    from hypecycle.extract.pipeline import split_sentences

    text = "J.C. Penney Co Inc laid off 1,000 workers. The U.S. economy grew."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "J.C. Penney Co Inc laid off 1,000 workers.", "The U.S. economy grew."]


@pytest.mark.parametrize(
    "text,type_,expected",
    [
        ("Quarrow Holdings, the broker that filed for bankruptcy protection on Monday, has admitted to using "
         "client money.", "bankruptcy", []),
        ("Pinefield, the animation unit acquired by Orvane Media, was seen avoiding cuts.", "acquisition", []),
        ("Besides Brandvale, the initial round of funding in Quillmark includes venture capital firm Gale "
         "Partners.", "funding", ["quillmark"]),
    ],
)
def test_what_an_apposition_says_in_passing_is_not_news(ex: Extractor, text: str, type_: str, expected: list) -> None:
    found = [normalise_company(e.company) for e in events(ex, text, year=2010) if e.type == type_]
    assert found == expected


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
    ],
)
def test_company_name_boundaries(text: str, names: list) -> None:
    import spacy

    from hypecycle.extract.companies import Sent

    doc = spacy.blank("en").make_doc(text)
    sent = Sent(text, [(t.text, t.idx, t.whitespace_) for t in doc])
    assert [c.text for c in sent.cands] == names


# -- what only reads like an event (withdrawn, negated, a lookalike), and whose event it is -------------
@pytest.mark.parametrize(
    "rule,text,title,type_",
    [
        ("a withdrawn offer", "Orvane Mining on Wednesday withdrew a hostile offer for Telluric Metals.", "", "acquisition"),
        ("a withdrawn offer in a headline", "", "Orvane withdraws offer for Telluric Metals", "acquisition"),
        ("coordinated verbs share the negation", "On Wednesday, Orvane Mining said it was not planning to buy a stake "
         "or to bid for Telluric Metals.", "", "acquisition"),
        ("the clause of a duration after", "Quillmark's fund chief has resigned, less than a week after Orvane Mining "
         "agreed to buy Telluric Metals.", "", "acquisition"),
        ("an IPO price is a reference", "Quillmark shares rose 2 percent to $31.85, below their November IPO price of $33.",
         "", "ipo"),
        ("voluntary layoffs", "Kestrel Systems said most of those eligible for the voluntary layoffs are office staff.",
         "", "layoff"),
        ("a campaign against cuts", "Nurses at Kestrel Systems have picketed in a campaign to fight job cuts.", "",
         "layoff"),
        ("a contract offer", "Workers at Kestrel Systems turned down a new contract offer from the company on Saturday.",
         "", "acquisition"),
        ("an analyst's rating", "", "Punk Ziegel says buy Telluric Metals on capital rumour", "acquisition"),
        ("an analyst's advice", "Punk Ziegel recommended investors buy Telluric Metals Inc, a day after the bank "
         "announced a plan.", "", "acquisition"),
        ("taking over a post", "Martin Coles will take over the post of president of Telluric Metals International.",
         "", "acquisition"),
        ("securities bought", "Many investors used the $29 billion auction of seven-year notes to purchase Treasuries.",
         "", "acquisition"),
        ("a common word opens the headline", "", "Raising multiple rounds of venture capital might be wrong for you",
         "funding"),
        ("a put-on-hold deal", "A proposed merger of Orvane Mining and Telluric Metals was put on hold on Monday.", "",
         "acquisition"),
        ("that year", "That year, the company also went public and its stock rose 50 percent on its debut.", "", "ipo"),
        ("a facility shut", "Spectra Energy said two of its compressor stations in New Jersey were shut down on Tuesday.",
         "", "shutdown"),
        ("financing in a story with no startup money", "", "Tokyo Electric set to receive $5.9 billion financing",
         "funding"),
        ("a temporary shutdown", "Kestrel Mining temporarily shut down operations on Wednesday at its copper mine.", "",
         "shutdown"),
        ("shares closing down", "Shares in Spain's biggest bank Telluric closed down on Tuesday.", "", "shutdown"),
        ("neither ... nor", "Neither Orvane Mining nor Brandvale Foods are interested in buying Telluric Metals, a "
         "newspaper reported.", "", "acquisition"),
        ("a minority stake bought from its owner", "Orvane Mining agreed to buy Brandvale's 20 percent stake in Telluric "
         "Metals for $900 million.", "", "acquisition"),
        ("a minority stake named after a deal noun", "Regulators cleared the $900 million purchase of Brandvale's "
         "20 percent stake in Telluric Metals by Orvane Mining.", "", "acquisition"),
        ("a factbox line dated by month and year", "* July, 2007 - Orvane Mining agrees to buy Telluric Metals for "
         "$2 billion.", "", "acquisition"),
    ],
)
def test_lookalike_rules_negative(ex: Extractor, rule: str, text: str, title: str, type_: str) -> None:
    assert [e for e in events(ex, text, title) if e.type == type_] == [], rule


@pytest.mark.parametrize(
    "rule,text,title,type_,company",
    [
        ("a raised IPO price is news", "", "Cindrel boosts IPO price to raise $5.5bn", "ipo", "Cindrel"),
        ("a weekday ends a list after a preposition", "In court documents filed in bankruptcy court in Birmingham on "
         "Friday, Lumora Lighting Inc said it was forced to seek bankruptcy protection.", "", "bankruptcy",
         "Lumora Lighting"),
        ("\"U.S.\" is not a ticker", "The U.S. Postal Service said on Thursday it would cut 7,500 jobs.", "", "layoff",
         "U.S. Postal Service"),
        ("a Reuters code with a lower-case letter", "Kestrel AG ( KESGn.DE ) said on Monday it would cut 2,500 jobs.",
         "", "layoff", "Kestrel AG"),
        ("sector words joined by 'and'", "Apollo Tyres agreed to buy Cooper Tire and Rubber Co for $2.5 billion.", "",
         "acquisition", "Cooper Tire and Rubber Co"),
        ("a place opens a newspaper's name", "Hearst Corp's Houston Chronicle is cutting 12 percent of its staff, the "
         "newspaper said on Wednesday.", "", "layoff", "Houston Chronicle"),
        ("a common word that speaks is a name", "Slide said on Tuesday it would cut 200 jobs.", "", "layoff", "Slide"),
        ("the business a possessive owner sells", "Orvane Mining agreed to buy Time Warner's Quillmark Media for "
         "$5 billion.", "", "acquisition", "Quillmark Media"),
        ("a majority stake bought from its owner", "Orvane Mining announced an agreement to buy Brandvale's 77 percent "
         "stake in U.S. company Telluric Metals for $39 billion.", "", "acquisition", "Telluric Metals"),
        ("a capitalised small word inside a name", "Research In Motion Ltd said on Monday it would cut 2,000 jobs.", "",
         "layoff", "Research In Motion"),
        ("a place abbreviation in a headline is not the company", "", "Glencore to seek HK IPO approval this week",
         "ipo", "Glencore"),
        ("the issuer, not the banks it hired", "Quillmark has picked Morgan Stanley, JPMorgan and Deutsche Bank to "
         "lead-underwrite an IPO that could value it at $10 billion, sources said.", "", "ipo", "Quillmark"),
        ("a named unit that cuts", "Textron Inc's Cessna unit will cut 700 jobs.", "", "layoff", "Cessna"),
        ("a listed phrase is not a name", "Kestrel Motors said on Friday it would lay off 2,000 workers at three North "
         "American assembly plants.", "", "layoff", "Kestrel Motors"),
        ("a town and a region-based name", "Reliance Steel said it agreed to acquire Wood Dale, Illinois-based "
         "Clayton Metals Inc. for an undisclosed sum.", "", "acquisition", "Clayton Metals"),
        ("an exchange's brand opens its owner's name", "IntercontinentalExchange Inc agreed to acquire NYSE Euronext for "
         "$8.2 billion.", "", "acquisition", "NYSE Euronext"),
    ],
)
def test_name_rules_positive(ex: Extractor, rule: str, text: str, title: str, type_: str, company: str) -> None:
    found = [normalise_company(e.company) for e in events(ex, text, title) if e.type == type_]
    assert found == [normalise_company(company)], rule


def test_headline_initials_with_function_words_alias_the_body_name(ex: Extractor) -> None:
    found = events(ex, "Citigroup said it agreed to buy Taiwan's Bank of Overseas Commerce (BOOC) for $426 million.",
                   "Citigroup to buy Taiwan's BOOC for $426 mln")
    assert [e.company for e in found if e.type == "acquisition"] == ["Bank of Overseas Commerce"]


def test_a_later_name_with_a_word_inserted_is_the_same_company(ex: Extractor) -> None:
    found = events(ex, "Ski community Yellowstone Club, in Montana, has filed for bankruptcy protection. In a filing "
                       "made on Monday, Yellowstone Mountain Club LLC filed for Chapter 11 protection, listing assets of "
                       "up to $500 million.")
    assert [e.company for e in found if e.type == "bankruptcy"] == ["Yellowstone Club"]


def test_a_percentage_is_not_read_as_a_head_count(ex: Extractor) -> None:
    found = events(ex, "Kestrel Systems raised its planned job cuts by 44 percent to 13,000 jobs.")
    assert [(e.type, e.count) for e in found] == [("layoff", 13000)]
