"""Parquet exchange: a store out as Hive-partitioned Parquet, and back.

``export_parquet`` writes every table of a store into ``DIR/<table>/``: the tables with
an article date (``articles``, ``duplicates``, ``events``, ``mentions``, and ``extracted``,
whose rows hold each article's cue counts ``hype`` and ``skeptic``, dated by its article)
as one folder per month, ``DIR/<table>/month=YYYY-MM/*.parquet``; the small bookkeeping
tables (``meta``, ``runs``, ``rejects``, and any table without a date) as one file each.
A manifest, ``DIR/hypecycle-export.json``, names the schema version, each table's
columns and row count. Dask (``dd.read_parquet``), Spark, pandas (``pd.read_parquet``)
and DuckDB (``read_parquet('DIR/articles/**/*.parquet', hive_partitioning = true)``) read
the folders directly; the partition column is ``month``.

``import_parquet`` reads such a folder into a new (or empty) store; a round trip gives
the same rows in every table. DuckDB's own ``COPY ... (FORMAT PARQUET, PARTITION_BY)``
and ``read_parquet`` do the work, streaming, within the store's memory limit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from .errors import InputError, StoreError, StoreWriteError, UsageError

__all__ = ["MANIFEST", "export_parquet", "import_parquet"]

MANIFEST = "hypecycle-export.json"
FORMAT = "hypecycle-parquet-1"
#: Tables dated through their article rather than by a date column of their own.
_DATED_BY_ARTICLE = {"extracted": "article_id"}


def _tables(con) -> list[tuple[str, list[tuple[str, str]]]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database() "
        "ORDER BY table_name, ordinal_position").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for t, c, d in rows:
        out.setdefault(t, []).append((c, d))
    return list(out.items())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_parquet(store_path: str | Path, out_dir: str | Path, *, overwrite: bool = False,
                   wait: float = 0.0) -> dict[str, Any]:
    """Write every table of the store as Parquet under ``out_dir``, partitioned by month.

    The export is written into a temporary sibling folder and renamed into place at the
    end, so ``out_dir`` never holds half an export. Returns the manifest (also written to
    ``out_dir/hypecycle-export.json``).

    Raises
    ------
    UsageError
        ``out_dir`` exists and is not empty, and ``overwrite`` is false; or it is a file.
    StoreError
        The store cannot be read (missing, busy, damaged).
    """
    from .store import SCHEMA_VERSION, Store, store_error

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file; --parquet needs a folder to write the export into")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise UsageError(f"{out}: folder exists and is not empty; choose a new folder or pass --overwrite")
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    manifest: dict[str, Any] = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "store": str(store_path),
                                "partitioned_by": "month", "tables": {}}
    try:
        with Store(store_path, read_only=True, wait=wait) as store:
            con = store.con
            try:
                for table, cols in _tables(con):
                    names = [c for c, _ in cols]
                    n = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
                    target = tmp / table
                    select_cols = ", ".join(f"t.{_q(c)}" for c in names)
                    if n and ("date" in names or table in _DATED_BY_ARTICLE):
                        if "date" in names:
                            sql = f"SELECT {select_cols}, strftime(t.date, '%Y-%m') AS month FROM {_q(table)} t"
                        else:
                            key = _DATED_BY_ARTICLE[table]
                            sql = (f"SELECT {select_cols}, strftime(a.date, '%Y-%m') AS month FROM {_q(table)} t "
                                   f"LEFT JOIN articles a ON a.id = t.{_q(key)}")
                        con.execute(f"COPY ({sql}) TO '{target}' "
                                    "(FORMAT PARQUET, PARTITION_BY (month), COMPRESSION zstd)")
                        layout = "month"
                    else:
                        target.mkdir()
                        con.execute(f"COPY (SELECT {select_cols} FROM {_q(table)} t) TO "
                                    f"'{target / 'data.parquet'}' (FORMAT PARQUET, COMPRESSION zstd)")
                        layout = "single"
                    manifest["tables"][table] = {"rows": int(n), "layout": layout,
                                                 "columns": [{"name": c, "type": d} for c, d in cols]}
            except Exception as e:
                import duckdb

                if isinstance(e, duckdb.Error):
                    raise store_error(store_path, e, "read") from None
                raise
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except OSError as e:
        raise StoreError(f"{out}: could not write the export: {e.strerror or e}; nothing was left there") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of an export folder, checked."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the folder written by `hypecycle export --parquet`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: missing; {folder} is not a hypecycle Parquet export "
                         "(write one with `hypecycle export --store S --parquet DIR`)") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: unreadable manifest: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "tables" not in manifest:
        raise InputError(f"{path}: not a hypecycle export manifest (expected format {FORMAT!r})")
    return manifest


def import_parquet(folder: str | Path, store_path: str | Path, *, wait: float = 0.0) -> dict[str, int]:
    """Read an export folder into a new or empty store, all tables in one transaction.

    Returns rows per table. The store gets exactly the exported rows: the round trip
    ``export_parquet`` -> ``import_parquet`` leaves every table as it was. An export of an
    older schema version is imported as it was, then migrated like an older store.

    Raises
    ------
    InputError
        The folder is not an export, or a table's files are missing or unreadable.
    UsageError
        The target store already holds articles.
    StoreVersionError, StoreError
        The export is of a newer schema version; the store cannot be written.
    """
    from .errors import StoreVersionError
    from .store import SCHEMA_VERSION, Store, can_migrate

    folder = Path(folder)
    manifest = read_manifest(folder)
    version = str(manifest.get("schema_version"))
    if version != SCHEMA_VERSION and not can_migrate(version):
        raise StoreVersionError(
            f"{folder}: exported from store schema version {version}, newer than this hypecycle's "
            f"{SCHEMA_VERSION}; upgrade hypecycle (pip install -U hypecycle-news) to import it")
    counts: dict[str, int] = {}
    created = not Path(store_path).exists()
    try:
        counts = _import_into(folder, manifest, store_path, wait=wait, counts=counts)
        if version != SCHEMA_VERSION:  # an older export: its meta says so; opening migrates it
            with Store(store_path, wait=wait) as store:
                counts["companies"] = int(store.con.execute("SELECT count(*) FROM companies").fetchone()[0])
        return counts
    except BaseException:
        if created:  # leave no empty store behind a failed import
            for p in (Path(store_path), Path(str(store_path) + ".wal")):
                p.unlink(missing_ok=True)
        raise


def _import_into(folder: Path, manifest: dict, store_path, *, wait: float, counts: dict[str, int]) -> dict[str, int]:
    import duckdb

    from .store import Store, store_error

    with Store(store_path, wait=wait) as store:
        con = store.con
        existing = dict(_tables(con))
        if con.execute("SELECT count(*) FROM articles").fetchone()[0]:
            raise UsageError(f"{store_path}: the store already holds articles; import into a new --store")
        for table, spec in manifest["tables"].items():
            files = sorted((folder / table).glob("**/*.parquet"))
            if spec["rows"] and not files:
                raise InputError(f"{folder / table}: no Parquet files, but the manifest lists {spec['rows']} rows")
        try:
            con.execute("BEGIN TRANSACTION")
            for table, spec in manifest["tables"].items():
                names = [c["name"] for c in spec["columns"]]
                cols = ", ".join(_q(c) for c in names)
                pattern = folder / table / ("**/*.parquet" if spec["layout"] == "month" else "data.parquet")
                if not spec["rows"]:
                    if table not in existing:
                        ddl = ", ".join(f"{_q(c['name'])} {c['type']}" for c in spec["columns"])
                        con.execute(f"CREATE TABLE {_q(table)} ({ddl})")
                    counts[table] = 0
                    continue
                src = f"read_parquet('{pattern}', hive_partitioning = false, union_by_name = true)"
                if table not in existing:
                    casts = ", ".join(f"{_q(c['name'])}::{c['type']} AS {_q(c['name'])}" for c in spec["columns"])
                    con.execute(f"CREATE TABLE {_q(table)} AS SELECT {casts} FROM {src}")
                else:
                    if table == "meta":
                        con.execute("DELETE FROM meta")
                    con.execute(f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM {src}")
                got = con.execute(f"SELECT count(*) FROM {_q(table)}").fetchone()[0]
                if got != spec["rows"]:
                    raise InputError(f"{folder / table}: holds {got} rows, the manifest says {spec['rows']}; "
                                     "the export is incomplete")
                counts[table] = int(got)
            con.execute("COMMIT")
        except BaseException as e:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            if isinstance(e, duckdb.Error):
                err = store_error(store_path, e, "write")
                if isinstance(e, duckdb.IOException) and not isinstance(err, StoreWriteError):
                    raise InputError(f"{folder}: cannot read the export: {str(e).splitlines()[0]}") from None
                raise err from None
            raise
    return counts
