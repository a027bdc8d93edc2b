"""Where the labelling window's parts sit: the article list, the text with its palette and find bar, the span table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QSplitter, QStackedWidget, QVBoxLayout, QWidget


def lay_out(window) -> None:
    """Palette, find bar and text over the span table, beside the article list; the guidelines dock on the right."""
    w = window
    text_panel = QWidget()
    column = QVBoxLayout(text_panel)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    for widget in (w.palette, w.find_bar, w.view):
        column.addWidget(widget, 1 if widget is w.view else 0)
    w.text_splitter = QSplitter(Qt.Orientation.Vertical)
    w.text_splitter.addWidget(text_panel)
    w.text_splitter.addWidget(w.span_table)
    w.text_splitter.setStretchFactor(0, 4)
    w.text_splitter.setStretchFactor(1, 1)
    w.main_splitter = QSplitter(Qt.Orientation.Horizontal)
    w.main_splitter.addWidget(w.list_panel)
    w.main_splitter.addWidget(w.text_splitter)
    w.list_panel.setMinimumWidth(w.fontMetrics().horizontalAdvance("Search articles…") + 140)
    w.main_splitter.setCollapsible(0, False)  # docks and small windows squeeze the text, not the list
    w.main_splitter.setStretchFactor(0, 1)
    w.main_splitter.setStretchFactor(1, 3)
    w.main_splitter.setSizes([300, 900])
    w.text_splitter.setSizes([560, 160])
    w.modes = QStackedWidget()
    w.modes.addWidget(w.main_splitter)
    w.setCentralWidget(w.modes)
    w.guidelines_dock = QDockWidget("Guidelines", w)
    w.guidelines_dock.setObjectName("guidelines")
    w.guidelines_dock.setWidget(w.guidelines)
    w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, w.guidelines_dock)
    w.guidelines_dock.hide()
