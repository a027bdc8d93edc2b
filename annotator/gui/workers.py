"""Running a long core function (import, export) in a worker thread behind a progress dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside the work when the user pressed Cancel; the core rolls back its transaction."""


class _Job(QObject):
    """Lives in the worker thread and runs the work there."""

    progress = Signal(int, int)
    finished = Signal(object, object)  # result, error

    def __init__(self, work: Callable[[Callable[[int, int], None]], object]):
        super().__init__()
        self.work = work
        self.cancelled = False

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except Exception as e:  # handed to the main thread, which reports it
            self.finished.emit(None, e)
        else:
            self.finished.emit(result, None)

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled
        self.progress.emit(done, total)


class Task(QObject):
    """Lives in the main thread: shows the progress and calls `on_done(result, error)` when the work ends."""

    def __init__(self, parent: QWidget, title: str, work, on_done: Callable[[object, Exception | None], None]):
        super().__init__(parent)
        self.on_done = on_done
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.thread = QThread(self)
        self.job = _Job(work)
        self.job.moveToThread(self.thread)
        self.thread.started.connect(self.job.run)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(self._finished)
        self.dialog.canceled.connect(self._cancel)
        self.thread.start()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))

    @Slot()
    def _cancel(self) -> None:
        self.job.cancelled = True

    @Slot(object, object)
    def _finished(self, result, error) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.canceled.disconnect(self._cancel)
        self.dialog.reset()
        self.dialog.deleteLater()
        self.job.deleteLater()
        self.deleteLater()
        self.on_done(result, error)
