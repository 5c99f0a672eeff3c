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
