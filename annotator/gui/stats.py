"""The statistics view: the report's charts (progress, labels, agreement per label and per pair, confusion) drawn from their SVG."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ..errors import UserError
from ..relation_agreement import format_relations
from ..report import CHARTS, project_charts
from ..store import Store


class StatsView(QScrollArea):
    """The charts one under the other, redrawn when shown and (soon after) when the store changes."""

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.svgs: dict[str, str] = {}
        self.widgets = {name: QSvgWidget() for name in CHARTS}
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self.note)
        for widget in self.widgets.values():
            column.addWidget(widget)
        self.relations = QLabel()  # relation agreement per pair and type, as `annotator agreement` prints it
        self.relations.setTextFormat(Qt.TextFormat.PlainText)
        self.relations.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        column.addWidget(self.relations)
        column.addStretch(1)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setMinimumWidth(360)
        self.timer = QTimer(self, singleShot=True, interval=300)
        self.timer.timeout.connect(self.refresh)

    def refresh(self) -> None:
        if not self.isVisible():  # hidden or closed meanwhile: drawn when shown again
            return
        try:
            self.svgs, result = project_charts(self.store)
            self.note.setText("")
        except UserError as e:
            self.note.setText(str(e))
            return
        self.relations.setText("Relation agreement\n" + "\n".join(format_relations(result["relations"]))
                               if "relations" in result else "")
        for name, widget in self.widgets.items():
            widget.load(QByteArray(self.svgs[name].encode("utf-8")))
            size = widget.renderer().defaultSize()  # fit the width, but never so small the text cannot be read
            width = min(max(self.viewport().width() - 24, size.width() * 0.8), size.width() * 1.4)
            widget.setFixedSize(QSize(round(width), round(size.height() * width / max(size.width(), 1))))

    def changed(self, *_args) -> None:
        if self.isVisible() and not self.timer.isActive():  # at most every 300 ms, even while changes keep coming
            self.timer.start()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.svgs:
            self.timer.start()


def install(window) -> None:
    """Add View > Statistics (F9), a dock beside the text."""
    view = StatsView(window.store)
    window.stats_view = view
    window.events.changed.connect(view.changed)
    window.stats_dock = window.add_panel("Statistics", view, shortcut="F9")
    window.resizeDocks([window.stats_dock], [600], Qt.Orientation.Horizontal)
