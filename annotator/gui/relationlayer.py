"""The open article's relations (the session's annotator's), kept in step with its spans, and their undo commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from ..model import Relation, RelationType, Span
from .commands import _short, _SpanCommand
from .session import Session


class Link(NamedTuple):
    """A relation as the window reads it on opening an article: Relation's fields, cheaper to make by the thousand."""

    type: str
    from_id: int
    to_id: int
    annotator: str
    id: int
    article_id: str


def as_relation(relation) -> Relation:
    return relation if isinstance(relation, Relation) else Relation(*relation)


class RelationLayer(QObject):
    """Relations of the session's article and annotator: every edit is written to the store at once, then told."""

    reset = Signal()
    added = Signal(object)
    removed = Signal(object)
    updated = Signal(object, object)  # old, new

    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self.relations: dict[int, Relation] = {}
        self.by_span: dict[int, set[int]] = {}  # span id -> ids of the relations from or to it
        self.types: dict[str, RelationType] = {}
        self.reload_types()
        session.spansReset.connect(self.reload)
        session.spanRemoved.connect(self._span_removed)
        session.spanAdded.connect(self._span_added)

    def reload_types(self) -> None:
        self.types = {t.name: t for t in self.store.relation_types()}

    def reload(self) -> None:
        """Read the article's relations again (opening it, or after another program changed it)."""
        article_id = self.session.article_id
        found = list(map(Link._make, self.store.relation_links(article_id, self.session.annotator))) if article_id else []
        self.relations = {r.id: r for r in found}
        by_span: dict[int, set[int]] = {}
        for relation in found:
            by_span.setdefault(relation.from_id, set()).add(relation.id)
            by_span.setdefault(relation.to_id, set()).add(relation.id)
        self.by_span = by_span
        self.reset.emit()

    def reload_if_changed(self) -> None:
        """Read the relations again if another program changed them (one query; nothing redrawn otherwise)."""
        article_id = self.session.article_id
        found = self.store.relation_links(article_id, self.session.annotator) if article_id else []
        if set(map(Link._make, found)) != {Link(*(getattr(r, f) for f in Link._fields)) for r in self.relations.values()}:
            self.reload()

    def _file(self, relation: Relation) -> None:
        self.by_span.setdefault(relation.from_id, set()).add(relation.id)
        self.by_span.setdefault(relation.to_id, set()).add(relation.id)

    def _unfile(self, relation: Relation) -> None:
        for end in (relation.from_id, relation.to_id):
            ids = self.by_span.get(end)
            if ids is not None:
                ids.discard(relation.id)
                if not ids:
                    del self.by_span[end]

    def of_span(self, span_id: int | None) -> list[Relation]:
        return sorted((self.relations[i] for i in self.by_span.get(span_id, ())), key=lambda r: r.id)

    def between(self, type_name: str, from_id: int, to_id: int) -> Relation | None:
        return next((r for r in self.of_span(from_id) if (r.type, r.from_id, r.to_id) == (type_name, from_id, to_id)), None)

    # -- writes (through the undo commands) -------------------------------------------------------

    def add(self, relation: Relation) -> Relation:
        self.session.writing = True
        try:
            relation = self.store.add_relation(relation)
        finally:
            self.session.writing = False
        self.relations[relation.id] = relation
        self._file(relation)
        self.added.emit(relation)
        return relation

    def remove(self, relation_id: int) -> Relation:
        self.session.writing = True
        try:
            old = self.store.delete_relation(relation_id, annotator=self.session.annotator)
        finally:
            self.session.writing = False
        self._drop(relation_id)
        return old

    def set_type(self, relation_id: int, type_name: str) -> Relation:
        self.session.writing = True
        try:
            new = self.store.set_relation_type(relation_id, type_name, annotator=self.session.annotator)
        finally:
            self.session.writing = False
        old = self.relations[relation_id]
        self.relations[relation_id] = new
        self.updated.emit(old, new)
        return new

    def _drop(self, relation_id: int) -> None:
        old = self.relations.pop(relation_id, None)
        if old is not None:
            self._unfile(old)
            self.removed.emit(old)

    # -- spans deleted (their relations went with them) and put back ------------------------------

    def _span_removed(self, span: Span) -> None:
        for relation_id in list(self.by_span.get(span.id, ())):
            self._drop(relation_id)

    def _span_added(self, span: Span) -> None:
        if not self.session.article_id:
            return
        for relation in self.store.relations_of_span(span.id):  # an undone delete brings its relations back
            if relation.id not in self.relations and relation.annotator == self.session.annotator:
                self.relations[relation.id] = relation
                self._file(relation)
                self.added.emit(relation)


def describe(session: Session, relation: Relation) -> str:
    """TYPE “from” → “to”, for undo texts and messages."""
    ends = [session.spans.get(i) for i in (relation.from_id, relation.to_id)]
    head, tail = (f"“{_short(s.text, 20)}”" if s else f"span {i}" for s, i in zip(ends, (relation.from_id, relation.to_id), strict=True))
    return f"{relation.type} {head} → {tail}"


class AddRelation(_SpanCommand):
    def __init__(self, layer: RelationLayer, relation: Relation, report: Callable[[str], None]):
        super().__init__(layer.session, layer.session.article_id, f"Link {describe(layer.session, relation)}", report)
        self.layer, self.relation = layer, relation

    def forward(self) -> None:
        self._show()
        self.relation = self.layer.add(self.relation)  # keeps its id after the first time

    def backward(self) -> None:
        self._show()
        self.layer.remove(self.relation.id)


class DeleteRelation(_SpanCommand):
    def __init__(self, layer: RelationLayer, relation: Relation, report: Callable[[str], None]):
        super().__init__(layer.session, layer.session.article_id, f"Delete {describe(layer.session, relation)}", report)
        self.layer, self.relation = layer, as_relation(relation)

    def forward(self) -> None:
        self._show()
        self.layer.remove(self.relation.id)

    def backward(self) -> None:
        self._show()
        self.relation = self.layer.add(self.relation)


class ChangeRelationType(_SpanCommand):
    def __init__(self, layer: RelationLayer, relation: Relation, type_name: str, report: Callable[[str], None]):
        super().__init__(layer.session, layer.session.article_id,
                         f"Relation {relation.type} → {type_name} ({describe(layer.session, relation)})", report)
        self.layer, self.relation_id, self.old, self.new = layer, relation.id, relation.type, type_name

    def forward(self) -> None:
        self._show()
        self.layer.set_type(self.relation_id, self.new)

    def backward(self) -> None:
        self._show()
        self.layer.set_type(self.relation_id, self.old)
