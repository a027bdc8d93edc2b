"""Keeping the window in step with the database: its own writes, and other programs' (import, merge, review)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

POLL_MS = 1000  # how often the window looks for other programs' changes


class Follower(QObject):
    """Updates the list, spans, counts and labels after a change, leaving the user on their article and selection."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.version = window.store.data_version()
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.look_for_other_writers)
        window.events.changed.connect(self.changed)
        from .live import listen

        self.listener = listen(window)  # PostgreSQL tells the window of each change: nothing to poll
        if self.listener is None:
            self.timer.start()

    def look_for_other_writers(self) -> None:
        """Another connection committed (SQLite's data_version moved): tell every part, as the store itself would."""
        version = self.window.store.data_version()
        if version != self.version:
            self.version = version
            self.window.events.changed.emit("outside", None)

    def changed(self, kind: str, article_id) -> None:
        w = self.window
        if kind == "outside":  # we cannot tell what changed: compare, and pass on only the differences
            labels = w.store.labels()
            if labels != w.labels:
                w.set_labels(labels)
            self.refresh_list()
            if not w.session.writing:
                w.session.reload()
            w.update_status()
        elif kind in ("spans", "status"):
            if article_id is None or (kind == "status" and w.list_panel.status_filter_text()):
                self.reload_list()  # the filter may now show or hide it
                status_changed = True
            else:
                status_changed = w.list_panel.model.refresh(article_id)
            if kind == "spans" and article_id in (None, w.session.article_id) and not w.session.writing:
                w.session.reload()
            if status_changed or kind == "status":
                w.update_status()  # counts over every article: only when a status moved
        elif kind == "articles":
            self.reload_list()
            w.update_status()
        elif kind == "labels":
            w.set_labels(w.store.labels())

    def refresh_list(self) -> None:
        """Re-read the loaded part of the article list, changing only the rows that changed."""
        if not self.window.list_panel.model.refresh_loaded():  # rows went or moved: start the list again
            self.reload_list()

    def reload_list(self) -> None:
        """Re-read the article list, keeping the open article selected and the list where it was scrolled."""
        panel = self.window.list_panel
        bar = panel.table.verticalScrollBar()
        scrolled = bar.value()
        panel.model.reload()
        panel.select(self.window.session.article_id)
        bar.setValue(scrolled)
