"""The SQLite schema, one migration a version (a new database runs them all), made with sqlite-utils."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Label, RelationType
from .sqlite import FTS_AUTOMERGE, chars_of

if TYPE_CHECKING:
    from sqlite_utils import Database


def sqlite_utils_database(conn) -> Database:
    """sqlite-utils over `conn`, imported without pandas: it loads pandas when installed (+0.9 s, +87 MB) only to
    convert pandas values, which the store never inserts."""
    hidden = "pandas" not in sys.modules
    if hidden:
        sys.modules["pandas"] = None  # type: ignore[assignment]  # makes `import pandas` fail inside sqlite-utils
    try:
        import sqlite_utils
    finally:
        if hidden:
            del sys.modules["pandas"]
    return sqlite_utils.Database(conn)


def _v1(db: Database) -> None:
    db["articles"].create(
        {"id": str, "title": str, "text": str, "text_sha256": str, "source": str, "meta": str, "created": str},
        pk="id", not_null={"text", "text_sha256"},
    )
    db["articles"].create_index(["text_sha256"], unique=True)
    # detail=column: a third less indexing time than full; queries are ANDed words, never phrases.
    for statement in (
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content=articles, "
        "tokenize='unicode61 remove_diacritics 2', detail=column)",
        "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
        "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN INSERT INTO articles_fts "
        "(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); END",
        "CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN INSERT INTO articles_fts "
        "(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
    ):
        db.execute(statement)
    db["labels"].create(
        {"name": str, "description": str, "color": str, "key": str, "position": int}, pk="name"
    )
    db["spans"].create(
        {"id": int, "article_id": str, "annotator": str, "label": str, "start": int, "end": int,
         "text": str, "note": str, "origin": str, "created": str, "updated": str},
        pk="id", not_null={"article_id", "annotator", "label", "start", "end", "text"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["spans"].create_index(["article_id", "annotator", "start"])
    db["statuses"].create(
        {"article_id": str, "annotator": str, "status": str, "updated": str},
        pk=("article_id", "annotator"), foreign_keys=[("article_id", "articles", "id")],
    )


def _v2(db: Database) -> None:
    db["gold_spans"].create(
        {"id": int, "article_id": str, "label": str, "start": int, "end": int, "text": str, "note": str,
         "reviewer": str, "annotators": str, "decision": str, "created": str},
        pk="id", not_null={"article_id", "label", "start", "end", "text"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["gold_spans"].create_index(["article_id", "start", "end", "label"], unique=True)
    db["rejections"].create(
        {"article_id": str, "label": str, "start": int, "end": int, "reviewer": str, "created": str},
        pk=("article_id", "label", "start", "end"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["reviews"].create(
        {"article_id": str, "status": str, "reviewer": str, "updated": str},
        pk="article_id", foreign_keys=[("article_id", "articles", "id")],
    )


def _v3(db: Database) -> None:
    """Search indexing moves from a per-row trigger to the store, one statement a batch: the trigger took a third
    of a bulk import (see sqlite.index_articles_after)."""
    db.execute("DROP TRIGGER IF EXISTS articles_ai")


def _v4(db: Database) -> None:
    """Search finds any piece of Chinese, Japanese, Thai... text: unicode61 takes a whole run of such characters for
    one word, so a second index holds those runs a code point a word, searched as phrases (see words.index_text)."""
    db.execute("CREATE VIRTUAL TABLE articles_chars USING fts5(chars, "
               "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")")
    db.execute("CREATE TRIGGER articles_chars_ad AFTER DELETE ON articles BEGIN "
               "DELETE FROM articles_chars WHERE rowid = old.rowid; END")
    rows = db.conn.execute("SELECT rowid, title, text FROM articles")
    db.conn.executemany("INSERT INTO articles_chars (rowid, chars) VALUES (?, ?)",
                        ((rowid, chars) for rowid, title, text in rows if (chars := chars_of(title, text))))


def _v5(db: Database) -> None:
    """Span and gold-span ids are never reused (AUTOINCREMENT), so an undo that puts a span back under its old id
    can never meet, or later delete, a row another process made."""
    for table in ("spans", "gold_spans"):
        columns = db[table].columns_dict
        indexes = [(index.name, index.columns, bool(index.unique)) for index in db[table].indexes]
        not_null = {c.name for c in db[table].columns if c.notnull}
        parts = ["[id] INTEGER PRIMARY KEY AUTOINCREMENT"] + [
            f"[{name}] {'INTEGER' if kind is int else 'TEXT'}{' NOT NULL' if name in not_null else ''}"
            + (" REFERENCES [articles]([id])" if name == "article_id" else "")
            for name, kind in columns.items() if name != "id"
        ]
        names = ", ".join(f"[{name}]" for name in columns)
        db.execute(f"CREATE TABLE [{table}_v5] ({', '.join(parts)})")
        db.execute(f"INSERT INTO [{table}_v5] ({names}) SELECT {names} FROM [{table}]")
        db.execute(f"DROP TABLE [{table}]")
        db.execute(f"ALTER TABLE [{table}_v5] RENAME TO [{table}]")
        for name, index_columns, unique in indexes:
            db[table].create_index(index_columns, index_name=name, unique=unique)


def _v6(db: Database) -> None:
    """Suggestions (propagation, patterns, a model) in a table of their own, never mixed with anyone's spans: one
    row per annotator it is for and (start, end, label), so a rerun adds nothing twice; what an annotator rejected
    is remembered, so it is not suggested to them again."""
    db.execute(
        "CREATE TABLE suggestions ([id] INTEGER PRIMARY KEY AUTOINCREMENT, "
        "[article_id] TEXT NOT NULL REFERENCES [articles]([id]), [annotator] TEXT NOT NULL, [label] TEXT NOT NULL, "
        "[start] INTEGER NOT NULL, [end] INTEGER NOT NULL, [text] TEXT NOT NULL, [source] TEXT NOT NULL, "
        "[score] REAL NOT NULL, [created] TEXT)"
    )
    db["suggestions"].create_index(["annotator", "article_id", "start", "end", "label"], unique=True)
    db["suggestion_rejections"].create(
        {"annotator": str, "article_id": str, "start": int, "end": int, "label": str, "source": str, "created": str},
        pk=("annotator", "article_id", "start", "end", "label"), foreign_keys=[("article_id", "articles", "id")],
    )


def _v7(db: Database) -> None:
    """A span's attributes (brat's `A` lines: {"Negation": true, "Certainty": "High"}), as JSON, NULL when none."""
    db.execute("ALTER TABLE spans ADD COLUMN attributes TEXT")


def _relations(db: Database) -> None:
    """Relations between two spans (or two gold spans) of an article, and their types in the label set. A
    relation is deleted with either of its spans by the store (no foreign key: a later migration that rebuilds
    the spans table must not delete them)."""
    db.execute("CREATE TABLE relation_types (name TEXT PRIMARY KEY, description TEXT, color TEXT, key TEXT, "
               "from_labels TEXT NOT NULL, to_labels TEXT NOT NULL, position INTEGER)")
    for table, owner in (("relations", "annotator"), ("gold_relations", "reviewer")):
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                   "article_id TEXT NOT NULL REFERENCES articles(id), "
                   f"{owner} TEXT NOT NULL, type TEXT NOT NULL, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, "
                   "created TEXT)")
        db.execute(f"CREATE UNIQUE INDEX idx_{table}_ends ON {table} (from_id, to_id, type)")
        db.execute(f"CREATE INDEX idx_{table}_to ON {table} (to_id)")
        db.execute(f"CREATE INDEX idx_{table}_article ON {table} (article_id)")
    labels = {row[0] for row in db.conn.execute("SELECT name FROM labels")}
    fitting = [replace(t, from_labels=tuple(n for n in t.from_labels if n in labels),
                       to_labels=tuple(n for n in t.to_labels if n in labels)) for t in default_relation_types()]
    write_relation_types(db.conn, [t for t in fitting if t.from_labels and t.to_labels])


def _span_outlines(db: Database) -> None:
    """The window opens an article from indexes alone: each span's (start, end, label, id) in the order it shows
    them, and, in a partial index, the few spans with a note or attributes (Store.span_outlines)."""
    db.execute("DROP INDEX IF EXISTS idx_spans_article_id_annotator_start")
    db.execute("CREATE INDEX idx_spans_outlines ON spans (article_id, annotator, start, end DESC, label)")
    db.execute("CREATE INDEX idx_spans_extras ON spans (article_id, annotator) "
               "WHERE note IS NOT NULL OR attributes IS NOT NULL")


def _assignments(db: Database) -> None:
    """The coordinator's plan: which annotator is to label which article, in the order planned (annotator assign)."""
    db.execute("CREATE TABLE assignments (article_id TEXT NOT NULL REFERENCES articles(id), annotator TEXT NOT NULL, "
               "position INTEGER NOT NULL, created TEXT, PRIMARY KEY (article_id, annotator))")
    db.execute("CREATE INDEX idx_assignments_annotator ON assignments (annotator, position)")


def _relation_rejections(db: Database) -> None:
    """Relation candidates a reviewer rejected: the type and both ends by (start, end, label), as span rejections."""
    db.execute("CREATE TABLE relation_rejections (article_id TEXT NOT NULL REFERENCES articles(id), type TEXT NOT NULL, "
               "from_start INTEGER NOT NULL, from_end INTEGER NOT NULL, from_label TEXT NOT NULL, "
               "to_start INTEGER NOT NULL, to_end INTEGER NOT NULL, to_label TEXT NOT NULL, reviewer TEXT, created TEXT, "
               "PRIMARY KEY (article_id, type, from_start, from_end, from_label, to_start, to_end, to_label))")


def _search_backlog(db: Database) -> None:
    """The search index is built after an import, not in it: `search_indexed` holds the last article (rowid) indexed,
    and the triggers touch the index only for articles up to it (deleting a row an external-content FTS5 table never
    indexed corrupts it). What is there is indexed already. A deleted last article lowers the mark, so that the next
    article, which takes the freed rowid, is pending."""
    db.execute("CREATE TABLE search_indexed (last_rowid INTEGER NOT NULL)")
    db.execute("INSERT INTO search_indexed SELECT coalesce(max(rowid), 0) FROM articles")
    db.execute(f"INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE})")
    for name in ("articles_ad", "articles_au", "articles_chars_ad"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    indexed = "old.rowid <= (SELECT last_rowid FROM search_indexed)"
    db.execute(
        f"CREATE TRIGGER articles_ad AFTER DELETE ON articles WHEN {indexed} BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); "
        "DELETE FROM articles_chars WHERE rowid = old.rowid; "
        "UPDATE search_indexed SET last_rowid = (SELECT coalesce(max(rowid), 0) FROM articles) "
        "WHERE last_rowid > (SELECT coalesce(max(rowid), 0) FROM articles); END")
    db.execute(
        f"CREATE TRIGGER articles_au AFTER UPDATE ON articles WHEN {indexed} BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END")


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _relations, _span_outlines,
                                               _assignments, _relation_rejections, _search_backlog]
SCHEMA_VERSION = len(MIGRATIONS)
BEFORE_RELATIONS = MIGRATIONS.index(_relations)  # the last schema version without relations


def write_labels(conn, labels: list[Label]) -> None:
    """Replace the stored label set with `labels`, in the caller's transaction."""
    conn.execute("DELETE FROM labels")
    conn.executemany(
        "INSERT INTO labels (name, description, color, key, position) VALUES (?, ?, ?, ?, ?)",
        [(lb.name, lb.description, lb.color, lb.key, i) for i, lb in enumerate(labels)],
    )


def write_relation_types(conn, types: list[RelationType]) -> None:
    """Replace the stored relation types with `types`, in the caller's transaction."""
    conn.execute("DELETE FROM relation_types")
    conn.executemany(
        "INSERT INTO relation_types (name, description, color, key, from_labels, to_labels, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(t.name, t.description, t.color, t.key, json.dumps(list(t.from_labels)), json.dumps(list(t.to_labels)), i)
         for i, t in enumerate(types)],
    )


def _default_set() -> dict:
    from ..paths import seeds_dir

    return json.loads((seeds_dir() / "labels.json").read_text("utf-8"))


def default_labels() -> list[Label]:
    """The label set in seeds/labels.json."""
    return [Label(**item) for item in _default_set()["labels"]]


def default_relation_types() -> list[RelationType]:
    """The relation types in seeds/labels.json."""
    return [RelationType.from_record(item) for item in _default_set().get("relations", [])]
