"""The label palette: one button per label with its colour and key, above the text so it never scrolls away."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..model import Label
from .highlighter import tint


class LabelPalette(QWidget):
    """Emits `chosen(label name)` when a button is clicked."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self.buttons: dict[str, QPushButton] = {}

    def set_labels(self, labels: list[Label]) -> None:
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        self._layout.addWidget(QLabel("Label:"))
        for label in labels:
            button = QPushButton(f"{label.key}  {label.name}" if label.key else label.name)
            button.setToolTip(plain_tooltip(f"{label.name} (key {label.key or 'none'}): {label.description}"))
            button.setStyleSheet(
                f"QPushButton {{ background: {tint(_color(label.color)).name()}; border: 2px solid {label.color};"
                " border-radius: 4px; padding: 3px 10px; color: black; }"
                f"QPushButton:hover {{ background: {tint(_color(label.color), 0.6).name()}; }}"
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # clicking keeps the keyboard in the text
            button.clicked.connect(lambda _=False, name=label.name: self.chosen.emit(name))
            self._layout.addWidget(button)
            self.buttons[label.name] = button
        self._layout.addStretch(1)


def _color(value: str) -> QColor:
    return QColor(value)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt would guess rich text from anything looking like a tag)."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"
