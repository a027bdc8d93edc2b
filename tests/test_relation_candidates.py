"""Relation candidates for review (agreed, differs, not by all) and decisions on them, applied and taken back."""

from annotator import relation_review as rr
from annotator.model import Article, Relation, Span

TEXT = "Nakatani said Japan needs NATO in Brussels."
CLAIM, NAKATANI, BRUSSELS = (14, 30, "CLAIM"), (0, 8, "ACTOR"), (34, 42, "LOCATION")


def make(store, who, links):
    ids = {}
    for end in (CLAIM, NAKATANI, BRUSSELS):
        ids[end] = store.add_span("a1", Span(*end, TEXT[end[0]:end[1]], who)).id
    for kind, head, tail in links:
        store.add_relation(Relation(kind, ids[head], ids[tail]))


def found(store, names=("alice", "bob")):
    return {c.key: (c.kind, c.annotators) for c in rr.relation_candidates(store.spans("a1"), store.relations("a1"), list(names))}


def test_candidates_are_agreed_differing_or_not_by_all(store):
    store.add_article(Article("a1", TEXT))
    make(store, "alice", [("CLAIMED_BY", CLAIM, NAKATANI), ("ABOUT", CLAIM, BRUSSELS)])
    make(store, "bob", [("CLAIMED_BY", CLAIM, NAKATANI), ("ABOUT", CLAIM, NAKATANI)])
    assert found(store) == {
        ("CLAIMED_BY", CLAIM, NAKATANI): ("agreed", ("alice", "bob")),
        ("ABOUT", CLAIM, BRUSSELS): ("differs", ("alice",)),  # bob's ABOUT from the same claim goes elsewhere
        ("ABOUT", CLAIM, NAKATANI): ("differs", ("bob",)),
    }
    assert found(store, ["alice", "bob", "carol"])[("CLAIMED_BY", CLAIM, NAKATANI)][0] == "missing"  # not carol's


def test_accepting_puts_both_ends_and_the_relation_in_gold_and_reverting_takes_exactly_that_back(store):
    store.add_article(Article("a1", TEXT))
    make(store, "alice", [("CLAIMED_BY", CLAIM, NAKATANI)])
    make(store, "bob", [])
    [candidate] = rr.relation_candidates(store.spans("a1"), store.relations("a1"), ["alice", "bob"])
    assert candidate.kind == "missing"
    decision = rr.RelationDecision("a1", "rita", candidate, accept=True)
    decision.apply(store)
    gold = rr.gold_relation_keys(store, "a1")
    assert list(gold) == [candidate.key] and {g.key for g in store.gold_spans("a1")} == {CLAIM, NAKATANI}
    decision.revert(store)
    assert store.gold_spans("a1") == [] and store.gold_relations("a1") == []
    decision.apply(store)  # redo: the same rows under the same ids
    assert rr.gold_relation_keys(store, "a1") == gold
    reject = rr.RelationDecision("a1", "rita", candidate, accept=False)
    reject.apply(store)
    assert rr.gold_relation_keys(store, "a1") == {} and store.relation_rejections("a1") == {candidate.key}
    assert rr.relation_state(candidate, rr.gold_relation_keys(store, "a1"), store.relation_rejections("a1")) == "rejected"
    reject.revert(store)
    assert rr.gold_relation_keys(store, "a1") == gold and store.relation_rejections("a1") == set()
