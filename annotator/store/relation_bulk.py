"""Relations many at once, inside the caller's transaction: imports, merges, accept-agreed, exports, agreement."""

from __future__ import annotations

from .connection import Connection, now
from .filters import Query, annotator_is, article_status, where


class RelationBulk(Connection):
    def span_ids(self, article_id: str) -> dict[tuple[str, int, int, str], int]:
        """{(annotator, start, end, label): id} of the spans on an article, to link an imported record's relations."""
        found = self.conn.execute("SELECT annotator, start, end, label, id FROM spans WHERE article_id = ?", (article_id,))
        return {row[:4]: row[4] for row in found}

    def relation_listing(self, *, article_id: str | None = None, annotator: str | None = None, gold: bool = False
                         ) -> list[tuple[str, str, str, str, str, str, str]]:
        """(article id, annotator or reviewer, type, from text, from label, to text, to label) of every relation
        (or gold relation), optionally of one article or annotator, in article and id order."""
        table, spans, owner = ("gold_relations", "gold_spans", "reviewer") if gold else ("relations", "spans", "annotator")
        conditions, params = [], []
        for column, value in (("r.article_id", article_id), (f"r.{owner}", annotator)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        found = self.conn.execute(
            f"SELECT r.article_id, r.{owner}, r.type, f.text, f.label, t.text, t.label FROM {table} r "
            f"JOIN {spans} f ON f.id = r.from_id JOIN {spans} t ON t.id = r.to_id "
            + (f"WHERE {' AND '.join(conditions)} " if conditions else "") + "ORDER BY r.article_id, r.id", params
        )
        return list(found)

    def relation_ends(self) -> list[tuple[str, str, str, tuple[int, int, str], tuple[int, int, str]]]:
        """(article id, annotator, type, (start, end, label) of each end) of every relation, in article id order:
        what a merge into another database carries (none in a database older than relations)."""
        if "relations" not in self.table_names():
            return []
        found = self.conn.execute(
            "SELECT r.article_id, r.annotator, r.type, f.start, f.end, f.label, t.start, t.end, t.label FROM relations r "
            "JOIN spans f ON f.id = r.from_id JOIN spans t ON t.id = r.to_id ORDER BY r.article_id, r.id"
        )
        return [(article_id, who, kind, tuple(row[:3]), tuple(row[3:])) for article_id, who, kind, *row in found]

    def relation_rows(self, annotators: list[str]) -> dict[str, list[tuple[str, str, tuple, tuple]]]:
        """{article id: [(annotator, type, (start, end, label) of each end), ...]} of these annotators' relations."""
        marks = ", ".join("?" * len(annotators))
        found = self.conn.execute(
            "SELECT r.article_id, r.annotator, r.type, f.start, f.end, f.label, t.start, t.end, t.label FROM relations r "
            f"JOIN spans f ON f.id = r.from_id JOIN spans t ON t.id = r.to_id WHERE r.annotator IN ({marks})", annotators
        )
        by_article: dict[str, list] = {}
        for article_id, who, kind, *ends in found:
            by_article.setdefault(article_id, []).append((who, kind, tuple(ends[:3]), tuple(ends[3:])))
        return by_article

    def gold_relation_ends(self) -> dict[str, tuple[dict[tuple, int], set[tuple]]]:
        """{article id: ({(start, end, label): gold span id}, {(type, from key, to key) of its gold relations})}
        of the articles with gold spans: what accept-agreed needs to put relations in the gold layer."""
        found: dict[str, tuple[dict, set]] = {}
        for article_id, gold_id, *key in self.conn.execute("SELECT article_id, id, start, end, label FROM gold_spans"):
            found.setdefault(article_id, ({}, set()))[0][tuple(key)] = gold_id
        rows = self.conn.execute(
            "SELECT r.article_id, r.type, f.start, f.end, f.label, t.start, t.end, t.label FROM gold_relations r "
            "JOIN gold_spans f ON f.id = r.from_id JOIN gold_spans t ON t.id = r.to_id"
        )
        for article_id, kind, *ends in rows:
            found[article_id][1].add((kind, tuple(ends[:3]), tuple(ends[3:])))
        return found

    def insert_gold_relation_rows(self, rows: list[tuple]) -> None:
        """Put (article_id, reviewer, type, from_id, to_id) rows, checked by the caller, in the gold layer."""
        stamp = now()
        self.conn.executemany(
            "INSERT INTO gold_relations (article_id, reviewer, type, from_id, to_id, created) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [(*row, stamp) for row in rows],
        )
        if rows:
            self._changed("gold")

    def insert_relation_rows(self, rows: list[tuple]) -> int:
        """Insert (article_id, annotator, type, from_id, to_id) rows, checked by the caller, inside its transaction;
        return how many were new (a relation already there stays)."""
        stamp = now()
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT INTO relations (article_id, annotator, type, from_id, to_id, created) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [(*row, stamp) for row in rows],
        )
        added = self.conn.total_changes - before
        if added:
            self._changed("relations")
        return added

    def count_relations(self, *, annotator: str | None = None, status: str = "any", gold: bool = False) -> int:
        """How many relations (of `annotator`, or in the gold layer) the articles `iter_articles` with the same
        filters yields hold."""
        filters: list[Query] = [article_status(annotator, status)]
        if not gold:
            filters.append(annotator_is("p.annotator", annotator))
        found_where, params = where(*filters)
        table = "gold_relations" if gold else "relations"
        return self.conn.execute(
            f"SELECT count(*) FROM {table} p JOIN articles a ON a.id = p.article_id {found_where}", params
        ).fetchone()[0]
