"""The search index as its own phase: imports leave articles waiting, indexers take them a short transaction a batch,
and the index stays in step with the articles whatever happens to them meanwhile (both engines)."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.indexing import index_backlog
from annotator.model import Article
from annotator.store import Store, open_store


def articles(store, count: int, word: str = "harbour") -> list[str]:
    ids = [f"n{i:03d}" for i in range(count)]
    with store.transaction():
        store.insert_article_rows([(article_id, f"T{i}", f"A {word} story {i}, 東京で", f"{i:064x}", "", "{}", "")
                                   for i, article_id in enumerate(ids)])
    return ids


def found(store, query: str) -> list[str]:
    return [row[0] for row in store.search(query, limit=1000)]


def on_sqlite(store) -> bool:
    return store.engine.__name__.endswith("sqlite")


def test_search_finds_nothing_waiting_and_everything_indexed(any_store):
    ids = articles(any_store, 30)
    assert any_store.search_backlog() == 30 and found(any_store, "harbour") == [] and found(any_store, "東京") == []
    assert [row.id for _, row in any_store.article_page("me", search="harb")] == []
    assert any_store.index_for_search(12) == 12 and any_store.search_backlog() == 18
    assert found(any_store, "harbour") == ids[:12]  # the indexed share, in corpus order
    assert index_backlog(any_store) == 18 and any_store.search_backlog() == 0
    assert found(any_store, "harbour") == ids and found(any_store, "東京") == ids
    assert any_store.index_for_search(10) == 0 and any_store.integrity_ok()


def _delete(store, article_id: str) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def test_deleting_and_changing_waiting_and_indexed_articles_keeps_the_index_whole(any_store):
    ids = articles(any_store, 6)
    any_store.index_for_search(3)  # n000-n002 indexed, n003-n005 waiting
    _delete(any_store, "n001")  # indexed
    _delete(any_store, "n004")  # waiting: an external-content FTS5 table must never hear of it
    assert any_store.integrity_ok() and any_store.search_backlog() == 2
    with any_store.transaction():
        any_store.conn.execute("UPDATE articles SET title = 'lighthouse' WHERE id IN ('n002', 'n005')")
    assert any_store.integrity_ok()
    index_backlog(any_store)
    assert found(any_store, "harbour") == [ids[0], ids[2], ids[3], ids[5]]
    assert found(any_store, "lighthouse") == ["n002", "n005"] and any_store.integrity_ok()
    _delete(any_store, "n005")  # the last article, indexed: the next one takes its place in the corpus order
    any_store.add_article(Article("late", "A late lighthouse"))
    assert any_store.search_backlog() == 1 and found(any_store, "late") == []
    index_backlog(any_store)
    assert found(any_store, "lighthouse") == ["n002", "late"] and any_store.integrity_ok()


def test_interrupted_indexing_goes_on_where_it_stopped(any_store, monkeypatch):
    import annotator.indexing

    monkeypatch.setattr(annotator.indexing, "FIRST_BATCH", 10)
    ids = articles(any_store, 40)
    batches = []
    index_backlog(any_store, lambda done, total: batches.append((done, total)), stop=lambda: len(batches) == 1)
    assert batches and any_store.search_backlog() == 40 - batches[0][0] > 0 and batches[0][1] == 40
    import annotator.store.postgres as pg
    import annotator.store.sqlite as lite

    module, name = (lite, "chars_of") if on_sqlite(any_store) else (pg, "search_words")  # what a batch calls each article
    working = getattr(module, name)

    def broken(*args):
        raise RuntimeError("the indexer died")

    monkeypatch.setattr(module, name, broken)
    waiting = any_store.search_backlog()
    with pytest.raises(RuntimeError):
        any_store.index_for_search(5)
    assert any_store.search_backlog() == waiting and any_store.integrity_ok()  # the batch rolled back whole
    monkeypatch.setattr(module, name, working)
    reopened = any_store.another()
    assert index_backlog(reopened) == waiting and found(reopened, "harbour") == ids and reopened.integrity_ok()
    reopened.close()


def test_two_indexers_at_once_index_each_article_once(any_store):
    ids = articles(any_store, 300)
    counts, errors = [], []

    def indexer():
        store = any_store.another()
        try:
            done = 0
            while indexed := store.index_for_search(7):
                done += indexed
            counts.append(done)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            store.close()

    threads = [threading.Thread(target=indexer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sum(counts) == 300 and any_store.search_backlog() == 0
    assert found(any_store, "harbour") == ids and any_store.integrity_ok()


def test_a_large_backlog_into_an_empty_postgresql_index_builds_the_gin_indexes_once_at_the_end(postgres_url, monkeypatch):
    from annotator.store import pg_search

    monkeypatch.setattr(pg_search, "BULK_BUILD", 20)
    store = open_store(postgres_url)
    ids = articles(store, 50)
    indexes = "SELECT count(*) FROM pg_indexes WHERE tablename = 'article_search' AND indexname <> 'article_search_pkey'"
    assert store.index_for_search(10) == 10
    assert store.conn.execute(indexes).fetchone()[0] == 0  # dropped for the backlog
    assert found(store, "harbour") == ids[:10]  # search still answers, from the table itself
    index_backlog(store)
    assert store.conn.execute(indexes).fetchone()[0] == 2 and found(store, "harbour") == ids and store.integrity_ok()
    store.close()


def test_an_older_postgresql_database_counts_as_indexed(postgres_databases):
    from annotator.store.pg_store import PostgresStore

    url = postgres_databases.new(empty=True)
    old = PostgresStore(url, migrate=False)
    old.migrate(to=3)
    old.conn.execute("INSERT INTO articles (id, title, text, text_sha256, words) VALUES ('old', 'Old', 'harbour', 'x', "
                     "'harbour old')")
    old.close()
    store = open_store(url)
    assert store.search_backlog() == 0 and found(store, "harbour") == ["old"] and store.integrity_ok()
    store.close()


def test_import_says_what_waits_and_index_builds_it(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text("".join(f'{{"id": "a{i}", "text": "Harbour news {i}"}}\n' for i in range(3)), "utf-8")
    db = tmp_path / "p.db"
    imported = CliRunner().invoke(cli, ["import", str(source), "--db", str(db)])
    assert imported.exit_code == 0
    assert f"3 articles not yet in the search index: the window indexes them in the background, or now: " \
           f"annotator index --db {db}" in imported.output
    assert found(Store(db), "harbour") == []
    indexed = CliRunner().invoke(cli, ["index", "--db", str(db)])
    assert indexed.exit_code == 0 and indexed.output == "Indexed 3 articles for search; search finds all 3 now.\n"
    assert found(Store(db), "harbour") == ["a0", "a1", "a2"]
    again = CliRunner().invoke(cli, ["index", "--db", str(db)])
    assert again.output == "Indexed 0 articles for search; search finds all 3 now.\n"
    assert "Example: annotator import articles/ --db project.db && annotator index" in \
        CliRunner().invoke(cli, ["index", "--help"]).output
    missing = CliRunner().invoke(cli, ["index", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no such database" in missing.output
