"""Benchmark of words in a 1 MB Japanese article: opening, double-click and Ctrl+Shift+Right, tokens, search index.

Standalone: .venv/bin/python bench/bench_words.py   (prints a table, rewrites "## Words in unspaced scripts" in
docs/benchmarks.md)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import plain_widget_like, ratio_text, table, write_section  # noqa: E402

VOCABULARY = ["東京", "都", "に", "住んで", "いる", "田中", "さん", "は", "昨日", "新しい", "本", "を", "買い", "ました",
              "政府", "来年度", "の", "予算案", "閣議", "決定", "し", "国会", "提出", "する", "方針", "だ", "大阪",
              "も", "行き", "北京", "首都", "人民", "共和国", "経済", "会議", "で", "が", "発表"]
SENTENCES = ["東京都に住んでいる田中さんは昨日新しい本を買いました。", "北京是中华人民共和国的首都。",
             "政府は来年度の予算案を閣議決定し、国会に提出する方針だ。", "大阪にも行きました。"]


def japanese(size: int = 1_000_000) -> str:
    """About `size` characters of sentences of 8-20 words drawn at random (every run differs), ten a paragraph."""
    rng = random.Random(1)
    parts, length = [], 0
    while length < size:
        sentence = "".join(rng.choice(VOCABULARY) for _ in range(rng.randrange(8, 20))) + "。"
        sentence += "\n" if len(parts) % 10 == 9 else ""
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def median_ms(action, times: int) -> float:
    return statistics.median(timed(action) for _ in range(times))


def window_figures(text: str) -> dict:
    """Open, double-click and Ctrl+Shift+Right in the window, each beside a plain QPlainTextEdit (Qt's own words)."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier  # noqa: N806

    from annotator.gui.app import application
    from annotator.gui.window import MainWindow
    from annotator.model import Article
    from annotator.store import open_store

    app = application()
    folder = Path(tempfile.mkdtemp(prefix="bench-words-"))
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    store = open_store(folder / "bench.db")
    store.add_article(Article("small", "A small article to start on."))
    store.add_article(Article("big", text))
    window = MainWindow(store, "bench", remember=False)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    view = window.view
    plain = plain_widget_like(view)
    app.processEvents()
    out = {"open": timed(lambda: (window.open_article("big"), view.viewport().repaint())),
           "open_plain": timed(lambda: (plain.setPlainText(text), plain.viewport().repaint()))}
    for name, widget in (("", view), ("_plain", plain)):
        cursor = QTextCursor(widget.document())
        cursor.setPosition(500)
        rect = widget.cursorRect(cursor)
        where = QPoint(rect.x() + 2, rect.center().y())
        out["dclick" + name] = median_ms(lambda w=widget, p=where: (
            QTest.mouseDClick(w.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p),
            w.viewport().repaint()), 50)
        widget.setFocus()
        widget.setTextCursor(cursor)
        out["step" + name] = median_ms(lambda w=widget: (
            QTest.keyClick(w, Qt.Key.Key_Right, SHIFT_CTRL), w.viewport().repaint()), 100)
    window.close()
    plain.close()
    store.close()
    return out


def core_figures(text: str) -> dict:
    from annotator import words
    from annotator.tokens import tokenize

    words.segment.cache_clear()
    out = {"tokenize": timed(lambda: tokenize(text)), "tokens": len(tokenize(text))}
    words.segment.cache_clear()
    breaker = words._word_breaker
    words._word_breaker = lambda: None  # the one-character fallback, as without icu4py
    out["tokenize_fallback"] = timed(lambda: tokenize(text))
    words._word_breaker = breaker
    words.segment.cache_clear()
    out["index"] = timed(lambda: words.index_text(text))
    flat = (SENTENCES[0][:-1] * 40_000)[:1_000_000]  # one run of a million characters

    def around_the_middle():
        words.segment.cache_clear()
        words.words(flat, len(flat) // 2, len(flat) // 2 + 10)

    out["word_at_flat"] = median_ms(around_the_middle, 20)
    return out


def main() -> None:
    load = os.getloadavg()[0]
    text = japanese()
    f = {**window_figures(text), **core_figures(text)}
    rows = [
        (f"open a 1 MB Japanese article ({len(text):,} characters) and paint", f"{f['open']:.0f} ms",
         f"{f['open_plain']:.0f} ms", ratio_text(f["open"], f["open_plain"])),
        ("double-click a word and repaint (median of 50)", f"{f['dclick']:.1f} ms", f"{f['dclick_plain']:.1f} ms",
         ratio_text(f["dclick"], f["dclick_plain"])),
        ("`Ctrl+Shift+Right` and repaint (median of 100)", f"{f['step']:.1f} ms", f"{f['step_plain']:.1f} ms",
         ratio_text(f["step"], f["step_plain"])),
        (f"tokenize the article for token formats ({f['tokens']:,} tokens), ICU against one character each",
         f"{f['tokenize']:.0f} ms", f"{f['tokenize_fallback']:.0f} ms", ratio_text(f["tokenize"], f["tokenize_fallback"])),
        ("search-index text of the article (`words.index_text`)", f"{f['index']:.0f} ms", "", ""),
        ("words around a point of 1 MB with no space or punctuation at all (median of 20)",
         f"{f['word_at_flat']:.1f} ms", "", ""),
    ]
    body = table(rows, ("measure", "ours", "baseline", "ratio"))
    body += (
        "\n\nThe window's baseline is a read-only `QPlainTextEdit` on the same text in the same run, whose own"
        " double-click and `Ctrl+Shift+Right` take the whole run of ideographs. Words are found only around the"
        " caret (at most 2,000 characters of a run each side), never on opening. Offscreen Qt; times include Python."
        f" Load average when the run started: {load:.1f} on {os.cpu_count()} cores."
    )
    print(body)
    write_section("Words in unspaced scripts", body)


if __name__ == "__main__":
    main()
