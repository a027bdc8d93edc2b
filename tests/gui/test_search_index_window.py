"""The window builds the search index of an import in the background and says how far it is; search then finds all."""

from __future__ import annotations

import sqlite3

from annotator.model import Article


def test_the_window_indexes_a_backlog_in_the_background_and_search_then_finds_it(store, make_window, qtbot):
    with store.transaction():
        store.insert_article_rows([(f"n{i:03d}", f"Story {i}", f"A harbour story {i}", f"{i:064x}", "", "{}", "")
                                   for i in range(300)])
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another program writing: the indexer waits for it
    window = make_window(store)
    panel, progress = window.list_panel, window.search_indexer.label
    assert progress.isVisible() and progress.text() == "Search index: 0% (300 articles to go)"
    qtbot.keyClicks(panel.search, "harbour")
    qtbot.waitUntil(lambda: panel.coverage.isVisible())
    assert panel.coverage.text() == "Search covers 0 of 300 articles so far: the search index is still being built."
    assert panel.model.rows == []
    writer.execute("ROLLBACK")
    qtbot.waitUntil(lambda: not progress.isVisible(), timeout=20000)
    assert store.search_backlog() == 0 and store.integrity_ok()
    assert not panel.coverage.isVisible() and len(panel.model.rows) == 300  # the search ran again, over everything
    assert window.statusBar().currentMessage() == "Search index complete: search finds every article."
    writer.close()


def test_indexing_that_fails_says_so_once(store, make_window, qtbot, monkeypatch):
    import annotator.gui.searchindexer as searchindexer
    from annotator.store import StoreError

    def refused(*args, **kwargs):
        raise StoreError(f"{store.path}: not allowed (permission denied for table article_search); nothing was changed")

    monkeypatch.setattr(searchindexer, "index_backlog", refused)
    store.add_article(Article("a", "A harbour"))
    window = make_window(store)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Search index not built: "))
    assert "permission denied" in window.statusBar().currentMessage()
    assert not window.search_indexer.timer.isActive() and store.search_backlog() == 1  # not tried again every look
