"""The article view: read-only plain text, spans painted under the visible lines, selections mapped to code points."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from ..model import Span
from .highlighter import text_color_on, tint
from .session import Session
from .spanindex import SpanIndex

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
        self._tints: dict[str, QColor] = {}
        self._directions: dict[int, bool] = {}  # block number: right-to-left
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # the margins around the reading column are paper too
        self.find_hits: list[tuple[int, int]] = []  # view positions
        self._press = QPoint()
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
        self._directions = {}
        self.setPlainText(text)

    def _rebuild(self) -> None:
        """File every span again and repaint."""
        self.index.reset(self.session.spans.values())
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
        painter = QPainter(self.viewport())
        self._paint_spans(painter, event.rect())
        painter.end()
        super().paintEvent(event)  # the text over the tints

    def _paint_spans(self, painter: QPainter, area: QRect) -> None:
        """Tint and underline the spans on the lines inside `area`: the cost is the visible lines', whatever the block."""
        offset, block = self.contentOffset(), self.firstVisibleBlock()
        metrics = QFontMetricsF(self.document().defaultFont())
        underline = metrics.ascent() + metrics.underlinePos(), max(1.0, metrics.lineWidth())
        while block.isValid():
            box = self.blockBoundingGeometry(block).translated(offset)
            if box.top() > area.bottom():
                break
            if box.bottom() >= area.top():
                if not block.layout().cacheEnabled():
                    # Qt shapes an uncached block again for every cursorToX and paint: 5 ms a call on 1 MB.
                    # Kept, the shaped text of a 5 MB paragraph costs about 50 MB.
                    block.layout().setCacheEnabled(True)
                lines = _lines_within(block.layout(), box.top(), area)
                self._align(block, lines)
                if lines:
                    self._paint_lines(painter, block, box.topLeft(), lines, underline)
            block = block.next()

    def _paint_lines(self, painter: QPainter, block, origin: QPointF, lines: list, underline) -> None:
        base = block.position()
        lo, hi = base + lines[0].textStart(), base + lines[-1].textStart() + lines[-1].textLength()
        found = self.index.runs(lo, hi)
        if not found:
            return
        k = 0
        for line in lines:
            start = base + line.textStart()
            end = start + line.textLength()
            while k < len(found) and found[k].end <= start:
                k += 1
            rtl = self.index.has_rtl(start, end)
            top = origin.y() + line.y()
            for run in found[k:]:
                if run.start >= end:
                    break
                for left, right in _extents(line, max(run.start, start) - base, min(run.end, end) - base, rtl):
                    x, width = origin.x() + left, right - left
                    painter.fillRect(QRectF(x, top, width, line.height()), self._tint(run.inner))
                    painter.fillRect(QRectF(x, top + underline[0], width, underline[1]), self._color(run.outer))

    def _tint(self, label: str) -> QColor:
        if label not in self._tints:
            self._tints[label] = tint(self._color(label))
        return self._tints[label]

    def _color(self, label: str) -> QColor:
        return QColor(self.colors.get(label, "#888888"))

    def _align(self, block, lines: list) -> None:
        """Lay the lines of a paragraph whose first strong character is right-to-left against the right edge.

        QPlainTextEdit lays every block out with the document's one alignment, so the lines about to be painted
        are moved here (Qt puts them back at the left whenever it lays the block out again).
        """
        number = block.blockNumber()
        if number not in self._directions:
            self._directions[number] = block.textDirection() == Qt.LayoutDirection.RightToLeft
        if not self._directions[number]:
            return
        margin = self.document().documentMargin()
        for line in lines:
            left = line.width() - line.naturalTextWidth() + margin
            if line.x() != left:
                line.setPosition(QPointF(left, line.y()))

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
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        moved = (event.position().toPoint() - self._press).manhattanLength()
        if event.button() == Qt.MouseButton.LeftButton and moved < 3 and not self.textCursor().hasSelection():
            self.clicked.emit(self.position_at(event.position().toPoint()))

    def set_colors(self, colors: dict[str, str]) -> None:
        """New label colours: redraw every span."""
        self.colors = colors
        self._tints = {}
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


def _lines_within(layout, top: float, area: QRect) -> list:
    """The laid-out lines of a block (its top at `top`) that cross `area`, found by bisection."""
    count = layout.lineCount()
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if top + layout.lineAt(middle).rect().bottom() < area.top():
            low = middle + 1
        else:
            high = middle
    lines = []
    while low < count and top + (line := layout.lineAt(low)).y() <= area.bottom():
        lines.append(line)
        low += 1
    return lines


def _extents(line, start: int, end: int, rtl: bool) -> list[tuple[float, float]]:
    """Left and right x of [start, end) on a line: one stretch, or in mixed-direction text one per glyph run."""
    if not rtl:
        left, right = line.cursorToX(start)[0], line.cursorToX(end)[0]
        return [(min(left, right), max(left, right))]
    stretches: list[list[float]] = []
    for run in line.glyphRuns(start, end - start):
        advances = run.rawFont().advancesForGlyphIndexes(run.glyphIndexes())
        for position, advance in zip(run.positions(), advances, strict=False):
            stretches.append([position.x(), position.x() + advance.x()])
    stretches.sort()
    merged: list[list[float]] = []
    for left, right in stretches:
        if merged and left <= merged[-1][1] + 0.5:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    return [(left, right) for left, right in merged]


def _is_tab(event) -> bool:
    """Tab or Shift+Tab without Ctrl or Alt: moves between spans instead of moving the focus."""
    held = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    return event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not held
