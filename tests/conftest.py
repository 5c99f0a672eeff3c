"""Shared fixtures and helpers for the hypecycle tests.

* ``make_corpus``: writes records into ``tmp_path`` in any input format (the format
  follows the file name: ``.jsonl``, ``.json``, ``.csv``, ``.tsv``, ``.parquet``,
  ``.rss``, ``.atom``, each optionally ``.gz``), so reader tests build their own files.
* ``make_documents``: writes a folder of ``.txt``/``.md``/``.html`` documents.
* ``run_cli``: runs ``python -m hypecycle.cli ...`` as a real subprocess.
* ``shared_corpora``: the real corpora beside the project, or a skip with the reason.
* ``synthetic_records``: seeded synthetic articles with known ids (the truth travels
  with the data, as in ruptures' ``pw_constant``).

Paths are resolved from ``__file__``: the project root is ``parents[1]``, the shared
corpora sit at ``root.parent / "shared" / "corpora"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import subprocess
import sys
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seed"
SKIP_SHARED = f"shared corpora not found at {CORPORA} (a clone outside the project workspace)"


# ---------------------------------------------------------------------------------------------
# writing corpora
# ---------------------------------------------------------------------------------------------

def _columns(records: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in records:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def _plain(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _feed_date(v, atom: bool) -> str:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day, 12, 0, tzinfo=dt.timezone.utc)
    if isinstance(v, dt.datetime):
        return v.isoformat() if atom else format_datetime(v)
    return str(v)


def render_rss(records: list[dict], title: str = "Test Feed") -> str:
    items = []
    for r in records:
        parts = [f"<title>{escape(r.get('title', ''))}</title>"]
        if r.get("url"):
            parts.append(f"<link>{escape(r['url'])}</link>")
        if r.get("id"):
            parts.append(f'<guid isPermaLink="false">{escape(str(r["id"]))}</guid>')
        if r.get("date") is not None:
            parts.append(f"<pubDate>{escape(_feed_date(r['date'], atom=False))}</pubDate>")
        if r.get("text"):
            parts.append(f"<description>{escape(r['text'])}</description>")
        items.append("<item>" + "".join(parts) + "</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>https://example.org/</link>"
            "<description>test</description>" + "\n".join(items) + "</channel></rss>\n")


def render_atom(records: list[dict], title: str = "Test Atom") -> str:
    entries = []
    for r in records:
        parts = [f"<title>{escape(r.get('title', ''))}</title>"]
        parts.append(f"<id>{escape(str(r.get('id') or r.get('url') or 'urn:x'))}</id>")
        if r.get("url"):
            parts.append(f'<link rel="alternate" href="{escape(r["url"])}"/>')
        if r.get("date") is not None:
            d = _feed_date(r["date"], atom=True)
            parts.append(f"<published>{d}</published><updated>{d}</updated>")
        if r.get("text"):
            parts.append(f'<content type="html">{escape(r["text"])}</content>')
        entries.append("<entry>" + "".join(parts) + "</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:test</id><updated>2020-01-01T00:00:00Z</updated>"
            + "\n".join(entries) + "</feed>\n")


def write_corpus(path: Path, records: list[dict], *, encoding: str = "utf-8",
                 delimiter: str | None = None) -> Path:
    """Write ``records`` to ``path`` in the format its name tells (``.gz`` compresses)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name.lower()
    gz = name.endswith(".gz")
    suffix = Path(name[:-3] if gz else name).suffix
    if suffix in (".jsonl", ".ndjson"):
        data = "".join(json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False) + "\n"
                       for r in records).encode(encoding)
    elif suffix == ".json":
        data = json.dumps([{k: _plain(v) for k, v in r.items()} for r in records],
                          ensure_ascii=False, indent=1).encode(encoding)
    elif suffix in (".csv", ".tsv"):
        buf = io.StringIO(newline="")
        delim = delimiter or ("\t" if suffix == ".tsv" else ",")
        cols = _columns(records)
        w = csv.writer(buf, delimiter=delim, lineterminator="\n")
        w.writerow(cols)
        for r in records:
            w.writerow(["" if r.get(c) is None else _plain(r.get(c)) for c in cols])
        data = buf.getvalue().encode(encoding)
    elif suffix in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = _columns(records)
        table = pa.Table.from_pydict({c: [r.get(c) for r in records] for c in cols})
        sink = io.BytesIO()
        pq.write_table(table, sink)
        data = sink.getvalue()
    elif suffix in (".rss", ".xml"):
        data = render_rss(records).encode(encoding)
    elif suffix == ".atom":
        data = render_atom(records).encode(encoding)
    else:
        raise ValueError(f"write_corpus: no writer for {path.name}")
    if gz:
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


@pytest.fixture
def make_corpus(tmp_path):
    """``make_corpus(name, records, **kw)`` writes a corpus file into tmp_path and returns its path."""

    def make(name: str, records: list[dict], **kw) -> Path:
        return write_corpus(tmp_path / name, records, **kw)

    return make


@pytest.fixture
def make_documents(tmp_path):
    """``make_documents(folder, {name: content})`` writes documents (``.gz`` compresses)."""

    def make(folder: str, docs: dict[str, str | bytes]) -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, content in docs.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            if name.endswith(".gz"):
                data = gzip.compress(data, mtime=0)
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        return root

    return make


# ---------------------------------------------------------------------------------------------
# synthetic articles
# ---------------------------------------------------------------------------------------------

_WORDS = ("cloud computing startup raised funding round investors venture capital market shares "
          "quarter revenue growth analysts said company chips data centre software internet "
          "telecom network bandwidth acquisition deal billion million percent profit loss "
          "bankruptcy layoffs workers electric vehicle battery social media platform users").split()


def synthetic_records(n: int, seed: int, *, start: dt.date = dt.date(2005, 1, 1),
                      words: int = 60, republished: float = 0.0, repeated: float = 0.0) -> list[dict]:
    """``n`` distinct synthetic articles with ids ``s<seed>-<i>``, url and ISO date.

    ``republished`` adds that share of copies of earlier stories under a new id and url
    (same text, different spacing and case): stored once, counted as duplicates.
    ``repeated`` adds that share of exact repeats of earlier records.
    """
    rng = random.Random(seed)
    out: list[dict] = []
    originals: list[dict] = []
    for i in range(n):
        body = " ".join(rng.choice(_WORDS) for _ in range(words))
        rec = {
            "id": f"s{seed}-{i}",
            "date": (start + dt.timedelta(days=rng.randrange(3000))).isoformat(),
            "title": f"Story {i} of {seed}: {' '.join(rng.choice(_WORDS) for _ in range(5))}",
            "text": f"Story number {i} (seed {seed}). {body}.",
            "url": f"https://news.example.com/{seed}/{i}",
        }
        out.append(rec)
        originals.append(rec)
        if originals and rng.random() < republished:
            src = rng.choice(originals)
            out.append({"id": f"r{seed}-{i}", "date": src["date"], "title": src["title"].upper(),
                        "text": "  " + src["text"].upper().replace(" ", "  "),
                        "url": f"https://mirror.example.net/{seed}/{i}"})
        if originals and rng.random() < repeated:
            out.append(dict(rng.choice(originals)))
    return out


# ---------------------------------------------------------------------------------------------
# the command line as a real subprocess
# ---------------------------------------------------------------------------------------------

def cli_command(*args) -> list[str]:
    return [sys.executable, "-m", "hypecycle.cli", *map(str, args)]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONWARNINGS", None)
    return env


def run_cli(*args, cwd: Path | None = None, timeout: float = 180, input: str | None = None
            ) -> subprocess.CompletedProcess:
    """Run ``hypecycle ARGS`` in a new process and return the completed process (text output)."""
    return subprocess.run(cli_command(*args), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=cli_env(), input=input)


@pytest.fixture(scope="session", name="run_cli")
def run_cli_fixture():
    return run_cli


# ---------------------------------------------------------------------------------------------
# store access and the shared corpora
# ---------------------------------------------------------------------------------------------

def store_rows(store: Path, sql: str) -> list[tuple]:
    """Run a query on a store opened read-only (no hypecycle code involved)."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def store_ids(store: Path) -> set[str]:
    return {r[0] for r in store_rows(store, "SELECT id FROM articles")}


@pytest.fixture
def shared_corpora() -> Path:
    """The folder of real corpora beside the project; skips when it is absent."""
    if not CORPORA.is_dir():
        pytest.skip(SKIP_SHARED)
    return CORPORA


@pytest.fixture
def seed_folder() -> Path:
    """The folder holding the project's seed article; skips when it is absent."""
    if not SEED.is_dir():
        pytest.skip(f"seed folder not found at {SEED}")
    return SEED


# Helpers as session fixtures (test modules do not import conftest: it is not a package module).

@pytest.fixture(scope="session", name="corpora_path")
def corpora_path_fixture() -> Path:
    """Where the shared corpora would be (may be absent; no skip)."""
    return CORPORA


@pytest.fixture(scope="session", name="store_rows")
def store_rows_fixture():
    return store_rows


@pytest.fixture(scope="session", name="synthetic_records")
def synthetic_records_fixture():
    return synthetic_records


@pytest.fixture(scope="session", name="write_corpus")
def write_corpus_fixture():
    return write_corpus


@pytest.fixture(scope="session", name="render_rss")
def render_rss_fixture():
    return render_rss


@pytest.fixture(scope="session", name="cli_popen")
def cli_popen_fixture():
    """``cli_popen(*args, **popen_kw)`` starts ``hypecycle ARGS`` and returns the Popen."""

    def start(*args, **kw) -> subprocess.Popen:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(cli_command(*args), env=cli_env(), **kw)

    return start


@pytest.fixture(scope="session", name="cli_command")
def cli_command_fixture():
    return cli_command
