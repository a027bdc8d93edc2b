"""Articles, their search, and each annotator's status on them: what the article list pages through."""

from __future__ import annotations

import json

from .. import words
from ..errors import UserError
from ..model import STATUSES, Article
from . import rows, sqlite
from .connection import Connection, now
from .filters import Condition, where

_LIST_LINE = (  # (id, title, status, spans) of articles `a` for one annotator (the two parameters)
    "a.id, a.title, coalesce(s.status, 'todo'), "
    "(SELECT count(*) FROM spans p WHERE p.article_id = a.id AND p.annotator = ?) "
)
_WITH_STATUS = "FROM articles a LEFT JOIN statuses s ON s.article_id = a.id AND s.annotator = ? "


class Articles(Connection):
    def article_by_sha(self, sha: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE text_sha256 = ?", (sha,)).fetchone()
        return row[0] if row else None

    def add_article(self, article: Article) -> None:
        with self.transaction():
            self._insert_articles([(article.id, article.title, article.text, article.text_sha256, article.source,
                                    json.dumps(article.meta, ensure_ascii=False), now())])
            self._changed("articles", article.id)

    def _insert_articles(self, rows: list[tuple]) -> None:
        """Insert (id, title, text, sha, source, meta_json, created) rows. They wait for the search index
        (store/search_index.py), which is built after the import, not in it."""
        self.conn.executemany(
            "INSERT INTO articles (id, title, text, text_sha256, source, meta, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _search_conditions(self, query: str) -> list[tuple[str, tuple]]:
        return sqlite.search_conditions(query)

    def article(self, article_id: str) -> Article:
        row = self.conn.execute(f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise UserError(f"no article {article_id!r} in {self.path}")
        return rows.article(row)

    def article_exists(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def article_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def article_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM articles ORDER BY rowid")]

    def article_page(
        self, annotator: str, *, search: str = "", status: str | None = None, after: int = 0, limit: int = 500
    ) -> list[tuple[int, rows.ArticleRow]]:
        """(rowid, row) of the next `limit` articles after rowid `after`, with status and span count: lists that load as they scroll."""
        conditions = [Condition("a.rowid > ?", (after,))]
        if search:
            conditions += [Condition(sql, params) for sql, params in self._search_conditions(search)]
        if status == "assigned":  # the annotator's assignments (store/assignments.py), whatever their status
            conditions.append(Condition("a.id IN (SELECT article_id FROM assignments WHERE annotator = ?)", (annotator,)))
        elif status:
            conditions.append(Condition("coalesce(s.status, 'todo') = ?", (status,)))
        where_sql, params = where(*conditions)
        sql = f"SELECT a.rowid, {_LIST_LINE}{_WITH_STATUS}{where_sql} ORDER BY a.rowid LIMIT ?"
        found = self.conn.execute(sql, [annotator, annotator, *params, limit])
        return [(rowid, rows.ArticleRow(*row)) for rowid, *row in found]

    def article_row(self, annotator: str, article_id: str) -> rows.ArticleRow | None:
        """One article's line in the list: title, status and span count for `annotator`."""
        row = self.conn.execute(
            f"SELECT {_LIST_LINE}{_WITH_STATUS}WHERE a.id = ?", (annotator, annotator, article_id)
        ).fetchone()
        return rows.ArticleRow(*row) if row else None

    def next_article(self, annotator: str, after_id: str | None, statuses: tuple[str, ...] = ("todo", "in_progress")) -> str | None:
        """The first article after `after_id` (wrapping round, never `after_id` itself) whose status is one of `statuses`."""
        marks = ", ".join("?" * len(statuses))
        row = self.conn.execute(
            f"SELECT a.id {_WITH_STATUS}"
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
            where_sql, params = where(*(Condition(sql, args) for sql, args in sqlite.search_conditions(query)))
            return list(self.conn.execute(f"SELECT a.id, a.title FROM articles a {where_sql} ORDER BY a.rowid LIMIT ?",
                                          [*params, limit]))
        found = self.conn.execute(
            f"SELECT a.id, a.title FROM articles a WHERE a.rowid IN ({sqlite.FTS_MATCH} ORDER BY rowid LIMIT ?) "
            "ORDER BY a.rowid",
            (sqlite.fts_query(query), limit),
        )
        return list(found)

    # -- each annotator's status on an article ------------------------------------------------

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
        """{status: articles} for `annotator`; an article without a status is todo. Counted from the statuses alone,
        not by joining every article: the window counts again after each change it sees."""
        counts = dict.fromkeys(STATUSES, 0)
        found = self.conn.execute(
            "SELECT coalesce(status, 'todo'), count(*) FROM statuses WHERE annotator = ? GROUP BY 1", (annotator,))
        counts.update(dict(found))
        counts["todo"] += self.article_count() - sum(counts.values())
        return counts
