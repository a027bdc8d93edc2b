"""The main window: wires the article list, palette, view, span table and guidelines together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QAction, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from .. import __version__
from ..errors import UserError
from ..store import Store
from ..words import segmenter
from . import actions, relations, transfer
from .editor import Editor
from .findbar import FindBar
from .follow import Follower
from .guidelines import Guidelines
from .layout import lay_out
from .listpanel import ArticleListPanel
from .modes import RIGHT, Mode, Modes
from .notedialog import ask_note
from .palette import LabelPalette
from .searchindexer import SearchIndexer
from .session import Session
from .settings import WindowSettings
from .spantable import SpanTableModel, make_span_table
from .statusline import StatusLine
from .storeevents import StoreEvents
from .suggestions import Suggester
from .suggestiontable import span_and_suggestion_rows
from .view import ArticleView

LOCK_WAIT = 0.5  # seconds a window write waits for another program's write before it fails and says so


class MainWindow(QMainWindow):
    """The labelling window. Parts are small widgets; this class connects them; actions come from windowkeys."""

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None, *, remember: bool = True):
        super().__init__(parent)
        self.store = store
        self.store_role = store.member_role()  # a team member on PostgreSQL: the name is their login role's
        self.annotator = annotator = self.store_role or annotator
        store.fast_commits()
        store.set_busy_wait(LOCK_WAIT)
        self.settings = WindowSettings(self, remember)
        self.events = StoreEvents(store, self)
        self.session = Session(store, annotator, self)
        self.session.opener = self.open_article  # undo and redo open articles the way a click does
        self.undo_group = QUndoGroup(self)  # one stack per mode; Undo and Redo act on the shown mode's
        self.undo = QUndoStack(self.undo_group)  # labelling's
        self.labels = store.labels()
        self.colors = {label.name: label.color for label in self.labels}
        self.actions: dict[str, QAction] = {}
        self.labelling_actions: list[QAction] = []  # enabled only while the labelling page is shown
        self.menus: dict[str, object] = {}

        self.list_panel = ArticleListPanel(store, annotator)
        self.palette = LabelPalette()
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.view = ArticleView(self.session, self.colors)
        self.editor = Editor(self.session, self.view, self.undo, self)
        self.span_model = SpanTableModel(self.session, self.colors, self)
        self.span_model.edit_note = self.editor.set_note
        self.suggester = Suggester(self)
        rows = span_and_suggestion_rows(self.span_model, self.suggester.layer.table, self)
        self.span_table = make_span_table(rows, list(self.colors))
        self.guidelines = Guidelines()
        lay_out(self)
        relations.install(self)  # before the actions: its keys are in the action table
        actions.build(self)
        self.menus["view"].addSeparator()
        self.mode_switch = Modes(self)
        self.mode_switch.add("Labelling", self.main_splitter, "Ctrl+1", Mode("Labelling", self.labelling_actions, self.undo))
        self.status_line = StatusLine(self.statusBar(), self.ask_annotator)
        self.status_line.show_annotator(annotator)
        self._connect()
        self.set_labels(self.labels)
        relations.bind_window_types(self)
        self.setWindowTitle(f"annotator — {store.name}")
        self.settings.restore()
        self.mode_switch.install_plugins()
        if self.unbound_keys:
            self.show_failure(self.unbound_keys)  # opening the first article cleared it
        self.follower = Follower(self)
        self.search_indexer = SearchIndexer(self)  # articles an import left waiting, indexed in the background
        self.view.setFocus()  # the keyboard starts in the text, not in the search box

    def _connect(self) -> None:
        self.list_panel.chosen.connect(self.open_article)
        self.list_panel.status.currentIndexChanged.connect(self.update_status)
        self.palette.chosen.connect(self.editor.label)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.editor.failed.connect(self.show_failure)
        self.session.currentChanged.connect(self._current_span_changed)
        self.session.spansReset.connect(lambda: self._select_span_row(self.session.current))  # after a reload
        self.session.spanAdded.connect(self._update_position)
        self.session.spanRemoved.connect(self._update_position)
        self.span_table.selectionModel().currentRowChanged.connect(self._span_row_chosen)
        self.find_bar.found.connect(self._show_find_hits)
        self.find_bar.closed.connect(lambda: self.view.setFocus())

    # -- hooks for other modes and panels (see modes.py) -------------------------------------------

    def add_mode(self, title: str, widget: QWidget, shortcut: str | None = None, *, actions: list[QAction] = (),
                 undo: QUndoStack | None = None, status: Callable[[], tuple[str, str]] | None = None) -> QAction:
        """Add a page that replaces the labelling layout while chosen (View menu), e.g. Review.

        `actions` (the mode's own keys) are enabled only while the page is shown, and Undo/Redo act on
        `undo` (a stack made with `window.undo_group` as parent) there. `status` gives the status bar's
        (where, counts) texts there; call `window.update_status()` when they change.
        """
        return self.mode_switch.add(title, widget, shortcut, Mode(title, list(actions), undo, status))

    def add_panel(self, title: str, widget: QWidget, area=RIGHT, shortcut: str | None = None) -> QDockWidget:
        """Add a dockable panel (e.g. Statistics) with a toggle in the View menu."""
        return self.mode_switch.add_panel(title, widget, area, shortcut)

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str | None) -> None:
        """The one way an article is opened: text, list row, find bar, status bar and the remembered article follow."""
        if article_id == self.session.article_id:
            return
        self.session.open(article_id)
        self.list_panel.select(article_id)
        self.find_bar.set_text(self.session.article.text if self.session.article else "")
        if article_id:
            self.settings.remember_article(article_id)
        self.statusBar().clearMessage()  # messages belong to the article they were about
        self.update_status()

    def next_article(self) -> None:
        self.step_article(1)

    def previous_article(self) -> None:
        self.step_article(-1)

    def step_article(self, step: int) -> None:
        model = self.list_panel.model
        row = model.row_of(self.session.article_id) if self.session.article_id else -1
        target = row + step
        if target >= model.rowCount() and model.canFetchMore():
            model.fetchMore()
        if 0 <= target < model.rowCount():
            self.open_article(model.rows[target].id)
        elif row < 0 and model.rowCount():
            self.open_article(model.rows[0].id)

    def next_not_done(self) -> None:
        article_id = self.suggester.next_article() or self.store.next_to_label(  # assigned ones, if any
            self.annotator, self.session.article_id)
        if article_id is None:
            assigned = " assigned to you" if self.store.has_assignments(self.annotator) else ""
            self.statusBar().showMessage(f"Every article{assigned} is done or skipped.", 5000)
        else:
            self.open_article(article_id)

    def mark_done(self) -> None:
        self._set_status("done")

    def skip(self) -> None:
        self._set_status("skipped")

    def _set_status(self, status: str) -> None:
        if self.session.article_id:
            try:
                self.store.set_status(self.session.article_id, self.annotator, status)
            except UserError as e:
                self.show_failure(f"Not saved: status {status} — {e}")
                return
            self.next_not_done()

    def show_failure(self, text: str) -> None:
        """A write that did not happen, in the status bar until the next one (what, why, what to do)."""
        self.statusBar().showMessage(text, 30000)
        self.statusBar().setToolTip(text)  # the whole text, should the bar be too narrow for it

    # -- edits -------------------------------------------------------------------------------

    def edit_note(self) -> None:
        span = self.editor.current()
        if span is None:
            self.statusBar().showMessage("Select a span first (click it, or Tab).", 4000)
            return
        note, ok = ask_note(self, f"Note on {span.label} “{span.text[:60]}” (Ctrl+Enter saves):", span.note or "")
        if ok and (note.strip() or None) != span.note:
            self.editor.set_note(span, note.strip() or None)

    def set_reading_width(self, on: bool) -> None:
        self.view.set_reading_width(on)
        self.settings.remember_reading_width(on)

    def set_snap(self, on: bool) -> None:
        self.editor.snap = on
        self.statusBar().showMessage("Snapping to whole words" if on else "Character-precise selection (no snapping)", 3000)

    def escape(self) -> None:
        if self.find_bar.isVisible() and self.find_bar.isAncestorOf(self.focusWidget()):
            self.find_bar.close_bar()
            return
        self.view.clear_selection()
        self.session.set_current(None)

    def zoom_in(self) -> None:
        self.view.zoom(1)
        self.settings.add_zoom(1)

    def zoom_out(self) -> None:
        self.view.zoom(-1)
        self.settings.add_zoom(-1)

    def _current_span_changed(self, span_id) -> None:
        self._select_span_row(span_id)
        span = self.session.spans.get(span_id)
        if span is not None:
            note = f" — note: {span.note}" if span.note else ""
            self.statusBar().showMessage(f"{span.label} [{span.start}, {span.end}){note}", 5000)

    def _select_span_row(self, span_id) -> None:
        row = self.span_model.row_of(span_id)
        selection = self.span_table.selectionModel()
        if row < 0:
            selection.clearSelection()
        elif selection.currentIndex().row() != row:
            index = self.span_table.model().index(row, 0)
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)
            self.span_table.scrollTo(index)

    def _span_row_chosen(self, current, _previous) -> None:
        if current.isValid() and current.row() >= len(self.span_model.rows):
            self.suggester.row_chosen(current.row() - len(self.span_model.rows))
        elif current.isValid():
            self.session.set_current(self.span_model.span_id(current.row()))

    def _show_find_hits(self, hits: list, current: int) -> None:
        self.view.show_find_hits(hits)
        if current >= 0:
            self.session.set_current(None)
            self.view.select(*hits[current])
            self.view.ensureCursorVisible()

    def set_labels(self, labels) -> None:
        """Show a new label set: palette, label keys, colours, guidelines."""
        self.labels = labels
        self.colors.clear()
        self.colors.update({label.name: label.color for label in labels})
        unbound = actions.set_labels(self, labels)
        self.unbound_keys = ""
        if unbound:
            reasons = "; ".join(f"{labels[i].name}: {why}" for i, why in unbound.items())
            self.unbound_keys = f"Label keys left unbound: {reasons}. Fix them with `annotator labels --set`."
            self.show_failure(self.unbound_keys)
        shown = [replace(label, key="") if i in unbound else label for i, label in enumerate(labels)]
        self.palette.set_labels(shown)
        self._show_guidelines(shown)
        self.view.set_colors(self.colors)

    def update_status(self) -> None:
        """The status bar's position and counts: the labelling ones, or those of the mode shown."""
        mode = self.mode_switch.shown()
        if mode is not None and mode.status is not None:
            self.status_line.show_mode(*mode.status())
            return
        self.status_line.show_counts(self.list_panel.update_progress(self.annotator))
        self._update_position()

    def _update_position(self, _span=None) -> None:
        if self.modes.currentWidget() is self.main_splitter:
            article = self.session.article
            row = self.list_panel.model.row_of(article.id) if article else -1
            self.status_line.show_position(row, (article.title or article.id) if article else None,
                                           len(self.session.spans), self.list_panel.status_filter_text())

    # -- annotator ---------------------------------------------------------------------------

    def ask_annotator(self) -> None:
        if self.store_role:
            self.statusBar().showMessage(f"Signed in to the team's database as {self.store_role}: your spans are "
                                         f"stored as {self.store_role}.", 8000)
            return
        name, ok = QInputDialog.getText(self, "Annotator", "Your name (stored with your spans):", text=self.annotator)
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        """Label as someone else: only their spans are shown; the undo history starts afresh."""
        if name == self.annotator:
            return
        self.annotator = self.session.annotator = name
        self.settings.remember_annotator(name)
        self.undo.clear()
        self.list_panel.model.reload(annotator=name)
        article_id = self.session.article_id
        self.session.article = None
        self.open_article(article_id)
        self.status_line.show_annotator(name)

    # -- files -------------------------------------------------------------------------------

    def choose_import(self) -> None:
        transfer.choose_import(self)

    def choose_export(self) -> None:
        transfer.choose_export(self)

    def choose_database(self) -> None:
        transfer.choose_database(self)

    # -- help -------------------------------------------------------------------------------

    def _show_guidelines(self, labels=None) -> None:
        """Labels and every key of every mode and panel, from the actions as they are now."""
        if labels is not None:
            self._shown_labels = labels
        sections = [("Labelling and the window", [a for n, a in self.actions.items() if not n.startswith("label:")])]
        sections += [(f"{m.title} mode", m.actions) for m in self.mode_switch.by_widget.values() if m.actions is not self.labelling_actions]
        self.guidelines.show_for(self._shown_labels, sections)

    def toggle_guidelines(self) -> None:
        if not self.guidelines_dock.isVisible():
            self._show_guidelines()
        self.guidelines_dock.setVisible(not self.guidelines_dock.isVisible())

    def show_shortcuts(self) -> None:
        self._show_guidelines()
        self.guidelines_dock.show()
        self.guidelines.scrollToAnchor("shortcuts")

    def about(self) -> None:
        QMessageBox.about(self, "About annotator", f"annotator {__version__}\nLabel spans in news articles.\n"
                          f"Words in Chinese, Japanese, Thai: {segmenter()}\n\n{self.store.path}")

    def closeEvent(self, event) -> None:  # noqa: N802
        from .workers import Task

        self.follower.timer.stop()
        self.search_indexer.stop()
        if self.follower.listener is not None:
            self.follower.listener.close()
        self.suggester.close()
        for task in self.findChildren(Task):
            task.thread.wait()  # an import or export finishes (or rolls back) before the window goes
        self.settings.save()
        super().closeEvent(event)

