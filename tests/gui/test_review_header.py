"""The review header's agreement compares each pair of the ticked annotators who labelled the article (issue 16)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.corpus import seed
from annotator.model import Article, Span
from annotator.store import open_store


def test_an_annotator_who_did_not_label_the_article_does_not_drag_the_figures_down(tmp_path, make_window, qtbot):
    store = open_store(tmp_path / "demo.db")
    seed(store)
    [seed_id] = store.article_ids()
    store.add_article(Article("other", "Japan and NATO met."))
    store.add_span("other", Span(0, 5, "ACTOR", "Japan", "annotator-c"))
    window = make_window(store, "rita")
    window.actions["mode:Review"].trigger()
    panel = window.review_panel
    panel.show_article(seed_id)
    for i in range(panel.who.count()):
        panel.who.item(i).setCheckState(Qt.CheckState.Checked)  # compare all three
    assert panel.annotators == ["annotator-a", "annotator-b", "annotator-c"]
    assert "(1 pair of annotators who both labelled it): exact F1 0.81 " in panel.score.text()
    store.set_status(seed_id, "annotator-c", "done")  # annotator-c says: nothing to label here
    panel.show_article(seed_id)
    assert "(3 pairs of annotators who both labelled it): exact F1 0.27 " in panel.score.text()
    for i in range(panel.who.count()):
        if panel.who.item(i).text() != "annotator-c":
            panel.who.item(i).setCheckState(Qt.CheckState.Unchecked)
    panel.who.item(0).setCheckState(Qt.CheckState.Checked)
    store.set_status(seed_id, "annotator-c", "todo")
    panel.show_article(seed_id)
    assert "Fewer than two of the compared annotators labelled it" in panel.score.text()
    window.close()  # before its database: the window looks for other writers once a second until then
    store.close()
