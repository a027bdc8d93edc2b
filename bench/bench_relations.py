"""What relations cost the canonical JSONL: export and import of the synthetic corpus with a relation from each
CLAIM to an ACTOR of its article, against the same corpus without relations, in the same run."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_db  # noqa: E402

EXPORT = """
sys.path.insert(0, ".")
from pathlib import Path
from annotator.exporting import ExportOptions, export
from annotator.store import open_store
store = open_store(sys.argv[1])
started = time.perf_counter()
summary = export(store, ExportOptions("jsonl", Path(sys.argv[2])))
RESULT = {"seconds": time.perf_counter() - started, "spans": summary.spans, "relations": summary.relations}
"""
IMPORT = """
sys.path.insert(0, ".")
from annotator.corpus import import_files
from annotator.store import open_store
store = open_store(sys.argv[1])
started = time.perf_counter()
report = import_files(store, [sys.argv[2]], annotator="bench")
RESULT = {"seconds": time.perf_counter() - started, "spans": report.spans, "relations": report.relations}
"""


def with_relations(base: Path) -> Path:
    """A copy of `base` in which each CLAIM is CLAIMED_BY the first ACTOR of its article (when there is one)."""
    from annotator.store import open_store

    path = base.with_name(base.stem + "-relations.db")
    if path.exists():
        return path
    shutil.copy(base, path)
    store = open_store(path)
    with store.transaction():
        rows = store.conn.execute(
            "SELECT c.article_id, c.annotator, 'CLAIMED_BY', c.id, (SELECT min(a.id) FROM spans a WHERE "
            "a.article_id = c.article_id AND a.annotator = c.annotator AND a.label = 'ACTOR') AS actor "
            "FROM spans c WHERE c.label = 'CLAIM' AND actor IS NOT NULL"
        ).fetchall()
        store.insert_relation_rows(rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def once(db: Path) -> tuple[dict, dict]:
    """(export, import) of the jsonl of `db`, each in a fresh process."""
    out = OUT / f"relations-{db.stem}.jsonl"
    target = OUT / f"relations-import-{db.stem}.db"
    out.unlink(missing_ok=True)
    exported = run_child(EXPORT, str(db), str(out))
    for leftover in OUT.glob(target.name + "*"):
        leftover.unlink()
    imported = run_child(IMPORT, str(target), str(out))
    out.unlink()
    for leftover in OUT.glob(target.name + "*"):
        leftover.unlink()
    return exported, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the fastest counts")
    args = parser.parse_args()
    base = make_corpus_db(OUT / f"corpus-{args.articles}.db", args.articles)
    linked = with_relations(base)
    runs: dict[str, list[tuple[dict, dict]]] = {"without relations": [], "with relations": []}
    for _ in range(args.repeat):
        runs["without relations"].append(once(base))
        runs["with relations"].append(once(linked))
    best = {name: (min((e for e, _ in found), key=lambda r: r["seconds"]), min((i for _, i in found), key=lambda r: r["seconds"]))
            for name, found in runs.items()}
    body = table(
        [(name, f"{e['spans']:,}", f"{e['relations']:,}", f"{e['seconds']:.2f}", f"{i['seconds']:.2f}")
         for name, (e, i) in best.items()],
        ("corpus", "spans", "relations", "jsonl export s", "jsonl import s"),
    )
    (base_export, base_import), (export, imported) = best["without relations"], best["with relations"]
    body += (f"\n\n{args.articles:,} articles, fastest of {args.repeat} alternating runs each. With relations against "
             f"without, same run: export {export['seconds'] / base_export['seconds']:.2f}x, import "
             f"{imported['seconds'] / base_import['seconds']:.2f}x (import looks up each article's span ids once a batch, to "
             "link the relations of a batch). The machine was shared with other work while measured (8 sessions on 2 cores): "
             "only the ratios mean something, and even they are rough.")
    write_section("Relations in the canonical JSONL", body)
    print(body)


if __name__ == "__main__":
    main()
