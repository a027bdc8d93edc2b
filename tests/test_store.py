"""The SQLite store: transactions, change notification, spans, statuses, search, migrations."""

import sqlite3

import pytest

from annotator.errors import UserError
from annotator.model import Article, Span
from annotator.store import MIGRATIONS, SCHEMA_VERSION, Store, open_store


@pytest.fixture
def store(any_store):
    """Each test with a store runs on both engines, SQLite and PostgreSQL."""
    return any_store

TEXT = "Japan and 😀 NATO met in Brussels.\r\nChina replied."


@pytest.fixture
def article(store):
    store.add_article(Article("a1", TEXT, source="t.txt"))
    return store.article("a1")


def span(start, end, label="ACTOR", annotator="alice"):
    return Span(start, end, label, TEXT[start:end], annotator)


def test_new_database_is_wal_with_foreign_keys_and_default_labels(store):
    if store.engine.__name__.endswith("sqlite"):
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.version == SCHEMA_VERSION
    else:
        assert store.version == store.engine.SCHEMA_VERSION
        with pytest.raises(store.engine.EngineError, match="foreign key"):
            store.insert_span_rows([("nowhere", "alice", "ACTOR", 0, 1, "x", None, "test", "2026")])
    assert [label.name for label in store.labels()] == ["CLAIM", "ACTOR", "LOCATION"]
    assert [label.key for label in store.labels()] == ["1", "2", "3"]


def test_article_is_stored_verbatim(store, article):
    assert article.text == TEXT
    assert article.title == "Japan and 😀 NATO met in Brussels."
    assert article.text_sha256 == store.article_keys()[1]["a1"]


def test_add_update_delete_and_restore_a_span(store, article):
    made = store.add_span("a1", span(12, 16))
    assert made.id and made.text == "NATO"
    assert store.status("a1", "alice") == "in_progress"
    changed = store.update_span(made.id, label="LOCATION", note="check")
    assert (changed.label, changed.note) == ("LOCATION", "check")
    old = store.delete_span(made.id)
    assert store.spans("a1") == []
    store.add_span("a1", old)
    assert store.spans("a1") == [old]


def test_span_must_match_the_text_and_fit_it(store, article):
    with pytest.raises(UserError, match="differs"):
        store.add_span("a1", Span(0, 5, "ACTOR", "Japax", "alice"))
    with pytest.raises(UserError, match="does not fit"):
        store.add_span("a1", Span(0, 500, "ACTOR", "x", "alice"))
    with pytest.raises(UserError, match="unknown label"):
        store.add_span("a1", span(0, 5, label="NOPE"))
    assert store.spans("a1") == []


def test_sql_substr_counts_code_points_like_python(store, article):
    start = TEXT.index("NATO")
    assert start != len(TEXT[:start].encode())  # the emoji makes bytes and code points differ
    assert store.add_span("a1", span(start, start + 4)).text == "NATO"


def test_nested_and_same_range_spans_are_allowed(store, article):
    store.add_span("a1", span(0, 34, "CLAIM"))
    store.add_span("a1", span(0, 5, "ACTOR"))
    store.add_span("a1", span(0, 5, "LOCATION"))
    assert [s.label for s in store.spans("a1", "alice")] == ["CLAIM", "ACTOR", "LOCATION"]


def test_failed_transaction_leaves_nothing(store, article):
    with pytest.raises(RuntimeError), store.transaction():
        store.add_span("a1", span(0, 5))
        raise RuntimeError("boom")
    assert store.spans("a1") == []


def test_listeners_hear_each_commit_once_and_never_a_rollback(store, article):
    heard = []
    store.subscribe(lambda kind, article_id: heard.append((kind, article_id)))
    store.add_span("a1", span(0, 5))
    with pytest.raises(RuntimeError), store.transaction():
        store.add_span("a1", span(12, 16))
        raise RuntimeError
    assert heard == [("spans", "a1")]


def test_statuses_and_counts(store, article):
    store.set_status("a1", "bob", "done")
    assert store.status("a1", "bob") == "done"
    assert store.status_counts("bob")["done"] == 1
    assert store.status_counts("carol")["todo"] == 1
    with pytest.raises(UserError):
        store.set_status("a1", "bob", "finished")


def test_full_text_search_with_prefix_and_diacritics(store, article):
    store.add_article(Article("a2", "Zürich café talks"))
    assert store.search("brus") == [] and store.search_backlog() == 2  # stored, not yet indexed
    assert store.index_for_search(100) == 2 and store.search_backlog() == 0
    assert [row[0] for row in store.search("brus")] == ["a1"]
    assert [row[0] for row in store.search("zurich cafe")] == ["a2"]
    assert store.search("nothing-here") == []
    assert store.search('"unbalanced') == []
    assert [row.id for _, row in store.article_page("alice", search="china")] == ["a1"]


def test_iter_articles_streams_spans_with_their_articles(store, article):
    store.add_article(Article("a0", "Another text entirely."))
    store.add_span("a1", span(0, 5))
    store.add_span("a1", span(12, 16, annotator="bob"))
    got = [(a.id, [s.text for s in spans]) for a, spans in store.iter_articles()]
    assert got == [("a0", []), ("a1", ["Japan", "NATO"])]
    only_bob = [(a.id, [s.text for s in spans]) for a, spans in store.iter_articles(annotator="bob")]
    assert only_bob == [("a0", []), ("a1", ["NATO"])]
    store.set_status("a1", "bob", "done")
    assert [a.id for a, _ in store.iter_articles(status="done")] == ["a1"]


def make_old_database(path, version):
    """A database as annotator at schema `version` left it (its own triggers index the article for search)."""
    store = Store(path, migrate=False)
    store.migrate(to=version)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO articles (id, title, text, text_sha256) VALUES ('old', 'Old', ?, ?)",
                     ("An article from an older annotator.", Article("x", "An article from an older annotator.").text_sha256))


def test_older_database_opens_and_upgrades(tmp_path):
    path = tmp_path / "old.db"
    make_old_database(path, 1)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    store = open_store(path)
    assert store.version == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.article("old").text == "An article from an older annotator."
    assert store.gold_spans("old") == []
    store.add_article(Article("new", "An article from this annotator."))
    assert store.search_backlog() == 1  # what an older annotator stored was indexed by it; the new one waits
    assert store.index_for_search(10) == 1
    assert [row[0] for row in store.search("annotator")] == ["old", "new"]
    assert [row[0] for row in store.search("older")] == ["old"]


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "new.db"
    make_old_database(path, SCHEMA_VERSION)
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer annotator"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not a database" * 100)
    with pytest.raises(UserError, match="not an annotator database"):
        open_store(path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(UserError, match="not an annotator database"):
        open_store(other)


def test_search_index_stays_in_step_with_articles(store, tmp_path):
    store.add_article(Article("one", "Zürich talks"))
    with store.transaction():
        store.insert_article_rows([(f"b{i}", "t", f"Batch text {i}", f"{i:064x}", "", "{}", "") for i in range(5)])
    assert store.integrity_ok()  # all waiting for the index
    store.index_for_search(100)
    assert store.integrity_ok()
    assert [row[0] for row in store.search("batch")] == [f"b{i}" for i in range(5)]
    on_sqlite = store.engine.__name__.endswith("sqlite")
    store.conn.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (999, 'x', 'no such article')" if on_sqlite
                       else "INSERT INTO article_search (rowid, words) VALUES (999, 'x')")
    assert not store.integrity_ok()  # an index entry written behind the store's back is caught
