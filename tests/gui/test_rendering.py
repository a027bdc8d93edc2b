"""What the article view paints: spans where they are on long single lines, right-to-left paragraphs, the reading width."""

from __future__ import annotations

import os
import random
import subprocess
import sys

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QTextCursor

from annotator.gui.highlighter import tint
from annotator.gui.spanindex import Mark, runs
from annotator.model import Span
from tests.gui.test_labelling import CTRL, SHIFT, TEXT, add, spans

CLAIM, ACTOR = QColor("#0072B2"), QColor("#E69F00")


def pixels(view, cp: int) -> tuple[QColor, QColor]:
    """The background (top of the line box) and the underline colour painted under the character at code point `cp`."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_view(cp))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.to_view(cp + 1))
    right = view.cursorRect(cursor)
    x = (left.x() + right.x()) // 2
    block = cursor.block()
    line = block.layout().lineForTextPosition(cursor.positionInBlock() - 1)
    top = view.blockBoundingGeometry(block).translated(view.contentOffset()).top() + line.y()
    metrics = QFontMetricsF(view.document().defaultFont())
    image = view.viewport().grab().toImage()
    return image.pixelColor(x, int(top) + 1), image.pixelColor(x, int(top + metrics.ascent() + metrics.underlinePos()))


def test_nested_spans_are_painted_inner_tint_and_outer_underline(store, make_window):
    add(store, TEXT)
    window = make_window(store)
    window.session.add(window.session.make_span(39, 85, "CLAIM"))
    window.session.add(window.session.make_span(58, 63, "ACTOR"))  # "China" inside the claim
    assert pixels(window.view, 45) == (tint(CLAIM), CLAIM)
    assert pixels(window.view, 60) == (tint(ACTOR), CLAIM)  # the claim's underline runs on through the actor
    assert pixels(window.view, 70) == (tint(CLAIM), CLAIM)
    assert pixels(window.view, 20)[0] == window.view.palette().base().color()


def _reference(marks: list[Mark], length: int) -> list[tuple[str, str] | None]:
    """The old highlighter's rule, character by character: outermost = longest, innermost = shortest."""
    out = []
    for i in range(length):
        covering = sorted((m for m in marks if m.start <= i < m.end), key=lambda m: (m.start - m.end, m.label))
        out.append((covering[0].label, covering[-1].label) if covering else None)
    return out


def test_the_sweep_gives_each_character_the_labels_the_old_rule_gave():
    rng = random.Random(7)
    for _ in range(30):
        length = 400
        marks = []
        for i in range(rng.randrange(1, 60)):
            start = rng.randrange(length)
            marks.append(Mark(start, min(length + 5, start + rng.randrange(1, 80)), rng.choice("ABC"), i))
        lo, hi = sorted(rng.sample(range(length), 2))
        drawn: list[tuple[str, str] | None] = [None] * length
        for run in runs(marks, lo, hi):
            assert lo <= run.start < run.end <= hi
            drawn[run.start:run.end] = [(run.outer, run.inner)] * (run.end - run.start)
        assert drawn[lo:hi] == _reference(marks, length)[lo:hi]


def test_on_a_long_single_line_labelling_and_deleting_lay_nothing_out_again(store, make_window, qtbot):
    words = "Japan and China met in Brussels today and said nothing new at all. " * 3000  # 200,000 characters
    add(store, words)
    store.insert_span_rows([("a000", "tester", "ACTOR", s, s + 5, "Japan", None, None, "2026-01-01T00:00:00")
                            for s in range(68, len(words), 68)])
    window = make_window(store)
    window.open_article("a000")
    view = window.view
    assert view.document().blockCount() == 1 and len(window.session.spans) == len(range(68, len(words), 68))
    assert pixels(view, 69)[0] == tint(ACTOR)
    changes = []
    view.document().contentsChange.connect(lambda *args: changes.append(args))
    view.select(10, 15)
    qtbot.keyClick(view, Qt.Key.Key_2)  # label "China"
    assert (10, 15, "ACTOR", "China") in spans(store)
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # the new span is current: drawn in full colour until let go
    assert pixels(view, 12) == (tint(ACTOR), ACTOR)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(view, 12))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert (10, 15, "ACTOR", "China") not in spans(store)
    assert pixels(view, 12)[0] == view.palette().base().color()
    assert changes == []  # formats were never set on the 200,000-character block: nothing was laid out again


def _point(view, cp: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_view(cp))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def test_spans_in_right_to_left_text_are_painted_under_their_own_letters(store, make_window):
    text = "Talks: الرئيس قال إن الاتفاق قريب today."
    add(store, text)
    window = make_window(store)
    start = text.index("الاتفاق")
    window.session.add(window.session.make_span(start, start + len("الاتفاق"), "ACTOR"))
    for cp in range(start, start + len("الاتفاق")):
        assert pixels(window.view, cp)[1] == ACTOR, cp
    for cp in (text.index("قريب") + 1, text.index("قال") + 1, 2):
        assert pixels(window.view, cp)[1] != ACTOR, cp


def test_a_paragraph_whose_first_strong_character_is_right_to_left_is_aligned_right(store, make_window):
    add(store, "English first.\n«مرحبا بالعالم» then some English.\n123 שלום\n")
    window = make_window(store)
    window.view.set_reading_width(False)
    right_edge = window.view.viewport().width() - window.view.document().documentMargin()
    document = window.view.document()
    window.view.viewport().grab()  # paint once, as the screen does
    lines = [document.findBlockByNumber(n).layout().lineAt(0) for n in range(3)]
    assert lines[0].x() == window.view.document().documentMargin()
    for line in lines[1:]:
        assert abs(line.x() + line.naturalTextWidth() - right_edge) < 2


def test_long_lines_wrap_at_reading_width_in_a_wide_window_and_the_view_menu_turns_it_off(store, make_window, qtbot):
    add(store, "word " * 400)
    window = make_window(store)
    window.resize(2400, 800)
    qtbot.wait(10)
    view = window.view
    column = QFontMetricsF(view.document().defaultFont()).averageCharWidth() * 100
    assert view.viewport().width() < column * 1.2
    first_line = view.document().firstBlock().layout().lineAt(0)
    assert 80 <= first_line.textLength() <= 110
    action = window.actions["reading_width"]
    assert action.isChecked() and action.shortcut().toString() == "Ctrl+Shift+R"
    assert "Ctrl+Shift+R" in action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
    narrow = view.viewport().width()
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)  # zoom in: a hundred bigger characters need a wider column
    assert view.viewport().width() > narrow
    qtbot.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT)
    assert not action.isChecked() and view.viewport().width() > column * 1.5
    window.close()
    again = type(window)(store, "tester")
    qtbot.addWidget(again)
    assert not again.actions["reading_width"].isChecked()  # remembered


def test_a_screenshot_leaves_no_wal_or_shm_file_behind(tmp_path):
    db, png = tmp_path / "seeded.db", tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-m", "annotator", "gui", "--db", str(db), "--screenshot", str(png)],
                   check=True, env=env, capture_output=True)
    assert QImage(str(png)).width() == 1280
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("seeded")) == ["seeded.db"]


def test_spans_store_where_painted_after_scrolling_a_long_line(store, make_window, qtbot):
    words = "Japan and China met in Brussels today and said nothing new at all. " * 3000
    add(store, words)
    window = make_window(store)
    view = window.view
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    position = view.cursorForPosition(QPoint(40, view.viewport().height() // 2)).position()
    start = words.index("Japan", position)
    view.select(start, start + 5)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert (start, start + 5, "ACTOR", "Japan") in spans(store)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert pixels(view, start + 2) == (tint(ACTOR), ACTOR)
    window.session.add(Span(start + 10, start + 15, "CLAIM", "China", "tester"))
    assert pixels(view, start + 12) == (tint(CLAIM), CLAIM)
