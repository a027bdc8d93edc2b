"""The word index (FTS5, detail=none since the last migration): an older database carried over, search unchanged."""

import sqlite3

from annotator.model import Article
from annotator.store import MIGRATIONS, SCHEMA_VERSION, Store, open_store

TEXTS = {"a": "Talks in Zürich on the budget", "b": "Budget talks: naïve hopes", "c": "Nothing here"}


def test_an_older_database_gets_the_new_word_index_and_finds_the_same_articles(tmp_path):
    path = tmp_path / "old.db"
    old = Store(path, migrate=False)
    old.migrate(to=SCHEMA_VERSION - 1)  # detail=column: the index before the last migration
    for article_id, text in TEXTS.items():
        old.add_article(Article(article_id, text))
    before = {query: old.search(query) for query in ("budget", "zurich", "talk", "naive hopes", "nothing budget")}
    assert "detail=column" in _index_sql(path)
    old.close()

    store = open_store(path)
    assert store.version == SCHEMA_VERSION == len(MIGRATIONS)
    assert "detail=none" in _index_sql(path)
    assert {query: store.search(query) for query in before} == before
    assert [row[0] for row in before["budget"]] == ["a", "b"] and before["nothing budget"] == []
    assert store.integrity_ok()
    store.add_article(Article("d", "More budget news"))
    assert [row[0] for row in store.search("budget")] == ["a", "b", "d"]
    with store.transaction():
        store.conn.execute("DELETE FROM articles WHERE id = 'a'")  # the delete trigger takes it out of the index
    assert [row[0] for row in store.search("budget")] == ["b", "d"]
    assert store.integrity_ok()


def _index_sql(path) -> str:
    return sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]


def test_a_word_with_an_underscore_is_searched_as_its_parts(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_article(Article("code", "a snake_case name"))
    store.add_article(Article("prose", "a snake in the case"))
    store.add_article(Article("other", "a snake"))
    assert [row[0] for row in store.search("snake_case")] == ["code", "prose"]
    assert [row[0] for row in store.search("snake_ca")] == ["code", "prose"]
    assert [row.id for _, row in store.article_page("me", search="_case_")] == ["code", "prose"]
