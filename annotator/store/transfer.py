"""A whole database copied into a new, empty one, on either engine (SQLite to PostgreSQL or back): every row of
every table with its id, so that statuses, gold, relations, suggestions and provenance mean the same there."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from ..errors import UserError

BATCH = 5000
# every table after the articles, with its columns, in an order that keeps each row's references valid
TABLES = {
    "spans": "id, article_id, annotator, label, start, end, text, note, origin, created, updated, attributes",
    "statuses": "article_id, annotator, status, updated",
    "gold_spans": "id, article_id, label, start, end, text, note, reviewer, annotators, decision, created",
    "rejections": "article_id, label, start, end, reviewer, created",
    "reviews": "article_id, status, reviewer, updated",
    "suggestions": "id, article_id, annotator, label, start, end, text, source, score, created",
    "suggestion_rejections": "annotator, article_id, start, end, label, source, created",
    "relations": "id, article_id, annotator, type, from_id, to_id, created",
    "gold_relations": "id, article_id, reviewer, type, from_id, to_id, created",
    "assignments": "article_id, annotator, position, created",  # (pgteam) the coordinator's plan
    "relation_rejections": "article_id, type, from_start, from_end, from_label, to_start, to_end, to_label, reviewer, created",
}
_ARTICLES = "SELECT id, title, text, text_sha256, source, meta, created FROM articles ORDER BY rowid"


def copy_database(source, target, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of `source` into `target` (which must hold no articles yet), in one transaction of the
    target's; return how many rows each table got. Both are Stores; `progress(table, rows)` hears of each batch."""
    if target.article_count():
        raise UserError(f"{target.path}: already holds articles; copy only into a new, empty database "
                        "(`annotator merge` brings work into one that is in use)")
    counts: dict[str, int] = {}
    with source.snapshot(), target.transaction():
        target.set_label_set(source.labels(), source.relation_types())
        counts["articles"] = _copy_rows(source.conn.execute(_ARTICLES), target.insert_article_rows, "articles", progress)
        for table, columns in TABLES.items():
            marks = ", ".join("?" * len(columns.split(", ")))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            found = source.conn.execute(f"SELECT {columns} FROM {table}" + (" ORDER BY id" if "id," in columns[:3] else ""))
            counts[table] = _copy_rows(found, lambda rows, sql=insert: target.conn.executemany(sql, rows), table, progress)
        target.ids_follow_copy()
        target._changed("articles")
    return counts


def _copy_rows(found, insert, table: str, progress) -> int:
    copied = 0
    while batch := [tuple(row) for row in islice(found, BATCH)]:
        insert(batch)
        copied += len(batch)
        if progress:
            progress(table, copied)
    return copied

