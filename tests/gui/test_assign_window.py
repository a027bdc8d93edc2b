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
