"""The note dialog: several lines of plain text; Enter starts a new line, Ctrl+Enter saves, Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QPlainTextEdit, QWidget


class NoteDialog(QInputDialog):
    def __init__(self, parent: QWidget | None, prompt: str, note: str):
        super().__init__(parent)
        self.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        self.setWindowTitle("Note")
        self.setLabelText(prompt)
        for label in self.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)  # the prompt quotes the span's text: never markup
        self.setTextValue(note)
        self.findChild(QPlainTextEdit).installEventFilter(self)  # the editor would take Ctrl+Enter as a line break

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(watched, event)


def ask_note(parent: QWidget | None, prompt: str, note: str) -> tuple[str, bool]:
    """The note as typed, and whether it was saved."""
    dialog = NoteDialog(parent, prompt, note)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    text = dialog.textValue()
    dialog.deleteLater()
    return text, ok
