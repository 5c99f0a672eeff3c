"""The one place that turns a phrase into the forms it is matched in: itself and the regular
inflections of its last word ("data center" -> "data centers"; "smartphones" -> "smartphone").

Used by the topic matcher (lexicon phrases and ad-hoc terms, so extraction counts them),
by ``hypecycle terms`` (:func:`hypecycle.store.term_pattern`) and, through the matcher's
phrases, by the trajectories' prefilter (:func:`hypecycle.queries.phrase_pattern`), so that a
lexicon and the same phrases given as terms count alike. Nouns are inflected with the
maintained ``inflect`` library; ``exact=True`` matches the phrase as written.

Only the last word changes (English compounds inflect their head: "data centers", not
"datas center"), and only an alphabetic word: "cloud-based" or "3G" stay as they are. A
plural is singularised only when ``inflect`` pluralises the singular back to it, and never
for words ending in -ss, -is, -us or -ics ("glass", "analysis", "bus", "analytics"), nor
to fewer than three letters ("evs" stays: "EV/EBITDA" is not an electric vehicle), so
"fake news" never becomes "fake new". An upper-case acronym takes a plain "s" ("IPO" ->
"IPOs", not inflect's "IPOES").
"""

from __future__ import annotations

import functools

__all__ = ["phrase_forms", "word_forms"]

_NO_SINGULAR = ("ss", "is", "us", "ics")


@functools.lru_cache(maxsize=1)
def _engine():
    import inflect

    return inflect.engine()


@functools.lru_cache(maxsize=65536)
def word_forms(word: str) -> tuple[str, ...]:
    """The regular inflections of one word other than itself (its plural, or its singular)."""
    if len(word) < 2 or not word.isalpha():
        return ()
    if word.isupper():
        return (word + "s",) if len(word) <= 5 else ()
    if word.endswith("s") and word[:-1].isupper() and len(word) > 2:
        return (word[:-1],)  # "IPOs" -> "IPO"
    e = _engine()
    singular = e.singular_noun(word)
    if singular:  # the word is a plural
        if (word.lower().endswith(_NO_SINGULAR) or len(singular) < 3 or singular.lower() == word.lower()
                or e.plural_noun(singular) != word):
            return ()
        return (singular,)
    plural = e.plural_noun(word)
    if plural and plural.lower() != word.lower() and plural.isalpha():
        return (plural,)
    return ()


def phrase_forms(phrase: str, *, exact: bool = False) -> list[str]:
    """The phrase (whitespace-normalised) first, then its forms with the last word inflected;
    just the phrase when ``exact``."""
    phrase = " ".join(phrase.split())
    if exact or not phrase:
        return [phrase]
    head, _, last = phrase.rpartition(" ")
    forms = [phrase] + [f"{head} {w}" if head else w for w in word_forms(last)]
    return list(dict.fromkeys(forms))
