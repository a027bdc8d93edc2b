"""The first start asks for the annotator's name once, keeps it, and falls back to the user name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from annotator.gui.app import choose_annotator
from tests.gui.modal import answering

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture()
def unnamed(monkeypatch):
    """No $ANNOTATOR_NAME; the operating-system user is `tester`."""
    monkeypatch.delenv("ANNOTATOR_NAME")
    monkeypatch.setenv("LOGNAME", "tester")


def test_the_first_start_asks_for_a_name_once_and_keeps_it(qtbot, unnamed):
    def type_name(dialog):
        edit = dialog.findChild(QLineEdit)
        assert edit.text() == "tester"  # the user name is offered
        qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(edit, "  Ada Lovelace ")
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    with answering(QInputDialog, type_name) as shown:
        assert choose_annotator(None, interactive=True) == "Ada Lovelace"
    assert len(shown) == 1
    assert QSettings().value("annotator/name") == "Ada Lovelace"
    with answering(QInputDialog, lambda dialog: None) as shown:
        assert choose_annotator(None, interactive=True) == "Ada Lovelace"
        assert choose_annotator("bob", interactive=True) == "bob"  # --annotator wins, and is kept
        assert choose_annotator(None, interactive=True) == "bob"
    assert shown == []


def test_a_cancelled_or_empty_name_is_the_user_name(qtbot, unnamed):
    def cancel(dialog):
        qtbot.keyClick(dialog.findChild(QLineEdit), Qt.Key.Key_Escape)

    with answering(QInputDialog, cancel) as shown:
        assert choose_annotator(None, interactive=True) == "tester"
    assert len(shown) == 1 and QSettings().value("annotator/name") == "tester"
    QSettings().clear()

    def erase(dialog):
        edit = dialog.findChild(QLineEdit)
        qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(edit, "   ")
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    with answering(QInputDialog, erase) as shown:
        assert choose_annotator(None, interactive=True) == "tester"
    assert len(shown) == 1 and QSettings().value("annotator/name") == "tester"


def test_without_a_screen_nothing_is_asked(qtbot):
    with answering(QInputDialog, lambda dialog: None) as shown:
        assert choose_annotator(None, interactive=False) == "tester"
    assert shown == [] and QSettings().value("annotator/name") is None


def test_annotator_name_in_the_environment_wins_over_the_saved_name_and_is_not_kept(qtbot, monkeypatch):
    QSettings().setValue("annotator/name", "saved")
    monkeypatch.setenv("ANNOTATOR_NAME", "alice")
    with answering(QInputDialog, lambda dialog: None) as shown:
        assert choose_annotator(None, interactive=True) == "alice"
        assert choose_annotator("bob", interactive=True) == "bob"  # --annotator wins over both
    assert shown == [] and QSettings().value("annotator/name") == "bob"
    QSettings().clear()
