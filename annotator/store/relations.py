"""Relations between two spans (or two gold spans) of an article, and their types in the label set.

A relation goes with its spans: deleting a span deletes its relations (and gives them back for an undo), and a
span's label cannot change to one a relation of it does not allow (RelationConflict says which).
"""

from __future__ import annotations

import json
from dataclasses import replace

from ..errors import UserError
from ..model import GoldSpan, Label, Relation, RelationType, Span
from ..windowkeys import relation_key_problems
from .connection import now
from .gold import Gold
from .migrations import write_relation_types

RELATION_COLUMNS = "id, article_id, annotator, type, from_id, to_id"
GOLD_RELATION_COLUMNS = "id, article_id, reviewer, type, from_id, to_id"


class RelationConflict(UserError):
    """A change to a span that a relation of it would no longer allow; nothing was changed."""


def _relation(row) -> Relation:
    id_, article_id, annotator, type_, from_id, to_id = row
    return Relation(type_, from_id, to_id, annotator, id_, article_id)


TYPE_COLUMNS = "name, from_labels, to_labels, description, color, key"


def _relation_type(row) -> RelationType:
    name, froms, tos, description, color, key = row
    return RelationType(name, tuple(json.loads(froms)), tuple(json.loads(tos)), description or "", color or "#888888",
                        key or "")


class Relations(Gold):
    # -- relation types, part of the label set ---------------------------------------------------

    def relation_types(self) -> list[RelationType]:
        found = self.conn.execute(f"SELECT {TYPE_COLUMNS} FROM relation_types ORDER BY position, name")
        return [_relation_type(row) for row in found]

    def relation_type(self, name: str) -> RelationType:
        row = self.conn.execute(f"SELECT {TYPE_COLUMNS} FROM relation_types WHERE name = ?", (name,)).fetchone()
        if row is not None:  # one row read, not the whole set (each relation made checks its type)
            return _relation_type(row)
        known = ", ".join(t.name for t in self.relation_types()) or "none"
        raise UserError(f"unknown relation type {name!r} (known: {known})")

    def set_labels(self, labels: list[Label]) -> None:
        """Replace the labels; each relation type keeps the end labels still there, and one left without a label
        at an end goes (refused, like a removed label, while relations use it)."""
        names = {label.name for label in labels}
        narrowed = [replace(t, from_labels=tuple(n for n in t.from_labels if n in names),
                            to_labels=tuple(n for n in t.to_labels if n in names)) for t in self.relation_types()]
        self.set_label_set(labels, [t for t in narrowed if t.from_labels and t.to_labels])

    def set_label_set(self, labels: list[Label], types: list[RelationType]) -> None:
        """Replace labels and relation types at once; what spans and relations use must stay, and each type's
        end labels must be labels of the set."""
        names = {label.name for label in labels}
        keyed = relation_key_problems([(label.name, label.key) for label in labels], [(t.name, t.key) for t in types])
        if keyed:
            raise UserError(f"{keyed[0][1]}; nothing was changed")
        with self.transaction():
            for relation_type in types:
                missing = sorted(set(relation_type.from_labels + relation_type.to_labels) - names)
                if missing:
                    raise UserError(f"relation type {relation_type.name} names labels not in the set: {', '.join(missing)}")
            used = {row[0] for row in self.conn.execute("SELECT type FROM relations UNION SELECT type FROM gold_relations")}
            missing = sorted(used - {t.name for t in types})
            if missing:
                raise UserError(f"relation types still used by relations cannot be removed: {', '.join(missing)}")
            super().set_labels(labels)
            write_relation_types(self.conn, types)
            self._misfits_after_types()

    def _misfits_after_types(self) -> None:
        """Refuse a label set whose relation types no longer allow a stored relation's ends."""
        types = {t.name: t for t in self.relation_types()}
        for table, spans in (("relations", "spans"), ("gold_relations", "gold_spans")):
            found = self.conn.execute(
                f"SELECT r.id, r.type, f.label, t.label FROM {table} r JOIN {spans} f ON f.id = r.from_id "
                f"JOIN {spans} t ON t.id = r.to_id"
            )
            for relation_id, type_name, from_label, to_label in found:
                why = types[type_name].misfit(from_label, to_label)
                if why:
                    raise RelationConflict(f"relation {relation_id} would no longer fit: {why}; nothing was changed")

    # -- one annotator's relations ---------------------------------------------------------------

    def relations(self, article_id: str, annotator: str | None = None) -> list[Relation]:
        sql = f"SELECT {RELATION_COLUMNS} FROM relations WHERE article_id = ?"
        params: list = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [_relation(row) for row in self.conn.execute(sql + " ORDER BY id", params)]

    def relation_links(self, article_id: str, annotator: str) -> list[tuple[str, int, int, int]]:
        """(type, from id, to id, id) of an article's relations by one annotator: what the window reads on opening it,
        as plain tuples (a 5,000-relation article opens faster)."""
        return self.conn.execute("SELECT type, from_id, to_id, id FROM relations WHERE article_id = ? AND annotator = ?",
                                 (article_id, annotator)).fetchall()

    def relations_of_span(self, span_id: int) -> list[Relation]:
        found = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE from_id = ?1 OR to_id = ?1 ORDER BY id", (span_id,)
        )
        return [_relation(row) for row in found]

    def add_relation(self, relation: Relation) -> Relation:
        """Store a relation between two spans of one article and annotator and return it with its id and article.
        Ids are never reused, so undo can put it back under the id it had (`relation.id`)."""
        with self.transaction():
            ends = [self._relation_end(span_id) for span_id in (relation.from_id, relation.to_id)]
            article_id, annotator = self._check_ends(relation, ends, [s.annotator for s in ends], "span")
            self._refuse_twice(relation.type, relation.from_id, relation.to_id)
            new_id = self.conn.execute(
                "INSERT INTO relations (id, article_id, annotator, type, from_id, to_id, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (relation.id, article_id, annotator, relation.type, relation.from_id, relation.to_id, now()),
            ).fetchone()[0]
            self._changed("relations", article_id)
        return replace(relation, id=new_id, article_id=article_id, annotator=annotator)

    def _relation_end(self, span_id: int) -> Span:
        try:
            return self.span(span_id)
        except KeyError:
            raise UserError(f"span {span_id} is no longer in {self.path}; no relation was made") from None

    def _check_ends(self, relation: Relation, ends: list, owners: list[str], kind: str) -> tuple[str, str]:
        """(article id, owner) of a relation's two ends, refused unless they may be linked by its type."""
        first, second = ends
        if first.id == second.id:
            raise UserError(f"a relation links two different {kind}s, not {kind} {first.id} to itself")
        if first.article_id != second.article_id:
            raise UserError(f"{kind}s {first.id} and {second.id} are in different articles; no relation was made")
        if owners[0] != owners[1] or (relation.annotator and relation.annotator != owners[0]):
            raise UserError(f"{kind}s {first.id} and {second.id} are not both {relation.annotator or owners[0]!r}'s; "
                            "no relation was made")
        why = self.relation_type(relation.type).misfit(first.label, second.label)
        if why:
            raise RelationConflict(f"{why}; no relation was made")
        return first.article_id, owners[0]

    def _refuse_twice(self, type_name: str, from_id: int, to_id: int) -> None:
        """One relation of a type between the same two spans: a second is refused in words, not by the index."""
        if self.conn.execute("SELECT 1 FROM relations WHERE from_id = ? AND to_id = ? AND type = ?",
                             (from_id, to_id, type_name)).fetchone():
            raise UserError(f"spans {from_id} and {to_id} are linked by {type_name} already; nothing was changed")

    def _own_relation(self, relation_id: int, annotator: str | None) -> Relation:
        """The relation as stored, refused if it is gone or (with `annotator`) someone else's."""
        row = self.conn.execute(f"SELECT {RELATION_COLUMNS} FROM relations WHERE id = ?", (relation_id,)).fetchone()
        if row is None:
            raise UserError(f"relation {relation_id} is no longer in {self.path}; nothing was changed")
        old = _relation(row)
        if annotator is not None and old.annotator != annotator:
            raise UserError(f"relation {relation_id} belongs to {old.annotator!r}, not {annotator!r}; nothing was changed")
        return old

    def delete_relation(self, relation_id: int, *, annotator: str | None = None) -> Relation:
        """Remove a relation and return it as it was (with `annotator`, only one of theirs)."""
        with self.transaction():
            old = self._own_relation(relation_id, annotator)
            self.conn.execute("DELETE FROM relations WHERE id = ?", (relation_id,))
            self._changed("relations", old.article_id)
        return old

    def set_relation_type(self, relation_id: int, type_name: str, *, annotator: str | None = None) -> Relation:
        """Give a relation another type its ends fit (with `annotator`, only one of theirs); return it changed."""
        with self.transaction():
            old = self._own_relation(relation_id, annotator)
            why = self.relation_type(type_name).misfit(self.span(old.from_id).label, self.span(old.to_id).label)
            if why:
                raise RelationConflict(f"{why}; nothing was changed")
            self._refuse_twice(type_name, old.from_id, old.to_id)
            self.conn.execute("UPDATE relations SET type = ? WHERE id = ?", (type_name, relation_id))
            self._changed("relations", old.article_id)
        return replace(old, type=type_name)

    # -- spans and their relations ---------------------------------------------------------------

    def delete_span(self, span_id: int, *, annotator: str | None = None) -> Span:
        """Remove a span with its relations; return the span (delete_span_with_relations also gives the relations)."""
        return self.delete_span_with_relations(span_id, annotator=annotator)[0]

    def delete_span_with_relations(self, span_id: int, *, annotator: str | None = None) -> tuple[Span, list[Relation]]:
        """Remove a span and every relation from or to it; return them as they were, for restore_span."""
        with self.transaction():
            linked = self.relations_of_span(span_id)
            if linked:
                self.conn.execute("DELETE FROM relations WHERE from_id = ?1 OR to_id = ?1", (span_id,))
                self._changed("relations", linked[0].article_id)
            span = super().delete_span(span_id, annotator=annotator)
        return span, linked

    def restore_span(self, article_id: str, span: Span, relations: list[Relation]) -> Span:
        """Put back a deleted span and its relations under the ids they had (the undo of delete_span_with_relations)."""
        with self.transaction():
            restored = self.add_span(article_id, span)
            for relation in relations:
                self.add_relation(relation)
        return restored

    def update_span(self, span_id: int, *, annotator: str | None = None, **changes) -> Span:
        """Change a span (see Spans.update_span); a new label its relations do not allow raises RelationConflict."""
        with self.transaction():
            if "label" in changes:
                for relation in self.relations_of_span(span_id):
                    labels = [changes["label"] if end == span_id else self.span(end).label
                              for end in (relation.from_id, relation.to_id)]
                    why = self.relation_type(relation.type).misfit(*labels)
                    if why:
                        raise RelationConflict(
                            f"span {span_id} is an end of relation {relation.id}: {why}. Delete the relation first; "
                            "nothing was changed")
            return super().update_span(span_id, annotator=annotator, **changes)

    # -- the gold layer's relations --------------------------------------------------------------

    def gold_relations(self, article_id: str) -> list[Relation]:
        found = self.conn.execute(
            f"SELECT {GOLD_RELATION_COLUMNS} FROM gold_relations WHERE article_id = ? ORDER BY id", (article_id,)
        )
        return [_relation(row) for row in found]

    def add_gold_relation(self, relation: Relation) -> Relation:
        """Link two gold spans of one article (the annotator being the reviewer) and return it with its id."""
        with self.transaction():
            ends = [self._gold_end(gold_id) for gold_id in (relation.from_id, relation.to_id)]
            article_id, _ = self._check_ends(relation, ends, [relation.annotator] * 2, "gold span")
            new_id = self.conn.execute(
                "INSERT INTO gold_relations (id, article_id, reviewer, type, from_id, to_id, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (relation.id, article_id, relation.annotator, relation.type, relation.from_id, relation.to_id, now()),
            ).fetchone()[0]
            self._changed("gold", article_id)
        return replace(relation, id=new_id, article_id=article_id)

    def _gold_end(self, gold_id: int) -> GoldSpan:
        row = self.conn.execute("SELECT article_id, start, end, label FROM gold_spans WHERE id = ?", (gold_id,)).fetchone()
        if row is None:
            raise UserError(f"gold span {gold_id} is no longer in {self.path}; no relation was made")
        article_id, start, end, label = row
        return GoldSpan(start, end, label, "", "", id=gold_id, article_id=article_id)

    def delete_gold_relation(self, relation_id: int) -> Relation | None:
        """Remove a gold relation and return it as it was (None when it is gone already)."""
        with self.transaction():
            row = self.conn.execute(
                f"SELECT {GOLD_RELATION_COLUMNS} FROM gold_relations WHERE id = ?", (relation_id,)
            ).fetchone()
            if row is None:
                return None
            self.conn.execute("DELETE FROM gold_relations WHERE id = ?", (relation_id,))
            self._changed("gold", row[1])
        return _relation(row)

    def delete_gold_span(self, article_id: str, key: tuple[int, int, str], *, gold_id: int | None = None) -> GoldSpan | None:
        """Remove a gold span (see Gold.delete_gold_span) and its gold relations."""
        with self.transaction():
            old = super().delete_gold_span(article_id, key, gold_id=gold_id)
            if old is not None:
                self.conn.execute("DELETE FROM gold_relations WHERE from_id = ?1 OR to_id = ?1", (old.id,))
        return old
