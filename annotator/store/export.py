"""Export queries: articles with their spans or gold spans streamed in id order, filtered, counted and cut in parts.

The gold layer of an article goes out as one layer, nobody's: its spans and relations name no annotator (whichever
reviewer accepted each), and each span keeps its reviewer as the attribute `Reviewer` (`REVIEWER`), so that a relation
between spans two reviewers accepted links spans of one layer, as an import requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from ..model import Article, Relation, Span
from . import rows, sqlite
from .connection import Connection
from .filters import Condition, Query, annotator_is, article_status, id_range, where

REVIEWER = "Reviewer"  # the attribute holding who put a gold span in the gold layer
_GOLD_AS_SPANS = "id, article_id, label, start, end, text, note, reviewer"


def gold_as_span(row: tuple) -> Span:
    """A gold span of the exported gold layer: no annotator, its reviewer as the attribute `Reviewer`."""
    id_, article_id, label, start, end, text, note, reviewer = row
    return Span(start, end, label, text, "", note, id_, article_id, ((REVIEWER, reviewer),) if reviewer else ())


class Export(Connection):
    def iter_articles(
        self, *, annotator: str | None = None, status: str = "any", gold: bool = False,
        from_id: str | None = None, before_id: str | None = None,
    ) -> Iterator[tuple[Article, list[Span]]]:
        """Every article (filtered by status) with its spans, streamed in id order with flat memory.

        `gold=True` yields the gold layer's spans (see `gold_as_span`) and, with status
        `reviewed`, only reviewed articles. `from_id` and `before_id` bound the article ids.
        """
        article_where, params = where(article_status(annotator, status), id_range("a.id", from_id, before_id))
        articles = self.conn.execute(
            f"SELECT a.id, a.text, a.title, a.source, a.meta, a.text_sha256 FROM articles a {article_where} ORDER BY a.id",
            params,
        )
        bounds = id_range("article_id", from_id, before_id)
        if gold:
            span_where, span_params = where(bounds)
            span_sql = f"SELECT {_GOLD_AS_SPANS} FROM gold_spans {span_where} ORDER BY article_id, start, end DESC, label, id"
        else:
            span_where, span_params = where(bounds, annotator_is("annotator", annotator))
            span_sql = (f"SELECT {rows.SPAN_COLUMNS} FROM spans {span_where} "
                        "ORDER BY article_id, start, end DESC, label, annotator, id")
        spans = self.conn.execute(span_sql, span_params)
        as_span = gold_as_span if gold else rows.span
        for row, found in rows.with_spans(articles, spans, itemgetter(1)):
            yield rows.article(row), [as_span(span) for span in found]

    def iter_relations(self, *, annotator: str | None = None, status: str = "any", gold: bool = False
                       ) -> Iterator[Relation]:
        """The relations (gold relations with `gold`, of no annotator) of the articles `iter_articles` with the same
        filters yields, in article id order: the export reads them beside the articles, in the same snapshot."""
        if gold:
            sql = ("SELECT p.id, p.article_id, '', p.type, p.from_id, p.to_id FROM gold_relations p "
                   "JOIN articles a ON a.id = p.article_id {where} ORDER BY p.article_id, p.id")
            found_where, params = where(article_status(annotator, status))
        else:
            sql = ("SELECT p.id, p.article_id, p.annotator, p.type, p.from_id, p.to_id FROM relations p "
                   "JOIN articles a ON a.id = p.article_id {where} ORDER BY p.article_id, p.id")
            found_where, params = where(article_status(annotator, status), annotator_is("p.annotator", annotator))
        for id_, article_id, owner, kind, from_id, to_id in self.conn.execute(sql.format(where=found_where), params):
            yield Relation(kind, from_id, to_id, owner, id_, article_id)

    def iter_record_json(
        self, *, annotator: str | None = None, status: str = "any", gold: bool = False,
        from_id: str | None = None, before_id: str | None = None,
    ) -> Iterator[tuple[str, str]]:
        """(article id, canonical record as JSON) of what `iter_articles` yields, built by the database.

        The same text as `formats.jsonl.line()` makes from `iter_articles`, at about three times its speed.
        `from_id` and `before_id` bound the article ids, for exporting a corpus in parts.
        """
        articles = where(article_status(annotator, status), id_range("a.id", from_id, before_id))
        if gold:
            spans = ("SELECT id, start, end, label, text, NULL AS annotator, note, CASE WHEN coalesce(reviewer, '') = '' "
                     f"THEN NULL ELSE json_object('{REVIEWER}', reviewer) END AS attributes, {{linked}} AS linked "
                     "FROM gold_spans g WHERE g.article_id = a.id ORDER BY start, end DESC, label, id", [])
            relations = ("SELECT type, from_id, to_id, NULL AS annotator FROM gold_relations r "
                         "WHERE r.article_id = a.id ORDER BY id", [])
        else:
            span_where, span_params = where(Condition("s.article_id = a.id"), annotator_is("s.annotator", annotator))
            spans = (f"SELECT id, start, end, label, text, annotator, note, attributes, {{linked}} AS linked "
                     f"FROM spans s {span_where} ORDER BY start, end DESC, label, annotator, id", span_params)
            relation_where, relation_params = where(Condition("r.article_id = a.id"), annotator_is("r.annotator", annotator))
            relations = (f"SELECT type, from_id, to_id, annotator FROM relations r {relation_where} ORDER BY id",
                         relation_params)
        table, span = ("gold_relations", "g") if gold else ("relations", "s")  # of its spans' article and annotator
        linked = (f"(EXISTS (SELECT 1 FROM {table} x WHERE x.from_id = {span}.id) OR "
                  f"EXISTS (SELECT 1 FROM {table} x WHERE x.to_id = {span}.id))")
        return self.conn.execute(*sqlite.record_json_sql(spans, relations, linked, articles, named=not gold))

    def iter_article_keys(
        self, *, annotator: str | None = None, status: str = "any", before_id: str | None = None
    ) -> Iterator[tuple[str, str]]:
        """(id, text_sha256) of the articles `iter_articles` with the same filters yields, in order, without their texts."""
        article_where, params = where(article_status(annotator, status), id_range("a.id", None, before_id))
        return self.conn.execute(f"SELECT a.id, a.text_sha256 FROM articles a {article_where} ORDER BY a.id", params)

    def article_id_at(self, position: int, *, annotator: str | None = None, status: str = "any") -> str | None:
        """The id at `position` (from 0) of what `iter_articles` yields (None past the end): where to cut it in parts."""
        article_where, params = where(article_status(annotator, status))
        row = self.conn.execute(
            f"SELECT a.id FROM articles a {article_where} ORDER BY a.id LIMIT 1 OFFSET ?", [*params, position]
        ).fetchone()
        return row[0] if row else None

    def span_label_counts(self, *, annotator: str | None = None, status: str = "any", gold: bool = False) -> dict[str, int]:
        """Spans per label over what `iter_articles` with the same filters yields."""
        table = "gold_spans" if gold else "spans"
        filters: list[Query] = [article_status(annotator, status)]
        if not gold:
            filters.append(annotator_is("p.annotator", annotator))
        span_where, params = where(*filters)
        found = self.conn.execute(
            f"SELECT p.label, count(*) FROM {table} p JOIN articles a ON a.id = p.article_id {span_where} GROUP BY p.label",
            params,
        )
        return dict(found)

    def count_articles(self, *, annotator: str | None = None, status: str = "any") -> int:
        """How many articles `iter_articles` with the same filters yields."""
        article_where, params = where(article_status(annotator, status))
        return self.conn.execute(f"SELECT count(*) FROM articles a {article_where}", params).fetchone()[0]
