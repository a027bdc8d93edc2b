"""The labelling window's actions as plain data (no Qt): its menus, its shortcut list and the label-key check use this table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WindowAction:
    """One action of the window: `handler` is a path from the window to a method ("editor.delete")."""

    name: str
    text: str
    keys: tuple[str, ...]
    menu: str | None  # "file", "edit", "edit/edges" (a submenu), ...; None: not in a menu
    handler: str
    labelling: bool = True  # acts on the labelling page only (off in review mode)
    separator: bool = False  # a line above it in its menu
    checkable: bool = False
    bound: bool = True  # False: the key is handled by the text itself (Tab), the menu only shows it
    text_only: bool = False  # acts only while the article text or the span table has the focus (Enter)


MENUS = (("file", "&File"), ("edit", "&Edit"), ("go", "&Go"), ("view", "&View"), ("tools", "&Tools"), ("help", "&Help"))
SUBMENUS = {"edit/label": "&Label selection / change label / accept suggestion as", "edit/edges": "Span &edges",
            "edit/suggestions": "Su&ggestions", "edit/relation": "&Relation"}

A = WindowAction
ACTIONS: tuple[WindowAction, ...] = (
    A("open", "&Open database…", ("Ctrl+O",), "file", "choose_database", labelling=False),
    A("import", "&Import…", ("Ctrl+I",), "file", "choose_import", labelling=False),
    A("export", "&Export…", ("Ctrl+E",), "file", "choose_export", labelling=False),
    A("annotator", "Change &annotator name…", (), "file", "ask_annotator", labelling=False, separator=True),
    A("quit", "&Quit", ("Ctrl+Q",), "file", "close", labelling=False, separator=True),
    A("undo", "&Undo", ("Ctrl+Z",), "edit", "undo_group.undo", labelling=False),
    A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "edit", "undo_group.redo", labelling=False),
    A("delete", "&Delete span", ("Delete", "Backspace"), "edit", "editor.delete", separator=True),
    A("note", "&Note…", ("N",), "edit", "edit_note"),
    A("sentence", "Select &sentence", ("S",), "edit", "editor.sentence"),
    A("relation", "Make a &relation from the span (again: next type)", ("R",), "edit/relation", "relation_editor.start_any"),
    A("relation_type", "Change the relation's &type", ("Shift+R",), "edit/relation", "relation_editor.change_type"),
    A("relation_delete", "&Delete the relation", ("Shift+Del",), "edit/relation", "relation_editor.delete_current"),
    A("grow_start", "Start one word left", ("Alt+Left",), "edit/edges", "editor.grow_start"),
    A("grow_end", "End one word right", ("Alt+Right",), "edit/edges", "editor.grow_end"),
    A("shrink_start", "Start one word right", ("Alt+Shift+Right",), "edit/edges", "editor.shrink_start"),
    A("shrink_end", "End one word left", ("Alt+Shift+Left",), "edit/edges", "editor.shrink_end"),
    A("snap", "Snap to &words", ("W",), "edit", "set_snap", checkable=True),
    A("accept_suggestion", "&Accept suggestion", ("Return", "Enter"), "edit/suggestions", "suggester.accept",
      text_only=True),
    A("reject_suggestion", "&Reject suggestion", ("X",), "edit/suggestions", "suggester.reject"),
    A("accept_suggestions", "Accept all &above the score", ("Shift+Return", "Shift+Enter"), "edit/suggestions",
      "suggester.accept_all", text_only=True),
    A("escape", "Clear selection", ("Esc",), "edit", "escape"),
    A("next", "&Next article", ("Ctrl+PgDown",), "go", "next_article"),
    A("previous", "&Previous article", ("Ctrl+PgUp",), "go", "previous_article"),
    A("next_todo", "Next &not done", ("Ctrl+Shift+PgDown",), "go", "next_not_done"),
    A("done", "Mark &done and go to next", ("Ctrl+Return", "Ctrl+Enter"), "go", "mark_done"),
    A("skip", "S&kip and go to next", ("Ctrl+Shift+Return",), "go", "skip"),
    A("next_span", "Next span or suggestion", ("Tab",), "go", "editor.next_span", separator=True, bound=False),
    A("previous_span", "Previous span or suggestion", ("Shift+Tab",), "go", "editor.previous_span", bound=False),
    A("find", "&Find in article", ("Ctrl+F",), "go", "find_bar.open_bar", separator=True),
    A("search", "&Search articles", ("Ctrl+Shift+F",), "go", "list_panel.focus_search"),
    A("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "view", "zoom_in"),
    A("zoom_out", "Zoom &out", ("Ctrl+-",), "view", "zoom_out"),
    A("reading_width", "Wrap at &reading width", ("Ctrl+Shift+R",), "view", "set_reading_width", checkable=True),
    A("hide_suggestions", "&Hide suggestions", ("Ctrl+Shift+H",), "view", "suggester.set_hidden", checkable=True),
    A("train", "&Train model…", (), "tools", "suggester.train", labelling=False),
    A("suggestion_settings", "&Suggestion settings…", (), "tools", "suggester.configure", labelling=False),
    A("guidelines", "&Guidelines", ("F1",), "view", "toggle_guidelines", labelling=False, separator=True),
    A("shortcuts", "&Shortcuts", ("Ctrl+/",), "help", "show_shortcuts", labelling=False),
    A("about", "&About", (), "help", "about", labelling=False),
)
del A


def plain(text: str) -> str:
    """A menu text without its & accelerator marks."""
    return text.replace("&", "")


def reserved_keys() -> dict[str, str]:
    """Single keys (no modifier) the window uses, upper-cased, with the action that owns each."""
    return {key.upper(): plain(a.text) for a in ACTIONS for key in a.keys if len(key) == 1}


def label_key_problems(labels: Iterable[tuple[str, str]]) -> list[tuple[int, str]]:
    """(position, reason) for each (name, key) whose key is the window's own or an earlier label's (case does not count)."""
    reserved = reserved_keys()
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for i, (name, key) in enumerate(labels):
        if not key:
            continue
        if key.upper() in reserved:
            problems.append((i, f"key {key!r} is the window's key for {reserved[key.upper()]!r}; choose another"))
        elif key.upper() in seen:
            other, their = seen[key.upper()]
            case = f" (as {their!r}: case does not count)" if their != key else ""
            problems.append((i, f"key {key!r} is already used by {other}{case}"))
        seen.setdefault(key.upper(), (name, key))
    return problems


def relation_key_problems(labels: Iterable[tuple[str, str]], types: Iterable[tuple[str, str]]) -> list[tuple[int, str]]:
    """(position, reason) for each relation type (name, key) whose key is the window's own, a label's or an earlier
    type's (case does not count)."""
    reserved = reserved_keys()
    owners = {key.upper(): f"label {name}" for name, key in labels if key}
    problems = []
    for i, (name, key) in enumerate(types):
        if not key:
            continue
        if len(key) != 1:
            problems.append((i, f"key {key!r} of relation type {name} must be a single character"))
        elif key.upper() in reserved:
            problems.append((i, f"key {key!r} of relation type {name} is the window's key for {reserved[key.upper()]!r}; "
                                "choose another"))
        elif key.upper() in owners:
            problems.append((i, f"key {key!r} of relation type {name} is already used by {owners[key.upper()]}"))
        owners.setdefault(key.upper(), f"relation type {name}")
    return problems
