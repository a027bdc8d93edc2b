"""The annotator's spans on the open article: light outlines to draw and list, whole Span objects made on demand."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, MutableMapping
from itertools import repeat
from operator import itemgetter

from ..model import Span
from .spanindex import Mark


def table_order(outline: Mark) -> tuple:
    """Spans in text order: by start, the longest first, then label and id (as `Store.spans` gives them)."""
    start, end, label, span_id = outline  # a Mark, or a row as the store reads it
    return (start, -end, label, span_id)


class SpanSet(MutableMapping):
    """Span id -> Span, over outlines (start, end, label, id) in code points kept in table order.

    Opening an article reads only the outlines and the few notes and attributes; a Span is made the first time it
    is asked for, its text being the article's text[start:end] (which the store guarantees is the span's text).
    Iterating values() or items() makes every Span: to go over all spans, read `outlines`.
    """

    def __init__(self, article_id: str | None = None, annotator: str = "", text: str = "",
                 outlines=(), extras: dict | None = None):
        self.article_id, self.annotator, self.text = article_id, annotator, text
        # Already in table order. Built by C calls only (no Python per span): a tenth of the cost of a comprehension.
        self.outlines: list[Mark] = list(map(tuple.__new__, repeat(Mark), outlines))
        self._outline_of = dict(zip(map(itemgetter(3), self.outlines), self.outlines, strict=True))  # id: outline
        self._extras: dict[int, tuple] = extras or {}  # span id: (note, attributes), only when there are some
        self._made: dict[int, Span] = {}

    def __getitem__(self, span_id) -> Span:
        span = self._made.get(span_id)
        if span is None:
            start, end, label, _ = self._outline_of[span_id]
            note, attributes = self._extras.get(span_id, (None, ()))
            span = Span(start, end, label, self.text[start:end], self.annotator, note, span_id, self.article_id,
                        attributes)
            self._made[span_id] = span
        return span

    def __setitem__(self, span_id, span: Span) -> None:
        if span_id != span.id:
            raise ValueError(f"span {span.id} filed as {span_id}")
        self.put(span)

    def __delitem__(self, span_id) -> None:
        if span_id not in self:
            raise KeyError(span_id)
        self.drop(span_id)

    def __contains__(self, span_id) -> bool:
        return span_id in self._outline_of

    def get(self, span_id, default=None):  # the tables ask for a row's span once a cell and role: no try/except
        return self[span_id] if span_id in self._outline_of else default

    def __iter__(self) -> Iterator[int]:
        return (outline.span_id for outline in self.outlines)

    def __len__(self) -> int:
        return len(self.outlines)

    @classmethod
    def of(cls, article_id: str | None, annotator: str, text: str, spans: Iterable[Span]) -> SpanSet:
        """A set holding these Span objects."""
        made = cls(article_id, annotator, text)
        for span in spans:
            made.put(span)
        return made

    def outline(self, span_id) -> Mark | None:
        """(start, end, label, id) of a span, without making the Span."""
        return self._outline_of.get(span_id)

    def same_as(self, outlines: list, extras: dict) -> bool:
        """Whether these are the spans held already (as `Store.span_outlines` reads them)."""
        return outlines == self.outlines and extras == self._extras

    def changes_to(self, outlines: list, extras: dict) -> tuple[list[int], SpanSet, list[int]]:
        """From this set to the spans `Store.span_outlines` read: ids of the spans gone, the spans come or changed
        (edges, label, note or attributes) as a SpanSet, and the ids of the changed ones. Set operations in C: no
        Python work per span that did not change."""
        fresh = set(outlines).difference(self.outlines)  # rows come or changed
        stale = set(self.outlines).difference(outlines)  # rows gone or changed
        fresh_ids, stale_ids = {row[3] for row in fresh}, {row[3] for row in stale}
        noted = {i for i in self._extras.keys() | extras.keys() if self._extras.get(i) != extras.get(i)}
        noted_only = noted - fresh_ids - stale_ids  # the same edges and label, another note or attributes
        changed = (fresh_ids & stale_ids) | noted_only
        rows = sorted(fresh | {self._outline_of[i] for i in noted_only}, key=table_order)
        new = SpanSet(self.article_id, self.annotator, self.text, rows,
                      {row[3]: extras[row[3]] for row in rows if row[3] in extras})
        return sorted(stale_ids - fresh_ids), new, sorted(changed)

    def has(self, start: int, end: int, label: str) -> bool:
        """Whether a span has exactly these edges and label: a bisection, whatever the number of spans."""
        i = bisect_left(self.outlines, (start, -end, label), key=table_order)
        return i < len(self.outlines) and self.outlines[i][:3] == (start, end, label)

    def row_of(self, span_id) -> int:
        """Where the span is in table order; -1 if it is not held."""
        outline = self._outline_of.get(span_id)
        return -1 if outline is None else bisect_left(self.outlines, table_order(outline), key=table_order)

    def put(self, span: Span) -> None:
        """Hold a span just stored (added, or changed under the same id)."""
        self.drop(span.id)
        outline = Mark(span.start, span.end, span.label, span.id)
        insort(self.outlines, outline, key=table_order)
        self._outline_of[span.id] = outline
        if span.note is not None or span.attributes:
            self._extras[span.id] = (span.note, span.attributes)
        self._made[span.id] = span

    def drop(self, span_id) -> None:
        """Forget a span (no error if it is not held)."""
        row = self.row_of(span_id)
        if row >= 0:
            del self.outlines[row]
            del self._outline_of[span_id]
            self._extras.pop(span_id, None)
            self._made.pop(span_id, None)
