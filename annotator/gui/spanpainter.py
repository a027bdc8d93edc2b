"""Paints spans under the visible lines of the article view: the innermost span's tint, the outermost's underline."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from .highlighter import tint


class SpanPainter:
    """Draws the view's span index line by line, under the text: the cost is the visible lines', whatever the block.

    Formats are never set on the blocks, so adding or deleting a span lays nothing out again: it only repaints.
    Paragraphs whose first strong character is right-to-left get their painted lines moved to the right edge.
    """

    def __init__(self, view):
        self.view = view
        self._tints: dict[str, QColor] = {}
        self._directions: dict[int, bool] = {}  # block number: right-to-left

    def forget_blocks(self) -> None:
        """A new text: block directions are worked out again."""
        self._directions = {}

    def forget_colors(self) -> None:
        self._tints = {}

    def paint(self, area: QRect) -> None:
        view = self.view
        painter = QPainter(view.viewport())
        offset, block = view.contentOffset(), view.firstVisibleBlock()
        metrics = QFontMetricsF(view.document().defaultFont())
        underline = metrics.ascent() + metrics.underlinePos(), max(1.0, metrics.lineWidth())
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(offset)
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
        painter.end()

    def _paint_lines(self, painter: QPainter, block, origin: QPointF, lines: list, underline) -> None:
        index, base = self.view.index, block.position()
        found = index.runs(base + lines[0].textStart(), base + lines[-1].textStart() + lines[-1].textLength())
        k = 0
        for line in lines:
            start = base + line.textStart()
            end = start + line.textLength()
            while k < len(found) and found[k].end <= start:
                k += 1
            rtl = index.has_rtl(start, end)
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
        return QColor(self.view.colors.get(label, "#888888"))

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
        margin = self.view.document().documentMargin()
        for line in lines:
            left = line.width() - line.naturalTextWidth() + margin
            if line.x() != left:
                line.setPosition(QPointF(left, line.y()))


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
