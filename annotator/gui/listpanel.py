"""The left panel: search box, status filter, progress bar and the lazy article list."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..model import STATUSES
from ..store import Store
from .articlelist import STATUS_NAMES, ArticleListModel


class ArticleListPanel(QWidget):
    """Emits `chosen(article_id)` when the user picks an article."""

    chosen = Signal(str)

    def __init__(self, store: Store, annotator: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.model = ArticleListModel(store, annotator, self)
        self.search = QLineEdit(placeholderText="Search articles…", clearButtonEnabled=True)
        self.status = QComboBox()
        self.status.addItem("all", None)
        for status in STATUSES:
            self.status.addItem(STATUS_NAMES[status], status)
        self.coverage = QLabel()  # what share of the articles a search covers while the index is being built
        self.coverage.setWordWrap(True)
        self.coverage.hide()
        self._indexed = self._articles = 0
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        width = self.fontMetrics().horizontalAdvance
        header.resizeSection(1, width("in progress") + 16)  # fixed widths: measuring thousands of rows is slow
        header.resizeSection(2, width("Spans") + 16)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.coverage)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self._quiet = False

    def _apply_filter(self) -> None:
        self.model.reload(search=self.search.text().strip(), status=self.status.currentData())
        self._show_coverage()

    def set_search_coverage(self, indexed: int, articles: int) -> None:
        """How many of the articles the search index holds so far (search finds only those)."""
        self._indexed, self._articles = indexed, articles
        self._show_coverage()

    def _show_coverage(self) -> None:
        partial = bool(self.model.search) and self._indexed < self._articles
        if partial:
            self.coverage.setText(f"Search covers {self._indexed:,} of {self._articles:,} articles so far: "
                                  "the search index is still being built.")
        self.coverage.setVisible(partial)

    def search_again(self) -> None:
        """Run the search again (the index grew), keeping the chosen article selected."""
        if self.model.search:
            chosen = self.table.currentIndex()
            article_id = self.model.rows[chosen.row()].id if chosen.isValid() else None
            self._apply_filter()
            self.select(article_id)

    def _row_changed(self, current, _previous) -> None:
        if current.isValid() and not self._quiet:
            self.chosen.emit(self.model.rows[current.row()].id)

    def select(self, article_id: str | None) -> int:
        """Highlight an article's row without re-opening it; its row, or -1 if the filter hides it."""
        row = self.model.row_of(article_id) if article_id else -1
        self._quiet = True
        try:
            if row >= 0:
                index = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
                self.table.scrollTo(index)
            else:
                self.table.clearSelection()
        finally:
            self._quiet = False
        return row

    def update_progress(self, annotator: str) -> dict[str, int]:
        counts = self.store.status_counts(annotator)
        done, total, of = counts["done"], sum(counts.values()), ""
        mine = self.store.assigned_status_counts(annotator).get(annotator)
        if mine:  # an annotator with assignments: progress over them, and a filter for them
            done, total, of = mine["done"], mine["assigned"], " assigned"
            if self.status.findData("assigned") < 0:
                self.status.addItem("assigned to me", "assigned")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total}{of} done")
        return counts

    def status_filter_text(self) -> str | None:
        """The status filter's name ("done"), or None when every status is shown."""
        return self.status.currentText() if self.status.currentData() else None

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
