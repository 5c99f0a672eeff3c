"""Article-level logic: from a story's sentences to its events.

:class:`StoryReader` runs the sentence rules (:mod:`hypecycle.extract.events`) on the
sentences that hold a trigger, and the headline, then decides at the level of the whole
story: amounts stated in a neighbouring sentence, the deal's value, whether a "raise" is a
startup's round, which events are asides (a rival's deal, history deep in the body) and
which are the story's news, and merges mentions of one event (aliases resolved). Where the
rules leave a funding, IPO or acquisition amount unset, the learned amount chooser
(:mod:`hypecycle.extract.amounts`) may set it from the story's other amounts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable, Iterable

from hypecycle.extract.amounts import AMOUNT_TYPES, StoryMoney, as_stated
from hypecycle.extract.companies import (RIC_BASE, RIC_EXCHANGES, Cand, Sent, gapped_name, normalise_company,
                                         person_words, same_company)
from hypecycle.extract.events import VENTURE_ARTICLE, Draft, _DIGIT
from hypecycle.extract.news import YEAR, exact_event
from hypecycle.extract.money import money_parser
from hypecycle.extract.proposer import story_pairs
from hypecycle.extract.resources import compile_gate, pattern, patterns, re2_text, word_set
from hypecycle.extract.sentences import LEAD as _LEAD
from hypecycle.extract.sentences import sentences_touched, split_sentences
from hypecycle.inflections import word_forms
from hypecycle.schema import Event

_TICKER = re.compile(
    rf"\(\s*(?:{RIC_BASE}[.-][A-Z]{{1,3}}|[A-Z]{{1,5}}\.[A-Z]{{1,2}}|(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX)\s*:\s*[A-Z.]{{1,6}})"
    rf"(?:\s*,\s*{RIC_BASE}\.[A-Z]{{1,3}})*\s*\)"
    # not "U.S.", "U.N.", "N.J."; two codes may run together ("Thomson Corp TOC.TOTOC.N")
    rf"|(?<=[a-z.)] )(?![A-Z]\.[A-Z]\.)(?:{RIC_BASE}\.(?:{RIC_EXCHANGES}))+\b"
)
_DATELINE = pattern("story", "dateline")
_SINCE_CLAUSE = pattern("story", "since_clause")
_NEWS_ANCHOR = pattern("story", "news_anchor")
_JOINED = pattern("story", "joined")
_TRIGGER_HINT = pattern("story", "trigger_hint")
_RUNNING_TOTAL = pattern("story", "running_total")
_IPO_AMOUNT_CUE = pattern("story", "ipo_amount_cue")
_INVESTOR_CUE = pattern("story", "investor_cue")


class StoryReader:
    """The events of one story (title and body), with the extractor's rules and pipelines.

    Parameters
    ----------
    nlp : spacy.Language
        The blank tokenizer pipeline.
    ner : callable or None
        Statistical NER on one sentence (``model="sm"``), else ``None``.
    rules : EventRules
        The sentence rules.
    fx : FxTable
        Yearly exchange rates, for ``amount_usd``.
    vocab : NameVocab
        The company-name vocabulary.
    news : NewsModel, optional
        The learned model (:mod:`hypecycle.extract.news`) deciding which candidate events are
        the story's news; without it the rules decide (asides are dropped).
    proposer : EventProposer, optional
        The learned proposer (:mod:`hypecycle.extract.proposer`) of events the sentence rules do
        not state; applied after the news model.
    story_types : StoryTypeModel, optional
        The story-type prior both learned models read.
    amounts : AmountModel, optional
        The learned amount chooser (:mod:`hypecycle.extract.amounts`), setting an event's amount
        where the rules set none.
    """

    def __init__(self, nlp: Any, ner: Any, rules: Any, fx: Any, vocab: Any, news: Any = None,
                 proposer: Any = None, story_types: Any = None, amounts: Any = None) -> None:
        self.nlp = nlp
        self.ner = ner
        self.rules = rules
        self.fx = fx
        self.vocab = vocab
        self.news = news
        self.proposer = proposer
        #: The story-type prior (:mod:`hypecycle.extract.story_types`) both models read, or None.
        self.story_types = story_types
        #: The learned amount chooser (:mod:`hypecycle.extract.amounts`), or None: the rules alone set amounts.
        self.amounts = amounts
        #: With a news model: the last story's candidate events and their features.
        self.last_candidates: list[tuple[Event, dict[str, float]]] = []
        #: With a proposer: the last story's (type, company) pairs, with features and probabilities.
        self.last_pairs: list[Any] = []

    def events(self, title: str, text: str, year: int) -> tuple[Event, ...]:
        """Events of one article (title and body); see :meth:`Extractor.extract`."""
        events, state = self.read(title, text, year)
        choose = self.amounts is not None and any(e.type in AMOUNT_TYPES and e.amount is None for e in events)
        # an amount the story may state only as a bracketed conversion of another (as_stated)
        bracketed = money_parser().bracketed  # only a story with a bracketed amount can state one as a conversion
        convert = any(e.type in AMOUNT_TYPES and e.amount is not None for e in events) and (
            bracketed.search(state.body) is not None or bracketed.search(title) is not None)
        if not (choose or convert):
            return events
        story = StoryMoney(title, state.body, state.spans, self.rules, year)
        out = []
        for e in events:
            if e.type in AMOUNT_TYPES:
                # the learned amount chooser sets the amount the rules left unset (it keeps theirs: they are exact)
                m = self.amounts.choose(e, story) if e.amount is None and self.amounts is not None else None
                if m is None and e.amount is not None and e.currency is not None:
                    m = as_stated(e.amount, e.currency, story)
                if m is not None:
                    e = replace(e, amount=m.amount, currency=m.currency,
                                amount_usd=self.fx.to_usd(m.amount, m.currency, year))
            out.append(e)
        return tuple(out)

    def read(self, title: str, text: str, year: int) -> tuple[tuple[Event, ...], _State]:
        """The events the rules, the news model and the proposer find (before the amount chooser),
        and the story's state (its body and sentence spans)."""
        self.last_candidates = []
        self.last_pairs = []
        body = _DATELINE.sub(lambda m: " " * len(m.group(0)), text, count=1)
        body = _TICKER.sub(lambda m: " " * len(m.group(0)), body)
        low = body.lower()
        if len(low) != len(body):
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in body)
        spans = split_sentences(body)
        hit = self.rules.trigger_sentences(low, spans)
        state = _State(self, body, spans, title, text)
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
        tsent = None
        if title.strip():
            tclean = self.vocab.headline_prefix.sub("", title)
            tclean = self.vocab.headline_suffix.sub("", tclean)
            words = [w for w in tclean.split() if w[:1].isalpha()]
            title_case = len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.7
            # a headline in title case ("Framer Raises $100M At $2B Valuation") is read in sentence case
            read_as = tclean if not title_case else _sentence_case(
                tclean, self.vocab.common_words | state.common, state.named, self.rules.trigger_re)
            tsent = state.make(read_as, headline=True)
            found, _ = self.rules.find(tsent, lambda: state.body_subject(), year)
            speaker = _SPEAKER.match(tclean)
            for d in found:
                d.sentence = -1
                if title_case and body.strip() and d.company not in body:
                    continue
                if speaker and normalise_company(speaker.group(1)) == normalise_company(d.company):
                    continue  # "Moody's: city's bankruptcy filing credit negative": who speaks, not the subject
                tdrafts.append(d)
            # a headline's round, told in the lead's words ("The round was led by X", "is now valued at
            # $350 million"), when the lead states no event of its own
            head_round = next((d for d in tdrafts if d.type == "funding"), None)
            if head_round is not None and spans and not any(d.sentence == 0 for d in drafts) \
                    and _TRIGGER_HINT.search(low, *spans[0]):
                self._follow_up(state.sent(0), head_round)
        if not drafts and not tdrafts:
            if self.proposer is None or self.news is None:
                return (), state
            return self._proposed(state, tsent, hit, [], [], body, year, state.gazetteer()), state
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
        gaz = state.gazetteer()
        if self.news is None:
            return tuple(e for e, _d in self._finish(drafts + tdrafts, year, gaz)), state
        # the learned news model decides which candidates are the story's news: the reported events,
        # and the events only weak mentions state (asides, hedged, plain money, references)
        pairs = self._finish(drafts + tdrafts, year, gaz, candidates=True)
        feats = [self.news.features(d, e, state, title, body, pairs) for e, d in pairs]
        self.last_candidates = list(zip((e for e, _d in pairs), feats))
        # rules stay where they are exact: a reported round with its money and its round or investors,
        # an IPO with its size and status (the model learned from news where few such events occur)
        kept = [e for (e, d), f in zip(pairs, feats) if self.news.is_news(f) or exact_event(e, d)]
        if self.proposer is None:
            return tuple(kept), state
        return tuple(kept) + self._proposed(state, tsent, hit, kept, pairs, body, year, gaz), state

    def _proposed(self, state: _State, tsent: Sent | None, hit: dict, kept: list[Event],
                  pairs: list[tuple[Event, Draft]], body: str, year: int,
                  gaz: list[tuple[int, str]]) -> tuple[Event, ...]:
        """Events the learned proposer reads from the story beyond the ones kept so far."""
        entries = self.rules.entries
        sents = []
        if tsent is not None:
            tlow = tsent.text.lower()
            # the headline's cues were weighed too and added nothing in cross-validation (0.596 against 0.597)
            sents.append((-1, tsent, _trigger_spans(tsent, self.rules.triggers(tlow), entries)))
        cued = _cue_sentences(state.body, state.spans)
        for si, (a, b) in enumerate(state.spans):
            spans = _trigger_spans(state.sent(si), hit[si], entries) if si in hit else []
            if cued is None or si in cued:
                spans += _cue_spans(lambda si=si: state.sent(si), state.body[a:b].lower(), spans)
            if spans:
                sents.append((si, state.sent(si), spans))
        book = _AliasBook(gaz)
        taken: dict[tuple[str, str], str] = {}
        for e, _d in pairs:
            if e.acquirer:
                taken.setdefault(("acquisition", normalise_company(e.acquirer)), "acquirer")
        kept_ids = {id(e) for e in kept}
        for e, _d in pairs:
            taken[(e.type, normalise_company(e.company))] = "kept" if id(e) in kept_ids else "dropped"
        cands = story_pairs(sents, body_low=body.lower(), story_p=state.story_p,
                            canonical=lambda n, headline=False: book.canonical(_clean_name(n), headline=headline),
                            is_person=state.is_person, taken=taken, n_sentences=len(state.spans))
        self.last_pairs = cands
        chosen = self.proposer.propose(cands)
        if not chosen:
            return ()
        # a pair the news model dropped was a candidate of the rules: its fields are theirs (the
        # rules are exact on money, rounds and names; the models decide only whether it is news)
        dropped = {(e.type, normalise_company(e.company)): d for e, d in pairs if id(e) not in kept_ids}
        drafts = []
        for p in chosen:
            src = dropped.get((p.type, p.key))
            if src is not None:
                d = replace(src, company=p.name, weak="", mentions=list(src.mentions), investors=list(src.investors),
                            status=self.proposer.status_of(p))
                if p.type == "acquisition":
                    d.acquirer = self.proposer.buyer(p, cands) or src.acquirer
            else:
                d = Draft(type=p.type, company=p.name, evidence=p.evidence, sentence=p.first,
                          status=self.proposer.status_of(p))
                if p.type == "acquisition":
                    d.acquirer = self.proposer.buyer(p, cands)
            drafts.append(d)
        self._amount_nearby(drafts, state)
        self._deal_amount(drafts, state)
        self._stated_price(drafts, {si: (sent, trigs) for si, sent, trigs in sents})
        return tuple(e for e, _d in self._finish(drafts, year, gaz))

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
                if _RUNNING_TOTAL.search(low):
                    continue
                for m, ms, _e, role in self.rules.money_roles(sent, low):
                    if (role == "plain" or role == "valuation" and d.type == "acquisition") \
                            and cue.search(" ".join(sent.lows[max(0, ms - 3):ms])):
                        d.amount, d.currency = m.amount, m.currency
                        break
                if d.amount is not None:
                    break

    def _stated_price(self, drafts: list[Draft], sents: dict[int, tuple[Sent, list]]) -> None:
        """A proposed acquisition with no amount yet takes the price its own sentence pays: the
        one amount (not a per-share price, not a conversion) written "for $X" or "for about $X"
        after an acquisition trigger of that sentence that names the target in between ("plan to
        buy 70 percent of Sprint for $20.1 billion", "a bid to buy the company for about $11
        billion"). Two such amounts (rival bids, a deal and its debt) leave it unset."""
        for d in drafts:
            if d.type != "acquisition" or d.amount is not None or d.sentence not in sents:
                continue
            sent, trigs = sents[d.sentence]
            low = sent.text.lower()
            target = _first_word(d.company)
            money = self.rules.money_roles(sent, low)
            found = set()
            for typ, _a, te, _w in trigs:
                if typ != "acquisition":
                    continue
                for m, ms, _me, role in money:
                    if role != "plain" or m.currency is None or not te <= ms < te + _PRICE_REACH:
                        continue
                    k = ms - 1
                    while k > te and sent.lows[k] in _APPROX:
                        k -= 1  # "for about", "for nearly"
                    between = " ".join(sent.lows[te:k])
                    if sent.lows[k] == "for" and (target in between.split() or _THE_COMPANY.search(between)):
                        found.add((m.amount, m.currency))
            if len(found) == 1:
                d.amount, d.currency = found.pop()

    def _deal_amount(self, drafts: list[Draft], state: _State) -> None:
        """A reported acquisition with no amount anywhere takes the value the story puts on the
        deal: an amount written as the deal's size ("a $147 billion offer", "the estimated $5
        billion deal", "a takeover bid of about $2 billion", "a deal worth $1.2 billion") in the
        lead or next to an event sentence, else anywhere further down the story, in a sentence
        that names the target or refers to the deal, and not dated as history. Only one amount
        may qualify: several (rival bids, earlier deals) leave it unset, as does an article with
        more than two acquisition targets (a recap or league table)."""
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
            first = _first_word(group[0].company)
            found = self._deal_sizes(sorted(near), first, state)
            if not found:  # the deal's size stated further down the story ("the $24.4 billion deal")
                found = self._deal_sizes([si for si in range(len(spans)) if si not in near], first, state)
            if len({(m.amount, m.currency) for _si, m in found}) == 1:
                m = found[0][1]
                group[0].amount, group[0].currency = m.amount, m.currency

    def _deal_sizes(self, sentences: list[int], first: str, state: _State) -> list[tuple[int, Any]]:
        """The amounts written as a deal's size in these sentences of the story, each sentence
        naming the target (its first word ``first``) or referring to the deal, none dated as
        history: ``(sentence, money)``."""
        found = []
        for si in sentences:
            a, b = state.spans[si]
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
                after = " ".join(sent.lows[_past_brackets(sent.lows, me):][:5])  # "(\$2.44 billion) takeover bid"
                before = " ".join(sent.lows[max(0, ms - 5):ms])
                if _DEAL_AFTER_MONEY.match(after) or _DEAL_BEFORE_MONEY.search(before):
                    if "debt" not in " ".join(sent.lows[me:me + 6]):
                        found.append((si, m))
        return found

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
        receive $5.9 billion financing" is a loan to a utility; a raise "at a $100 billion
        valuation" is a private round."""
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
            evidence = d.evidence.lower()
            if normalise_company(d.company) not in stated and not self.rules.startup_context.search(evidence):
                d.weak = "plain"  # no money, round or investor: "funding problems", "looking for outside funding"
                continue
            # "X raises $7M for ..." in the headline or lead, over a body about the product: a private
            # round (in the lead, one stated as done: not "needs to raise $11 billion to fill a capital hole")
            own_raise = False
            said = _HEADLINE_RAISE.search(evidence) if d.amount is not None else None
            done = said is not None and not (
                d.sentence == 0 and (not d.explicit or evidence[:said.start()].endswith("to ")))
            if not venture and d.sentence <= 0 and done:
                if public_money is None:
                    public_money = _PUBLIC_MONEY.search(title.lower() + " " + text.lower()) is not None
                own_raise = not public_money
            if venture or own_raise:
                if d.weak == "plain":
                    d.weak = ""
            elif d.round is None and not d.investors and d.valuation is None:
                d.weak = "plain"  # no round, investor or valuation, and no startup money anywhere in the story

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
        # headline and lead report no event (a column, an analysis, a round-up): the body's news stands,
        # unless the headline is about the event's company and something else ("Orbisol profit rises")
        no_news = not any(types for _low, _names, types in units)
        head_low, head_names = units[0][0], units[0][1]
        for d in drafts:
            if d.sentence <= _LEAD or d.weak:
                continue
            if no_news:
                n = normalise_company(d.company)
                if not n or not (n in head_low or any(m and (same_company(n, m) or same_company(m, n))
                                                      for m in head_names)):
                    continue
            if _NEWS_ANCHOR.search(state.sent(d.sentence).text.lower()):
                continue
            if d.type == "funding" and d.amount is not None and d.round is not None and d.investors \
                    and not self.rules.background.search(ev_low := state.sent(d.sentence).text.lower()) \
                    and not YEAR.search(ev_low):
                continue  # a round stated in full (money, round, who led) and undated is news wherever it
                # stands; told as history it carries a year or "last year", "earlier", "previously" 
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
                if role == "plain" and _IPO_AMOUNT_CUE.search(before):
                    d.amount, d.currency = m.amount, m.currency
                    break
        if d.type == "funding":
            for m in _JOINED.finditer(low):  # "Existing investors X and Y also participated."
                c = sent.left_subject(sent.tok_at(m.start()))
                if isinstance(c, Cand):
                    for x in self.rules._conj_names(sent, c):  # noqa: SLF001
                        if x not in d.investors and x.lower() != d.company.lower():
                            d.investors.append(x)
            for m in _INVESTOR_CUE.finditer(low):
                for x in self.rules._ref_investors(sent, low, _Fake(m.start(), m.end())):  # noqa: SLF001
                    if x not in d.investors and x.lower() != d.company.lower():
                        d.investors.append(x)

    def _finish(self, drafts: list[Draft], year: int, gazetteer: list[tuple[int, str]] = (), *,
                candidates: bool = False) -> list[tuple[Event, Draft]]:
        """Merge drafts into events: one per type and company, aliases resolved, weak drafts folded in.

        ``gazetteer`` holds the names of the parsed sentences as ``(sentence, name)``. A
        company is reported under the earliest full form the body gives it. Drafts from the
        lead, then the headline, then later sentences are merged in that order, so fields
        stated early win. A hedged draft (``weak="hedge"``) or a definite reference
        (``"ref"``) only fills fields of a reported event of the same type and company; a
        reference with no reported event of its type stands for one. With ``candidates``, a
        weak draft with no reported event of its type and company stands for one too (the news
        model then decides); each event comes with the draft it was merged into.
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
                if not d.weak or (d.weak == "ref" and d.type not in types) or candidates:
                    merged[key] = d
                    d.mentions.append(d.sentence)
                continue
            _fill(old, d)
            old.mentions.append(d.sentence)
        ipo_cos = {k[1] for k in merged if k[0] == "ipo"}
        out = []
        for (typ, norm), d in merged.items():
            if typ == "funding" and norm in ipo_cos and d.round is None and not d.investors:
                continue
            inv = tuple(x for x in d.investors if not same_company(normalise_company(x), norm))
            # the event's currency is its amount's, or with no amount its valuation's (one currency per event)
            currency = d.currency if d.amount is not None else d.currency or d.valuation_currency
            out.append((Event(
                type=d.type, company=d.company, round=d.round, amount=d.amount, currency=currency,
                amount_usd=self.fx.to_usd(d.amount, d.currency, year), valuation=d.valuation,
                valuation_usd=self.fx.to_usd(d.valuation, d.valuation_currency or d.currency, year),
                investors=inv, acquirer=d.acquirer, count=d.count, status=d.status,
                evidence=d.evidence.strip()[:600],
            ), d))
        return out


#: Words just before an event's amount in a sentence that refers back to the event.
_AMOUNT_CUE = patterns("story", "amount_cue")
_DEAL_NOUN = pattern("story", "deal_noun")
#: How far after an acquisition trigger a proposed event's price may be written (tokens).
_PRICE_REACH = 20
_APPROX = word_set("events", "quant_words")  # "for about", "for more than"
_THE_COMPANY = pattern("story", "the_company")
#: words that speak of an event in a shape no sentence rule states: sentences the proposer weighs too
_CUES = patterns("proposer", "cues")
#: a definite reference to the deal: "the deal", "the $4.1 billion all-cash offer"
_DEAL_REF = pattern("story", "deal_ref")
#: money written as the deal's size: "$147 billion offer", "$2 billion all-cash takeover bid"
_DEAL_AFTER_MONEY = pattern("story", "deal_after_money")
#: "a takeover bid of about $2 billion", "a deal worth $1.2 billion", "the offer values X at $Y"
_DEAL_BEFORE_MONEY = pattern("story", "deal_before_money")
#: A sentence opening that refers back to the event (or its company) of the sentence before.
_BACK_REF = patterns("story", "back_ref")
#: A headline of a company raising money: "X raises $7.2M", "X raised €5 million to ...".
_HEADLINE_RAISE = pattern("story", "headline_raise")
#: What a listed company or a lender raises money with, or raising a price or a bid.
_PUBLIC_MONEY = pattern("story", "public_money")


_TICKER_CODE = rf"(?![A-Z]\.[A-Z]\.){RIC_BASE}\.(?:{RIC_EXCHANGES})(?![.\w])"  # "FOO.N", not "U.S."
#: What follows a listed company's name: its ticker or its shares.
_LISTED_AFTER = re.compile(rf"[\w.&'’ -]{{0,40}}?\s(?:{_TICKER_CODE}|\((?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX)\s*:)"
                           rf"|(?:\s+[A-Z][\w.&-]*){{0,4}}\s+\(\s*{_TICKER_CODE}\s*\)"
                           rf"|(?:\s+[A-Z][\w.&-]*){{0,3}}(?:'s|’s)?\s+(?:shares|stock)\b")
#: A headline that opens with its source: "Moody's: ...", "Analyst: ...".
_SPEAKER = re.compile(r"^\s*([A-Z][\w.&'’ -]{0,40}?)\s*:\s")


_PARTICIPLE = re.compile(r"[A-Z][a-z]{3,}(?:ed|ing)")


def _sentence_case(title: str, common: frozenset[str], named: set[str] | frozenset[str] = frozenset(),
                   triggers: re.Pattern[str] | None = None) -> str:
    """A title-case headline with its common words in lower case, as a sentence writes them: each
    capitalised word after the first that news writes in lower case (``common_words.txt`` and the
    words the story's body writes in lower case) or inflects one ("Triples"), that
    is an event trigger ("Lands", ``triggers``) or of one or two letters ("At", "To"), never one
    in capitals ("AI") or a name, nor one the body capitalises inside a sentence (``named``: "a
    round for Figure," keeps the name in "As Figure Lands Another $1B")."""
    seen = [False]

    def lower(m: re.Match[str]) -> str:
        w = m.group(0)
        first, seen[0] = not seen[0], True
        core = w.strip("\"'“”‘’()[],:;!?.")
        low = core.lower()
        if not first and core[:1].isupper() and not core.isupper() and core.isalpha() and low not in named \
                and (low in common or len(core) <= 2 or any(f in common for f in word_forms(low))
                     or triggers is not None and triggers.fullmatch(low) is not None):
            return w.replace(core, core.lower(), 1)
        return w

    return re.sub(r"\S+", lower, title)


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


_DIGITS = re.compile(r"\d[\d,.]*")


def _first_word(company: str) -> str:
    """The first word of a company's normalised name, as a sentence would name it ("washington",
    not "the" of "The Washington Post"); "" for none."""
    return (normalise_company(company).split() or [""])[0]


def _past_brackets(lows: list[str], at: int) -> int:
    """The token after a bracketed aside that opens at ``at`` (a conversion such as "( $ 2.44
    billion )"), or ``at`` itself."""
    if at < len(lows) and lows[at] == "(":
        for k in range(at + 1, min(len(lows), at + 9)):
            if lows[k] == ")":
                return k + 1
    return at


#: every type's cue in one alternation, for RE2 (see _cue_sentences)
_CUE_GATE = compile_gate("|".join(f"(?:{rx.pattern})" for rx in _CUES.values()), "patterns.json proposer.cues")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"  # what re's \w matches in a str


def _cue_sentences(body: str, spans: list[tuple[int, int]]) -> set[int] | None:
    """The sentences (``spans`` of ``body``) where a cue may be found, from one RE2 pass over the
    whole story rather than every cue's pattern over every sentence; ``None`` (search them all)
    when lower-casing changes the story's length.

    A superset of the sentences :func:`_cue_spans` finds a cue in: RE2's ``\\w`` and ``\\b`` are
    ASCII, so a non-ASCII character is read as an ASCII word character or a space, as ``re`` reads
    it; a sentence whose edge falls inside a word (where its own ``\\b`` differs from the story's)
    is always searched.
    """
    low = body.lower()
    if len(low) != len(body):
        return None
    if not low.isascii():
        low = _NON_ASCII.sub(lambda m: "x" if _is_word(m.group()) else " ", low)
    n = len(low)
    flagged = {i for i, (a, b) in enumerate(spans)
               if (0 < a < n and _is_word(low[a - 1]) and _is_word(low[a]))
               or (0 < b < n and _is_word(low[b - 1]) and _is_word(low[b]))}
    return flagged | sentences_touched(_CUE_GATE.finditer(re2_text(low)), spans)


def _cue_spans(sent: Callable[[], Sent], low: str, spans: list[tuple[str, int, int, str]]
               ) -> list[tuple[str, int, int, str]]:
    """The cues (``proposer.cues``) of the types a sentence's triggers do not already speak of, as
    trigger spans whose words start with "cue_"; ``sent`` parses the sentence, only if one is found."""
    have = {t for t, _a, _b, _w in spans}
    cued = [(t, m) for t, rx in _CUES.items() if t not in have for m in rx.finditer(low)]
    if not cued:
        return []
    s = sent()
    return [_match_span(s, m, t, "cue_") for t, m in cued]


def _trigger_spans(sent: Sent, matches: Iterable[re.Match[str]], entries) -> list[tuple[str, int, int, str]]:
    """Trigger matches of a sentence as (type, first token, end token, its first two words)."""
    return [_match_span(sent, m, entries[int(m.lastgroup[1:])]["type"]) for m in matches]  # type: ignore[index]


def _match_span(sent: Sent, m: re.Match[str], typ: str, prefix: str = "") -> tuple[str, int, int, str]:
    """A match in ``sent`` as (type, first token, end token, ``prefix`` + its first two words, digits as 0)."""
    a = sent.tok_at(m.start())
    b = sent.tok_at(max(m.end() - 1, m.start())) + 1
    return typ, a, b, prefix + _DIGITS.sub("0", "_".join(m.group(0).split()[:2]))


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

    def __init__(self, ex: StoryReader, body: str, spans: list[tuple[int, int]], title: str, text: str) -> None:
        self.ex = ex
        self.body = body
        self.spans = spans
        self.title = title
        self.cache: dict[int, Sent] = {}
        self.last_company: tuple[int, str] | None = None
        self._common: set[str] | None = None
        self._named: set[str] | None = None
        self._people: set[str] | None = None
        #: what the news model's features share across the story's candidates (set by it)
        self.news_story: Any = None
        #: the article's text as given, before the dateline is blanked (the story-type prior reads it)
        self.text = text
        self._story_p: dict[str, float] | None = None

    def story_p(self) -> dict[str, float]:
        """Event type -> the story-type prior's probability, computed once ({} without the model)."""
        if self._story_p is None:
            model = self.ex.story_types
            self._story_p = model.probabilities(self.title, self.text) if model is not None else {}
        return self._story_p

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

    def gazetteer(self) -> list[tuple[int, str]]:
        """The names of the sentences parsed so far that are not people, as ``(sentence, name)``."""
        return [(si, c.text) for si in sorted(self.cache) for c in self.cache[si].cands if not c.person]

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
        """What a headline's "it" or "this app" refers to: the company of the body's last
        explicit event, else the name that opens the lead ("Clyx is a social platform ...")."""
        if self.last_company is not None:
            return self.last_company[1]
        if self.spans:
            lead = self.sent(0)
            if lead.cands and lead.cands[0].start == 0 and not lead.cands[0].person:
                return lead.cands[0].text
        return None
