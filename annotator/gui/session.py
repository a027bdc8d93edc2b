"""The article being labelled and the current annotator's spans on it; every span edit goes through here."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..model import Article, Relation, Span
from ..offsets import OffsetMap
from ..store import Store
from .collecting import collector_paused
from .spanset import SpanSet

FEW_CHANGES = 200  # more spans changed at once by another program are shown by one reset


class Session(QObject):
    """Holds the open article and its spans; writes each edit to the store at once and tells the views."""

    opened = Signal()  # a new article (text and spans)
    spansReset = Signal()  # the spans were reloaded
    spanAdded = Signal(object)
    spanRemoved = Signal(object)
    spanUpdated = Signal(object, object)  # old, new
    currentChanged = Signal(object)  # span id or None

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.article: Article | None = None
        self.offsets = OffsetMap("", fold_crlf=True)
        self._spans = SpanSet()
        self.current: int | None = None
        self.writing = False  # our own store writes: the views are updated directly, not reloaded
        self.removed_relations: dict[int, list[Relation]] = {}  # of spans removed here, for add() to put back
        self.opener = self.open  # the window sets its own: the one way an article is opened (list, find bar, ...)

    @property
    def spans(self) -> SpanSet:
        """The annotator's spans on the article: span id -> Span, made only when asked for (see SpanSet)."""
        return self._spans

    @spans.setter
    def spans(self, spans) -> None:  # a SpanSet, or any mapping of span id to Span
        if not isinstance(spans, SpanSet):
            article = self.article
            spans = SpanSet.of(article and article.id, self.annotator, article.text if article else "", spans.values())
        self._spans = spans

    @property
    def article_id(self) -> str | None:
        return self.article.id if self.article else None

    def open(self, article_id: str | None) -> None:
        with collector_paused():  # the spans, their index and the relations: thousands of objects that all live on
            self.current = None
            self.article = self.store.article(article_id) if article_id else None
            self.offsets = OffsetMap(self.article.text if self.article else "", fold_crlf=True)
            self.spans = self._read_spans() if article_id else SpanSet()
            self.opened.emit()
            self.spansReset.emit()
            self.currentChanged.emit(None)

    def show(self, article_id: str) -> None:
        """Open `article_id` the way a click in the article list does, unless it is open already."""
        if article_id != self.article_id:
            self.opener(article_id)

    def _read_spans(self, outlines=None, extras=None) -> SpanSet:
        if outlines is None:
            outlines, extras = self.store.span_outlines(self.article.id, self.annotator)
        return SpanSet(self.article.id, self.annotator, self.article.text, outlines, extras)

    def reload(self) -> None:
        """Re-read the spans after someone else changed them; tell the views only what changed.

        A few changes go out as single additions, removals and updates (the span table keeps its selection and
        scroll); many at once as one reset.
        """
        if self.article is None:
            return
        outlines, extras = self.store.span_outlines(self.article.id, self.annotator)
        if self.spans.same_as(outlines, extras):
            return
        gone, new, changed = self.spans.changes_to(outlines, extras)
        if len(gone) + len(new) > FEW_CHANGES:
            self.spans = self._read_spans(outlines, extras)
            if self.current not in self.spans:
                self.current = None
                self.currentChanged.emit(None)
            self.spansReset.emit()
            return
        for span_id in gone:
            old = self.spans[span_id]
            self.spans.drop(span_id)
            if self.current == span_id:
                self.set_current(None)
            self.spanRemoved.emit(old)
        for span_id in new:
            if span_id in changed:
                old = self.spans[span_id]
                self.spans.put(new[span_id])
                self.spanUpdated.emit(old, new[span_id])
            else:
                self.spans.put(new[span_id])
                self.spanAdded.emit(new[span_id])

    def set_current(self, span_id: int | None) -> None:
        if span_id != self.current:
            self.current = span_id
            self.currentChanged.emit(span_id)

    def make_span(self, start: int, end: int, label: str) -> Span:
        return Span(start, end, label, self.article.text[start:end], self.annotator)

    def add(self, span: Span) -> Span:
        """Store a span; one this session removed comes back with the relations it took along."""
        relations = self.removed_relations.pop(span.id, []) if span.id is not None else []
        self.writing = True
        try:
            if relations:
                span = self.store.restore_span(self.article.id, span, relations)
            else:
                span = self.store.add_span(self.article.id, span)
        finally:
            self.writing = False
        self.spans.put(span)
        self.spanAdded.emit(span)
        return span

    def remove(self, span_id: int) -> Span:
        self.writing = True
        try:
            old, relations = self.store.delete_span_with_relations(span_id, annotator=self.annotator)
        finally:
            self.writing = False
        if relations:
            self.removed_relations[span_id] = relations
        self.spans.drop(span_id)
        if self.current == span_id:
            self.set_current(None)
        self.spanRemoved.emit(old)
        return old

    def update(self, span_id: int, **changes) -> Span:
        if {"start", "end"} & changes.keys():
            old = self.spans[span_id]
            start, end = changes.get("start", old.start), changes.get("end", old.end)
            changes["text"] = self.article.text[start:end]
        self.writing = True
        try:
            old, new = self.store.span(span_id), self.store.update_span(span_id, annotator=self.annotator, **changes)
        finally:
            self.writing = False
        self.spans.put(new)
        self.spanUpdated.emit(old, new)
        return new
