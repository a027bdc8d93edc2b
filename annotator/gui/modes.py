"""The window's pages (labelling, review, ...) and dockable panels, and the optional modules that add them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QWidget

# Modules that add modes or panels to the window: each defines `install(window: MainWindow) -> None`
# and calls `window.add_mode(...)`, `window.add_panel(...)` or `window.menus[...]`. Missing ones are skipped.
PLUGINS = ("annotator.gui.review", "annotator.gui.stats")


@dataclass
class Mode:
    title: str
    actions: list[QAction] = field(default_factory=list)
    undo: QUndoStack | None = None
    status: Callable[[], tuple[str, str]] | None = None


class Modes:
    """Switches the window's central page; only the shown mode's keys act and Undo/Redo act on its stack."""

    def __init__(self, window):
        self.window = window
        self.by_widget: dict[QWidget, Mode] = {}
        self.group = QActionGroup(window)
        window.modes.currentChanged.connect(self.changed)

    def shown(self) -> Mode | None:
        return self.by_widget.get(self.window.modes.currentWidget())

    def add(self, title: str, widget: QWidget, shortcut: str | None, mode: Mode) -> QAction:
        w = self.window
        if w.modes.indexOf(widget) < 0:
            w.modes.addWidget(widget)
        self.by_widget[widget] = mode
        action = QAction(title, w, checkable=True)
        action.setObjectName(f"mode:{title}")
        action.setStatusTip(f"{title} mode")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda: w.modes.setCurrentWidget(widget))
        self.group.addAction(action)
        w.menus["view"].addAction(action)
        w.addAction(action)
        w.actions[f"mode:{title}"] = action
        action.setChecked(w.modes.currentWidget() is widget)
        self.changed()
        return action

    def changed(self, _index: int = 0) -> None:
        """Keys and undo follow the shown page; the last page's status-bar message goes."""
        shown = self.window.modes.currentWidget()
        for widget, mode in self.by_widget.items():
            for action in mode.actions:
                action.setEnabled(widget is shown)
        self.window.undo_group.setActiveStack(mode.undo if (mode := self.by_widget.get(shown)) else None)
        self.window.statusBar().clearMessage()
        if hasattr(self.window, "status_line"):
            self.window.update_status()

    def add_panel(self, title: str, widget: QWidget, area, shortcut: str | None) -> QDockWidget:
        w = self.window
        dock = QDockWidget(title, w)
        dock.setObjectName(f"panel:{title}")
        dock.setWidget(widget)
        w.addDockWidget(area, dock)
        dock.hide()
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide {title}")
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        w.menus["view"].addAction(toggle)
        w.addAction(toggle)
        w.actions[f"panel:{title}"] = toggle
        return dock

    def install_plugins(self) -> None:
        """Add the optional modes; one that fails to load is reported and left out, labelling still works."""
        for name in PLUGINS:
            try:
                module = importlib.import_module(name)
                if hasattr(module, "install"):
                    module.install(self.window)
            except ModuleNotFoundError as e:
                if e.name != name:
                    self._report_plugin(name, e)
            except Exception as e:  # a broken optional part must not stop labelling
                self._report_plugin(name, e)

    def _report_plugin(self, name: str, error: Exception) -> None:
        """Said in the status bar as well as on stderr: the user sees why a mode or panel is missing."""
        text = f"{name} left out: {type(error).__name__}: {error}"
        print(f"annotator: {text}", file=sys.stderr)
        self.window.statusBar().showMessage(f"Not loaded: {text}")


RIGHT = Qt.DockWidgetArea.RightDockWidgetArea

