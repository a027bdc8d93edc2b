"""Relation candidates in review mode: accepted into and rejected from the gold layer by keys, undoably."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator import relation_review as rr
from annotator.model import Article
from tests.test_relation_candidates import CLAIM, NAKATANI, TEXT, make

CTRL = Qt.KeyboardModifier.ControlModifier


def review_relations(store, make_window, qtbot):
    store.add_article(Article("a1", TEXT))
    make(store, "alice", [("CLAIMED_BY", CLAIM, NAKATANI)])
    make(store, "bob", [])
    window = make_window(store, "rita")
    window.actions["mode:Review"].trigger()
    panel = window.review_panel
    panel.relation_list.setFocus()
    qtbot.waitUntil(panel.relation_list.hasFocus)
    panel.relation_list.setCurrentRow(0)
    return window, panel


def test_a_relation_candidate_accepted_by_key_is_gold_with_its_ends_and_undo_takes_it_back(store, make_window, qtbot):
    window, panel = review_relations(store, make_window, qtbot)
    assert panel.relation_list.count() == 1 and "not by all [a]  CLAIMED_BY" in panel.relation_list.item(0).text()
    qtbot.keyClick(panel.relation_list, Qt.Key.Key_A)
    assert list(rr.gold_relation_keys(store, "a1")) == [("CLAIMED_BY", CLAIM, NAKATANI)]
    assert {g.key for g in store.gold_spans("a1")} == {CLAIM, NAKATANI}
    assert panel.relation_list.item(0).text().startswith("✔")
    qtbot.keyClick(panel.relation_list, Qt.Key.Key_Z, CTRL)
    assert store.gold_relations("a1") == [] and store.gold_spans("a1") == []
    assert panel.relation_list.item(0).text().startswith("·")


def test_a_relation_candidate_rejected_by_key_is_stored_as_rejected_and_undo_takes_it_back(store, make_window, qtbot):
    window, panel = review_relations(store, make_window, qtbot)
    qtbot.keyClick(panel.relation_list, Qt.Key.Key_R)
    assert store.relation_rejections("a1") == {("CLAIMED_BY", CLAIM, NAKATANI)} and store.gold_relations("a1") == []
    assert panel.relation_list.item(0).text().startswith("✘") and panel.undo.count() == 1
    qtbot.keyClick(panel.relation_list, Qt.Key.Key_Z, CTRL)
    assert store.relation_rejections("a1") == set()
