"""The span table: the open article's spans, kept in step with the session row by row."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ..model import Span
from .highlighter import tinted
from .session import Session
from .spanindex import Mark
from .spanset import table_order
from .tableheader import RowSelectionHeader
from .tablemodel import ROLES_SHOWN, ROOT, ListTableModel


def _outline(span: Span) -> Mark:
    return Mark(span.start, span.end, span.label, span.id)


class SpanTableModel(ListTableModel):
    """Label, text, start–end and note of each span; the note column is editable (an undoable edit).

    Rows are the session's span outlines; a row's Span is made only when the table shows it.
    """

    COLUMNS = ("Label", "Text", "Start–end", "Note")
    NOTE = 3

    def __init__(self, session: Session, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.session = session
        self.colors = colors
        self.rows: list[Mark] = []  # in table order (see spanset.table_order)
        self.edit_note = None  # set by the window: callable(span, note) that pushes an undo command
        session.spansReset.connect(self._reset)
        session.spanAdded.connect(self._insert)
        session.spanRemoved.connect(self._remove)
        session.spanUpdated.connect(self._update)

    def _reset(self) -> None:
        self.beginResetModel()
        self.rows = list(self.session.spans.outlines)
        self.endResetModel()

    def span_id(self, row: int) -> int:
        return self.rows[row].span_id

    def _find(self, outline: Mark) -> int:
        row = bisect_left(self.rows, table_order(outline), key=table_order)
        return row if row < len(self.rows) and self.rows[row] == outline else -1

    def row_of(self, span_id: int | None) -> int:
        span = self.session.spans.get(span_id)
        return -1 if span is None else self._find(_outline(span))

    def _insert(self, span: Span) -> None:
        row = bisect_left(self.rows, table_order(_outline(span)), key=table_order)
        self.beginInsertRows(ROOT, row, row)
        self.rows.insert(row, _outline(span))
        self.endInsertRows()

    def _remove(self, span: Span) -> None:
        row = self._find(_outline(span))
        if row >= 0:
            self.beginRemoveRows(ROOT, row, row)
            del self.rows[row]
            self.endRemoveRows()

    def _update(self, old: Span, new: Span) -> None:
        if _outline(old) == _outline(new):
            if (row := self._find(_outline(new))) >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        else:
            self._remove(old)
            self._insert(new)

    def items(self) -> list:
        return self.rows

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)  # the suggestion rows below ask for it for every cell shown

    def flags(self, index):
        if index.column() != self.NOTE:
            return super().flags(index)
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in ROLES_SHOWN or not index.isValid():  # the view asks each cell for seven roles: fonts, icons, ...
            return None
        span = self.session.spans.get(self.rows[index.row()].span_id)
        if span is None:  # the session has let it go; the row goes next
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 1:
                return " ".join(span.text.split())  # one line; line breaks shown as spaces
            return (span.label, None, f"{span.start}–{span.end}", span.note or "")[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            return tinted(self.colors.get(span.label, "#888888"))
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if index.column() != self.NOTE or role != Qt.ItemDataRole.EditRole or self.edit_note is None:
            return False
        span = self.session.spans[self.rows[index.row()].span_id]
        note = str(value).strip() or None
        if note != span.note:
            self.edit_note(span, note)
        return True


def make_span_table(model: SpanTableModel, label_names: list[str]) -> QTableView:
    """The table under the text: one selected row at a time, the note editable in place."""
    table = QTableView()
    table.setHorizontalHeader(RowSelectionHeader(table))
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
