"""The main window: wires the article list, palette, view, span table and guidelines to menus and settings."""

from __future__ import annotations

import hashlib
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..errors import UserError
from ..store import Store
from ..wording import counted
from ..words import segmenter
from . import spanedits, transfer
from .editor import Editor
from .filedialogs import save_file_name
from .findbar import FindBar
from .guidelines import Guidelines
from .listpanel import ArticleListPanel
from .messages import show_error
from .notedialog import ask_note
from .palette import LabelPalette
from .session import Session
from .spantable import SpanTableModel
from .storeevents import StoreEvents
from .view import ArticleView

# Modules that add modes or panels to the window: each defines `install(window: MainWindow) -> None`
# and calls `window.add_mode(...)`, `window.add_panel(...)` or `window.menus[...]`. Missing ones are skipped.
PLUGINS = ("annotator.gui.review", "annotator.gui.stats")


class MainWindow(QMainWindow):
    """The labelling window. Parts are small widgets; this class connects them and owns the actions."""

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None, *, remember: bool = True):
        super().__init__(parent)
        self.remember = remember  # False: neither restore nor save settings (screenshots)
        self.store = store
        self.annotator = annotator
        store.fast_commits()
        self.settings = QSettings()
        self.events = StoreEvents(store, self)
        self.session = Session(store, annotator, self)
        self.undo_group = QUndoGroup(self)  # one stack per mode; Undo and Redo act on the shown mode's
        self.undo = QUndoStack(self.undo_group)  # labelling's
        self.labels = store.labels()
        self.colors = {label.name: label.color for label in self.labels}
        self.actions: dict[str, QAction] = {}
        self.labelling_actions: list[QAction] = []  # enabled only while the labelling page is shown
        self._modes: dict[QWidget, tuple[list[QAction], QUndoStack | None, Callable | None]] = {}
        self.menus: dict[str, object] = {}

        self.list_panel = ArticleListPanel(store, annotator)
        self.palette = LabelPalette()
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.view = ArticleView(self.session, self.colors)
        self.editor = Editor(self.session, self.view, self.undo, self)
        self.span_model = SpanTableModel(self.session, self.colors, self)
        self.span_model.edit_note = self.editor.set_note
        self.span_table = self._make_span_table()
        self.guidelines = Guidelines()
        self._lay_out()
        self._make_actions()
        self._make_status_bar()
        self._connect()
        self.palette.set_labels(self.labels)
        self.guidelines.show_for(self.labels, list(self.actions.values()))
        self.setWindowTitle(f"annotator — {Path(store.path).name}")
        self._restore()
        self._install_plugins()
        self.view.setFocus()  # the keyboard starts in the text, not in the search box

    # -- building -------------------------------------------------------------------------------

    def _make_span_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.span_model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        width = table.fontMetrics().horizontalAdvance
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, max(width(label.name) for label in self.labels) + 24 if self.labels else 90)
        header.resizeSection(2, width("000000–000000") + 16)  # fixed widths: measuring 20,000 rows is slow
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # text and note share what is left
        return table

    def _lay_out(self) -> None:
        text_panel = QWidget()
        column = QVBoxLayout(text_panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.palette)
        column.addWidget(self.find_bar)
        column.addWidget(self.view, 1)
        self.text_splitter = QSplitter(Qt.Orientation.Vertical)
        self.text_splitter.addWidget(text_panel)
        self.text_splitter.addWidget(self.span_table)
        self.text_splitter.setStretchFactor(0, 4)
        self.text_splitter.setStretchFactor(1, 1)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.list_panel)
        self.main_splitter.addWidget(self.text_splitter)
        self.list_panel.setMinimumWidth(self.fontMetrics().horizontalAdvance("Search articles…") + 140)
        self.main_splitter.setCollapsible(0, False)  # docks and small windows squeeze the text, not the list
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setSizes([300, 900])
        self.text_splitter.setSizes([560, 160])
        self.modes = QStackedWidget()
        self.modes.addWidget(self.main_splitter)
        self.setCentralWidget(self.modes)
        self.guidelines_dock = QDockWidget("Guidelines", self)
        self.guidelines_dock.setObjectName("guidelines")
        self.guidelines_dock.setWidget(self.guidelines)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guidelines_dock)
        self.guidelines_dock.hide()

    def _action(self, name: str, text: str, slot, *keys, menu: str | None = None, checkable: bool = False,
                labelling: bool = True) -> QAction:
        """A window-wide action; `labelling` ones act on the labelling page and are off in other modes."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work wherever the focus is in this window
        self.actions[name] = action
        if labelling:
            self.labelling_actions.append(action)
        if menu:
            self.menus[menu].addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        for key, title in (("file", "&File"), ("edit", "&Edit"), ("go", "&Go"), ("view", "&View"), ("help", "&Help")):
            self.menus[key] = bar.addMenu(title)
        a = self._action
        a("open", "&Open database…", self.choose_database, QKeySequence.StandardKey.Open, menu="file", labelling=False)
        a("import", "&Import…", lambda: transfer.choose_import(self), "Ctrl+I", menu="file", labelling=False)
        a("export", "&Export…", lambda: transfer.choose_export(self), "Ctrl+E", menu="file", labelling=False)
        self.menus["file"].addSeparator()
        a("annotator", "Change &annotator name…", self.ask_annotator, menu="file", labelling=False)
        self.menus["file"].addSeparator()
        a("quit", "&Quit", self.close, "Ctrl+Q", menu="file", labelling=False)

        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for name, action in (("undo", undo), ("redo", redo)):
            action.setObjectName(name)
            self.addAction(action)
            self.menus["edit"].addAction(action)
            self.actions[name] = action
        self.menus["edit"].addSeparator()
        self.label_menu = self.menus["edit"].addMenu("&Label selection / change label")
        for label in self.labels:
            action = a(f"label:{label.name}", label.name, lambda _=False, n=label.name: self.editor.label(n),
                       *([label.key] if label.key else []))
            self.label_menu.addAction(action)  # rebuilt by _set_labels when the label set changes
        a("delete", "&Delete span", self.editor.delete, "Delete", "Backspace", menu="edit")
        a("note", "&Note…", self.edit_note, "N", menu="edit")
        a("sentence", "Select &sentence", self.editor.sentence, "S", menu="edit")
        edges = self.menus["edit"].addMenu("Span &edges")
        for name, text, move, key in (
            ("grow_start", "Start one word left", spanedits.grow_start, "Alt+Left"),
            ("grow_end", "End one word right", spanedits.grow_end, "Alt+Right"),
            ("shrink_start", "Start one word right", spanedits.shrink_start, "Alt+Shift+Right"),
            ("shrink_end", "End one word left", spanedits.shrink_end, "Alt+Shift+Left"),
        ):
            edges.addAction(a(name, text, lambda _=False, m=move: self.editor.move_edge(m), key))
        snap = a("snap", "Snap to &words", self.set_snap, "W", menu="edit", checkable=True)
        snap.setChecked(True)
        a("escape", "Clear selection", self.escape, "Esc", menu="edit")

        a("next", "&Next article", lambda: self.step_article(1), "Ctrl+PgDown", menu="go")
        a("previous", "&Previous article", lambda: self.step_article(-1), "Ctrl+PgUp", menu="go")
        a("next_todo", "Next &not done", self.next_not_done, "Ctrl+Shift+PgDown", menu="go")
        a("done", "Mark &done and go to next", self.mark_done, "Ctrl+Return", "Ctrl+Enter", menu="go")
        a("skip", "S&kip and go to next", self.skip, "Ctrl+Shift+Return", menu="go")
        self.menus["go"].addSeparator()
        next_span = QAction("Next span\tTab", self)
        next_span.triggered.connect(lambda: self.editor.step_span(True))
        previous_span = QAction("Previous span\tShift+Tab", self)
        previous_span.triggered.connect(lambda: self.editor.step_span(False))
        self.menus["go"].addActions([next_span, previous_span])
        self.labelling_actions += [next_span, previous_span]
        self.menus["go"].addSeparator()
        a("find", "&Find in article", self.find_bar.open_bar, QKeySequence.StandardKey.Find, menu="go")
        a("search", "&Search articles", self.list_panel.focus_search, "Ctrl+Shift+F", menu="go")

        a("zoom_in", "Zoom &in", lambda: self.zoom(1), QKeySequence.StandardKey.ZoomIn, "Ctrl+=", menu="view")
        a("zoom_out", "Zoom &out", lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut, menu="view")
        reading = a("reading_width", "Wrap at &reading width", self.set_reading_width, "Ctrl+Shift+R", menu="view",
                    checkable=True)
        reading.setChecked(not self.remember or self.settings.value("view/reading_width", "true") in (True, "true"))
        self.view.set_reading_width(reading.isChecked())
        self.menus["view"].addSeparator()
        a("guidelines", "&Guidelines", self.toggle_guidelines, "F1", menu="view", labelling=False)
        self.menus["view"].addSeparator()
        self.mode_group = QActionGroup(self)
        self.add_mode("Labelling", self.main_splitter, "Ctrl+1", actions=self.labelling_actions, undo=self.undo)
        self.modes.currentChanged.connect(self._mode_changed)
        self._mode_changed()

        a("shortcuts", "&Shortcuts", self.show_shortcuts, "Ctrl+/", menu="help", labelling=False)
        a("about", "&About", self.about, menu="help", labelling=False)

    def _make_status_bar(self) -> None:
        self.annotator_button = QToolButton()
        self.annotator_button.setAutoRaise(True)
        self.annotator_button.setToolTip("Change the annotator name")
        self.annotator_button.clicked.connect(self.ask_annotator)
        self.position_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.position_label, self.counts_label):
            label.setContentsMargins(10, 0, 10, 0)
        bar = self.statusBar()
        bar.addPermanentWidget(self.position_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.annotator_button)
        self._show_annotator()

    def _connect(self) -> None:
        self.list_panel.chosen.connect(self.open_article)
        self.palette.chosen.connect(self.editor.label)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.events.changed.connect(self._store_changed)
        self.session.currentChanged.connect(self._current_span_changed)
        self.session.spanAdded.connect(self._update_position)
        self.session.spanRemoved.connect(self._update_position)
        self.span_table.selectionModel().currentRowChanged.connect(self._span_row_chosen)
        self.find_bar.found.connect(self._show_find_hits)
        self.find_bar.closed.connect(lambda: self.view.setFocus())
        self.modes.currentChanged.connect(self.update_status)

    # -- hooks for other modes and panels --------------------------------------------------------

    def add_mode(self, title: str, widget: QWidget, shortcut: str | None = None, *, actions: list[QAction] = (),
                 undo: QUndoStack | None = None, status: Callable[[], tuple[str, str]] | None = None) -> QAction:
        """Add a page that replaces the labelling layout while chosen (View menu), e.g. Review.

        `actions` (the mode's own keys) are enabled only while the page is shown, and Undo/Redo act on
        `undo` (a stack made with `window.undo_group` as parent) there. `status` gives the status bar's
        (where, counts) texts there; call `window.update_status()` when they change.
        """
        if self.modes.indexOf(widget) < 0:
            self.modes.addWidget(widget)
        self._modes[widget] = (actions if isinstance(actions, list) else list(actions), undo, status)
        action = QAction(title, self, checkable=True)
        action.setObjectName(f"mode:{title}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: self.modes.setCurrentWidget(widget))
        self.mode_group.addAction(action)
        self.menus["view"].addAction(action)
        self.addAction(action)
        self.actions[f"mode:{title}"] = action
        action.setChecked(self.modes.currentWidget() is widget)
        self._mode_changed()
        return action

    def _mode_changed(self, _index: int = 0) -> None:
        """Only the shown mode's keys act, and Undo/Redo act on its stack."""
        shown = self.modes.currentWidget()
        for widget, (actions, _stack, _status) in self._modes.items():
            for action in actions:
                action.setEnabled(widget is shown)
        self.undo_group.setActiveStack(self._modes.get(shown, ((), None, None))[1])

    def add_panel(self, title: str, widget: QWidget, area=Qt.DockWidgetArea.RightDockWidgetArea,
                  shortcut: str | None = None) -> QDockWidget:
        """Add a dockable panel (e.g. Statistics) with a toggle in the View menu."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel:{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.hide()
        toggle = dock.toggleViewAction()
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        self.menus["view"].addAction(toggle)
        self.addAction(toggle)
        return dock

    def _install_plugins(self) -> None:
        """Add the optional modes; one that fails to load is reported and left out, labelling still works."""
        for name in PLUGINS:
            try:
                module = importlib.import_module(name)
                if hasattr(module, "install"):
                    module.install(self)
            except ModuleNotFoundError as e:
                if e.name != name:
                    _report_plugin(name, e)
            except Exception as e:  # a broken optional part must not stop labelling
                _report_plugin(name, e)

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str | None) -> None:
        if article_id == self.session.article_id:
            return
        self.session.open(article_id)
        self.list_panel.select(article_id)
        self.find_bar.set_text(self.session.article.text if self.session.article else "")
        if article_id and self.remember:
            self.settings.setValue(self._db_key("article"), article_id)
        self.update_status()

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
        article_id = self.store.next_article(self.annotator, self.session.article_id)
        if article_id is None:
            self.statusBar().showMessage("Every article is done or skipped.", 5000)
        else:
            self.open_article(article_id)

    def mark_done(self) -> None:
        if self.session.article_id:
            self.store.set_status(self.session.article_id, self.annotator, "done")
            self.next_not_done()

    def skip(self) -> None:
        if self.session.article_id:
            self.store.set_status(self.session.article_id, self.annotator, "skipped")
            self.next_not_done()

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
        if self.remember:
            self.settings.setValue("view/reading_width", on)

    def set_snap(self, on: bool) -> None:
        self.editor.snap = on
        self.statusBar().showMessage("Snapping to whole words" if on else "Character-precise selection (no snapping)", 3000)

    def escape(self) -> None:
        if self.find_bar.isVisible() and self.find_bar.isAncestorOf(self.focusWidget()):
            self.find_bar.close_bar()
            return
        self.view.clear_selection()
        self.session.set_current(None)

    def zoom(self, steps: int) -> None:
        self.view.zoom(steps)
        if self.remember:
            self.settings.setValue("view/zoom", int(self.settings.value("view/zoom", 0)) + steps)

    def _current_span_changed(self, span_id) -> None:
        row = self.span_model.row_of(span_id)
        selection = self.span_table.selectionModel()
        if row < 0:
            selection.clearSelection()
        elif selection.currentIndex().row() != row:
            index = self.span_model.index(row, 0)
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)
            self.span_table.scrollTo(index)
        span = self.session.spans.get(span_id)
        if span is not None:
            note = f" — note: {span.note}" if span.note else ""
            self.statusBar().showMessage(f"{span.label} [{span.start}, {span.end}){note}", 5000)

    def _span_row_chosen(self, current, _previous) -> None:
        if current.isValid():
            self.session.set_current(self.span_model.spans[current.row()].id)

    def _show_find_hits(self, hits: list, current: int) -> None:
        self.view.show_find_hits(hits)
        if current >= 0:
            self.session.set_current(None)
            self.view.select(*hits[current])
            self.view.ensureCursorVisible()

    # -- the store changed --------------------------------------------------------------------

    def _store_changed(self, kind: str, article_id) -> None:
        if kind in ("spans", "status"):
            if article_id is None:
                self.list_panel.model.reload()
                status_changed = True
            else:
                status_changed = self.list_panel.model.refresh(article_id)
            if kind == "spans" and article_id in (None, self.session.article_id) and not self.session.writing:
                self.session.reload()
            if status_changed or kind == "status":
                self.update_status()  # counts over every article: only when a status moved
        elif kind == "articles":
            self.list_panel.model.reload()
            self.list_panel.select(self.session.article_id)
            self.update_status()
        elif kind == "labels":
            self._set_labels(self.store.labels())

    def _set_labels(self, labels) -> None:
        """Show a new label set: palette, label keys, colours, guidelines."""
        self.labels = labels
        self.colors.clear()
        self.colors.update({label.name: label.color for label in labels})
        for name in [n for n in self.actions if n.startswith("label:")]:
            action = self.actions.pop(name)
            self.removeAction(action)
            self.labelling_actions.remove(action)
            action.deleteLater()
        self.label_menu.clear()
        for label in labels:
            action = self._action(f"label:{label.name}", label.name,
                                  lambda _=False, n=label.name: self.editor.label(n), *([label.key] if label.key else []))
            self.label_menu.addAction(action)
            action.setEnabled(self.modes.currentWidget() is self.main_splitter)
        self.palette.set_labels(labels)
        self.guidelines.show_for(labels, list(self.actions.values()))
        self.view.set_colors(self.colors)

    def update_status(self) -> None:
        """The status bar's position and counts: the labelling ones, or those of the mode shown."""
        status = self._modes.get(self.modes.currentWidget(), ((), None, None))[2]
        if status is not None:
            where, counts = status()
            self.position_label.setText(where)
            self.counts_label.setText(counts)
            return
        counts = self.list_panel.update_progress(self.annotator)
        self._total = sum(counts.values())
        self.counts_label.setText(
            f"{counts['done']} done · {counts['in_progress']} in progress · {counts['todo']} to do"
            + (f" · {counts['skipped']} skipped" if counts["skipped"] else "")
        )
        self._update_position()

    def _update_position(self, _span=None) -> None:
        if self.modes.currentWidget() is not self.main_splitter:
            return
        row = self.list_panel.model.row_of(self.session.article_id) if self.session.article_id else -1
        where = f"Article {row + 1} of {getattr(self, '_total', 0)}" if row >= 0 else "No article"
        self.position_label.setText(f"{where} · {counted(len(self.session.spans), 'span')}")

    # -- annotator ---------------------------------------------------------------------------

    def _show_annotator(self) -> None:
        self.annotator_button.setText(f"Annotator: {self.annotator}")

    def ask_annotator(self) -> None:
        name, ok = QInputDialog.getText(self, "Annotator", "Your name (stored with your spans):", text=self.annotator)
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        """Label as someone else: only their spans are shown; the undo history starts afresh."""
        if name == self.annotator:
            return
        self.annotator = self.session.annotator = name
        if self.remember:
            self.settings.setValue("annotator/name", name)
        self.undo.clear()
        self.list_panel.model.reload(annotator=name)
        article_id = self.session.article_id
        self.session.article = None
        self.open_article(article_id)
        self._show_annotator()

    # -- files -------------------------------------------------------------------------------

    def choose_database(self) -> None:
        path = save_file_name(
            self, "Open or create a database", str(Path(self.store.path).parent), "Databases (*.db *.sqlite);;All files (*)",
            confirm_overwrite=False,
        )
        if path:
            self.open_database(Path(path))

    def open_database(self, path: Path) -> MainWindow | None:
        """Open another database in a new window that replaces this one."""
        from ..store import open_store

        try:
            store = open_store(path)
        except UserError as e:
            show_error(self, "Cannot open the database", str(e))
            return None
        window = MainWindow(store, self.annotator)
        window.show()
        self.close()
        return window

    # -- help -------------------------------------------------------------------------------

    def toggle_guidelines(self) -> None:
        self.guidelines_dock.setVisible(not self.guidelines_dock.isVisible())

    def show_shortcuts(self) -> None:
        self.guidelines_dock.show()
        self.guidelines.scrollToAnchor("shortcuts")

    def about(self) -> None:
        QMessageBox.about(self, "About annotator", f"annotator {__version__}\nLabel spans in news articles.\n"
                          f"Words in Chinese, Japanese, Thai: {segmenter()}\n\n{self.store.path}")

    # -- settings -----------------------------------------------------------------------------

    def _db_key(self, name: str) -> str:
        digest = hashlib.sha1(str(Path(self.store.path).resolve()).encode()).hexdigest()[:16]
        return f"databases/{digest}/{name}"

    def _restore(self) -> None:
        if not self.remember:
            self.resize(self._comfortable_size())
            self.list_panel.model.fetchMore()
            self.open_article(self.list_panel.model.rows[0].id if self.list_panel.model.rows else None)
            return
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(self._comfortable_size())
        for key, splitter in (("window/main_splitter", self.main_splitter), ("window/text_splitter", self.text_splitter)):
            state = s.value(key)
            if state is not None:
                splitter.restoreState(state)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.view.zoom(int(s.value("view/zoom", 0)))
        snap = s.value("edit/snap", "true") in (True, "true")
        self.actions["snap"].setChecked(snap)
        self.editor.snap = snap
        self.list_panel.model.fetchMore()
        article_id = s.value(self._db_key("article"))
        if not (article_id and self.store.article_exists(article_id)):
            article_id = self.list_panel.model.rows[0].id if self.list_panel.model.rows else None
        self.open_article(article_id)
        self._scroll_to = int(s.value(self._db_key("scroll"), 0))
        QTimer.singleShot(0, self._restore_scroll)

    def _restore_scroll(self) -> None:
        self.view.verticalScrollBar().setValue(self._scroll_to)

    def _comfortable_size(self) -> QSize:
        """1280x820 where the screen allows (the issue asks for at least 1200x800), else the whole screen."""
        available = self.screen().availableGeometry().size()
        return QSize(min(1280, available.width()), min(820, available.height()))

    def save_settings(self) -> None:
        if not self.remember:
            return
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/main_splitter", self.main_splitter.saveState())
        s.setValue("window/text_splitter", self.text_splitter.saveState())
        s.setValue("edit/snap", self.editor.snap)
        s.setValue("annotator/name", self.annotator)
        if self.session.article_id:
            s.setValue(self._db_key("article"), self.session.article_id)
            s.setValue(self._db_key("scroll"), self.view.verticalScrollBar().value())
        s.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        from .workers import Task

        for task in self.findChildren(Task):
            task.thread.wait()  # an import or export finishes (or rolls back) before the window goes
        self.save_settings()
        super().closeEvent(event)


def _report_plugin(name: str, error: Exception) -> None:
    print(f"annotator: {name} left out: {type(error).__name__}: {error}", file=sys.stderr)
