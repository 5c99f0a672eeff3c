"""Extraction keeps its memory bounded: the pipelines are renewed when the vocabulary grows."""

from __future__ import annotations

import datetime as dt

from hypecycle.extract import Extractor
from hypecycle.extract import pipeline
from hypecycle.extract import topics
from hypecycle.schema import Article


def _article(i: int) -> Article:
    names = " ".join(f"Zq{i}x{k} cloud computing" for k in range(400))
    return Article(f"a{i}", dt.date(2012, 1, 2), "Nimbusly raises $40 million",
                   "Nimbusly, a cloud computing startup, raised $40 million in a Series C round led by "
                   f"Ardent Ventures. Analysts warned of a bubble. {names}")


def test_renewal_bounds_the_vocabulary_and_changes_no_result(monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_VOCAB_STRINGS", 2_000)
    ex = Extractor()
    reference = Extractor()  # never renewed within this test's few articles
    first_nlp = ex.nlp
    results = [ex.extract(_article(i)) for i in range(12)]
    assert ex.nlp is not first_nlp
    assert len(ex.nlp.vocab.strings) < 2_000 + 5_000  # renewed, not grown without bound
    assert all(owner is not first_nlp for owner, _ in topics._COMPILED.values())
    monkeypatch.setattr(pipeline, "MAX_VOCAB_STRINGS", 10**9)
    assert results == [reference.extract(_article(i)) for i in range(12)]
    assert results[0].mentions["cloud"] and results[0].cues["skeptic"] == 1


def test_workers_and_readers_import_only_what_they_use():
    """An extraction worker loads spaCy but not pandas or pyarrow (about 64 MB a worker), and
    reading a store (trajectories, company names) does not load spaCy (about 0.7 s a command)."""
    import subprocess
    import sys

    probe = ("import sys, importlib; importlib.import_module({mod!r}); "
             "print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {{'pandas', 'pyarrow', 'spacy'}})))")
    loaded = {mod: subprocess.run([sys.executable, "-c", probe.format(mod=mod)], capture_output=True, text=True,
                                  check=True).stdout.split()
              for mod in ("hypecycle.extract.pipeline", "hypecycle.extract.companies", "hypecycle.trajectories")}
    assert loaded["hypecycle.extract.pipeline"] == ["spacy"]
    assert "spacy" not in loaded["hypecycle.extract.companies"] and "spacy" not in loaded["hypecycle.trajectories"]
