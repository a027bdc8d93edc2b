"""Message boxes that do not block the window: an error, and a yes/no question."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import InputErrors, UserError
from .workers import Cancelled


def show_error(parent: QWidget, title: str, text: str) -> QMessageBox:
    return _show(QMessageBox.Icon.Warning, parent, title, text)


def show_info(parent: QWidget, title: str, text: str) -> QMessageBox:
    return _show(QMessageBox.Icon.Information, parent, title, text)


def _show(icon: QMessageBox.Icon, parent: QWidget, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box


def ask(parent: QWidget, title: str, text: str, on_yes) -> QMessageBox:
    """A yes/no question: `on_yes()` runs if the answer is yes."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.buttonClicked.connect(lambda button: box.standardButton(button) == yes and on_yes())
    box.open()
    return box


def report_error(window, title: str, error: Exception) -> None:
    """A failed task told to the user: cancelled in the status bar, their mistakes in a box; a bug is raised."""
    if isinstance(error, Cancelled):
        window.statusBar().showMessage(f"{title.split(';')[0]}: cancelled", 5000)
    elif isinstance(error, InputErrors):
        show_error(window, title, "\n".join(str(e) for e in error.errors[:20]))
    elif isinstance(error, UserError):
        show_error(window, title, str(error))
    else:
        raise error
