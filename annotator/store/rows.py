"""Rows as the store's callers see them: articles, spans and list lines made from query results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from ..model import Article, GoldSpan, Span

SPAN_COLUMNS = "id, article_id, annotator, label, start, end, text, note, attributes"
ARTICLE_COLUMNS = "id, text, title, source, meta, text_sha256"
GOLD_COLUMNS = "id, article_id, label, start, end, text, note, reviewer, annotators, decision"


@dataclass(frozen=True)
class ArticleRow:
    """What the article list shows, without the text."""

    id: str
    title: str
    status: str
    spans: int


def span(row) -> Span:
    id_, article_id, annotator, label, start, end, text, note, attributes = row
    return Span(start, end, label, text, annotator, note, id_, article_id, attributes_of(attributes))


def attributes_of(stored: str | None) -> tuple[tuple[str, str | bool], ...]:
    """A span's attributes from the JSON object the store keeps (NULL: none)."""
    return tuple(json.loads(stored).items()) if stored else ()


def attributes_json(attributes: tuple[tuple[str, str | bool], ...]) -> str | None:
    """A span's attributes as the store keeps them: a JSON object, or NULL when there are none."""
    return json.dumps(dict(attributes), ensure_ascii=False) if attributes else None


def article(row) -> Article:
    id_, text, title, source, meta, sha = row
    return Article(id_, text, title or "", source or "", json.loads(meta) if meta else {}, sha)


def gold_span(row) -> GoldSpan:
    id_, article_id, label, start, end, text, note, reviewer, annotators, decision = row
    return GoldSpan(start, end, label, text, reviewer or "", tuple(json.loads(annotators or "[]")),
                    decision or "accepted", note, id_, article_id)


def with_spans(articles: Iterable[tuple], spans: Iterable[tuple], article_of) -> Iterator[tuple[tuple, list[tuple]]]:
    """Each article row (id first) with the span rows whose `article_of(row)` is its id: a merge join, both in id order."""
    groups = groupby(spans, article_of)
    group = next(groups, None)
    for row in articles:
        while group is not None and group[0] < row[0]:
            group = next(groups, None)
        yield row, (list(group[1]) if group is not None and group[0] == row[0] else [])


def full_span_row(row: tuple) -> tuple:
    """(article_id, annotator, label, start, end, text, note, origin, created, updated, attributes) of a span row as
    Store.insert_span_rows takes it (of 8, 9 or 10 values)."""
    if len(row) == 8:  # a span with neither note nor attributes
        return (*row[:6], None, row[6], row[7], row[7], None)
    return (*row[:9], row[8], row[9] if len(row) == 10 else None)
