"""Draws relations in the article view as arcs between their spans (brat-style): thin ones under the text for every
relation with an end on screen, bold ones with their type over it for those of the current span."""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from ..model import Relation
from .spanpainter import _lines_within


class RelationPainter:
    """Only relations with an end on a visible line are drawn; an end off screen is an arc leaving the view."""

    def __init__(self, view, layer, editor):
        self.view, self.layer, self.editor = view, layer, editor
        self._frame: tuple | None = None
        self._line_height, self._colors = 0.0, {}

    def _visible(self) -> list[tuple[int, float, float, list]]:
        """(block position, left, top, its visible lines) of every block on screen."""
        view = self.view
        area = view.viewport().rect()
        offset, block = view.contentOffset(), view.firstVisibleBlock()
        found = []
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(offset)
            if box.top() > area.bottom():
                break
            lines = _lines_within(block.layout(), box.top(), area)
            if lines:
                found.append((block.position(), box.left(), box.top(), lines))
            block = block.next()
        return found

    def _anchors(self, shown) -> tuple[dict[int, QRectF], int, int]:
        """Span id -> the rectangle of its first visible stretch, for the spans starting on a visible line."""
        if not shown:
            return {}, 0, 0
        lo = shown[0][0] + shown[0][3][0].textStart()
        last = shown[-1]
        hi = last[0] + last[3][-1].textStart() + last[3][-1].textLength()
        lines = [(base + line.textStart(), base, left, top, line) for base, left, top, block_lines in shown
                 for line in block_lines]
        starts = [first for first, *_ in lines]
        rects = {}
        wanted = self._picked()
        for mark in self.view.index.overlapping(lo, hi):
            if mark.start < lo or not self.layer.ends.has(mark.span_id) and mark.span_id not in wanted:
                continue
            i = bisect_right(starts, mark.start) - 1
            first, base, left, top, line = lines[i]
            end = min(mark.end, first + line.textLength())
            x1, x2 = line.cursorToX(mark.start - base)[0], line.cursorToX(end - base)[0]
            rects[mark.span_id] = QRectF(left + min(x1, x2), top + line.y(), abs(x2 - x1), line.height())
        return rects, lo, hi

    def _picked(self) -> tuple[int | None, ...]:
        """The ends of the relation being made, drawn though they have no relation yet."""
        picking = self.editor.picking
        return (picking.source, self.view.session.current) if picking else ()

    def _relations(self, rects: dict[int, QRectF]) -> list[Relation]:
        ids = set()
        for span_id in rects:
            ids.update(self.layer.ends.of(span_id))
        return [self.layer.relations[i] for i in sorted(ids)]

    def paint_under(self, _area) -> None:
        self._frame = self._layout()  # the text is drawn between the two: paint_over draws on the same layout
        self._paint(self._frame, over=False)

    def paint_over(self, _area) -> None:
        frame, self._frame = self._frame, None
        self._paint(frame if frame is not None else self._layout(), over=True)

    def _layout(self) -> tuple | None:
        """(span rectangles, first and last visible position, relations to draw) of this paint, or None."""
        if not self.layer.relations and self.editor.picking is None:
            return None
        shown = self._visible()
        if not shown:
            return None
        rects, lo, hi = self._anchors(shown)
        return rects, lo, self._relations(rects)

    def _paint(self, frame: tuple | None, over: bool) -> None:
        if frame is None:
            return
        rects, lo, relations = frame
        current = self.view.session.current
        self._line_height = QFontMetricsF(self.view.document().defaultFont()).lineSpacing()  # once a paint, not an arc
        self._colors = {name: self._color(name) for name in self.layer.types}
        painter = QPainter(self.view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for relation in relations:
            strong = current in (relation.from_id, relation.to_id) or relation.id == self.editor.current_relation
            if strong == over:
                self._arc(painter, relation.type, relation.from_id, relation.to_id, rects, lo, strong)
        if over and (p := self.editor.picking) is not None:
            if current is not None:
                self._arc(painter, p.type, p.source, current, rects, lo, True, pending=True)
            if p.source in rects:
                self._outline(painter, rects[p.source], self._color(p.type), Qt.PenStyle.DashLine)
        painter.end()

    def _color(self, type_name: str) -> QColor:
        kind = self.layer.types.get(type_name)
        return QColor(kind.color if kind else "#888888")

    def _ends(self, from_id: int, to_id: int, rects, lo: int) -> tuple[QPointF, QPointF] | None:
        """Where an arc starts and ends: the middle of each span's top edge; an end off screen is at the view's top
        or bottom edge, a little right of the other end."""
        a, b = rects.get(from_id), rects.get(to_id)
        if a is None and b is None:
            return None

        def edge(span_id: int, near: QRectF) -> QPointF:
            span = self.view.session.spans.get(span_id)
            above = span is not None and self.view.to_view(span.start) < lo
            return QPointF(near.center().x() + 40, -20.0 if above else self.view.viewport().height() + 20.0)

        start = QPointF(a.center().x() - 3, a.top() + 2) if a is not None else edge(from_id, b)
        end = QPointF(b.center().x() + 3, b.top() + 2) if b is not None else edge(to_id, a)
        return start, end

    def _arc(self, painter: QPainter, type_name: str, from_id: int, to_id: int, rects, lo: int, strong: bool,
             pending: bool = False) -> None:
        ends = self._ends(from_id, to_id, rects, lo)
        if ends is None:
            return
        start, end = ends
        line_height = self._line_height
        known = self._colors.get(type_name)
        color = QColor(known) if known is not None else self._color(type_name)  # a copy: its alpha may change
        if not strong:
            color.setAlpha(235)
        lift = min(line_height * 0.75, 5 + abs(end.x() - start.x()) * 0.12) if abs(end.y() - start.y()) < 1 else line_height * 0.6
        path = QPainterPath(start)
        path.cubicTo(start - QPointF(0, lift * 1.3), end - QPointF(0, lift * 1.3), end)
        pen = QPen(color, 2.6 if strong else 1.0,  # a 1-pixel pen is stroked about 10x faster when antialiased
                   Qt.PenStyle.DashLine if pending else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if not strong:  # a second 1-pixel stroke beside the first reads as a line of 2 pixels, at a fraction of its cost
            painter.drawPath(path.translated(0, 0.8))
        if to_id in rects:
            self._head(painter, end, color, 5 if strong else 4)
        if strong:
            self._tag(painter, path.pointAtPercent(0.5), type_name + ("?" if pending else ""), color)
            other = to_id if self.view.session.current == from_id else from_id
            if other in rects and not pending:
                self._outline(painter, rects[other], color, Qt.PenStyle.SolidLine)

    def _head(self, painter: QPainter, tip: QPointF, color: QColor, size: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF([tip, tip + QPointF(-size * 0.7, -size * 1.4), tip + QPointF(size * 0.7, -size * 1.4)]))

    def _tag(self, painter: QPainter, at: QPointF, text: str, color: QColor) -> None:
        font = QFont(self.view.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.7))
        metrics = QFontMetricsF(font)
        box = QRectF(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height() + 2)
        box.moveCenter(at)
        painter.setFont(font)
        painter.setPen(QPen(color, 1.2))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#222222"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _outline(self, painter: QPainter, rect: QRectF, color: QColor, style) -> None:
        painter.setPen(QPen(color, 2, style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
