"""The canonical JSONL: one record (schemas/record.schema.json) a line, read and written streaming."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..model import Article, Relation, Span
from . import Incoming, check_text_file, decode, is_wide, read_bytes
from ._json import parse
from .writing import Report, TextWriter

READ_OPTIONS = ()


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each line's record, or the error that line holds; blank lines are skipped."""
    file = str(path)
    for number, line, offset in _lines(path, encoding):
        if not line.strip():
            continue
        try:
            record = parse(line, file, number)
        except InputError as e:
            yield e
            continue
        yield Incoming(record, file, number, offset=offset)


def _lines(path: Path, encoding: str) -> Iterator[tuple[int, str, int]]:
    """(line number, text, bytes read so far) of each line: streamed, or decoded whole for UTF-16 and UTF-32."""
    file = str(path)
    if is_wide(encoding):
        text = decode(read_bytes(path, encoding), file, encoding)
        for number, line in enumerate(text.split("\n"), start=1):
            yield number, line.rstrip("\r"), 0
        return
    check_text_file(path, encoding)
    offset = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            offset += len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.strip():
                yield number, decode(raw, file, encoding, line_base=number).rstrip("\r\n"), offset


_LINE_SEPARATORS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


def record(article: Article, spans: Iterable[Span], relations: Iterable[Relation] = ()) -> dict:
    """The canonical record of an article, its spans and the relations between them (named by the spans' ids,
    which only the spans in a relation carry; "relations" only when there are any). A span or relation of nobody
    (the gold layer's) names no annotator."""
    relations = list(relations)
    ends = {end for r in relations for end in (r.from_id, r.to_id)}
    found = {
        "id": article.id,
        "text": article.text,
        "text_sha256": article.text_sha256,
        "title": article.title,
        "source": article.source,
        "meta": article.meta,
        "spans": [{"id": span.id, **_span(span)} if span.id in ends else _span(span) for span in spans],
    }
    if relations:
        found["relations"] = [{"type": r.type, "from": r.from_id, "to": r.to_id,
                               **({"annotator": r.annotator} if r.annotator else {})} for r in relations]
    return found


def _span(span: Span) -> dict:
    found = span.to_record()
    if not span.annotator:
        del found["annotator"]
    return found


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode


def line(article: Article, spans: Iterable[Span], relations: Iterable[Relation] = ()) -> str:
    """The record as one line of compact JSON (as SQLite writes it: see Store.iter_record_json), ending in a newline."""
    return finish_line(_dumps(record(article, spans, relations)))


def finish_line(text: str) -> str:
    """One record's JSON made safe to stand as a line, with its newline."""
    for separator, escaped in _LINE_SEPARATORS:
        if separator in text:  # raw, they split lines for str.splitlines() and older JavaScript
            text = text.replace(separator, escaped)
    return text + "\n"


def write(items: Iterable[tuple[Article, list[Span]]], out: IO[str]) -> tuple[int, int]:
    """Write one record a line; return (articles, spans) written."""
    articles = spans = 0
    for article, article_spans in items:
        out.write(line(article, article_spans))
        articles += 1
        spans += len(article_spans)
    return articles, spans


class Writer(TextWriter):
    """Canonical records, one a line."""

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        return [line(article, spans, report.linked(relations, spans))]

    def write_json(self, text: str) -> None:
        """A record already written as JSON (by the store)."""
        self.handle.write(finish_line(text))
