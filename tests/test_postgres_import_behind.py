"""A PostgreSQL import COPYs each batch on a thread of its own while the next is read (store/pg_behind.py): an error
in a record or in the server, met after batches went behind, is still one line and leaves nothing imported."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest
from click.testing import CliRunner

from annotator import corpus
from annotator.cli import cli
from annotator.store import open_store
from annotator.store.pg_behind import CopyBehind

RECORDS = 500
BATCH = 50  # ten batches of articles, so that several are behind when the error comes


@pytest.fixture
def batches_behind(monkeypatch) -> list[str]:
    """Small batches, and the COPY statement of each batch handed to the writer thread."""
    monkeypatch.setattr(corpus, "BATCH", BATCH)
    sent: list[str] = []
    copy = CopyBehind.copy

    def counted(self, statement, rows):
        sent.append(statement)
        return copy(self, statement, rows)

    monkeypatch.setattr(CopyBehind, "copy", counted)
    return sent


def write_corpus(path, bad_line: int | None = None) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(1, RECORDS + 1):
            label = "NO_SUCH_LABEL" if n == bad_line else "ACTOR"
            text = f"Japan met NATO, meeting {n}."
            out.write(json.dumps({"id": f"a{n}", "text": text, "spans": [{"start": 0, "end": 5, "label": label}]}) + "\n")


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


def stored(url: str) -> tuple[int, int]:
    store = open_store(url)
    try:
        return store.article_count(), store.conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        store.close()


def span_foreign_keys(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = 'spans'::regclass AND contype = 'f' ORDER BY conname").fetchall()


def no_writer_left() -> bool:
    return not any(t.name == "annotator-copy-behind" for t in threading.enumerate())


def test_a_bad_record_after_batches_went_behind_leaves_nothing_imported(tmp_path, postgres_url, batches_behind):
    path = tmp_path / "big.jsonl"
    write_corpus(path, bad_line=RECORDS - 20)
    keys = span_foreign_keys(postgres_url)
    result = CliRunner().invoke(cli, ["import", str(path), "--db", postgres_url], catch_exceptions=False)
    error = one_line_error(result)
    assert f"big.jsonl:{RECORDS - 20}" in error and "NO_SUCH_LABEL" in error and "nothing was imported" in error
    assert len(batches_behind) >= 10  # articles and spans of the batches before the bad record went behind
    assert stored(postgres_url) == (0, 0)
    assert span_foreign_keys(postgres_url) == keys  # dropped for the import into empty tables: back as they were
    assert no_writer_left()


def test_a_server_error_in_the_writer_thread_is_one_line_and_rolls_everything_back(tmp_path, postgres_url,
                                                                                   batches_behind):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "RAISE EXCEPTION 'no room' USING ERRCODE = 'disk_full'; END $$")
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW WHEN (NEW.id = 'a260') "
                     "EXECUTE FUNCTION refuse()")
    path = tmp_path / "big.jsonl"
    write_corpus(path)
    result = CliRunner().invoke(cli, ["import", str(path), "--db", postgres_url], catch_exceptions=False)
    assert "disk is full; nothing was changed" in one_line_error(result)
    assert span_foreign_keys(postgres_url)
    assert 10 <= len(batches_behind) < 2 * RECORDS // BATCH  # it stopped at the failing batch, not at the end
    assert stored(postgres_url) == (0, 0)
    assert no_writer_left()


def test_a_large_import_behind_keeps_every_record_in_input_order(tmp_path, postgres_url, batches_behind):
    path = tmp_path / "big.jsonl"
    write_corpus(path)
    keys = span_foreign_keys(postgres_url)
    assert keys and "REFERENCES articles(id)" in keys[0][1]
    result = CliRunner().invoke(cli, ["import", str(path), "--db", postgres_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert span_foreign_keys(postgres_url) == keys  # made again at the end of the import into an empty table
    assert len(batches_behind) == 2 * RECORDS // BATCH
    store = open_store(postgres_url)
    try:
        order = [row[0] for row in store.conn.execute("SELECT id FROM articles ORDER BY rowid")]
        assert order == [f"a{n}" for n in range(1, RECORDS + 1)]
        assert stored(postgres_url) == (RECORDS, RECORDS)
    finally:
        store.close()
    assert no_writer_left()


def test_an_import_into_articles_already_there_keeps_the_foreign_keys_and_others_read_meanwhile(tmp_path,
                                                                                               postgres_url):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps({"id": "x1", "text": "Japan met."}))  # an article, no span yet
    write_corpus(second)
    for path in (first, second):
        result = CliRunner().invoke(cli, ["import", str(path), "--db", postgres_url], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert stored(postgres_url) == (RECORDS + 1, RECORDS)
    with psycopg.connect(postgres_url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("DELETE FROM articles WHERE id = 'a7'")  # its span refers to it
    store = open_store(postgres_url)
    try:
        with psycopg.connect(postgres_url, autocommit=True) as other:
            other.execute("SET lock_timeout = '100ms'")
            with store.transaction(), store.writes_behind():
                assert other.execute("SELECT count(*) FROM spans").fetchone()[0] == RECORDS  # no wait
    finally:
        store.close()


def test_others_wait_for_a_first_import_and_read_once_it_commits(postgres_url):
    store = open_store(postgres_url)
    try:
        with psycopg.connect(postgres_url, autocommit=True) as other:
            other.execute("SET lock_timeout = '100ms'")
            with store.transaction(), store.writes_behind():
                store.insert_article_rows([("x1", "T", "Japan met.", "0" * 64, "f.jsonl", "{}", "2026-01-01")])
                with pytest.raises(psycopg.errors.LockNotAvailable):  # as README says: they wait for it
                    other.execute("SELECT count(*) FROM spans")
            assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    finally:
        store.close()
