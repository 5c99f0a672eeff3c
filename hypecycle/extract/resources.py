"""Loading of the data files shipped in :mod:`hypecycle.data.events`.

Every loader is cached, so a file is read and validated once per process. Files
are found with :mod:`importlib.resources`, never by a path outside the package.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
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
    try:
        data = json.loads(read_text(name))
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{name}: invalid JSON at line {exc.lineno}: {exc.msg}; fix the file.") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: expected a JSON object at top level, got {type(data).__name__}.")
    return data


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
