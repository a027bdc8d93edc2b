"""A flat table model over a Python list, with named columns: what the article list and span table share."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

ROOT = QModelIndex()
ROLES_SHOWN = frozenset(int(role) for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                                               Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.UserRole))


class ListTableModel(QAbstractTableModel):
    """Rows are the items of `self.items()`; COLUMNS names the columns shown in the header."""

    COLUMNS: tuple[str, ...] = ()

    def items(self) -> list:
        raise NotImplementedError

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None
