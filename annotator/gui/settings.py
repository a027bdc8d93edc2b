"""What the window remembers between sessions (QSettings): its geometry, zoom, snapping, and each database's last article."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, QTimer


class WindowSettings:
    """Restores and saves a MainWindow's settings; with `remember` False it does neither (screenshots)."""

    def __init__(self, window, remember: bool = True):
        self.window = window
        self.remember = remember
        self.settings = QSettings()

    def _db_key(self, name: str) -> str:
        digest = hashlib.sha1(str(Path(self.window.store.path).resolve()).encode()).hexdigest()[:16]
        return f"databases/{digest}/{name}"

    def remember_article(self, article_id: str) -> None:
        if self.remember:
            self.settings.setValue(self._db_key("article"), article_id)

    def remember_annotator(self, name: str) -> None:
        if self.remember:
            self.settings.setValue("annotator/name", name)

    def remember_reading_width(self, on: bool) -> None:
        if self.remember:
            self.settings.setValue("view/reading_width", on)

    def add_zoom(self, steps: int) -> None:
        if self.remember:
            self.settings.setValue("view/zoom", int(self.settings.value("view/zoom", 0)) + steps)

    def restore(self) -> None:
        """Geometry, splitters, docks, zoom and snapping as last saved; then the last article of this database."""
        w, s = self.window, self.settings
        w.list_panel.model.fetchMore()
        first = w.list_panel.model.rows[0].id if w.list_panel.model.rows else None
        if w.store.has_assignments(w.annotator):
            first = w.store.next_to_label(w.annotator, None) or first  # an annotator with assignments starts on theirs
        reading = not self.remember or s.value("view/reading_width", "true") in (True, "true")
        w.actions["reading_width"].setChecked(reading)
        w.view.set_reading_width(reading)
        if not self.remember:
            w.resize(self.comfortable_size())
            w.open_article(first)
            return
        geometry = s.value("window/geometry")
        if geometry is None or not w.restoreGeometry(geometry):
            w.resize(self.comfortable_size())
        for key, splitter in (("window/main_splitter", w.main_splitter), ("window/text_splitter", w.text_splitter)):
            state = s.value(key)
            if state is not None:
                splitter.restoreState(state)
        state = s.value("window/state")
        if state is not None:
            w.restoreState(state)
        w.view.zoom(int(s.value("view/zoom", 0)))
        snap = s.value("edit/snap", "true") in (True, "true")
        w.actions["snap"].setChecked(snap)
        w.editor.snap = snap
        article_id = s.value(self._db_key("article"))
        w.open_article(article_id if article_id and w.store.article_exists(article_id) else first)
        scroll = int(s.value(self._db_key("scroll"), 0))
        QTimer.singleShot(0, lambda: w.view.verticalScrollBar().setValue(scroll))

    def comfortable_size(self) -> QSize:
        """1280x820 where the screen allows, else the whole screen."""
        available = self.window.screen().availableGeometry().size()
        return QSize(min(1280, available.width()), min(820, available.height()))

    def save(self) -> None:
        if not self.remember:
            return
        w, s = self.window, self.settings
        s.setValue("window/geometry", w.saveGeometry())
        s.setValue("window/state", w.saveState())
        s.setValue("window/main_splitter", w.main_splitter.saveState())
        s.setValue("window/text_splitter", w.text_splitter.saveState())
        s.setValue("edit/snap", w.editor.snap)
        s.setValue("annotator/name", w.annotator)
        if w.session.article_id:
            s.setValue(self._db_key("article"), w.session.article_id)
            s.setValue(self._db_key("scroll"), w.view.verticalScrollBar().value())
        s.sync()
