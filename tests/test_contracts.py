"""Project-wide contracts: unique error codes with one-line messages, every command documented."""

from __future__ import annotations

import pytest

from hypecycle import errors
from hypecycle.errors import HypecycleError, iter_error_classes


def test_codes_are_unique_and_well_formed():
    classes = list(iter_error_classes())
    codes = [c.code for c in classes]
    assert len(classes) >= 10
    assert len(codes) == len(set(codes)), codes
    assert all(len(c) == 5 and c.startswith("HC") and c[2:].isdigit() for c in codes)


@pytest.mark.parametrize("cls", list(iter_error_classes()))
def test_message_carries_its_code_and_a_nonzero_exit(cls):
    e = cls("what happened; what to do") if cls is not errors.RecordError else cls("bad record")
    assert str(e).startswith(f"[{cls.code}] ")
    assert isinstance(e, HypecycleError) and e.exit_code != 0


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path

    from hypecycle.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        assert f"hypecycle {name}" in readme, name
        assert parser.description, name


def test_event_columns_have_one_definition(tmp_path):
    """The Event record, the store's table and frame, and the JSON Schema all follow EVENT_FIELDS."""
    import dataclasses
    import json
    from pathlib import Path

    from hypecycle.schema import EVENT_COLUMNS, EVENT_FIELD_NAMES, EVENT_FIELDS, Event
    from hypecycle.store import Store

    assert tuple(f.name for f in dataclasses.fields(Event)) == EVENT_FIELD_NAMES
    schema = json.loads((Path(__file__).resolve().parents[1] / "hypecycle" / "data" / "extraction.schema.json")
                        .read_text(encoding="utf-8"))
    props = schema["$defs"]["event"]["properties"]
    assert tuple(props) == EVENT_FIELD_NAMES
    kinds = {"str": "string", "float": None, "int": "integer", "list": "array"}
    for name, kind in EVENT_FIELDS:
        want = kinds[kind]
        if want is not None and "type" in props[name]:
            assert props[name]["type"] == want, name
    with Store(tmp_path / "s.duckdb") as store:
        cols = [r[0] for r in store.con.execute("DESCRIBE events").fetchall()]
        assert tuple(cols) == ("article_id", "date", "seq") + EVENT_FIELD_NAMES
        assert tuple(store.events().columns) == EVENT_COLUMNS


def test_event_types_and_statuses_have_one_definition():
    """The JSON Schema's type enum and status description, and the news model's features, name
    exactly the types and statuses of hypecycle.schema."""
    import json
    from pathlib import Path

    from hypecycle.extract.news import load_news_model
    from hypecycle.schema import EVENT_STATUSES, EVENT_TYPES

    schema = json.loads((Path(__file__).resolve().parents[1] / "hypecycle" / "data" / "extraction.schema.json")
                        .read_text(encoding="utf-8"))
    props = schema["$defs"]["event"]["properties"]
    enums = [branch["enum"] for branch in props["type"].get("anyOf", [props["type"]]) if "enum" in branch]
    assert enums and tuple(enums[0]) == EVENT_TYPES
    for status in EVENT_STATUSES:
        assert status in props["status"]["description"], status
    model = load_news_model(EVENT_TYPES)
    assert model is not None, "the news model is shipped in hypecycle/data/events/"
    names = set(model.features_)
    assert {f"type_{t}" for t in EVENT_TYPES} <= names
    assert {f"status_{s}" for s in EVENT_STATUSES} <= names


def test_trajectories_count_every_event_type():
    """Each event type of hypecycle.schema has a role in a trajectory (funding columns, an exit or a
    failure) and a column of its own count, so a new type cannot be dropped from the series unseen."""
    from hypecycle.schema import EVENT_TYPES
    from hypecycle.trajectories import EXIT_TYPES, FAILURE_TYPES, SIGNALS

    assert sorted({"funding", *EXIT_TYPES, *FAILURE_TYPES}) == sorted(EVENT_TYPES)
    assert set(EVENT_TYPES) <= set(SIGNALS)
