"""Making, changing, undoing and deleting relations in the window by keyboard and by mouse, then looking in the database."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from annotator.model import Article, Relation, Span
from annotator.store.migrations import write_relation_types
from tests.gui.test_labelling import CTRL, SHIFT, point

TEXT = "Nakatani said that China is a threat to Japan."


def claim_actors_and_window(store, make_window, qtbot):
    """A claim, the actor who made it and the actor inside it, in a window where a click selected the claim."""
    store.add_article(Article("a000", TEXT))
    claim = store.add_span("a000", Span(19, 45, "CLAIM", TEXT[19:45], "tester"))
    nakatani = store.add_span("a000", Span(0, 8, "ACTOR", TEXT[0:8], "tester"))
    china = store.add_span("a000", Span(19, 24, "ACTOR", TEXT[19:24], "tester"))
    window = make_window(store)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 31))  # "threat"
    assert window.session.current == claim.id
    return claim, nakatani, china, window


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.view, k, modifier)


def links(store) -> list[tuple[str, int, int]]:
    return [(r.type, r.from_id, r.to_id) for r in store.relations("a000", "tester")]


def test_r_then_tab_and_enter_links_the_claim_to_an_actor_nearest_first(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_R)
    assert window.relation_editor.picking.candidates == [china.id, nakatani.id]  # China is inside the claim: nearest
    assert window.session.current == china.id and "CLAIMED_BY with ACTOR “China”" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.session.current == nakatani.id
    key(qtbot, window, Qt.Key.Key_Backtab, SHIFT)
    assert window.session.current == china.id
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Return)
    assert links(store) == [("CLAIMED_BY", claim.id, nakatani.id)]
    assert window.relation_editor.picking is None and window.undo.count() == 1 and window.relation_model.rowCount() == 1
    [made] = store.relations("a000")
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert links(store) == [] and window.relation_model.rowCount() == 0 and window.relation_layer.ends.pairs == []
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert store.relations("a000") == [made]  # the same relation, under the same id


def test_shift_r_changes_the_type_and_shift_delete_deletes_each_undoably(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_R)
    key(qtbot, window, Qt.Key.Key_Return)  # the nearest: China
    key(qtbot, window, Qt.Key.Key_R, SHIFT)
    assert links(store) == [("ABOUT", claim.id, china.id)]
    assert window.relation_model.data(window.relation_model.index(0, 0)) == "ABOUT"
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert links(store) == [("CLAIMED_BY", claim.id, china.id)]
    key(qtbot, window, Qt.Key.Key_Delete, SHIFT)
    assert links(store) == [] and window.relation_model.rowCount() == 0
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert links(store) == [("CLAIMED_BY", claim.id, china.id)]
    assert [c.text() for c in (window.undo.command(i) for i in range(window.undo.count()))] == [
        "Link CLAIMED_BY “China is a threat t…” → “China”", "Delete CLAIMED_BY “China is a threat t…” → “China”"]  # the type change was undone


def test_a_type_key_then_a_click_on_the_other_span_links_them(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_C)  # CLAIMED_BY's own key
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 3))
    assert links(store) == [("CLAIMED_BY", claim.id, nakatani.id)] and window.undo.count() == 1
    assert window.session.current == claim.id


def test_from_an_actor_the_relation_goes_from_the_claim_it_is_picked_from(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 3))
    key(qtbot, window, Qt.Key.Key_T)  # ABOUT goes from a CLAIM to an ACTOR: the actor is its to end
    key(qtbot, window, Qt.Key.Key_Return)
    assert links(store) == [("ABOUT", claim.id, nakatani.id)]


def test_esc_or_a_click_on_a_span_the_type_does_not_allow_makes_nothing(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_C)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 31))  # the claim itself
    assert "cannot be this relation's other end" in window.statusBar().currentMessage()
    key(qtbot, window, Qt.Key.Key_Escape)
    assert links(store) == [] and window.undo.count() == 0 and window.relation_editor.picking is None
    assert window.session.current == claim.id
    key(qtbot, window, Qt.Key.Key_Tab)  # Tab is the span editor's again
    assert window.relation_editor.picking is None and window.session.current != claim.id


def test_the_relations_table_selects_both_ends_and_deletes_with_the_delete_key(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    relation = store.add_relation(Relation("CLAIMED_BY", claim.id, nakatani.id))
    store.add_relation(Relation("ABOUT", claim.id, china.id))
    qtbot.waitUntil(lambda: window.relation_model.rowCount() == 2)  # made by another program: the window follows
    table = window.relation_table
    row = window.relation_model.row_of(relation.id)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(window.relation_model.index(row, 1)).center())
    assert window.relation_editor.current_relation == relation.id and window.session.current == claim.id
    painter = window.relation_painter
    frame = painter._layout()
    drawn = {(item.type, item.strong) for item, _ in painter._plan(frame)}
    assert {claim.id, nakatani.id} <= set(frame.rects) and ("CLAIMED_BY", True) in drawn and ("ABOUT", True) in drawn
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert links(store) == [("ABOUT", claim.id, china.id)] and store.spans("a000", "tester")  # the spans stay
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert store.relations("a000")[0] == relation


def test_deleting_a_span_takes_its_relations_out_of_the_table_and_undo_puts_them_back(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_R)
    key(qtbot, window, Qt.Key.Key_Return)
    key(qtbot, window, Qt.Key.Key_Delete)  # the claim
    assert store.relations("a000") == [] and window.relation_model.rowCount() == 0
    key(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert links(store) == [("CLAIMED_BY", claim.id, china.id)] and window.relation_model.rowCount() == 1


def test_a_relation_under_another_programs_write_lock_says_so_and_leaves_no_undo(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_R)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        key(qtbot, window, Qt.Key.Key_Return)
        message = window.statusBar().currentMessage()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert message.startswith("Not saved: Link CLAIMED_BY “China is a threat t…” → “China”") and "writing to" in message
    assert links(store) == [] and window.undo.count() == 0 and window.relation_model.rowCount() == 0


def test_a_stored_relation_key_the_window_owns_is_left_unbound_and_said(store, make_window, qtbot):
    store.add_article(Article("a000", TEXT))
    with store.transaction():
        kinds = store.relation_types()
        write_relation_types(store.conn, [kinds[0].__class__(**{**kinds[0].__dict__, "key": "N"}), *kinds[1:]])
    window = make_window(store)
    assert "Relation keys left unbound: CLAIMED_BY: key 'N' of relation type CLAIMED_BY is the window's key for 'Note…'" \
        in window.statusBar().currentMessage()
    assert window.actions["relation:CLAIMED_BY"].shortcut().isEmpty()
    assert window.actions["relation:ABOUT"].shortcut().toString() == "T"


def test_a_plain_key_while_picking_only_ends_the_picking(store, make_window, qtbot):
    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    key(qtbot, window, Qt.Key.Key_R)
    key(qtbot, window, Qt.Key.Key_Delete)  # not the claim, nor the candidate: nothing is deleted
    assert window.relation_editor.picking is None and len(store.spans("a000")) == 3 and window.undo.count() == 0
    assert window.session.current == claim.id and window.statusBar().currentMessage() == "No relation made."


def test_another_programs_relation_shows_up_in_the_table_and_the_arcs(store, make_window, qtbot):
    from annotator.store import Store

    claim, nakatani, china, window = claim_actors_and_window(store, make_window, qtbot)
    other = Store(store.path)  # another program: the window hears of it through the database only
    try:
        made = other.add_relation(Relation("CLAIMED_BY", claim.id, nakatani.id, "tester"))
        qtbot.waitUntil(lambda: window.relation_model.rowCount() == 1, timeout=5000)
        assert window.relation_layer.of_span(claim.id)[0].id == made.id
        other.delete_relation(made.id)
        qtbot.waitUntil(lambda: window.relation_model.rowCount() == 0, timeout=5000)
    finally:
        other.close()
