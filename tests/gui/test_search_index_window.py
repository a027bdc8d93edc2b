"""The window builds the search index of an import in the background and says how far it is; search then finds all."""

from __future__ import annotations

import sqlite3

from annotator.model import Article


def hold_the_index(store):
    """Another program writing where the indexer writes: the indexer waits for it (on SQLite the write lock, on
    PostgreSQL the queue). Returns the connection; its rollback lets the indexer go on."""
    if store.engine.__name__.endswith("sqlite"):
        writer = sqlite3.connect(store.path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        return writer
    import psycopg

    writer = psycopg.connect(store.url)
    writer.execute("LOCK TABLE search_pending IN EXCLUSIVE MODE")
    return writer


def test_the_window_indexes_a_backlog_in_the_background_and_search_then_finds_it(any_store, make_window, qtbot,
                                                                                 monkeypatch):
    import annotator.gui.searchindexer as searchindexer

    monkeypatch.setattr(searchindexer, "INDEX_LOCK_WAIT", 0.5)  # the indexer gives up on the held lock sooner
    monkeypatch.setattr(searchindexer, "LOOK_MS", 300)  # and looks again sooner
    store = any_store
    with store.transaction():
        store.insert_article_rows([(f"n{i:03d}", f"Story {i}", f"A harbour story {i}", f"{i:064x}", "", "{}", "")
                                   for i in range(300)])
    writer = hold_the_index(store)
    try:
        window = make_window(store)
        panel, progress = window.list_panel, window.search_indexer.label
        assert progress.isVisible() and progress.text() == "Search index: 0% (300 articles to go)"
        qtbot.keyClicks(panel.search, "harbour")
        qtbot.waitUntil(lambda: panel.coverage.isVisible())
        assert panel.coverage.text() == "Search covers 0 of 300 articles so far: the search index is still being built."
        assert panel.model.rows == []
        writer.rollback()
        done = "Search index complete: search finds every article"
        qtbot.waitUntil(lambda: progress.text() == done, timeout=30000)
        assert store.search_backlog() == 0 and store.integrity_ok()
        assert not panel.coverage.isVisible() and len(panel.model.rows) == 300  # the search ran again, over everything
    finally:
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
