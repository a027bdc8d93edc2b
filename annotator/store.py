"""The one module that speaks SQL: articles, labels, spans, statuses and the gold layer in SQLite."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from . import words
from .errors import UserError
from .model import REVIEW_STATUSES, STATUSES, Article, GoldSpan, Label, Span

if TYPE_CHECKING:
    from sqlite_utils import Database

PALETTE = (  # Okabe-Ito, safe for the common colour-vision deficiencies
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
)
KEYS = "1234567890"
CACHE_MIB = 8  # SQLite's page cache per connection; large_cache() raises it for bulk writes


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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
    of a bulk import (see Store._insert_articles)."""
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
                        ((rowid, chars) for rowid, title, text in rows if (chars := _chars(title, text))))


def _chars(title: str | None, text: str) -> str:
    return words.index_text(f"{title or ''}\n{text}")


def _v5(db: Database) -> None:
    """A span's attributes (brat's `A` lines: {"Negation": true, "Certainty": "High"}), as JSON, NULL when none."""
    db.execute("ALTER TABLE spans ADD COLUMN attributes TEXT")


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class ArticleRow:
    """What the article list shows, without the text."""

    id: str
    title: str
    status: str
    spans: int


class Store:
    """An annotator database. Every write is one `BEGIN IMMEDIATE` transaction; listeners hear of each."""

    def __init__(self, path: str | Path, *, migrate: bool = True, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        self._listeners: list[Callable[[str, str | None], None]] = []
        self._depth = 0
        self._pending: list[tuple[str, str | None]] = []
        try:
            target = Path(path).resolve().as_uri() + "?mode=ro" if readonly else self.path
            conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=10, uri=readonly)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute(f"PRAGMA cache_size = -{CACHE_MIB * 1024}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise UserError(f"{self.path}: not an annotator database ({e})") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(
                f"{self.path}: written by a newer annotator (schema version {version}; this one knows "
                f"{SCHEMA_VERSION}); not opened, not changed. Upgrade annotator to open it."
            )
        self.conn = conn
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version and "articles" not in tables:
            raise UserError(f"{self.path}: not an annotator database (no articles table)")
        if version == 0 and tables:
            raise UserError(f"{self.path}: not an annotator database (it holds other tables)")
        if migrate and not readonly and version < SCHEMA_VERSION:
            self.migrate()

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, for migrations; imported late, as it loads pandas when present."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, to: int = SCHEMA_VERSION) -> None:
        """Apply each migration after the current version, each in its own transaction."""
        if self.version == 0:
            self.conn.execute("PRAGMA page_size = 8192")  # ~5% faster bulk imports than 4096; set before any table
            self.conn.execute("PRAGMA journal_mode = WAL")
        for number in range(self.version + 1, to + 1):
            with self.transaction():
                MIGRATIONS[number - 1](self.db)
                if number == 1:
                    self._put_labels(default_labels())
                self.conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.conn.close()

    def fast_commits(self) -> None:
        """synchronous=NORMAL (in WAL): a commit still survives the process being killed, only not a power cut,
        and skips the fsync that costs ~6 ms of every single-span edit in the window."""
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @contextmanager
    def large_cache(self, mib: int = 64) -> Iterator[None]:
        """A bigger page cache while bulk work inserts into random-keyed indexes (imports, merges)."""
        self.conn.execute(f"PRAGMA cache_size = -{mib * 1024}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_MIB * 1024}")

    # -- transactions and change notification ---------------------------------------------------

    def subscribe(self, listener: Callable[[str, str | None], None]) -> None:
        """Call `listener(kind, article_id)` after every committed change."""
        self._listeners.append(listener)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One `BEGIN IMMEDIATE` transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._pending.clear()
            raise
        finally:
            self._depth = 0
        self.conn.execute("COMMIT")
        pending, self._pending = self._pending, []
        for kind, article_id in dict.fromkeys(pending):
            for listener in self._listeners:
                listener(kind, article_id)

    def _changed(self, kind: str, article_id: str | None = None) -> None:
        self._pending.append((kind, article_id))

    # -- labels --------------------------------------------------------------------------------

    def labels(self) -> list[Label]:
        rows = self.conn.execute("SELECT name, description, color, key FROM labels ORDER BY position, name")
        return [Label(name, description or "", color or "#888888", key or "") for name, description, color, key in rows]

    def set_labels(self, labels: list[Label]) -> None:
        """Replace the label set; labels still used by spans must stay."""
        names = {label.name for label in labels}
        with self.transaction():
            used = {row[0] for row in self.conn.execute("SELECT DISTINCT label FROM spans")}
            missing = sorted(used - names)
            if missing:
                raise UserError(f"labels still used by spans cannot be removed: {', '.join(missing)}")
            self._put_labels(labels)

    def _put_labels(self, labels: list[Label]) -> None:
        self.conn.execute("DELETE FROM labels")
        self.conn.executemany(
            "INSERT INTO labels (name, description, color, key, position) VALUES (?, ?, ?, ?, ?)",
            [(lb.name, lb.description, lb.color, lb.key, i) for i, lb in enumerate(labels)],
        )
        self._changed("labels")

    def add_label(self, name: str) -> Label:
        """Add a label with the first free colour and key."""
        with self.transaction():
            labels = self.labels()
            colors = [c for c in PALETTE if c not in {lb.color for lb in labels}] or list(PALETTE)
            keys = [k for k in KEYS if k not in {lb.key for lb in labels}] or [""]
            label = Label(name, "", colors[0], keys[0])
            self._put_labels([*labels, label])
        return label

    # -- articles ------------------------------------------------------------------------------

    def article_by_sha(self, sha: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE text_sha256 = ?", (sha,)).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article) -> None:
        with self.transaction():
            self._insert_articles([(article.id, article.title, article.text, article.text_sha256, article.source,
                                    json.dumps(article.meta, ensure_ascii=False), now())])
            self._changed("articles", article.id)

    def _insert_articles(self, rows: list[tuple]) -> None:
        """Insert (id, title, text, sha, source, meta_json, created) rows and index them for search, in one statement."""
        last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]
        self.conn.executemany(
            "INSERT INTO articles (id, title, text, text_sha256, source, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.execute(
            "INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles WHERE rowid > ?", (last,)
        )
        chars = {row[0]: found for row in rows if (found := _chars(row[1], row[2]))}
        if chars:
            self.conn.executemany("INSERT INTO articles_chars (rowid, chars) VALUES (?, ?)", (
                (rowid, chars[id_]) for rowid, id_ in self.conn.execute(
                    "SELECT rowid, id FROM articles WHERE rowid > ?", (last,)).fetchall() if id_ in chars))

    def article(self, article_id: str) -> Article:
        row = self.conn.execute(
            "SELECT id, text, title, source, meta, text_sha256 FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise UserError(f"no article {article_id!r} in {self.path}")
        return _article(row)

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def article_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM articles ORDER BY rowid")]

    def article_page(
        self, annotator: str, *, search: str = "", status: str | None = None, after: int = 0, limit: int = 500
    ) -> list[tuple[int, ArticleRow]]:
        """(rowid, row) of the next `limit` articles after rowid `after`, with status and span count: lists that load as they scroll."""
        where, params = ["a.rowid > ?"], [annotator, annotator, after]
        if search:
            clauses, args = _search_clauses(search)
            where += clauses
            params += args
        if status:
            where.append("coalesce(s.status, 'todo') = ?")
            params.append(status)
        sql = (
            "SELECT a.rowid, a.id, a.title, coalesce(s.status, 'todo'), "
            "(SELECT count(*) FROM spans p WHERE p.article_id = a.id AND p.annotator = ?) "
            "FROM articles a LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? "
            "WHERE " + " AND ".join(where) + " ORDER BY a.rowid LIMIT ?"
        )
        return [(rowid, ArticleRow(*row)) for rowid, *row in self.conn.execute(sql, [*params, limit])]

    def article_row(self, annotator: str, article_id: str) -> ArticleRow | None:
        """One article's line in the list: title, status and span count for `annotator`."""
        row = self.conn.execute(
            "SELECT a.id, a.title, coalesce(s.status, 'todo'), "
            "(SELECT count(*) FROM spans p WHERE p.article_id = a.id AND p.annotator = ?) "
            "FROM articles a LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? WHERE a.id = ?",
            (annotator, annotator, article_id),
        ).fetchone()
        return ArticleRow(*row) if row else None

    def next_article(self, annotator: str, after_id: str | None, statuses: tuple[str, ...] = ("todo", "in_progress")) -> str | None:
        """The first article after `after_id` (wrapping round, never `after_id` itself) whose status is one of `statuses`."""
        marks = ", ".join("?" * len(statuses))
        row = self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? "
            f"WHERE coalesce(s.status, 'todo') IN ({marks}) AND a.id IS NOT ? "
            "ORDER BY a.rowid <= coalesce((SELECT rowid FROM articles WHERE id = ?), 0), a.rowid LIMIT 1",
            (annotator, *statuses, after_id, after_id),
        ).fetchone()
        return row[0] if row else None

    def search(self, query: str, limit: int = 100) -> list[tuple[str, str]]:
        """(id, title) of the first `limit` articles, in corpus order, with every word of `query` in title or text.

        Not ranked: bm25 costs about 40 us a match, seconds when a common word matches 100,000 articles.
        """
        if words.phrases(query):
            clauses, args = _search_clauses(query)
            sql = f"SELECT a.id, a.title FROM articles a WHERE {' AND '.join(clauses)} ORDER BY a.rowid LIMIT ?"
            return list(self.conn.execute(sql, [*args, limit]))
        rows = self.conn.execute(
            "SELECT a.id, a.title FROM articles a WHERE a.rowid IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid LIMIT ?) ORDER BY a.rowid",
            (fts_query(query), limit),
        )
        return list(rows)

    # -- statuses ------------------------------------------------------------------------------

    def status(self, article_id: str, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM statuses WHERE article_id = ? AND annotator = ?", (article_id, annotator)
        ).fetchone()
        return row[0] if row else "todo"

    def set_status(self, article_id: str, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise UserError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        with self.transaction():
            self.conn.execute(
                "INSERT INTO statuses (article_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated",
                (article_id, annotator, status, now()),
            )
            self._changed("status", article_id)

    def status_counts(self, annotator: str) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        rows = self.conn.execute(
            "SELECT coalesce(s.status, 'todo'), count(*) FROM articles a "
            "LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? GROUP BY 1",
            (annotator,),
        )
        counts.update(dict(rows))
        return counts

    # -- spans ---------------------------------------------------------------------------------

    def spans(self, article_id: str, annotator: str | None = None) -> list[Span]:
        sql = f"SELECT {_SPAN_COLUMNS} FROM spans WHERE article_id = ?"
        params: list = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [_span(row) for row in self.conn.execute(sql + " ORDER BY start, end DESC, label, id", params)]

    def annotators(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT DISTINCT annotator FROM spans ORDER BY annotator")]

    def add_span(self, article_id: str, span: Span) -> Span:
        """Store one span (keeping `span.id` when given, as undo does) and return it with its id."""
        with self.transaction():
            self._check_span_text(article_id, span)
            stamp = now()
            cursor = self.conn.execute(
                "INSERT INTO spans (id, article_id, annotator, label, start, end, text, note, created, updated, "
                "attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (span.id, article_id, span.annotator, span.label, span.start, span.end, span.text, span.note,
                 stamp, stamp, attributes_json(span.attributes)),
            )
            self.conn.execute(
                "INSERT INTO statuses (article_id, annotator, status, updated) VALUES (?, ?, 'in_progress', ?) "
                "ON CONFLICT (article_id, annotator) DO UPDATE SET status = 'in_progress', updated = excluded.updated "
                "WHERE status = 'todo'",
                (article_id, span.annotator, stamp),
            )
            self._changed("spans", article_id)
        return replace(span, id=cursor.lastrowid, article_id=article_id)

    def update_span(self, span_id: int, **changes) -> Span:
        """Change a span's label, note or boundaries (with their text); return the span as it is now."""
        allowed = {"label", "note", "start", "end", "text"}
        if not changes.keys() <= allowed:
            raise ValueError(f"cannot change {sorted(changes.keys() - allowed)}")
        with self.transaction():
            old = self.span(span_id)
            new = replace(old, **changes)
            if {"start", "end", "text"} & changes.keys():
                self._check_span_text(old.article_id, new)
            self.conn.execute(
                "UPDATE spans SET label = ?, note = ?, start = ?, end = ?, text = ?, updated = ? WHERE id = ?",
                (new.label, new.note, new.start, new.end, new.text, now(), span_id),
            )
            self._changed("spans", old.article_id)
        return new

    def delete_span(self, span_id: int) -> Span:
        """Remove a span and return it as it was, so that undo can put it back."""
        with self.transaction():
            old = self.span(span_id)
            self.conn.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            self._changed("spans", old.article_id)
        return old

    def span(self, span_id: int) -> Span:
        row = self.conn.execute(f"SELECT {_SPAN_COLUMNS} FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None:
            raise KeyError(f"no span {span_id}")
        return _span(row)

    def _check_span_text(self, article_id: str, span: Span) -> None:
        row = self.conn.execute(
            "SELECT length(text), substr(text, ?, ?) FROM articles WHERE id = ?",
            (span.start + 1, span.end - span.start, article_id),
        ).fetchone()
        if row is None:
            raise UserError(f"no article {article_id!r}")
        length, text = row
        if not 0 <= span.start < span.end <= length:
            raise UserError(f"span [{span.start}, {span.end}) does not fit the text (length {length})")
        if text != span.text:
            raise UserError(f"span text {span.text!r} differs from the article's {text!r}")
        if span.label not in {label.name for label in self.labels()}:
            raise UserError(f"unknown label {span.label!r}")

    # -- bulk import and export ----------------------------------------------------------------

    def insert_article_rows(self, rows: list[tuple]) -> None:
        """Insert (id, title, text, sha, source, meta_json, created) rows inside the caller's transaction."""
        if rows:
            self._insert_articles(rows)
            self._changed("articles")

    def insert_span_rows(self, rows: list[tuple]) -> None:
        """Insert (article_id, annotator, label, start, end, text, note, origin, created[, attributes JSON]) rows."""
        attributes = "?10" if rows and len(rows[0]) == 10 else "NULL"
        self.conn.executemany(
            "INSERT INTO spans (article_id, annotator, label, start, end, text, note, origin, created, updated, "
            f"attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?9, {attributes})",
            rows,
        )
        if rows:
            self._changed("spans")

    def span_keys(self, article_id: str) -> set[tuple[str, int, int, str]]:
        """(annotator, start, end, label) of every span on an article, to skip what is already there."""
        rows = self.conn.execute(
            "SELECT annotator, start, end, label FROM spans WHERE article_id = ?", (article_id,)
        )
        return set(rows)

    def article_keys(self) -> tuple[dict[str, str], dict[str, str]]:
        """({sha: id}, {id: sha}) of every article, read from the two indexes without touching texts."""
        by_rowid = dict(self.conn.execute("SELECT rowid, text_sha256 FROM articles INDEXED BY idx_articles_text_sha256"))
        ids_by_sha, shas_by_id = {}, {}
        for rowid, article_id in self.conn.execute("SELECT rowid, id FROM articles"):
            sha = by_rowid[rowid]
            ids_by_sha[sha], shas_by_id[article_id] = article_id, sha
        return ids_by_sha, shas_by_id

    def article_exists(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def iter_articles(
        self, *, annotator: str | None = None, status: str = "any", gold: bool = False,
        from_id: str | None = None, before_id: str | None = None,
    ) -> Iterator[tuple[Article, list[Span]]]:
        """Every article (filtered by status) with its spans, streamed in id order with flat memory.

        `gold=True` yields the gold layer's spans (annotator = reviewer) and, with status
        `reviewed`, only reviewed articles. `from_id` and `before_id` bound the article ids.
        """
        where, params = _id_bounds(*_article_filter(annotator, status), "a.id", from_id, before_id)
        articles = self.conn.execute(
            "SELECT a.id, a.text, a.title, a.source, a.meta, a.text_sha256 FROM articles a "
            + ("WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id",
            params,
        )
        span_where, span_params = _id_bounds([], [], "article_id", from_id, before_id)
        if gold:
            span_sql = "SELECT id, article_id, coalesce(reviewer, ''), label, start, end, text, note, NULL FROM gold_spans "
            order = "ORDER BY article_id, start, end DESC, label, id"
        else:
            span_sql = f"SELECT {_SPAN_COLUMNS} FROM spans "
            order = "ORDER BY article_id, start, end DESC, label, annotator, id"
            if annotator:
                span_where, span_params = [*span_where, "annotator = ?"], [*span_params, annotator]
        span_sql += ("WHERE " + " AND ".join(span_where) + " " if span_where else "") + order
        spans = self.conn.execute(span_sql, span_params)
        for row, found in _with_spans(articles, spans, itemgetter(1)):
            yield _article(row), [_span(span) for span in found]

    def iter_record_json(
        self, *, annotator: str | None = None, status: str = "any", gold: bool = False,
        from_id: str | None = None, before_id: str | None = None,
    ) -> Iterator[tuple[str, str]]:
        """(article id, canonical record as JSON) of what `iter_articles` yields, built by SQLite's JSON functions.

        The same text as `formats.jsonl.line()` makes from `iter_articles`, at about three times its speed.
        `from_id` and `before_id` bound the article ids, for exporting a corpus in parts.
        """
        where, params = _id_bounds(*_article_filter(annotator, status), "a.id", from_id, before_id)
        if gold:
            spans = ("SELECT start, end, label, text, coalesce(reviewer, '') AS annotator, note, NULL AS attributes "
                     "FROM gold_spans g "
                     "WHERE g.article_id = a.id ORDER BY start, end DESC, label, id")
            span_params: list = []
        else:
            spans = ("SELECT start, end, label, text, annotator, note, attributes FROM spans s WHERE s.article_id = a.id"
                     + (" AND s.annotator = ?" if annotator else "") + " ORDER BY start, end DESC, label, annotator, id")
            span_params = [annotator] if annotator else []
        sql = (
            "SELECT a.id, json_object('id', a.id, 'text', a.text, 'text_sha256', a.text_sha256, "
            "'title', coalesce(a.title, ''), 'source', coalesce(a.source, ''), "
            "'meta', json(coalesce(nullif(a.meta, ''), '{}')), "
            f"'spans', (SELECT json_group_array({_SPAN_JSON}) FROM ({spans}))) FROM articles a "
            + ("WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id"
        )
        return self.conn.execute(sql, span_params + params)

    def iter_article_keys(
        self, *, annotator: str | None = None, status: str = "any", before_id: str | None = None
    ) -> Iterator[tuple[str, str]]:
        """(id, text_sha256) of the articles `iter_articles` with the same filters yields, in order, without their texts."""
        where, params = _id_bounds(*_article_filter(annotator, status), "a.id", None, before_id)
        sql = "SELECT a.id, a.text_sha256 FROM articles a " + ("WHERE " + " AND ".join(where) if where else "")
        return self.conn.execute(sql + " ORDER BY a.id", params)

    def article_id_at(self, position: int, *, annotator: str | None = None, status: str = "any") -> str | None:
        """The id at `position` (from 0) of what `iter_articles` yields (None past the end): where to cut it in parts."""
        where, params = _article_filter(annotator, status)
        row = self.conn.execute(
            "SELECT a.id FROM articles a " + ("WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.id LIMIT 1 OFFSET ?", [*params, position],
        ).fetchone()
        return row[0] if row else None

    def span_label_counts(self, *, annotator: str | None = None, status: str = "any", gold: bool = False) -> dict[str, int]:
        """Spans per label over what `iter_articles` with the same filters yields."""
        where, params = _article_filter(annotator, status)
        table = "gold_spans" if gold else "spans"
        if annotator and not gold:
            where, params = [*where, "p.annotator = ?"], [*params, annotator]
        rows = self.conn.execute(
            f"SELECT p.label, count(*) FROM {table} p JOIN articles a ON a.id = p.article_id "
            + ("WHERE " + " AND ".join(where) if where else "") + " GROUP BY p.label",
            params,
        )
        return dict(rows)

    def count_articles(self, *, annotator: str | None = None, status: str = "any") -> int:
        """How many articles `iter_articles` with the same filters yields."""
        where, params = _article_filter(annotator, status)
        sql = "SELECT count(*) FROM articles a " + ("WHERE " + " AND ".join(where) if where else "")
        return self.conn.execute(sql, params).fetchone()[0]

    # -- gold layer ----------------------------------------------------------------------------

    def gold_spans(self, article_id: str) -> list[GoldSpan]:
        rows = self.conn.execute(
            "SELECT id, article_id, label, start, end, text, note, reviewer, annotators, decision FROM gold_spans "
            "WHERE article_id = ? ORDER BY start, end DESC, label, id",
            (article_id,),
        )
        return [
            GoldSpan(start, end, label, text, reviewer or "", tuple(json.loads(annotators or "[]")),
                     decision or "accepted", note, id_, art)
            for id_, art, label, start, end, text, note, reviewer, annotators, decision in rows
        ]

    def add_gold_span(self, article_id: str, gold: GoldSpan) -> GoldSpan:
        """Put a span in the gold layer (replacing one with the same start, end and label)."""
        with self.transaction():
            self._check_span_text(article_id, Span(gold.start, gold.end, gold.label, gold.text))
            cursor = self.conn.execute(
                "INSERT OR REPLACE INTO gold_spans (id, article_id, label, start, end, text, note, reviewer, "
                "annotators, decision, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (gold.id, article_id, gold.label, gold.start, gold.end, gold.text, gold.note, gold.reviewer,
                 json.dumps(list(gold.annotators)), gold.decision, now()),
            )
            self._changed("gold", article_id)
        return replace(gold, id=cursor.lastrowid, article_id=article_id)

    def delete_gold_span(self, article_id: str, key: tuple[int, int, str]) -> GoldSpan | None:
        """Remove the gold span with this (start, end, label) and return it as it was."""
        with self.transaction():
            old = next((g for g in self.gold_spans(article_id) if g.key == tuple(key)), None)
            if old is not None:
                self.conn.execute("DELETE FROM gold_spans WHERE id = ?", (old.id,))
                self._changed("gold", article_id)
        return old

    def rejections(self, article_id: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of every candidate the reviewer rejected on an article."""
        rows = self.conn.execute("SELECT start, end, label FROM rejections WHERE article_id = ?", (article_id,))
        return set(rows)

    def add_rejection(self, article_id: str, key: tuple[int, int, str], reviewer: str) -> None:
        start, end, label = key
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO rejections (article_id, label, start, end, reviewer, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, label, start, end, reviewer, now()),
            )
            self._changed("gold", article_id)

    def delete_rejection(self, article_id: str, key: tuple[int, int, str]) -> None:
        start, end, label = key
        with self.transaction():
            self.conn.execute(
                "DELETE FROM rejections WHERE article_id = ? AND start = ? AND end = ? AND label = ?",
                (article_id, start, end, label),
            )
            self._changed("gold", article_id)

    def review_status(self, article_id: str) -> str:
        row = self.conn.execute("SELECT status FROM reviews WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else "unreviewed"

    def set_review_status(self, article_id: str, status: str, reviewer: str = "") -> None:
        if status not in REVIEW_STATUSES:
            raise UserError(f"unknown review status {status!r} (one of {', '.join(REVIEW_STATUSES)})")
        with self.transaction():
            self.conn.execute(
                "INSERT INTO reviews (article_id, status, reviewer, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, "
                "updated = excluded.updated",
                (article_id, status, reviewer, now()),
            )
            self._changed("review", article_id)

    # -- the gold layer in bulk (accept-agreed over every article) -----------------------------

    def decided_keys(self) -> dict[str, set[tuple[int, int, str]]]:
        """{article id: (start, end, label) of every gold span and rejection} over the whole database."""
        decided: dict[str, set[tuple[int, int, str]]] = {}
        rows = self.conn.execute(
            "SELECT article_id, start, end, label FROM gold_spans "
            "UNION ALL SELECT article_id, start, end, label FROM rejections"
        )
        for article_id, start, end, label in rows:
            decided.setdefault(article_id, set()).add((start, end, label))
        return decided

    def review_statuses(self) -> dict[str, str]:
        """{article id: review status} of the articles whose status was ever set (the others are unreviewed)."""
        return dict(self.conn.execute("SELECT article_id, status FROM reviews"))

    def insert_gold_rows(self, rows: list[tuple]) -> None:
        """Put (article_id, start, end, label, text, reviewer, annotators_json, decision) rows in the gold layer,
        inside the caller's transaction; the caller has checked them against the texts and labels."""
        stamp = now()
        self.conn.executemany(
            "INSERT OR REPLACE INTO gold_spans (article_id, start, end, label, text, reviewer, annotators, decision, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, stamp) for row in rows],
        )
        if rows:
            self._changed("gold")

    def set_review_statuses(self, rows: list[tuple[str, str, str]]) -> None:
        """Set (article_id, status, reviewer) review statuses inside the caller's transaction."""
        unknown = {status for _, status, _ in rows} - set(REVIEW_STATUSES)
        if unknown:
            raise UserError(f"unknown review status {unknown.pop()!r} (one of {', '.join(REVIEW_STATUSES)})")
        stamp = now()
        self.conn.executemany(
            "INSERT INTO reviews (article_id, status, reviewer, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, "
            "updated = excluded.updated",
            [(article_id, status, reviewer, stamp) for article_id, status, reviewer in rows],
        )
        if rows:
            self._changed("review")

    def review_counts(self) -> dict[str, int]:
        """How many articles are unreviewed, in review and reviewed."""
        counts = dict.fromkeys(REVIEW_STATUSES, 0)
        rows = self.conn.execute(
            "SELECT coalesce(r.status, 'unreviewed'), count(*) FROM articles a "
            "LEFT JOIN reviews r ON r.article_id = a.id GROUP BY 1"
        )
        counts.update(dict(rows))
        return counts

    # -- reading many articles at once (agreement, review, merge) -----------------------------

    def articles_with_spans(
        self, annotators: list[str] | None = None, *, every: bool = False
    ) -> Iterator[tuple[Article, list[Span]]]:
        """Articles with the spans of `annotators` (in no set order), in id order, read on this connection (works read-only).

        With `annotators` None: every article, with everyone's spans. Otherwise only the articles
        with spans of theirs, or with `every=True` those that each of them has spans on or marked done.
        """
        names = list(annotators) if annotators is not None else None
        span_where = f"WHERE annotator IN ({', '.join('?' * len(names))}) " if names is not None else ""
        wanted, params = _wanted_articles(names, every)
        articles = self.conn.execute(
            "SELECT id, text, title, source, meta, text_sha256 FROM articles "
            + (f"WHERE id IN ({wanted}) " if wanted else "") + "ORDER BY id", params,
        )
        spans = self.conn.execute(
            f"SELECT {_SPAN_COLUMNS} FROM spans {span_where}ORDER BY article_id",
            names or [],
        )
        for row, found in _with_spans(articles, spans, itemgetter(1)):
            yield _article(row), [_span(span) for span in found]

    def span_rows_by_article(
        self, annotators: list[str], *, every: bool = False
    ) -> Iterator[tuple[str, str, list[tuple[str, int, int, str]]]]:
        """(id, text, [(annotator, start, end, label), ...]) of the articles `articles_with_spans` picks, in id order.

        Plain tuples from two streaming queries, for statistics over many articles (agreement).
        """
        names = list(annotators)
        wanted, params = _wanted_articles(names, every)
        texts = self.conn.execute(f"SELECT id, text FROM articles WHERE id IN ({wanted}) ORDER BY id", params)
        spans = self.conn.execute(
            f"SELECT article_id, annotator, start, end, label FROM spans "
            f"WHERE annotator IN ({', '.join('?' * len(names))}) ORDER BY article_id",
            names,
        )
        for (article_id, text), found in _with_spans(texts, spans, itemgetter(0)):
            yield article_id, text, [row[1:] for row in found]

    def status_rows(self) -> list[tuple[str, str, str, str]]:
        """(article_id, annotator, status, updated) of every per-annotator status."""
        return list(self.conn.execute("SELECT article_id, annotator, status, updated FROM statuses"))

    def merge_status_rows(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Take each (article_id, annotator, status, updated) unless ours is newer, in the caller's transaction."""
        self.conn.executemany(
            "INSERT INTO statuses (article_id, annotator, status, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (article_id, annotator) DO UPDATE SET status = excluded.status, updated = excluded.updated "
            "WHERE coalesce(statuses.updated, '') < excluded.updated",
            rows,
        )
        if rows:
            self._changed("status")

    def label_counts(self) -> dict[str, dict[str, int]]:
        """{annotator: {label: spans}} over the whole database."""
        result: dict[str, dict[str, int]] = {}
        rows = self.conn.execute("SELECT annotator, label, count(*) FROM spans GROUP BY 1, 2 ORDER BY 1, 2")
        for annotator, label, count in rows:
            result.setdefault(annotator, {})[label] = count
        return result

    def review_rows(self) -> list[tuple[str, str, str]]:
        """(id, title, review status) of the articles two or more annotators labelled, in id order."""
        return list(self.conn.execute(
            "SELECT a.id, a.title, coalesce(r.status, 'unreviewed') FROM articles a "
            "LEFT JOIN reviews r ON r.article_id = a.id WHERE a.id IN "
            "(SELECT article_id FROM spans GROUP BY article_id HAVING count(DISTINCT annotator) >= 2) ORDER BY a.id"
        ))

    def gold_label_counts(self) -> dict[str, int]:
        """{label: gold spans} over the whole database."""
        return dict(self.conn.execute("SELECT label, count(*) FROM gold_spans GROUP BY label ORDER BY label"))

    # -- statistics ----------------------------------------------------------------------------

    def stats(self) -> dict:
        """Counts of articles, spans per label and annotator, and statuses per annotator."""
        one = self.conn.execute
        result = {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "spans": one("SELECT count(*) FROM spans").fetchone()[0],
            "labels": {name: 0 for name in (lb.name for lb in self.labels())},
            "annotators": {},
            "gold_spans": one("SELECT count(*) FROM gold_spans").fetchone()[0],
            "reviewed": one("SELECT count(*) FROM reviews WHERE status = 'reviewed'").fetchone()[0],
        }
        for label, count in one("SELECT label, count(*) FROM spans GROUP BY label"):
            result["labels"][label] = count
        for annotator, count in one("SELECT annotator, count(*) FROM spans GROUP BY annotator ORDER BY annotator"):
            result["annotators"][annotator] = {"spans": count, **self.status_counts(annotator)}
        for (annotator,) in one("SELECT DISTINCT annotator FROM statuses WHERE annotator NOT IN (SELECT annotator FROM spans)"):
            result["annotators"][annotator] = {"spans": 0, **self.status_counts(annotator)}
        return result

    def integrity_ok(self) -> bool:
        """SQLite's integrity check, and the search index matching the articles it indexes."""
        if self.conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return False
        try:
            self.conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
            self.conn.execute("INSERT INTO articles_chars (articles_chars, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError:
            return False
        return True


_SPAN_COLUMNS = "id, article_id, annotator, label, start, end, text, note, attributes"
_SPAN_FIELDS = "'start', start, 'end', end, 'label', label, 'text', text, 'annotator', annotator, 'note', note"
# a span's record names its attributes only when it has some, as Span.to_record does
_SPAN_JSON = (f"CASE WHEN attributes IS NULL THEN json_object({_SPAN_FIELDS}) "
              f"ELSE json_object({_SPAN_FIELDS}, 'attributes', json(attributes)) END")


def _wanted_articles(names: list[str] | None, every: bool) -> tuple[str, list]:
    """A query for the ids of the articles with spans of `names` (with `every`: those each of them has spans on
    or marked done), and its parameters; no query ("") for every article when `names` is None."""
    if names is None:
        return "", []
    marks = ", ".join("?" * len(names))
    if every and names:
        return (
            f"SELECT article_id FROM (SELECT article_id, annotator FROM spans WHERE annotator IN ({marks}) "
            f"UNION SELECT article_id, annotator FROM statuses WHERE status = 'done' AND annotator IN ({marks})) "
            "GROUP BY article_id HAVING count(DISTINCT annotator) = ?",
            [*names, *names, len(names)],
        )
    return f"SELECT DISTINCT article_id FROM spans WHERE annotator IN ({marks})", list(names)


def _id_bounds(where: list[str], params: list, column: str, from_id: str | None, before_id: str | None):
    """`where` and `params` with `column` >= from_id and < before_id added (where given)."""
    for clause, bound in ((f"{column} >= ?", from_id), (f"{column} < ?", before_id)):
        if bound is not None:
            where, params = [*where, clause], [*params, bound]
    return where, params


def _article_filter(annotator: str | None, status: str) -> tuple[list[str], list]:
    """WHERE clauses (on articles `a`) and parameters for a status filter: any, done (by annotator) or reviewed."""
    if status == "done" and annotator is None:
        return ["EXISTS (SELECT 1 FROM statuses s WHERE s.article_id = a.id AND s.status = 'done')"], []
    if status == "done":
        return ["EXISTS (SELECT 1 FROM statuses s WHERE s.article_id = a.id AND s.status = 'done' AND s.annotator = ?)"], [annotator]
    if status == "reviewed":
        return ["EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id AND r.status = 'reviewed')"], []
    if status != "any":
        raise UserError(f"unknown status filter {status!r} (any, done, reviewed)")
    return [], []


def _with_spans(articles: Iterable[tuple], spans: Iterable[tuple], article_of) -> Iterator[tuple[tuple, list[tuple]]]:
    """Each article row (id first) with the span rows whose `article_of(row)` is its id: a merge join, both in id order."""
    groups = groupby(spans, article_of)
    group = next(groups, None)
    for row in articles:
        while group is not None and group[0] < row[0]:
            group = next(groups, None)
        yield row, (list(group[1]) if group is not None and group[0] == row[0] else [])


def _span(row) -> Span:
    id_, article_id, annotator, label, start, end, text, note, attributes = row
    return Span(start, end, label, text, annotator, note, id_, article_id,
                tuple(json.loads(attributes).items()) if attributes else ())


def attributes_json(attributes: tuple[tuple[str, str | bool], ...]) -> str | None:
    """A span's attributes as the store keeps them: a JSON object, or NULL when there are none."""
    return json.dumps(dict(attributes), ensure_ascii=False) if attributes else None


def _article(row) -> Article:
    id_, text, title, source, meta, sha = row
    return Article(id_, text, title or "", source or "", json.loads(meta) if meta else {}, sha)


def fts_query(text: str) -> str:
    """A user's words (but runs of Chinese, Japanese, Thai...) as an FTS5 query: each word quoted, all required,
    the last one a prefix."""
    found = re.findall(r"\w+", words.without_runs(text))
    if not found:
        return '""'
    return " ".join(f'"{w}"' for w in found[:-1]) + (" " if len(found) > 1 else "") + f'"{found[-1]}"*'


def _search_clauses(query: str) -> tuple[list[str], list[str]]:
    """WHERE clauses (on articles `a`) and parameters for the articles holding every word and every piece of an
    unspaced run (as a phrase of its characters, found anywhere in a run) of `query`."""
    clauses, params = [], []
    spaced, phrases = fts_query(query), words.phrases(query)
    if spaced != '""' or not phrases:
        clauses.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(spaced)
    if phrases:
        clauses.append("a.rowid IN (SELECT rowid FROM articles_chars WHERE articles_chars MATCH ?)")
        params.append(" ".join(f'"{phrase}"' for phrase in phrases))
    return clauses, params


def default_labels() -> list[Label]:
    """The label set in seeds/labels.json."""
    from .paths import seeds_dir

    data = json.loads((seeds_dir() / "labels.json").read_text("utf-8"))
    return [Label(**item) for item in data["labels"]]


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and create, or upgrade) an annotator database."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a database")
    if not path.exists():
        if not create:
            raise UserError(f"{path}: no such database")
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path)
