"""What the learned parts of event extraction cost per article: the same articles extracted with
the rules alone, with the shipped news model, with the news model and the event proposer, and with
the amount chooser too (one process each, warmed up, in turn, repeated), and the time spent inside
each model's own calls.

    python benchmarks/news_model_speed.py --store news.duckdb [--n 2000] [--repeat 2]

Articles are a seeded uniform sample of the store. Prints seconds per article of each and the
differences, and what each model's own time adds to a whole-Reuters ingestion (106,520 articles) on 2
processes. The machine may be shared: say so when quoting the figures.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import hypecycle.extract.story as story_module
from hypecycle.extract import Extractor
from hypecycle.schema import Article
from hypecycle.store import Store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="the whole Reuters store (hypecycle ingest ../shared/corpora/reuters-2006-2013/reuters_20*.jsonl.gz --store news.duckdb)")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with Store(args.store, read_only=True) as store:
        store.con.execute("SELECT setseed(0.11)")
        rows = store.con.execute("SELECT id, date, title, text FROM articles ORDER BY random() LIMIT ?",
                                 [args.n]).fetchall()
    arts = [Article(i, d, t or "", x or "") for i, d, t, x in rows]
    exs = {"rules alone": Extractor(news_model="none", amounts="none"),
           "rules + news model": Extractor(news_model="auto", proposer="none", amounts="none"),
           "+ proposer": Extractor(news_model="auto", proposer="auto", amounts="none"),
           "+ amount chooser": Extractor(news_model="auto", proposer="auto", amounts="auto")}
    if exs["+ proposer"].proposer is None:
        raise SystemExit("the shipped proposer model is missing (hypecycle/data/events/proposer_model.json)")
    if exs["+ amount chooser"].amounts is None:
        raise SystemExit("the shipped amount model is missing (hypecycle/data/events/amount_model.json)")
    for ex in exs.values():  # warm up: each pipeline's vocabulary learns the sample's words once
        for a in arts:
            ex.extract(a)
    spent = {"news": 0.0, "proposer": 0.0, "amounts": 0.0}

    def timed(fn, what):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[what] += time.perf_counter() - t
        return wrapper

    model = exs["rules + news model"].news
    model.features, model.is_news = timed(model.features, "news"), timed(model.is_news, "news")
    story = exs["+ proposer"].story
    story._proposed = timed(story._proposed, "proposer")  # the proposer's features and its three models
    chooser = exs["+ amount chooser"].amounts
    chooser.choose = timed(chooser.choose, "amounts")  # candidates, features and the model
    story_module.StoryMoney = timed(story_module.StoryMoney, "amounts")  # the story's amounts, found once
    best: dict[str, float] = {}
    events: dict[str, int] = {}
    for _ in range(args.repeat):
        spent.update(news=0.0, proposer=0.0, amounts=0.0)
        for name, ex in exs.items():
            t0 = time.perf_counter()
            events[name] = sum(len(ex.extract(a).events) for a in arts)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t0)
    for name, secs in best.items():
        print(f"{name:<20} {secs:7.2f} s for {len(arts)} articles ({1000 * secs / len(arts):.2f} ms/article, "
              f"{events[name]} events)")
    for name, base in (("rules + news model", "rules alone"), ("+ proposer", "rules + news model"),
                       ("+ amount chooser", "+ proposer")):
        extra = (best[name] - best[base]) / len(arts)
        print(f"difference {name} - {base}: {1000 * extra:+.3f} ms/article (noise included)")
    for what, label in (("news", "the news model (features and probability)"),
                        ("proposer", "the proposer (pairs, features, its three models)"),
                        ("amounts", "the amount chooser (the story's amounts, candidates, model)")):
        own = spent[what] / len(arts)
        print(f"time inside {label}, last run: {1000 * own:.3f} ms/article; "
              f"over 106,520 Reuters articles on 2 processes: {own * 106_520 / 2:+.1f} s")


if __name__ == "__main__":
    main()
