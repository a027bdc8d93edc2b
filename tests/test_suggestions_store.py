"""The suggestions table: stored without duplicates, never mixed with spans, accepted and rejected per annotator."""

from __future__ import annotations

import pytest

from annotator.errors import UserError
from annotator.model import Article, Span, Suggestion


@pytest.fixture
def store(any_store):
    """Each test with a store runs on both engines, SQLite and PostgreSQL."""
    return any_store

TEXT = "NATO met NATO in Brussels."


def nato(start, source="propagation", score=1.0, label="ACTOR"):
    return Suggestion(start, start + 4, label, "NATO", source, score)


@pytest.fixture
def filled(store):
    store.add_article(Article("a1", TEXT))
    store.add_article(Article("a2", "NATO again."))
    return store


def test_rerun_adds_nothing_twice_and_keeps_the_higher_score(filled):
    assert filled.add_suggestions("alice", "a1", [nato(0, score=0.5), nato(9)]) == 2
    assert filled.add_suggestions("alice", "a1", [nato(0, "patterns", 0.9), nato(9, "patterns", 0.2)]) == 0
    got = filled.suggestions("a1", "alice")
    assert [(s.start, s.source, s.score) for s in got] == [(0, "patterns", 0.9), (9, "propagation", 1.0)]
    assert filled.spans("a1") == [] and filled.suggestions("a1", "bob") == []


def test_a_suggestion_must_fit_the_text_and_the_label_set(filled):
    with pytest.raises(UserError, match="differs from the text"):
        filled.add_suggestions("alice", "a1", [nato(1)])
    with pytest.raises(UserError, match="unknown label"):
        filled.add_suggestions("alice", "a1", [nato(0, label="NOPE")])
    assert filled.suggestion_count("alice") == 0


def test_accept_makes_the_annotators_span_and_reject_is_remembered(filled):
    filled.add_suggestions("alice", "a1", [nato(0), nato(9)])
    first, second = filled.suggestions("a1", "alice")
    span = filled.accept_suggestion(first.id)
    assert (span.annotator, span.key) == ("alice", (0, 4, "ACTOR"))
    assert filled.conn.execute("SELECT origin FROM spans").fetchone()[0] == "suggestion:propagation"
    assert filled.status("a1", "alice") == "in_progress"
    filled.reject_suggestion(second.id)
    assert filled.suggestions("a1", "alice") == []
    assert filled.add_suggestions("alice", "a1", [nato(0), nato(9)]) == 0  # one is a span, one was rejected
    assert filled.add_suggestions("bob", "a1", [nato(0), nato(9)]) == 2  # bob rejected nothing
    with pytest.raises(UserError, match="no longer"):
        filled.accept_suggestion(second.id)


def test_a_span_made_by_hand_hides_the_same_suggestion(filled):
    filled.add_suggestions("alice", "a1", [nato(0)])
    filled.add_span("a1", Span(0, 4, "ACTOR", "NATO", "alice"))
    assert filled.suggestions("a1", "alice") == []
    assert filled.accept_suggestions("alice") == {}
    assert len(filled.spans("a1", "alice")) == 1


def test_bulk_accept_above_a_score_counts_per_label(filled):
    filled.add_suggestions("alice", "a1", [nato(0, score=0.9), nato(9, score=0.3),
                                           Suggestion(17, 25, "LOCATION", "Brussels", "patterns")])
    filled.add_suggestions("alice", "a2", [nato(0, score=0.8)])
    filled.add_suggestions("bob", "a2", [nato(0)])
    assert filled.accept_suggestions("alice", 0.5, ["a1"]) == {"ACTOR": 1, "LOCATION": 1}
    assert filled.accept_suggestions("alice", 0.5) == {"ACTOR": 1}
    assert [s.start for s in filled.suggestions("a1", "alice")] == [9]
    assert [(s.annotator, s.start) for s in filled.spans("a2")] == [("alice", 0)]
    assert filled.status("a2", "alice") == "in_progress" and filled.status("a2", "bob") == "todo"


def test_labelled_terms_and_articles_by_status(filled):
    filled.add_span("a1", Span(0, 4, "ACTOR", "NATO", "alice"))
    filled.add_span("a1", Span(9, 13, "ACTOR", "NATO", "alice"))
    filled.add_span("a1", Span(17, 25, "LOCATION", "Brussels", "bob"))
    assert filled.labelled_terms("alice") == [("NATO", "ACTOR", 2)]
    assert filled.labelled_terms() == [("Brussels", "LOCATION", 1), ("NATO", "ACTOR", 2)]
    assert filled.article_ids_for("alice", "todo") == ["a2"]
    assert filled.article_ids_for("alice") == ["a1", "a2"]
    with pytest.raises(UserError, match="unknown status"):
        filled.article_ids_for("alice", "finished")
