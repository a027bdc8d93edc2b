"""Rough edges a labeller working for hours would hit, driven through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from annotator.gui.notedialog import NoteDialog
from tests.gui.modal import answering
from tests.gui.test_labelling import CTRL, SHIFT, TEXT, add, spans


def test_labelling_by_keyboard_goes_on_from_the_end_of_the_new_span(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | SHIFT)  # the next word, not "Japan" again
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert spans(store) == [(0, 5, "ACTOR", "Japan"), (6, 9, "CLAIM", "and"), (10, 15, "LOCATION", "China")]


def test_a_palette_click_leaves_the_keyboard_in_the_text(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    window.view.select(0, 5)
    qtbot.mouseClick(window.palette.buttons["ACTOR"], Qt.MouseButton.LeftButton)
    assert window.view.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right, CTRL | SHIFT)  # Shift+arrows still select text
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    assert spans(store) == [(0, 5, "ACTOR", "Japan"), (6, 9, "CLAIM", "and")]


def test_the_selected_span_is_drawn_with_readable_text(store, make_window):
    add(store, TEXT)
    window = make_window(store)
    colors = {label.name: QColor(label.color) for label in store.labels()}
    for label, text_color in (("ACTOR", "#000000"), ("LOCATION", "#000000"), ("CLAIM", "#ffffff")):
        window.view.select(0, 5)
        window.editor.label(label)
        [extra] = window.view.extraSelections()
        assert extra.format.background().color() == colors[label]
        assert extra.format.foreground().color().name() == text_color  # not white on orange
        window.undo.undo()


def test_ctrl_enter_saves_a_note_and_enter_starts_a_new_line(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    window.view.select(0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)

    def type_note(dialog):
        edit = dialog.findChild(QPlainTextEdit)
        qtbot.keyClicks(edit, "check")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, "the quote")
        qtbot.keyClick(edit, Qt.Key.Key_Return, CTRL)

    with answering(NoteDialog, type_note) as shown:
        qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert len(shown) == 1
    [span] = store.spans("a000", "tester")
    assert span.note == "check\nthe quote"
    assert window.focusWidget() is window.view


def test_the_article_list_stays_readable_at_800x600_with_a_panel_open(store, make_window, qtbot):
    add(store, TEXT, "Second article\n\nBerlin said so.")
    window = make_window(store)
    window.resize(800, 600)
    window.actions["guidelines"].trigger()
    qtbot.waitUntil(lambda: window.width() <= 800)
    QApplication.processEvents()
    table = window.list_panel.table
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance("Second art")
    assert window.list_panel.search.width() >= window.list_panel.search.fontMetrics().horizontalAdvance("Search articles…")


def test_the_shortcut_list_shows_keys_a_person_can_press(store, make_window):
    add(store, TEXT)
    window = make_window(store)
    text = window.guidelines.toPlainText()
    assert "Ctrl+Z" in text and "F14" not in text and "Undo\nUndo" not in text
    assert window.actions["undo"].shortcut().toString() == "Ctrl+Z"


def test_the_keyboard_starts_in_the_text(store, qtbot):
    from annotator.gui.window import MainWindow

    add(store, TEXT)
    window = MainWindow(store, "tester")
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert window.focusWidget() is window.view
    window.close()
