"""The article list as a lazy item model: pages of titles, statuses and span counts, never the texts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ..store import ArticleRow, Store
from .palette import plain_tooltip
from .tablemodel import ROOT, ListTableModel

STATUS_NAMES = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}



class ArticleListModel(ListTableModel):
    """Rows of `Store.article_page`, fetched a page at a time as the view scrolls."""

    COLUMNS = ("Title", "Status", "Spans")
    PAGE = 500

    def __init__(self, store: Store, annotator: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.search = ""
        self.status: str | None = None
        self.rows: list[ArticleRow] = []
        self._after = 0
        self._exhausted = False

    def reload(self, *, search: str | None = None, status: str | None | bool = False, annotator: str | None = None) -> None:
        """Start again from the first page, with a new filter or annotator if given."""
        self.beginResetModel()
        if search is not None:
            self.search = search
        if status is not False:
            self.status = status or None
        if annotator is not None:
            self.annotator = annotator
        self.rows, self._after, self._exhausted = [], 0, False
        self.endResetModel()
        self.fetchMore(ROOT)

    # -- lazy loading --------------------------------------------------------------------------

    def canFetchMore(self, parent=ROOT) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=ROOT) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        page = self.store.article_page(
            self.annotator, search=self.search, status=self.status, after=self._after, limit=self.PAGE
        )
        self._exhausted = len(page) < self.PAGE
        if not page:
            return
        self.beginInsertRows(ROOT, len(self.rows), len(self.rows) + len(page) - 1)
        self.rows.extend(row for _, row in page)
        self._after = page[-1][0]
        self.endInsertRows()

    def refresh_loaded(self) -> bool:
        """Re-read the rows loaded so far and change only those that changed, so the view keeps its selection and
        scroll; articles added after them are appended. False (nothing changed) if rows went or moved."""
        limit = max(len(self.rows), self.PAGE)
        page = self.store.article_page(self.annotator, search=self.search, status=self.status, limit=limit)
        fresh = [row for _, row in page]
        if [row.id for row in fresh[: len(self.rows)]] != [row.id for row in self.rows]:
            return False
        for i, (old, new) in enumerate(zip(self.rows, fresh, strict=False)):
            if old != new:
                self.rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
        if len(fresh) > len(self.rows):
            self.beginInsertRows(ROOT, len(self.rows), len(fresh) - 1)
            self.rows.extend(fresh[len(self.rows):])
            self.endInsertRows()
        self._exhausted = len(page) < limit
        if page:
            self._after = page[-1][0]
        return True

    def row_of(self, article_id: str) -> int:
        """The row showing `article_id`, fetching pages until it appears; -1 if the filter hides it."""
        start = 0
        while True:
            for i in range(start, len(self.rows)):
                if self.rows[i].id == article_id:
                    return i
            if self._exhausted:
                return -1
            start = len(self.rows)
            self.fetchMore()

    def refresh(self, article_id: str) -> bool:
        """Re-read one article's status and span count after a change; True if its status may have changed."""
        for i, row in enumerate(self.rows):
            if row.id == article_id:
                new = self.store.article_row(self.annotator, article_id)
                if new is not None and new != row:
                    self.rows[i] = new
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
                return new is None or new.status != row.status
        return True  # not loaded (or filtered out): we cannot tell

    # -- the model ----------------------------------------------------------------------------

    def items(self) -> list:
        return self.rows

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title or row.id, STATUS_NAMES.get(row.status, row.status), row.spans)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(row.id)  # an id, shown as typed even if it looks like markup
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None
