"""The window builds the search index in the background: a thread on its own connection indexes the articles an import
left waiting, a short transaction a batch (the window's edits never wait long for it); the status bar says how far it
is, and the article list says what share of the articles a search covers until the index is complete."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QLabel

from ..indexing import index_backlog
from ..store import StoreBusy
from ..wording import counted

LOOK_MS = 3000  # how often the window looks for articles waiting for the index (another program may import)
BATCH_SECONDS = 0.1  # a batch's transaction: the window's own edits wait for it (up to window.LOCK_WAIT, 0.5 s)
COMPLETE = "Search index complete: search finds every article"
INDEX_LOCK_WAIT = 5.0  # seconds a batch waits for another writer before the indexer gives up until the next look


class _IndexThread(QThread):
    """Indexes the backlog on its own connection to the window's database, until none is left or it is stopped."""

    progress = Signal(int, int)  # done, total
    failed = Signal(str)

    def __init__(self, store, parent: QObject):
        super().__init__(parent)
        self.store = store
        self.stopping = False

    def run(self) -> None:
        try:
            store = self.store.another()
        except Exception as e:  # noqa: BLE001 - shown in the status bar, the thread's only way to say it
            self.failed.emit(str(e))
            return
        try:
            store.fast_commits()
            store.set_busy_wait(INDEX_LOCK_WAIT)
            index_backlog(store, self.progress.emit, lambda: self.stopping, BATCH_SECONDS)
        except StoreBusy:
            pass  # another program holds the write lock for long (an import): the next look goes on
        except Exception as e:  # noqa: BLE001
            self.failed.emit(str(e))
        finally:
            store.close()


class SearchIndexer(QObject):
    """Starts the indexing thread whenever articles wait for the index, and shows its progress."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.thread: _IndexThread | None = None
        self.articles = 0
        self.closed = False
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setContentsMargins(10, 0, 10, 0)
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        self.timer = QTimer(self, interval=LOOK_MS)
        self.timer.timeout.connect(self.look)
        window.events.changed.connect(self._changed)
        self.timer.start()
        self.look()

    def _changed(self, kind: str, _article) -> None:
        if kind == "articles" and not self.closed:
            self.timer.start()
            self.look()

    def look(self) -> None:
        """Start indexing if articles are waiting and no indexing runs."""
        if self.thread is not None or self.closed:
            return
        waiting = self._waiting()
        self._show(waiting, waiting)
        if waiting:
            self.thread = _IndexThread(self.window.store, self)
            self.thread.progress.connect(lambda done, total: self._show(total - done, total))
            self.thread.failed.connect(self._failed)
            self.thread.finished.connect(self._finished)
            self.thread.start()

    def _waiting(self) -> int:
        """Articles waiting for the index; the articles are counted again only then (the look comes every few
        seconds, and counting them is a scan of an index)."""
        waiting = self.window.store.search_backlog()
        if waiting:
            self.articles = self.window.store.article_count()
        return waiting

    def _show(self, waiting: int, backlog: int) -> None:
        """The status bar's progress, and the share of the articles a search covers, in the article list."""
        if self.closed:  # a signal the thread sent before it stopped
            return
        self.window.list_panel.set_search_coverage(self.articles - waiting, self.articles)
        if waiting:
            share = 100 * (backlog - waiting) // max(backlog, 1)
            self.label.setText(f"Search index: {share}% ({counted(waiting, 'article')} to go)")
            self.label.setToolTip("Articles imported since the search index was built are being indexed in the "
                                  "background; search finds them once they are.")
        elif self.thread is not None:  # every article indexed; on PostgreSQL the GIN indexes may still be built
            self.label.setText("Search index: 100%, finishing…")
        self.label.setVisible(bool(waiting) or self.thread is not None or self.label.text() == COMPLETE)

    def _failed(self, message: str) -> None:
        """Said once; tried again only when articles are added (a read-only file would fail every look)."""
        self.timer.stop()
        if not self.closed:
            self.window.show_failure(f"Search index not built: {message}")

    def _finished(self) -> None:
        self.thread.deleteLater()
        self.thread = None
        if self.closed:
            return
        waiting = self._waiting()
        self._show(waiting, waiting)
        if not waiting:  # said in its own place: the status bar's message may be a failure's, not to be covered
            self.window.list_panel.search_again()
            self.label.setText(COMPLETE)
            self.label.setToolTip("")
            self.label.show()
            QTimer.singleShot(5000, self._hide_complete)

    def _hide_complete(self) -> None:
        if self.label.text() == COMPLETE:
            self.label.hide()

    def stop(self) -> None:
        """Stop indexing (at the end of the batch being indexed) and wait for the thread, when the window closes."""
        self.closed = True
        self.timer.stop()
        if self.thread is not None:
            self.thread.stopping = True
            self.thread.wait()
