"""Many rows at once, inside the caller's transaction: imports, merges and accept-agreed over the whole database."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from ..errors import UserError
from ..model import REVIEW_STATUSES, Article, Span
from . import rows
from .articles import Articles
from .connection import now
from .filters import one_of, where
from .gold import SET_REVIEW_STATUS

_SPAN_COLUMNS = "INSERT INTO spans (article_id, annotator, label, start, end, text, note, origin, created, updated, attributes) "
_INSERT_SPANS = {  # by the length of the row (see insert_span_rows)
    8: _SPAN_COLUMNS + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?8, NULL)",
    9: _SPAN_COLUMNS + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, NULL)",
    10: _SPAN_COLUMNS + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
}


class Bulk(Articles):
    def insert_article_rows(self, rows: list[tuple]) -> None:
        """Insert (id, title, text, sha, source, meta_json, created) rows inside the caller's transaction."""
        if rows:
            self._insert_articles(rows)
            self._changed("articles")

    def insert_span_rows(self, rows: list[tuple]) -> None:
        """Insert (article_id, annotator, label, start, end, text, note, origin, created[, attributes JSON]) rows, and
        (article_id, annotator, label, start, end, text, origin, created) rows of spans with neither note nor
        attributes, in their order."""
        for size, group in groupby(rows, len):  # a NULL written in the SQL costs nothing; one bound costs a lookup
            self.conn.executemany(_INSERT_SPANS[size], group)
        if rows:
            self._changed("spans")

    def span_keys(self, article_id: str) -> set[tuple[str, int, int, str]]:
        """(annotator, start, end, label) of every span on an article, to skip what is already there."""
        found = self.conn.execute("SELECT annotator, start, end, label FROM spans WHERE article_id = ?", (article_id,))
        return set(found)

    def article_keys(self) -> tuple[dict[str, str], dict[str, str]]:
        """({sha: id}, {id: sha}) of every article, read from the two indexes without touching texts."""
        by_rowid = dict(self.conn.execute("SELECT rowid, text_sha256 FROM articles INDEXED BY idx_articles_text_sha256"))
        ids_by_sha, shas_by_id = {}, {}
        for rowid, article_id in self.conn.execute("SELECT rowid, id FROM articles"):
            sha = by_rowid[rowid]
            ids_by_sha[sha], shas_by_id[article_id] = article_id, sha
        return ids_by_sha, shas_by_id

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

    # -- the gold layer in bulk (accept-agreed over every article) -----------------------------

    def decided_keys(self) -> dict[str, set[tuple[int, int, str]]]:
        """{article id: (start, end, label) of every gold span and rejection} over the whole database."""
        decided: dict[str, set[tuple[int, int, str]]] = {}
        found = self.conn.execute(
            "SELECT article_id, start, end, label FROM gold_spans "
            "UNION ALL SELECT article_id, start, end, label FROM rejections"
        )
        for article_id, start, end, label in found:
            decided.setdefault(article_id, set()).add((start, end, label))
        return decided

    def review_statuses(self) -> dict[str, str]:
        """{article id: review status} of the articles whose status was ever set (the others are unreviewed)."""
        return dict(self.conn.execute("SELECT article_id, status FROM reviews"))

    def insert_gold_rows(self, rows: list[tuple]) -> None:
        """Put (article_id, start, end, label, text, reviewer, annotators_json, decision) rows in the gold layer,
        inside the caller's transaction; the caller has checked them against the texts and labels and left out
        what is already decided (a span some reviewer put there meanwhile stays theirs)."""
        stamp = now()
        self.conn.executemany(
            "INSERT INTO gold_spans (article_id, start, end, label, text, reviewer, annotators, decision, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
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
        self.conn.executemany(SET_REVIEW_STATUS, [(article_id, status, reviewer, stamp) for article_id, status, reviewer in rows])
        if rows:
            self._changed("review")

    # -- reading many articles at once (agreement, review, merge) -----------------------------

    def articles_with_spans(
        self, annotators: list[str] | None = None, *, every: bool = False
    ) -> Iterator[tuple[Article, list[Span]]]:
        """Articles with the spans of `annotators` (in no set order), in id order, read on this connection (works read-only).

        With `annotators` None: every article, with everyone's spans. Otherwise only the articles
        with spans of theirs, or with `every=True` those that each of them has spans on or marked done.
        """
        names = list(annotators) if annotators is not None else None
        wanted, params = _wanted_articles(names, every)
        articles = self.conn.execute(
            f"SELECT {rows.ARTICLE_COLUMNS} FROM articles " + (f"WHERE id IN ({wanted}) " if wanted else "") + "ORDER BY id",
            params,
        )
        span_where, span_params = where(one_of("annotator", names)) if names is not None else ("", [])
        spans = self.conn.execute(f"SELECT {rows.SPAN_COLUMNS} FROM spans {span_where} ORDER BY article_id", span_params)
        for row, found in rows.with_spans(articles, spans, itemgetter(1)):
            yield rows.article(row), [rows.span(span) for span in found]

    def span_rows_by_article(
        self, annotators: list[str], *, every: bool = False, least: int = 0
    ) -> Iterator[tuple[str, str, list[tuple[str, int, int, str]]]]:
        """(id, text, [(annotator, start, end, label), ...]) of the articles `articles_with_spans` picks, in id order;
        with `least`: those at least that many of the annotators have spans on or marked done.

        Plain tuples from two streaming queries, for statistics over many articles (agreement).
        """
        names = list(annotators)
        wanted, params = _wanted_articles(names, every, least)
        texts = self.conn.execute(f"SELECT id, text FROM articles WHERE id IN ({wanted}) ORDER BY id", params)
        span_where, span_params = where(one_of("annotator", names))
        spans = self.conn.execute(
            f"SELECT article_id, annotator, start, end, label FROM spans {span_where} ORDER BY article_id", span_params
        )
        for (article_id, text), found in rows.with_spans(texts, spans, itemgetter(0)):
            yield article_id, text, [row[1:] for row in found]


def _wanted_articles(names: list[str] | None, every: bool, least: int = 0) -> tuple[str, list]:
    """A query for the ids of the articles with spans of `names` (with `every`: those each of them has spans on
    or marked done; with `least`: those that many of them), and its parameters; no query ("") for every article
    when `names` is None."""
    if names is None:
        return "", []
    marks = ", ".join("?" * len(names))
    need = len(names) if every else least
    if need and names:
        return (
            f"SELECT article_id FROM (SELECT article_id, annotator FROM spans WHERE annotator IN ({marks}) "
            f"UNION SELECT article_id, annotator FROM statuses WHERE status = 'done' AND annotator IN ({marks})) AS marked "
            "GROUP BY article_id HAVING count(DISTINCT annotator) >= ?",
            [*names, *names, need],
        )
    return f"SELECT DISTINCT article_id FROM spans WHERE annotator IN ({marks})", list(names)
