"""Extraction on a Dask cluster (the optional ``distributed`` extra).

``hypecycle ingest FILES --store S --scheduler tcp://HOST:8786`` sends batches of
articles to the workers of an existing Dask cluster through ``dask.distributed``
futures; ``--scheduler local`` starts a :class:`distributed.LocalCluster` on loopback
for the run. Only extraction is distributed: the workers return extractions, and the
one process that runs the job writes them to the store, batch by batch, in input order,
as a local run does. So the store is the same, article for article, whichever way it
was filled.

Faults. Dask reschedules the tasks of a worker that dies on the others (a task is
pure: an extraction depends only on its article and the extractor options), so a run
goes on while one worker is left; a batch that has killed workers more than
``distributed.scheduler.allowed-failures`` times ends the run with :class:`ClusterError`.
Nothing of an unfinished batch is written, and rerunning the same command adds exactly
what is missing. Workers of a ``local`` cluster end with the process that started them
(:func:`hypecycle.lifeline.die_with_parent`); an external cluster forgets the tasks of a
client that is gone.

Workers of an external cluster need hypecycle installed (the same release), since they
run :func:`extract_batch`.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from .errors import ClusterError, ClusterMissingError
from .schema import Article, Extraction

__all__ = ["cluster_client", "extract_batch", "extract_on_cluster", "require_distributed"]

try:  # the plugin base class; this module is imported only when a cluster is asked for
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - require_distributed() gives the install hint
    _WorkerPlugin = object

_EXTRACTORS: dict[str, Any] = {}


def require_distributed():
    """Import ``dask.distributed``, or say how to install it."""
    try:
        import distributed
    except ImportError:
        raise ClusterMissingError(
            "--scheduler needs Dask distributed, which is not installed; run: "
            "pip install 'hypecycle-news[distributed]' (or drop --scheduler to extract in local processes)"
        ) from None
    return distributed


def extract_batch(options: dict[str, Any], batch: list[Article]) -> list[Extraction]:
    """Run on a worker: extract a batch with an extractor built once per worker process."""
    from .extract import Extractor

    key = repr(sorted(options.items()))
    ex = _EXTRACTORS.get(key)
    if ex is None:
        ex = _EXTRACTORS[key] = Extractor(**options)
    return [ex.extract(a) for a in batch]


class _DieWithClient(_WorkerPlugin):
    """A worker plugin: the worker processes of a local cluster end with the client."""

    name = "hypecycle-die-with-client"

    def __init__(self, client_pid: int):
        self.client_pid = client_pid

    def setup(self, worker) -> None:
        from .lifeline import die_with_parent

        # a local cluster's worker is a child of its nanny, which lives in the client
        if os.getppid() == self.client_pid:
            die_with_parent(self.client_pid)

    def teardown(self, worker) -> None:  # pragma: no cover - nothing to undo
        pass


@contextmanager
def cluster_client(scheduler: str, *, n_workers: int = 2, timeout: float = 10.0):
    """A ``distributed.Client`` for ``scheduler``: an address (``tcp://HOST:8786``), or
    ``"local"`` for a :class:`LocalCluster` of ``n_workers`` single-threaded processes on
    127.0.0.1, closed at the end."""
    distributed = require_distributed()
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ClusterError("--scheduler needs an address such as tcp://HOST:8786, or 'local'")
    cluster = None
    try:
        if scheduler == "local":
            cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None)
            client = distributed.Client(cluster, timeout=timeout)
            client.register_plugin(_DieWithClient(os.getpid()))
        else:
            client = distributed.Client(scheduler, timeout=timeout)
    except OSError as e:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {str(e).splitlines()[0]}; "
                           "check the address and that `dask scheduler` runs there") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_on_cluster(articles: Iterable[Article], scheduler: str, *, n_workers: int = 2,
                       batch_size: int = 64, connect_timeout: float = 10.0,
                       **extractor_kwargs: Any) -> Iterator[Extraction]:
    """Like :func:`hypecycle.extract.extract_many`, on a Dask cluster: one Extraction per
    article, in input order, with at most two batches per worker in flight.
    ``connect_timeout`` is how many seconds to try to reach the scheduler.

    Raises
    ------
    ClusterMissingError
        Dask distributed is not installed (checked at the call).
    ClusterError
        The scheduler cannot be reached, or a batch failed on the cluster.
    """
    require_distributed()
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ClusterError(f"batch_size must be a positive integer, got {batch_size!r}")
    return _run(iter(articles), scheduler, n_workers, batch_size, dict(extractor_kwargs), connect_timeout)


def _run(it: Iterator[Article], scheduler: str, n_workers: int, batch_size: int,
         options: dict[str, Any], connect_timeout: float) -> Iterator[Extraction]:
    from distributed import KilledWorker

    with cluster_client(scheduler, n_workers=n_workers, timeout=connect_timeout) as client:
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})) or n_workers)
        window = 2 * workers
        pending: deque = deque()
        n = 0
        while True:
            while len(pending) < window:
                batch = list(islice(it, batch_size))
                if not batch:
                    break
                pending.append((n, client.submit(extract_batch, options, batch, pure=False,
                                                  key=f"hypecycle-extract-{os.getpid()}-{n}")))
                n += 1
            if not pending:
                break
            i, fut = pending.popleft()
            try:
                result = fut.result()
            except KilledWorker as e:
                raise ClusterError(
                    f"batch {i} of {batch_size} articles killed the Dask workers that ran it "
                    f"({str(e).splitlines()[0]}); batches written so far are kept, rerun the same command "
                    "to add what is missing") from None
            except (OSError, TimeoutError) as e:
                raise ClusterError(f"lost the Dask scheduler at {scheduler}: {str(e).splitlines()[0]}; "
                                   "rerun the same command to add what is missing") from None
            yield from result
