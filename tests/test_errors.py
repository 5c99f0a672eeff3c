"""The error hierarchy: unique codes, one-line messages, exit codes the CLI can map."""

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
