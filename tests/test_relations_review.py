"""accept-agreed puts relations in the gold layer when the annotators agree on them and on both their ends."""

from annotator import review
from annotator.model import Article, Relation, Span

TEXT = "Nakatani said Japan needs NATO in Brussels."


def make(store, who, claim=(14, 30), about=True):
    c = store.add_span("a1", Span(*claim, "CLAIM", TEXT[claim[0]:claim[1]], who))
    n = store.add_span("a1", Span(0, 8, "ACTOR", "Nakatani", who))
    b = store.add_span("a1", Span(34, 42, "LOCATION", "Brussels", who))
    store.add_relation(Relation("CLAIMED_BY", c.id, n.id))
    if about:
        store.add_relation(Relation("ABOUT", c.id, b.id))


def gold_links(store):
    spans = {g.id: (g.start, g.end, g.label) for g in store.gold_spans("a1")}
    return {(r.type, spans[r.from_id], spans[r.to_id], r.annotator) for r in store.gold_relations("a1")}


def test_relations_all_made_between_accepted_spans_go_to_gold_once(store):
    store.add_article(Article("a1", TEXT))
    make(store, "alice")
    make(store, "bob", about=False)
    report = review.accept_agreed(store, ["alice", "bob"], None, "rita")
    assert report.relations == 1 and "3 spans and 1 relation accepted" in report.summary()
    assert gold_links(store) == {("CLAIMED_BY", (14, 30, "CLAIM"), (0, 8, "ACTOR"), "rita")}
    assert review.accept_agreed(store, ["alice", "bob"], None, "rita").relations == 0
    assert review.accept_agreed(store, ["alice", "bob"], 1, "rita").relations == 1  # ABOUT: alice's alone
    assert len(gold_links(store)) == 2


def test_no_gold_relation_where_an_end_is_not_in_gold(store):
    store.add_article(Article("a1", TEXT))
    make(store, "alice")
    make(store, "bob", claim=(14, 42))  # the claims differ, so neither is accepted, nor their relations
    report = review.accept_agreed(store, ["alice", "bob"], None, "rita")
    assert report.relations == 0 and store.gold_relations("a1") == []


def test_removing_a_gold_span_takes_its_gold_relations_and_undo_puts_them_back(store):
    store.add_article(Article("a1", TEXT))
    make(store, "alice")
    make(store, "bob")
    review.accept_agreed(store, ["alice", "bob"], None, "rita")
    before = store.gold_relations("a1")
    assert len(before) == 2
    decision = review.plan_remove_gold(store, "a1", (0, 8, "ACTOR"), "rita")
    assert [r.type for r in decision.unlink] == ["CLAIMED_BY"]
    review.apply(store, decision)
    assert [r.type for r in store.gold_relations("a1")] == ["ABOUT"]
    review.revert(store, decision)
    assert store.gold_relations("a1") == before
    review.apply(store, decision)  # redo
    assert [r.type for r in store.gold_relations("a1")] == ["ABOUT"]
