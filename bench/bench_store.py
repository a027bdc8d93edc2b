"""Corpus store benchmark: import, search index, export and search of 100,000 news-like synthetic articles (issues 2 and 11)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_jsonl  # noqa: E402
from import_phases import IMPORT, INDEX, phase_rows  # noqa: E402

BASELINE = """
import sqlite3
source, db = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT, text_sha256 TEXT, source TEXT, meta TEXT, created TEXT)")
conn.execute("CREATE TABLE spans (id INTEGER PRIMARY KEY, article_id TEXT, annotator TEXT, label TEXT, start INTEGER, end INTEGER, text TEXT)")
start = time.perf_counter()
conn.execute("BEGIN")
articles, spans = [], []
with open(source, encoding="utf-8") as lines:
    for line in lines:
        record = json.loads(line)
        articles.append((record["id"], "", record["text"], "", "", "{}", ""))
        spans += [(record["id"], s["annotator"], s["label"], s["start"], s["end"], s["text"]) for s in record["spans"]]
        if len(articles) == 2000:
            conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", articles)
            conn.executemany("INSERT INTO spans (article_id, annotator, label, start, end, text) VALUES (?, ?, ?, ?, ?, ?)", spans)
            articles, spans = [], []
conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", articles)
conn.executemany("INSERT INTO spans (article_id, annotator, label, start, end, text) VALUES (?, ?, ?, ?, ?, ?)", spans)
conn.execute("COMMIT")
RESULT = {"seconds": time.perf_counter() - start}
"""

EXPORT = """
from pathlib import Path
from annotator.exporting import ExportOptions, export
from annotator.store import open_store
store = open_store(sys.argv[1])
out = Path(sys.argv[1] + ".export.jsonl")
start = time.perf_counter()
summary = export(store, ExportOptions("jsonl", out))
RESULT = {"seconds": time.perf_counter() - start, "articles": summary.articles, "spans": summary.spans}
out.unlink()
"""

SEARCH = """
from annotator.store import open_store
store = open_store(sys.argv[1])
times = []
for query in ["dai", "jer peal", "zürich", "東京", "stio", "a dai jer", "nothing-like-this"]:
    for _ in range(5):
        start = time.perf_counter()
        store.search(query, limit=50)
        times.append((time.perf_counter() - start) * 1000)
times.sort()
RESULT = {"median_ms": times[len(times) // 2], "max_ms": times[-1]}
"""


NOTE = (
    "The import stores and checks the records and commits them: labelling can start then. The search index (FTS5 "
    "over title and text, and the index of unspaced scripts) is built afterwards, by `annotator index` or by the "
    "window in the background, a short transaction a batch (about 0.2 s each, so the window's edits never wait "
    "long); its row is that phase on the same database. Search finds only indexed articles until it is done. The "
    "import's split times the store's calls (inserts, the lookups an import makes, the commit) apart from the rest."
)


def fresh(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    n = args.articles
    small = max(1000, n // 10)
    source = make_corpus_jsonl(OUT / f"corpus-{n}-10.jsonl", n, 10)
    small_source = make_corpus_jsonl(OUT / f"corpus-{small}-10.jsonl", small, 10)
    db, small_db = OUT / f"store-{n}.db", OUT / f"store-{small}.db"

    load = os.getloadavg()[0]
    ours = run_child(IMPORT, str(source), fresh(db))
    plain = run_child(BASELINE, str(source), fresh(OUT / "baseline.db"))
    indexed = run_child(INDEX, str(db))
    ours_small = run_child(IMPORT, str(small_source), fresh(small_db))
    run_child(INDEX, str(small_db))
    exported = run_child(EXPORT, str(db))
    exported_small = run_child(EXPORT, str(small_db))
    search = run_child(SEARCH, str(db))
    fresh(OUT / "baseline.db")

    rows = [
        *phase_rows(ours, indexed, plain, "< 2.5x"),
        ("baseline: plain sqlite3 executemany of the same rows, no checks, no index", f"{plain['seconds']:.1f} s",
         "1x", f"{plain['peak_mb']:.0f} MB", ""),
        (f"import of {small:,} articles (memory flatness)", f"{ours_small['seconds']:.1f} s",
         f"{small / ours_small['seconds']:,.0f} articles/s", f"{ours_small['peak_mb']:.0f} MB", "same peak"),
        (f"`annotator export --format jsonl`, {n:,} articles", f"{exported['seconds']:.1f} s",
         f"{exported['spans'] / exported['seconds']:,.0f} spans/s", f"{exported['peak_mb']:.0f} MB", "≥ 300,000 spans/s, < 200 MB"),
        (f"export JSONL, {small:,} articles (memory flatness)", f"{exported_small['seconds']:.1f} s",
         f"{exported_small['spans'] / exported_small['seconds']:,.0f} spans/s", f"{exported_small['peak_mb']:.0f} MB", "same peak"),
        (f"FTS search, 50 first of {n:,}", f"{search['median_ms']:.1f} ms median", f"{search['max_ms']:.1f} ms max",
         f"{search['peak_mb']:.0f} MB", "< 50 ms"),
    ]
    body = (
        f"News-like synthetic corpus made by `bench/corpus.py`: {n:,} articles of about 3.6 KB (every 1,000th about "
        f"200 KB; every 10th one long line), 10 spans each ({ours['spans']:,} spans); words drawn by Zipf's law from "
        "400,000 syllable-built words plus 60,000 names and a few words in other scripts (about 460,000 distinct "
        f"tokens). Load average when the run started: {load:.1f} on {os.cpu_count()} cores.\n\n"
        + table(rows, ("what", "time", "ratio or rate", "peak memory", "target"))
        + "\n\n" + NOTE
    )
    write_section("Corpus store: import, export, search", body)
    print(body)


if __name__ == "__main__":
    main()
