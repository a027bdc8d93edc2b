"""Relation edits repaint only what they changed (the arcs, the tables' rows), and what is on screen afterwards is
what a repaint of the whole window draws: no arc left behind, none missing."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QWidget

from annotator.gui.relationpainter import Arc
from annotator.model import Article, Relation, Span
from tests.gui.test_labelling import CTRL, point

PARAGRAPH = "Nakatani said that Japan needs to advance security cooperation with NATO in the region. "
TEXT = "\n".join(PARAGRAPH * 3 for _ in range(6))


def on_screen(window):
    """The text and the tables as last painted (the backing store), not painted afresh; not the relations table's
    rows, which Qt leaves one row stale after a row is removed (before this painting too)."""
    parts = (window.view.viewport(), window.span_table.viewport(), window.span_table.horizontalHeader(),
             window.relation_table.horizontalHeader())
    grabbed = []
    for part in parts:
        top_left = part.mapTo(window, QPoint(0, 0))
        grabbed.append(window.screen().grabWindow(window.winId(), top_left.x(), top_left.y(), part.width(),
                                                  part.height()).toImage())
    return grabbed


def painted_as_a_whole(window, qapp) -> bool:
    """After the events an edit left: is every part up to date? (Repainted whole, it must look the same.)"""
    qapp.processEvents()
    shown = on_screen(window)
    for widget in window.findChildren(QWidget):  # the window's own repaint() leaves its children's pixels as they are
        if widget.isVisible():
            widget.repaint()
    return shown == on_screen(window)


def claims_and_actors(store, make_window, qtbot):
    """Claims and actors in several paragraphs, some linked already, in a window where a click selected a claim."""
    store.add_article(Article("a000", TEXT))
    spans = []
    for k in range(0, 6, 2):
        base = k * (3 * len(PARAGRAPH) + 1)
        claim = store.add_span("a000", Span(base + 14, base + 86, "CLAIM", TEXT[base + 14:base + 86], "tester"))
        actor = store.add_span("a000", Span(base, base + 8, "ACTOR", TEXT[base:base + 8], "tester"))
        nato = store.add_span("a000", Span(base + 69, base + 73, "ACTOR", TEXT[base + 69:base + 73], "tester"))
        spans.append((claim, actor, nato))
    store.add_relation(Relation("CLAIMED_BY", spans[1][0].id, spans[1][1].id))
    store.add_relation(Relation("CLAIMED_BY", spans[2][0].id, spans[2][1].id))
    window = make_window(store)
    window.resize(900, 700)
    window.view.setCursorWidth(0)  # no blinking caret between two looks at the screen
    qtbot.waitExposed(window)
    claim = spans[0][0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, claim.start + 30))
    assert window.session.current == claim.id
    return spans, window


def test_making_a_relation_repaints_its_arcs_only_and_leaves_the_window_as_a_whole_repaint_draws_it(
        store, make_window, qtbot, qapp):
    spans, window = claims_and_actors(store, make_window, qtbot)
    claim, actor, nato = spans[0]
    assert painted_as_a_whole(window, qapp)
    for step in (Qt.Key.Key_R, Qt.Key.Key_Tab, Qt.Key.Key_Tab):  # the picking arc drawn, moved, moved back
        qtbot.keyClick(window.view, step)
        assert painted_as_a_whole(window, qapp), step
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    qapp.processEvents()
    viewport = window.view.viewport()
    assert not QRegion(viewport.rect()).subtracted(window.view.paint_region).isEmpty()  # what changed, not all the text
    made = [(r.type, r.from_id, r.to_id) for r in store.relations("a000", "tester")]
    assert ("CLAIMED_BY", claim.id, window.relation_layer.relations[window.relation_editor.current_relation].to_id) in made
    drawn = [arc for arc in window.relation_painter._shown if isinstance(arc, Arc)]
    assert [a.type for a in drawn if a.strong] == ["CLAIMED_BY"] and len(drawn) == 3
    assert painted_as_a_whole(window, qapp)


def test_changing_deleting_and_undoing_a_relation_leave_no_arc_behind(store, make_window, qtbot, qapp):
    spans, window = claims_and_actors(store, make_window, qtbot)
    linked_claim, linked_actor, _ = spans[1]
    view, table = window.view, window.relation_table
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, linked_claim.start + 30))
    assert window.session.current == linked_claim.id and painted_as_a_whole(window, qapp)  # its arc turns bold
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)  # another type: the same span stays current
    assert [r.type for r in store.relations("a000", "tester")] == ["ABOUT", "CLAIMED_BY"]
    assert painted_as_a_whole(window, qapp)
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)  # the chosen relation
    assert len(store.relations("a000", "tester")) == 1
    assert painted_as_a_whole(window, qapp)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert len(store.relations("a000", "tester")) == 2 and painted_as_a_whole(window, qapp)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # the claim, and its relation with it
    assert len(store.relations("a000", "tester")) == 1 and painted_as_a_whole(window, qapp)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # both back
    assert len(store.relations("a000", "tester")) == 2 and painted_as_a_whole(window, qapp)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # scrolled: Qt moves the old pixels
    assert painted_as_a_whole(window, qapp)
    table.selectRow(0)  # the first relation chosen from the table
    assert painted_as_a_whole(window, qapp)
