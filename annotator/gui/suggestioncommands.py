"""Accepting and rejecting suggestions, each one undoable command written to the store at once (see commands.py:
a failed write changes nothing and leaves no undo entry)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Suggestion
from .commands import StoreCommand, _short


class _SuggestionCommand(StoreCommand):
    """Shows the command's article before applying it; the session is told of spans as Session.add would."""

    def __init__(self, layer, text: str, report: Callable[[str], None]):
        super().__init__(text, report)
        self.layer, self.session, self.store = layer, layer.session, layer.store
        self.article_id = self.session.article_id

    def _show(self) -> None:
        self.session.show(self.article_id)

    def _write(self, step):
        """Our own write: the window updates itself from what it did, not by reloading on the store's event."""
        self.session.writing = True
        try:
            return step()
        finally:
            self.session.writing = False


class AcceptSuggestions(_SuggestionCommand):
    """Make one suggestion, or every one above a score, the annotator's spans; given `label`, the one suggestion
    becomes a span with that label instead (a label's key on it) and its own label is remembered as rejected."""

    def __init__(self, layer, suggestions: list[Suggestion], report: Callable[[str], None], label: str | None = None):
        one = suggestions[0]
        self.label = label if label != one.label and len(suggestions) == 1 else None
        text = f"Accept {one.label} “{_short(one.text)}”" if len(suggestions) == 1 else f"Accept {len(suggestions)} suggestions"
        super().__init__(layer, text + (f" as {label}" if self.label else ""), report)
        self.suggestions = suggestions
        self.span_ids: list[int | None] = [None] * len(suggestions)  # the ids they get, kept for redo

    def forward(self) -> None:
        self._show()

        def accept():
            with self.store.transaction():
                spans = [self.store.accept_suggestion(s.id, span_id=i) for s, i in zip(self.suggestions, self.span_ids, strict=True)]
                if self.label is not None:
                    spans = [self.store.update_span(spans[0].id, label=self.label)]
                    self.store.put_back_suggestion(self.suggestions[0])  # to be remembered as rejected
                    self.store.reject_suggestion(self.suggestions[0].id)
                return spans

        spans = self._write(accept)
        self.span_ids = [span.id for span in spans]
        if len(spans) == 1:  # one accepted propagates in the article as a span made by hand
            self.session.spans[spans[0].id] = spans[0]
            self.session.spanAdded.emit(spans[0])
            self.session.set_current(spans[0].id)
        else:
            with self.layer.quietly():  # one by one, as Session.add tells of a span: view, table and counts follow
                for span in spans:
                    self.session.spans[span.id] = span
                    self.session.spanAdded.emit(span)
        self.layer.reload()

    def backward(self) -> None:
        self._show()

        def unaccept():
            with self.store.transaction():
                return [self.store.unaccept_suggestion(i, s) for s, i in zip(self.suggestions, self.span_ids, strict=True)]

        spans = self._write(unaccept)
        if self.session.current in self.span_ids:
            self.session.set_current(None)
        with self.layer.quietly():
            for span in spans:
                self.session.spans.pop(span.id, None)
                self.session.spanRemoved.emit(span)
        self.layer.reload()
        if len(spans) == 1:
            self.layer.set_current(self.suggestions[0].id)


class RejectSuggestion(_SuggestionCommand):
    """Reject a suggestion: the store remembers it, so it is not suggested to this annotator again."""

    def __init__(self, layer, suggestion: Suggestion, report: Callable[[str], None]):
        super().__init__(layer, f"Reject {suggestion.label} “{_short(suggestion.text)}”", report)
        self.suggestion = suggestion

    def forward(self) -> None:
        self._show()
        self._write(lambda: self.store.reject_suggestion(self.suggestion.id))
        self.layer.reload()

    def backward(self) -> None:
        self._show()
        self._write(lambda: self.store.put_back_suggestion(self.suggestion))
        self.layer.reload()
        self.layer.set_current(self.suggestion.id)

