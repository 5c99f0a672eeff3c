"""Comparison with the reference cycles: the right cycle at the right position, exclusions,
as-of isolation on real stores, caveats instead of tracebacks, the command line."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from synthetic_trajectories import trajectory_from
from topic_corpus import topic_records

from hypecycle import compare as cmp
from hypecycle.compare import compare
from hypecycle.errors import UsageError
from hypecycle.reference import get_cycle, load_cycles, synthetic_cycle


@pytest.fixture(scope="module")
def synthetic():
    """Three cycles of different shapes (seeded; their truth travels with them)."""
    return [synthetic_cycle(11, cycle_id="a", peak=16, width=4, plateau=0.35, noise=0.03),
            synthetic_cycle(12, cycle_id="b", peak=8, width=2, plateau=0.8, noise=0.03),
            synthetic_cycle(13, cycle_id="c", peak=26, width=6, plateau=0.1, noise=0.03)]


def _copy_of(cycle, s0: int, e0: int, *, seed: int, scale: float, offset: float, noise: float = 0.1,
             start=dt.date(2015, 1, 1), topic="synthetic-topic"):
    rng = np.random.default_rng(seed)
    values = cycle.series["attention"].to_numpy()[s0:e0 + 1] * scale + offset
    values = np.clip(values * (1 + noise * rng.standard_normal(len(values))), 0, None)
    return trajectory_from(values, start=start, articles=100_000, topic=topic)


@pytest.mark.parametrize("s0, e0, seed", [(0, 14, 1), (0, 20, 2), (4, 22, 3), (8, 26, 4), (10, 30, 5),
                                          (12, 34, 6), (0, 39, 7)])
def test_a_shifted_rescaled_noisy_copy_is_found_at_its_position(synthetic, s0, e0, seed):
    a = synthetic[0]
    traj = _copy_of(a, s0, e0, seed=seed, scale=0.2, offset=0.0005)
    got = compare(traj, synthetic)
    best = got.analogs[0]
    assert best.cycle == "a"
    assert abs(a.series.index.get_loc(pd.Period(best.position, freq="Q")) - e0) <= 1
    assert best.similarity > max(x.similarity for x in got.analogs[1:])
    # where "now" falls in the true timeline
    assert best.phase == a.phase_at(a.series.index[e0]) or abs(
        a.series.index.get_loc(pd.Period(best.position, freq="Q")) - e0) == 1


@pytest.mark.parametrize("s0, e0, seed", [(0, 21, 8), (0, 30, 9), (4, 26, 10), (10, 36, 11)])
def test_a_copy_of_a_shipped_cycle_is_matched_to_it(s0, e0, seed):
    tel = get_cycle("telecom-1990s")
    traj = _copy_of(tel, s0, e0, seed=seed, scale=0.05, offset=0.0002, start=dt.date(2016, 1, 1), topic="x")
    got = compare(traj)
    best = got.analogs[0]
    assert best.cycle == "telecom-1990s"
    assert abs((pd.Period(best.position, freq="Q") - tel.series.index[e0]).n) <= 1


def test_an_analog_reports_its_turn_what_came_next_and_its_path(synthetic):
    a = synthetic[0]
    traj = _copy_of(a, 0, 14, seed=1, scale=0.2, offset=0.0005)
    best = compare(traj, synthetic).analogs[0]
    pos = pd.Period(best.position, freq="Q")
    i = a.series.index.get_loc(pos)
    turns = a.turning_points()
    nxt = turns[turns["date"] > pos.end_time.date()].iloc[0]
    assert best.next_turn["date"] == nxt["date"].isoformat() and best.next_turn["to_phase"] == nxt["to_phase"]
    assert best.next_turn["periods_ahead"] == (pd.Period(nxt["date"], freq="Q") - pos).n >= 0
    after = best.after["attention"]["by_horizon"]
    assert after["4"]["to"] == pytest.approx(a.series["attention"].iloc[i + 4], rel=1e-5)
    assert best.after["failures"]["by_horizon"]["8"]["to"] == pytest.approx(a.series["failures"].iloc[i + 8])
    # the path runs from the stretch's start to the position, monotone, ending at the record's last period
    path = np.array(best.path)
    assert path[-1].tolist() == [len(traj.frame) - 1, i]
    assert (np.diff(path, axis=0) >= 0).all()
    assert best.spread["positions"][0] == best.position
    assert best.spread["similarities"] == sorted(best.spread["similarities"], reverse=True)
    assert 0 <= best.similarity <= 1 and best.similarity == pytest.approx(1 - best.distance ** 2 / 2)


def test_an_exact_copy_is_as_similar_as_can_be(synthetic):
    a = synthetic[0]
    traj = trajectory_from(a.series["attention"].to_numpy()[:30], articles=10 ** 9)
    best = compare(traj, synthetic).analogs[0]
    assert best.cycle == "a" and best.position == str(a.series.index[29]) and best.similarity > 0.999


def test_the_topics_own_and_unfinished_cycles_are_excluded():
    cloud = get_cycle("cloud-2007")
    traj = _copy_of(cloud, 3, 31, seed=1, scale=1.0, offset=0.0, start=dt.date(2016, 1, 1), topic="cloud")
    got = compare(traj)
    assert "cloud-2007" not in [a.cycle for a in got.analogs]
    assert got.excluded == [{"cycle": "cloud-2007", "reason": "it is the topic's own cycle (topic 'cloud')"}]
    early = _copy_of(cloud, 3, 20, seed=1, scale=1.0, offset=0.0, start=dt.date(2006, 1, 1), topic="mobile")
    got = compare(early, load_cycles())  # cycles given explicitly are filtered the same way
    assert early.as_of < dt.date(2011, 1, 1)
    assert "cloud-2007" not in [a.cycle for a in got.analogs]
    assert got.excluded[0]["cycle"] == "cloud-2007" and "not ended" in got.excluded[0]["reason"]


@pytest.mark.parametrize("make, caveat", [
    (lambda: trajectory_from([0.01, 0.02, 0.03, 0.02]), "too short to compare: 4 quarter"),
    (lambda: trajectory_from(counts=[0, 1, 0, 2, 1, 0, 1, 0], articles=1000), "too thin to compare: 5 topic"),
    (lambda: trajectory_from(counts=[3] * 12, articles=1000), "too flat to compare"),
    (lambda: trajectory_from(np.linspace(0.01, 0.05, 12), start=dt.date(1990, 1, 1)),
     "no usable reference cycle as of 1992-12-31"),
])
def test_what_cannot_be_compared_is_a_caveat_not_an_error(make, caveat):
    got = compare(make())
    assert got.analogs == []
    assert any(caveat in c for c in got.caveats), got.caveats
    json.dumps(got.to_dict())


def test_a_flat_record_is_placed_before_the_rise(synthetic):
    counts = np.random.default_rng(4).binomial(3000, 0.01, 14)
    got = compare(trajectory_from(counts=counts, articles=3000), synthetic)
    assert any("flat" in c and "trigger phase" in c for c in got.caveats)
    assert got.analogs and all(a.phase == "trigger" for a in got.analogs)


def test_bad_arguments_are_usage_errors(synthetic):
    traj = trajectory_from(np.linspace(0.01, 0.05, 12))
    month = trajectory_from(np.linspace(0.01, 0.05, 12))
    month.freq = "month"
    with pytest.raises(UsageError, match="quarterly"):
        compare(month, synthetic)
    with pytest.raises(UsageError, match="unknown signal"):
        compare(traj, synthetic, signals=["nonsense"])
    with pytest.raises(UsageError, match="--top"):
        compare(traj, synthetic, top=0)


def test_thin_signals_are_left_out_with_a_word_and_rich_ones_matched(synthetic):
    a = synthetic[0]
    s = a.series.iloc[2:30]
    traj = trajectory_from(s["attention"].to_numpy() * 0.3, articles=50_000,
                           failures=s["failures"].to_numpy(), funding=np.zeros(len(s)))
    got = compare(traj, synthetic, signals=["failures", "funding"])
    assert got.analogs[0].signals == ["attention", "failures"]
    assert any("funding (does not vary" in c for c in got.caveats)


def test_the_json_keys_are_stable(synthetic):
    traj = _copy_of(synthetic[0], 0, 20, seed=2, scale=0.2, offset=0.0005)
    doc = compare(traj, synthetic, top=2).to_dict()
    assert list(doc) == ["topic", "as_of", "freq", "periods", "analogs", "excluded", "caveats", "fit"]
    assert len(doc["analogs"]) == 2
    assert list(doc["analogs"][0]) == ["cycle", "name", "similarity", "distance", "position", "position_date",
                                       "phase", "next_turn", "after", "spread", "signals", "columns", "stretch",
                                       "path"]
    assert set(doc["analogs"][0]["next_turn"]) == {"date", "from_phase", "to_phase", "periods_ahead", "years_ahead",
                                                   "source"}
    assert set(doc["analogs"][0]["spread"]) == {"positions", "similarities", "phases"}
    json.dumps(doc)


def test_the_overlay_lays_the_analog_on_the_topics_axis(synthetic):
    traj = _copy_of(synthetic[0], 0, 20, seed=2, scale=0.2, offset=0.0005)
    got = compare(traj, synthetic)
    lay = cmp.overlay(traj, got.analogs[0], synthetic[0])
    matched = lay[lay["part"] == "matched"]
    assert matched["period"].iloc[-1] == got.analogs[0].position
    assert matched["date"].is_monotonic_increasing and len(lay[lay["part"] == "after"]) == 8
    # rescaled onto the topic's level
    assert abs(matched["value"].mean() - traj.frame["attention"].mean()) < 0.5 * traj.frame["attention"].mean()


# ---------------------------------------------------------------------------------------------
# real stores: as-of isolation and the command line
# ---------------------------------------------------------------------------------------------

START = dt.date(2008, 1, 1)
AS_OF = dt.date(2010, 3, 31)


def _share(m: int) -> float:
    return 0.02 + 0.3 * np.exp(-((m - 22) / 6.0) ** 2)


def _write(path, records):
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if not k.startswith("truth")}) + "\n"
                            for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    from hypecycle.jobs import ingest_files

    d = tmp_path_factory.mktemp("compare")
    records = topic_records(21, START, 36, 25, _share)
    _write(d / "all.jsonl", records)
    _write(d / "early.jsonl", [r for r in records if r["date"] <= AS_OF.isoformat()])
    ingest_files([str(d / "all.jsonl")], d / "all.duckdb", n_process=1)
    ingest_files([str(d / "early.jsonl")], d / "early.duckdb", n_process=1)
    return d


def test_a_store_with_later_articles_gives_an_identical_comparison(stores):
    from hypecycle.jobs import compare_topic, topic_spec
    from hypecycle.store import Store

    out = {}
    for name in ("early", "all"):
        with Store(stores / f"{name}.duckdb", read_only=True) as s:
            for spec in (topic_spec("cloud"), topic_spec(terms="cloud computing")):
                _, got = compare_topic(s, spec, as_of=AS_OF)
                out[name, spec.name] = got.to_dict()
    for spec_name in ("cloud", "cloud computing"):
        assert out["early", spec_name] == out["all", spec_name]
        doc = out["all", spec_name]
        assert doc["periods"] == {"start": "2008Q1", "end": "2010Q1"} and len(doc["analogs"]) == 2
        assert {e["cycle"] for e in doc["excluded"]} == {"cloud-2007"}
        assert doc["fit"] is not None


def test_compare_command_json_table_and_plot(stores, run_cli, tmp_path):
    store = str(stores / "all.duckdb")
    r = run_cli("compare", "--store", store, "--topic", "cloud", "--as-of", "2010-03-31", "--format", "json",
                "--plot", str(tmp_path / "c.png"))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["topic"] == "cloud" and doc["as_of"] == "2010-03-31"
    assert [a["cycle"] for a in doc["analogs"]] and doc["excluded"][0]["cycle"] == "cloud-2007"
    assert set(doc["fit"]) >= {"converged", "reason", "peak_date", "peak_lo", "peak_hi", "peak_passed"}
    assert (tmp_path / "c.png").stat().st_size > 20_000
    r = run_cli("compare", "--store", store, "--terms", "cloud computing", "--as-of", "2010-03-31",
                "--plot", str(tmp_path / "c.svg"))
    assert r.returncode == 0, r.stderr
    assert "similarity" in r.stdout.splitlines()[0] and "hype-curve fit" in r.stderr
    assert (tmp_path / "c.svg").read_text().lstrip().startswith("<?xml")
    r = run_cli("compare", "--store", store, "--topic", "cloud", "--as-of", "2010-03-31", "--format", "csv")
    assert r.returncode == 0 and r.stdout.startswith("rank,cycle,similarity,position,phase")


def test_compare_command_too_short_is_a_caveat_and_bad_input_one_line(stores, run_cli):
    store = str(stores / "all.duckdb")
    r = run_cli("compare", "--store", store, "--topic", "cloud", "--as-of", "2008-09-30")
    assert r.returncode == 0 and "caveat: too short to compare" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("compare", "--store", store, "--topic", "cloud", "--freq", "month")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "quarterly" in r.stderr
    r = run_cli("compare", "--store", store, "--topic", "clowd")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "known topics" in r.stderr
    r = run_cli("compare", "--store", store, "--topic", "cloud", "--plot", "x.gif")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_cycles_command(run_cli, tmp_path):
    r = run_cli("cycles")
    assert r.returncode == 0 and r.stdout.count("turning point") >= 8
    for cid in ("telecom-1990s", "cloud-2007", "dot-com"):
        assert f"{cid}: " in r.stdout
    r = run_cli("cycles", "--format", "json")
    assert [c["id"] for c in json.loads(r.stdout)] == ["cloud-2007", "dot-com", "telecom-1990s"]
    r = run_cli("cycles", "--show", "telecom-1990s", "--format", "csv", "--plot", str(tmp_path / "t.png"))
    assert r.returncode == 0, r.stderr
    frame = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert list(frame.columns[:3]) == ["period", "phase", "articles"] and len(frame) == 40
    assert (tmp_path / "t.png").stat().st_size > 50_000
    r = run_cli("cycles", "--show", "telecom-1990s", "--format", "json")
    doc = json.loads(r.stdout)
    assert len(doc["series"]["period"]) == 40 and doc["turning_points"][1]["date"] == "2000-03-11"
    r = run_cli("cycles", "--show", "telecom")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "known cycles: cloud-2007" in r.stderr
    r = run_cli("cycles", "--plot", str(tmp_path / "x.png"))
    assert r.returncode == 2 and "--show" in r.stderr
