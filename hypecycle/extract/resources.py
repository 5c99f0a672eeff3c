"""Loading of the data files shipped in :mod:`hypecycle.data.events`.

Every loader is cached, so a file is read and validated once per process. Files
are found with :mod:`importlib.resources`, never by a path outside the package.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from hypecycle.errors import LexiconError

_PACKAGE = "hypecycle.data.events"


def read_text(name: str) -> str:
    """Return the text of the data file ``name`` in :mod:`hypecycle.data.events`.

    Raises
    ------
    LexiconError
        If the file is missing from the installed package.
    """
    try:
        return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise LexiconError(
            f"data file {name!r} is missing from {_PACKAGE}; expected it in the installed "
            "package. Reinstall hypecycle (pip install -e .)."
        ) from exc


@lru_cache(maxsize=None)
def load_json(name: str) -> dict[str, Any]:
    """Parse and cache the JSON object in data file ``name``.

    Raises
    ------
    LexiconError
        If the file is not a JSON object.
    """
    return _json_object(read_text(name), name)


def _json_object(text: str, source: str) -> dict[str, Any]:
    """The JSON object in ``text`` (read from ``source``), or a :class:`LexiconError` naming it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{source}: invalid JSON at line {exc.lineno}: {exc.msg}; fix the file.") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"{source}: expected a JSON object at top level, got {type(data).__name__}.")
    return data


def model_params(name: str, path: Any = None, *, what: str) -> tuple[dict[str, Any], str] | None:
    """The parameters of a learned model, plain JSON: the shipped data file ``name``, or the file at
    ``path``; with where they came from (for error messages). ``None`` when the shipped file is absent
    (the caller's documented fallback).

    Raises
    ------
    LexiconError
        If ``path`` does not exist, or the file is not a JSON object.
    """
    source = name if path is None else str(path)
    try:
        if path is None:
            text = resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except FileNotFoundError:
        if path is not None:
            raise LexiconError(f"{what} {path}: file not found; give an existing JSON file.") from None
        return None
    return _json_object(text, source), source


@lru_cache(maxsize=None)
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """Parse and cache a CSV data file; lines starting with ``#`` are comments."""
    text = "\n".join(ln for ln in read_text(name).splitlines() if not ln.startswith("#"))
    return tuple(csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=None)
def load_words(name: str) -> frozenset[str]:
    """Parse and cache a word-list data file: one word a line, ``#`` lines are comments."""
    return frozenset(ln.strip() for ln in read_text(name).splitlines() if ln.strip() and not ln.startswith("#"))


def compile_regex(pattern: str, source: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` from data file ``source``, turning errors into :class:`LexiconError`."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise LexiconError(f"{source}: bad regular expression {pattern!r}: {exc}; fix the pattern.") from exc


def compile_gate(pattern: str, source: str):
    """Compile a look-around-free ``pattern`` from data file ``source`` with RE2 (linear time, no
    backtracking), turning errors into :class:`LexiconError`: the fast first pass of a gate."""
    import re2

    options = re2.Options()
    options.max_mem = 64 << 20  # the trigger alternation needs more than RE2's default 8 MB
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise LexiconError(f"{source}: a pattern RE2 cannot compile: {exc}; use no look-arounds or "
                           "back-references in it.") from exc


def re2_text(text: str) -> str | bytes:
    """``text`` as RE2 reads it fastest: ASCII text as bytes (the same offsets), which spares the
    binding a conversion of offsets at each call; other text as it is."""
    return text.encode("ascii") if text.isascii() else text


def gated_finditer(full: re.Pattern[str], gate: Any, text: str) -> Iterator[re.Match[str]]:
    """The matches of ``full.finditer(text)``, found faster with ``gate``: an RE2 pattern that,
    on ASCII text, matches at every position where ``full`` matches (and maybe elsewhere).

    ``full`` (a long alternation in ``re``) is tried only at the positions where the gate
    matches, in order, from the end of the match before: the same matches as ``finditer``, each
    the leftmost at or after the end of the one before, without ``full`` being attempted at every
    character. Text that is not ASCII, where RE2's ASCII ``\\w``, ``\\s`` and case folding differ
    from ``re``'s, is searched by ``full`` alone. Neither pattern may match the empty string.
    """
    data = re2_text(text)
    if isinstance(data, str):
        yield from full.finditer(text)
        return
    pos, n = 0, len(text)
    while pos < n:
        g = gate.search(data, pos)
        if g is None:
            return
        m = full.match(text, g.start())
        if m is None:
            pos = g.start() + 1
        else:
            yield m
            pos = max(m.end(), g.start() + 1)


@lru_cache(maxsize=None)
def word_set(group: str, name: str) -> frozenset[str]:
    """The English word list ``name`` of ``group`` in ``words.json``, as a set.

    Raises
    ------
    LexiconError
        If the group or list is missing or is not a list of strings.
    """
    words = _word_entry(group, name)
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise LexiconError(f"words.json: {group}.{name} must be a list of strings; fix the file.")
    return frozenset(words)


@lru_cache(maxsize=None)
def word_map(group: str, name: str) -> dict[str, int]:
    """The word-to-number table ``name`` of ``group`` in ``words.json`` (e.g. number words)."""
    table = _word_entry(group, name)
    if not isinstance(table, dict) or not all(isinstance(v, int) for v in table.values()):
        raise LexiconError(f"words.json: {group}.{name} must map words to integers; fix the file.")
    return dict(table)


def _word_entry(group: str, name: str) -> Any:
    try:
        return load_json("words.json")[group][name]
    except (KeyError, TypeError) as exc:
        raise LexiconError(f"words.json: no list {group}.{name}; expected it in the shipped data "
                           "(reinstall hypecycle).") from exc


#: The file of the English regular expressions (see its ``_about`` and ``_syntax``).
PATTERNS_FILE = "patterns.json"
#: A shared alternation spliced into a pattern: ``(?&name)`` names an entry of ``parts``.
#: Python's ``re`` has no ``(?&`` construct (it is an error there), so the placeholder never
#: means anything else in a valid pattern; an escaped ``\(?&`` is left alone.
PART_RE = re.compile(r"(?<!\\)\(\?&(\w+)\)")


def pattern(group: str, name: str, flags: int = 0) -> re.Pattern[str]:
    """The English regular expression ``name`` of ``group`` in ``patterns.json``, compiled.

    Raises
    ------
    LexiconError
        If the entry is missing or malformed, names an unknown part, or does not compile;
        the message names the file and the entry.
    """
    return _pattern(group, name, flags)


def patterns(group: str, name: str, flags: int = 0) -> dict[str, re.Pattern[str]]:
    """The per-key table ``name`` of ``group`` in ``patterns.json`` (one pattern per event
    type, in file order), compiled; errors as for :func:`pattern`."""
    return dict(_patterns(group, name, flags))


@cache
def _pattern(group: str, name: str, flags: int) -> re.Pattern[str]:
    where = f"{group}.{name}"
    entry = _pattern_entry(group, name)
    if "pattern" not in entry:
        raise LexiconError(f"{PATTERNS_FILE}: {where} has no 'pattern'; fix the file.")
    return _compile_entry(entry["pattern"], where, flags)


@cache
def _patterns(group: str, name: str, flags: int) -> tuple[tuple[str, re.Pattern[str]], ...]:
    where = f"{group}.{name}"
    table = _pattern_entry(group, name).get("patterns")
    if not isinstance(table, dict) or not table:
        raise LexiconError(f"{PATTERNS_FILE}: {where} must have 'patterns', an object of patterns; fix the file.")
    return tuple((key, _compile_entry(rx, f"{where}.{key}", flags)) for key, rx in table.items())


def _pattern_entry(group: str, name: str) -> dict[str, Any]:
    try:
        entry = load_json(PATTERNS_FILE)[group][name]
    except (KeyError, TypeError) as exc:
        raise LexiconError(f"{PATTERNS_FILE}: no pattern {group}.{name}; expected it in the shipped data "
                           "(reinstall hypecycle).") from exc
    if not isinstance(entry, dict):
        raise LexiconError(f"{PATTERNS_FILE}: {group}.{name} must be an object with a 'pattern'; fix the file.")
    return entry


def _text_of(value: Any, where: str) -> str:
    """A pattern as written in the file: a string, or a list of strings joined with nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "".join(value)
    raise LexiconError(f"{PATTERNS_FILE}: {where} must be a string or a list of strings; fix the file.")


def _compile_entry(value: Any, where: str, flags: int) -> re.Pattern[str]:
    parts = load_json(PATTERNS_FILE).get("parts", {})

    def splice(m: re.Match[str]) -> str:
        part = parts.get(m.group(1)) if isinstance(parts, dict) else None
        if not isinstance(part, dict) or "pattern" not in part:
            raise LexiconError(f"{PATTERNS_FILE}: {where} uses (?&{m.group(1)}), which is not in 'parts'; "
                               "fix the file.")
        text = _text_of(part["pattern"], f"parts.{m.group(1)}")
        if PART_RE.search(text):
            raise LexiconError(f"{PATTERNS_FILE}: parts.{m.group(1)} uses a placeholder; parts cannot nest.")
        return text

    return compile_regex(PART_RE.sub(splice, _text_of(value, where)), f"{PATTERNS_FILE} {where}", flags)


class SparseLinear:
    """A learned model's sparse logistic score, read from plain JSON: the probability
    ``1 / (1 + exp(-(intercept + sum(weight[f] * value))))`` over a dict of features.

    Parameters
    ----------
    params : dict
        ``weights`` (feature -> weight) and ``intercept``.
    source : str
        Where the parameters came from, for error messages.
    retrain : str
        The command that writes the model, named in error messages.
    what : str, optional
        Which of the file's models this is ("event", "status planned"), for error messages.

    Raises
    ------
    LexiconError
        If the parameters are incomplete.
    """

    def __init__(self, params: dict[str, Any], source: str, retrain: str, what: str = "") -> None:
        try:
            self.weights = {str(k): float(v) for k, v in params["weights"].items()}
            self.intercept = float(params["intercept"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise malformed(source, exc, retrain, what) from exc

    def probability(self, f: dict[str, float]) -> float:
        w = self.weights
        z = self.intercept + sum(w.get(k, 0.0) * v for k, v in f.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def malformed(source: str, exc: Exception, retrain: str, what: str = "") -> LexiconError:
    """The error for a learned model's file with a missing or malformed key."""
    return LexiconError(f"{source}: {what + ': ' if what else ''}missing or malformed key ({exc}); "
                        f"retrain with {retrain}.")
