"""Relation candidates a reviewer rejected, by type and the (start, end, label) of both ends."""

from __future__ import annotations

from .connection import Connection, now

RelationKey = tuple[str, tuple[int, int, str], tuple[int, int, str]]  # type, from, to


class RelationReview(Connection):
    def relation_rejections(self, article_id: str) -> set[RelationKey]:
        found = self.conn.execute(
            "SELECT type, from_start, from_end, from_label, to_start, to_end, to_label FROM relation_rejections "
            "WHERE article_id = ?", (article_id,))
        return {(kind, tuple(ends[:3]), tuple(ends[3:])) for kind, *ends in found}

    def add_relation_rejection(self, article_id: str, key: RelationKey, reviewer: str) -> None:
        kind, head, tail = key
        with self.transaction():
            self.conn.execute(
                "INSERT INTO relation_rejections (article_id, type, from_start, from_end, from_label, to_start, to_end, "
                "to_label, reviewer, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id, type, "
                "from_start, from_end, from_label, to_start, to_end, to_label) DO UPDATE SET reviewer = excluded.reviewer, "
                "created = excluded.created", (article_id, kind, *head, *tail, reviewer, now()))
            self._changed("gold", article_id)

    def delete_relation_rejection(self, article_id: str, key: RelationKey) -> None:
        kind, head, tail = key
        with self.transaction():
            self.conn.execute(
                "DELETE FROM relation_rejections WHERE article_id = ? AND type = ? AND from_start = ? AND from_end = ? "
                "AND from_label = ? AND to_start = ? AND to_end = ? AND to_label = ?", (article_id, kind, *head, *tail))
            self._changed("gold", article_id)
