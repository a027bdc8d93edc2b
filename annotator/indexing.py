"""Building the search index after an import: the pending articles, a short transaction a batch, until none is left."""

from __future__ import annotations

import time
from collections.abc import Callable

BATCH_SECONDS = 0.2  # how long one batch's transaction should hold the write lock (the window's edits wait for it)
FIRST_BATCH, SMALLEST_BATCH, LARGEST_BATCH = 100, 10, 5000


def index_backlog(store, progress: Callable[[int, int], None] | None = None,
                  stop: Callable[[], bool] = lambda: False, seconds: float = BATCH_SECONDS) -> int:
    """Index every pending article of `store` for search, a batch sized to take about `seconds` each; how many.
    `progress(done, total)` hears of each batch; `stop()` is asked before each and ends the work early (what is
    indexed stays indexed: the next call goes on from there)."""
    total, done, limit = store.search_backlog(), 0, FIRST_BATCH
    while not stop():
        started = time.monotonic()
        indexed = store.index_for_search(limit)
        if not indexed:
            break
        done += indexed
        total = max(total, done)
        if progress:
            progress(done, total)
        took = max(time.monotonic() - started, 0.001)
        limit = max(SMALLEST_BATCH, min(LARGEST_BATCH, int(limit * seconds / took)))
    return done
