"""Which spans touch which block of the article view, in view positions, for the highlighter and hit tests."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from ..model import Span
from ..offsets import OffsetMap

# What QPlainTextEdit.setPlainText turns into a block break (checked in tests/test_offsets_qt.py).
BLOCK_BREAK = re.compile("\r\n?|[\n\u2029]")


class Mark(NamedTuple):
    """One span's part inside one block: [start, end) in positions from the block's start (end may run past it)."""

    start: int
    end: int
    label: str
    span_id: int


class BlockIndex:
    """Spans of one article filed by the view blocks they touch."""

    def __init__(self, text: str, offsets: OffsetMap):
        self.offsets = offsets
        self.block_starts = [0] + [offsets.to_units(m.end()) for m in BLOCK_BREAK.finditer(text)]
        self._blocks: dict[int, list[Mark]] = {}

    def emptied(self) -> BlockIndex:
        """A new, empty index over the same text (the block starts are not worked out again)."""
        empty = BlockIndex("", self.offsets)
        empty.block_starts = self.block_starts
        return empty

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

    def add_all(self, spans) -> None:
        """File many spans at once (opening an article): `add` without the per-call overhead."""
        to_units, starts, blocks = self.offsets.to_units, self.block_starts, self._blocks
        identity = self.offsets.is_identity
        for span in spans:
            start = span.start if identity else to_units(span.start)
            end = span.end if identity else to_units(span.end)
            first = bisect_right(starts, start) - 1
            last = bisect_right(starts, max(start, end - 1)) - 1
            for block in range(first, last + 1):
                offset = starts[block]
                mark = Mark(max(0, start - offset), end - offset, span.label, span.id)
                if block in blocks:
                    blocks[block].append(mark)
                else:
                    blocks[block] = [mark]

    def marked_blocks(self) -> set[int]:
        return set(self._blocks)

    def remove(self, span: Span) -> range:
        blocks = self.blocks_of(span)
        for block in blocks:
            marks = [m for m in self._blocks.get(block, ()) if m.span_id != span.id]
            if marks:
                self._blocks[block] = marks
            else:
                self._blocks.pop(block, None)
        return blocks

    def marks(self, block: int) -> list[Mark]:
        return self._blocks.get(block, [])

    def span_ids_at(self, unit: int) -> list[int]:
        """Ids of the spans covering view position `unit`, innermost (shortest) first."""
        block = self.block_of(unit)
        local = unit - self.block_starts[block]
        hits = [m for m in self.marks(block) if m.start <= local < m.end]
        hits.sort(key=lambda m: m.end - m.start)
        return [m.span_id for m in hits]
