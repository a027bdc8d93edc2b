"""The open article's open suggestions for the annotator: read from the store, filed for drawing and hit tests, one
of them chosen (Tab, a click, a table row)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from ..beside_propagation import propagation_first
from ..model import Suggestion
from ..suggesting import overlaps
from .spanindex import SpanIndex
from .suggestionpainter import SuggestionPainter
from .suggestiontable import SuggestionTableModel


class SuggestionLayer(QObject):
    """What the window shows of the store's suggestions: none while hidden, none overlapping a span of the
    annotator's (unless nested as they nest labels), as `annotator suggest` leaves them out, and none of another
    source overlapping a propagation suggestion (propagation first)."""

    currentChanged = Signal(object)  # suggestion id or None

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.store, self.session, self.view = window.store, window.session, window.view
        self.hidden = False
        self.suggestions: dict[int, Suggestion] = {}
        self.current: int | None = None
        self.index = SpanIndex("", self.session.offsets)
        self.nesting: set[tuple[str, str]] | None = None  # the annotator's (outer, inner) label pairs, read once
        self.quiet = False  # spans come and go by accepting suggestions: no propagation, one reload after
        self.shows: Callable[[Suggestion], bool] = lambda s: True  # whether a stored suggestion still stands
        self.table = SuggestionTableModel(window.colors, self)
        self.painter = SuggestionPainter(self.view, self)
        self.view.overlays.append(self.painter.paint)

    @contextmanager
    def quietly(self) -> Iterator[None]:
        self.quiet = True
        try:
            yield
        finally:
            self.quiet = False

    def opened(self) -> None:
        text = self.session.article.text if self.session.article else ""
        self.index = SpanIndex(text, self.session.offsets)
        self.current = None
        self.reload()

    def reload(self) -> None:
        """Read the article's open suggestions again (after any change to suggestions or spans)."""
        article_id = self.session.article_id
        found = [] if self.hidden or article_id is None else self.store.suggestions(article_id, self.session.annotator)
        found = propagation_first([s for s in found if self.shows(s) and not self.covered(s)])
        if found == list(self.suggestions.values()):  # most key presses: rows, index and picture stay
            return
        self.suggestions = {s.id: s for s in found}
        self.index.reset(found)
        self.table.set_suggestions(found)
        if self.current not in self.suggestions:
            self.set_current(None)
        self.view.viewport().update()

    def covered(self, s: Suggestion) -> bool:
        """Whether `s` overlaps one of the open article's spans (see suggesting.overlaps)."""
        marks = self.view.index.overlapping(self.view.to_view(s.start), self.view.to_view(s.end))
        if not marks:
            return False
        spans = [self.session.spans[m.span_id] for m in marks if m.span_id in self.session.spans]
        return overlaps(s, spans, self.nesting_pairs())

    def nesting_pairs(self) -> set[tuple[str, str]]:
        if self.nesting is None:
            self.nesting = self.store.nested_label_pairs(self.session.annotator)
        return self.nesting

    def set_current(self, suggestion_id: int | None) -> None:
        if suggestion_id != self.current:
            self.current = suggestion_id
            self.currentChanged.emit(suggestion_id)
            self.view.viewport().update()

    def chosen(self) -> Suggestion | None:
        """The chosen suggestion, else the innermost one under the caret (or just before it)."""
        if self.current in self.suggestions:
            return self.suggestions[self.current]
        caret = self.view.textCursor().position()
        ids = self.index.span_ids_at(caret) or (self.index.span_ids_at(caret - 1) if caret else [])
        return self.suggestions.get(ids[0]) if ids else None

    def above(self, score: float) -> list[Suggestion]:
        return [s for s in self.suggestions.values() if s.score >= score]

    def at(self, position: int) -> int | None:
        """The innermost suggestion at a view position."""
        ids = self.index.span_ids_at(position)
        return ids[0] if ids else None
