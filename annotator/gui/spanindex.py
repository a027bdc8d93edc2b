"""Where spans lie in the article view, in view positions: runs to draw (a sweep line) and hit tests."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter, sub
from typing import NamedTuple

from ..model import Span
from ..offsets import OffsetMap

# What QPlainTextEdit.setPlainText turns into a block break (checked in tests/test_offsets_qt.py).
BLOCK_BREAK = re.compile("\r\n?|[\n\u2029]")


class Mark(NamedTuple):
    """Where a span lies: [start, end) in view positions (from its block's start in a BlockIndex, where the end may
    run past the block), or in code points in the session's SpanSet."""

    start: int
    end: int
    label: str
    span_id: int


# Characters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...) and the RLM/RLE/RLO/RLI marks.
RTL_RUN = re.compile("[\u0590-\u08ff\u200f\u202b\u202e\u2067\ufb1d-\ufdff\ufe70-\ufefc"
                     "\U00010800-\U00010fff\U0001e800-\U0001efff]+")


class Run(NamedTuple):
    """A stretch [start, end) covered by the same spans: the outermost's label (underline) and the innermost's (tint)."""

    start: int
    end: int
    outer: str
    inner: str


def runs(marks, lo: int, hi: int) -> list[Run]:
    """Sweep over the marks' sorted edges between `lo` and `hi`: one run per stretch covered by the same marks.

    Outermost is the longest mark (ties: the first label), innermost the shortest (ties: the last label).
    """
    events = []
    for i, mark in enumerate(marks):
        start, end = max(mark.start, lo), min(mark.end, hi)
        if start < end:
            events.append((start, 1, i))
            events.append((end, 0, i))
    events.sort()
    active: dict[int, Mark] = {}
    found: list[Run] = []
    position = lo
    for edge, opening, i in events:
        if edge > position and active:
            ranked = sorted(active.values(), key=lambda m: (m.start - m.end, m.label))
            found.append(Run(position, edge, ranked[0].label, ranked[-1].label))
        position = edge
        if opening:
            active[i] = marks[i]
        else:
            del active[i]
    return found


class SpanIndex:
    """Spans of one article as marks in view positions, sorted by start: only the marks near a range are looked at."""

    def __init__(self, text: str, offsets: OffsetMap):
        self.offsets = offsets
        self.marks: list[Mark] = []
        self.starts: list[int] = []
        self.longest = 0  # no mark is longer: marks overlapping [lo, hi) start at lo - longest or after
        found = () if text.isascii() else RTL_RUN.finditer(text)
        rtl = [(offsets.to_units(m.start()), offsets.to_units(m.end())) for m in found]
        self._rtl_starts, self._rtl_ends = [a for a, _ in rtl], [b for _, b in rtl]

    def _mark(self, span: Span) -> Mark:
        return Mark(self.offsets.to_units(span.start), self.offsets.to_units(span.end), span.label, span.id)

    def add(self, span: Span) -> None:
        mark = self._mark(span)
        i = bisect_right(self.starts, mark.start)
        self.starts.insert(i, mark.start)
        self.marks.insert(i, mark)
        self.longest = max(self.longest, mark.end - mark.start)

    def reset(self, spans) -> None:
        """File exactly these spans (anything with start, end in code points, label and id), dropping those filed
        before."""
        self.reset_outlines(sorted((Mark(s.start, s.end, s.label, s.id) for s in spans), key=itemgetter(0)))

    def reset_outlines(self, outlines: list[Mark]) -> None:
        """File exactly these spans, dropping those filed before (opening an article, reloading).

        `outlines` are marks in code points sorted by start (`SpanSet.outlines`): with no emoji and no CRLF they
        are view positions already, and are filed as they are, with no Python work per span.
        """
        if self.offsets.is_identity:
            self.marks = list(outlines)
        else:  # the map only grows: the order by start stays
            to_units = self.offsets.to_units
            self.marks = [Mark(to_units(m.start), to_units(m.end), m.label, m.span_id) for m in outlines]
        self.starts = list(map(itemgetter(0), self.marks))
        self.longest = max(map(sub, map(itemgetter(1), self.marks), self.starts), default=0)  # C calls only

    def remove(self, span: Span) -> None:
        mark = self._mark(span)
        i = bisect_left(self.starts, mark.start)
        while i < len(self.marks) and self.starts[i] == mark.start:
            if self.marks[i].span_id == span.id:
                del self.marks[i], self.starts[i]
                return
            i += 1

    def overlapping(self, lo: int, hi: int) -> list[Mark]:
        """The marks that cover some of [lo, hi)."""
        first, last = bisect_left(self.starts, lo - self.longest), bisect_left(self.starts, hi)
        return [m for m in self.marks[first:last] if m.end > lo]

    def runs(self, lo: int, hi: int) -> list[Run]:
        return runs(self.overlapping(lo, hi), lo, hi)

    def span_ids_at(self, unit: int) -> list[int]:
        """Ids of the spans covering view position `unit`, innermost (shortest) first."""
        hits = sorted(self.overlapping(unit, unit + 1), key=lambda m: m.end - m.start)
        return [m.span_id for m in hits]

    def has_rtl(self, lo: int, hi: int) -> bool:
        """Whether [lo, hi) holds a right-to-left character (its runs then need drawing glyph by glyph)."""
        i = bisect_right(self._rtl_ends, lo)
        return i < len(self._rtl_starts) and self._rtl_starts[i] < hi


class BlockIndex:
    """Spans of one article filed by the view blocks they touch (the review view's highlighter)."""

    def __init__(self, text: str, offsets: OffsetMap):
        self.offsets = offsets
        self.block_starts = [0] + [offsets.to_units(m.end()) for m in BLOCK_BREAK.finditer(text)]
        self._blocks: dict[int, list[Mark]] = {}

    def block_of(self, unit: int) -> int:
        return bisect_right(self.block_starts, unit) - 1

    def blocks_of(self, span: Span) -> range:
        start, end = self.offsets.to_units(span.start), self.offsets.to_units(span.end)
        return range(self.block_of(start), self.block_of(max(start, end - 1)) + 1)

    def add(self, span: Span) -> range:
        """File a span under its blocks; return the blocks to repaint."""
        start, end = self.offsets.to_units(span.start), self.offsets.to_units(span.end)
        blocks = self.blocks_of(span)
        for block in blocks:
            offset = self.block_starts[block]
            mark = Mark(max(0, start - offset), end - offset, span.label, span.id)
            self._blocks.setdefault(block, []).append(mark)
        return blocks

    def marks(self, block: int) -> list[Mark]:
        return self._blocks.get(block, [])
