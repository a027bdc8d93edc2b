"""One QUndoCommand per span edit; redo and undo write to the store through the session at once."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..model import Span
from .session import Session


class _SpanCommand(QUndoCommand):
    """Shows the command's article before applying it, so an undo is never invisible."""

    def __init__(self, session: Session, article_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.article_id = article_id

    def _show(self) -> None:
        if self.session.article_id != self.article_id:
            self.session.open(self.article_id)


class AddSpan(_SpanCommand):
    def __init__(self, session: Session, span: Span):
        super().__init__(session, session.article_id, f"Add {span.label} “{_short(span.text)}”")
        self.span = span

    def redo(self) -> None:
        self._show()
        self.span = self.session.add(self.span)  # keeps its id after the first time
        self.session.set_current(self.span.id)

    def undo(self) -> None:
        self._show()
        self.session.remove(self.span.id)


class DeleteSpan(_SpanCommand):
    def __init__(self, session: Session, span: Span):
        super().__init__(session, session.article_id, f"Delete {span.label} “{_short(span.text)}”")
        self.span = span

    def redo(self) -> None:
        self._show()
        self.session.remove(self.span.id)

    def undo(self) -> None:
        self._show()
        self.session.add(self.span)
        self.session.set_current(self.span.id)


class UpdateSpan(_SpanCommand):
    """Change a span's label, note or edges."""

    def __init__(self, session: Session, span: Span, text: str, **changes):
        super().__init__(session, session.article_id, text)
        self.span_id = span.id
        self.new = changes
        self.old = {key: getattr(span, key) for key in changes}

    def redo(self) -> None:
        self._show()
        self.session.update(self.span_id, **self.new)
        self.session.set_current(self.span_id)

    def undo(self) -> None:
        self._show()
        self.session.update(self.span_id, **self.old)
        self.session.set_current(self.span_id)


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
