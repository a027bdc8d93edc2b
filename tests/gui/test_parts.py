"""The parts around the view: the lazy article list, store signals, worker threads, hooks, the screenshot."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from annotator.exporting import ExportOptions
from annotator.gui import transfer
from annotator.gui.articlelist import ArticleListModel
from annotator.gui.storeevents import StoreEvents
from annotator.model import Article, Span
from annotator.store import now


def bulk_articles(store, n: int) -> None:
    with store.transaction():
        store.insert_article_rows(
            [(f"x{i:06d}", f"Title {i}", f"Text number {i}.", f"sha{i}", "", "{}", now()) for i in range(n)]
        )


def test_the_article_list_fetches_pages_as_it_scrolls(store, qtmodeltester):
    bulk_articles(store, 1234)
    model = ArticleListModel(store, "tester")
    model.fetchMore()
    assert model.rowCount() == ArticleListModel.PAGE and model.canFetchMore()
    assert model.row_of("x001200") == 1200  # fetched up to it
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 1234
    qtmodeltester.check(model)


def test_the_article_list_filters_by_search_and_status(store):
    store.add_article(Article("a", "Japan and NATO"))
    store.add_article(Article("b", "Brussels summit"))
    store.set_status("b", "tester", "done")
    store.index_for_search(10)
    model = ArticleListModel(store, "tester")
    model.reload(search="nato")
    assert [r.id for r in model.rows] == ["a"]
    model.reload(search="", status="done")
    assert [r.id for r in model.rows] == ["b"]


def test_store_writes_emit_changed(store, qtbot):
    store.add_article(Article("a", "Japan"))
    events = StoreEvents(store)
    with qtbot.waitSignal(events.changed) as blocker:
        store.add_span("a", Span(0, 5, "ACTOR", "Japan", "tester"))
    assert blocker.args == ["spans", "a"]


def test_someone_elses_write_shows_in_the_open_window(store, make_window):
    store.add_article(Article("a", "Japan and China"))
    window = make_window(store)
    store.add_span("a", Span(10, 15, "ACTOR", "China", "tester"))  # e.g. the review mode, or a script
    assert [s.text for s in window.session.spans.values()] == ["China"]
    assert window.list_panel.model.rows[0].spans == 1
    assert window.list_panel.model.rows[0].status == "in_progress"


def test_import_runs_in_a_thread_and_fills_the_list(store, make_window, qtbot, tmp_path):
    store.add_article(Article("a", "Already here."))
    window = make_window(store)
    files = []
    for i in range(3):
        path = tmp_path / f"new{i}.txt"
        path.write_text(f"Imported article {i}.\r\nSecond line.", encoding="utf-8")
        files.append(path)
    task = transfer.run_import(window, files)
    assert task.thread.isRunning() or task.thread.isFinished()
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 4, timeout=10000)
    assert store.article_count() == 4


def test_a_failed_import_reports_and_changes_nothing(store, make_window, qtbot, tmp_path):
    store.add_article(Article("a", "Already here."))
    window = make_window(store)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{not json}\n', encoding="utf-8")
    transfer.run_import(window, [bad])
    qtbot.waitUntil(lambda: _message_box(window) is not None, timeout=10000)
    assert store.article_count() == 1
    _message_box(window).close()


def _message_box(window):
    from PySide6.QtWidgets import QMessageBox

    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    return boxes[0] if boxes else None


def test_export_runs_in_a_thread(store, make_window, qtbot, tmp_path, monkeypatch):
    from annotator import exporting

    for article_id in ("a", "b"):
        store.add_article(Article(article_id, f"Japan and China ({article_id})"))
        store.add_span(article_id, Span(0, 5, "ACTOR", "Japan", "tester"))
    window = make_window(store)
    out = tmp_path / "out.jsonl"
    transfer.run_export(window, ExportOptions("jsonl", out, annotator="tester"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported"), timeout=10000)
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert record["spans"][0]["text"] == "Japan"
    assert window.statusBar().currentMessage() == f"Exported 2 articles, 2 spans to {out} (jsonl)"
    assert _message_box(window) is None
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)  # worker processes, started from the worker thread
    window.statusBar().clearMessage()
    transfer.run_export(window, ExportOptions("brat", tmp_path / "brat"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported"), timeout=10000)
    assert sorted(p.name for p in (tmp_path / "brat").glob("*.ann")) == ["a.ann", "b.ann"]


def test_the_export_dialog_offers_every_format(store, qtbot):
    from annotator.exporting import FORMATS
    from annotator.gui.exportdialog import ExportDialog

    store.add_article(Article("a", "Japan"))
    dialog = ExportDialog(store, "tester")
    qtbot.addWidget(dialog)
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == list(FORMATS)
    dialog.format.setCurrentIndex(list(FORMATS).index("conll"))
    options = dialog.options()
    assert options.format == "conll" and options.out.suffix == ".conll" and options.annotator == "tester"
    assert not dialog.shard_size.isEnabled() and options.shard_size == 0
    dialog.format.setCurrentIndex(list(FORMATS).index("spacy"))
    assert dialog.shard_size.isEnabled()
    dialog.shard_size.setValue(5000)
    assert dialog.options().shard_size == 5000


def test_other_modes_and_panels_plug_in(store, make_window, qtbot):
    store.add_article(Article("a", "Japan"))
    window = make_window(store)
    page = QLabel("review goes here")
    action = window.add_mode("Testing mode", page, "Ctrl+9")
    action.trigger()
    assert window.modes.currentWidget() is page
    window.actions["mode:Labelling"].trigger()
    assert window.modes.currentWidget() is window.main_splitter
    dock = window.add_panel("Testing panel", QLabel("numbers"))
    assert dock.toggleViewAction() in window.menus["view"].actions()


def test_guidelines_list_labels_and_shortcuts_in_one_key(store, make_window, qtbot):
    store.add_article(Article("a", "Japan"))
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    assert window.guidelines_dock.isVisible()
    text = window.guidelines.toPlainText()
    assert "CLAIM" in text and "A person, organisation or state" in text and "Ctrl+Z" in text


def test_screenshot_writes_a_png_of_the_seed_article(tmp_path):
    from annotator.corpus import seed
    from annotator.gui.app import run
    from annotator.store import open_store

    store = open_store(tmp_path / "seeded.db")
    seed(store)
    out = tmp_path / "shot.png"
    assert run(store, screenshot=out) == 0
    image = QImage(str(out))
    assert image.width() == 1280 and image.height() == 800


def test_an_export_that_leaves_spans_out_says_so_in_a_box(store, make_window, qtbot, tmp_path):
    store.add_article(Article("a", "Japan and China"))
    store.add_span("a", Span(0, 5, "ACTOR", "Japan", "tester"))
    store.add_span("a", Span(0, 15, "CLAIM", "Japan and China", "tester"))
    window = make_window(store)
    transfer.run_export(window, ExportOptions("conll", tmp_path / "ner.conll"))
    qtbot.waitUntil(lambda: _message_box(window) is not None, timeout=10000)
    text = _message_box(window).text()
    assert text.startswith("Exported 1 article, 1 span, 3 tokens") and "1 span left out: 1 overlap" in text
