"""Relations in the store: types in the label set, links between spans, deletion with their spans, undo, migration."""

import sqlite3

import pytest

from annotator.errors import UserError
from annotator.model import Article, GoldSpan, Label, Relation, RelationType, Span
from annotator.store import RelationConflict, open_store
from annotator.store.migrations import BEFORE_RELATIONS

from .test_store import make_old_database


@pytest.fixture
def store(any_store):
    """Each test with a store runs on both engines, SQLite and PostgreSQL."""
    return any_store

TEXT = "Nakatani said Japan needs NATO in Brussels."


@pytest.fixture
def spans(store):
    store.add_article(Article("a1", TEXT))

    def add(start, end, label, annotator="alice"):
        return store.add_span("a1", Span(start, end, label, TEXT[start:end], annotator)).id

    return {"claim": add(14, 30, "CLAIM"), "nakatani": add(0, 8, "ACTOR"), "brussels": add(34, 42, "LOCATION"),
            "bob_actor": add(0, 8, "ACTOR", "bob")}


def test_default_label_set_has_claimed_by_and_about(store):
    types = {t.name: t for t in store.relation_types()}
    assert list(types) == ["CLAIMED_BY", "ABOUT"]
    assert (types["CLAIMED_BY"].from_labels, types["CLAIMED_BY"].to_labels) == (("CLAIM",), ("ACTOR",))
    assert (types["ABOUT"].from_labels, types["ABOUT"].to_labels) == (("CLAIM",), ("ACTOR", "LOCATION"))


def test_add_a_relation_and_read_it_back(store, spans):
    made = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    assert (made.article_id, made.annotator) == ("a1", "alice") and made.id is not None
    assert store.relations("a1") == [made]
    assert store.relations("a1", "bob") == []
    assert store.relations_of_span(spans["nakatani"]) == [made]
    assert store.count_relations() == 1 and store.count_relations(annotator="bob") == 0


def test_a_relation_the_type_or_the_ends_do_not_allow_is_refused(store, spans):
    with pytest.raises(RelationConflict, match="CLAIMED_BY goes to ACTOR, not to LOCATION"):
        store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["brussels"]))
    with pytest.raises(RelationConflict, match="goes from CLAIM, not from ACTOR"):
        store.add_relation(Relation("ABOUT", spans["nakatani"], spans["claim"]))
    with pytest.raises(UserError, match="unknown relation type 'CAUSES'"):
        store.add_relation(Relation("CAUSES", spans["claim"], spans["nakatani"]))
    with pytest.raises(UserError, match="not both"):
        store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["bob_actor"]))
    with pytest.raises(UserError, match="itself"):
        store.add_relation(Relation("ABOUT", spans["claim"], spans["claim"]))
    with pytest.raises(UserError, match="span 999 is no longer"):
        store.add_relation(Relation("ABOUT", spans["claim"], 999))
    assert store.relations("a1") == []


def test_deleting_a_span_deletes_its_relations_and_restoring_brings_both_back(store, spans):
    claimed = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    about = store.add_relation(Relation("ABOUT", spans["claim"], spans["brussels"]))
    span, gone = store.delete_span_with_relations(spans["claim"], annotator="alice")
    assert gone == [claimed, about]
    assert store.relations("a1") == []
    store.restore_span("a1", span, gone)
    assert store.span(spans["claim"]) == span
    assert store.relations("a1") == [claimed, about]
    store.delete_span(spans["brussels"])  # the plain delete takes the relation with it too
    assert store.relations("a1") == [claimed]


def test_relation_ids_are_never_reused(store, spans):
    first = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    store.delete_relation(first.id, annotator="alice")
    second = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    assert second.id > first.id
    with pytest.raises(UserError, match="belongs to 'alice', not 'bob'"):
        store.delete_relation(second.id, annotator="bob")


def test_a_label_change_the_relation_does_not_allow_is_reported_and_changes_nothing(store, spans):
    relation = store.add_relation(Relation("ABOUT", spans["claim"], spans["nakatani"]))
    store.update_span(spans["nakatani"], label="LOCATION")  # ABOUT allows a LOCATION at its end
    with pytest.raises(RelationConflict, match=f"end of relation {relation.id}: ABOUT goes from CLAIM, not from ACTOR"):
        store.update_span(spans["claim"], label="ACTOR")
    assert store.span(spans["claim"]).label == "CLAIM"
    assert store.relations("a1") == [relation]
    store.update_span(spans["claim"], note="checked")  # other changes are not concerned


def test_label_set_keeps_relation_types_consistent(store, spans):
    store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    labels = store.labels()
    with pytest.raises(UserError, match="relation types still used by relations cannot be removed: CLAIMED_BY"):
        store.set_label_set(labels, [t for t in store.relation_types() if t.name != "CLAIMED_BY"])
    with pytest.raises(UserError, match="relation type QUOTES names labels not in the set: PERSON"):
        store.set_label_set(labels, [*store.relation_types(), RelationType("QUOTES", ("CLAIM",), ("PERSON",))])
    narrowed = [RelationType("CLAIMED_BY", ("CLAIM",), ("LOCATION",)), *store.relation_types()[1:]]
    with pytest.raises(RelationConflict, match="would no longer fit: CLAIMED_BY goes to LOCATION, not to ACTOR"):
        store.set_label_set(labels, narrowed)
    store.set_label_set([*labels, Label("EVENT")], [*store.relation_types(), RelationType("AT", ("EVENT",), ("LOCATION",), key="e")])
    assert store.relation_types()[-1] == RelationType("AT", ("EVENT",), ("LOCATION",), key="e")
    store.set_labels([*labels, Label("EVENT")])  # the label set alone: the types stay
    assert [t.name for t in store.relation_types()] == ["CLAIMED_BY", "ABOUT", "AT"]
    store.set_labels(labels)  # without EVENT, AT has nothing to start from and goes
    assert [t.name for t in store.relation_types()] == ["CLAIMED_BY", "ABOUT"]


def test_gold_relations_link_gold_spans_and_go_with_them(store, spans):
    claim = store.add_gold_span("a1", GoldSpan(14, 30, "CLAIM", TEXT[14:30], "rita"))
    actor = store.add_gold_span("a1", GoldSpan(0, 8, "ACTOR", TEXT[0:8], "rita"))
    relation = store.add_gold_relation(Relation("CLAIMED_BY", claim.id, actor.id, "rita"))
    assert store.gold_relations("a1") == [relation]
    assert store.relations("a1") == []
    with pytest.raises(RelationConflict):
        store.add_gold_relation(Relation("CLAIMED_BY", actor.id, claim.id, "rita"))
    store.delete_gold_span("a1", actor.key)
    assert store.gold_relations("a1") == []
    assert store.delete_gold_relation(relation.id) is None


def test_an_older_database_gains_the_default_types_its_labels_allow(tmp_path):
    path = tmp_path / "old.db"
    make_old_database(path, BEFORE_RELATIONS)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM labels WHERE name = 'LOCATION'")
    store = open_store(path)
    assert [(t.name, t.to_labels) for t in store.relation_types()] == [("CLAIMED_BY", ("ACTOR",)), ("ABOUT", ("ACTOR",))]
    store.add_article(Article("a1", TEXT))
    claim = store.add_span("a1", Span(14, 30, "CLAIM", TEXT[14:30], "alice"))
    actor = store.add_span("a1", Span(0, 8, "ACTOR", TEXT[0:8], "alice"))
    assert store.add_relation(Relation("ABOUT", claim.id, actor.id)).id == 1


def test_a_relation_changes_type_only_to_one_its_ends_fit_and_is_never_made_twice(store, spans):
    made = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    with pytest.raises(UserError, match="linked by CLAIMED_BY already"):
        store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    assert store.set_relation_type(made.id, "ABOUT", annotator="alice").type == "ABOUT"
    assert [r.type for r in store.relations("a1")] == ["ABOUT"]
    with pytest.raises(UserError, match="belongs to 'alice', not 'bob'"):
        store.set_relation_type(made.id, "CLAIMED_BY", annotator="bob")
    linked = store.add_relation(Relation("CLAIMED_BY", spans["claim"], spans["nakatani"]))
    with pytest.raises(UserError, match="linked by ABOUT already"):
        store.set_relation_type(linked.id, "ABOUT")
    about = store.add_relation(Relation("ABOUT", spans["claim"], spans["brussels"]))
    with pytest.raises(RelationConflict, match="CLAIMED_BY goes to ACTOR, not to LOCATION"):
        store.set_relation_type(about.id, "CLAIMED_BY")


def test_a_label_set_whose_relation_key_is_the_windows_or_a_labels_is_refused(store):
    labels, types = store.labels(), store.relation_types()
    with pytest.raises(UserError, match="key 'n' of relation type CLAIMED_BY is the window's key for 'Note…'"):
        store.set_label_set(labels, [RelationType("CLAIMED_BY", ("CLAIM",), ("ACTOR",), key="n"), *types[1:]])
    with pytest.raises(UserError, match="key '2' of relation type CLAIMED_BY is already used by label ACTOR"):
        store.set_label_set(labels, [RelationType("CLAIMED_BY", ("CLAIM",), ("ACTOR",), key="2"), *types[1:]])
    assert store.relation_types() == types


def test_relation_rejections_are_kept_by_type_and_ends(store, spans):
    key = ("ABOUT", (14, 30, "CLAIM"), (34, 42, "LOCATION"))
    store.add_relation_rejection("a1", key, "rita")
    store.add_relation_rejection("a1", key, "rita")
    assert store.relation_rejections("a1") == {key}
    store.delete_relation_rejection("a1", key)
    assert store.relation_rejections("a1") == set()


def test_what_the_window_and_review_write_of_relations_works_on_both_engines(any_store):
    store = any_store
    store.add_article(Article("a1", TEXT))
    claim = store.add_span("a1", Span(14, 30, "CLAIM", TEXT[14:30], "alice"))
    actor = store.add_span("a1", Span(0, 8, "ACTOR", TEXT[0:8], "alice"))
    made = store.add_relation(Relation("CLAIMED_BY", claim.id, actor.id))
    with pytest.raises(UserError, match="linked by CLAIMED_BY already"):
        store.add_relation(Relation("CLAIMED_BY", claim.id, actor.id))
    assert store.set_relation_type(made.id, "ABOUT", annotator="alice").type == "ABOUT"
    assert store.relation_links("a1", "alice") == [("ABOUT", claim.id, actor.id, made.id)]
    key = ("ABOUT", (14, 30, "CLAIM"), (0, 8, "ACTOR"))
    store.add_relation_rejection("a1", key, "rita")
    store.add_relation_rejection("a1", key, "rita")
    assert store.relation_rejections("a1") == {key}
    store.delete_relation_rejection("a1", key)
    assert store.relation_rejections("a1") == set()
