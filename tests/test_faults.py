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

from hypecycle.errors import StoreError
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


# ---------------------------------------------------------------------------------------------
# a full disk or an unwritable store: one line, exit 4, the store unchanged
# ---------------------------------------------------------------------------------------------

def _snapshot(store: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * EXCLUDE (origin) FROM {t}").fetchall()))
                if t in ("articles", "duplicates") else
                sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("articles", "duplicates", "rejects", "events", "mentions", "extracted")}
    finally:
        con.close()


@pytest.fixture
def small_fs(tmp_path):
    """``small_fs(size)``: a tmpfs of that size mounted under tmp_path (root only; skips elsewhere)."""
    mounted: list[Path] = []

    def mount(size: str, name: str = "fs") -> Path:
        point = tmp_path / name
        point.mkdir()
        if shutil.which("mount") is None or os.geteuid() != 0:
            pytest.skip("mounting a small file system needs root and mount(8)")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"this machine does not allow mounting a tmpfs: {proc.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.fixture(scope="module")
def base_store(tmp_path_factory, synthetic_records, run_cli) -> Path:
    """A store of 400 extracted articles, checkpointed (no .wal)."""
    folder = tmp_path_factory.mktemp("base")
    corpus = folder / "a.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in synthetic_records(400, seed=1)), encoding="utf-8")
    store = folder / "base.duckdb"
    proc = run_cli("ingest", corpus, "--store", store, "--processes", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert not Path(str(store) + ".wal").exists() or Path(str(store) + ".wal").stat().st_size == 0
    return store


def _one_line_error(proc, code: str, name: str) -> str:
    err = proc.stderr.strip()
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1, err
    assert f"[{code}]" in err and name in err, err
    return err


def _fsize_limit(limit: int):
    def pre():  # in the child only: a write past `limit` bytes fails with EFBIG instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


@pytest.mark.slow
@pytest.mark.parametrize("how", ["file-size-limit", "small-tmpfs"])
def test_full_disk_is_one_line_and_leaves_the_store_unchanged(how, base_store, tmp_path, synthetic_records,
                                                              small_fs, cli_command):
    corpus = _ingest_corpus(tmp_path, synthetic_records, n=3000)
    if how == "small-tmpfs":
        folder = small_fs(f"{base_store.stat().st_size + 600_000}")
        pre = None
    else:
        folder, pre = tmp_path, _fsize_limit(300_000)
    store = folder / "full.duckdb"
    shutil.copy(base_store, store)
    before = _snapshot(store)
    proc = subprocess.run(cli_command("ingest", corpus, "--store", store, "--no-extract",
                                      "--batch-size", "3000", "--quiet"),
                          capture_output=True, text=True, timeout=300, preexec_fn=pre)
    assert proc.returncode == 4, proc.stderr
    err = _one_line_error(proc, "HC203", str(store))
    assert "rolled back" in err or "refused a write" in err
    assert _snapshot(store) == before  # nothing of the refused batch is visible
    # with room again, the same command adds exactly what is missing
    roomy = tmp_path / "roomy.duckdb"
    shutil.copy(store, roomy)
    if Path(str(store) + ".wal").exists():
        shutil.copy(str(store) + ".wal", str(roomy) + ".wal")
    again = subprocess.run(cli_command("ingest", corpus, "--store", roomy, "--no-extract", "--quiet",
                                       "--summary-format", "json"), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["ingested"] == 3000


@pytest.mark.slow
def test_unwritable_store_is_one_line_and_unchanged(base_store, tmp_path, synthetic_records, small_fs,
                                                    cli_command, run_cli):
    corpus = _ingest_corpus(tmp_path, synthetic_records, n=50)
    if os.geteuid() != 0:  # pragma: no cover - CI runs as root, where file modes do not stop writes
        store = tmp_path / "ro.duckdb"
        shutil.copy(base_store, store)
        store.chmod(0o444)
    else:  # root ignores file modes: a file system mounted read-only does stop it
        folder = small_fs("20m")
        store = folder / "ro.duckdb"
        shutil.copy(base_store, store)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
    before = _snapshot(store)
    proc = run_cli("ingest", corpus, "--store", store, "--processes", "1", "--quiet")
    assert proc.returncode == 4, proc.stderr
    _one_line_error(proc, "HC203", str(store))
    assert _snapshot(store) == before
    ok = run_cli("stats", "--store", store, "--format", "json")  # reading still works
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["articles"] == 400


# ---------------------------------------------------------------------------------------------
# a damaged store file: a clear error naming it, never a database traceback
# ---------------------------------------------------------------------------------------------

def _damage(path: Path, how: str) -> None:
    size = path.stat().st_size
    if how == "empty":
        os.truncate(path, 0)
    elif how == "truncated-100-bytes":
        os.truncate(path, 100)
    elif how == "truncated-half":
        os.truncate(path, size // 2)
    elif how == "header-overwritten":
        with open(path, "r+b") as fh:
            fh.write(os.urandom(4096))
    elif how == "second-header-overwritten":
        with open(path, "r+b") as fh:
            fh.seek(4096)
            fh.write(os.urandom(8192))
    elif how == "body-overwritten":
        with open(path, "r+b") as fh:
            fh.seek(12288)
            fh.write(os.urandom(size - 12288))
    elif how == "garbage":
        path.write_bytes(b"not a database, just words " * 5000)


DAMAGES = ["empty", "truncated-100-bytes", "truncated-half", "header-overwritten",
           "second-header-overwritten", "body-overwritten", "garbage"]


@pytest.mark.parametrize(("how", "command"),
                         [(h, ["stats"]) for h in DAMAGES]
                         + [(h, c) for h in ("truncated-half", "body-overwritten")
                            for c in (["events"], ["trajectory", "--topic", "cloud"])])
def test_damaged_store_is_a_clear_error(how, command, base_store, tmp_path, run_cli):
    store = tmp_path / f"{how}.duckdb"
    shutil.copy(base_store, store)
    _damage(store, how)
    proc = run_cli(command[0], "--store", store, *command[1:])
    assert proc.returncode == 4, (proc.returncode, proc.stderr)
    err = proc.stderr.strip()
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1 and str(store) in err, err
    assert "[HC204]" in err or "[HC200]" in err, err
    if how not in ("garbage",):
        assert "[HC204]" in err and "damaged" in err, err


def test_damaged_store_in_the_library_raises_store_errors(base_store, tmp_path):
    store = tmp_path / "t.duckdb"
    shutil.copy(base_store, store)
    _damage(store, "truncated-100-bytes")
    for read_only in (True, False):
        with pytest.raises(StoreError, match="damaged") as e:
            Store(store, read_only=read_only)
        assert str(store) in str(e.value)


# ---------------------------------------------------------------------------------------------
# a query while an ingest writes: "the store is busy" at once, or a consistent read with --wait
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_query_during_ingest_is_busy_or_waits_for_a_consistent_state(tmp_path, synthetic_records, cli_popen,
                                                                      run_cli):
    corpus = _ingest_corpus(tmp_path, synthetic_records, n=1500)
    store = tmp_path / "busy.duckdb"
    writer = cli_popen("ingest", corpus, "--store", store, "--processes", "1", "--batch-size", "100",
                       "--summary-format", "json", text=True)
    try:
        deadline = time.monotonic() + 60
        while not Path(str(store) + ".wal").exists() and time.monotonic() < deadline:
            assert writer.poll() is None, writer.communicate()
            time.sleep(0.02)
        busy = run_cli("stats", "--store", store)
        waited = run_cli("stats", "--store", store, "--wait", "240", "--format", "json")
        out, err = writer.communicate(timeout=240)
    finally:
        writer.kill()
    assert writer.returncode == 0, err
    assert busy.returncode == 5, busy.stderr
    _one_line_error(busy, "HC201", str(store))
    assert "in use" in busy.stderr and "--wait" in busy.stderr
    assert waited.returncode == 0, waited.stderr
    # it waited for the writer and read the finished state, not half a batch
    assert json.loads(waited.stdout)["articles"] == json.loads(out)["ingested"] == 1500
