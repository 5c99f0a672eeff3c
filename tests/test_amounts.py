"""The learned amount chooser (hypecycle.extract.amounts): which of a story's amounts is an
event's, where the rules set none. Stories here are our own sentences."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hypecycle.errors import LexiconError
from hypecycle.extract import Extractor
from hypecycle.extract.amounts import AmountModel, StoryMoney, amount_candidates, load_amount_model
from hypecycle.extract.events import event_rules
from hypecycle.extract.sentences import split_sentences
from hypecycle.schema import Article, Event

LEAD = "NEW YORK (Reuters) - Acme Corp said on Monday it agreed to buy rival Widget Inc, creating the largest maker of garden tools. "
#: The price stated in a sentence the rules do not pair with the deal.
PRICED = LEAD + "Widget shareholders will vote next month on Acme's offer, which values Widget at $2.5 billion including debt."
#: Only a share price and an old deal: no amount is this event's.
UNPRICED = LEAD + "Acme shares rose 3 percent to $14.50. In 2004 Acme paid $300 million for Gadget Co."


def _article(text: str) -> Article:
    return Article(id="a1", date=dt.date(2010, 5, 3), title="Acme to buy Widget", text=text)


@pytest.fixture(scope="module")
def extractors():
    return Extractor(model="blank"), Extractor(model="blank", amounts="none")


def _deal(ex: Extractor, text: str) -> Event:
    [event] = [e for e in ex.extract(_article(text)).events if e.type == "acquisition"]
    return event


def test_shipped_model_sets_the_price_the_rules_leave_unset(extractors):
    learned, rules = extractors
    assert _deal(rules, PRICED).amount is None
    deal = _deal(learned, PRICED)
    assert (deal.company, deal.amount, deal.currency) == ("Widget Inc", 2.5e9, "USD")
    assert deal.amount_usd == pytest.approx(2.5e9)


def test_a_share_price_or_a_dated_deal_is_not_the_amount(extractors):
    learned, _rules = extractors
    assert _deal(learned, UNPRICED).amount is None


def test_an_amount_the_rules_set_is_kept(extractors):
    learned, rules = extractors
    text = LEAD.replace("agreed to buy rival Widget Inc", "agreed to buy rival Widget Inc for $1.2 billion") \
        + "Analysts had valued Widget at $2.5 billion."
    assert _deal(rules, text).amount == 1.2e9
    assert _deal(learned, text).amount == 1.2e9


def test_candidates_leave_out_prices_and_conversions():
    body = ("Acme will pay 114 million Canadian dollars ($112 million), or C$12 a share, for Widget. "
            "The deal is Acme's largest.")
    story = StoryMoney("", body, split_sentences(body), event_rules(), 2010)
    event = Event(type="acquisition", company="Widget", acquirer="Acme", evidence=body)
    cands = amount_candidates(event, story)
    assert [(m.amount, m.currency) for m, _f in cands] == [(114e6, "CAD")]
    f = cands[0][1]
    assert f["names_company"] == f["names_buyer"] == f["first"] == 1.0
    assert f["acquisition|names_company"] == 1.0 and "not_usd" in f


@pytest.mark.parametrize("title", ["Xstrata offers $2.8 billion for Jubilee", ""])
def test_an_amount_stated_only_as_a_conversion_takes_the_original(extractors, title):
    text = ("SYDNEY (Reuters) - Xstrata Plc on Monday offered A$3.1 billion ($2.8 billion) for nickel miner "
            "Jubilee Mines NL, seeking to expand in Australia.")
    for ex in extractors:  # with the learned chooser and without it (the rules set this amount)
        [deal] = [e for e in ex.extract(Article("a1", dt.date(2007, 5, 1), title, text)).events
                  if e.type == "acquisition"]
        assert (deal.amount, deal.currency) == (3.1e9, "AUD")
        assert deal.amount_usd is not None and 2e9 < deal.amount_usd < 3e9
    # a dollar deal stated in dollars with a conversion into another currency keeps its dollars
    text = "NEW YORK (Reuters) - Acme Corp agreed to buy Widget Inc for $2 billion (1.5 billion euros) in cash."
    [deal] = [e for e in extractors[0].extract(_article(text)).events if e.type == "acquisition"]
    assert (deal.amount, deal.currency) == (2e9, "USD")


def test_a_model_file_given_by_path_is_used(tmp_path, extractors):
    shipped = load_amount_model()
    assert shipped is not None and 0.0 < shipped.threshold < 1.0
    never = tmp_path / "never.json"
    never.write_text(json.dumps({"weights": shipped.weights, "intercept": shipped.intercept, "threshold": 1.01}))
    ex = Extractor(model="blank", amounts=never)
    assert _deal(ex, PRICED).amount is None


def test_a_malformed_model_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"weights": {"a": 1.0}, "intercept": 0.0}))
    with pytest.raises(LexiconError, match=r"bad\.json: missing or malformed key .*threshold.*train_amount_model"):
        load_amount_model(bad)
    with pytest.raises(LexiconError, match="file not found"):
        load_amount_model(tmp_path / "absent.json")
    with pytest.raises(LexiconError):
        AmountModel({"weights": [1, 2], "intercept": 0.0, "threshold": 0.5})
