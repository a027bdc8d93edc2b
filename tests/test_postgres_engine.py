"""What only the PostgreSQL engine does: the store's SQL taken into psycopg's dialect, search words folded as SQLite
folds them, one schema made once by many openers, snapshots, waiting for locked rows, and the window's change signal."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("psycopg")

from annotator.model import Article, Span  # noqa: E402
from annotator.store import StoreBusy, open_store  # noqa: E402
from annotator.store.pg_connection import translate  # noqa: E402
from annotator.store.postgres import search_conditions, search_runs, search_words, shown  # noqa: E402


def test_the_stores_sqlite_dialect_becomes_psycopgs():
    assert translate("SELECT start, end FROM spans WHERE id = ? AND label LIKE '%?end%'") == (
        "SELECT start, \"end\" FROM spans WHERE id = %s AND label LIKE '%%?end%%'", None)
    assert translate("SELECT p.end, CASE WHEN x THEN 1 END FROM t WHERE a = ?2 OR b = ?1 OR c = ?2") == (
        'SELECT p."end", CASE WHEN x THEN 1 END FROM t WHERE a = %s OR b = %s OR c = %s', (1, 0, 1))
    assert translate("SELECT 1 WHERE a.id IS NOT ? AND b = ?")[0] == "SELECT 1 WHERE a.id IS DISTINCT FROM %s AND b = %s"
    assert translate("BEGIN IMMEDIATE") == ("BEGIN", None)
    assert translate('SELECT "end", weekend, end_date FROM t')[0] == 'SELECT "end", weekend, end_date FROM t'


def test_search_words_are_folded_like_sqlites_and_runs_kept_whole():
    assert sorted(search_words("Zürich", "Café cafe\u0301 ÅNGSTRÖM naïve_x 東京で").split()) == [
        "angstrom", "cafe", "naive", "x", "zurich"]
    assert search_words("", "a" * 501 + " b") == "b"  # too long for a lexeme: not indexed
    assert search_runs("T", "met in 東京で today, 北京") == "東京で\n北京"
    assert search_runs("T", "plain ascii") is None
    assert search_conditions("zur 京") == [("a.rowid IN (SELECT rowid FROM article_search WHERE runs LIKE ?)", ("%京%",)),
                                          ("a.rowid IN (SELECT rowid FROM article_search WHERE words @@ ?::tsquery)",
                                           ("'zur':*",))]
    assert search_conditions("!!") == [("FALSE", ())]
    assert shown("postgresql://ann:secret@db.example.org:5432/news") == "postgresql://ann@db.example.org:5432/news"


def test_search_words_reach_the_server_unquoted_and_whole(postgres_databases):
    store = open_store(postgres_databases.new())
    words = search_words("Don't", "Zürich ١٢٣ Москва ΑΘΗΝΑ x2 'quoted' back\\slash colon:1A a:* ½ ²")
    lexemes = store.conn.execute("SELECT tsvector_to_array(?::tsvector)", (words,)).fetchone()[0]
    assert sorted(lexemes) == sorted(words.split()) and "colon" in lexemes and "t" in lexemes
    store.close()


def test_many_openers_of_a_new_database_make_its_schema_once(postgres_databases):
    url = postgres_databases.new(empty=True)
    errors, stores = [], []

    def open_one():
        try:
            stores.append(open_store(url))
        except Exception as e:  # noqa: BLE001 - any failure is the test's finding
            errors.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(stores) == 4
    assert [label.name for label in stores[0].labels()] == ["CLAIM", "ACTOR", "LOCATION"]
    for store in stores:
        store.close()
    postgres_databases.drop(url)


def test_a_snapshot_does_not_see_what_commits_after_it_began_and_the_change_signal_does(postgres_url):
    reader, writer = open_store(postgres_url), open_store(postgres_url)
    writer.add_article(Article("a1", "Japan and NATO."))
    before = reader.data_version()
    with reader.snapshot():
        assert reader.article_count() == 1
        writer.add_span("a1", Span(0, 5, "ACTOR", "Japan", "alice"))
        assert reader.spans("a1") == []
    assert [s.text for s in reader.spans("a1")] == ["Japan"]
    assert reader.data_version() != before
    reader.close()
    writer.close()


def test_a_write_that_waits_too_long_for_locked_rows_is_one_line(postgres_url):
    first, second = open_store(postgres_url), open_store(postgres_url)
    first.add_article(Article("a1", "Japan and NATO."))
    second.set_busy_wait(0.2)
    with first.transaction():
        first.set_status("a1", "alice", "done")
        with pytest.raises(StoreBusy, match=r"another process is writing to it .*nothing was changed"):
            second.set_status("a1", "alice", "skipped")
    assert second.status("a1", "alice") == "done"
    first.close()
    second.close()


def test_a_read_only_store_refuses_writes_in_one_line(postgres_url):
    from annotator.store.pg_store import PostgresStore

    store = PostgresStore(postgres_url, readonly=True)
    with pytest.raises(Exception, match="opened read-only; nothing was changed"):
        store.add_article(Article("a1", "Japan"))
    store.close()


def test_both_engines_write_the_same_records_of_the_same_database(tmp_path, postgres_url):
    from annotator.store.transfer import copy_database
    from tests.test_postgres_cli import filled

    sqlite_store, pg_store = open_store(tmp_path / "s.db"), open_store(postgres_url)
    filled(sqlite_store)
    sqlite_store.set_status("a1", "bob", "done")
    copy_database(sqlite_store, pg_store)
    for options in ({}, {"annotator": "alice"}, {"status": "done", "annotator": "bob"}, {"gold": True},
                    {"status": "reviewed", "gold": True}, {"from_id": "a1"}, {"before_id": "a1"}):
        assert list(pg_store.iter_record_json(**options)) == list(sqlite_store.iter_record_json(**options)), options
        with pg_store.snapshot():
            streamed = list(pg_store.iter_articles(**options))
        assert streamed == list(sqlite_store.iter_articles(**options)), options
    assert pg_store.stats() == sqlite_store.stats()
    assert pg_store.review_rows() == sqlite_store.review_rows()
    assert pg_store.relation_listing() == sqlite_store.relation_listing()
    sqlite_store.close()
    pg_store.close()
