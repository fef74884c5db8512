"""worker_pool(): the process pool that derives rows off the crawling (or indexing) process, and dies with it.

Deriving rows is CPU work (lxml, trafilatura): in the crawling process it would stall fetching, and one
process uses one core. Workers are spawned, not forked (the crawling process runs a reactor and threads).

A worker must not outlive its parent: after a `kill -9` of a crawl, multiprocessing's workers would block
forever on a queue whose other end they hold themselves, re-parented to PID 1 (and the resource tracker,
which waits for every holder of its pipe, with them). So each worker asks the kernel for SIGKILL when its
parent dies (Linux `prctl(PR_SET_PDEATHSIG)`), checks the parent did not die before that, and elsewhere
watches its parent from a thread. Once the workers are gone the tracker's pipe closes and it exits too
(tests/test_kill.py checks that no process of a killed crawl is left).
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL = 1.0


def worker_pool(processes: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `processes` spawned workers that end when this process ends, however it ends.

    Workers start on the first tasks, from the thread that submits them: keep submitting from a thread
    that lives as long as the pool (the kernel's parent-death signal follows the thread that started a worker).
    """
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))


def warm_up(pool: ProcessPoolExecutor, processes: int, module: str) -> None:
    """Start the `processes` workers of `pool` now, each importing `module` (what its tasks will need).

    A worker spawned by the first task spends its first second or more importing lxml and trafilatura: a
    crawl warms its pool while it fetches robots.txt and the first listings, so the articles find it ready.
    """
    for _ in range(processes):  # each submission finds no idle worker yet: one worker spawned for each
        pool.submit(_import, module)


def let_go(pool: ProcessPoolExecutor) -> None:
    """Give up a broken pool (a worker was killed): its other workers are killed too, then it is shut down
    without waiting. The pool's own clean-up sends them SIGTERM and then joins them, and a worker that lives
    on (seen once in some twenty runs, just after its sibling was killed) held its thread, and with it the
    crawl's exit, for ever. Their tasks are lost either way: the records come back at the next start."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):  # already gone, or closed
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _import(module: str) -> None:
    importlib.import_module(module)


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent: int) -> None:
    """End this process as soon as process `parent` ends."""
    if not _parent_death_signal():
        threading.Thread(target=_watch, args=(parent,), name="baotinh-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent was gone before the kernel was asked to tell us
        os._exit(1)


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCH_INTERVAL):
        if os.getppid() != parent:
            os._exit(1)
