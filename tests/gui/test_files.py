"""File dialogs never read the files they list, and imports choose their format and can add labels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QFileSystemModel, QMessageBox

from annotator.gui import transfer
from annotator.gui.filedialogs import make_dialog
from annotator.gui.transfer import IMPORT_FILTERS
from annotator.model import Article
from annotator.store import open_store


def test_a_listed_database_keeps_its_write_ahead_log(tmp_path, qtbot):
    """Qt's own dialog reads listed files to name their types, which drops SQLite's locks on ours."""
    store = open_store(tmp_path / "work.db")
    store.add_article(Article("a", "Written before the dialog."))
    dialog = make_dialog(None, "Import", str(tmp_path))
    qtbot.addWidget(dialog)
    listing = dialog.findChild(QFileSystemModel)
    # Types and icons are named as the listing's updates arrive, all before the folder counts as loaded.
    with qtbot.waitSignal(listing.directoryLoaded, timeout=30000, check_params_cb=lambda p: Path(p) == tmp_path):
        dialog.show()
    folder = listing.index(str(tmp_path))
    listed = {listing.index(row, 0, folder).data() for row in range(listing.rowCount(folder))}
    assert {"work.db", "work.db-wal"} <= listed  # the files whose reading would drop our locks
    dialog.close()
    other = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM articles').fetchall(); c.close()"
    subprocess.run([sys.executable, "-c", other, str(tmp_path / "work.db")], check=True)
    assert (tmp_path / "work.db-wal").exists()
    store.add_article(Article("b", "Written after the dialog."))
    store.close()
    assert open_store(tmp_path / "work.db").article_count() == 2


def test_every_import_filter_names_a_reader():
    from annotator.corpus import reader_for

    for fmt in set(IMPORT_FILTERS.values()) - {"auto"}:
        assert callable(reader_for(Path("x.any"), fmt))


def test_import_with_unknown_labels_offers_to_add_them(store, make_window, qtbot, tmp_path):
    window = make_window(store)
    source = tmp_path / "doccano.jsonl"
    source.write_text(json.dumps({"text": "Tokyo and Kyiv", "label": [[0, 5, "CITY"]]}) + "\n", encoding="utf-8")
    transfer.run_import(window, [source], "doccano")
    qtbot.waitUntil(lambda: _question(window) is not None, timeout=10000)
    box = _question(window)
    assert "CITY" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: store.article_count() == 1, timeout=10000)
    assert "CITY" in [label.name for label in store.labels()]
    assert [s.text for s in store.spans(store.article_ids()[0])] == ["Tokyo"]


def _question(window):
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible() and b.icon() == QMessageBox.Icon.Question]
    return boxes[0] if boxes else None
