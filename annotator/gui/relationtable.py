"""The relations table beside the span table: type, from and to of each relation; a row chosen selects both ends,
Delete (or the context menu) deletes it."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from ..model import Relation
from .highlighter import tinted
from .relationlayer import RelationLayer
from .tableheader import RowSelectionHeader
from .tablemodel import ROLES_SHOWN, ROOT, ListTableModel


class RelationTableModel(ListTableModel):
    """One row a relation, in the text order of its from span, then its to span."""

    COLUMNS = ("Relation", "From", "To")

    def __init__(self, layer: RelationLayer, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.rows: list[Relation] = []
        layer.reset.connect(lambda: self._reset(ordered=True))
        layer.added.connect(self._insert)
        layer.removed.connect(self._remove)
        layer.updated.connect(self._update)
        layer.session.spanUpdated.connect(lambda old, new: (old.start, old.end) != (new.start, new.end) and self._reset())

    def _order(self, relation: Relation) -> tuple:
        outline = self.layer.session.spans.outline  # (start, end, label, id), without making the Span
        ends = [outline(i) for i in (relation.from_id, relation.to_id)]
        return (*(end[0] if end else -1 for end in ends), relation.id)

    def items(self) -> list:
        return self.rows

    def _reset(self, ordered: bool = False) -> None:
        """All rows again; `ordered`: the layer has just read them in table order (no sort needed)."""
        self.beginResetModel()
        values = self.layer.relations.values()
        self.rows = list(values) if ordered else sorted(values, key=self._order)
        self.endResetModel()

    def row_of(self, relation_id: int | None) -> int:
        relation = self.layer.relations.get(relation_id)
        if relation is None:
            return -1
        row = bisect_left(self.rows, self._order(relation), key=self._order)
        return row if row < len(self.rows) and self.rows[row].id == relation_id else -1

    def _insert(self, relation: Relation) -> None:
        row = bisect_left(self.rows, self._order(relation), key=self._order)
        self.beginInsertRows(ROOT, row, row)
        self.rows.insert(row, relation)
        self.endInsertRows()

    def _remove(self, relation: Relation) -> None:
        row = next((i for i, r in enumerate(self.rows) if r.id == relation.id), -1)
        if row >= 0:
            self.beginRemoveRows(ROOT, row, row)
            del self.rows[row]
            self.endRemoveRows()

    def _update(self, _old: Relation, new: Relation) -> None:
        row = next((i for i, r in enumerate(self.rows) if r.id == new.id), -1)
        if row >= 0:
            self.rows[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in ROLES_SHOWN or not index.isValid():  # the view asks each cell for seven roles: fonts, icons, ...
            return None
        relation = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return relation.type
            span = self.layer.session.spans.get(relation.from_id if column == 1 else relation.to_id)
            return f"{span.label} “{' '.join(span.text.split())}”" if span else "?"
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            kind = self.layer.types.get(relation.type)
            return tinted(kind.color if kind else "#888888")
        if role == Qt.ItemDataRole.UserRole:
            return relation.id
        return None


class RelationTable(QTableView):
    """Keeps the Delete key for itself while it has the focus (elsewhere it deletes the selected span)."""

    def __init__(self, model: RelationTableModel, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.setHorizontalHeader(RowSelectionHeader(self))
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.resizeSection(0, self.fontMetrics().horizontalAdvance("CLAIMED_BY") + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.editor.delete_current()
            return
        super().keyPressEvent(event)

    def _menu(self, point) -> None:
        if not self.indexAt(point).isValid():
            return
        menu = QMenu(self)
        change = QAction("Change type (Shift+R)", menu)
        change.triggered.connect(self.editor.change_type)
        delete = QAction("Delete relation (Delete)", menu)
        delete.triggered.connect(self.editor.delete_current)
        menu.addActions([change, delete])
        menu.exec(self.viewport().mapToGlobal(point))
