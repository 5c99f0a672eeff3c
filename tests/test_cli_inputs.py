"""What a new user hits with inputs: whole-file failures, folders of any supported type, fixed
choices, one-line coded usage errors, store errors that say what to do. Real subprocesses."""

from __future__ import annotations

import json
import re

import pytest

ERROR_LINE = re.compile(r"^hypecycle: error: \[HC\d{3}\] \S.*$")
GOOD = [
    {"id": "a1", "date": "2006-10-20", "title": "Acme raises $40 million", "text": "Acme raised money."},
    {"id": "a2", "date": "2006-11-20", "title": "Beta files for bankruptcy", "text": "Beta filed."},
]


def one_error(proc) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr
    assert len(lines) == 1, proc.stderr
    assert ERROR_LINE.match(lines[0]), lines[0]
    return lines[0]


def _bad_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("title,text\nAcme raises,Acme raised money\nBeta,Beta filed\n")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(bytes(range(256)) * 40 + b"\n" + bytes(range(255, -1, -1)) * 40 + b"\n")
    wrong = tmp_path / "wrong.jsonl"  # a CSV named .jsonl
    wrong.write_text("date,title,text\n2006-10-20,A,b\n2006-10-21,C,d\n")
    return {"empty": (empty, "empty file"), "no date column": (nodate, "no date column"),
            "not text": (binary, "not text"), "wrong format": (wrong, "--input-format")}


@pytest.mark.parametrize("kind", ["empty", "no date column", "not text", "wrong format"])
def test_a_file_without_any_article_fails_once_at_file_level(tmp_path, run_cli, kind):
    path, reason = _bad_files(tmp_path)[kind]
    proc = run_cli("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract")
    assert proc.returncode == 3, proc.stderr
    line = one_error(proc)
    assert "[HC104]" in line and path.name in line and reason in line, line
    # what to pass is said
    assert "--" in line or "pass a file" in line


def test_a_bad_file_beside_good_ones_warns_and_keeps_the_good_records(tmp_path, run_cli, store_rows):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in GOOD) + "\n")
    files = [p for p, _ in _bad_files(tmp_path).values()]
    store = tmp_path / "s.duckdb"
    proc = run_cli("ingest", *files, good, "--store", store, "--no-extract")
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("hypecycle: warning:")]
    assert len(warnings) == 4 and all("no article read" in w for w in warnings), proc.stderr
    # one line per bad file, not one per bad record
    assert len(proc.stderr.strip().splitlines()) == 4, proc.stderr
    assert {r[0] for r in store_rows(store, "SELECT id FROM articles")} == {"a1", "a2"}


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet", "jsonl.gz", "xml"])
def test_a_folder_is_ingested_whatever_supported_files_it_holds(tmp_path, run_cli, store_rows,
                                                                write_corpus, kind):
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_corpus(folder / f"part.{kind}", GOOD)
    store = tmp_path / "s.duckdb"
    proc = run_cli("ingest", folder, "--store", store, "--no-extract", "--summary-format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ingested"] == 2
    assert len(store_rows(store, "SELECT id FROM articles")) == 2


@pytest.mark.parametrize("argv, valid", [
    (["events", "--store", "S", "--type", "fundng"], "funding"),
    (["terms", "--store", "S", "--term", "x", "--by", "decade"], "quarter"),
    (["ingest", "F", "--store", "S", "--input-format", "yaml"], "jsonl"),
    (["stats", "--store", "S", "--format", "xml"], "json"),
])
def test_unknown_fixed_choice_is_refused_listing_the_valid_ones(tmp_path, run_cli, argv, valid):
    proc = run_cli(*[str(tmp_path / a) if a in ("S", "F") else a for a in argv])
    assert proc.returncode == 2
    line = one_error(proc)
    assert "[HC001]" in line and valid in line and "--help" in line


@pytest.mark.parametrize("argv", [["ingest"], ["bogus-command"], ["terms", "--store"], ["stats", "--by"]])
def test_usage_errors_are_one_coded_line(run_cli, argv):
    proc = run_cli(*argv)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "[HC001]" in one_error(proc)


def test_store_errors_say_what_to_do(tmp_path, run_cli):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD[0]) + "\n")
    proc = run_cli("ingest", good, "--store", tmp_path / "missing" / "s.duckdb", "--no-extract")
    assert proc.returncode == 4
    line = one_error(proc)
    assert "[HC200]" in line and "folder does not exist" in line and "--store" in line


@pytest.mark.parametrize("message, advice", [
    ('IO Error: Cannot open file "/ro/s.duckdb": Read-only file system', "read-only file system"),
    ('IO Error: Cannot open file "/x/s.duckdb": Permission denied', "permissions"),
    ("IO Error: No space left on device", "free some space"),
])
def test_store_advice(message, advice):
    from hypecycle.store import store_advice

    assert advice in store_advice(message, read_only=False) and "--store" in store_advice(message, False)


def test_closing_summary_rate_means_something_on_small_runs(tmp_path, run_cli):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in GOOD) + "\n")
    proc = run_cli("ingest", good, "--store", tmp_path / "s.duckdb", "--no-extract")
    assert proc.returncode == 0
    assert "0 articles/s" not in proc.stdout and "too short for a rate" in proc.stdout, proc.stdout
    proc = run_cli("ingest", good, "--store", tmp_path / "t.duckdb", "--no-extract", "--summary-format", "json")
    assert json.loads(proc.stdout)["articles_per_second"] > 0
