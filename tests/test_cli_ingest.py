"""The ``hypecycle ingest`` and ``stats`` commands, run as real subprocesses.

Exit codes and one-line messages, ``--rejects``, ``--summary-format json``, help for
every command, kill-and-resume (SIGKILL mid-run, then rerun) and two concurrent
ingest processes on one store.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


ERROR_LINE = re.compile(r"^hypecycle: error: \[HC\d{3}\] \S.*$")
SUMMARY_LINE = re.compile(r"^read (\d+), ingested (\d+), duplicates (\d+), already stored (\d+), "
                          r"rejected (\d+) in \d+\.\d s \((?:[\d.]+ articles/s|a run of \d+ record\(s\) is too short for a rate)\)$")

GOOD = [
    {"id": "a1", "date": "2006-10-20", "title": "Acme raises $40 million", "text": "Acme raised money."},
    {"id": "a2", "date": "Fri Oct 20, 2006 6:15pm EDT", "title": "Beta files for bankruptcy", "text": "Beta."},
    {"id": "a3", "date": "1-Jan-96", "title": "Gamma cuts jobs", "text": "Gamma cut 500 jobs."},
]


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr


def error_line(proc: subprocess.CompletedProcess) -> str:
    """The one error line on stderr (other lines may be 'rejected ...' reports)."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("hypecycle: error:")]
    assert len(lines) == 1, proc.stderr
    assert ERROR_LINE.match(lines[0]), lines[0]
    return lines[0]


@pytest.fixture
def mixed_file(tmp_path) -> Path:
    """Three good records around three bad ones (lines 2, 4 and 6)."""
    lines = [json.dumps(GOOD[0]), '{"id": "b1", "title": broken', json.dumps(GOOD[1]),
             json.dumps({"id": "b2", "date": "no date here", "title": "t", "text": "x"}),
             json.dumps(GOOD[2]), json.dumps({"id": "b3", "date": "2006-10-20", "title": " ", "text": ""})]
    p = tmp_path / "mixed.jsonl"
    p.write_text("\n".join(lines) + "\n")
    return p


# ---------------------------------------------------------------------------------------------
# exit codes and messages
# ---------------------------------------------------------------------------------------------

def test_ok_run_prints_the_summary(make_corpus, tmp_path, run_cli):
    path = make_corpus("c.jsonl", GOOD)
    proc = run_cli("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract")
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    (line,) = proc.stdout.splitlines()
    m = SUMMARY_LINE.match(line)
    assert m and m.groups() == ("3", "3", "0", "0", "0"), line
    again = run_cli("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract")
    assert SUMMARY_LINE.match(again.stdout.strip()).groups() == ("3", "0", "0", "3", "0")


def test_bad_records_are_reported_and_good_ones_kept(mixed_file, tmp_path, store_rows, run_cli):
    store, rejects = tmp_path / "s.duckdb", tmp_path / "rejects.jsonl"
    proc = run_cli("ingest", mixed_file, "--store", store, "--no-extract", "--rejects", rejects)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert SUMMARY_LINE.match(proc.stdout.strip()).groups() == ("6", "3", "0", "0", "3")
    shown = [ln for ln in proc.stderr.splitlines() if ln.startswith("hypecycle: rejected ")]
    where = [re.match(r"^hypecycle: rejected (.+?:line \d+): \S", ln) for ln in shown]
    assert [m and m.group(1) for m in where] == [f"{mixed_file}:line {n}" for n in (2, 4, 6)]
    assert "broken JSON" in shown[0] and "no parsable date" in shown[1] and "neither title nor text" in shown[2]
    written = [json.loads(ln) for ln in rejects.read_text().splitlines()]
    assert [(r["file"], r["location"]) for r in written] == [(str(mixed_file), f"line {n}") for n in (2, 4, 6)]
    assert all(set(r) == {"file", "location", "reason"} and r["reason"] for r in written)
    assert {r[0] for r in store_rows(store, "SELECT id FROM articles")} == {"a1", "a2", "a3"}


def test_strict_makes_a_reject_fail(mixed_file, make_corpus, tmp_path, store_rows, run_cli):
    proc = run_cli("ingest", mixed_file, "--store", tmp_path / "s.duckdb", "--no-extract", "--strict",
                   "--rejects", tmp_path / "r.jsonl")
    assert proc.returncode == 3
    no_traceback(proc)
    line = error_line(proc)
    assert line.startswith("hypecycle: error: [HC103] 3 record(s) rejected") and "r.jsonl" in line
    # the good records were still committed
    assert store_rows(tmp_path / "s.duckdb", "SELECT count(*) FROM articles") == [(3,)]
    ok = run_cli("ingest", make_corpus("ok.jsonl", GOOD), "--store", tmp_path / "t.duckdb",
                 "--no-extract", "--strict")
    assert ok.returncode == 0, ok.stderr


def test_many_rejects_are_summarised(tmp_path, run_cli):
    p = tmp_path / "bad.jsonl"
    # one good record among them: a file with none is reported once, at the file level
    p.write_text("".join(f'{{"id": "x{i}", "title": "t"}}\n' for i in range(25)) + json.dumps(GOOD[0]) + "\n")
    proc = run_cli("ingest", p, "--store", tmp_path / "s.duckdb", "--no-extract")
    assert proc.returncode == 0
    lines = proc.stderr.splitlines()
    assert len([ln for ln in lines if ln.startswith("hypecycle: rejected ")]) == 20
    assert lines[-1] == "hypecycle: ... and 5 more rejected records; give --rejects FILE to keep them all"
    quiet = run_cli("ingest", p, "--store", tmp_path / "q.duckdb", "--no-extract", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


@pytest.mark.parametrize("case", ["missing", "option", "default_date", "text_field", "encoding",
                                  "delimiter", "extension", "store_folder", "no_paths"])
def test_usage_errors_exit_2(case, make_corpus, tmp_path, run_cli):
    path = make_corpus("c.jsonl", GOOD)
    store = tmp_path / "s.duckdb"
    args = {
        "missing": [tmp_path / "nope.jsonl", "--store", store],
        "option": [path, "--store", store, "--no-such-option"],
        "default_date": [path, "--store", store, "--default-date", "27/11/2026"],
        "text_field": [path, "--store", store, "--text-field", "nosuch"],
        "encoding": [path, "--store", store, "--encoding", "klingon-8"],
        "delimiter": [path, "--store", store, "--delimiter", ";;"],
        "extension": [make_corpus("c.jsonl", GOOD).rename(tmp_path / "c.docx"), "--store", store],
        "store_folder": [path, "--store", tmp_path],
        "no_paths": ["--store", store],
    }[case]
    proc = run_cli("ingest", *args, "--no-extract")
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    no_traceback(proc)
    line = error_line(proc)
    assert proc.stderr.strip() == line  # one line, nothing else (argparse's errors too)
    assert line.startswith("hypecycle: error: [HC001]") or case == "extension"


def test_unreadable_inputs_never_trace_back(tmp_path, store_rows, synthetic_records, run_cli):
    files = {
        "binary.jsonl": os.urandom(4000),
        "cut.jsonl.gz": gzip.compress(b"".join(json.dumps(r).encode() + b"\n"
                                               for r in synthetic_records(500, seed=3)))[:20_000],
        "notgz.csv.gz": b"\x1f\x8bthis is not gzip",
        "broken.parquet": b"PAR1 not really parquet PAR1",
        "empty.csv": b"",
        "latin.csv": "id,date,title,text\n1,2006-10-20,Caf\xe9,Z\xfcrich\n".encode("latin-1"),
        "notfeed.rss": b"<html><body>not a feed</body></html>",
        "array.json": b'[{"title": "x", "date": "2006-10-20"}, {"title": ',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    store = tmp_path / "s.duckdb"
    proc = run_cli("ingest", *[tmp_path / n for n in files], "--store", store, "--no-extract",
                   "--rejects", tmp_path / "rejects.jsonl")
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert "internal error" not in proc.stderr
    written = [json.loads(ln) for ln in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert {Path(r["file"]).name for r in written} == set(files)
    assert any("--encoding" in r["reason"] for r in written if r["file"].endswith("latin.csv"))
    assert any("unreadable" in r["reason"] for r in written if r["file"].endswith("cut.jsonl.gz"))
    # the good records before the damage in the truncated gzip are kept
    assert store_rows(store, "SELECT count(*) FROM articles")[0][0] >= 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files without permission")
def test_permission_denied_is_a_reject(make_corpus, tmp_path, run_cli):
    good = make_corpus("good.jsonl", GOOD)
    locked = make_corpus("locked.jsonl", [dict(GOOD[0], id="z")])
    locked.chmod(0)
    try:
        proc = run_cli("ingest", good, locked, "--store", tmp_path / "s.duckdb", "--no-extract")
    finally:
        locked.chmod(0o644)
    assert proc.returncode == 0
    no_traceback(proc)
    assert "locked.jsonl" in proc.stderr and "ermission" in proc.stderr


def test_summary_format_json(make_corpus, tmp_path, run_cli):
    path = make_corpus("c.jsonl", GOOD + [dict(GOOD[0], id="a1-copy", date="2006-10-21")])
    proc = run_cli("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract", "--summary-format", "json")
    assert proc.returncode == 0
    d = json.loads(proc.stdout)
    assert set(d) >= {"read", "ingested", "duplicates", "already_stored", "rejected", "seconds",
                      "articles_per_second"}
    assert (d["read"], d["ingested"], d["duplicates"], d["already_stored"], d["rejected"]) == (4, 3, 1, 0, 0)
    assert d["seconds"] >= 0 and d["articles_per_second"] >= 0


def test_stats_command(make_corpus, tmp_path, run_cli):
    store = tmp_path / "s.duckdb"
    run_cli("ingest", make_corpus("c.jsonl", GOOD), "--store", store, "--no-extract", "--source", "wire")
    proc = run_cli("stats", "--store", store)
    assert proc.returncode == 0, proc.stderr
    head = dict(ln.split(": ", 1) for ln in proc.stdout.split("\n\n")[0].splitlines())
    assert head["articles"] == "3" and head["first date"] == "1996-01-01" and head["last date"] == "2006-10-20"
    assert head["sources"] == "1" and head["ingestion runs"] == "1" and head["records rejected"] == "0"
    assert "wire" in proc.stdout and "2006-10" in proc.stdout and "1996-01" in proc.stdout

    as_json = run_cli("stats", "--store", store, "--format", "json", "--by", "year")
    doc = json.loads(as_json.stdout)  # one JSON document
    assert doc["articles"] == 3 and doc["first_date"] == "1996-01-01"
    rows = doc["periods"]  # every year of the range, zeros where none
    assert [r["period"] for r in rows] == [str(y) for y in range(1996, 2007)]
    assert rows[0] == {"source": "wire", "period": "1996", "articles": 1, "duplicates": 0}
    assert rows[-1] == {"source": "wire", "period": "2006", "articles": 2, "duplicates": 0}
    assert sum(r["articles"] for r in rows[1:-1]) == 0
    as_csv = run_cli("stats", "--store", store, "--format", "csv", "-o", tmp_path / "s.csv")
    assert as_csv.returncode == 0
    assert (tmp_path / "s.csv").read_text().splitlines()[0] == "source,period,articles,duplicates"

    missing = run_cli("stats", "--store", tmp_path / "missing.duckdb")
    assert missing.returncode == 4
    no_traceback(missing)
    assert error_line(missing).startswith("hypecycle: error: [HC200]")


# ---------------------------------------------------------------------------------------------
# help
# ---------------------------------------------------------------------------------------------

COMMANDS = ["ingest", "stats", "extract", "events", "topics", "terms", "emerging"]


def test_every_command_is_listed_and_has_help(run_cli):
    top = run_cli("--help")
    assert top.returncode == 0
    for cmd in COMMANDS:
        assert re.search(rf"^\s+{cmd}\s+\S", top.stdout, re.M), f"{cmd} is not documented in --help"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_subcommand_help(cmd, run_cli):
    proc = run_cli(cmd, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: hypecycle {cmd}")
    no_traceback(proc)


def test_ingest_help_documents_the_options(run_cli):
    out = run_cli("ingest", "--help").stdout
    for opt in ("--store", "--text-field", "--date-field", "--encoding", "--delimiter", "--default-date",
                "--rejects", "--strict", "--wait", "--no-extract", "--batch-size", "--summary-format"):
        assert opt in out


def test_no_command_prints_help(run_cli):
    proc = run_cli()
    assert proc.returncode == 2
    assert proc.stdout.startswith("usage: hypecycle") and "ingest" in proc.stdout
    no_traceback(proc)


def test_console_script_and_version():
    exe = shutil.which("hypecycle")
    if exe is None:
        pytest.skip("the hypecycle console script is not on PATH (package not installed)")
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("hypecycle ")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal(make_corpus, tmp_path, cli_popen):
    import pty

    path = make_corpus("c.jsonl", GOOD)
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = cli_popen("ingest", path, "--store", tmp_path / "s.duckdb", "--no-extract", stderr=slave)
        out, _ = proc.communicate(timeout=120)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert proc.returncode == 0
    assert b"ingest" in b"".join(chunks) and b"articles" in b"".join(chunks)
    assert SUMMARY_LINE.match(out.decode().strip())  # the summary still goes to stdout


# ---------------------------------------------------------------------------------------------
# kill-and-resume and concurrency, on a corpus of a few thousand articles
# ---------------------------------------------------------------------------------------------

BAD_EVERY = 997  # a broken line now and then, so rejects are compared too


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory, synthetic_records, corpora_path) -> Path:
    """~10k records: Reuters 2006 (read at run time when ../shared is present) + synthetic,
    with republished copies, exact repeats and a few broken lines."""
    folder = tmp_path_factory.mktemp("big")
    lines: list[str] = []
    reuters = corpora_path / "reuters-2006-2013" / "reuters_2006.jsonl.gz"
    if reuters.is_file():
        with gzip.open(reuters, "rt", encoding="utf-8") as fh:
            lines += [ln.rstrip("\n") for ln in fh]
    synth = synthetic_records(10_000 - len(lines), seed=20061020, republished=0.05, repeated=0.02)
    lines += [json.dumps(r) for r in synth]
    out = []
    for i, ln in enumerate(lines, 1):
        out.append(ln)
        if i % BAD_EVERY == 0:
            out.append('{"id": "broken", "title": ')
    path = folder / "big.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def ingest_args(corpus: Path, store: Path, *extra) -> list:
    return ["ingest", corpus, "--store", store, "--no-extract", "--batch-size", "200",
            "--summary-format", "json", *extra]


@pytest.fixture(scope="session")
def snapshot(store_rows):
    """``snapshot(store)``: what a store holds, comparable between runs."""

    def take(store: Path) -> dict:
        return {
            "articles": sorted(store_rows(store, "SELECT id, date, content_hash FROM articles")),
            "duplicates": sorted(store_rows(store, "SELECT id, duplicate_of FROM duplicates")),
            "rejects": sorted(store_rows(store, "SELECT origin, location, reason FROM rejects")),
        }

    return take


@pytest.fixture(scope="module")
def reference(big_corpus, tmp_path_factory, run_cli, snapshot) -> tuple[dict, dict]:
    """An uninterrupted run: its summary and the store's content."""
    store = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    proc = run_cli(*ingest_args(big_corpus, store))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["rejected"] > 0 and summary["duplicates"] > 0 and summary["ingested"] > 5000
    return summary, snapshot(store)


def wait_for_commits(proc: subprocess.Popen, store: Path, min_bytes: int, timeout: float = 60) -> None:
    """Return once the store's write-ahead log holds ``min_bytes`` (some batches committed)."""
    wal = Path(str(store) + ".wal")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the ingest process ended (rc {proc.returncode}) before it could be "
                        f"interrupted; make the corpus larger. stderr: {err}")
        if wal.exists() and wal.stat().st_size >= min_bytes:
            return
        time.sleep(0.01)
    proc.kill()
    pytest.fail("no batch was committed in time")


@pytest.mark.slow
def test_kill_and_resume(big_corpus, reference, tmp_path, store_rows, snapshot, run_cli, cli_popen):
    ref_summary, ref_store = reference
    store = tmp_path / "killed.duckdb"
    proc = cli_popen(*ingest_args(big_corpus, store))
    try:
        wait_for_commits(proc, store, min_bytes=400_000)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    partial = snapshot(store)  # a killed run leaves a consistent store: whole batches only
    n_partial = len(partial["articles"])
    assert 0 < n_partial < len(ref_store["articles"])
    assert set(partial["articles"]) <= set(ref_store["articles"])
    assert store_rows(store, "SELECT count(*) FROM runs") == [(0,)]

    resumed = run_cli(*ingest_args(big_corpus, store))
    assert resumed.returncode == 0, resumed.stderr
    no_traceback(resumed)
    summary = json.loads(resumed.stdout)
    assert summary["read"] == ref_summary["read"]
    assert summary["ingested"] == ref_summary["ingested"] - n_partial
    assert summary["rejected"] == ref_summary["rejected"]
    assert snapshot(store) == ref_store  # same ids, dates, duplicates and rejects

    again = json.loads(run_cli(*ingest_args(big_corpus, store)).stdout)
    assert again["ingested"] == 0 and again["duplicates"] == 0
    assert again["already_stored"] == ref_summary["read"] - ref_summary["rejected"]
    assert snapshot(store) == ref_store


@pytest.mark.slow
@pytest.mark.parametrize("wait", [False, True], ids=["refuse", "wait"])
def test_two_ingest_processes_on_one_store(big_corpus, reference, tmp_path, wait, store_rows, snapshot,
                                          run_cli, cli_popen):
    ref_summary, ref_store = reference
    store = tmp_path / "shared.duckdb"
    extra = ["--wait", "120"] if wait else []
    first = cli_popen(*ingest_args(big_corpus, store, *extra), text=True)
    try:
        wait_for_commits(first, store, min_bytes=1)
        second = run_cli(*ingest_args(big_corpus, store, *extra))
        out, err = first.communicate(timeout=180)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert json.loads(out)["ingested"] == ref_summary["ingested"]
    no_traceback(second)
    if wait:
        assert second.returncode == 0, second.stderr
        s2 = json.loads(second.stdout)
        assert s2["ingested"] == 0 and s2["already_stored"] == ref_summary["read"] - ref_summary["rejected"]
    else:
        assert second.returncode == 5
        line = error_line(second)
        assert line.startswith("hypecycle: error: [HC201]")
        assert str(store) in line and "in use by another hypecycle process" in line and "--wait" in line
        assert second.stdout == ""
    assert snapshot(store) == ref_store
    assert store_rows(store, "SELECT count(*) FROM runs") == [(2 if wait else 1,)]
