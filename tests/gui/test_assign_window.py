"""The window's "next article" follows the annotator's assignments when there are any."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.model import Article

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_ctrl_enter_walks_the_assigned_articles_in_planned_order_then_says_so(store, make_window, qtbot):
    for i in range(6):
        store.add_article(Article(f"a{i:03d}", f"Article number {i} about Paris."))
    store.assign([("a004", "tester"), ("a001", "tester"), ("a003", "someone-else"), ("a005", "tester")])
    store.set_status("a001", "tester", "done")
    window = make_window(store)
    assert window.session.article_id == "a004"  # the first assigned article not done, not the list's first
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert store.status("a004", "tester") == "done" and window.session.article_id == "a005"
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL | SHIFT)
    assert store.status("a005", "tester") == "skipped"
    assert window.session.article_id == "a005"  # nothing assigned is left: it stays, and says why
    assert window.statusBar().currentMessage() == "Every article assigned to you is done or skipped."


def test_without_assignments_next_not_done_is_the_next_in_the_corpus(store, make_window, qtbot):
    for i in range(3):
        store.add_article(Article(f"a{i:03d}", f"Article number {i} about Rome."))
    store.assign([("a002", "someone-else")])
    window = make_window(store)
    assert window.session.article_id == "a000"
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL | SHIFT)
    assert window.session.article_id == "a001"


def test_the_list_filters_to_my_assignments_and_the_progress_bar_counts_them(store, make_window, qtbot):
    for i in range(5):
        store.add_article(Article(f"a{i:03d}", f"Article number {i} about Oslo."))
    store.assign([("a003", "tester"), ("a001", "tester"), ("a002", "someone-else")])
    store.set_status("a003", "tester", "done")
    window = make_window(store)
    assert window.list_panel.progress.text() == "1 / 2 assigned done"
    combo = window.list_panel.status
    combo.setCurrentIndex(combo.findData("assigned"))
    qtbot.waitUntil(lambda: [row.id for row in window.list_panel.model.rows] == ["a001", "a003"])
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert store.status("a001", "tester") == "done"
    qtbot.waitUntil(lambda: window.list_panel.progress.text() == "2 / 2 assigned done")


def test_without_assignments_there_is_no_assigned_filter(store, make_window):
    store.add_article(Article("a000", "Article about Lima."))
    window = make_window(store)
    assert window.list_panel.status.findData("assigned") == -1
    assert window.list_panel.progress.text() == "0 / 1 done"
