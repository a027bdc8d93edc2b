"""The article view: read-only plain text, spans painted under the visible lines, selections mapped to code points."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPalette,
    QRegion,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QToolTip

from ..model import Span
from . import spanedits
from .highlighter import text_color_on
from .session import Session
from .spanindex import SpanIndex
from .spanpainter import SpanPainter

READING_CHARACTERS = 100  # a comfortable line length


class ArticleView(QPlainTextEdit):
    """Shows the session's article as plain text (never HTML) and keeps its span index in step with the session."""

    clicked = Signal(int)  # view position of a click that selected nothing
    tabbed = Signal(bool)  # Tab (True) or Shift+Tab (False)

    def __init__(self, session: Session, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.reading_width = True  # lines wrap at READING_CHARACTERS when the view is wider
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
        self.index = SpanIndex("", session.offsets)
        self.span_painter = SpanPainter(self)
        self.underlays: list = []  # callables(rect) painting under the text, before it is drawn (relation arcs)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins around the reading column are paper too
        self.find_hits: list[tuple[int, int]] = []  # view positions
        self.paint_region = QRegion()
        self.overlays: list = []  # callables(rect) painting over the text after it is drawn (suggestions, chosen relations)
        self._press = QPoint()
        self._word_dragged: tuple[int, int] | None = None  # the double-clicked word a held button extends by words
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
        self.index = SpanIndex(text, self.session.offsets)
        self.span_painter.forget_blocks()
        self.setPlainText(text)

    def _rebuild(self) -> None:
        """File every span again and repaint."""
        self.index.reset_outlines(self.session.spans.outlines)
        self.viewport().update()
        self._mark_extras()

    def _added(self, span: Span) -> None:
        self.index.add(span)
        self.viewport().update()  # spans are painted, not formats: no block is laid out again

    def _removed(self, span: Span) -> None:
        self.index.remove(span)
        self.viewport().update()

    def _updated(self, old: Span, new: Span) -> None:
        self.index.remove(old)
        self.index.add(new)
        self.viewport().update()
        self._mark_extras()

    # -- drawing spans ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        self.paint_region = event.region()  # what this paint covers: the painters' rectangle is its bounding one
        self.span_painter.paint(event.rect())
        for underlay in self.underlays:
            underlay(event.rect())
        super().paintEvent(event)  # the text over the tints
        for overlay in self.overlays:
            overlay(event.rect())

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
        self._word_dragged = None
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

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        """After a double-click, dragging with the button held grows the selection word by word, as Qt's would."""
        if self._word_dragged is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        start, end = self._word_dragged
        position = self.to_cp(self.position_at(event.position().toPoint()))
        word = spanedits.word_at(self.session.article.text, position) or (position, position)
        if word[0] < start:
            self.select(end, word[0])  # the caret follows the mouse, the word stays selected
        else:
            self.select(start, max(end, word[1]))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._word_dragged is not None:
            self._word_dragged = None
            return
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
                self._word_dragged = word
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
        self.span_painter.forget_colors()
        self._rebuild()

    def zoom(self, steps: int) -> None:
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)  # passes the new font on to the document
        if event.type() == QEvent.Type.FontChange:  # zoom by keys or Ctrl+wheel: the column is counted in characters
            self._fit_reading_width()

    # -- reading width ---------------------------------------------------------------------------

    def set_reading_width(self, on: bool) -> None:
        """Wrap lines at about READING_CHARACTERS characters (a centred column) when the view is wider, or not."""
        self.reading_width = on
        self._fit_reading_width()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._fit_reading_width()
        super().resizeEvent(event)

    def _fit_reading_width(self) -> None:
        column = QFontMetricsF(self.document().defaultFont()).averageCharWidth() * READING_CHARACTERS
        column += 2 * self.document().documentMargin()
        bar = self.verticalScrollBar().sizeHint().width()
        spare = self.width() - 2 * self.frameWidth() - bar - column if self.reading_width else 0
        left = max(0, int(spare // 2))
        if self.viewportMargins().left() != left:
            self.setViewportMargins(left, 0, max(0, int(spare) - left), 0)


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
