"""The extraction evaluation sets in tests/data/extraction keep to FORMAT.md.

The rules are those of ``benchmarks/sample_eval_articles.py check`` (what annotators run), so the
two cannot drift apart; the checks here need no corpus.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from sample_eval_articles import event_problems, locator, row_problems  # noqa: E402

DATA = ROOT / "tests" / "data" / "extraction"
LOCATED = ("real", "wilddev", "wilddev2", "wilddev3", "wilddev4", "wilddev5", "wilddev6", "heldout", "heldout2", "heldout3",
           "heldout4", "heldout5", "heldout6", "train1", "train2")
#: Second annotations of articles of a located set (annotator agreement), not sets of their own: file -> set.
SECOND = {"agreement/wilddev4-b": "wilddev4", "agreement/train1-b": "train1", "agreement/heldout5-b": "heldout5",
          "agreement/train2-b": "train2", "agreement/heldout6-b": "heldout6"}


def rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("name", LOCATED + tuple(SECOND))
def test_located_sets_store_locators_and_annotations_only(name: str) -> None:
    data = rows(name)
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids)), f"{name}: repeated ids"
    problems = {r["id"]: row_problems(r) for r in data}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.parametrize("name", tuple(SECOND))
def test_a_second_annotation_covers_articles_of_its_set(name: str) -> None:
    first = {r["id"]: locator(r) for r in rows(SECOND[name])}
    second = rows(name)
    assert second and all(first.get(r["id"]) == locator(r) for r in second)


def test_synthetic_gold_events_use_the_schema_fields() -> None:
    problems = {r["id"]: [p for e in r["events"] for p in event_problems(e)] for r in rows("synthetic")}
    assert {k: v for k, v in problems.items() if v} == {}


def test_located_sets_do_not_share_articles() -> None:
    seen: dict[tuple, str] = {}
    for name in LOCATED:
        for r in rows(name):
            key = locator(r)
            assert key not in seen, f"{r['id']} repeats {seen[key]}"
            seen[key] = r["id"]


def test_row_problems_finds_what_format_md_forbids() -> None:
    good = {"id": "x-1", "corpus": "reuters-2006-2013", "file": "f.jsonl.gz", "line": 3, "title_sha1": "0" * 40,
            "kind": "positive", "events": [{"type": "funding", "company": "Quillmark", "amount": 5e6,
                                            "currency": "USD", "round": "seed"}], "note": ""}
    assert row_problems(good) == []
    assert row_problems({**good, "text": "an article"}) == ["the row stores article text"]
    assert row_problems({**good, "kind": "negative"}) == ["a negative article has events"]
    assert row_problems({**good, "events": []}) == ["a positive article has no events"]
    bad_event = {"type": "merger", "company": "", "round": "unknown", "amount": "5m"}
    assert len(row_problems({**good, "events": [bad_event]})) == 5


def test_the_database_recall_reading_holds_keys_verdicts_and_ids_only() -> None:
    """The reader's verdicts on the events the database-recall benchmark matches to headlines: one
    row per event key, verdicts from the fixed set and Reuters article ids: no text of the articles."""
    import csv
    import re

    path = ROOT / "benchmarks" / "data" / "database_recall_reported.csv"
    with path.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert table and list(table[0]) == ["key", "verdict", "listed", "article_id"]
    keys = [r["key"] for r in table]
    assert len(keys) == len(set(keys))
    for r in table:
        typ, company, day, usd = r["key"].split("|")
        assert typ in ("funding", "acquisition") and company and re.fullmatch(r"\d{4}-\d\d-\d\d", day), r["key"]
        assert usd.isdigit() and int(usd) >= 10_000_000, r["key"]
        assert r["verdict"] in ("reports", "other", "unclear"), r["key"]
        assert r["listed"] in (("yes", "no", "unknown") if typ == "funding" else ("-",)), r["key"]
        assert (r["article_id"] != "-") == (r["verdict"] == "reports"), r["key"]
        assert r["article_id"] == "-" or re.fullmatch(r"u[0-9a-f]{20}", r["article_id"]), r["key"]


def test_the_scorer_pairs_a_predicted_bid_with_the_gold_bid_it_describes() -> None:
    from extraction_accuracy import match

    soft = {"type": "acquisition", "company": "Sprint Nextel", "acquirer": "SoftBank", "amount": 20.1e9}
    dish = {"type": "acquisition", "company": "Sprint Nextel", "acquirer": "Dish Network", "amount": 25.5e9}
    pred = [{"type": "acquisition", "company": "Sprint Nextel Corp", "acquirer": "Dish Network Corp",
             "amount": 25.5e9}]
    assert match([soft, dish], pred) == {1: 0}  # Dish's bid, though SoftBank's is listed first
    assert match([dish, soft], pred) == {0: 0}
    # an exact name is preferred to leading words, whatever the fields say
    short = {"type": "acquisition", "company": "Sprint", "amount": 25.5e9}
    full = {"type": "acquisition", "company": "Sprint Nextel"}
    assert match([short, full], [{"type": "acquisition", "company": "Sprint Nextel", "amount": 25.5e9}]) == {1: 0}
    a = {"type": "ipo", "company": "Acme Robotics"}
    assert match([a], [{"type": "layoff", "company": "Acme Holdings"}]) == {}


def test_the_accuracy_benchmark_scores_each_stage_in_turn() -> None:
    """``--stages`` scores the rules alone, then with the news model, then with the proposer; its
    last stage is the default run."""
    import subprocess

    def run(*extra: str) -> list[str]:
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "extraction_accuracy.py"), "--model", "blank",
                              "--set", "synthetic", *extra], capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line.startswith(("== ", "overall"))]

    staged, default = run("--stages"), run()
    assert [line.split(" / ")[0] for line in staged[::2]] == [
        "== synthetic (rules only)", "== synthetic (no proposer)", "== synthetic (full)"]
    assert staged[5] == default[1]  # the full pipeline scores as the default run does
    assert len(set(staged[1::2])) > 1  # the stages are different extractors
