"""Parquet exchange: export a real store (the bundled demo corpus with its events, plus
duplicates and rejects), import it back, and compare every table; pandas and DuckDB read
the export directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hypecycle.errors import InputError, UsageError
from hypecycle.exchange import MANIFEST, export_parquet, import_parquet

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"


def _tables(store: Path) -> dict[str, tuple[list, list]]:
    """Every table: (column names and types, all rows sorted)."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        out = {}
        for t in names:
            cols = con.execute(f"SELECT column_name, data_type FROM information_schema.columns "
                               f"WHERE table_name = '{t}' ORDER BY ordinal_position").fetchall()
            rows = sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            out[t] = (cols, rows)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def rich_store(tmp_path_factory, synthetic_records, run_cli) -> Path:
    if not (DEMO / "ai_briefs.jsonl").is_file():
        pytest.skip(f"the bundled demo corpus is missing at {DEMO}")
    folder = tmp_path_factory.mktemp("rich")
    extra = folder / "extra.jsonl"
    lines = [json.dumps(r) for r in synthetic_records(300, seed=7, republished=0.1)]
    lines.insert(50, '{"id": "broken", "title": ')  # a reject
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = folder / "rich.duckdb"
    proc = run_cli("ingest", DEMO / "ai_briefs.jsonl", extra, "--store", store, "--processes", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return store


def test_round_trip_gives_an_identical_store(rich_store, tmp_path):
    before = _tables(rich_store)
    for t in ("articles", "events", "mentions", "duplicates", "rejects", "extracted", "runs", "meta"):
        assert before[t][1], f"the fixture store should have rows in {t}"
    manifest = export_parquet(rich_store, tmp_path / "out")
    assert set(manifest["tables"]) == set(before)
    copy = tmp_path / "copy.duckdb"
    counts = import_parquet(tmp_path / "out", copy)
    assert counts == {t: len(rows) for t, (_, rows) in before.items()}
    after = _tables(copy)
    assert after.keys() == before.keys()
    for t in before:
        assert after[t][0] == before[t][0], f"columns of {t} differ"
        assert after[t][1] == before[t][1], f"rows of {t} differ"


def test_an_export_of_an_older_schema_imports_migrated(rich_store, tmp_path):
    """A version-2 export (before the companies table) imports, then migrates like a store."""
    import shutil

    import duckdb

    out = tmp_path / "v2"
    manifest = export_parquet(rich_store, out)
    shutil.rmtree(out / "companies")
    del manifest["tables"]["companies"]
    manifest["schema_version"] = "2"
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    meta = out / "meta" / "data.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT key, CASE WHEN key = 'schema_version' THEN '2' ELSE value END AS value "
                f"FROM read_parquet('{meta}')) TO '{tmp_path / 'meta.parquet'}' (FORMAT PARQUET)")
    con.close()
    shutil.move(tmp_path / "meta.parquet", meta)
    copy = tmp_path / "copy.duckdb"
    counts = import_parquet(out, copy)
    before, after = _tables(rich_store), _tables(copy)
    assert counts["companies"] == len(before["companies"][1]) > 0
    assert after == before


def test_export_is_partitioned_by_month_and_read_by_pandas_and_duckdb(rich_store, tmp_path):
    import duckdb
    import pandas as pd

    out = tmp_path / "out"
    export_parquet(rich_store, out)
    assert (out / MANIFEST).is_file()
    months = sorted(p.name for p in (out / "articles").iterdir())
    assert months and all(m.startswith("month=") and len(m) == len("month=2024-01") for m in months)
    assert (out / "runs" / "data.parquet").is_file()
    truth = _tables(rich_store)
    # pandas (pyarrow dataset, Hive partitions): the month column comes from the folder names
    arts = pd.read_parquet(out / "articles")
    assert len(arts) == len(truth["articles"][1])
    assert (pd.to_datetime(arts["date"]).dt.strftime("%Y-%m") == arts["month"].astype(str)).all()
    ev = pd.read_parquet(out / "events")
    assert len(ev) == len(truth["events"][1]) and {"type", "company", "amount_usd"} <= set(ev.columns)
    cues = pd.read_parquet(out / "extracted")
    assert len(cues) == len(truth["extracted"][1]) and {"hype", "skeptic"} <= set(cues.columns)
    # DuckDB, straight from the files
    con = duckdb.connect()
    n, bad = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE strftime(date, '%Y-%m') <> month) FROM "
        f"read_parquet('{out}/mentions/**/*.parquet', hive_partitioning = true)").fetchone()
    assert n == len(truth["mentions"][1]) and bad == 0
    per_month = con.execute(
        f"SELECT month, count(*) FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true) "
        "GROUP BY 1 ORDER BY 1").fetchall()
    assert sum(c for _, c in per_month) == len(truth["articles"][1])


def test_cli_export_and_import(rich_store, tmp_path, run_cli):
    out = tmp_path / "cli-out"
    proc = run_cli("export", "--store", rich_store, "--parquet", out)
    assert proc.returncode == 0, proc.stderr
    assert "articles" in proc.stdout and (out / MANIFEST).is_file()
    again = run_cli("export", "--store", rich_store, "--parquet", out)  # not over an existing export
    assert again.returncode == 2 and "[HC001]" in again.stderr and "--overwrite" in again.stderr
    assert run_cli("export", "--store", rich_store, "--parquet", out, "--overwrite").returncode == 0
    copy = tmp_path / "cli-copy.duckdb"
    proc = run_cli("import", out, "--store", copy)
    assert proc.returncode == 0, proc.stderr
    assert _tables(copy) == _tables(rich_store)
    twice = run_cli("import", out, "--store", copy)  # never into a store that holds articles
    assert twice.returncode == 2 and "already holds articles" in twice.stderr
    assert _tables(copy) == _tables(rich_store)


def test_import_refuses_what_is_not_an_export(tmp_path, rich_store):
    with pytest.raises(InputError, match="not a hypecycle Parquet export"):
        import_parquet(tmp_path, tmp_path / "x.duckdb")
    with pytest.raises(InputError, match="no such folder"):
        import_parquet(tmp_path / "nope", tmp_path / "x.duckdb")
    out = tmp_path / "out"
    export_parquet(rich_store, out)
    for f in (out / "events").glob("**/*.parquet"):
        f.unlink()  # an incomplete copy of an export
    with pytest.raises(InputError, match="events"):
        import_parquet(out, tmp_path / "y.duckdb")
    assert not (tmp_path / "y.duckdb").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        export_parquet(rich_store, tmp_path / "file")
