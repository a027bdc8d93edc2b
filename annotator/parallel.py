"""Formatting an export's batches in worker processes, while the exporting process alone reads and writes.

One mechanism: a `ProcessPoolExecutor` with the spawn start method. The exporting process reads every
article in one snapshot and hands batches to the workers; each worker only formats (no database, no
files) and sends back the piece and its report, in order. A worker's error comes back as the exception
itself; a worker whose exporting process dies (killed, or the window closed) ends at once.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .formats.writing import Batch, FormatWriter, Report, Settings


def formatted(writer: FormatWriter, batches: Iterable[tuple[Any, Batch]], workers: int) -> Iterator[tuple[Any, Batch, Any, Report]]:
    """(key, batch, piece, report) for each (key, batch), in order: formatted by `writer` here when `workers`
    is 0, else by copies of it (its class, same settings) in that many worker processes."""
    if workers <= 0:
        for key, batch in batches:
            report = Report()
            yield key, batch, writer.format(batch, report), report
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(type(writer), writer.settings))
    waiting: deque[tuple[Any, Batch, Future]] = deque()
    try:
        for key, batch in batches:
            waiting.append((key, batch, pool.submit(_format, batch)))
            while len(waiting) > 2 * workers:  # a bounded queue keeps memory flat
                yield _result(waiting.popleft())
        while waiting:
            yield _result(waiting.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def worker_count() -> int:
    """How many formatting processes pay here: one per core (the reading process mostly waits for them)."""
    return min(os.cpu_count() or 1, 8)


def _result(item: tuple[Any, Batch, Future]) -> tuple[Any, Batch, Any, Report]:
    key, batch, future = item
    piece, report = future.result()  # a worker's exception is raised here
    return key, batch, piece, report


_writer: FormatWriter | None = None


def _start_worker(writer_class: type[FormatWriter], settings: Settings) -> None:
    global _writer
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    _writer = writer_class(settings)


def _exit_with_parent() -> None:
    """End this worker as soon as the exporting process is gone: nothing is left running behind a killed export."""
    parent = multiprocessing.parent_process()
    assert parent is not None  # a worker has the exporting process for parent
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


def _format(batch: Batch) -> tuple[Any, Report]:
    assert _writer is not None, "_start_worker makes the writer first"
    report = Report()
    return _writer.format(batch, report), report
