"""One error hierarchy for hypecycle.

Library code raises these; only :mod:`hypecycle.cli` turns them into a one-line
message and an exit code. Every class carries a short unique ``code`` (tested for
uniqueness) so that a message can be looked up in the README and in issues.
A message says what was received, what was expected and what to do next.
"""

from __future__ import annotations


class HypecycleError(Exception):
    """Base class of every error hypecycle raises on purpose."""

    code = "HC000"
    exit_code = 1

    def __str__(self) -> str:  # "[HC101] message"
        return f"[{self.code}] {super().__str__()}"


class UsageError(HypecycleError):
    """A command-line option or argument that cannot be used as given."""

    code = "HC001"
    exit_code = 2


class InputError(HypecycleError):
    """An input file that cannot be read at all (missing, unknown format, unreadable)."""

    code = "HC100"
    exit_code = 3


class UnknownFormatError(UsageError):
    """An input whose format cannot be told from its name; give ``--input-format``."""

    code = "HC002"


class RecordError(InputError):
    """One bad record inside an otherwise readable file.

    Raised inside readers and turned into a :class:`hypecycle.schema.Reject`,
    so the good records around it are kept.
    """

    code = "HC102"

    def __init__(self, reason: str, *, source: str = "", location: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.source = source
        self.location = location


class RejectedRecordsError(InputError):
    """``--strict`` was given and at least one record was rejected."""

    code = "HC103"


class NoArticlesError(InputError):
    """No input yielded an article: every file was empty, not text, lacked dates, or was of another format."""

    code = "HC104"


class StoreError(HypecycleError):
    """The embedded database cannot be opened or written."""

    code = "HC200"
    exit_code = 4


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""

    code = "HC201"
    exit_code = 5


class StoreVersionError(StoreError):
    code = "HC202"


class StoreWriteError(StoreError):
    """A write the file system refused (disk full, file-size limit, read-only or unwritable file).

    The batch being written was rolled back: the store holds what it held before it.
    """

    code = "HC203"


class StoreDamagedError(StoreError):
    """The store file is truncated, overwritten or otherwise not readable as a database."""

    code = "HC204"


class LexiconError(HypecycleError):
    """A lexicon, cue list or other shipped/user data file is malformed."""

    code = "HC300"
    exit_code = 3


class LabelError(HypecycleError):
    """A phase label file that cannot be used (unknown phase, bad date, no source, too few labels)."""

    code = "HC310"
    exit_code = 3


class ModelError(HypecycleError):
    """An optional model or pipeline is missing or cannot be loaded."""

    code = "HC400"
    exit_code = 6


class UntrustedModelError(ModelError):
    """A model file whose loading could run foreign code (pickle, joblib, unknown types)."""

    code = "HC401"


class ExtractionError(HypecycleError):
    """Extraction could not run on its input (bad configuration, not bad text)."""

    code = "HC500"
    exit_code = 1


class ClusterError(HypecycleError):
    """Extraction on a Dask cluster could not start or finish (scheduler unreachable, workers lost)."""

    code = "HC600"
    exit_code = 7


class ClusterMissingError(ClusterError):
    """``--scheduler`` was given but the optional ``distributed`` extra is not installed."""

    code = "HC601"


def iter_error_classes():
    """Yield every error class defined in this module (used to test code uniqueness)."""
    stack = [HypecycleError]
    while stack:
        cls = stack.pop()
        yield cls
        stack.extend(cls.__subclasses__())


class CycleDataError(LexiconError):
    """A shipped or user reference-cycle folder (``cycle.json``, ``series.csv``, ``phases.csv``) is malformed."""

    code = "HC301"
