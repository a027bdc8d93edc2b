"""One QUndoCommand per span edit; redo and undo write to the store through the session at once.

A write can fail (another program holds the lock, the disk is full): then nothing changes on screen, the failure
is told to the user, and the undo stack is left as it was, so it never holds an edit that is not stored."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..errors import UserError
from ..model import Span
from .session import Session


class StoreCommand(QUndoCommand):
    """An edit written to the store: subclasses give `forward` and `backward`; `report(text)` tells failures."""

    def __init__(self, text: str, report: Callable[[str], None]):
        super().__init__(text)
        self.report = report
        self.stack: QUndoStack | None = None  # set by push()
        self._skip = False  # the stack calls redo/undo for a step that already happened (or was put back)

    def forward(self) -> None:
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip:
            self._skip = False
        else:
            self._attempt(self.forward, "Not saved", lambda: self.stack.undo())

    def undo(self) -> None:
        if self._skip:
            self._skip = False
        else:
            self._attempt(self.backward, "Could not undo", lambda: self.stack.redo())

    def _attempt(self, step, what: str, put_back) -> None:
        try:
            step()
        except UserError as e:
            self.report(f"{what}: {self.text()} — {_why(e)}")
            self._skip = True
            QTimer.singleShot(0, put_back)  # the stack has already moved its index: move it back, doing nothing


def push(stack: QUndoStack, command: StoreCommand) -> bool:
    """Do the command, and only if its write succeeded put it on the stack; False (and told) if it failed."""
    try:
        command.forward()
    except UserError as e:
        command.report(f"Not saved: {command.text()} — {_why(e)}")
        return False
    command.stack = stack
    command._skip = True  # push() calls redo(): it is done already
    stack.push(command)
    return True


class _SpanCommand(StoreCommand):
    """Shows the command's article (as a click in the list would) before applying it, so an undo is never invisible."""

    def __init__(self, session: Session, article_id: str, text: str, report: Callable[[str], None]):
        super().__init__(text, report)
        self.session = session
        self.article_id = article_id

    def _show(self) -> None:
        self.session.show(self.article_id)


class AddSpan(_SpanCommand):
    def __init__(self, session: Session, span: Span, report: Callable[[str], None]):
        super().__init__(session, session.article_id, f"Add {span.label} “{_short(span.text)}”", report)
        self.span = span

    def forward(self) -> None:
        self._show()
        self.span = self.session.add(self.span)  # keeps its id after the first time
        self.session.set_current(self.span.id)

    def backward(self) -> None:
        self._show()
        self.session.remove(self.span.id)


class DeleteSpan(_SpanCommand):
    def __init__(self, session: Session, span: Span, report: Callable[[str], None]):
        super().__init__(session, session.article_id, f"Delete {span.label} “{_short(span.text)}”", report)
        self.span = span

    def forward(self) -> None:
        self._show()
        self.session.remove(self.span.id)

    def backward(self) -> None:
        self._show()
        self.session.add(self.span)
        self.session.set_current(self.span.id)


class UpdateSpan(_SpanCommand):
    """Change a span's label, note or edges."""

    def __init__(self, session: Session, span: Span, text: str, report: Callable[[str], None], **changes):
        super().__init__(session, session.article_id, text, report)
        self.span_id = span.id
        self.new = changes
        self.old = {key: getattr(span, key) for key in changes}

    def forward(self) -> None:
        self._show()
        self.session.update(self.span_id, **self.new)
        self.session.set_current(self.span_id)

    def backward(self) -> None:
        self._show()
        self.session.update(self.span_id, **self.old)
        self.session.set_current(self.span_id)


def _why(error: UserError) -> str:
    """Why a write failed and what to do (the store's one-line message)."""
    return str(error)


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
