"""Answering a modal dialog from a test: act when the dialog is shown, never by polling or by a timer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog


class _WhenShown(QObject):
    """Calls `answer(dialog)` inside the event loop of each dialog of `kind` shown."""

    def __init__(self, kind: type[QDialog], answer: Callable[[QDialog], None]):
        super().__init__()
        self.kind, self.answer, self.shown = kind, answer, []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and isinstance(watched, self.kind):
            self.shown.append(watched)
            QTimer.singleShot(0, watched, lambda: self._answer(watched))  # runs once exec() has started its loop
        return False

    def _answer(self, dialog: QDialog) -> None:
        self.answer(dialog)
        if dialog.isVisible():
            dialog.reject()  # the answer did not close it: let the test's checks fail rather than hang


@contextmanager
def answering(kind: type[QDialog], answer: Callable[[QDialog], None]) -> Iterator[list[QDialog]]:
    """Within the block, each dialog of `kind` shown is answered by `answer`; yields the dialogs shown."""
    watcher = _WhenShown(kind, answer)
    app = QApplication.instance()
    app.installEventFilter(watcher)
    try:
        yield watcher.shown
    finally:
        app.removeEventFilter(watcher)
