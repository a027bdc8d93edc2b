"""Reviewing relations: candidates from several annotators' relations, accepted into or rejected from the gold layer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import GoldSpan, Relation, Span
from .store import Store

End = tuple[int, int, str]  # start, end, label
RelationKey = tuple[str, End, End]  # type, from, to
KIND_TEXT = {"agreed": "agreed", "differs": "differs", "missing": "not by all"}


@dataclass(frozen=True)
class RelationCandidate:
    """A relation some of the compared annotators made, by type and the (start, end, label) of its ends.

    kind: "agreed" (all made it), "differs" (others linked the same ends with another type, or the same head by the
    same type to another span), "missing" (the others lack it)."""

    type: str
    head: End
    tail: End
    head_text: str
    tail_text: str
    annotators: tuple[str, ...]
    kind: str

    @property
    def key(self) -> RelationKey:
        return (self.type, self.head, self.tail)


def _rival(a: RelationKey, b: RelationKey) -> bool:
    same_ends = a[1:] == b[1:] and a[0] != b[0]
    same_head_other_tail = a[0] == b[0] and a[1] == b[1] and a[2] != b[2]
    return same_ends or same_head_other_tail


def relation_candidates(spans: Iterable[Span], relations: Iterable[Relation], annotators: list[str]) -> list[RelationCandidate]:
    """Every distinct (type, from, to) the named annotators made, in the text order of its head, with its kind."""
    order = {name: i for i, name in enumerate(annotators)}
    by_id = {span.id: span for span in spans}
    made: dict[RelationKey, set[str]] = {}
    texts: dict[RelationKey, tuple[str, str]] = {}
    for relation in relations:
        head, tail = by_id.get(relation.from_id), by_id.get(relation.to_id)
        if relation.annotator in order and head is not None and tail is not None:
            key = (relation.type, head.key, tail.key)
            made.setdefault(key, set()).add(relation.annotator)
            texts[key] = (head.text, tail.text)
    found = []
    for key, who in sorted(made.items(), key=lambda item: (item[0][1][0], item[0][2][0], item[0][0])):
        if len(who) == len(annotators):
            kind = "agreed"
        elif any(_rival(key, other) and not who & them for other, them in made.items()):
            kind = "differs"
        else:
            kind = "missing"
        found.append(RelationCandidate(*key, *texts[key], tuple(sorted(who, key=order.__getitem__)), kind))
    return found


def gold_relation_keys(store: Store, article_id: str) -> dict[RelationKey, Relation]:
    """{(type, from, to): gold relation} of an article."""
    ends = {g.id: g.key for g in store.gold_spans(article_id)}
    return {(r.type, ends[r.from_id], ends[r.to_id]): r for r in store.gold_relations(article_id)
            if r.from_id in ends and r.to_id in ends}


def relation_state(candidate: RelationCandidate, gold: Iterable[RelationKey], rejected: set[RelationKey]) -> str:
    """accepted, rejected or pending."""
    if candidate.key in gold:
        return "accepted"
    return "rejected" if candidate.key in rejected else "pending"


@dataclass
class RelationDecision:
    """Accepting a relation candidate (its ends go into the gold layer when not there yet) or rejecting it.

    The first `apply` works out what changes and keeps it (with the ids given), so that `revert` takes exactly
    that back and a later `apply` puts back the same rows under the same ids."""

    article_id: str
    reviewer: str
    candidate: RelationCandidate
    accept: bool
    planned: bool = False
    added_gold: list[GoldSpan] = field(default_factory=list)
    added: Relation | None = None  # gold relation put in
    removed: Relation | None = None  # gold relation taken out (a rejection of an accepted candidate)
    rejection: tuple[bool, bool] = (False, False)  # (added, removed)

    def apply(self, store: Store) -> None:
        with store.transaction():
            if not self.planned:
                self._plan(store)
                self.planned = True
                return
            for gold in self.added_gold:
                store.add_gold_span(self.article_id, gold)
            if self.added:
                store.add_gold_relation(self.added)
            if self.removed:
                store.delete_gold_relation(self.removed.id)
            self._rejection(store, *self.rejection)

    def revert(self, store: Store) -> None:
        with store.transaction():
            if self.added:
                store.delete_gold_relation(self.added.id)
            for gold in reversed(self.added_gold):
                store.delete_gold_span(self.article_id, gold.key, gold_id=gold.id)
            if self.removed:
                store.add_gold_relation(self.removed)
            self._rejection(store, *self.rejection[::-1])

    def _rejection(self, store: Store, add: bool, remove: bool) -> None:
        if add:
            store.add_relation_rejection(self.article_id, self.candidate.key, self.reviewer)
        if remove:
            store.delete_relation_rejection(self.article_id, self.candidate.key)

    def _plan(self, store: Store) -> None:
        c = self.candidate
        gold = gold_relation_keys(store, self.article_id)
        rejected = c.key in store.relation_rejections(self.article_id)
        if not self.accept:
            if c.key in gold:
                self.removed = store.delete_gold_relation(gold[c.key].id)
            if not rejected:
                store.add_relation_rejection(self.article_id, c.key, self.reviewer)
            self.rejection = (not rejected, False)
            return
        if rejected:
            store.delete_relation_rejection(self.article_id, c.key)
        self.rejection = (False, rejected)
        if c.key in gold:
            return
        there = {g.key: g for g in store.gold_spans(self.article_id)}
        ids = []
        for end, text in ((c.head, c.head_text), (c.tail, c.tail_text)):
            if end not in there:
                there[end] = store.add_gold_span(self.article_id, GoldSpan(*end, text, self.reviewer, c.annotators))
                self.added_gold.append(there[end])
            ids.append(there[end].id)
        self.added = store.add_gold_relation(Relation(c.type, ids[0], ids[1], self.reviewer))

    @property
    def empty(self) -> bool:
        return self.planned and not (self.added_gold or self.added or self.removed or any(self.rejection))

