"""Topic mentions and hype/scepticism cues, matched with spaCy from pattern data.

Lexicons are spaCy ruler pattern JSONL files, one pattern a line::

    {"label": "cloud", "pattern": "software as a service", "id": "saas"}
    {"label": "cloud", "pattern": [{"LOWER": "cloud"}, {"LOWER": {"IN": ["service", "services"]}}], "id": "cloud services"}

``label`` is the topic, ``id`` the canonical term that normalises synonyms, and
``pattern`` either a phrase string (matched case-insensitively on token ``LOWER``)
or a spaCy token pattern. The shipped lexicons live in ``hypecycle/data/lexicons``
and the cue list in ``hypecycle/data/cues.jsonl``; both are documented in
``hypecycle/data/lexicons/README.md``.

Matching rules, shared by :class:`TopicMatcher` and :class:`CueMatcher`:

* Phrase strings are tokenised with the pipeline's own tokenizer, so hyphens split
  as in running text ("cloud-based" is ``cloud - based``). A phrase whose words are
  separated by spaces also matches its hyphenated spelling ("software as a service"
  matches "software-as-a-service"); the reverse is not automatic, because "write-down"
  must not match the verb "write down".
* Token patterns that use one attribute for every token, ``LOWER`` or (case-sensitive)
  ``ORTH``/``TEXT``, each an exact string or an ``IN`` set, without operators, are
  expanded into phrases and run in a :class:`spacy.matcher.PhraseMatcher` for speed;
  any other token pattern (``OP``, ``REGEX``, mixed attributes ...) goes to a
  :class:`spacy.matcher.Matcher`, which is several times slower per token.
* Overlapping matches are resolved as by :func:`spacy.util.filter_spans`: the longest
  match wins, then the earliest. Topics are resolved separately (a stretch of text
  may count for two topics, never twice for one); cues are resolved together.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc
from spacy.util import filter_spans

from hypecycle.errors import LexiconError

if TYPE_CHECKING:  # pandas only for list_topics: extraction workers need not load it
    import pandas as pd

__all__ = [
    "anchor_runs",
    "anchor_words",
    "CUE_LABELS",
    "TERMS_TOPIC",
    "CueMatcher",
    "TopicMatcher",
    "cues_path",
    "lexicon_dir",
    "list_topics",
    "load_patterns",
]

#: Labels counted by :class:`CueMatcher`. ``neutral`` patterns are matched but never
#: counted: they block a shorter cue inside a longer non-cue phrase
#: ("Revolutionary Guards" is not hype).
CUE_LABELS = ("hype", "skeptic")
_CUE_BLOCK_LABEL = "neutral"
#: Topic under which ad-hoc ``terms`` are counted.
TERMS_TOPIC = "terms"

_ALLOWED_KEYS = {"label", "pattern", "id"}
_SIMPLE_ATTRS = {"LOWER", "ORTH"}
_MAX_EXPANSION = 256  # phrases one simple token pattern may expand into
_CACHE_SIZE = 16


def lexicon_dir() -> Path:
    """Return the folder of the shipped topic lexicons.

    Returns
    -------
    pathlib.Path
        ``hypecycle/data/lexicons`` inside the installed package; one
        ``<topic>.jsonl`` file per topic.
    """
    return Path(__file__).resolve().parent.parent / "data" / "lexicons"


def cues_path() -> Path:
    """Return the path of the shipped hype/scepticism cue list (``data/cues.jsonl``)."""
    return Path(__file__).resolve().parent.parent / "data" / "cues.jsonl"


def _shipped_lexicons() -> list[Path]:
    return sorted(lexicon_dir().glob("*.jsonl"))


# --------------------------------------------------------------------------- loading


def _check_entry(obj: Any, where: str) -> dict:
    """Validate one decoded line; return the normalised pattern dict."""
    if not isinstance(obj, dict):
        raise LexiconError(f"{where}: expected a JSON object with label, pattern and id, "
                           f"got {type(obj).__name__}")
    unknown = set(obj) - _ALLOWED_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown key(s) {sorted(unknown)}; allowed keys are "
                           "label, pattern, id")
    label = obj.get("label")
    if not isinstance(label, str) or not label.strip():
        raise LexiconError(f"{where}: 'label' must be a non-empty string, got {label!r}")
    if "pattern" not in obj:
        raise LexiconError(f"{where}: missing 'pattern' (a phrase string or a token-pattern list)")
    pattern = obj["pattern"]
    if isinstance(pattern, str):
        if not pattern.strip():
            raise LexiconError(f"{where}: 'pattern' is an empty string")
    elif isinstance(pattern, list):
        if not pattern:
            raise LexiconError(f"{where}: 'pattern' is an empty token list")
        if not all(isinstance(tok, dict) for tok in pattern):
            raise LexiconError(f"{where}: a token pattern must be a list of objects, "
                               f"e.g. [{{\"LOWER\": \"cloud\"}}, {{\"LOWER\": \"computing\"}}]")
        errors = validate_token_pattern(pattern)
        if errors:
            raise LexiconError(f"{where}: invalid token pattern: {'; '.join(map(str, errors))}")
        for i, tok in enumerate(pattern):
            value = tok.get("LOWER", tok.get("lower"))
            words = value.get("IN", []) if isinstance(value, dict) else [value]
            upper = [w for w in words if isinstance(w, str) and w != w.lower()]
            if upper:
                raise LexiconError(f"{where}: token {i} matches LOWER against {upper[0]!r}, "
                                   "which has capitals and can never match; write it in lower case")
    else:
        raise LexiconError(f"{where}: 'pattern' must be a string or a list of token objects, "
                           f"got {type(pattern).__name__}")
    term = obj.get("id")
    if term is None:
        if not isinstance(pattern, str):
            raise LexiconError(f"{where}: a token pattern needs an 'id' (its canonical term)")
        term = " ".join(pattern.lower().split())
    if not isinstance(term, str) or not term.strip():
        raise LexiconError(f"{where}: 'id' must be a non-empty string, got {term!r}")
    return {"label": label.strip(), "pattern": pattern, "id": term.strip()}


def _pattern_key(pattern: str | list) -> str:
    if isinstance(pattern, str):
        return " ".join(pattern.lower().split())
    return json.dumps(pattern, sort_keys=True)


def load_patterns(paths: Sequence[Path | str], *,
                  labels: Iterable[str] | None = None) -> list[dict]:
    """Read and validate pattern JSONL files.

    Parameters
    ----------
    paths : sequence of path-like
        JSONL files in spaCy ruler format. Blank lines are skipped.

    Returns
    -------
    list of dict
        One ``{"label", "pattern", "id"}`` dict per line, in file order. A missing
        ``id`` on a phrase pattern defaults to the lower-cased phrase.
    labels : iterable of str, optional
        If given, the only labels allowed (e.g. the cue labels).

    Raises
    ------
    LexiconError
        ``"<file>:<line>: <reason>"`` for a file that cannot be read, a line that is
        not a JSON object, an unknown key, an empty or invalid pattern, a token
        pattern without ``id``, a label outside ``labels``, or a pattern repeated
        within a label (same id: a duplicate; another id: a conflict).
    """
    allowed = None if labels is None else set(labels)
    out: list[dict] = []
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LexiconError(f"{path}: lexicon file not found; pass an existing .jsonl file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LexiconError(f"{path}: cannot read lexicon file ({exc})") from None
        seen: dict[tuple[str, str], tuple[int, str]] = {}
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LexiconError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); "
                                   "each line must be one JSON object") from None
            entry = _check_entry(obj, where)
            if allowed is not None and entry["label"] not in allowed:
                raise LexiconError(f"{where}: label {entry['label']!r} is not allowed here; "
                                   f"use one of {', '.join(sorted(allowed))}")
            key = (entry["label"], _pattern_key(entry["pattern"]))
            if key in seen:
                first, first_id = seen[key]
                what = "duplicate" if first_id == entry["id"] else \
                    f"conflicting (id {first_id!r} vs {entry['id']!r})"
                raise LexiconError(f"{where}: {what} pattern for label {entry['label']!r}, "
                                   f"first given on line {first}; remove one of them")
            seen[key] = (lineno, entry["id"])
            out.append(entry)
    return out


def list_topics(paths: Sequence[Path | str] | None = None) -> pd.DataFrame:
    """Summarise lexicons: one row per topic and file.

    Parameters
    ----------
    paths : sequence of path-like, optional
        Lexicon files; ``None`` means every shipped lexicon.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic``, ``n_terms`` (distinct canonical ids), ``n_patterns``,
        ``terms`` (up to eight ids, comma-joined, as a sample) and ``path``;
        sorted by topic then path.

    Raises
    ------
    LexiconError
        If a file is malformed (see :func:`load_patterns`).
    """
    files = _shipped_lexicons() if paths is None else [Path(p) for p in paths]
    rows = []
    for path in files:
        by_topic: dict[str, list[str]] = {}
        for entry in load_patterns([path]):
            by_topic.setdefault(entry["label"], []).append(entry["id"])
        for topic, ids in by_topic.items():
            distinct = list(dict.fromkeys(ids))
            rows.append({"topic": topic, "n_terms": len(distinct), "n_patterns": len(ids),
                         "terms": ", ".join(distinct[:8]), "path": str(path)})
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["topic", "n_terms", "n_patterns", "terms", "path"])
    return frame.sort_values(["topic", "path"], ignore_index=True)


# --------------------------------------------------------------------------- compiling


def _separator_variants(phrase: str) -> list[str]:
    """The phrase as written and, if its words are separated by spaces only, hyphenated.

    Only space -> hyphen is automatic: "software as a service" also matches
    "software-as-a-service". Hyphen -> space is not ("write-down" must not match the
    verb "write down"), so such variants are listed in the data where wanted.
    """
    words = phrase.split()
    if len(words) > 1 and "-" not in phrase:
        return [phrase, "-".join(words)]
    return [phrase]


def _simple_alternatives(pattern: list[dict]) -> tuple[str, list[list[str]]] | None:
    """``(attr, per-token word alternatives)`` if the token pattern is a plain phrase.

    A plain phrase uses one attribute for every token, ``LOWER`` or ``ORTH``/``TEXT``
    (case-sensitive), each an exact string or an ``IN`` list, and no operators.
    Anything else returns None and goes to the :class:`~spacy.matcher.Matcher`.
    """
    alternatives = []
    attrs = set()
    for token in pattern:
        if len(token) != 1:
            return None
        (attr, value), = token.items()
        attr = attr.upper()
        attr = "ORTH" if attr == "TEXT" else attr
        if attr not in _SIMPLE_ATTRS:
            return None
        attrs.add(attr)
        if isinstance(value, str):
            alternatives.append([value])
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
                and value["IN"] and all(isinstance(v, str) for v in value["IN"]):
            alternatives.append(list(value["IN"]))
        else:
            return None
    if len(attrs) != 1:
        return None
    n = 1
    for alt in alternatives:
        n *= len(alt)
    return (attrs.pop(), alternatives) if n <= _MAX_EXPANSION else None


@dataclass
class _Compiled:
    """Matchers compiled for one pipeline, plus the map from match key to (label, id)."""

    phrase: PhraseMatcher                 # attr LOWER: phrase strings, LOWER token patterns
    phrase_orth: PhraseMatcher | None     # attr ORTH: case-sensitive token patterns
    matcher: Matcher | None               # every other token pattern
    keys: dict[int, tuple[str, str]]
    #: For each anchor (one lower-case run per phrase that any match contains), the sets
    #: of runs its phrases need; ``None`` when a Matcher pattern makes that unknowable.
    #: Text whose runs include no such set cannot match.
    anchors: dict[str, tuple[frozenset[str], ...]] | None = None
    #: Characters the longest phrase can span in text (its tokens joined by single spaces);
    #: any match lies within this many characters of its anchor on either side.
    span_chars: int = 0
    #: Every phrase's lower-case runs in order (``None`` when a Matcher pattern is present).
    phrase_runs: tuple[tuple[str, ...], ...] | None = None

    def anchors_present(self, runs: set[str]) -> set[str] | None:
        """The anchors of phrases all of whose runs occur in ``runs`` (``None``: unknown)."""
        if self.anchors is None:
            return None
        return {a for a in self.anchors.keys() & runs if any(req <= runs for req in self.anchors[a])}

    def spans(self, doc: Doc):
        spans = self.phrase(doc, as_spans=True)
        if self.phrase_orth is not None:
            spans += self.phrase_orth(doc, as_spans=True)
        if self.matcher is not None:
            spans += self.matcher(doc, as_spans=True)
        return spans


def _compile(nlp, patterns: Iterable[dict], *, inflect: bool = False) -> _Compiled:
    """Compile patterns; with ``inflect``, phrase strings and plain token patterns also match the
    regular inflections of their last word (:mod:`hypecycle.inflections`)."""
    from hypecycle.inflections import phrase_forms, word_forms

    vocab = nlp.vocab
    keys: dict[int, tuple[str, str]] = {}
    phrase_docs: dict[str, dict[str, dict[tuple[str, ...], Doc]]] = {"LOWER": {}, "ORTH": {}}
    token_patterns: dict[str, list[list[dict]]] = {}
    for entry in patterns:
        key = f"{entry['label']}\x1f{entry['id']}"
        keys[vocab.strings.add(key)] = (entry["label"], entry["id"])
        pattern = entry["pattern"]
        if isinstance(pattern, str):
            bucket = phrase_docs["LOWER"].setdefault(key, {})
            for form in phrase_forms(pattern, exact=not inflect):
                for variant in _separator_variants(form):
                    doc = nlp.make_doc(variant)
                    bucket.setdefault(tuple(t.lower_ for t in doc), doc)
            continue
        simple = _simple_alternatives(pattern)
        if simple is None:
            token_patterns.setdefault(key, []).append(pattern)
            continue
        attr, alternatives = simple
        if inflect:
            last = alternatives[-1]
            alternatives = alternatives[:-1] + [list(dict.fromkeys(
                last + [f for w in last for f in word_forms(w)]))]
        bucket = phrase_docs[attr].setdefault(key, {})
        for words in itertools.product(*alternatives):
            sig = tuple(w.lower() for w in words) if attr == "LOWER" else words
            bucket.setdefault(sig, Doc(vocab, words=list(words)))
    anchors: dict[str, set[frozenset[str]]] | None = {}
    ordered: set[tuple[str, ...]] = set()
    span_chars = 0
    for by_key in phrase_docs.values():
        for docs in by_key.values():
            for doc in docs.values():
                runs = _runs(doc)
                ordered.add(tuple(runs))
                anchors.setdefault(_anchor(runs), set()).add(frozenset(runs))
                # a match's tokens are separated by at most one space (more would be a space token)
                span_chars = max(span_chars, sum(len(t.text) for t in doc) + len(doc) - 1)
    if token_patterns:
        anchors = None
    matchers = {}
    for attr, by_key in phrase_docs.items():
        matchers[attr] = PhraseMatcher(vocab, attr=attr)
        for key, docs in by_key.items():
            matchers[attr].add(key, list(docs.values()))
    matcher = Matcher(vocab)
    for key, pats in token_patterns.items():
        matcher.add(key, pats)
    return _Compiled(matchers["LOWER"], matchers["ORTH"] if len(matchers["ORTH"]) else None,
                     matcher if len(matcher) else None, keys,
                     None if anchors is None else {a: tuple(reqs) for a, reqs in anchors.items()}, span_chars,
                     None if anchors is None else tuple(sorted(ordered)))


#: Runs of letters, or of digits. spaCy's tokenizer may split a word at a letter/digit
#: boundary ("3G", "5km") but never inside a run of letters or of digits, so every
#: token's runs appear as whole runs of the text it came from.
_RUN = re.compile(r"[^\W\d_]+|\d+")


def _runs(doc: Doc) -> list[str]:
    """The lower-cased letter and digit runs of a phrase's tokens."""
    return [w for t in doc for w in _RUN.findall(t.text.lower())]


def _anchor(runs: list[str]) -> str:
    """The run of a phrase (its longest run of letters or digits) located in the text."""
    return max(runs, key=lambda w: (len(w), w.isalpha())) if runs else ""


def anchor_words(text_lower: str) -> set[str]:
    """The letter and digit runs of a lower-cased text, to test against matcher anchors."""
    return set(_RUN.findall(text_lower))


def anchor_runs(text_lower: str) -> Iterator[re.Match]:
    """The letter and digit runs of a lower-cased text, in order, to find where anchors are
    (an anchor is always a whole run)."""
    return _RUN.finditer(text_lower)


# Compiled matchers, keyed by pipeline and pattern source; bounded, most recent kept.
# The entry holds the pipeline itself so that its id cannot be reused while cached.
_COMPILED: OrderedDict[tuple, tuple[Any, _Compiled]] = OrderedDict()


def _file_signature(paths: Sequence[Path]) -> tuple:
    sig = []
    for p in paths:
        try:
            st = p.stat()
            sig.append((str(p.resolve()), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((str(p), None, None))  # load_patterns reports it
    return tuple(sig)


def forget_pipeline(nlp) -> None:
    """Drop the matchers compiled for ``nlp`` (and with them the cache's hold on it)."""
    for key in [k for k, (owner, _) in _COMPILED.items() if owner is nlp]:
        del _COMPILED[key]


def _cached_compile(nlp, kind: str, paths: Sequence[Path], extra: tuple, build, *,
                    inflect: bool = False) -> _Compiled:
    key = (id(nlp), kind, _file_signature(paths), extra, inflect)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is nlp:
        _COMPILED.move_to_end(key)
        return hit[1]
    compiled = _compile(nlp, build(), inflect=inflect)
    _COMPILED[key] = (nlp, compiled)
    while len(_COMPILED) > _CACHE_SIZE:
        _COMPILED.popitem(last=False)
    return compiled


# --------------------------------------------------------------------------- matchers


class TopicMatcher:
    """Count topic mentions per canonical term in a tokenised document.

    Parameters
    ----------
    nlp : spacy.Language
        Any English pipeline; only its tokenizer and vocab are used, so
        ``spacy.blank("en")`` is enough and documents should come from
        ``nlp.make_doc(text)``.
    paths : sequence of path-like, optional
        Lexicon files. ``None`` means every shipped lexicon; to add a user lexicon
        to them pass ``[*lexicon_dir().glob("*.jsonl"), user_file]``.
    terms : sequence of str, optional
        Ad-hoc phrases, each counted under topic ``"terms"`` with the phrase itself
        (whitespace-normalised, case kept) as the canonical term.
    exact : bool
        Match lexicon phrases and terms as written. By default each also matches the regular
        inflections of its last word ("data center" finds "data centers"; see
        :mod:`hypecycle.inflections`).

    Raises
    ------
    LexiconError
        If a lexicon file is malformed or an ad-hoc term is empty.

    Notes
    -----
    Compiled matchers are cached per pipeline and file version, so building a
    second ``TopicMatcher`` with the same arguments is cheap.
    """

    def __init__(self, nlp, paths: Sequence[Path | str] | None = None,
                 terms: Sequence[str] | None = None, *, exact: bool = False):
        self.nlp = nlp
        self.exact = exact
        self.paths = _shipped_lexicons() if paths is None else [Path(p) for p in paths]
        clean_terms = []
        for i, term in enumerate(terms or ()):
            if not isinstance(term, str) or not term.strip():
                raise LexiconError(f"terms[{i}]: expected a non-empty phrase string, got {term!r}")
            clean_terms.append(" ".join(term.split()))
        self.terms = list(dict.fromkeys(clean_terms))

        def build() -> list[dict]:
            patterns = load_patterns(self.paths)
            patterns += [{"label": TERMS_TOPIC, "pattern": t, "id": t} for t in self.terms]
            return patterns

        self._compiled = _cached_compile(nlp, "topics", self.paths, tuple(self.terms), build, inflect=not exact)
        self.topics = sorted({label for label, _ in self._compiled.keys.values()})
        #: Which anchor words make a match possible; see :class:`_Compiled`.
        self.anchors_present = self._compiled.anchors_present
        self.span_chars = self._compiled.span_chars

    @property
    def phrase_runs(self) -> tuple[tuple[str, ...], ...] | None:
        """Each phrase's lower-case runs of letters or digits, in order: a match always shows
        them in this order with nothing but non-alphanumeric characters between them (so a
        text without any such sequence cannot match: a prefilter), or ``None`` when a token
        pattern makes that unknowable."""
        return self._compiled.phrase_runs

    @property
    def anchors(self) -> frozenset[str] | None:
        """The lower-case runs of letters or digits of which every match holds one (so text
        holding none of them cannot match: a prefilter), or ``None`` when a token pattern
        makes that unknowable."""
        a = self._compiled.anchors
        return None if a is None else frozenset(a)

    def count(self, doc: Doc) -> dict[str, dict[str, int]]:
        """Count mentions in ``doc``.

        Parameters
        ----------
        doc : spacy.tokens.Doc
            A document made by ``nlp.make_doc(text)`` (or a full pipeline).

        Returns
        -------
        dict
            ``{topic: {canonical_term: count}}``; topics without a mention are
            absent. Within one topic overlapping matches count once (longest wins).
        """
        keys = self._compiled.keys
        by_topic: dict[str, list] = {}
        for span in self._compiled.spans(doc):
            by_topic.setdefault(keys[span.label][0], []).append(span)
        result: dict[str, dict[str, int]] = {}
        for topic, spans in by_topic.items():
            counts: dict[str, int] = {}
            for span in (filter_spans(spans) if len(spans) > 1 else spans):
                term = keys[span.label][1]
                counts[term] = counts.get(term, 0) + 1
            result[topic] = counts
        return result


class CueMatcher:
    """Count hype and scepticism cues in a tokenised document.

    Parameters
    ----------
    nlp : spacy.Language
        Any English pipeline; only its tokenizer and vocab are used.
    path : path-like, optional
        A cue file in pattern JSONL with labels ``hype``, ``skeptic`` or ``neutral``
        (``neutral`` patterns block shorter cues inside them and are not counted).
        ``None`` means the shipped ``data/cues.jsonl``.

    Raises
    ------
    LexiconError
        If the file is malformed or uses another label.
    """

    def __init__(self, nlp, path: Path | str | None = None):
        self.nlp = nlp
        self.path = cues_path() if path is None else Path(path)
        allowed = (*CUE_LABELS, _CUE_BLOCK_LABEL)

        def build() -> list[dict]:
            return load_patterns([self.path], labels=allowed)

        self._compiled = _cached_compile(nlp, "cues", [self.path], (), build)
        #: Which anchor words make a match possible; see :class:`_Compiled`.
        self.anchors_present = self._compiled.anchors_present
        self.span_chars = self._compiled.span_chars

    def count(self, doc: Doc) -> dict[str, int]:
        """Count cues in ``doc``.

        Parameters
        ----------
        doc : spacy.tokens.Doc

        Returns
        -------
        dict
            ``{"hype": n, "skeptic": n}``; both keys always present. Overlapping
            cues of any label count once (longest wins).
        """
        result = dict.fromkeys(CUE_LABELS, 0)
        spans = self._compiled.spans(doc)
        if not spans:
            return result
        keys = self._compiled.keys
        for span in (filter_spans(spans) if len(spans) > 1 else spans):
            label = keys[span.label][0]
            if label in result:
                result[label] += 1
        return result
