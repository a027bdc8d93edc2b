"""Database problems from the command line: one line, exit status 1, nothing changed, no traceback."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import annotator.store.connection as connection
import annotator.store.sqlite as engine
from annotator.cli import cli
from annotator.store import SCHEMA_VERSION, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def db(tmp_path, run):
    path = tmp_path / "p.db"
    assert run("import", ROOT / "seeds", "--db", path).exit_code == 0
    return path


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps({"text": "A new article about Japan."}) + "\n", encoding="utf-8")
    return path


def one_error_line(result, *words):
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert all(word in lines[0] for word in words), lines[0]


@pytest.mark.parametrize("command", [["stats"], ["export", "--out", "x.jsonl"], ["agreement"], ["review"],
                                     ["report", "--out", "r"], ["labels"]])
def test_a_mistyped_db_is_refused_not_created(run, tmp_path, command):
    missing = tmp_path / "typo" / "projcet.db"
    one_error_line(run(*command, "--db", missing), str(missing), "no such database")
    assert not missing.parent.exists()


def test_import_merge_and_labels_set_create_a_database(run, tmp_path, article):
    assert run("import", article, "--db", tmp_path / "a" / "a.db").exit_code == 0
    assert run("labels", "--set", ROOT / "seeds" / "labels.json", "--db", tmp_path / "b.db").exit_code == 0
    assert run("merge", tmp_path / "a" / "a.db", "--db", tmp_path / "c.db").exit_code == 0
    assert all((tmp_path / name).exists() for name in ("a/a.db", "b.db", "c.db"))


def test_dev_null_is_not_a_database(run, article):
    one_error_line(run("stats", "--db", os.devnull), "not a regular file")
    one_error_line(run("import", article, "--db", os.devnull), "not a regular file")


def test_a_newer_database_is_refused_by_every_command(run, db, article):
    newer = sqlite3.connect(db)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # in the file itself, not in a -wal a later close would move
    newer.close()
    before = db.read_bytes()
    for args in (["stats"], ["import", article], ["export", "--out", db.parent / "x.jsonl"]):
        one_error_line(run(*args, "--db", db), "newer annotator")
    assert db.read_bytes() == before


def test_a_damaged_database_is_one_line(run, db):
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    size = db.stat().st_size
    with db.open("r+b") as f:  # the schema page stays; the pages of the tables become noise
        f.seek(8192)
        f.write(os.urandom(size - 8192))
    one_error_line(run("stats", "--db", db), str(db), "damaged")


def test_a_read_only_database_changes_nothing(run, db, article, monkeypatch):
    connect = engine.connect
    monkeypatch.setattr(engine, "connect", lambda path, readonly: connect(path, readonly=True))  # root ignores chmod
    gc.collect()  # a store the fixture's import left for the collector closes now, not while the test runs
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()  # in the file itself, as a close would
    before = db.read_bytes()
    one_error_line(run("import", article, "--db", db), str(db), "read-only")
    assert db.read_bytes() == before
    assert run("stats", "--db", db).exit_code == 0  # reading still works


def test_a_busy_database_says_what_it_waits_for_then_gives_up_in_one_line(run, db, article, monkeypatch):
    monkeypatch.setattr(connection, "QUIET_WAIT_S", 0.1)
    monkeypatch.setattr(connection, "BUSY_WAIT_S", 0.5)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a long import
    try:
        result = run("import", article, "--db", db)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    lines = result.output.strip().splitlines()
    assert lines[0] == f"another process is writing to {db}; waiting…"
    assert result.exit_code == 1 and len(lines) == 2 and "Traceback" not in result.output
    assert lines[1].startswith("Error: ") and "another process is writing to it" in lines[1]
    assert open_store(db).article_count() == 1


def test_the_window_can_ask_for_a_short_wait(db):
    store, other = open_store(db), sqlite3.connect(db, isolation_level=None)
    store.set_busy_wait(0.05)
    waited = []
    store.on_wait = waited.append
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(connection.StoreBusy, match="another process is writing"):
        store.set_status(store.article_ids()[0], "alice", "done")
    other.execute("ROLLBACK")
    assert waited == []  # too short a wait to be worth a message
    store.set_status(store.article_ids()[0], "alice", "done")
