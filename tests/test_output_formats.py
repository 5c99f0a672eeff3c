"""Output formats: every command's ``--format json`` is ONE valid JSON document (parsed here with
json.loads), with ISO dates, lists as lists and the JSON Schema's field names; ``--format
jsonl`` streams one object a line. Real subprocesses on a small extracted store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

RECORDS = [
    {"id": "f1", "date": "2006-10-23", "title": "Acme Networks raises $40 million in Series B led by Sequoia Capital",
     "text": "Acme Networks Inc, a cloud computing startup, said on Monday it raised $40 million in a Series B "
             "round led by Sequoia Capital and Benchmark. The data centers it runs are in Texas."},
    {"id": "f2", "date": "2008-03-05", "title": "Beta Corp files for bankruptcy",
     "text": "Beta Corp filed for Chapter 11 bankruptcy protection on Wednesday. Its data center business failed."},
    {"id": "f3", "date": "2008-06-05", "title": "Gamma buys Delta in cloud computing deal",
     "text": "Gamma Inc agreed to buy Delta Corp, a cloud computing company, for $200 million."},
]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def store(tmp_path_factory, run_cli):
    folder = tmp_path_factory.mktemp("out")
    corpus = folder / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    path = folder / "s.duckdb"
    proc = run_cli("ingest", corpus, "--store", path, "--processes", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    return path


def _walk(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from _walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from _walk(x)
    else:
        yield v


COMMANDS = {
    "stats": ["stats", "--store", "S", "--by", "year"],
    "events": ["events", "--store", "S"],
    "topics": ["topics"],
    "terms": ["terms", "--store", "S", "--term", "data center", "--by", "year"],
    "emerging": ["emerging", "--store", "S", "--min-docs", "1"],
    "trajectory": ["trajectory", "--store", "S", "--terms", "cloud computing", "--freq", "year"],
    "compare": ["compare", "--store", "S", "--topic", "cloud"],
    "cycles": ["cycles"],
    "cycles --show": ["cycles", "--show", "dot-com"],
    "report": ["report", "--store", "S", "--topic", "cloud", "-q"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_format_json_is_one_document(name, store, run_cli):
    if name == "report" and not (Path(__file__).resolve().parents[1] / "models" / "phase-default.skops").exists():
        pytest.skip("no trained phase model in models/ (train one with `hypecycle train`)")
    argv = [str(store) if a == "S" else a for a in COMMANDS[name]]
    proc = run_cli(*argv, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # raises on JSON Lines or a second document
    assert isinstance(doc, (list, dict)) and (doc or name == "emerging")
    for v in _walk(doc):  # dates are ISO dates, never pandas timestamps
        if isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}T00:00:00", v):
            pytest.fail(f"{name}: a date written as a timestamp: {v}")


def test_events_json_has_the_schema_fields_and_lists(store, run_cli):
    proc = run_cli("events", "--store", store, "--format", "json")
    events = json.loads(proc.stdout)
    import hypecycle

    schema = json.loads((Path(hypecycle.__file__).parent / "data" / "extraction.schema.json").read_text())
    fields = set(schema["$defs"]["event"]["properties"])
    assert events and all(fields <= set(e) for e in events)
    funding = next(e for e in events if e["type"] == "funding")
    assert funding["investors"] == ["Sequoia Capital", "Benchmark"] and ISO_DATE.match(funding["date"])
    assert isinstance(funding["topics"], list)


@pytest.mark.parametrize("name", ["events", "terms", "stats"])
def test_format_jsonl_streams_one_object_a_line(name, store, run_cli):
    argv = [str(store) if a == "S" else a for a in COMMANDS[name]]
    proc = run_cli(*argv, "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows and all(isinstance(r, dict) for r in rows)


def test_ingest_summary_and_extract_output_parse(store, run_cli, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    proc = run_cli("ingest", corpus, "--store", tmp_path / "t.duckdb", "--no-extract", "--summary-format", "json")
    assert json.loads(proc.stdout)["ingested"] == 3
    proc = run_cli("extract", corpus, "--processes", "1", "-q")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]  # JSON Lines: extraction streams
    assert len(lines) == 3 and all(ISO_DATE.match(x["date"]) for x in lines)
    proc = run_cli("extract", corpus, "--processes", "1", "-q", "--format", "json")
    assert [x["id"] for x in json.loads(proc.stdout)] == ["f1", "f2", "f3"]
