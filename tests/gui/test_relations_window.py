"""Relations made elsewhere (an import) survive the window's span edits: delete takes them along, undo brings them back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.model import Article, Relation, Span
from tests.gui.test_labelling import CTRL, SHIFT, point

TEXT = "Nakatani said that China is a threat to Japan."


def claim_by_actor_with_actor_selected(store, make_window, qtbot):
    """A claim, its actor and the CLAIMED_BY between them, in a window where a click selected the actor."""
    store.add_article(Article("a000", TEXT))
    claim = store.add_span("a000", Span(19, 45, "CLAIM", TEXT[19:45], "tester"))
    actor = store.add_span("a000", Span(0, 8, "ACTOR", TEXT[0:8], "tester"))
    relation = store.add_relation(Relation("CLAIMED_BY", claim.id, actor.id))
    window = make_window(store)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point(window.view, 3))
    return claim, actor, relation, window


def test_deleting_a_span_by_key_deletes_its_relation_and_undo_brings_both_back(store, make_window, qtbot):
    claim, actor, relation, window = claim_by_actor_with_actor_selected(store, make_window, qtbot)
    assert window.session.current == actor.id
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert [s.id for s in store.spans("a000")] == [claim.id] and store.relations("a000") == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.span(actor.id) == actor and store.relations("a000") == [relation]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert store.relations("a000") == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.relations("a000") == [relation]


def test_a_label_key_the_relation_does_not_allow_is_refused_on_screen_and_leaves_no_undo(store, make_window, qtbot):
    claim, actor, relation, window = claim_by_actor_with_actor_selected(store, make_window, qtbot)
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # LOCATION: CLAIMED_BY goes to an ACTOR
    message = window.statusBar().currentMessage()
    assert message.startswith("Not saved: Label ACTOR → LOCATION") and "CLAIMED_BY goes to ACTOR, not to LOCATION" in message
    assert store.span(actor.id).label == "ACTOR" and store.relations("a000") == [relation]
    assert window.undo.count() == 0
