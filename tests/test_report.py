"""The report end to end: the bundled demo corpus with the seed article, every format, the
self-contained HTML page in a real headless browser, the chart and the backtest."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"
SEED = ROOT.parent / "shared" / "seed"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def demo_seed_store(tmp_path_factory, run_cli):
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (a clone outside the project workspace)")
    d = tmp_path_factory.mktemp("demo")
    store = d / "demo.duckdb"
    briefs = sorted(str(p) for p in DEMO.glob("*_briefs.jsonl"))
    r = run_cli("ingest", *briefs, "--store", str(store), "-q", "--processes", "1")
    assert r.returncode == 0, r.stderr
    r = run_cli("ingest", str(SEED), "--default-date", "2026-11-27", "--store", str(store), "-q", "--processes", "1")
    assert r.returncode == 0, r.stderr
    return store


@pytest.fixture(scope="module")
def reports(demo_seed_store, run_cli, tmp_path_factory):
    out = {}
    d = tmp_path_factory.mktemp("reports")
    for fmt in ("json", "text", "markdown", "html"):
        path = d / f"report.{fmt}"
        r = run_cli("report", "--store", str(demo_seed_store), "--topic", "ai-infrastructure", "--format", fmt,
                    "-o", str(path))
        assert r.returncode == 0, r.stderr
        out[fmt] = path.read_text(encoding="utf-8")
    return out


def test_the_json_report_has_its_documented_keys_and_a_sensible_call(reports):
    from hypecycle.report import REPORT_KEYS

    r = json.loads(reports["json"])
    assert set(REPORT_KEYS) <= set(r)
    assert r["as_of"] == "2026-11-27"  # the seed article is the latest
    probs = r["probabilities"]
    assert set(probs) == {"trigger", "peak", "trough", "slope", "plateau"} and abs(sum(probs.values()) - 1) < 1e-3
    assert r["phase"]["phase"] == max(probs, key=probs.get)
    assert r["analogs"], "the telecom and dot-com cycles had ended by 2026 and are usable analogs"
    assert {a["cycle"] for a in r["analogs"]} <= {"telecom-1990s", "dot-com", "cloud-2007"}
    assert r["drivers"] and any(s["push"] is not None for s in r["signals"]), "the call says what drove it"
    names = {s["name"] for s in r["signals"]}
    assert {"attention", "funding", "failures", "skeptic_share", "peripheral_share"} <= names
    # the evidence is checkable: the largest and the latest events of the topic (the seed is the latest), with article ids and dates
    events = r["evidence"]["events"]
    assert events and all(e["article_id"] and e["date"] for e in events)
    assert any(e["company"] == "Baseten" and e["type"] == "funding" and e["amount_usd"] == 1.5e9 for e in events)
    assert any(e["company"] == "SK Hynix" and e["type"] == "ipo" for e in events)
    assert r["evidence"]["articles"]


def test_every_format_tells_the_same_call(reports):
    r = json.loads(reports["json"])
    phase, name = r["phase"]["phase"], r["phase"]["name"]
    assert f"{phase.upper()} ({name})" in reports["text"]
    assert f"**{phase}**" in reports["markdown"]
    assert f"<b>{phase}</b> ({name})" in reports["html"]
    for fmt in ("text", "markdown", "html"):
        assert "Baseten" in reports[fmt]
        for a in r["analogs"]:
            assert a["name"] in reports[fmt] or a["cycle"] in reports[fmt]


def test_the_html_page_is_self_contained_and_small(reports):
    page = reports["html"]
    assert len(page.encode("utf-8")) < 2_000_000
    assert "http://" not in page.split("<body>", 1)[1].split("<h2>Events:")[0].replace("data:image", "")
    assert page.count("<img") >= 2 and "src='data:image/png;base64," in page


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_the_html_page_renders_in_a_headless_browser_without_console_errors(reports, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(reports["html"], encoding="utf-8")
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=5000"]
    r = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    n_images = reports["html"].count("<img")
    assert f'data-plots="{n_images}"' in r.stdout, "every embedded plot decoded and rendered"
    console = [line for line in r.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    r = subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1100,2400", page.as_uri()],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and shot.stat().st_size > 50_000


def test_the_chart_places_topics_from_the_model(demo_seed_store, run_cli, tmp_path):
    out = tmp_path / "cycle.png"
    r = run_cli("chart", "--store", str(demo_seed_store), "--topics", "ai-infrastructure,generative-ai",
                "-o", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    calls = json.loads(r.stdout)
    assert [c["topic"] for c in calls] == ["ai-infrastructure", "generative-ai"]
    assert out.stat().st_size > 20_000
    svg = tmp_path / "cycle.svg"
    assert run_cli("chart", "--store", str(demo_seed_store), "--topics", "ai-infrastructure", "-o", str(svg)
                   ).returncode == 0 and svg.read_text().lstrip().startswith("<?xml")


def test_a_backtest_calls_each_step_with_what_was_known_then(demo_seed_store, run_cli, tmp_path):
    from hypecycle.jobs import run_backtest, topic_spec
    from hypecycle.store import Store

    with Store(demo_seed_store, read_only=True) as s:
        bt = run_backtest(s, topic_spec("ai-infrastructure"), start=dt.date(2023, 1, 1), end=dt.date(2026, 6, 30))
        alone = __import__("hypecycle.jobs", fromlist=["phase_report"]).phase_report(
            s, topic_spec("ai-infrastructure"), as_of=dt.date(2024, 6, 30))
    row = bt.steps[bt.steps["as_of"] == dt.date(2024, 6, 30)].iloc[0]
    assert row["phase"] == alone.call.phase and abs(row[f"p_{alone.call.phase}"] - alone.call.confidence) < 1e-3
    r = run_cli("backtest", "--store", str(demo_seed_store), "--topic", "ai-infrastructure", "--from", "2024-01-01",
                "--to", "2025-12-31", "--plot", str(tmp_path / "bt.png"), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [s["as_of"] for s in doc["steps"]] == ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31",
                                                   "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    assert (tmp_path / "bt.png").stat().st_size > 20_000


def test_report_errors_are_one_line(run_cli, tmp_path, demo_seed_store):
    r = run_cli("report", "--store", str(demo_seed_store), "--topic", "nosuch")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "known topics" in r.stderr
    r = run_cli("report", "--store", str(demo_seed_store), "--topic", "cloud", "--as-of", "1990-01-01")
    assert r.returncode == 2 and "before the store's first article" in r.stderr
    r = run_cli("report", "--store", str(tmp_path / "missing.duckdb"), "--topic", "cloud")
    assert r.returncode == 4 and "no such store" in r.stderr


def test_the_first_readme_command_works_without_shared_data(run_cli, tmp_path):
    """`hypecycle report --topic ai-infrastructure` with no --store builds the bundled demo."""
    env = dict(os.environ, HYPECYCLE_CACHE=str(tmp_path / "cache"))
    from conftest import cli_command

    r = subprocess.run(cli_command("report", "--topic", "ai-infrastructure"), capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "ai-infrastructure as of 2026-" in r.stdout and "nearest analogs" in r.stdout
    assert list((tmp_path / "cache").glob("demo-*.duckdb"))


def test_the_labels_of_topics_close_on_the_curve_do_not_overlap():
    """Two topics a little apart (not at the same rounded place) get stacked labels, not one
    label drawn over the other (the 2013 chart once printed 'cloud' over 'social-media')."""
    from hypecycle.plots import hype_cycle_figure

    def call(topic, trough):
        probs = {"trigger": 0.05, "peak": 0.1, "trough": trough, "slope": 0.8 - trough, "plateau": 0.05}
        return {"topic": topic, "phase": "trough", "probabilities": probs, "confidence": trough}

    fig = hype_cycle_figure([call("cloud", 0.41), call("social-media", 0.37), call("far", 0.0)])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    from matplotlib.text import Text

    boxes = {t.get_text().split("\n")[0]: Text.get_window_extent(t, renderer) for t in fig.axes[0].texts
             if "\n" in t.get_text() and "%" in t.get_text()}
    assert set(boxes) == {"cloud", "social-media", "far"}
    assert not boxes["cloud"].overlaps(boxes["social-media"])
    import matplotlib.pyplot as plt
    plt.close(fig)
