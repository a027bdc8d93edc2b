"""The window writes nothing wrong: one way to open an article, failed writes told and never on the undo stack,
no duplicates, label keys that cannot collide, other programs' changes shown, user data never rendered as markup."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolTip

from annotator.cli import cli
from annotator.gui import transfer
from annotator.model import Article, Label, Span
from annotator.windowkeys import ACTIONS, reserved_keys
from tests.gui.test_labelling import TEXT, add, drag, spans

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def hold_lock(store):
    """hold_lock() -> another program's connection holding the write lock (as a long import does) until ROLLBACK."""
    held = []

    def hold():
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.append(other)
        return other

    yield hold
    for other in held:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def rendered(markup: str) -> str:
    """What a tooltip or label shows for `markup`, as Qt would render it."""
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


# -- item 2: one way to open an article ------------------------------------------------------------


def test_undo_of_an_edit_in_another_article_opens_it_as_a_click_does(store, make_window, qtbot):
    add(store, TEXT, "The script said </script and more: Japan Japan Japan.")
    window = make_window(store)
    drag(qtbot, window.view, 0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # ACTOR "Japan" in a000
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.session.article_id == "a001"
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "</script")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # undo the edit made in a000
    assert window.session.article_id == "a000" and store.spans("a000") == []
    assert window.list_panel.table.currentIndex().row() == 0  # the list follows
    assert window.settings.settings.value(window.settings._db_key("article")) == "a000"  # so does the memory
    assert window.status_line.position_label.text().startswith("Article 1 of 2")
    hits = window.find_bar.hits  # the find bar searched the text now shown, not the old one
    assert all(TEXT[s:e].casefold() == "</script" for s, e in hits) and hits == []
    drag(qtbot, window.view, 10, 15)
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    assert spans(store) == [(10, 15, "LOCATION", "China")]


# -- item 3: a write that fails is told and leaves nothing behind ----------------------------------


def test_a_label_key_under_another_programs_write_lock_says_so_and_stores_nothing(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(3.0, lambda: other.execute("ROLLBACK"))  # a writer that finishes 3 s later
    release.start()
    try:
        drag(qtbot, window.view, 0, 5)
        qtbot.keyClick(window.view, Qt.Key.Key_2)
        still_held = other.in_transaction  # the key gave up before the other writer finished: no 10 s freeze
    finally:
        release.join()
        other.close()
    message = window.statusBar().currentMessage()
    assert still_held and message.startswith("Not saved: Add ACTOR “Japan”") and "try again" in message.lower()
    assert window.undo.count() == 0 and window.session.spans == {} and window.view.index.marks == []
    assert window.span_model.rowCount() == 0 and spans(store) == []
    qtbot.keyClick(window.view, Qt.Key.Key_2)  # the selection is still there: the same key now works
    assert spans(store) == [(0, 5, "ACTOR", "Japan")] and window.undo.count() == 1


def test_an_undo_that_cannot_be_written_leaves_the_stack_and_the_span_as_they_were(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    drag(qtbot, window.view, 0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.undo.index() == 1)
    assert window.statusBar().currentMessage().startswith("Could not undo: Add ACTOR")
    assert len(window.session.spans) == 1 and spans(store) == [(0, 5, "ACTOR", "Japan")]
    other.execute("ROLLBACK")
    other.close()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert spans(store) == [] and window.undo.index() == 0


class FullDisk:
    """The store's connection on a disk that has no room left: every insert or update fails."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def test_a_full_disk_is_told_for_labels_and_for_done(store, make_window, qtbot, monkeypatch):
    add(store, TEXT, "Second article.")
    window = make_window(store)
    monkeypatch.setattr(store, "conn", FullDisk(store.conn))
    drag(qtbot, window.view, 0, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert "disk is full" in window.statusBar().currentMessage()
    assert window.undo.count() == 0 and window.session.spans == {}
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)  # mark done: refused, and the article stays
    assert "Not saved: status done" in window.statusBar().currentMessage()
    assert window.session.article_id == "a000"
    monkeypatch.undo()
    assert store.spans("a000") == [] and store.status("a000", "tester") == "todo"


def test_file_import_under_a_held_lock_shows_why_in_a_box(store, make_window, qtbot, hold_lock, tmp_path, monkeypatch):
    add(store, TEXT)
    window = make_window(store)
    hold_lock()
    monkeypatch.setattr(transfer, "IMPORT_LOCK_WAIT", 0.2)
    path = tmp_path / "more.jsonl"
    path.write_text(json.dumps({"id": "new", "text": "Another article."}) + "\n")
    transfer.run_import(window, [path])
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)), timeout=10000)
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert box.windowTitle() == "Import failed; nothing was imported" and "is writing to" in box.text() and "try again" in box.text().lower()
    assert not store.article_exists("new")


# -- item 4: no duplicates, no punctuation-only spans by accident ----------------------------------


def test_the_same_span_twice_is_refused_with_a_message(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    for _ in range(2):
        drag(qtbot, window.view, 0, 5)
        qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(0, 5, "ACTOR", "Japan")] and window.undo.count() == 1
    assert window.statusBar().currentMessage() == "Already labelled ACTOR there."


def test_a_selection_of_punctuation_is_not_labelled_when_snapping(store, make_window, qtbot):
    add(store, TEXT)
    window = make_window(store)
    end = TEXT.index("today") + 5
    window.view.move_caret(end)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL | SHIFT)  # selects "." after the last word
    assert window.view.selection()[0] == end
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert spans(store) == [] and "only punctuation" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_W)  # snapping off: a character-precise "." can be labelled on purpose
    window.view.select(end, end + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    assert spans(store) == [(end, end + 1, "CLAIM", ".")]


# -- item 5: label keys and the window's own keys ---------------------------------------------------


def test_every_action_of_the_table_is_in_the_window_with_its_keys_and_no_key_is_taken_twice(store, make_window):
    add(store, TEXT)
    window = make_window(store)
    for row in ACTIONS:
        if row.bound:
            assert [k.toString() for k in window.actions[row.name].shortcuts()] == _normal(row.keys)
    taken: dict[str, str] = {}
    for name, action in window.actions.items():
        for key in action.shortcuts():
            assert key.toString() not in taken, f"{key.toString()} is both {taken.get(key.toString())} and {name}"
            taken[key.toString()] = name


def _normal(keys):
    from PySide6.QtGui import QKeySequence

    return [QKeySequence(k).toString() for k in keys]


@pytest.mark.parametrize("keys, owner", [(("S", "2"), "'S' is the window's key for 'Select sentence'"),
                                          (("n", "2"), "'n' is the window's key for 'Note…'"),
                                          (("a", "A"), "key 'A' is already used by ONE (as 'a': case does not count)")])
def test_labels_set_refuses_keys_the_window_or_another_label_owns(tmp_path, keys, owner):
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"labels": [{"name": "ONE", "key": keys[0]}, {"name": "TWO", "key": keys[1]}]}))
    result = CliRunner().invoke(cli, ["labels", "--db", str(tmp_path / "p.db"), "--set", str(path)])
    assert result.exit_code == 1 and owner in result.output.splitlines()[0]


def test_labels_added_by_import_and_merge_never_take_a_window_key(store, tmp_path):
    from annotator.review import merge
    from annotator.store import open_store

    other = open_store(tmp_path / "other.db")
    other.set_labels([Label(f"L{i}", "", "#112233", "") for i in range(14)])
    other.add_article(Article("x", "Japan"))
    for i in range(14):
        other.add_span("x", Span(0, 5, f"L{i}", "Japan", "bob"))
    other.close()
    merge(store, [tmp_path / "other.db"])
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"text": "China", "spans": [{"start": 0, "end": 5, "label": "NEW"}]}) + "\n")
    assert CliRunner().invoke(cli, ["import", str(records), "--db", store.path, "--add-labels"]).exit_code == 0
    keys = [label.key.upper() for label in store.labels() if label.key]
    assert not set(keys) & set(reserved_keys()) and len(keys) == len(set(keys))


def test_a_stored_label_set_with_a_window_key_leaves_that_key_to_the_window(store, make_window, qtbot):
    add(store, TEXT)
    store.set_labels([Label("CLAIM", "", "#0072B2", "S"), Label("ACTOR", "", "#E69F00", "2")])  # written before the check
    window = make_window(store)
    assert "CLAIM: key 'S' is the window's key" in window.statusBar().currentMessage()
    assert window.palette.buttons["CLAIM"].text() == "CLAIM"  # no key shown that it does not answer to
    window.view.move_caret(TEXT.index("Nakatani"))
    qtbot.keyClick(window.view, Qt.Key.Key_S)  # selects the sentence, labels nothing
    assert spans(store) == [] and window.view.selection() == (39, 85)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert spans(store) == [(39, 85, "ACTOR", TEXT[39:85])]


# -- item 6: other programs' changes appear ---------------------------------------------------------


def test_an_import_by_another_program_appears_without_moving_the_user(store, make_window, qtbot, tmp_path):
    add(store, TEXT, "Second article about Berlin.")
    window = make_window(store)
    window.open_article("a001")
    window.view.select(21, 27)  # "Berlin", selected by the user
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": "a001", "text": "Second article about Berlin.", "spans": [
        {"start": 21, "end": 27, "label": "LOCATION", "annotator": "tester"}]}) + "\n"
        + json.dumps({"id": "a002", "text": "A third one."}) + "\n")
    result = CliRunner().invoke(cli, ["import", str(records), "--db", store.path])
    assert result.exit_code == 0, result.output
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 3, timeout=5000)
    qtbot.waitUntil(lambda: len(window.session.spans) == 1, timeout=5000)
    assert window.session.article_id == "a001" and window.view.selection() == (21, 27)
    assert window.span_model.rowCount() == 1 and [m.span_id for m in window.view.index.marks] == list(window.session.spans)
    assert window.list_panel.table.currentIndex().row() == 1
    assert window.status_line.position_label.text() == "Article 2 of 3 · 1 span"
    assert window.status_line.counts_label.text() == "0 done · 0 in progress · 3 to do"


# -- items 7 and 8: the filter, counts and messages follow ------------------------------------------


def test_done_with_the_done_filter_shows_the_article_in_the_list_and_the_counts(store, make_window, qtbot):
    add(store, TEXT, "Second article.")
    window = make_window(store)
    window.list_panel.status.setCurrentIndex(window.list_panel.status.findData("done"))
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 0)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert [row.id for row in window.list_panel.model.rows] == ["a000"]
    assert window.session.article_id == "a001"
    assert window.status_line.counts_label.text().startswith("1 done")
    position = window.status_line.position_label.text()
    assert "No article" not in position and "Second article" in position and "filter done" in position


def test_status_messages_go_with_their_article_and_mode(store, make_window, qtbot):
    add(store, TEXT, "Second article.")
    window = make_window(store)
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # nothing selected: a hint
    assert window.statusBar().currentMessage().startswith("Select some text first")
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, CTRL)
    assert window.statusBar().currentMessage() == ""
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    window.actions["mode:Review"].trigger()
    assert window.statusBar().currentMessage() == ""


# -- item 9: user data is never markup --------------------------------------------------------------

MARKUP = "<b>x</b><img src=x>"


def test_the_article_list_tooltip_shows_the_raw_id(store, make_window, qtbot):
    store.add_article(Article(MARKUP, "Japan"))
    window = make_window(store)
    table = window.list_panel.table
    rect = table.visualRect(window.list_panel.model.index(0, 0))
    QApplication.sendEvent(table.viewport(), _help_event(rect.center(), table.viewport()))
    qtbot.waitUntil(QToolTip.isVisible)
    assert rendered(QToolTip.text()) == MARKUP


def _help_event(pos: QPoint, widget):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent

    return QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))


def test_the_note_dialog_shows_the_span_text_literally(store, make_window, qtbot, monkeypatch):
    store.add_article(Article("a", f"{MARKUP} said Japan"))
    store.add_span("a", Span(0, len(MARKUP), "CLAIM", MARKUP, "tester"))
    window = make_window(store)
    seen = {}

    def look(dialog):
        label = next(label for label in dialog.findChildren(QLabel) if MARKUP in label.text())
        seen["format"] = label.textFormat()
        dialog.reject()

    from annotator.gui import notedialog

    monkeypatch.setattr(notedialog.NoteDialog, "exec", lambda self: (look(self), 0)[1])
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert seen["format"] == Qt.TextFormat.PlainText


def test_an_optional_part_that_fails_to_load_is_said_in_the_status_bar(store, make_window, monkeypatch, tmp_path):
    (tmp_path / "broken_panel.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("annotator.gui.modes.PLUGINS", ("annotator.gui.review", "broken_panel"))
    window = make_window(store)
    message = window.statusBar().currentMessage()
    assert message.startswith("Not loaded: broken_panel left out: RuntimeError: boom")
