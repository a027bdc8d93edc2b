"""Benchmark of the labelling window against a plain QPlainTextEdit: open, edit, scroll, cold start, memory.

Standalone: .venv/bin/python bench/bench_gui.py   (prints a table, rewrites "## Labelling window" in docs/benchmarks.md)
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, plain_widget_like, ratio_text, run_child, table, write_section  # noqa: E402
from corpus import OUT, make_corpus_db  # noqa: E402

WORDS = ["the", "minister", "said", "that", "Japan", "and", "NATO", "will", "strengthen", "cooperation", "in", "the", "region", "while", "China", "Russia"]
LABELS = ("CLAIM", "ACTOR", "LOCATION")


def synthetic_article(rng: random.Random, size: int = 1_000_000, spans: int = 20_000, paragraphs: bool = True):
    """About `size` characters in paragraphs of ~60 words (or one paragraph), with `spans` spans: words, and claims
    nesting them."""
    parts, starts, position = [], [], 0
    while position < size:
        word = rng.choice(WORDS)
        starts.append((position, position + len(word)))
        end = "\n" if paragraphs and len(starts) % 60 == 0 else " "
        parts.append(word + end)
        position += len(word) + 1
    text = "".join(parts)
    chosen, k = [], 0
    while len(chosen) < spans:
        i = rng.randrange(len(starts) - 12)
        if k % 5 == 0:  # a claim over several words, overlapping the word spans inside it
            chosen.append((starts[i][0], starts[i + rng.randrange(4, 12)][1], "CLAIM"))
        else:
            chosen.append((starts[i][0], starts[i + rng.randrange(0, 2)][1], LABELS[1 + k % 2]))
        k += 1
    return text, chosen


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def in_process(size: int = 1_000_000, spans_count: int = 20_000, paragraphs: bool = True, edits: int = 200,
               opens: int = 5) -> dict:
    """Open, edit and scroll figures, each beside the same operation on a plain QPlainTextEdit."""

    from annotator.gui.app import application
    from annotator.gui.commands import AddSpan, DeleteSpan, push
    from annotator.gui.window import MainWindow
    from annotator.model import Article
    from annotator.store import Store, now, open_store

    app = application()
    rng = random.Random(3)
    text, spans = synthetic_article(rng, size, spans_count, paragraphs)
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    store = open_store(folder / "bench.db")
    store.add_article(Article("small", "A small article to start on."))
    store.add_article(Article("big", text))
    with store.transaction():
        stamp = now()
        store.insert_span_rows([("big", "bench", label, s, e, text[s:e], None, None, stamp) for s, e, label in spans])
    window = MainWindow(store, "bench", remember=False)
    window.resize(1280, 800)
    window.view.set_reading_width(False)  # the same line width as the plain widget's
    window.show()
    app.processEvents()
    view = window.view

    def open_big():
        window.open_article("big")  # text, spans, index, and the visible lines painted
        view.viewport().repaint()

    plain = plain_widget_like(view)

    def open_plain():
        plain.setPlainText(text)
        plain.viewport().repaint()

    times, plain_times = [], []
    for _ in range(opens):  # the median of a few, each from another article (or an empty plain widget)
        window.open_article("small")
        plain.setPlainText("")
        app.processEvents()
        times.append(timed(open_big))
        plain_times.append(timed(open_plain))
    result = {"chars": len(text), "spans": len(spans), "open_ms": statistics.median(times),
              "open_plain_ms": statistics.median(plain_times)}

    # Add and delete spans on the visible page: database write, index, re-highlight of the block, repaint.
    taken = {(s, e) for s, e, label in spans if label == "LOCATION"}  # the store refuses an exact duplicate
    visible = [(m.start(), m.end()) for m in re.finditer(r"\w+", text[:3000]) if (m.start(), m.end()) not in taken]

    def failed(message: str) -> None:  # a write the window would show as "Not saved": the figures would be wrong
        raise RuntimeError(message)

    add, delete = [], []
    for _ in range(edits):
        start, end = rng.choice(visible)
        span = window.session.make_span(start, end, "LOCATION")
        command = AddSpan(window.session, span, failed)

        def do_add(command=command):
            push(window.undo, command)
            view.viewport().repaint()

        add.append(timed(do_add))

        def do_delete(command=command):
            push(window.undo, DeleteSpan(window.session, command.span, failed))
            view.viewport().repaint()

        delete.append(timed(do_delete))

    baseline_write = []
    other = Store(store.path)  # a second connection: the window does not hear of these writes
    other.fast_commits()  # as the window's own connection
    for start, end in rng.sample(visible, min(edits, len(visible))):  # kept: each a word of its own

        def write_only(start=start, end=end):
            other.add_span("big", window.session.make_span(start, end, "LOCATION"))
            plain.viewport().repaint()

        baseline_write.append(timed(write_only))
    result.update(_stats("add", add), **_stats("delete", delete), **_stats("add_plain", baseline_write))

    # Scroll a page at a time and repaint.
    def pages(widget):
        bar = widget.verticalScrollBar()
        bar.setValue(0)
        times = []
        for _ in range(60):
            def step():
                bar.setValue(bar.value() + bar.pageStep())
                widget.viewport().repaint()

            times.append(timed(step))
        return times

    window.session.reload()  # the baseline writes above went behind the window's back
    # Another program adds a span: what the window does when it sees the database changed (read every span's
    # outline, compare, pass on the one difference, repaint).
    follow = []
    for start, end in rng.sample(visible, 10):
        other.add_span("big", window.session.make_span(start, end, "CLAIM"))  # no claim is a single word
        follow.append(timed(lambda: (window.follower.changed("outside", None), view.viewport().repaint())))
    result["follow_ms"] = statistics.median(follow)
    other.close()
    result.update(_stats("scroll", pages(view)), **_stats("scroll_plain", pages(plain)))
    window.close()
    plain.close()
    store.close()
    app.processEvents()
    return result


def _stats(name: str, times: list[float]) -> dict:
    ordered = sorted(times)
    return {f"{name}_median_ms": statistics.median(ordered), f"{name}_p95_ms": ordered[int(len(ordered) * 0.95) - 1]}


HWM = """
# ru_maxrss survives exec on Linux, so a child forked from a big parent reports the parent's peak: use VmHWM.
try:
    RESULT["hwm_mb"] = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
except (OSError, StopIteration):
    pass
"""

PLAIN_WINDOW = """
import sqlite3
from PySide6.QtWidgets import QApplication, QPlainTextEdit
start = time.perf_counter()
app = QApplication([])
text = sqlite3.connect(sys.argv[1]).execute("SELECT text FROM articles ORDER BY rowid LIMIT 1").fetchone()[0]
edit = QPlainTextEdit()
edit.setReadOnly(True)
edit.setPlainText(text)
edit.resize(1280, 800)
edit.show()
app.processEvents()
edit.grab().save(sys.argv[2], "PNG")
RESULT = {"seconds": time.perf_counter() - start}
"""

OUR_WINDOW = """
from annotator.store import open_store
from annotator.gui.app import run
start = time.perf_counter()
RESULT = {"rc": run(open_store(sys.argv[1]), annotator="bench", screenshot=sys.argv[2])}
RESULT["seconds"] = time.perf_counter() - start
"""


def cold_start(db: Path, png: Path) -> float:
    """Seconds from starting `annotator gui` to the window shown (drawn into a PNG) and the process gone."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(png.parent / "config")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator", "gui", "--db", str(db), "--screenshot", str(png)],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    return time.perf_counter() - start


def cold_start_plain(db: Path, png: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    code = "import sys, time, json\n" + PLAIN_WINDOW + "\n"
    subprocess.run([sys.executable, "-c", code, str(db), str(png)], check=True, cwd=ROOT, env=env, capture_output=True)
    return time.perf_counter() - start


CASES = (  # (what, size, spans, paragraphs, edits, opens)
    ("1 MB in paragraphs", 1_000_000, 20_000, True, 200, 5),
    ("1 MB, one paragraph", 1_000_000, 20_000, False, 200, 5),
    ("5 MB, one paragraph", 5_000_000, 100_000, False, 50, 1),
)


def _article_rows(name: str, f: dict) -> list[tuple]:
    return [
        (f"{name}: open ({f['chars']:,} characters, {f['spans']:,} spans) and paint", "< 10x",
         f"{f['open_ms']:.0f} ms", f"{f['open_plain_ms']:.0f} ms", ratio_text(f["open_ms"], f["open_plain_ms"])),
        (f"{name}: add a span: database write, index, repaint (median / p95)", "< 5x",
         f"{f['add_median_ms']:.1f} / {f['add_p95_ms']:.1f} ms",
         f"{f['add_plain_median_ms']:.1f} / {f['add_plain_p95_ms']:.1f} ms", ratio_text(f["add_median_ms"], f["add_plain_median_ms"])),
        (f"{name}: delete a span (median / p95)", "< 5x",
         f"{f['delete_median_ms']:.1f} / {f['delete_p95_ms']:.1f} ms",
         f"{f['add_plain_median_ms']:.1f} / {f['add_plain_p95_ms']:.1f} ms",
         ratio_text(f["delete_median_ms"], f["add_plain_median_ms"])),
        (f"{name}: scroll a page and repaint (median / p95)", "",
         f"{f['scroll_median_ms']:.1f} / {f['scroll_p95_ms']:.1f} ms",
         f"{f['scroll_plain_median_ms']:.1f} / {f['scroll_plain_p95_ms']:.1f} ms",
         ratio_text(f["scroll_median_ms"], f["scroll_plain_median_ms"])),
        (f"{name}: another program adds a span: found and shown (median of 10)", "",
         f"{f['follow_ms']:.0f} ms", f"{f['open_plain_ms']:.0f} ms (open)", ratio_text(f["follow_ms"], f["open_plain_ms"])),
    ]


def main() -> None:
    load = os.getloadavg()[0]
    figures = [(name, in_process(*case)) for name, *case in CASES]
    folder = Path(tempfile.mkdtemp(prefix="bench-gui-start-"))
    seeded = folder / "seeded.db"
    from annotator.corpus import seed
    from annotator.store import open_store

    store = open_store(seeded)
    seed(store)
    store.close()
    cold = min(cold_start(seeded, folder / "a.png") for _ in range(3))
    cold_plain = min(cold_start_plain(seeded, folder / "b.png") for _ in range(3))

    big = OUT / "store-100000.db"
    if not big.exists():
        make_corpus_db(big)
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(folder / "config")}
    ours = run_child(OUR_WINDOW + HWM, str(big), str(folder / "c.png"), env=env)
    plain = run_child(PLAIN_WINDOW + HWM, str(big), str(folder / "d.png"), env=env)
    for child in (ours, plain):
        child["peak_mb"] = child.get("hwm_mb", child["peak_mb"])

    rows = []
    for name, f in figures:
        rows += _article_rows(name, f)
    rows += [
        ("cold start of `annotator gui` to a drawn window, process exit included (best of 3)", "< 1.5 s",
         f"{cold:.2f} s", f"{cold_plain:.2f} s", ratio_text(cold, cold_plain)),
        ("peak memory, window open on the 100,000-article corpus", "< 300 MB",
         f"{ours['peak_mb']:.0f} MB", f"{plain['peak_mb']:.0f} MB", ratio_text(ours["peak_mb"], plain["peak_mb"])),
        ("time to a drawn window on the 100,000-article corpus", "",
         f"{ours['seconds']:.2f} s", f"{plain['seconds']:.2f} s", ratio_text(ours["seconds"], plain["seconds"])),
    ]
    body = table(rows, ("measure", "target", "labelling window", "plain QPlainTextEdit", "ratio"))
    body += (
        "\n\nThe baseline is a read-only `QPlainTextEdit` with no highlighter showing the same text in the same run;"
        " for adding a span it is the same database write followed by a repaint of the plain widget."
        " Spans are painted under the visible lines only (no formats, so no block is laid out again on an edit);"
        " painted blocks keep their shaped text (Qt's layout cache; about 50 MB for 5 MB), which the plain widget does not,"
        " so on one long paragraph its repaint (the add/delete and scroll baseline) re-shapes the whole paragraph."
        " Opening reads each span's (start, end, label, id) from an index"
        " and makes a whole span only when something asks for it (the span table's visible rows, a click)."
        " Open times are the median of 5 opens (1 MB) or one (5 MB); the baseline's likewise."
        " Another program's change is found by comparing every span's outline with the database's"
        " (the window looks once a second) and passed on as that one difference."
        f" Offscreen Qt platform; times include Python. Load average when the run started: {load:.1f} on"
        f" {os.cpu_count()} cores."
    )
    print(body)
    write_section("Labelling window", body)


if __name__ == "__main__":
    main()
