"""The store's parts: filters as query objects, the one span check, ids never reused, no pandas for a new database."""

import sqlite3
import subprocess
import sys

import pytest

from annotator.errors import UserError
from annotator.model import Article, GoldSpan, Span, span_misfit
from annotator.store import SCHEMA_VERSION, Store, open_store
from annotator.store.filters import Condition, article_status, id_range, where

from .test_store import make_old_database


@pytest.fixture
def store(any_store):
    """Each test with a store runs on both engines, SQLite and PostgreSQL."""
    return any_store


def test_filters_compose_into_one_where_clause():
    assert where() == ("", [])
    assert where(id_range("a.id")) == ("", [])
    sql, params = where(article_status("bob", "done"), id_range("a.id", "a1", "b9"), Condition("x = ?", (3,)))
    assert sql.startswith("WHERE EXISTS (") and sql.endswith("AND a.id >= ? AND a.id < ? AND x = ?")
    assert params == ["bob", "a1", "b9", 3]
    with pytest.raises(UserError, match="unknown status filter"):
        article_status(None, "finished")


def test_span_check_counts_every_code_point_nul_included(store):
    text = "a\x00b 😀 c"
    assert span_misfit(text, 2, 3, "b") is None
    assert span_misfit(text, 4, 5, "😀") is None
    assert span_misfit(text, 0, 9, None) == ("end", "9 is past the end of the text (7)")
    assert span_misfit(text, 3, 3, "") == ("end", "3 is not after start 3")
    assert span_misfit(text, 2, 3, "x")[0] == "text"
    if not store.engine.__name__.endswith("sqlite"):
        with pytest.raises(UserError, match=r"cannot store the NUL character .*; nothing was changed"):
            store.add_article(Article("nul", text))
        assert store.article_count() == 0
        return
    store.add_article(Article("nul", text))
    made = store.add_span("nul", Span(6, 7, "ACTOR", "c", "alice"))  # SQLite's length() stops at the NUL: 1
    assert store.span(made.id).text == "c"


def test_span_ids_are_never_reused_even_after_migrating_an_old_database(tmp_path):
    path = tmp_path / "previous.db"
    make_old_database(path, 4)  # the schema before ids were never reused (v5)
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO spans (id, article_id, annotator, label, start, end, text) "
                         "VALUES (?, 'old', 'alice', 'ACTOR', 0, 2, 'An')", [(1,), (2,)])
        conn.execute("INSERT INTO gold_spans (id, article_id, label, start, end, text) VALUES (5, 'old', 'ACTOR', 0, 2, 'An')")
        conn.execute("DELETE FROM spans WHERE id = 2")
    store = open_store(path)
    assert store.version == SCHEMA_VERSION
    assert [s.id for s in store.spans("old")] == [1]
    assert [g.id for g in store.gold_spans("old")] == [5]
    mine = store.add_span("old", Span(3, 10, "ACTOR", "article", "alice"))
    store.delete_span(mine.id)
    theirs = store.add_span("old", Span(3, 10, "ACTOR", "article", "bob"))
    assert theirs.id > mine.id > 1
    assert "AUTOINCREMENT" in store.db["spans"].schema and "AUTOINCREMENT" in store.db["gold_spans"].schema
    assert {index.name for index in store.db["spans"].indexes} == {"idx_spans_outlines", "idx_spans_extras"}
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_edits_check_whose_span_it_is(store):
    store.add_article(Article("a", "Japan and NATO"))
    bobs = store.add_span("a", Span(0, 5, "ACTOR", "Japan", "bob"))
    with pytest.raises(UserError, match="belongs to 'bob'"):
        store.delete_span(bobs.id, annotator="alice")
    with pytest.raises(UserError, match="belongs to 'bob'"):
        store.update_span(bobs.id, annotator="alice", label="LOCATION")
    store.delete_span(bobs.id, annotator="bob")
    with pytest.raises(UserError, match="no longer"):
        store.delete_span(bobs.id, annotator="bob")


def test_putting_a_gold_span_back_never_replaces_another_reviewers(store):
    store.add_article(Article("a", "Japan and NATO"))
    mine = store.add_gold_span("a", GoldSpan(0, 5, "ACTOR", "Japan", "rita"))
    store.delete_gold_span("a", mine.key, gold_id=mine.id)
    theirs = store.add_gold_span("a", GoldSpan(0, 5, "ACTOR", "Japan", "sam"))
    assert store.add_gold_span("a", mine) == theirs  # rita's undo: sam's span stays
    assert store.delete_gold_span("a", mine.key, gold_id=mine.id) is None  # rita's redo touches nothing of sam's
    assert store.gold_spans("a") == [theirs]


def test_a_new_database_does_not_import_pandas(tmp_path):
    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    script = (
        "import sys; from click.testing import CliRunner; from annotator.cli import cli; "
        "r = CliRunner().invoke(cli, ['import', sys.argv[1], '--db', sys.argv[2]]); assert r.exit_code == 0, r.output; "
        "from annotator.store import Store; Store(sys.argv[3]).close(); print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a.txt"), str(tmp_path / "new.db"),
                          str(tmp_path / "other.db")], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert Store(tmp_path / "new.db").article_count() == 1


def test_articles_wait_for_the_search_index_once_their_transaction_commits_and_not_when_it_fails(store):
    rows = [(f"b{i}", "t", f"Batch text {i}", f"{i:064x}", "", "{}", "") for i in range(3)]
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article_rows(rows)
        raise RuntimeError("an import that stops midway")
    with store.transaction():
        store.insert_article_rows(rows[:2])
        store.insert_article_rows(rows[2:])
    store.add_article(Article("one", "Zürich batch"))
    assert store.search_backlog() == 4 and store.search("batch") == []
    assert store.index_for_search(3) == 3 and store.index_for_search(3) == 1 and store.index_for_search(3) == 0
    assert [row[0] for row in store.search("batch")] == ["b0", "b1", "b2", "one"]
    assert store.integrity_ok()


def test_the_store_refuses_an_exact_duplicate_of_an_annotators_span(store):
    store.add_article(Article("a", "Japan and NATO"))
    store.add_span("a", Span(0, 5, "ACTOR", "Japan", "alice"))
    store.add_span("a", Span(0, 5, "ACTOR", "Japan", "bob"))  # another annotator's is no duplicate
    store.add_span("a", Span(0, 5, "LOCATION", "Japan", "alice"))  # nor another label
    with pytest.raises(UserError, match="already has ACTOR at \\[0, 5\\)"):
        store.add_span("a", Span(0, 5, "ACTOR", "Japan", "alice"))
    assert len(store.spans("a")) == 3


def test_span_outlines_are_the_spans_read_from_indexes_alone(store):
    store.add_article(Article("a", "Japan and NATO met."))
    japan = store.add_span("a", Span(0, 5, "ACTOR", "Japan", "alice", note="the state"))
    nato = store.add_span("a", Span(10, 14, "ACTOR", "NATO", "alice", attributes=(("Negation", True),)))
    claim = store.add_span("a", Span(0, 19, "CLAIM", "Japan and NATO met.", "alice"))
    store.add_span("a", Span(0, 5, "ACTOR", "Japan", "bob"))
    outlines, extras = store.span_outlines("a", "alice")
    assert outlines == [(s.start, s.end, s.label, s.id) for s in store.spans("a", "alice")]
    assert [row[3] for row in outlines] == [claim.id, japan.id, nato.id]
    assert extras == {japan.id: ("the state", ()), nato.id: (None, (("Negation", True),))}
    if not store.engine.__name__.endswith(".sqlite"):
        return  # the query plans below are SQLite's (PostgreSQL's indexes: postgres_schema.sql, spans_outlines)
    for sql in ("SELECT start, end, label, id FROM spans WHERE article_id = ? AND annotator = ? "
                "ORDER BY start, end DESC, label, id",
                "SELECT id, note, attributes FROM spans WHERE article_id = ? AND annotator = ? "
                "AND (note IS NOT NULL OR attributes IS NOT NULL)"):
        plan = " ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, ("a", "alice")))
        assert "idx_spans_" in plan and "TEMP B-TREE" not in plan, plan
    covered = " ".join(row[-1] for row in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT start, end, label, id FROM spans WHERE article_id = 'a' AND annotator = 'alice' "
        "ORDER BY start, end DESC, label, id"))
    assert "COVERING INDEX idx_spans_outlines" in covered
