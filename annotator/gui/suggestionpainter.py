"""Paints the open article's suggestions over its visible lines: a dashed outline in the label's colour, unlike a span."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from .spanpainter import _extents, _lines_within


class SuggestionPainter:
    """Draws the layer's suggestions line by line after the text (outlines only, so no text is covered); the chosen
    one gets a faint fill and a thicker outline."""

    def __init__(self, view, layer):
        self.view = view
        self.layer = layer

    def paint(self, area: QRect) -> None:
        if not self.layer.index.marks:
            return
        view = self.view
        painter = QPainter(view.viewport())
        offset, block = view.contentOffset(), view.firstVisibleBlock()
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(offset)
            if box.top() > area.bottom():
                break
            if box.bottom() >= area.top():
                lines = _lines_within(block.layout(), box.top(), area)
                if lines:
                    self._paint_lines(painter, block, box.topLeft(), lines)
            block = block.next()
        painter.end()

    def _paint_lines(self, painter: QPainter, block, origin, lines: list) -> None:
        index, base = self.layer.index, block.position()
        marks = index.overlapping(base + lines[0].textStart(), base + lines[-1].textStart() + lines[-1].textLength())
        for line in lines:
            start = base + line.textStart()
            end = start + line.textLength()
            rtl = index.has_rtl(start, end)
            top = origin.y() + line.y()
            for mark in marks:
                if mark.end <= start or mark.start >= end:
                    continue
                chosen = mark.span_id == self.layer.current
                color = QColor(self.view.colors.get(mark.label, "#888888"))
                for left, right in _extents(line, max(mark.start, start) - base, min(mark.end, end) - base, rtl):
                    box = QRectF(origin.x() + left, top + 1, right - left, line.height() - 2)
                    if chosen:
                        fill = QColor(color)
                        fill.setAlpha(70)
                        painter.fillRect(box, fill)
                    painter.setPen(QPen(color, 2.5 if chosen else 1.5, Qt.PenStyle.DashLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(box)
