"""What a user waits for after `annotator import`, phase by phase: the import (then labelling can start) with its time
split between Python and the store's writes, and the search index built afterwards. Shared by bench_store and
bench_postgres; each runs these in a fresh Python (common.run_child)."""

from __future__ import annotations

# argv: source file, database. The store's writes (inserts, COPY, the lookups an import makes, the commit) are timed
# apart from the rest (reading, checking, building rows: Python).
IMPORT = """
from annotator.corpus import import_files
from annotator.store import open_store
store = open_store(sys.argv[2])
database = [0.0]

def timed(method):
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            database[0] += time.perf_counter() - started
    return run

for name in ("insert_article_rows", "insert_span_rows", "insert_relation_rows", "span_ids", "article_keys", "span_keys"):
    setattr(store, name, timed(getattr(store, name)))

class CommitTimed:
    def __init__(self, conn):
        self.__dict__["conn"] = conn
    def __getattr__(self, name):
        return getattr(self.conn, name)
    def __setattr__(self, name, value):
        setattr(self.conn, name, value)
    def execute(self, sql, *args):
        return timed(self.conn.execute)(sql, *args) if sql == "COMMIT" else self.conn.execute(sql, *args)

store.conn = CommitTimed(store.conn)
start = time.perf_counter()
report = import_files(store, [sys.argv[1]], annotator="bench")
seconds = time.perf_counter() - start
RESULT = {"seconds": seconds, "database_seconds": database[0], "articles": report.new, "spans": report.spans,
          "waiting": store.search_backlog()}
"""

# argv: database. What `annotator index` does: every pending article, a short transaction a batch.
INDEX = """
from annotator.indexing import index_backlog
from annotator.store import open_store
store = open_store(sys.argv[1])
start = time.perf_counter()
done = index_backlog(store)
RESULT = {"seconds": time.perf_counter() - start, "articles": done, "left": store.search_backlog()}
"""


def phase_rows(imported: dict, indexed: dict, baseline: dict, goal: str) -> list[tuple]:
    """Table rows (what, time, ratio to the baseline, peak, goal) of the import, its split and the search index."""
    base = baseline["seconds"]
    python = imported["seconds"] - imported["database_seconds"]
    both = imported["seconds"] + indexed["seconds"]
    return [
        ("**import** (validation, offsets, rows stored and committed: labelling can start)",
         f"{imported['seconds']:.1f} s", f"**{imported['seconds'] / base:.2f}x**", f"{imported['peak_mb']:.0f} MB", goal),
        ("… of which the store's writes (inserts or COPY, lookups, commit)", f"{imported['database_seconds']:.1f} s",
         f"{imported['database_seconds'] / base:.2f}x", "", ""),
        ("… of which Python (reading, checking, building rows)", f"{python:.1f} s", f"{python / base:.2f}x", "", ""),
        (f"**search index** afterwards (`annotator index`, or the window in the background: "
         f"{indexed['articles']:,} articles)", f"{indexed['seconds']:.1f} s", f"{indexed['seconds'] / base:.2f}x",
         f"{indexed['peak_mb']:.0f} MB", ""),
        ("import and search index together", f"{both:.1f} s", f"{both / base:.2f}x", "", ""),
    ]
