"""The extraction evaluation sets in tests/data/extraction keep to FORMAT.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hypecycle.schema import EVENT_TYPES

DATA = Path(__file__).parent / "data" / "extraction"
LOCATED = ("real", "wilddev", "wilddev2", "wilddev3", "wilddev4", "heldout", "heldout2")
LOCATORS = {"reuters-2006-2013": ("file", "line"), "wsj-wapo-1995-2014": ("record_id",),
            "headlines-2025-2026": ("row",)}
ROUND = re.compile(r"^(pre_seed|seed|series_[a-z]|growth|debt|convertible|grant|private_equity|strategic|angel)$")


def rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("name", LOCATED)
def test_located_sets_store_locators_and_annotations_only(name: str) -> None:
    data = rows(name)
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids)), f"{name}: repeated ids"
    for r in data:
        assert not {"text", "body", "title", "texts", "raw_summary"} & set(r), f"{r['id']}: article text stored"
        assert r["corpus"] in LOCATORS, r["id"]
        assert all(k in r for k in LOCATORS[r["corpus"]]), f"{r['id']}: incomplete locator"
        assert re.fullmatch(r"[0-9a-f]{40}", r["title_sha1"]), r["id"]
        assert r["kind"] in ("positive", "negative", "hard"), r["id"]
        assert (r["kind"] == "negative") == (not r["events"]) or r["kind"] == "hard", r["id"]


@pytest.mark.parametrize("name", (*LOCATED, "synthetic"))
def test_gold_events_use_the_schema_fields(name: str) -> None:
    for r in rows(name):
        for e in r["events"]:
            assert e["type"] in EVENT_TYPES and e.get("company"), r["id"]
            assert "round" not in e or ROUND.match(e["round"]), (r["id"], e["round"])
            for f in ("amount", "valuation", "count"):
                assert f not in e or isinstance(e[f], (int, float)), (r["id"], f)
            if "amount" in e or "valuation" in e:
                assert re.fullmatch(r"[A-Z]{3}", e.get("currency", "")), (r["id"], "currency")


def test_located_sets_do_not_share_articles() -> None:
    seen: dict[tuple, str] = {}
    for name in LOCATED:
        for r in rows(name):
            key = (r["corpus"], *(r[k] for k in LOCATORS[r["corpus"]]))
            assert key not in seen, f"{r['id']} repeats {seen[key]}"
            seen[key] = r["id"]
