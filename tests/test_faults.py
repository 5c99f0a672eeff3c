"""Faults that really happen: the ingest killed with SIGKILL, a full disk or an unwritable
store, a damaged store file, and a query while an ingest writes. Each test does the fault
for real, on real processes and real DuckDB files."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hypecycle.errors import StoreError, StoreLockedError
from hypecycle.store import Store


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (psutil when installed, else /proc)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with the distributed extra
        out, stack = [], [pid]
        while stack:
            p = stack.pop()
            for task in Path(f"/proc/{p}/task").glob("*"):
                kids = (task / "children").read_text().split() if (task / "children").exists() else []
                out += [int(k) for k in kids]
                stack += [int(k) for k in kids]
        return out
    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"  # a zombie has exited; it only waits for its (new) parent to reap it
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:  # pragma: no cover - not Linux
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False


def _ingest_corpus(tmp_path, synthetic_records, n: int = 6000) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in synthetic_records(n, seed=12)), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# the ingest killed with SIGKILL: its extraction workers follow within seconds
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux only")
def test_sigkill_of_ingest_leaves_no_worker_behind(tmp_path, synthetic_records, cli_popen):
    corpus = _ingest_corpus(tmp_path, synthetic_records)
    proc = cli_popen("ingest", corpus, "--store", tmp_path / "s.duckdb", "--processes", "2",
                     "--batch-size", "200", "--quiet",
                     # no pipes: an orphaned worker holding them would make communicate() hang
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        kids: list[int] = []
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the ingest ended (rc {proc.returncode}) before it could be killed")
            kids = _children(proc.pid)
            if len(kids) >= 2 and Path(str(tmp_path / "s.duckdb") + ".wal").exists():
                break
            time.sleep(0.05)
        assert len(kids) >= 2, f"the ingest did not start its worker processes: {kids}"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5 and any(_alive(k) for k in kids):
        time.sleep(0.1)
    left = [k for k in kids if _alive(k)]
    for k in left:  # never leave them behind, even when the test fails
        os.kill(k, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the killed ingest by 5 s"
