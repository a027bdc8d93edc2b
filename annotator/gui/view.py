"""The article view: read-only plain text, spans drawn by the highlighter, selections mapped to code points."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QTextCharFormat, QTextCursor, QTextLine, QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QToolTip

from ..model import Span
from . import spanedits
from .highlighter import SpanHighlighter, text_color_on
from .session import Session
from .spanindex import BlockIndex


class ArticleView(QPlainTextEdit):
    """Shows the session's article as plain text (never HTML) and keeps its span index in step with the session."""

    clicked = Signal(int)  # view position of a click that selected nothing
    tabbed = Signal(bool)  # Tab (True) or Shift+Tab (False)

    def __init__(self, session: Session, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.session = session
        self.colors = colors
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.15)
        self.setFont(font)
        self.index = BlockIndex("", session.offsets)
        self.highlighter = SpanHighlighter(self.document(), self.index, colors)
        self._pending: set[int] = set()  # blocks whose formats are not yet drawn from the index
        self._background = QTimer(self, interval=0)
        self._background.timeout.connect(self._highlight_some)
        self.find_hits: list[tuple[int, int]] = []  # view positions
        self._press = QPoint()
        self._word_selected = (-1.0, QPoint())  # when and where a double-click selected a word: a click soon after
        session.opened.connect(self._show_article)
        session.spansReset.connect(self._rebuild)
        session.spanAdded.connect(self._added)
        session.spanRemoved.connect(self._removed)
        session.spanUpdated.connect(self._updated)
        session.currentChanged.connect(self._current_changed)

    # -- keeping in step with the session -------------------------------------------------------

    def _show_article(self) -> None:
        self.find_hits = []
        text = self.session.article.text if self.session.article else ""
        self.index = self.highlighter.index = BlockIndex(text, self.session.offsets)  # empty: a fast first pass
        self._pending = set()
        self.setPlainText(text)

    def _rebuild(self) -> None:
        """File every span, draw the visible blocks now and the others a few at a time when idle."""
        before = self.index.marked_blocks()
        self.index = self.highlighter.index = self.index.emptied()
        self.index.add_all(self.session.spans.values())
        self._pending |= before | self.index.marked_blocks()
        self._highlight_visible()
        if self._pending:
            self._background.start()
        self._mark_extras()

    def _highlight_visible(self) -> None:
        block, offset = self.firstVisibleBlock(), self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid() and self._pending:
            if self.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            if block.blockNumber() in self._pending:
                self._pending.discard(block.blockNumber())
                self.highlighter.rehighlightBlock(block)
            block = block.next()

    def _highlight_some(self, count: int = 60) -> None:
        document = self.document()
        for number in sorted(self._pending)[:count]:
            self._pending.discard(number)
            self.highlighter.rehighlightBlock(document.findBlockByNumber(number))
        if not self._pending:
            self._background.stop()

    def finish_highlighting(self) -> None:
        """Draw every block's spans now (tests, screenshots)."""
        while self._pending:
            self._highlight_some(len(self._pending))

    def paintEvent(self, event) -> None:  # noqa: N802
        if self._pending:
            self._highlight_visible()  # scrolled ahead of the background pass
        super().paintEvent(event)

    def _repaint(self, blocks: range) -> None:
        document = self.document()
        for number in blocks:
            self._pending.discard(number)
            self.highlighter.rehighlightBlock(document.findBlockByNumber(number))

    def _added(self, span: Span) -> None:
        self._repaint(self.index.add(span))

    def _removed(self, span: Span) -> None:
        self._repaint(self.index.remove(span))

    def _updated(self, old: Span, new: Span) -> None:
        self._repaint(self.index.remove(old))
        self._repaint(self.index.add(new))
        self._mark_extras()

    def _current_changed(self, span_id) -> None:
        span = self.session.spans.get(span_id)
        if span is not None:
            cursor = self.textCursor()
            cursor.setPosition(self.to_view(span.start))
            self.setTextCursor(cursor)  # no selection: the current span is marked, not selected
            self.ensureCursorVisible()
        self._mark_extras()

    def _mark_extras(self) -> None:
        """The current span and find hits: a handful of extra selections, cheap to repaint."""
        extras = []
        for start, end in self.find_hits:
            extras.append(self._extra(start, end, QColor("#FFE066"), QColor("black")))
        span = self.session.spans.get(self.session.current)
        if span is not None:
            color = QColor(self.colors.get(span.label, "#444444"))
            extras.append(self._extra(self.to_view(span.start), self.to_view(span.end), color, text_color_on(color)))
        self.setExtraSelections(extras)

    def _extra(self, start: int, end: int, background: QColor, foreground: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        fmt.setForeground(foreground)
        selection.format = fmt
        return selection

    # -- positions ---------------------------------------------------------------------------

    def to_view(self, cp: int) -> int:
        return self.session.offsets.to_units(cp)

    def to_cp(self, unit: int) -> int:
        return self.session.offsets.to_cp(unit)

    def selection(self) -> tuple[int, int]:
        """The selected range in code points of the stored text; empty when nothing is selected."""
        cursor = self.textCursor()
        return self.to_cp(cursor.selectionStart()), self.to_cp(cursor.selectionEnd())

    def select(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.to_view(start))
        cursor.setPosition(self.to_view(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def move_caret(self, cp: int) -> None:
        """Put the caret at a code-point offset, selecting nothing."""
        cursor = self.textCursor()
        cursor.setPosition(self.to_view(cp))
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def show_find_hits(self, hits: list[tuple[int, int]]) -> None:
        self.find_hits = [(self.to_view(s), self.to_view(e)) for s, e in hits]
        self._mark_extras()

    # -- events -------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and _is_tab(event):
            self.tabbed.emit(event.key() == Qt.Key.Key_Tab and not event.modifiers())
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            self._show_labels_at(event)
            return True
        return super().viewportEvent(event)

    def position_at(self, point: QPoint) -> int:
        """The view position of the character under `point` (not the caret gap nearest to it)."""
        cursor = self.cursorForPosition(point)
        block = cursor.block()
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        if not line.isValid():
            return cursor.position()
        left = self.blockBoundingGeometry(block).translated(self.contentOffset()).left()
        return block.position() + line.xToCursor(point.x() - left, QTextLine.CursorPosition.CursorOnCharacter)

    def _show_labels_at(self, event) -> None:
        position = self.position_at(event.pos())
        names = [self.session.spans[i].label for i in self.index.span_ids_at(position) if i in self.session.spans]
        if names:
            QToolTip.showText(event.globalPos(), "<qt>" + html.escape(" inside ".join(names)) + "</qt>", self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press = event.position().toPoint()
        when, where = self._word_selected
        soon = time.monotonic() - when < QApplication.doubleClickInterval() / 1000
        if soon and (self._press - where).manhattanLength() < QApplication.startDragDistance():
            self._word_selected = (-1.0, QPoint())  # a triple click: the whole line (Qt's own needs its double-click)
            cursor = self.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        moved = (event.position().toPoint() - self._press).manhattanLength()
        if event.button() == Qt.MouseButton.LeftButton and moved < 3 and not self.textCursor().hasSelection():
            self.clicked.emit(self.position_at(event.position().toPoint()))

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        """Select the word under the mouse as the label keys see words (Qt's own take a whole run of CJK or Thai)."""
        if event.button() == Qt.MouseButton.LeftButton and self.session.article is not None:
            position = self.to_cp(self.position_at(event.position().toPoint()))
            word = spanedits.word_at(self.session.article.text, position)
            if word is not None:
                self.select(*word)
                self._word_selected = (time.monotonic(), event.position().toPoint())
                return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Ctrl(+Shift)+Left/Right step by the same words as double-click, snapping and the label keys."""
        step = next((s for key, s in _WORD_KEYS.items() if event.matches(key)), None)
        if step is None or self.session.article is None:
            super().keyPressEvent(event)
            return
        forward, extend = step
        cursor = self.textCursor()
        if cursor.block().textDirection() == Qt.LayoutDirection.RightToLeft:
            forward = not forward  # Right goes back in the text of a right-to-left paragraph
        move = spanedits.next_word if forward else spanedits.previous_word
        target = move(self.session.article.text, self.to_cp(cursor.position()))
        mode = QTextCursor.MoveMode.KeepAnchor if extend else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(self.to_view(target), mode)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def set_colors(self, colors: dict[str, str]) -> None:
        """New label colours: redraw every span."""
        self.colors = colors
        self.highlighter.set_colors(colors)
        self._rebuild()

    def zoom(self, steps: int) -> None:
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)


_WORD_KEYS = {  # standard key -> (forward, extend the selection)
    QKeySequence.StandardKey.MoveToNextWord: (True, False),
    QKeySequence.StandardKey.MoveToPreviousWord: (False, False),
    QKeySequence.StandardKey.SelectNextWord: (True, True),
    QKeySequence.StandardKey.SelectPreviousWord: (False, True),
}


def _is_tab(event) -> bool:
    """Tab or Shift+Tab without Ctrl or Alt: moves between spans instead of moving the focus."""
    held = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not held
