"""Merging annotators' databases: SHA-256 matching, provenance, idempotence, conflicts, refusals."""

from __future__ import annotations

import sqlite3

import pytest

from annotator import review
from annotator.errors import UserError
from annotator.model import Article, Span
from annotator.store import open_store
from annotator.store.migrations import BEFORE_RELATIONS

TEXT = "Japan and NATO met in Brussels."


@pytest.fixture
def store(any_store):
    """Merging into either engine: a SQLite file, or a team's PostgreSQL database."""
    return any_store


def annotator_db(path, who, article_id="a1", text=TEXT, spans=(("Japan", "ACTOR"),)):
    store = open_store(path)
    store.add_article(Article(article_id, text))
    for phrase, label in spans:
        start = text.index(phrase)
        store.add_span(article_id, Span(start, start + len(phrase), label, phrase, who))
    store.set_status(article_id, who, "done")
    store.close()
    return path


def test_merge_brings_articles_and_spans_with_their_source(tmp_path, store):
    alice = annotator_db(tmp_path / "alice.db", "alice")
    bob = annotator_db(tmp_path / "bob.db", "bob", article_id="other-id", spans=[("NATO", "ACTOR"), ("Brussels", "LOCATION")])
    report = review.merge(store, [alice, bob])
    assert (report.articles, report.present, report.spans) == (1, 1, 3)
    assert store.article_ids() == ["a1"]  # matched by text, not by id
    spans = store.spans("a1")
    assert {(x.annotator, x.text) for x in spans} == {("alice", "Japan"), ("bob", "NATO"), ("bob", "Brussels")}
    origins = dict(store.conn.execute("SELECT annotator, origin FROM spans"))
    assert origins == {"alice": "alice.db", "bob": "bob.db"}
    assert store.status("a1", "alice") == "done" and store.status("a1", "bob") == "done"


def test_merging_twice_adds_nothing(tmp_path, store):
    alice = annotator_db(tmp_path / "alice.db", "alice")
    review.merge(store, [alice])
    again = review.merge(store, [alice])
    assert (again.articles, again.spans, again.present, again.spans_present) == (0, 0, 1, 1)
    assert len(store.spans("a1")) == 1


def test_a_different_text_under_the_same_id_is_reported_not_overwritten(tmp_path, store):
    store.add_article(Article("a1", "Another text entirely."))
    report = review.merge(store, [annotator_db(tmp_path / "alice.db", "alice")])
    assert report.articles == 0 and report.spans == 0
    assert report.conflicts and "'a1'" in report.conflicts[0]
    assert store.article("a1").text == "Another text entirely."


def test_the_other_file_is_opened_read_only(tmp_path, store):
    alice = annotator_db(tmp_path / "alice.db", "alice")
    before = alice.read_bytes()
    review.merge(store, [alice])
    assert alice.read_bytes() == before


@pytest.mark.parametrize("kind", ["text", "other-sqlite", "empty", "missing", "itself"])
def test_a_file_that_is_not_an_annotator_database_is_refused(tmp_path, store, kind):
    path = tmp_path / f"{kind}.db"
    if kind == "text":
        path.write_text("hello, not a database\n" * 50)
    elif kind == "other-sqlite":
        sqlite3.connect(path).execute("CREATE TABLE things (x)").connection.close()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "itself":
        path = store.path
    good = annotator_db(tmp_path / "alice.db", "alice")
    with pytest.raises(UserError, match="not an annotator database|no such database|being merged into"):
        review.merge(store, [good, path])
    assert store.article_count() == 0  # nothing half-merged


def test_unknown_labels_are_added(tmp_path, store):
    other = open_store(tmp_path / "alice.db")
    other.add_label("EVENT")
    other.close()
    alice = annotator_db(tmp_path / "alice.db", "alice", spans=[("met", "EVENT")])
    report = review.merge(store, [alice])
    assert report.added_labels == ["EVENT"] and "EVENT" in {x.name for x in store.labels()}


def test_merge_brings_relations_between_the_merged_spans_and_reports_those_that_do_not_fit(tmp_path, store):
    from annotator.model import Label, Relation, RelationType

    path = annotator_db(tmp_path / "alice.db", "alice", spans=[("Japan", "ACTOR"), ("NATO met", "CLAIM"), ("Brussels", "LOCATION")])
    alice = open_store(path)
    alice.set_label_set(alice.labels() + [Label("EVENT")], alice.relation_types() + [RelationType("AT", ("CLAIM",), ("LOCATION",))])
    claim, japan, brussels = (next(s.id for s in alice.spans("a1") if s.text == t) for t in ("NATO met", "Japan", "Brussels"))
    alice.add_relation(Relation("CLAIMED_BY", claim, japan))
    alice.add_relation(Relation("AT", claim, brussels))
    alice.close()
    report = review.merge(store, [path])
    assert (report.relations, report.relations_present) == (1, 0)
    assert report.refused_relations == ["alice.db: a AT relation on article 'a1': no relation type AT here"]
    assert "1 relation added (0 already present); 1 relation not merged (its type does not fit here)" in report.summary()
    [relation] = store.relations("a1")
    assert (relation.type, store.span(relation.from_id).text, store.span(relation.to_id).text) == ("CLAIMED_BY", "NATO met", "Japan")
    again = review.merge(store, [path])
    assert (again.relations, again.relations_present) == (0, 1)


def test_merging_a_database_older_than_relations_brings_none(tmp_path, store):
    from .test_store import make_old_database

    make_old_database(tmp_path / "old.db", BEFORE_RELATIONS)
    report = review.merge(store, [tmp_path / "old.db"])
    assert (report.articles, report.relations) == (1, 0)
