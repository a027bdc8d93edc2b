"""Review mode's defaults and views driven by keys: who is compared, asking before M, the gold layer alone;
the shortcut list; plain-text tooltips; unknown labels named from the error's fields."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtWidgets import QMessageBox

from annotator.corpus import seed
from annotator.gui import transfer
from annotator.model import Article, Span
from annotator.store import open_store
from annotator.windowkeys import ACTIONS
from tests.gui.test_review_mode import enter_review, focus_on, key

MARKUP = "<b>x</b><img src=x>"


@pytest.fixture
def demo(tmp_path):
    store = open_store(tmp_path / "demo.db")
    seed(store)
    store.add_article(Article("other", "Carol labelled only this one: Paris."))
    store.add_span("other", Span(30, 35, "LOCATION", "Paris", "carol"))
    yield store
    store.close()


def rendered(markup: str) -> str:
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


def test_only_the_annotators_who_labelled_the_article_are_ticked(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    ticked = {panel.who.item(i).text(): panel.who.item(i).checkState() == Qt.CheckState.Checked
              for i in range(panel.who.count())}
    assert ticked == {"annotator-a": True, "annotator-b": True, "carol": False}
    assert panel.annotators == ["annotator-a", "annotator-b"] and "exact F1 0.81" in panel.score.text()


def test_mark_reviewed_with_pending_disagreements_asks_and_no_keeps_it_open(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    pending = panel.pending()
    assert pending > 1
    key(qtbot, panel, Qt.Key.Key_M)
    box = panel.question
    assert box.isVisible() and box.text().startswith(f"{pending} disagreements still pending in this article")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert demo.review_status(panel.article_id) == "unreviewed" and panel.undo.count() == 0


def test_o_shows_the_gold_layer_alone_naming_its_reviewer(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    every = len(panel.rows)
    focus_on(panel, "Chinese military", "ACTOR")
    key(qtbot, panel, Qt.Key.Key_A)
    key(qtbot, panel, Qt.Key.Key_O)
    assert [(r.text, r.state) for r in panel.rows] == [("Chinese military", "accepted")]
    assert panel.list.item(0).text().endswith("✔ rita")
    assert "(gold, by rita)" in rendered(panel.list.item(0).toolTip())
    key(qtbot, panel, Qt.Key.Key_O)
    assert len(panel.rows) == every


def test_the_review_panel_follows_another_programs_decisions(demo, make_window, qtbot):
    panel = enter_review(make_window(demo, "rita"), qtbot)
    other = open_store(demo.path)
    from annotator import review

    candidate = next(r.candidate for r in panel.rows if r.kind == "agreed")
    review.apply(other, review.plan_accept(other, panel.article_id, candidate, "sam"))
    other.close()
    qtbot.waitUntil(lambda: any(r.state == "accepted" for r in panel.rows), timeout=5000)
    assert any(panel.list.item(i).text().endswith("✔ sam") for i in range(panel.list.count()))


def test_the_shortcut_list_names_every_key_of_every_mode_and_panel(demo, make_window, qtbot):
    window = make_window(demo, "rita")
    qtbot.keyClick(window.view, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    assert window.guidelines_dock.isVisible()
    text = window.guidelines.toPlainText()
    for row in ACTIONS:
        for k in row.keys:
            assert QKeySequence(k).toString() in text, k
    for k in ("Ctrl+1", "Ctrl+2", "F9", "Tab", "Shift+Tab", "Shift+A", "O"):
        assert k in text.split(), k
    assert "Review mode" in text and "Show the gold layer alone" in text


def test_review_tooltips_show_names_and_ids_literally(tmp_path, make_window, qtbot):
    store = open_store(tmp_path / "r.db")
    store.add_article(Article(MARKUP, "Japan met China."))
    store.add_span(MARKUP, Span(0, 5, "ACTOR", "Japan", MARKUP))
    store.add_span(MARKUP, Span(0, 5, "LOCATION", "Japan", "bob"))
    panel = enter_review(make_window(store, "rita"), qtbot)
    assert rendered(panel.articles.item(0).toolTip()) == f"{MARKUP}: unreviewed"
    tips = [rendered(panel.list.item(i).toolTip()) for i in range(panel.list.count())]
    assert any(f"by {MARKUP}" in tip for tip in tips)
    panel.window().close()  # before its database: the window looks for other writers once a second until then
    store.close()


def test_unknown_labels_are_named_whole_and_added_on_yes(store, make_window, qtbot, tmp_path):
    # a label name cannot hold a quote (labelset.label_name_problem), so the name has dots and dashes instead
    store.add_article(Article("a", "Japan"))
    window = make_window(store)
    path = tmp_path / "quotes.jsonl"
    path.write_text(json.dumps({"text": "O'Brien spoke.", "spans": [{"start": 0, "end": 7, "label": "O.Brien-s"}]}) + "\n")
    transfer.run_import(window, [path])
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)), timeout=10000)
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "labels this database does not have: O.Brien-s." in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "O.Brien-s" in {label.name for label in store.labels()}, timeout=10000)


def test_a_review_decision_under_a_held_lock_is_told_and_not_on_the_undo_stack(demo, make_window, qtbot):
    import sqlite3

    window = make_window(demo, "rita")
    panel = enter_review(window, qtbot)
    focus_on(panel, "Chinese military", "ACTOR")
    other = sqlite3.connect(demo.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        key(qtbot, panel, Qt.Key.Key_A)
        assert window.statusBar().currentMessage().startswith("Not saved: Accept ACTOR “Chinese military”")
        assert "is writing to" in window.statusBar().currentMessage()
        assert panel.undo.count() == 0 and panel.focused().state == "pending"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert demo.gold_spans(panel.article_id) == []
    key(qtbot, panel, Qt.Key.Key_A)
    assert [g.text for g in demo.gold_spans(panel.article_id)] == ["Chinese military"]
