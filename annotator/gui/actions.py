"""The window's menus and keys, built from the one action table in annotator.windowkeys; label keys beside them."""

from __future__ import annotations

from functools import reduce

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ..model import Label
from ..windowkeys import ACTIONS, MENUS, SUBMENUS, WindowAction, label_key_problems


def build(window) -> None:
    """Menus, then one QAction per table row, each calling its handler on the window."""
    bar = window.menuBar()
    for key, title in MENUS:
        window.menus[key] = bar.addMenu(title)
    for path, title in SUBMENUS.items():
        window.menus[path] = window.menus[path.split("/")[0]].addMenu(title)
    for row in ACTIONS:
        if row.name == "delete":  # the label submenu sits just above Delete
            window.menus["edit"].addSeparator()
            window.menus["edit"].addMenu(window.menus["edit/label"])
        add(window, row)


def add(window, row: WindowAction) -> QAction:
    handler = reduce(getattr, row.handler.split("."), window)
    if row.name in ("undo", "redo"):  # the undo group's own actions follow the shown stack's state
        make = window.undo_group.createUndoAction if row.name == "undo" else window.undo_group.createRedoAction
        action = make(window, row.text)
    else:
        action = QAction(row.text if row.bound else f"{row.text}\t{', '.join(row.keys)}", window)
        action.setCheckable(row.checkable)
        action.triggered.connect(handler)
    action.setObjectName(row.name)
    action.setStatusTip(row.text.replace("&", ""))  # the undo action's text changes; the shortcut list shows this
    if row.bound:
        action.setShortcuts([QKeySequence(k) for k in row.keys])
        if row.text_only:  # Enter in the find bar or the search box is theirs
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            window.view.addAction(action)
            window.span_table.addAction(action)
        else:
            window.addAction(action)  # shortcuts work wherever the focus is in this window
    else:
        action.setData(list(row.keys))  # shown in the shortcut list; the text view handles the key itself
    window.actions[row.name] = action
    if row.labelling:
        window.labelling_actions.append(action)
    if row.menu:
        menu = window.menus[row.menu]
        if row.separator:
            menu.addSeparator()
        menu.addAction(action)
    return action


def shortcut_texts(action: QAction) -> str:
    """The keys of an action as the shortcut list shows them."""
    keys = [s.toString() for s in action.shortcuts()] or (action.data() if isinstance(action.data(), list) else [])
    return ", ".join(keys)


def set_labels(window, labels: list[Label]) -> dict[int, str]:
    """One action per label under Edit › Label; a key the window or an earlier label owns is left unbound.

    Returns {position: reason} for the keys left unbound (a label set written before the check, or by hand)."""
    for name in [n for n in window.actions if n.startswith("label:")]:
        action = window.actions.pop(name)
        window.removeAction(action)
        window.labelling_actions.remove(action)
        action.deleteLater()
    menu = window.menus["edit/label"]
    menu.clear()
    problems = dict(label_key_problems((label.name, label.key) for label in labels))
    for i, label in enumerate(labels):
        action = QAction(label.name, window)
        action.setObjectName(f"label:{label.name}")
        if label.key and i not in problems:
            action.setShortcut(QKeySequence(label.key))
        action.triggered.connect(lambda _=False, n=label.name: window.editor.label(n))
        window.addAction(action)
        window.actions[action.objectName()] = action
        window.labelling_actions.append(action)
        action.setEnabled(window.modes.currentWidget() is window.main_splitter)
        menu.addAction(action)
    return problems
