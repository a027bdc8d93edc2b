"""Undo and redo touch only the rows they made, while other processes write to the same database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.corpus import seed
from annotator.model import Article, GoldSpan, Span
from annotator.store import Store, open_store

from .test_review_mode import enter_review, focus_on, key

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
TEXT = "Japan and China met in Brussels today."


def test_undo_and_redo_of_a_delete_leave_another_annotators_span_alone(store, make_window, qtbot):
    store.add_article(Article("a000", TEXT))
    window = make_window(store)
    window.view.select(23, 31)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    [mine] = store.spans("a000")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert store.spans("a000") == []
    other = Store(store.path)  # another process's import takes the next id: never the one just freed
    theirs = other.add_span("a000", Span(0, 5, "ACTOR", "Japan", "bob"))
    other.close()
    assert theirs.id != mine.id
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.spans("a000", "tester") == [mine] and store.spans("a000", "bob") == [theirs]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert store.spans("a000", "tester") == [] and store.spans("a000", "bob") == [theirs]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert sorted(s.id for s in store.spans("a000")) == sorted([mine.id, theirs.id])


def test_undoing_take_back_from_gold_never_replaces_another_reviewers_gold_span(tmp_path, make_window, qtbot):
    demo = open_store(tmp_path / "demo.db")
    seed(demo)
    panel = enter_review(make_window(demo, "rita"), qtbot)
    aid = panel.article_id
    focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_A)
    [accepted] = demo.gold_spans(aid)
    focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_U)
    assert demo.gold_spans(aid) == []
    other = Store(demo.path)  # another reviewer, in another process, accepts the same span meanwhile
    sams = other.add_gold_span(aid, GoldSpan(accepted.start, accepted.end, accepted.label, accepted.text, "sam"))
    other.close()
    key(qtbot, panel, Qt.Key.Key_Z, CTRL)
    assert demo.gold_spans(aid) == [sams]
    key(qtbot, panel, Qt.Key.Key_Z, CTRL | SHIFT)
    assert demo.gold_spans(aid) == [sams]
    panel.window().close()  # before its database: the window looks for other writers once a second until then
    demo.close()
