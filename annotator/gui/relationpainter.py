"""Draws relations in the article view as arcs between their spans (brat-style): thin ones under the text for every
relation with an end on screen, bold ones with their type over it for those of the current span. An edit repaints
only the rectangles of the arcs it changed."""

from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF, QRegion

from .spanpainter import _lines_within

MARGIN = 4  # pixels around an arc's points, head, tag and outline that its antialiased strokes may touch
CURVE_STEPS = 8  # boxes along an arc that together cover it


class Frame(NamedTuple):
    """Where the spans starting on visible lines are drawn, at one scroll position, size and font of the view."""

    key: tuple
    rects: dict[int, QRectF]  # span id -> the rectangle of its first visible stretch
    lo: int  # first and last visible view position
    hi: int
    line_height: float
    tag_font: QFont


class Arc(NamedTuple):
    """An arc as drawn, with everything its pixels depend on: two equal Arcs look the same."""

    type: str
    rgba: int
    start: tuple[float, float]
    end: tuple[float, float]
    strong: bool
    pending: bool  # the relation being made
    head: bool  # its to span is on screen
    outline: tuple | None  # (x, y, width, height) of the other end of a strong arc, outlined


class Box(NamedTuple):
    """The dashed outline of the span a relation is being made from."""

    rect: tuple
    rgba: int


class RelationPainter:
    """Only relations with an end on a visible line are drawn; an end off screen is an arc leaving the view.

    What is on screen is kept (`_shown`: each arc and the rectangle it covers); a change repaints the rectangles of
    the arcs that differ from it. When that cannot be known (scrolled since, an end not laid out), all of the view."""

    def __init__(self, view, layer, editor):
        self.view, self.layer, self.editor = view, layer, editor
        self._frame: Frame | None = None  # of the last paint
        self._plan_now: list = []  # this paint's, between paint_under and paint_over
        self._shown: dict | None = None  # item -> its rectangle, as on screen; None: not known
        self._shown_key: tuple | None = None
        self._new_spans: set[int] = set()  # added since the frame was laid out: not in its rectangles
        self._version = 0  # of the layer's relations, counted here
        self._on_screen: tuple = (None, -1, [])  # (frame, version, relations with an end on a visible line)
        self._items: dict = {}  # (relation, strong, outlined end) -> (Arc, rectangle) | None, for the frame
        self._refreshed: tuple | None = None  # what the last refresh worked from
        self._held = 0
        session = view.session
        session.opened.connect(self.forget)
        session.spansReset.connect(self.forget)
        session.spanAdded.connect(lambda span: self._new_spans.add(span.id))
        session.spanUpdated.connect(lambda old, new: (old.start, old.end) != (new.start, new.end) and self.forget())

    # -- what changed ------------------------------------------------------------------------------

    def forget(self, *_) -> None:
        """Lay out again at the next paint and repaint all of the view."""
        self._frame, self._shown, self._version = None, None, self._version + 1
        self.view.viewport().update()

    def relations_changed(self, *_) -> None:
        self._version += 1
        self.refresh()

    @contextmanager
    def held(self):
        """The arcs changed by the edits made inside are repainted once, at the end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            self.refresh()

    def refresh(self, *_) -> None:
        """Repaint the rectangles of the arcs drawn now and not to be drawn, and of those to be drawn and not now."""
        if self._held:
            return
        shown, frame, picking = self._shown, self._frame, self.editor.picking
        inputs = (frame, self._version, self.view.session.current, self.editor.current_relation,
                  picking and (picking.source, picking.type), shown is None, len(self._new_spans))
        if inputs == self._refreshed:  # what changed since asked for its repaint already
            return
        self._refreshed = inputs
        if shown == {} and not self._wanted():
            return
        if shown is None or frame is None or self._shown_key != frame.key or frame.key != self._key():
            self.view.viewport().update()
            return
        plan = self._plan(frame) if self._wanted() else []
        if plan is None:
            self.view.viewport().update()
            return
        planned = dict(plan)
        region = QRegion()
        for item in shown.keys() ^ planned.keys():
            region = region.united(shown.get(item) or planned[item])
        if not region.isEmpty():
            self.view.viewport().update(region)

    def _wanted(self) -> bool:
        return bool(self.layer.relations) or self.editor.picking is not None

    def _key(self) -> tuple:
        """What the places of spans on screen depend on."""
        view = self.view
        viewport = view.viewport()
        offset = view.contentOffset()
        return (view.verticalScrollBar().value(), view.horizontalScrollBar().value(), viewport.width(),
                viewport.height(), offset.x(), offset.y(), view.firstVisibleBlock().blockNumber(),
                view.document().revision(), view.document().defaultFont().key())

    # -- painting ----------------------------------------------------------------------------------

    def paint_under(self, area: QRect) -> None:
        self._plan_now = self._plan_for_paint()
        self._draw(area, over=False)

    def paint_over(self, area: QRect) -> None:
        self._draw(area, over=True)
        key = self._key()
        whole = QRegion(self.view.viewport().rect()).subtracted(self.view.paint_region).isEmpty()
        if whole or (self._shown is not None and self._shown_key == key):
            self._shown, self._shown_key = dict(self._plan_now), key
        else:  # scrolled: Qt moved the old pixels and asked for the rest only
            self._shown = None

    def _plan_for_paint(self) -> list:
        if not self._wanted():
            return []
        frame = self._frame
        plan = self._plan(frame) if frame is not None and frame.key == self._key() else None
        if plan is None:
            self._frame = frame = self._layout()
            self._items, self._new_spans = {}, set()
            plan = self._plan(frame) if frame is not None else []
        return plan or []

    def _draw(self, area: QRect, over: bool) -> None:
        region = self.view.paint_region  # `area` is its bounding rectangle
        items = [item for item, where in self._plan_now if (over if isinstance(item, Box) else item.strong == over)
                 and region.intersects(where)]
        if not items:
            return
        painter = QPainter(self.view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in items:
            if isinstance(item, Box):
                draw_outline(painter, QRectF(*item.rect), QColor.fromRgba(item.rgba), Qt.PenStyle.DashLine)
            else:
                draw_arc(painter, item, self._frame)
        painter.end()

    # -- laying out --------------------------------------------------------------------------------

    def _layout(self) -> Frame | None:
        """The rectangles of the spans starting on a visible line, or None when no line is visible."""
        shown = self._visible()
        if not shown:
            return None
        lo = shown[0][0] + shown[0][3][0].textStart()
        last = shown[-1]
        hi = last[0] + last[3][-1].textStart() + last[3][-1].textLength()
        lines = [(base + line.textStart(), base, left, top, line) for base, left, top, block_lines in shown
                 for line in block_lines]
        starts = [first for first, *_ in lines]
        rects = {}
        for mark in self.view.index.overlapping(lo, hi):
            if mark.start < lo:
                continue
            first, base, left, top, line = lines[bisect_right(starts, mark.start) - 1]
            end = min(mark.end, first + line.textLength())
            x1, x2 = line.cursorToX(mark.start - base)[0], line.cursorToX(end - base)[0]
            rects[mark.span_id] = QRectF(left + min(x1, x2), top + line.y(), abs(x2 - x1), line.height())
        font = QFont(self.view.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.7))
        line_height = QFontMetricsF(self.view.document().defaultFont()).lineSpacing()
        return Frame(self._key(), rects, lo, hi, line_height, font)

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

    def _plan(self, frame: Frame) -> list | None:
        """(item, rectangle) of every arc and outline to draw, in drawing order; None when a span added since the
        frame was laid out is an end on screen."""
        if self._new_spans and not self._new_spans_off_screen(frame):
            return None
        rects, current, chosen, picking = frame.rects, self.view.session.current, self.editor.current_relation, self.editor.picking
        plan, items = [], self._items
        for relation in self._relations_on_screen(frame):
            from_id, to_id = relation.from_id, relation.to_id
            strong = current in (from_id, to_id) or relation.id == chosen
            key = (relation, strong, (to_id if current == from_id else from_id) if strong else None)
            item = items.get(key, False)
            if item is False:
                item = items[key] = self._arc_item(frame, relation.type, from_id, to_id, strong)
            if item is not None:
                plan.append(item)
        if picking is not None:
            if current is not None and (item := self._arc_item(frame, picking.type, picking.source, current, True, True)):
                plan.append(item)
            if picking.source in rects:
                box = Box(rects[picking.source].getRect(), self._color(picking.type).rgba())
                area = QRectF(*box.rect).adjusted(-2 - MARGIN, -MARGIN, 2 + MARGIN, MARGIN).toAlignedRect()
                plan.append((box, QRegion(area)))
        return plan

    def _relations_on_screen(self, frame: Frame) -> list:
        """The relations with an end on a visible line, by id."""
        seen_frame, version, relations = self._on_screen
        if seen_frame is not frame or version != self._version:
            ids = set()
            for span_id in frame.rects:
                ids.update(self.layer.ends.of(span_id))
            relations = [self.layer.relations[i] for i in sorted(ids)]
            self._on_screen = (frame, self._version, relations)
        return relations

    def _new_spans_off_screen(self, frame: Frame) -> bool:
        """Whether every span added since the frame starts off its visible lines."""
        to_view, spans = self.view.to_view, self.view.session.spans
        for span_id in self._new_spans:
            outline = spans.outline(span_id)
            if outline is not None and frame.lo <= to_view(outline[0]) < frame.hi:
                return False
        return True

    def _arc_item(self, frame: Frame, type_name: str, from_id: int, to_id: int, strong: bool,
                  pending: bool = False) -> tuple[Arc, QRegion] | None:
        rects = frame.rects
        ends = self._ends(from_id, to_id, rects, frame.lo)
        if ends is None:
            return None
        color = self._color(type_name)
        if not strong:
            color.setAlpha(235)
        outline = None
        if strong and not pending:
            other = to_id if self.view.session.current == from_id else from_id
            outline = rects[other].getRect() if other in rects else None
        arc = Arc(type_name, color.rgba(), ends[0].toTuple(), ends[1].toTuple(), strong, pending, to_id in rects, outline)
        return arc, self._area_of(arc, frame)

    def _area_of(self, arc: Arc, frame: Frame) -> QRegion:
        """Where an arc's pixels lie: boxes along its curve (one box round a long arc would be mostly empty), its
        head, tag and outline."""
        path = arc_path(arc, frame)
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((path.elementAt(i).x, path.elementAt(i).y) for i in range(4))
        # a curve strays from its chord over a step of t by at most max|B''| t² / 8, and |B''| <= 6 (|P3 - P0| + lift)
        stray = 0.75 * (abs(x3 - x0) + abs(y3 - y0) + abs(y1 - y0)) / CURVE_STEPS ** 2 + MARGIN
        points = []
        for i in range(CURVE_STEPS + 1):
            t = i / CURVE_STEPS
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
        area = QRegion()
        for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
            left, top = int(min(xa, xb) - stray), int(min(ya, yb) - stray)
            area = area.united(QRect(left, top, int(abs(xb - xa) + 2 * stray) + 2, int(abs(yb - ya) + 2 * stray) + 3))
        boxes = [QRectF(x3 - 4 - MARGIN, y3 - 8 - MARGIN, 8 + 2 * MARGIN, 8 + 2 * MARGIN)]  # the head
        if arc.strong:
            boxes.append(tag_box(path, tag_text(arc), frame).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
        if arc.outline is not None:
            boxes.append(QRectF(*arc.outline).adjusted(-2 - MARGIN, -MARGIN, 2 + MARGIN, MARGIN))
        for box in boxes:
            area = area.united(box.toAlignedRect())
        return area

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
            span = self.view.session.spans.outline(span_id)
            above = span is not None and self.view.to_view(span[0]) < lo
            return QPointF(near.center().x() + 40, -20.0 if above else self.view.viewport().height() + 20.0)

        start = QPointF(a.center().x() - 3, a.top() + 2) if a is not None else edge(from_id, b)
        end = QPointF(b.center().x() + 3, b.top() + 2) if b is not None else edge(to_id, a)
        return start, end


# -- drawing (functions of an arc and the frame it is drawn in) -------------------------------------------------------


def arc_path(arc: Arc, frame: Frame) -> QPainterPath:
    start, end = QPointF(*arc.start), QPointF(*arc.end)
    line_height = frame.line_height
    lift = min(line_height * 0.75, 5 + abs(end.x() - start.x()) * 0.12) if abs(end.y() - start.y()) < 1 \
        else line_height * 0.6
    path = QPainterPath(start)
    path.cubicTo(start - QPointF(0, lift * 1.3), end - QPointF(0, lift * 1.3), end)
    return path


def draw_arc(painter: QPainter, arc: Arc, frame: Frame) -> None:
    path = arc_path(arc, frame)
    color = QColor.fromRgba(arc.rgba)
    pen = QPen(color, 2.6 if arc.strong else 1.0,  # a 1-pixel pen is stroked about 10x faster when antialiased
               Qt.PenStyle.DashLine if arc.pending else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    if not arc.strong:  # a second 1-pixel stroke beside the first reads as a line of 2 pixels, at a fraction of its cost
        painter.drawPath(path.translated(0, 0.8))
    if arc.head:
        tip, size = QPointF(*arc.end), 5 if arc.strong else 4
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF([tip, tip + QPointF(-size * 0.7, -size * 1.4), tip + QPointF(size * 0.7, -size * 1.4)]))
    if arc.strong:
        box = tag_box(path, tag_text(arc), frame)
        painter.setFont(frame.tag_font)
        painter.setPen(QPen(color, 1.2))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#222222"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, tag_text(arc))
    if arc.outline is not None:
        draw_outline(painter, QRectF(*arc.outline), color, Qt.PenStyle.SolidLine)


def tag_text(arc: Arc) -> str:
    return arc.type + ("?" if arc.pending else "")


def tag_box(path: QPainterPath, text: str, frame: Frame) -> QRectF:
    metrics = QFontMetricsF(frame.tag_font)
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height() + 2)
    box.moveCenter(path.pointAtPercent(0.5))
    return box


def draw_outline(painter: QPainter, rect: QRectF, color: QColor, style) -> None:
    painter.setPen(QPen(color, 2, style))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
