"""The column header of a table whose rows are selected whole, one at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView


class RowSelectionHeader(QHeaderView):
    """Qt repaints every section a selection touches whenever it changes, to highlight them; with one whole row
    selected, a move to another row highlights the same sections, so only a selection made or cleared repaints."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as QTableView's own header
        self.setHighlightSections(True)

    def selectionChanged(self, selected, deselected) -> None:  # noqa: N802
        if selected.isEmpty() or deselected.isEmpty():
            super().selectionChanged(selected, deselected)
