"""How often an event attributed to a topic is about that topic (event-to-topic attribution).

Usage::

    python benchmarks/attribution.py draw  --store STORE --n 120 --seed 8 --out FILE
    python benchmarks/attribution.py show  --store STORE FILE [ID ...]
    python benchmarks/attribution.py score FILE

``draw`` samples events attributed to the shipped topics by :func:`hypecycle.jobs.topic_data`
(the rule in :mod:`hypecycle.trajectories`: the topic in the title or lead, in the event's
sentence, or named three times), spread over topics, and writes one locator row per event
(``id``, ``topic``, ``article_id``, ``seq``, ``why``: which clause of the rule attributed it)
with an empty ``about``. ``show`` prints each sampled event's sentence with its article's title
and lead, to the terminal only (no text is written to files). A reader fills ``about``: ``yes``
when the event's company does business in the topic (a cloud provider's funding for cloud), else
``no``. ``score`` prints the share of ``yes`` overall, by topic and by clause.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _why(row, arts) -> str:
    a = arts.loc[row.article_id]
    if a["lead"] and a["lead"] > 0:
        return "title/lead"
    if row.topics and row.topic_key in row.topics:
        return "sentence"
    return "often"


def draw(store_path: str, n: int, seed: int, out: Path) -> None:
    from hypecycle.jobs import topic_data, topic_spec
    from hypecycle.store import Store
    from hypecycle.extract.topics import lexicon_dir

    rng = random.Random(seed)
    topics = sorted(p.stem for p in lexicon_dir().glob("*.jsonl"))
    pools = {}
    with Store(store_path, read_only=True) as s:
        for t in topics:
            try:
                d = topic_data(s, topic_spec(t))
            except Exception:  # noqa: BLE001 - a topic the store lacks
                continue
            ev = d.events[d.events["attributed"]] if len(d.events) else d.events
            if not len(ev):
                continue
            arts = d.articles.set_index("article_id")
            ev = ev.assign(topic_key=t)
            pools[t] = [(r.article_id, int(r.seq), _why(r, arts)) for r in ev.itertuples()]
    per = max(1, n // max(1, len(pools)))
    rows = []
    for t, pool in sorted(pools.items()):
        for article_id, seq, why in rng.sample(pool, min(per, len(pool))):
            rows.append({"topic": t, "article_id": article_id, "seq": seq, "why": why, "about": ""})
    rng.shuffle(rows)
    with out.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows, 1):
            fh.write(json.dumps({"id": f"attr-{i:03d}", **r}) + "\n")
    print(f"{len(rows)} events over {len(pools)} topics written to {out}")


def show(store_path: str, path: Path, ids: list[str]) -> None:
    from hypecycle.extract.pipeline import lead_text
    from hypecycle.store import Store

    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    with Store(store_path, read_only=True) as s:
        for r in rows:
            if ids and r["id"] not in ids:
                continue
            ev = s.con.execute("SELECT type, company, evidence FROM events WHERE article_id = ? AND seq = ?",
                               [r["article_id"], r["seq"]]).fetchone()
            art = s.con.execute("SELECT date, title, text FROM articles WHERE id = ?", [r["article_id"]]).fetchone()
            print(f"===== {r['id']} | topic {r['topic']} | {art[0]} | {ev[0]}: {ev[1]}")
            print(f"lead: {lead_text(art[1], art[2])[:600]}")
            print(f"event sentence: {ev[2]}\n")


def score(path: Path) -> None:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    judged = [r for r in rows if r.get("about") in ("yes", "no")]
    if not judged:
        print("no judged row")
        return
    yes = sum(r["about"] == "yes" for r in judged)
    print(f"{len(judged)} judged events: {yes} about their topic ({yes / len(judged):.2f})")
    for key in ("topic", "why"):
        groups = defaultdict(list)
        for r in judged:
            groups[r[key]].append(r["about"] == "yes")
        print(f"by {key}: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(groups.items())))
    print("not judged:", Counter(r.get("about") or "(empty)" for r in rows if r not in judged))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--store", required=True)
    d.add_argument("--n", type=int, default=120)
    d.add_argument("--seed", type=int, default=8)
    d.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("show")
    s.add_argument("--store", required=True)
    s.add_argument("file", type=Path)
    s.add_argument("ids", nargs="*")
    c = sub.add_parser("score")
    c.add_argument("file", type=Path)
    a = ap.parse_args()
    if a.cmd == "draw":
        draw(a.store, a.n, a.seed, a.out)
    elif a.cmd == "show":
        show(a.store, a.file, a.ids)
    else:
        score(a.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
