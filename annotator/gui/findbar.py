"""Find in the article (Ctrl+F): a small bar above the text that marks every hit and steps through them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    """Emits `found(hits, current)` with [start, end) code-point ranges, and `closed` on Escape."""

    found = Signal(list, int)
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.hits: list[tuple[int, int]] = []
        self.current = -1
        self.edit = QLineEdit(placeholderText="Find in article", clearButtonEnabled=True)
        self.count = QLabel()
        previous, following, close = QToolButton(text="▲"), QToolButton(text="▼"), QToolButton(text="✕")
        previous.setToolTip("Previous hit (Shift+Enter)")
        following.setToolTip("Next hit (Enter)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self.edit, self.count, previous, following, close):
            layout.addWidget(widget)
        self.edit.textChanged.connect(self._search)
        self.edit.returnPressed.connect(lambda: self.step(1))
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        close.clicked.connect(self.close_bar)

    def set_text(self, text: str) -> None:
        self.text = text
        self._search()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.hits, self.current = [], -1
        self.found.emit([], -1)
        self.closed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.step(-1)
        else:
            super().keyPressEvent(event)

    def _search(self) -> None:
        needle = self.edit.text().casefold()
        self.hits = []
        if needle and self.isVisible():
            haystack = self.text.casefold()
            if len(haystack) == len(self.text):  # casefold can change lengths (ß -> ss); then match exactly
                source, needle = haystack, needle
            else:
                source, needle = self.text, self.edit.text()
            i = source.find(needle)
            while i >= 0 and len(self.hits) < 10000:
                self.hits.append((i, i + len(needle)))
                i = source.find(needle, i + len(needle))
        self.current = 0 if self.hits else -1
        self.count.setText(f"{len(self.hits)} found" if needle else "")
        self.found.emit(self.hits, self.current)

    def step(self, direction: int) -> None:
        if self.hits:
            self.current = (self.current + direction) % len(self.hits)
            self.count.setText(f"{self.current + 1} of {len(self.hits)}")
            self.found.emit(self.hits, self.current)
