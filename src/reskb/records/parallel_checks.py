"""Many record files checked at once in worker processes, for `reskb validate` on a large catalogue with
nothing cached (the first run, or after an upgrade): each file's checks need no other file.

A worker gets a file's kind, name and bytes (read, and hashed for the cache, by the parent; or no bytes, when
nothing is cached: it reads and hashes them itself) and sends back the key of the bytes it checked and the
cache entry of its results as JSON bytes (validation_cache.entry_json), which the parent decodes exactly
as it decodes the cache file's entries (validation_cache.decode_file_result): a run with workers reports what
one without them does. Nothing is unpickled but the plain strings, bytes and lists this module sends itself. Workers
are forked (Linux), so they start with the code already loaded; elsewhere, or below PARALLEL_FROM files,
the files are checked in the process itself, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where workers are started: a run with every file cached needs neither
    from concurrent.futures import ProcessPoolExecutor

Job = tuple[str, str, str, bytes | None]  # kind, path, name as shown, bytes (None: the worker reads them)

#: fewer files than this are checked in the process itself
PARALLEL_FROM = 400
CHUNK = 50


def workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def check_files(files: list[tuple[str, Path, str, bytes | None]],
                check: Callable[[Job], tuple[str, bytes]]) -> Generator[tuple[str, bytes], None, None] | None:
    """`check`'s (key, cache entry as JSON) of each (kind, path, shown, bytes or None), in order, as the
    workers finish them (the caller reads the bibliography meanwhile); None when the files are better
    checked in this process (few of them, one core, or no fork). Call it before starting any thread: the
    workers are forked at once."""
    count = workers()
    if len(files) < PARALLEL_FROM or count < 2 or sys.platform != "linux":
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    jobs = [(kind, str(path), shown, raw) for kind, path, shown, raw in files]
    try:
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
    except (OSError, RuntimeError, ValueError):
        return None
    try:
        results = pool.map(check, jobs, chunksize=CHUNK)
    except (OSError, RuntimeError):  # no processes to be had (limits, a sandbox): check them here
        pool.shutdown(cancel_futures=True)
        return None
    return _entries(pool, results)


def _entries(pool: ProcessPoolExecutor, results: Iterator[tuple[str, bytes]]) -> Generator[tuple[str, bytes], None, None]:
    with pool:
        yield from results
