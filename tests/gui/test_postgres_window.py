"""The labelling window on a PostgreSQL database: keys and mouse write spans there, undo puts a span back under
its id, and the article list searches with the server's index."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store import open_store

from .test_labelling import CTRL, SHIFT, TEXT, add, drag, spans


@pytest.fixture
def pg_store(postgres_url):
    store = open_store(postgres_url)
    yield store
    store.close()


def test_keys_and_undo_write_to_a_postgresql_database(pg_store, make_window, qtbot):
    add(pg_store, TEXT, "Tokyo, 東京で会った")
    window = make_window(pg_store)
    drag(qtbot, window.view, 1, 13)  # "apan and Chi"
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(pg_store) == [(0, 15, "ACTOR", "Japan and China")]
    [made] = pg_store.spans("a000")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert pg_store.spans("a000") == []
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert pg_store.spans("a000") == [made]  # the same span under the same id
    other = open_store(pg_store.url)  # another annotator's connection sees it
    assert [s.id for s in other.spans("a000")] == [made.id]
    other.close()
    assert window.windowTitle().startswith("annotator — test_")


def test_the_article_list_searches_on_the_server(pg_store, make_window, qtbot):
    add(pg_store, TEXT, "Tokyo, 東京で会った", "Nothing here.")
    window = make_window(pg_store)
    panel = window.list_panel
    for query, wanted in (("brus", ["a000"]), ("京", ["a001"]), ("zzz", [])):
        panel.search.setText(query)
        qtbot.waitUntil(lambda wanted=wanted: [row.id for row in panel.model.rows] == wanted)
