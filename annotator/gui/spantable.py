"""The span table: the open article's spans, kept in step with the session row by row."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ..model import Span
from .highlighter import tint
from .session import Session
from .tablemodel import ROOT, ListTableModel


def _order(span: Span) -> tuple:
    return (span.start, -span.end, span.label, span.id)


class SpanTableModel(ListTableModel):
    """Label, text, start–end and note of each span; the note column is editable (an undoable edit)."""

    COLUMNS = ("Label", "Text", "Start–end", "Note")
    NOTE = 3

    def __init__(self, session: Session, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.session = session
        self.colors = colors
        self.spans: list[Span] = []
        self.edit_note = None  # set by the window: callable(span, note) that pushes an undo command
        session.spansReset.connect(self._reset)
        session.spanAdded.connect(self._insert)
        session.spanRemoved.connect(self._remove)
        session.spanUpdated.connect(self._update)

    def _reset(self) -> None:
        self.beginResetModel()
        self.spans = list(self.session.spans.values())  # the store gives them in table order already
        self.endResetModel()

    def row_of(self, span_id: int | None) -> int:
        span = self.session.spans.get(span_id)
        if span is None:
            return -1
        row = bisect_left(self.spans, _order(span), key=_order)
        return row if row < len(self.spans) and self.spans[row].id == span_id else -1

    def _insert(self, span: Span) -> None:
        row = bisect_left(self.spans, _order(span), key=_order)
        self.beginInsertRows(ROOT, row, row)
        self.spans.insert(row, span)
        self.endInsertRows()

    def _remove(self, span: Span) -> None:
        row = bisect_left(self.spans, _order(span), key=_order)
        if row < len(self.spans) and self.spans[row].id == span.id:
            self.beginRemoveRows(ROOT, row, row)
            del self.spans[row]
            self.endRemoveRows()

    def _update(self, old: Span, new: Span) -> None:
        if (old.start, old.end, old.label) == (new.start, new.end, new.label):
            row = bisect_left(self.spans, _order(old), key=_order)
            self.spans[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        else:
            self._remove(old)
            self._insert(new)

    def items(self) -> list:
        return self.spans

    def flags(self, index):
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == self.NOTE else flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        span = self.spans[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 1:
                return " ".join(span.text.split())  # one line; line breaks shown as spaces
            return (span.label, None, f"{span.start}–{span.end}", span.note or "")[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return tint(QColor(self.colors.get(span.label, "#888888")))
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if index.column() != self.NOTE or role != Qt.ItemDataRole.EditRole or self.edit_note is None:
            return False
        span = self.spans[index.row()]
        note = str(value).strip() or None
        if note != span.note:
            self.edit_note(span, note)
        return True


def make_span_table(model: SpanTableModel, label_names: list[str]) -> QTableView:
    """The table under the text: one selected row at a time, the note editable in place."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    width = table.fontMetrics().horizontalAdvance
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.resizeSection(0, max(width(name) for name in label_names) + 24 if label_names else 90)
    header.resizeSection(2, width("000000–000000") + 16)  # fixed widths: measuring 20,000 rows is slow
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # text and note share what is left
    return table
