"""What relations cost: the canonical JSONL (export and import of the synthetic corpus with a relation from each CLAIM
to an ACTOR of its article, against the same corpus without relations) and the window (opening a 1 MB article with
20,000 spans and 5,000 relations against the same article without them; adding a relation), each in the same run.

Standalone: .venv/bin/python bench/bench_relations.py [--part jsonl|window]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
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


def linked_pairs(spans: list[tuple[int, int, str]], count: int) -> list[tuple[int, int, str]]:
    """(from index, to index, type) of `count` relations: each CLAIM to the nearest ACTOR after it (CLAIMED_BY), then to
    the nearest LOCATION after it (ABOUT), until there are enough."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    found: list[tuple[int, int, str]] = []
    for kind, label in (("CLAIMED_BY", "ACTOR"), ("ABOUT", "LOCATION")):
        for k, i in enumerate(order):
            if spans[i][2] != "CLAIM":
                continue
            j = next((j for j in order[k + 1:k + 40] if spans[j][2] == label), None)
            if j is not None and len(found) < count:
                found.append((i, j, kind))
    return found


def _window_store(folder: Path, text: str, spans: list[tuple[int, int, str]]):
    """A database with the article twice, "plain" and "linked" (its 5,000 relations), and a small one to start on."""
    from annotator.model import Article
    from annotator.store import now, open_store

    store = open_store(folder / "bench.db")
    store.add_article(Article("small", "A small article to start on."))
    for article_id, body in (("plain", text), ("linked", text + ".")):  # one text, twice: the SHA-256 differs
        store.add_article(Article(article_id, body))
        with store.transaction():
            store.insert_span_rows([(article_id, "bench", label, s, e, text[s:e], None, None, now()) for s, e, label in spans])
    ids = {(s.start, s.end, s.label): s.id for s in store.spans("linked", "bench")}
    rows = dict.fromkeys(("linked", "bench", kind, ids[spans[i]], ids[spans[j]]) for i, j, kind in linked_pairs(spans, 6_000))
    with store.transaction():  # the synthetic spans repeat now and then: 5,000 distinct relations
        store.insert_relation_rows(list(rows)[:5_000])
    return store


def _failed(message: str) -> None:
    """A write the window would show as "Not saved": the figures would be wrong."""
    raise RuntimeError(message)


def _opening(window, app, repeat: int, timed) -> dict:
    """Median time to open each article and draw its first page, alternating, from the small article each time."""
    opened: dict[str, list[float]] = {"plain": [], "linked": []}
    for _ in range(repeat):
        for article_id in opened:
            window.open_article("small")
            app.processEvents()
            opened[article_id].append(timed(lambda a=article_id: (window.open_article(a), window.view.viewport().repaint())))
    return {f"open_{k}_ms": statistics.median(v) for k, v in opened.items()}


def _adding(window, edits: int, timed, rng: random.Random) -> dict:
    """Relations made as a user does (T on a claim and Tab untimed, then Enter timed), then spans as a label key does.
    Each timed edit ends when the window is painted as the user sees it: events processed until every widget the edit
    changed (text, tables, status bar) has repainted what it asked to."""
    from PySide6.QtWidgets import QApplication

    from annotator.gui.commands import AddSpan, DeleteSpan, push
    from annotator.gui.relationlayer import DeleteRelation

    session, layer, editor = window.session, window.relation_layer, window.relation_editor
    painted = QApplication.instance().processEvents
    first_page = [session.spans[o.span_id] for o in session.spans.outlines if o.end < 3000]
    ends = [s for s in first_page if s.label in ("ACTOR", "LOCATION")]
    free = [(c, e) for c in first_page if c.label == "CLAIM" for e in ends if not layer.between("ABOUT", c.id, e.id)]
    added, span_added = [], []
    for _ in range(edits):
        claim, end = rng.choice(free)
        session.set_current(claim.id)
        editor.start("ABOUT")
        session.set_current(end.id)
        painted()
        added.append(timed(lambda end=end: (editor.finish(end.id), painted())))
        made = layer.between("ABOUT", claim.id, end.id)
        if made is None:
            raise RuntimeError(f"no relation made: {window.statusBar().currentMessage()}")
        push(window.undo, DeleteRelation(layer, made, _failed))  # each edit undone again, the page drawn, before the next
        painted()
    taken = {o[:3] for o in session.spans.outlines}
    for word in rng.sample([w for w in ends if (w.start, w.end, "CLAIM") not in taken], min(edits, len(ends))):
        session.set_current(None)
        painted()
        span = AddSpan(session, session.make_span(word.start, word.end, "CLAIM"), _failed)
        span_added.append(timed(lambda span=span: (push(window.undo, span), painted())))
        push(window.undo, DeleteSpan(session, span.span, _failed))
        painted()
    return {"add_relation_ms": statistics.median(added), "add_span_ms": statistics.median(span_added),
            "add_relation_p95_ms": _p95(added), "add_span_p95_ms": _p95(span_added), "free": free}


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1]


def _floor(window, store, text: str, free: list, edits: int, timed, rng: random.Random) -> float:
    """The same relation written from another connection, a plain QPlainTextEdit of the view's size repainted."""
    from common import plain_widget_like
    from PySide6.QtWidgets import QApplication

    from annotator.model import Relation
    from annotator.store import Store

    plain = plain_widget_like(window.view)
    plain.setPlainText(text)
    QApplication.processEvents()
    other = Store(store.path)
    other.fast_commits()
    floor, written = [], []
    for _ in range(edits):
        claim, end = rng.choice(free)
        relation = Relation("ABOUT", claim.id, end.id)
        floor.append(timed(lambda relation=relation: (written.append(other.add_relation(relation)), plain.viewport().repaint())))
        other.delete_relation(written.pop().id)
    other.close()
    plain.close()
    return statistics.median(floor)


def window_figures(repeat: int = 11, edits: int = 200) -> dict:
    """Open the article without and with relations (alternating, medians); add relations on its first page."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench_gui import synthetic_article, timed

    from annotator.gui.app import application
    from annotator.gui.window import MainWindow

    app = application()
    text, spans = synthetic_article(random.Random(3), 1_000_000, 20_000)
    folder = Path(tempfile.mkdtemp(prefix="bench-relations-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    store = _window_store(folder, text, spans)
    window = MainWindow(store, "bench", remember=False)
    if hasattr(window, "suggester"):  # suggestions have a section of their own: here a span is a span, no more
        window.suggester.options.propagate = False
        window.suggester.set_hidden(True)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    result = {"spans": len(spans), "relations": len(store.relations("linked")), "chars": len(text), "load": os.getloadavg()[0],
              **_opening(window, app, repeat, timed)}
    window.open_article("linked")
    app.processEvents()
    rng = random.Random(5)
    result.update(_adding(window, edits, timed, rng))
    result["write_plain_ms"] = _floor(window, store, text, result.pop("free"), edits, timed, rng)
    result["repaint_ms"] = statistics.median(timed(window.view.viewport().repaint) for _ in range(edits))
    window.close()
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return result


def window_section() -> str:
    r = window_figures()
    ratio = r["open_linked_ms"] / r["open_plain_ms"]
    body = table(
        [("open, without relations", f"{r['open_plain_ms']:.0f} ms", "1.00x"),
         ("open, with relations", f"{r['open_linked_ms']:.0f} ms", f"{ratio:.2f}x (target: 1.5x)"),
         ("a relation written from another connection, a plain QPlainTextEdit repainted (the floor)",
          f"{r['write_plain_ms']:.1f} ms", "1.00x"),
         ("repaint the window's text with its spans and arcs, no edit", f"{r['repaint_ms']:.1f} ms",
          f"{r['repaint_ms'] / r['write_plain_ms']:.2f}x"),
         ("add a span in the window", f"{r['add_span_ms']:.1f} ms (p95 {r['add_span_p95_ms']:.1f})",
          f"{r['add_span_ms'] / r['write_plain_ms']:.2f}x"),
         ("add a relation in the window (target: under 16 ms)",
          f"{r['add_relation_ms']:.1f} ms (p95 {r['add_relation_p95_ms']:.1f})",
          f"{r['add_relation_ms'] / r['write_plain_ms']:.2f}x")],
        ("in the window", "median", "against the baseline"),
    )
    body += (f"\n\nOne article of {r['chars']:,} characters in paragraphs with {r['spans']:,} spans, opened (text, spans, "
             f"relations, relations table, first page drawn) 11 times each way, alternating, without and with its "
             f"{r['relations']:,} relations; medians. Adding a relation is the last key of making one (Enter on the other "
             "end): the database write, the relations table row, the claim selected again and events processed until "
             "the window has painted what the edit changed (the arcs that changed, both tables' rows, the status bar), "
             "200 times on the first page, each deleted again before the next; adding a span is a label key on "
             "a selection, measured the same way (suggestions off: their cost is in their own section). Repainting all "
             f"of the text with its spans and arcs is {r['repaint_ms']:.0f} ms on this machine. Load average "
             f"{r['load']:.1f} on {os.cpu_count()} cores while measured (the machine may have been shared): the ratios "
             "are what to read.")
    write_section("Relations in the window", body)
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the fastest counts")
    parser.add_argument("--part", choices=("all", "jsonl", "window"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "window"):
        print(window_section())
    if args.part == "window":
        return
    load = os.getloadavg()[0]
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
             f"link the relations of a batch). Load average {load:.1f} on {os.cpu_count()} cores when these runs began (the "
             "machine may have been shared): the ratios are what to read.")
    write_section("Relations in the canonical JSONL", body)
    print(body)


if __name__ == "__main__":
    main()
