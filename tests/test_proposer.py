"""The learned event proposer: events the sentence rules do not state, read from the story."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
from pathlib import Path

import pytest

from hypecycle.errors import LexiconError
from hypecycle.extract import Extractor
from hypecycle.extract.proposer import MODEL_FILE, EventProposer, Pair, load_proposer
from hypecycle.schema import Article

ROOT = Path(__file__).resolve().parents[1]


def _params(event: dict[str, float], *, threshold: float = 0.5, per_type: int = 1,
            acquirer: dict[str, float] | None = None) -> dict:
    """A hand-made model: features given weights, everything else weighs nothing."""
    return {"threshold": threshold, "per_type": per_type,
            "event": {"weights": event, "intercept": -5.0},
            "acquirer": {"weights": acquirer or {}, "intercept": -5.0, "threshold": 0.5},
            "status": {"classes": ["", "talks"], "models": [{"weights": {}, "intercept": 0.0},
                                                            {"weights": {"acquisition|bs=talks": 10.0},
                                                             "intercept": -1.0}],
                       "by_type": {"acquisition": ["", "talks"], "layoff": [""]}}}


def _pair(t: str, key: str, *feats: str, first: int = 0) -> Pair:
    return Pair(t, key, key.title(), first, "", {f: 1.0 for f in feats})


def test_shipped_proposer_is_plain_json_and_optional() -> None:
    """The shipped model is JSON numbers (no code runs on load); without it, or without the news
    model it was trained behind, nothing is proposed."""
    params = json.loads((ROOT / "hypecycle" / "data" / "events" / MODEL_FILE).read_text(encoding="utf-8"))
    assert all(isinstance(v, float) for v in params["event"]["weights"].values())
    assert len(params["status"]["classes"]) == len(params["status"]["models"])
    m = load_proposer()
    assert isinstance(m, EventProposer) and 0 < m.threshold < 1 and m.per_type >= 1
    assert Extractor().proposer is not None
    assert Extractor(proposer="none").proposer is None
    assert Extractor(news_model="none").proposer is None


def test_a_malformed_model_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"threshold": 0.5', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"p\.json: invalid JSON at line 1"):
        load_proposer(bad)
    bad.write_text(json.dumps({"threshold": 0.5, "event": {"weights": {}, "intercept": 0}}), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"p\.json: .*missing or malformed key"):  # the file given, not the shipped one
        load_proposer(bad)
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"p\.json: expected a JSON object"):
        load_proposer(bad)
    with pytest.raises(LexiconError, match="file not found"):
        load_proposer(tmp_path / "absent.json")


def test_propose_keeps_probable_pairs_one_per_company_and_at_most_per_type() -> None:
    m = EventProposer(_params({"strong": 10.0, "medium": 6.0}, per_type=1))
    pairs = [_pair("acquisition", "brightwave networks", "strong"),
             _pair("acquisition", "brightwave", "strong", first=3),  # an alias of the first
             _pair("acquisition", "harbor telecom", "medium"),  # probable, but one per type
             _pair("layoff", "harbor telecom", "medium"),
             _pair("layoff", "crestline", "weak")]
    chosen = m.propose(pairs)
    assert [(p.type, p.key) for p in chosen] == [("acquisition", "brightwave networks"), ("layoff", "harbor telecom")]
    two = EventProposer(_params({"strong": 10.0, "medium": 6.0}, per_type=2)).propose(pairs)
    assert [(p.type, p.key) for p in two] == [("acquisition", "brightwave networks"),
                                             ("acquisition", "harbor telecom"), ("layoff", "harbor telecom")]


def test_buyer_and_status_come_from_their_own_models() -> None:
    m = EventProposer(_params({"target": 10.0}, acquirer={"subject": 10.0}))
    target = _pair("acquisition", "brightwave", "target", "acquisition|bs=talks")
    pairs = [target, _pair("acquisition", "harbor", "subject"), _pair("acquisition", "crestline"),
             _pair("layoff", "northfield", "subject")]  # a buyer is a company of an acquisition pair
    assert m.buyer(target, pairs) == "Harbor"
    assert m.buyer(target, [target, pairs[2]]) is None  # nobody probable enough
    assert m.status_of(target) == "talks"
    assert m.status_of(pairs[2]) is None  # the "" class: the story leaves it unclear
    # a status its type never took in training is never given, however probable
    cuts = _pair("layoff", "northfield", "acquisition|bs=talks")
    assert m.status_of(cuts) is None


def test_the_trainers_choice_is_the_proposers() -> None:
    """Cross-validation scores what the shipped proposer would choose: the training script's
    ``choose``, ``buyer`` and ``status_of`` pick as :class:`EventProposer` does, on random pairs."""
    spec = importlib.util.spec_from_file_location("train_event_proposer", ROOT / "corpora" / "train_event_proposer.py")
    tr = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tr)  # type: ignore[union-attr]
    rng = random.Random(7)
    names = ["alpha", "alpha beta", "gamma", "delta", "epsilon"]
    for _ in range(200):
        pairs = [_pair(rng.choice(["acquisition", "layoff"]), rng.choice(names), f"f{rng.randrange(6)}",
                       first=rng.randrange(5)) for _ in range(rng.randrange(1, 7))]
        weights = {f"f{i}": rng.uniform(-3, 8) for i in range(6)}
        m = EventProposer(_params(weights, threshold=0.4, per_type=rng.choice([1, 2]), acquirer=weights))
        got = [(p.type, p.key) for p in m.propose(pairs)]
        rows = [{"type": p.type, "key": p.key, "name": p.name, "first": p.first} for p in pairs]
        probs = [p.probability for p in pairs]
        want = [(rows[i]["type"], rows[i]["key"]) for i in tr.choose(rows, probs, 0.4, m.per_type)]
        assert got == want
        models = {"status_classes": m.status_classes, "by_type": {t: sorted(v) for t, v in m.status_by_type.items()},
                  "status": [{"weights": x.weights, "intercept": x.intercept} for x in m.status]}
        for i, p in enumerate(pairs):
            assert (m.status_of(p) or "") == tr.status_of(models, p.features, p.type)
            if p.type == "acquisition":
                bp = [m.acquirer.probability(q.features) for q in pairs]
                assert m.buyer(p, pairs) == tr.buyer(rows, bp, i, 0.5)


#: A pending deal told through a shareholder's vote (our own sentences): no sentence says
#: "X agreed to buy Y", so the sentence rules state no event.
VOTE = Article("vote", dt.date(2013, 6, 7), "Investors back Harbor's approach",
               "A group of Brightwave Networks Inc shareholders holding 12 percent of its stock said on Thursday "
               "they will vote in favour of Harbor Telecom Corp's plan to buy 60 percent of Brightwave for "
               "$8 billion. A special meeting is set for next month. Crestline Media has said it may make a rival offer.")


def test_the_shipped_proposer_reads_a_pending_deal_the_rules_miss() -> None:
    assert Extractor(proposer="none").extract(VOTE).events == ()
    ex = Extractor()
    x = ex.extract(VOTE)
    assert x.warnings == ()  # extraction turns failures into warnings: none was swallowed
    events = x.events
    assert [(e.type, e.company) for e in events] == [("acquisition", "Brightwave Networks Inc")]
    assert events[0].evidence.startswith("A group of Brightwave")
    assert (events[0].amount, events[0].currency) == (8e9, "USD")  # the price its own sentence pays
    # every company of the story's trigger sentences was weighed, and only the target is probable
    probs = {p.name: p.probability for p in ex.story.last_pairs}
    assert set(probs) == {"Brightwave Networks Inc", "Harbor Telecom Corp"}
    assert probs["Brightwave Networks Inc"] > ex.proposer.threshold > probs["Harbor Telecom Corp"]
    assert Extractor().extract(VOTE) == ex.extract(VOTE)  # deterministic


def test_a_proposed_deal_with_two_prices_in_its_sentence_takes_neither() -> None:
    """Two prices paid for the target (cash, or stock) do not tell the story rules which is the
    deal's; the learned amount chooser takes one of them, never another figure."""
    two = Article(VOTE.id, VOTE.date, VOTE.title, VOTE.text.replace(
        "for $8 billion.", "for $8 billion, or for $9 billion in stock."))
    x = Extractor(amounts="none").extract(two)
    assert x.warnings == ()
    assert [(e.type, e.company, e.amount) for e in x.events] == [("acquisition", "Brightwave Networks Inc", None)]
    [event] = Extractor().extract(two).events
    assert event.amount in (8e9, 9e9)


#: An acquisition told in passing in a story about results (our own sentences): the rules read
#: the deal and its price, the news model drops it as background, the proposer brings it back.
ASIDE = Article("aside", dt.date(2012, 3, 14), "Acme Foods profit slips on higher grain costs",
                "Acme Foods Inc said on Wednesday its quarterly profit fell 8 percent as grain costs rose and "
                "demand for its breakfast cereals weakened in Europe. The company cut its forecast for the year and "
                "said it would close two plants in Ohio. Its shares fell 3 percent. Analysts had expected more. "
                "Acme also said it had bought privately held Birchwood Corp., a maker of frozen sauces and soups, "
                "for about $95 million.")


def test_a_proposed_pair_the_news_model_dropped_keeps_the_rules_fields(tmp_path) -> None:
    assert [e.company for e in Extractor(proposer="none").extract(ASIDE).events] == []  # the news model drops it
    model = tmp_path / "proposer.json"  # a hand-made proposer that brings back what the news model dropped
    model.write_text(json.dumps(_params({"acquisition|rules_dropped": 10.0})), encoding="utf-8")
    ex = Extractor(proposer=model)
    x = ex.extract(ASIDE)
    assert x.warnings == ()
    pair = next(p for p in ex.story.last_pairs if (p.type, p.key) == ("acquisition", "birchwood"))
    assert pair.features.get("acquisition|rules_dropped") == 1.0  # the news model dropped the rules' candidate
    got = [(e.type, e.company, e.amount, e.currency) for e in x.events]
    assert got == [("acquisition", "Birchwood Corp", 95e6, "USD")]


#: A sale told through a court's order (our own sentences): no trigger of the rules, only the words
#: "the sale of", which the proposer's cues weigh.
HALT = Article("halt", dt.date(2007, 12, 7), "Court orders halt to Fernhill Care sale",
               "A state court ordered a temporary halt on Thursday to the $1.2 billion sale of Fernhill Care Inc to "
               "private equity firm Oakridge Partners, according to a court order. Fernhill Care, which runs nursing "
               "homes, said it would appeal. Its shares closed up 1 percent.")


def test_a_cue_sentence_is_weighed_when_no_trigger_speaks() -> None:
    assert Extractor(proposer="none").extract(HALT).events == ()
    ex = Extractor()
    x = ex.extract(HALT)
    assert x.warnings == ()
    pair = next(p for p in ex.story.last_pairs if (p.type, p.key) == ("acquisition", "fernhill care"))
    assert any("cue_sale_of" in k for k in pair.features)
    assert [(e.type, e.company) for e in x.events] == [("acquisition", "Fernhill Care Inc")]


def test_kept_events_are_never_proposed_again() -> None:
    """A pair the rules and news model already report is not a pair the proposer weighs."""
    a = Article("kept", dt.date(2013, 6, 7), "Hanwell to buy Calder Steel for 900 million pounds",
                "Hanwell Industries Plc agreed on Tuesday to buy Calder Steel Plc for 900 million pounds in cash. "
                "The deal is expected to close in the autumn.")
    ex = Extractor()
    events = ex.extract(a).events
    assert [(e.type, e.company) for e in events] == [("acquisition", "Calder Steel Plc")]
    assert ("acquisition", "calder steel") not in {(p.type, p.key) for p in ex.story.last_pairs}


def test_the_proposer_weighs_every_story_of_our_own_without_a_failure() -> None:
    """On the 260 articles of our own writing (``synthetic.jsonl``), extraction with the proposer
    warns of no failure, weighs pairs wherever a trigger sentence names a company, and proposes
    nothing the rules and news model already report."""
    ex = Extractor()
    weighed = 0
    for line in (ROOT / "tests" / "data" / "extraction" / "synthetic.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        art = Article(row["id"], dt.date.fromisoformat(row["date"]), row["title"], row["text"])
        x = ex.extract(art)
        assert x.warnings == (), (row["id"], x.warnings)
        pairs = ex.story.last_pairs
        weighed += bool(pairs)
        keys = [(e.type, e.company) for e in x.events]
        assert len(keys) == len(set(keys)), row["id"]
    assert weighed > 100


def _cue_found(body: str, spans: list[tuple[int, int]]) -> set[int]:
    """The sentences where a cue's own pattern matches, searched one by one (what the gate saves)."""
    from hypecycle.extract.story import _CUES

    return {i for i, (a, b) in enumerate(spans) if any(rx.search(body[a:b].lower()) for rx in _CUES.values())}


@pytest.mark.parametrize("body", [
    "Quarrow Ltd reported results. The sale of its Nordvale unit is pending. Profit rose.",
    "Zürich-based Quarrow said buyers for the plant remain. Société Générale's merger talks ended.",
    "The lender was closed. Regulators seized it; two banks took its deposits on Friday.",
    "Profits fell at Quarrow. Analysts see no bid. Its staff are worried about the ﬁnancing round.",
    "Prices rose.Bidders lined up. Nothing else happened here at all.",
    "No event here. Nor here. Only weather and sport today.",
])
def test_the_cue_gate_flags_every_sentence_a_cue_is_found_in(body: str) -> None:
    """One RE2 pass over the story stands in for every cue pattern over every sentence: the
    sentences it flags hold every one that the patterns find (non-ASCII letters, a match across
    a sentence boundary, a sentence glued to a word), and few others."""
    from hypecycle.extract.sentences import split_sentences
    from hypecycle.extract.story import _cue_sentences

    spans = split_sentences(body)
    flagged = _cue_sentences(body, spans)
    assert flagged is not None
    found = _cue_found(body, spans)
    assert found <= flagged
    assert len(flagged - found) <= 1  # a superset, not every sentence


def test_the_cue_gate_searches_every_sentence_when_lower_case_changes_length() -> None:
    from hypecycle.extract.sentences import split_sentences
    from hypecycle.extract.story import _cue_sentences

    body = "İstanbul Quarrow agreed a takeover. Nothing more."
    assert len(body.lower()) != len(body)
    assert _cue_sentences(body, split_sentences(body)) is None


def test_the_cue_gate_changes_no_proposed_event() -> None:
    """Stories of our own through the extractor with the gate and with every sentence searched
    give the same events."""
    import hypecycle.extract.story as story

    ex = Extractor()
    stories = [
        ("Quarrow weighs options", "Quarrow Ltd has put itself up for sale, people familiar said. "
         "Bidders for the Zürich-based maker include Nordvale Corp. The auction ends in May."),
        ("Banks shut", "Regulators closed Brightwell Bank on Friday. Its deposits went to a rival bank."),
        ("Layoffs", "Tallowin Inc said it would cut 300 jobs. The workforce had grown fast."),
    ]
    arts = [Article(f"a{i}", dt.date(2010, 1, 1), t, x) for i, (t, x) in enumerate(stories)]
    gated = [ex.extract(a).events for a in arts]
    original = story._cue_sentences
    try:
        story._cue_sentences = lambda body, spans: None
        searched = [ex.extract(a).events for a in arts]
    finally:
        story._cue_sentences = original
    assert gated == searched
    assert any(gated)
