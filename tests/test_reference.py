"""Reference cycles: the shipped files load, every number has a source, phases and exclusions."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hypecycle import reference
from hypecycle.errors import CycleDataError, UsageError
from hypecycle.reference import PHASES, cycles_dir, load_cycles, synthetic_cycle, usable_cycles

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("cloud-2007", "dot-com", "telecom-1990s")


@pytest.fixture(scope="module")
def cycles():
    return load_cycles()


def test_the_shipped_cycles_load_with_complete_quarterly_series(cycles):
    assert [c.id for c in cycles] == list(SHIPPED)
    for c in cycles:
        assert c.freq == "quarter" and c.start < c.end <= c.known_until
        idx = c.series.index
        assert isinstance(idx, pd.PeriodIndex) and idx.name == "period"
        assert list(idx) == list(pd.period_range(c.start, c.end, freq="Q"))
        assert "attention" in c.series and c.series["attention"].notna().sum() >= 20
        assert "attention" in c.match_signals
        assert c.topic in ("telecom", "cloud", "dot-com")


def test_every_number_has_a_declared_source_and_every_signal_a_note(cycles):
    for c in cycles:
        keys = {s.split(":")[0] for s in c.sources}
        prov = c.provenance
        assert len(prov) == int(c.series.notna().sum().sum()), c.id
        assert prov["source"].isin(keys).all(), c.id
        assert set(prov["signal"]) == set(c.series.columns)
        for sig in c.series.columns:
            note = c.notes[sig]
            assert note["unit"] and note["how"], (c.id, sig)
            assert all(k in keys for k in note["source"].split("+")), (c.id, sig)
        for row in c.phases.itertuples():
            assert all(k in keys for k in row.source.split("+")), (c.id, row)


def test_phases_are_consecutive_and_turning_points_dated(cycles):
    for c in cycles:
        ph = c.phases
        assert set(ph["phase"]) <= set(PHASES)
        assert ph["start"].iloc[0] == c.start and ph["end"].iloc[-1] == c.end
        for prev, nxt in zip(ph.itertuples(), ph.iloc[1:].itertuples()):
            assert nxt.start == prev.end + dt.timedelta(days=1)
        tp = c.turning_points()
        assert list(tp.columns) == ["date", "from_phase", "to_phase", "source"]
        assert len(tp) == len(ph) - 1 and tp["date"].is_monotonic_increasing


@pytest.mark.parametrize("cid, date, phase", [
    ("telecom-1990s", "1996-02-08", "trigger"),
    ("telecom-1990s", "2000-03-10", "peak"),
    ("telecom-1990s", "2000-03-11", "trough"),
    ("telecom-1990s", pd.Period("2003Q2", freq="Q"), "slope"),
    ("dot-com", dt.date(1999, 6, 30), "peak"),
    ("cloud-2007", "2009-08-17", "peak"),
    ("cloud-2007", "2012-08-01", "trough"),
    ("cloud-2007", "2005-06-30", None),
])
def test_phase_at_reads_the_timeline(cycles, cid, date, phase):
    assert reference.get_cycle(cid, cycles).phase_at(date) == phase


def test_sourced_facts_carry_into_the_series(cycles):
    tel = reference.get_cycle("telecom-1990s", cycles).series
    assert tel.loc["2001Q1":"2001Q4", "telecom_bankruptcies"].sum() == pytest.approx(77)
    assert tel.loc["2000Q1":"2000Q4", "telecom_bankruptcies"].sum() == pytest.approx(20)
    assert tel.loc["1999Q1":"1999Q4", "ipo_proceeds_usd"].sum() == pytest.approx(65_471_000_000)
    assert tel.loc["2002Q4", "nasdaq"] == pytest.approx(1335.51)
    # the Nasdaq peaks in the peak quarter's neighbourhood and bottoms in 2002
    assert tel["nasdaq"].idxmax() == pd.Period("2000Q1", freq="Q")
    assert tel.loc["2000Q2":, "nasdaq"].idxmin() == pd.Period("2002Q3", freq="Q")
    assert tel.loc["2001Q1":"2002Q4", "listed_failures"].sum() > 5 * tel.loc["1995Q1":"1999Q4", "listed_failures"].sum()


def test_listed_events_agree_with_the_shared_fact_table(cycles, corpora_path):
    table = corpora_path.parent / "reference-facts" / "telecom_events.csv"
    if not table.exists():
        pytest.skip(f"reference facts not found at {table}")
    ev = pd.read_csv(table, dtype=str)
    ev = ev[(ev["type"] == "layoff") & (ev["date"].str.len() >= 7)].drop_duplicates(["date", "type", "company"])
    in_span = ev["date"].str[:4].astype(int).between(1995, 2004)
    tel = reference.get_cycle("telecom-1990s", cycles).series
    assert tel["listed_layoffs"].sum() == in_span.sum()


@pytest.mark.parametrize("as_of, topic, usable, why", [
    (dt.date(2030, 1, 1), "cloud", ["dot-com", "telecom-1990s"], {"cloud-2007": "own cycle"}),
    (dt.date(2010, 6, 30), "mobile", ["dot-com", "telecom-1990s"], {"cloud-2007": "not ended"}),
    (dt.date(2010, 6, 30), "cloud", ["dot-com", "telecom-1990s"], {"cloud-2007": "own cycle"}),
    (dt.date(2004, 6, 30), None, ["dot-com"], {"cloud-2007": "not ended", "telecom-1990s": "not ended"}),
    (dt.date(2030, 1, 1), None, ["cloud-2007", "dot-com", "telecom-1990s"], {}),
])
def test_own_and_unfinished_cycles_are_never_analogs(cycles, as_of, topic, usable, why):
    ok, excluded = usable_cycles(cycles, as_of=as_of, topic=topic)
    assert [c.id for c in ok] == usable
    assert {e["cycle"] for e in excluded} == set(why)
    for e in excluded:
        assert ("own cycle" in e["reason"]) == (why[e["cycle"]] == "own cycle")
        assert ("not ended" in e["reason"]) == (why[e["cycle"]] == "not ended")


def test_cloud_is_never_an_analog_as_of_2010(cycles):
    for topic in (None, "cloud", "telecom", "mobile", "big-data"):
        for day in pd.date_range("2006-01-01", "2010-12-31", freq="MS"):
            ok, _ = usable_cycles(cycles, as_of=day.date(), topic=topic)
            assert "cloud-2007" not in {c.id for c in ok}


def test_synthetic_cycles_carry_their_truth():
    c = synthetic_cycle(5, peak=16, width=4, noise=0.0)
    att = c.series["attention"].to_numpy()
    assert int(np.argmax(att)) == 16
    tp = c.turning_points()
    assert list(tp["to_phase"]) == ["peak", "trough", "slope", "plateau"]
    # the peak phase ends with the pulse's centre; the trough ends at the lowest point after it
    peak_end = c.phases.loc[c.phases["phase"] == "peak", "end"].iloc[0]
    assert peak_end == c.series.index[16].end_time.date()
    trough_end = c.phases.loc[c.phases["phase"] == "trough", "end"].iloc[0]
    assert trough_end == c.series.index[17 + int(np.argmin(att[17:]))].end_time.date()
    assert c.phase_at(c.series.index[16]) == "peak" and c.phase_at(c.series.index[17]) == "trough"
    pd.testing.assert_frame_equal(synthetic_cycle(5, noise=0.2).series, synthetic_cycle(5, noise=0.2).series)
    assert not synthetic_cycle(5, noise=0.2).series.equals(synthetic_cycle(6, noise=0.2).series)


def _copy(tmp_path: Path, cid: str = "dot-com") -> Path:
    dst = tmp_path / "cycles" / cid
    shutil.copytree(cycles_dir() / cid, dst)
    return dst


def _edit_csv(path: Path, fn) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(fn(lines)) + "\n", encoding="utf-8")


@pytest.mark.parametrize("breakage, message", [
    (lambda d: _edit_csv(d / "series.csv", lambda ls: ls[:5] + [ls[5].rsplit(",", 1)[0] + ",nowhere"] + ls[6:]),
     r"series.csv: line 6: source 'nowhere' is not a key"),
    (lambda d: _edit_csv(d / "series.csv", lambda ls: ls + ["1999Q1,mystery,1.0,wsj-wapo"]),
     r"signal\(s\) mystery have numbers but no note"),
    (lambda d: _edit_csv(d / "series.csv", lambda ls: ls + ["2010Q1,attention,0.1,wsj-wapo"]),
     r"period 2010Q1 lies outside"),
    (lambda d: _edit_csv(d / "phases.csv", lambda ls: [ls[0], ls[1].replace("trigger", "hype")] + ls[2:]),
     r"phases.csv: line 2: unknown phase 'hype'"),
    (lambda d: _edit_csv(d / "phases.csv", lambda ls: [ls[0], ls[1].replace("1998-12-31", "1999-03-31")] + ls[2:]),
     r"phases.csv: line 3: the span starts 1999-01-01, not the day after"),
    (lambda d: (d / "phases.csv").unlink(), r"phases.csv: missing"),
    (lambda d: (d / "cycle.json").write_text("{", encoding="utf-8"), r"cycle.json: not valid JSON"),
])
def test_a_broken_cycle_folder_is_named_with_its_reason(tmp_path, breakage, message):
    folder = _copy(tmp_path)
    breakage(folder)
    with pytest.raises(CycleDataError, match=message):
        load_cycles(folder.parent)


def test_a_cycle_json_lacking_a_key_is_refused(tmp_path):
    folder = _copy(tmp_path)
    meta = json.loads((folder / "cycle.json").read_text())
    del meta["known_until"]
    (folder / "cycle.json").write_text(json.dumps(meta))
    with pytest.raises(CycleDataError, match="missing key.*known_until"):
        load_cycles(folder.parent)


def test_an_unknown_cycle_id_lists_the_known_ones(cycles):
    with pytest.raises(UsageError, match="unknown reference cycle 'telecom'; known cycles: cloud-2007, dot-com"):
        reference.get_cycle("telecom", cycles)


def test_package_data_ships_the_cycle_files():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = meta["tool"]["setuptools"]["package-data"]["hypecycle"]
    files = [p.relative_to(ROOT / "hypecycle").as_posix() for p in cycles_dir().rglob("*") if p.is_file()]
    assert len(files) == 3 * len(SHIPPED)
    for f in files:
        assert any(fnmatch.fnmatch(f, pat) for pat in patterns), f
