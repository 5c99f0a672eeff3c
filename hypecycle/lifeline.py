"""Worker processes that die with their parent.

An extraction worker (a local process-pool worker, or a worker of a cluster that
``hypecycle ingest --scheduler local`` started) holds a spaCy pipeline of about 160 MB
and has nothing to save: when the process that started it is gone, it should go too.
Without this, ``kill -9`` of an ingest left its workers blocked on a pipe that nobody
writes, for as long as the machine ran.

Two mechanisms, so that one failing still leaves the other:

* Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` through ctypes, so the kernel kills the
  worker the moment its parent exits (it fires when the parent *thread* that forked it
  ends; hypecycle starts its pools from the thread that runs the job);
* everywhere: a daemon thread that polls :func:`os.getppid` and ends the process once the
  parent it was started by is no longer its parent (a re-parented orphan).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1
_started_for: int | None = None


def _set_pdeathsig(sig: int) -> bool:
    """Ask the Linux kernel to send ``sig`` to this process when its parent exits."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, interval: float) -> None:
    event = threading.Event()
    while not event.wait(interval):
        if os.getppid() != parent:
            os._exit(1)  # no cleanup to do: the parent, which would collect our results, is gone


def die_with_parent(parent: int | None = None, *, interval: float = 0.5) -> bool:
    """Make this process end within about ``interval`` seconds of losing its parent.

    ``parent`` is the pid of the process that started this one (default: the current
    parent). If that parent is already gone, the process ends at once. Returns whether
    the kernel mechanism (Linux) was set; the polling thread runs in any case. Calling it
    again in the same process does nothing.
    """
    global _started_for  # one watchdog per process
    parent = os.getppid() if parent is None else int(parent)
    if _started_for == os.getpid():
        return True
    kernel = _set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the kernel was told to watch it
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, interval), name="hypecycle-lifeline", daemon=True).start()
    _started_for = os.getpid()
    return kernel
