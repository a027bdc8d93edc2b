"""PostgreSQL as the store (issue 14): import of 100,000 articles against COPY of the same rows, export rates
(jsonl, conll) against the same export from SQLite, and agreement and accept-agreed over a 10,000-article team
database against SQLite; all in one run, on a throw-away server (tests/postgres.py). Skipped, saying so, where
there is no PostgreSQL server or no psycopg.
Standalone: python bench/bench_postgres.py [--articles N] [--review N]"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import load_note, run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_jsonl  # noqa: E402
from import_phases import IMPORT, INDEX, phase_rows  # noqa: E402

COPY = """
import psycopg
source, url = sys.argv[1], sys.argv[2]
conn = psycopg.connect(url, autocommit=True)
conn.execute("CREATE TABLE articles (id text PRIMARY KEY, title text, text text, text_sha256 text, source text, "
             "meta text, created text)")
conn.execute("CREATE TABLE spans (id bigserial PRIMARY KEY, article_id text, annotator text, label text, "
             "start integer, \\"end\\" integer, text text)")
start = time.perf_counter()
with conn.transaction(), conn.cursor() as cursor:
    with open(source, encoding="utf-8") as lines, cursor.copy("COPY articles FROM STDIN") as articles:
        spans = []
        for line in lines:
            record = json.loads(line)
            articles.write_row((record["id"], "", record["text"], "", "", "{}", ""))
            spans += [(record["id"], s["annotator"], s["label"], s["start"], s["end"], s["text"]) for s in record["spans"]]
    with cursor.copy('COPY spans (article_id, annotator, label, start, "end", text) FROM STDIN') as copy:
        for row in spans:
            copy.write_row(row)
RESULT = {"seconds": time.perf_counter() - start}
"""

EXPORT = """
from pathlib import Path
from annotator.exporting import ExportOptions, export
from annotator.store import open_store
store = open_store(sys.argv[1])
out = Path(sys.argv[3])
start = time.perf_counter()
summary = export(store, ExportOptions(sys.argv[2], out, annotator="bench"))
RESULT = {"seconds": time.perf_counter() - start, "articles": summary.articles, "spans": summary.spans,
          "tokens": summary.tokens}
"""

REVIEW_DB = """
from bench_review import fill, ANNOTATORS
from annotator.store import open_store
store = open_store(sys.argv[1])
fill(store, int(sys.argv[2]), ANNOTATORS)
store.close()
RESULT = {}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--review", type=int, default=10_000)
    parser.add_argument("--tokens", type=int, default=10_000, help="articles of the conll export")
    parser.add_argument("--import-only", action="store_true",
                        help="only COPY, the import and the search index (section 'PostgreSQL: import phases')")
    parser.add_argument("--behind", action="store_true",
                        help="only COPY, the import and the same import without its COPY behind, twice "
                             "(section 'PostgreSQL: import with COPY behind')")
    args, _ = parser.parse_known_args()
    try:
        import psycopg  # noqa: F401

        from tests.postgres import Cluster, Databases, server_bin
    except ImportError as e:
        print(f"bench_postgres: skipped, no psycopg ({e}); pip install 'annotator[postgres]'")
        return
    found = server_bin()
    if found is None:
        print("bench_postgres: skipped, no PostgreSQL server (initdb not in /usr/lib/postgresql/*/bin)")
        return
    corpus = make_corpus_jsonl(OUT / f"corpus-{args.articles}-10.jsonl", args.articles, 10)
    cluster = Cluster(found).start()
    figures: dict = {"articles": args.articles, "review": args.review, "tokens": args.tokens,
                     "load": os.getloadavg()[0]}
    try:
        databases = Databases(cluster)
        with tempfile.TemporaryDirectory() as tmp:
            if args.behind:
                measure_behind(databases, corpus, figures)
            elif args.import_only:
                measure_import(databases, corpus, figures)
            else:
                measure(Path(tmp), databases, corpus, args, figures)
    finally:
        cluster.stop()
    print(json.dumps(figures, indent=2))
    if args.behind:
        write_section(f"PostgreSQL: import with COPY behind, {args.articles:,} articles", behind_body(figures))
    elif args.import_only:
        write_section(f"PostgreSQL: import phases, {args.articles:,} articles", import_body(figures))
    else:
        write_section("PostgreSQL", report_body(figures))


def measure_import(databases, corpus: Path, figures: dict) -> str:
    """COPY (the baseline), then the import and its search index on a new database; the database's URL."""
    figures["copy"] = run_child(COPY, str(corpus), databases.new(empty=True))
    team = databases.new()
    figures["import"] = run_child(IMPORT, str(corpus), team)
    figures["index"] = run_child(INDEX, team)
    return team


# The import with every COPY in the caller's thread and the foreign keys checked a row at a time, as before
# store/pg_behind.py; and with COPY behind but the foreign keys still checked a row at a time.
AT_ONCE = IMPORT.replace("start, cpu =", "from contextlib import nullcontext\nstore.writes_behind = nullcontext\nstart, cpu =")
KEYS_KEPT = IMPORT.replace("start, cpu =", "store._drop_span_checks = lambda: []\nstart, cpu =")
VARIANTS = (("behind", IMPORT, "**import**: COPY behind (a writer thread), spans' foreign key made again at the end"),
            ("keys_kept", KEYS_KEPT, "the same, the foreign key checked a span at a time"),
            ("at_once", AT_ONCE, "the same, each COPY in turn and the foreign key checked a span at a time (as before)"))
ROUNDS = 2


def measure_behind(databases, corpus: Path, figures: dict) -> None:
    """COPY, then each of VARIANTS of the import, in turn, ROUNDS times (the load changes meanwhile)."""
    for number in range(ROUNDS):
        figures[f"copy{number}"] = run_child(COPY, str(corpus), databases.new(empty=True))
        for key, code, _ in VARIANTS:
            figures[f"{key}{number}"] = run_child(code, str(corpus), databases.new())
    figures["load_end"] = os.getloadavg()[0]


def behind_body(f: dict) -> str:
    rows = []
    for number in range(ROUNDS):
        base = f[f"copy{number}"]["seconds"]
        rows.append((f"round {number + 1}: `COPY` of the same {f['articles']:,} articles and their spans (the baseline)",
                     f"{base:.1f} s", "1x", "", "", f"{f[f'copy{number}']['peak_mb']:.0f} MB"))
        for key, _, what in VARIANTS:
            run = f[f"{key}{number}"]
            rows.append((what, f"{run['seconds']:.1f} s", f"**{run['seconds'] / base:.2f}x**",
                         f"{run['database_seconds'] / base:.2f}x", f"{run['client_cpu_seconds'] / base:.2f}x",
                         f"{run['peak_mb']:.0f} MB"))
    header = ("measure", "wall", "ratio to COPY", "waiting for the store", "client CPU (all threads)", "peak")
    return (table(rows, header) + "\n\n"
            "The import as in 'PostgreSQL: import phases' (its search index is a later phase, not measured here). "
            "With COPY behind, a thread of its own COPYs each batch of articles and spans while the import reads and "
            "checks the next; into a database without articles the spans' foreign key to them is dropped for the import and "
            "made again at its end (one join instead of a lookup a span). 'Waiting for the store' is the time the "
            "import's own thread waited for the store (its calls, the writer, the foreign key made again), as a ratio "
            "to COPY; client CPU is the import process's CPU time over "
            "both threads. Same throw-away server as the other PostgreSQL sections. "
            f"Load average over the last minute: {f['load']:.1f} at the start, {f['load_end']:.1f} at the end, "
            "on 2 cores shared with other work; the ratios are the figures to read, within a round.")


def import_rows(f: dict) -> list[tuple]:
    """(measure, wall, ratio, goal, peak) of COPY, the import and the search index."""
    goal = "met" if f["import"]["seconds"] < 3 * f["copy"]["seconds"] else "missed"
    rows = [(what, wall, ratio, f"< 3x: {goal}" if i == 0 else "", peak)
            for i, (what, wall, ratio, peak, _) in enumerate(phase_rows(f["import"], f["index"], f["copy"], ""))]
    return [(f"`COPY` of the same {f['articles']:,} articles and their spans into bare tables (the baseline)",
             f"{f['copy']['seconds']:.1f} s", "1x", "", f"{f['copy']['peak_mb']:.0f} MB"), *rows]


def import_body(f: dict) -> str:
    return (table(import_rows(f), ("measure", "wall", "ratio to COPY", "goal", "peak")) + "\n\n"
            "One throw-away PostgreSQL 15 server on a Unix socket (tests/postgres.py: fsync off, as a test cluster), "
            "the client in a fresh Python for each row; COPY of the same rows (parsed from the same JSONL) into tables "
            "without indexes, in the same run. The import validates every record, checks offsets and COPYs articles "
            "and spans; a trigger queues the articles for the search index, which is built afterwards (`annotator "
            "index` or the window): folded words in Python, COPY into `article_search`, and for a large backlog into "
            "an empty index the GIN indexes built once at the end. " + load_note())


def measure(tmp: Path, databases, corpus: Path, args, figures: dict) -> None:
    team = measure_import(databases, corpus, figures)
    sqlite_db = tmp / "corpus.db"
    figures["sqlite_import"] = run_child(IMPORT, str(corpus), str(sqlite_db))
    for engine, db in (("postgres", team), ("sqlite", str(sqlite_db))):
        figures[f"jsonl_{engine}"] = run_child(EXPORT, db, "jsonl", str(tmp / f"out-{engine}.jsonl"))
    # a token format writes every token: measured on a tenth of the corpus, imported the same way
    smaller = make_corpus_jsonl(OUT / f"corpus-{args.tokens}-10.jsonl", args.tokens, 10)
    for engine, db in (("postgres", databases.new()), ("sqlite", str(tmp / "smaller.db"))):
        run_child(IMPORT, str(smaller), db)
        figures[f"conll_{engine}"] = run_child(EXPORT, db, "conll", str(tmp / f"out-{engine}.conll"))
    review_pg, review_sqlite = databases.new(), str(tmp / "review.db")
    names = "alice,bob,carol"
    for engine, db in (("postgres", review_pg), ("sqlite", review_sqlite)):
        run_child(REVIEW_DB, db, str(args.review), env={"PYTHONPATH": str(Path(__file__).resolve().parent)})
        figures[f"agreement_{engine}"] = run_child(_command(), "agreement", "--db", db, "--annotators", names, "--json")
        figures[f"accept_{engine}"] = run_child(_command(), "review", "--accept-agreed", "--db", db, "--annotators",
                                                names, "--min-agree", "2", "--reviewer", "bench")
    for value in figures.values():
        if isinstance(value, dict):
            value.pop("output", None)


def _command() -> str:
    from bench_review import COMMAND

    return COMMAND


def report_body(f: dict) -> str:
    r = f"{f['review']:,}"

    def seconds(key: str) -> str:
        return f"{f[key]['seconds']:.1f} s"

    def versus(key: str, base: str) -> str:
        return f"{f[key]['seconds'] / f[base]['seconds']:.2f}x"

    def rate(key: str, unit: str) -> str:
        return f"{f[key][unit] / f[key]['seconds']:,.0f} {unit}/s"

    rows = [
        *import_rows(f),
        ("the same import into SQLite", seconds("sqlite_import"), versus("sqlite_import", "copy"), "",
         f"{f['sqlite_import']['peak_mb']:.0f} MB"),
    ]
    for fmt, unit in (("jsonl", "spans"), ("conll", "tokens")):
        size = f"{f['articles' if fmt == 'jsonl' else 'tokens']:,} articles"
        rows.append((f"export `{fmt}` of {size} from PostgreSQL ({rate(f'{fmt}_postgres', unit)})", seconds(f"{fmt}_postgres"),
                     f"{versus(f'{fmt}_postgres', f'{fmt}_sqlite')} SQLite's", "",
                     f"{f[f'{fmt}_postgres']['peak_mb']:.0f} MB"))
        rows.append((f"the same from SQLite ({rate(f'{fmt}_sqlite', unit)})", seconds(f"{fmt}_sqlite"), "", "",
                     f"{f[f'{fmt}_sqlite']['peak_mb']:.0f} MB"))
    for key, what in (("agreement", "`annotator agreement --json`"), ("accept", "`annotator review --accept-agreed`")):
        rows.append((f"{what}, {r} articles x 3 annotators, PostgreSQL", seconds(f"{key}_postgres"),
                     f"{versus(f'{key}_postgres', f'{key}_sqlite')} SQLite's", "",
                     f"{f[f'{key}_postgres']['peak_mb']:.0f} MB"))
        rows.append(("the same on SQLite", seconds(f"{key}_sqlite"), "", "", f"{f[f'{key}_sqlite']['peak_mb']:.0f} MB"))
    return (table(rows, ("measure", "wall", "ratio", "goal", "peak"))
            + "\n\n"
            "One throw-away PostgreSQL 15 server on a Unix socket (tests/postgres.py: fsync off, as a test cluster), "
            "the client in a fresh Python for each row. Every ratio compares with a baseline measured in the same run: "
            "the import with COPY of the same rows (parsed from the same JSONL) into tables without indexes; exports "
            "and review with the same command on a SQLite copy of the same data. The import also validates every "
            "record and checks offsets; the search index (a tsvector of folded words with a GIN index, and the runs of "
            "unspaced scripts with a pg_trgm index) is built after it, its own row. Synthetic articles from `bench/corpus.py`. "
            f"The machine is shared with other work: load average {f['load']:.1f} on 2 cores when the run started, "
            "so absolute times are noisy; the ratios are the figures to read.")


if __name__ == "__main__":
    main()
