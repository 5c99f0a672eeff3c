"""The English regular expressions of the extraction rules as data (patterns.json)."""

import re

import pytest

from hypecycle.errors import LexiconError
from hypecycle.extract import resources


def _with_data(monkeypatch, data):
    """Serve ``data`` as patterns.json (other files as shipped)."""
    real = resources.load_json
    monkeypatch.setattr(resources, "load_json", lambda name: data if name == resources.PATTERNS_FILE else real(name))


def test_a_bad_pattern_is_a_lexicon_error_naming_the_file_and_entry(monkeypatch):
    _with_data(monkeypatch, {"parts": {}, "events": {"broken": {"why": "test", "pattern": ["\\b(?:jobs", "|staff\\b"]}}})
    with pytest.raises(LexiconError, match=r"patterns\.json events\.broken: bad regular expression") as info:
        resources.pattern("events", "broken")
    assert isinstance(info.value.__cause__, re.error)


@pytest.mark.parametrize("entry, reason", [
    ({"why": "no pattern"}, r"events\.odd has no 'pattern'"),
    ({"pattern": 3}, r"events\.odd must be a string or a list of strings"),
    ({"pattern": r"\b(?&nowhere)\b"}, r"events\.odd uses \(\?&nowhere\), which is not in 'parts'"),
    ({"pattern": r"(?&nested)"}, r"parts\.nested uses a placeholder; parts cannot nest"),
], ids=["no pattern", "not a string", "unknown part", "nested part"])
def test_malformed_entries_name_the_file_and_entry(monkeypatch, entry, reason):
    _with_data(monkeypatch, {"parts": {"nested": {"pattern": "(?:a|(?&nested))"}}, "events": {"odd": entry}})
    with pytest.raises(LexiconError, match=r"\] patterns\.json: " + reason):
        resources.pattern("events", "odd")


def test_a_missing_entry_or_table_names_the_file(monkeypatch):
    _with_data(monkeypatch, {"parts": {}, "events": {"plain": {"pattern": "x"}}})
    with pytest.raises(LexiconError, match=r"patterns\.json: no pattern events\.gone"):
        resources.pattern("events", "gone")
    with pytest.raises(LexiconError, match=r"patterns\.json: events\.plain must have 'patterns'"):
        resources.patterns("events", "plain")


def test_parts_are_spliced_verbatim(monkeypatch):
    _with_data(monkeypatch, {"parts": {"deal": {"pattern": "(?:deal|bid)"}},
                             "story": {"ref": {"pattern": [r"\bthe ", r"(?&deal)\b"]},
                                       "literal": {"pattern": r"[\(?&deal)]"},
                                       "table": {"patterns": {"ipo": r"(?&deal)s?", "funding": "round"}}}})
    compiled = resources._pattern.__wrapped__  # uncached: the served data is a stand-in
    assert compiled("story", "ref", 0).pattern == r"\bthe (?:deal|bid)\b"
    assert compiled("story", "literal", 0).pattern == r"[\(?&deal)]"  # after an escaped "(": no placeholder
    table = dict(resources._patterns.__wrapped__("story", "table", 0))
    assert [(k, p.pattern) for k, p in table.items()] == [("ipo", "(?:deal|bid)s?"), ("funding", "round")]


def test_the_placeholder_is_no_python_regex():
    """``(?&name)`` is an error in Python's re, so it never means anything else in a valid pattern."""
    with pytest.raises(re.error):
        re.compile("(?&startup_words)")


def test_every_shipped_pattern_compiles_and_every_part_is_used():
    data = resources.load_json(resources.PATTERNS_FILE)
    used = set()
    for group, entries in data.items():
        if group.startswith("_") or group == "parts":
            continue
        for name, entry in entries.items():
            assert entry.get("why"), f"{group}.{name} has no why"
            if "patterns" in entry:
                texts = list(entry["patterns"].values())
                assert resources.patterns(group, name)
            else:
                texts = [entry["pattern"]]
                assert resources.pattern(group, name).pattern
            for t in texts:
                used.update(resources.PART_RE.findall("".join(t) if isinstance(t, list) else t))
    assert used == set(data["parts"])


_TITLED = re.compile(r"(?<![\w-])(?i:vice president|president)\s+([A-Z]\w+)")
_TITLED_GATE = resources.compile_gate(r"(?i:vice president|president)\s+[A-Z]", "test")


@pytest.mark.parametrize("text", [
    "said President Alma Reyes and vice president Tom Nys.",
    "the ex-vice president Ruth Oyelaran spoke",  # no match at the gate's first place, one inside it
    "president Ana, president Bo, president Cy",  # matches back to back
    "no title here, President of nothing",
    "",
    "Président Zoë Kärnä and president Ole Brun",  # not ASCII: the pattern alone
])
def test_a_gated_search_finds_what_the_pattern_finds(text):
    """The pattern tried only where the RE2 gate matches gives finditer's matches, in order, also
    when the pattern fails where the gate first matches and holds inside that match."""
    gated = [(m.span(), m.group(1)) for m in resources.gated_finditer(_TITLED, _TITLED_GATE, text)]
    assert gated == [(m.span(), m.group(1)) for m in _TITLED.finditer(text)]


def test_a_gated_search_tries_the_pattern_only_where_the_gate_matches():
    class Counting:
        def __init__(self):
            self.at = []

        def match(self, text, pos):
            self.at.append(pos)
            return _TITLED.match(text, pos)

        def finditer(self, text):
            return _TITLED.finditer(text)

    full = Counting()
    text = "x" * 500 + " the ex-vice president Ruth Oyelaran spoke " + "y" * 500
    found = [m.group(1) for m in resources.gated_finditer(full, _TITLED_GATE, text)]
    assert found == ["Ruth"]
    assert full.at == [text.index("vice"), text.index("president")]
