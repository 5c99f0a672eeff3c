"""Load benchmark: a synthetic corpus generated at run time (never committed), ingested with
extraction by the real command line with 1 and 2 local processes and on a 2-worker Dask
LocalCluster; the writer alone (--no-extract); peak memory of the whole process tree;
store size; a one-topic trajectory query on the result. Then a projection for 1 million
articles and for a 10-worker cluster from the measured rates, and where the single
writer becomes the bottleneck.

    python benchmarks/load.py                       # 20,000 articles (what a shared 2-core machine affords)
    python benchmarks/load.py --articles 100000
    python benchmarks/load.py --million             # the issue's 1,000,000 articles (hours here)
    python benchmarks/load.py --runs p1,p2,cluster,writer

Figures are wall-clock on whatever else the machine is doing: say so when quoting them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_COMPANIES = ["Nimbus", "Corelight", "Vastly", "Quantia", "Ardent", "Helix", "Lumen", "Brightpath", "Stratos",
              "Cobalt", "Veritas", "Orbital", "Kestrel", "Tessera", "Monolith", "Zephyr"]
_SUFFIX = ["Inc", "Corp", "Systems", "Networks", "Labs", "Technologies"]
_INVESTORS = ["Sequoia Capital", "Accel Partners", "Benchmark", "Index Ventures", "Greylock Partners"]
_TOPIC = ["cloud computing", "data centers", "artificial intelligence", "GPU clusters", "software as a service",
          "broadband", "fibre optic networks", "electric vehicles", "social media", "big data", "blockchain",
          "3D printing", "smartphones", "the internet of things", "solar panels", "machine learning"]
_FILLER = ("the company said on monday that its quarterly results beat analyst estimates while shares rose "
           "in early trading as investors weighed the outlook for growth in the coming year and executives "
           "pointed to demand from customers across markets in europe and asia").split()
_TEMPLATES = [
    "{co} {sx} raised ${amt} million in a Series {rnd} funding round led by {inv}.",
    "{co} {sx} said it would cut {n} jobs as demand for {topic} slowed.",
    "{co2} {sx2} agreed to acquire {co} {sx} for ${amt} million in cash.",
    "Analysts warned that the boom in {topic} looked like a bubble.",
    "Investors are in a gold rush for {topic}, and {co} {sx} is among the winners.",
    "{co} {sx} filed for bankruptcy protection after failing to raise money.",
]


def generate(path: Path, n: int, seed: int = 2026) -> None:
    """``n`` synthetic news articles (about 150 words each) with topic terms, funding,
    layoffs, acquisitions, failures and hype cues, dated 2005-2024 in date order, as a feed
    or an archive of yearly files comes. Written as JSON Lines."""
    rng = random.Random(seed)
    start = dt.date(2005, 1, 1)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            sents = []
            for _ in range(6):
                if rng.random() < 0.35:
                    t = rng.choice(_TEMPLATES)
                    sents.append(t.format(co=rng.choice(_COMPANIES) + str(rng.randrange(500)), sx=rng.choice(_SUFFIX),
                                          co2=rng.choice(_COMPANIES), sx2=rng.choice(_SUFFIX),
                                          amt=rng.choice([5, 12, 40, 150, 600]), rnd=rng.choice("ABCD"),
                                          inv=rng.choice(_INVESTORS), n=rng.choice([40, 200, 1500]),
                                          topic=rng.choice(_TOPIC)))
                else:
                    words = [rng.choice(_FILLER) for _ in range(22)]
                    words.insert(rng.randrange(len(words)), rng.choice(_TOPIC))
                    sents.append(" ".join(words).capitalize() + ".")
            fh.write(json.dumps({
                "id": f"load-{i}", "date": (start + dt.timedelta(days=i * 7300 // n)).isoformat(),
                "title": f"{rng.choice(_COMPANIES)} bets on {rng.choice(_TOPIC)} ({i})",
                "text": " ".join(sents), "source": "synthetic"}) + "\n")


class TreeMemory:
    """Peak of the summed memory of a process and all its descendants, sampled every 0.2 s
    (psutil): RSS, which counts a page shared by several processes (a forked worker's
    inherited pages, shared libraries) once in each, and PSS, which shares it out among them,
    so that the PSS sum is the physical memory the job holds."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                total = pss = 0
                for p in procs:
                    try:
                        full = p.memory_full_info()
                        total += full.rss
                        pss += getattr(full, "pss", full.rss)  # PSS where the system reports it (Linux)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
                self.peak_pss = max(self.peak_pss, pss)
            except psutil.Error:
                return

    def stop(self) -> int:
        self._stop.set()
        self._t.join()
        return self.peak


def ingest(corpus: Path, store: Path, extra: list[str]) -> dict:
    cmd = [sys.executable, "-m", "hypecycle.cli", "ingest", str(corpus), "--store", str(store), "--quiet",
           "--summary-format", "json", *extra]
    t0 = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid)
    out, err = proc.communicate()
    peak = mem.stop()
    wall = time.perf_counter() - t0
    after = os.times()
    if proc.returncode != 0:
        sys.exit(f"ingest failed ({proc.returncode}): {err.strip()[-2000:]}")
    s = json.loads(out.strip().splitlines()[-1])
    size = store.stat().st_size + (Path(str(store) + ".wal").stat().st_size
                                   if Path(str(store) + ".wal").exists() else 0)
    return {"articles": s["ingested"], "events": s["events"], "wall_s": round(wall, 1),
            "job_s": s["seconds"], "articles_per_s": round(s["ingested"] / wall, 1),
            "cpu_s": round((after.children_user + after.children_system)
                           - (before.children_user + before.children_system), 1),
            "peak_tree_rss_mb": round(peak / 2**20), "peak_tree_pss_mb": round(mem.peak_pss / 2**20),
            "store_mb": round(size / 1e6, 1)}


def trajectory_time(store: Path, topic: str = "cloud", runs: int = 5) -> tuple[float, float]:
    """The median warm time of a one-topic trajectory query, and the first (cold) one."""
    sys.path.insert(0, str(ROOT))
    from hypecycle.jobs import topic_spec, topic_trajectory
    from hypecycle.store import Store

    times = []
    with Store(store, read_only=True) as s:
        spec = topic_spec(topic)
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            topic_trajectory(s, spec)
            times.append(time.perf_counter() - t0)
    return statistics.median(times[1:]), times[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--million", action="store_true", help="1,000,000 articles (the issue's scale)")
    ap.add_argument("--runs", default="writer,p1,p2,cluster",
                    help="which runs, comma-separated: writer (no extraction), p1, p2, cluster")
    ap.add_argument("--work", type=Path, help="keep the corpus and stores here (default: a temporary folder)")
    args = ap.parse_args()
    n = 1_000_000 if args.million else args.articles
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    work_ctx = tempfile.TemporaryDirectory() if args.work is None else None
    work = Path(work_ctx.name) if work_ctx else args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"load-{n}-dated.jsonl"
    t0 = time.perf_counter()
    if not corpus.exists():
        generate(corpus, n)
    print(f"corpus: {n:,} synthetic articles, {corpus.stat().st_size / 1e6:.0f} MB, "
          f"generated in {time.perf_counter() - t0:.1f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
    plan = {"writer": ["--no-extract"], "p1": ["--processes", "1"], "p2": ["--processes", "2"],
            "cluster": ["--scheduler", "local", "--processes", "2"]}
    results: dict[str, dict] = {}
    for name in runs:
        store = work / f"{name}.duckdb"
        for p in (store, Path(str(store) + ".wal")):
            p.unlink(missing_ok=True)
        r = ingest(corpus, store, plan[name])
        r["load_avg_after"] = round(os.getloadavg()[0], 1)
        if name != "writer":
            warm, first = trajectory_time(store)
            r["trajectory_query_s"], r["trajectory_first_query_s"] = round(warm, 3), round(first, 3)
        results[name] = r
        print(f"{name:8s} {json.dumps(r)}", flush=True)
    print()
    print(f"{'run':8s} {'articles/s':>10s} {'wall s':>8s} {'RSS MB':>8s} {'PSS MB':>8s} {'store MB':>9s} "
          f"{'query s':>8s}")
    for name, r in results.items():
        print(f"{name:8s} {r['articles_per_s']:>10.1f} {r['wall_s']:>8.1f} {r['peak_tree_rss_mb']:>8d} "
              f"{r['peak_tree_pss_mb']:>8d} {r['store_mb']:>9.1f} {r.get('trajectory_query_s', float('nan')):>8.3f}")
    print("(peak memory of the whole process tree: RSS summed counts shared pages once per process; PSS "
          "summed is the physical memory held)")
    if "p2" in results and "cluster" in results:
        ratio = results["cluster"]["wall_s"] / results["p2"]["wall_s"]
        print(f"\ncluster / 2 processes wall time: {ratio:.2f}x (target: within 1.3x)")
    if "p1" in results and "writer" in results:
        # CPU seconds do not depend on what else the machine runs; wall-clock rates do
        cw = results["writer"]["cpu_s"] / n
        cx = max(results["p1"]["cpu_s"] / n - cw, 1e-9)
        print(f"\nCPU per article: writer path (read, deduplicate, write) {cw * 1e3:.2f} ms, extraction "
              f"{cx * 1e3:.2f} ms; on otherwise idle cores: one worker {1 / cx:.0f} articles/s, the single "
              f"writer {1 / cw:.0f} articles/s, so the writer caps the job beyond {cx / cw:.0f} workers")
        print(f"  10 workers: {min(10 / cx, 1 / cw):.0f} articles/s, 1M articles in "
              f"{1e6 / min(10 / cx, 1 / cw) / 60:.0f} min (CPU-time projection, perfect scaling assumed)")
    if "p1" in results:
        r1 = results["p1"]["articles_per_s"]
        print(f"\nwall-clock projection for 1,000,000 articles (from {n:,}, linear in articles, "
              "at this run's load):")
        for name, r in results.items():
            print(f"  {name:8s} {1e6 / r['articles_per_s'] / 3600:6.2f} h, store "
                  f"{r['store_mb'] * 1e6 / max(n, 1) / 1e3:6.1f} GB")
        if "writer" in results:
            w = results["writer"]["articles_per_s"]
            print(f"  writer alone: {w:.0f} articles/s; one extraction worker: {r1:.0f} articles/s")
            print(f"  10 workers, extraction scaled linearly: {10 * r1:.0f} articles/s; capped by the single "
                  f"writer at {w:.0f}: {min(10 * r1, w):.0f} articles/s, "
                  f"1M in {1e6 / min(10 * r1, w) / 60:.0f} min")
            print(f"  the writer becomes the bottleneck beyond {w / r1:.1f} workers")
    if work_ctx:
        work_ctx.cleanup()


if __name__ == "__main__":
    main()
