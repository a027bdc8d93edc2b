"""The open article's suggestions as rows under the spans in the span table, marked as suggestions with their source
and score."""

from __future__ import annotations

from PySide6.QtCore import QConcatenateTablesProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from ..model import Suggestion
from .highlighter import tint
from .tablemodel import ROOT, ListTableModel


class SuggestionTableModel(ListTableModel):
    """Label, text, start–end, and "suggestion · source · score" where a span has its note; shown in italics."""

    COLUMNS = ("Label", "Text", "Start–end", "Note")

    def __init__(self, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.colors = colors
        self.suggestions: list[Suggestion] = []

    def items(self) -> list:
        return self.suggestions

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        """Rows out and in, not a reset: the concatenation would reset the span rows (and their selection) too."""
        if self.suggestions:
            self.beginRemoveRows(ROOT, 0, len(self.suggestions) - 1)
            self.suggestions = []
            self.endRemoveRows()
        if suggestions:
            self.beginInsertRows(ROOT, 0, len(suggestions) - 1)
            self.suggestions = list(suggestions)
            self.endInsertRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s, column = self.suggestions[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 1:
                return " ".join(s.text.split())
            return (f"{s.label}?", None, f"{s.start}–{s.end}", f"suggestion · {s.source} · {s.score:.2f}")[column]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return tint(QColor(self.colors.get(s.label, "#888888")), 0.15)
        if role == Qt.ItemDataRole.UserRole:
            return s.id
        return None


def span_and_suggestion_rows(span_model, suggestion_model, parent=None) -> QConcatenateTablesProxyModel:
    """The span table's model: the span rows, then the suggestion rows (proxy row = span row for every span)."""
    both = QConcatenateTablesProxyModel(parent)
    both.addSourceModel(span_model)
    both.addSourceModel(suggestion_model)
    return both
