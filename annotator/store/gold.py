"""The gold layer and review decisions on one article: gold spans, rejected candidates and review statuses."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from ..errors import UserError
from ..model import REVIEW_STATUSES, GoldSpan, Span
from . import rows
from .connection import now
from .spans import Spans

SET_REVIEW_STATUS = (
    "INSERT INTO reviews (article_id, status, reviewer, updated) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, reviewer = excluded.reviewer, "
    "updated = excluded.updated"
)


class Gold(Spans):
    def gold_spans(self, article_id: str) -> list[GoldSpan]:
        found = self.conn.execute(
            f"SELECT {rows.GOLD_COLUMNS} FROM gold_spans WHERE article_id = ? ORDER BY start, end DESC, label, id",
            (article_id,),
        )
        return [rows.gold_span(row) for row in found]

    def add_gold_span(self, article_id: str, gold: GoldSpan) -> GoldSpan:
        """Put a span in the gold layer and return it with its id (undo passes the id it had: ids are never reused).

        When the gold layer already holds a span with the same start, end and label (another reviewer may have
        put it there meanwhile), that one stays, untouched, and is returned.
        """
        with self.transaction():
            self.check_span(article_id, Span(gold.start, gold.end, gold.label, gold.text))
            there = self._gold_with_key(article_id, gold.key)
            if there is not None:
                return there
            new_id = self.conn.execute(
                "INSERT INTO gold_spans (id, article_id, label, start, end, text, note, reviewer, "
                "annotators, decision, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (gold.id, article_id, gold.label, gold.start, gold.end, gold.text, gold.note, gold.reviewer,
                 json.dumps(list(gold.annotators)), gold.decision, now()),
            ).fetchone()[0]
            self._changed("gold", article_id)
        return replace(gold, id=new_id, article_id=article_id)

    def insert_gold_spans(self, article_id: str, golds: list[GoldSpan]) -> None:
        """Put gold spans, checked by the caller against the text and labels, in an article's gold layer at once, with
        new ids and their reviewers and provenance (a merge); one whose (start, end, label) is there already stays out."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO gold_spans (article_id, label, start, end, text, note, reviewer, annotators, decision, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(article_id, g.label, g.start, g.end, g.text, g.note, g.reviewer, json.dumps(list(g.annotators)),
                  g.decision, now()) for g in golds])
            self._changed("gold", article_id)

    def delete_gold_span(self, article_id: str, key: tuple[int, int, str], *, gold_id: int | None = None) -> GoldSpan | None:
        """Remove the gold span with this (start, end, label) and return it as it was (None when there is none).
        With `gold_id`, only that very span is removed: not one another reviewer put there since."""
        with self.transaction():
            old = self._gold_with_key(article_id, key)
            if old is None or (gold_id is not None and old.id != gold_id):
                return None
            self.conn.execute("DELETE FROM gold_spans WHERE id = ?", (old.id,))
            self._changed("gold", article_id)
        return old

    def _gold_with_key(self, article_id: str, key: tuple[int, int, str]) -> GoldSpan | None:
        start, end, label = key
        row = self.conn.execute(
            f"SELECT {rows.GOLD_COLUMNS} FROM gold_spans WHERE article_id = ? AND start = ? AND end = ? AND label = ?",
            (article_id, start, end, label),
        ).fetchone()
        return rows.gold_span(row) if row else None

    def rejections(self, article_id: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of every candidate the reviewer rejected on an article."""
        found = self.conn.execute("SELECT start, end, label FROM rejections WHERE article_id = ?", (article_id,))
        return set(found)

    def add_rejection(self, article_id: str, key: tuple[int, int, str], reviewer: str) -> None:
        start, end, label = key
        with self.transaction():
            self.conn.execute(
                "INSERT INTO rejections (article_id, label, start, end, reviewer, created) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (article_id, label, start, end) DO UPDATE SET reviewer = excluded.reviewer, "
                "created = excluded.created",
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

    def articles_with_gold(self) -> set[str]:
        """Ids of the articles whose gold layer holds spans (none in a database older than the gold layer)."""
        if "gold_spans" not in self.table_names():
            return set()
        return {row[0] for row in self.conn.execute("SELECT DISTINCT article_id FROM gold_spans")}

    def review_decision_counts(self) -> dict[str, Counter]:
        """{article id: {"rejection", "relation rejection", "review status": how many}} of the articles with any:
        the review decisions besides the gold layer (in a database older than some of them, those it has)."""
        found: dict[str, Counter] = {}
        tables = self.table_names()
        for table, kind, sql in (
                ("rejections", "rejection", "SELECT article_id, count(*) FROM rejections GROUP BY article_id"),
                ("relation_rejections", "relation rejection",
                 "SELECT article_id, count(*) FROM relation_rejections GROUP BY article_id"),
                ("reviews", "review status", "SELECT article_id, 1 FROM reviews WHERE status <> 'unreviewed'")):
            for article_id, n in self.conn.execute(sql) if table in tables else ():
                found.setdefault(article_id, Counter())[kind] += n
        return found

    def review_status(self, article_id: str) -> str:
        row = self.conn.execute("SELECT status FROM reviews WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else "unreviewed"

    def set_review_status(self, article_id: str, status: str, reviewer: str = "") -> None:
        if status not in REVIEW_STATUSES:
            raise UserError(f"unknown review status {status!r} (one of {', '.join(REVIEW_STATUSES)})")
        with self.transaction():
            self.conn.execute(SET_REVIEW_STATUS, (article_id, status, reviewer, now()))
            self._changed("review", article_id)
