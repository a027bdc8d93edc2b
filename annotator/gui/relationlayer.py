"""The open article's relations (the session's annotator's), kept in step with its spans, and their undo commands."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from itertools import chain, repeat
from operator import add, attrgetter, itemgetter, lshift
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from ..model import Relation, RelationType, Span
from .commands import _short, _SpanCommand
from .session import Session


class Link(NamedTuple):
    """A relation as the window reads it on opening an article (its annotator and article are the session's):
    four columns a row, cheaper to read and make by the thousand than Relation objects."""

    type: str
    from_id: int
    to_id: int
    id: int


def table_order(links: list, outlines: list) -> list:
    """The links by the start of their from span, then of their to span, then id: one sort of integer keys, made by
    C calls only (a Python key function per link cost more than reading the links)."""
    if not links:
        return links
    starts = dict(zip(map(itemgetter(3), outlines), map(itemgetter(0), outlines), strict=True))  # span id: start
    from_starts = map(starts.get, map(attrgetter("from_id"), links), repeat(-1))
    to_starts = map(starts.get, map(attrgetter("to_id"), links), repeat(-1))
    keys = list(map(add, map(lshift, map(add, from_starts, repeat(1)), repeat(_BITS * 2)),
                    map(add, map(lshift, map(add, to_starts, repeat(1)), repeat(_BITS)), map(attrgetter("id"), links))))
    return list(map(links.__getitem__, sorted(range(len(links)), key=keys.__getitem__)))


_BITS = 64  # room for any id or offset in an integer sort key


class Ends:
    """Relation ids by the span at either end: one sorted list of integers, span id << 64 | relation id, made by C
    calls only (a dict of sets took longer to fill than the relations took to read)."""

    def __init__(self, relations=()):
        relations = list(relations)
        ids = list(map(attrgetter("id"), relations))
        ends = chain(map(attrgetter("from_id"), relations), map(attrgetter("to_id"), relations))
        self.pairs = sorted(map(add, map(lshift, ends, repeat(_BITS)), chain(ids, ids)))

    def of(self, span_id) -> list[int]:
        if span_id is None:
            return []
        low = span_id << _BITS
        return [pair - low for pair in self.pairs[bisect_left(self.pairs, low):bisect_left(self.pairs, low + (1 << _BITS))]]

    def has(self, span_id) -> bool:
        return bool(self.of(span_id))

    def add(self, relation) -> None:
        insort(self.pairs, relation.from_id << _BITS | relation.id)
        insort(self.pairs, relation.to_id << _BITS | relation.id)

    def remove(self, relation) -> None:
        for pair in (relation.from_id << _BITS | relation.id, relation.to_id << _BITS | relation.id):
            i = bisect_left(self.pairs, pair)
            if i < len(self.pairs) and self.pairs[i] == pair:
                del self.pairs[i]


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
        self.ends = Ends()  # span id -> ids of the relations from or to it
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
        found = table_order(found, self.session.spans.outlines)
        self.relations = dict(zip(map(attrgetter("id"), found), found, strict=True))  # in the relations table's order
        self.ends = Ends(found)
        self.reset.emit()

    def reload_if_changed(self) -> None:
        """Read the relations again if another program changed them (one query; nothing redrawn otherwise)."""
        article_id = self.session.article_id
        found = self.store.relation_links(article_id, self.session.annotator) if article_id else []
        if set(found) != {(r.type, r.from_id, r.to_id, r.id) for r in self.relations.values()}:
            self.reload()

    def _file(self, relation: Relation) -> None:
        self.ends.add(relation)

    def _unfile(self, relation: Relation) -> None:
        self.ends.remove(relation)

    def as_relation(self, link) -> Relation:
        """A Relation of a Link read on opening (or the Relation itself), to write back after an undo."""
        if isinstance(link, Relation):
            return link
        return Relation(link.type, link.from_id, link.to_id, self.session.annotator, link.id, self.session.article_id)

    def of_span(self, span_id: int | None) -> list[Relation]:
        return [self.relations[i] for i in self.ends.of(span_id)]

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
        for relation_id in self.ends.of(span.id):
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
        self.layer, self.relation = layer, layer.as_relation(relation)

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
