"""What the labelling keys do: make, relabel, grow, shrink, delete and annotate spans, each as one undo command."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..tokens import snap_to_words, trim
from . import spanedits
from .commands import AddSpan, DeleteSpan, StoreCommand, UpdateSpan, push
from .session import Session
from .view import ArticleView


class Editor(QObject):
    """Turns the user's selection and the current span into undoable edits."""

    message = Signal(str)  # a short note for the status bar
    failed = Signal(str)  # a write that did not happen: what, why, and what to do

    def __init__(self, session: Session, view: ArticleView, undo: QUndoStack, parent=None):
        super().__init__(parent)
        self.session = session
        self.view = view
        self.undo = undo
        self.snap = True
        self._last_click: tuple[int, int] | None = None  # (position, span id) to cycle through nested spans
        self.stepper: Callable[[bool], bool] | None = None  # Tab through suggestions too: True when it moved
        self.suggestion_labeller: Callable[[str], bool] | None = None  # a label's key on a suggestion: True if one
        view.clicked.connect(self.click)
        view.tabbed.connect(self.step_span)

    def _push(self, command: StoreCommand) -> bool:
        return push(self.undo, command)

    def _already_labelled(self, start: int, end: int, label: str) -> bool:
        """Whether the annotator has this very span already (then said in the status bar): no exact duplicates."""
        if self.session.spans.has(start, end, label):
            self.message.emit(f"Already labelled {label} there.")
            return True
        return False

    def current(self):
        return self.session.spans.get(self.session.current)

    def label(self, name: str) -> None:
        """Label the selection, give the current span this label, or accept the chosen suggestion with it."""
        if self.session.article is None:
            return
        start, end = self.view.selection()
        if start < end:
            text = self.session.article.text
            if self.snap:
                start, end = snap_to_words(text, start, end)
            else:
                start, end = trim(text, start, end)
            if start >= end:
                self.message.emit("Nothing but spaces selected.")
                return
            if self.snap and not any(c.isalnum() for c in text[start:end]):
                self.message.emit("No word in the selection (only punctuation); W turns snapping off to label it.")
                return
            if self._already_labelled(start, end, name):
                return
            if self._push(AddSpan(self.session, self.session.make_span(start, end, name), self.failed.emit)):
                self.view.clear_selection()
                self.view.move_caret(_next_word(text, end))  # Ctrl+Shift+Right selects the word after the new span
        elif (span := self.current()) is not None:
            if not self._already_labelled(span.start, span.end, name) and span.label != name:
                self._push(UpdateSpan(self.session, span, f"Label {span.label} → {name}", self.failed.emit, label=name))
        elif self.suggestion_labeller is None or not self.suggestion_labeller(name):
            self.message.emit("Select some text first (drag, double-click, or Shift+arrows).")

    def delete(self) -> None:
        if (span := self.current()) is not None:
            self._push(DeleteSpan(self.session, span, self.failed.emit))

    def set_note(self, span, note: str | None) -> None:
        self._push(UpdateSpan(self.session, span, "Edit note", self.failed.emit, note=note))

    def move_edge(self, move: Callable[[str, int, int], tuple[int, int]]) -> None:
        """Apply one of spanedits' word moves to the current span (or to the selection)."""
        text = self.session.article.text if self.session.article else ""
        if (span := self.current()) is not None:
            start, end = move(text, span.start, span.end)
            if (start, end) != (span.start, span.end):
                self._push(UpdateSpan(self.session, span, "Resize span", self.failed.emit, start=start, end=end))
        else:
            start, end = self.view.selection()
            if start < end:
                self.view.select(*move(text, start, end))

    def grow_start(self) -> None:
        self.move_edge(spanedits.grow_start)

    def grow_end(self) -> None:
        self.move_edge(spanedits.grow_end)

    def shrink_start(self) -> None:
        self.move_edge(spanedits.shrink_start)

    def shrink_end(self) -> None:
        self.move_edge(spanedits.shrink_end)

    def sentence(self) -> None:
        """Select the whole sentence around the selection, the current span or the cursor."""
        if self.session.article is None:
            return
        span = self.current()
        start, end = (span.start, span.end) if span is not None else self.view.selection()
        start, end = spanedits.sentence_around(self.session.article.text, start, end)
        self.session.set_current(None)
        self.view.select(start, end)

    def click(self, position: int) -> None:
        """Select the span under a click; clicking again at the same place picks the next one nested there."""
        ids = self.view.index.span_ids_at(position)
        if not ids:
            self._last_click = None
            self.session.set_current(None)
            return
        chosen = ids[0]
        if self._last_click and self._last_click[0] == position and self._last_click[1] in ids:
            chosen = ids[(ids.index(self._last_click[1]) + 1) % len(ids)]
        self._last_click = (position, chosen)
        self.session.set_current(chosen)

    def next_span(self) -> None:
        self.step_span(True)

    def previous_span(self) -> None:
        self.step_span(False)

    def step_span(self, forward: bool) -> None:
        """Make the next (or previous) span current, in text order."""
        if self.stepper is not None and self.stepper(forward):
            return
        spans = self.session.spans
        if not spans:
            return
        if self.session.current in spans:
            i = spans.row_of(self.session.current) + (1 if forward else -1)
        else:
            cursor = self.view.to_cp(self.view.textCursor().position())
            i = bisect_left(spans.outlines, cursor, key=lambda outline: outline.start)
            i = i if forward else i - 1
        self.session.set_current(spans.outlines[i % len(spans)].span_id)


def _next_word(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


