"""OffsetMap and the view's block index agree with what QPlainTextEdit.setPlainText makes of a text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.spanindex import BlockIndex
from annotator.offsets import OffsetMap
from tests.conftest import HARD_TEXTS

# Line and paragraph separators and control characters, each checked against Qt 6.11:
# "\r\n" and a lone "\r" become one block break, U+2029 is one, U+2028 stays a character in its block.
ODD_BREAKS = [
    "a\rb", "a\r\r\nb", "a\r\n\nb", "\r\nstart", "end\r", "a\u2028b", "a\u2029b", "nul\x00here",
    "vt\x0bff\x0cnel\x85", "bom\ufeffinside", "\n\n\r\n\r\r", "",
]
TEXTS = HARD_TEXTS + ODD_BREAKS
BREAKS = {"\r\n": "\u2029", "\r": "\u2029", "\n": "\u2029"}


def as_qt_shows(text: str) -> str:
    """The text as QTextCursor.selectedText() gives it back: every block break as U+2029."""
    return text.replace("\r\n", "\u2029").replace("\r", "\u2029").replace("\n", "\u2029")


@pytest.fixture
def edit(qtbot):
    widget = QPlainTextEdit()
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_every_code_point_maps_to_the_qt_position_of_the_same_prefix(edit, text):
    edit.setPlainText(text)
    offsets = OffsetMap(text, fold_crlf=True)
    document = edit.document()
    assert document.characterCount() - 1 == offsets.units_length
    cursor = QTextCursor(document)
    for cp in range(len(text) + 1):
        cursor.setPosition(0)
        cursor.setPosition(offsets.to_units(cp), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == as_qt_shows(text[:cp]), cp


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_qt_positions_map_back_to_the_code_point_where_that_character_starts(edit, text):
    edit.setPlainText(text)
    offsets = OffsetMap(text, fold_crlf=True)
    for cp in range(len(text) + 1):
        inside_crlf = 0 < cp < len(text) and text[cp - 1 : cp + 1] == "\r\n"
        if not inside_crlf:
            assert offsets.to_cp(offsets.to_units(cp)) == cp


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_block_index_starts_where_qt_blocks_start(edit, text):
    edit.setPlainText(text)
    block, starts = edit.document().begin(), []
    while block.isValid():
        starts.append(block.position())
        block = block.next()
    assert BlockIndex(text, OffsetMap(text, fold_crlf=True)).block_starts == starts
