"""The canonical JSONL: one record (schemas/record.schema.json) a line, read and written streaming."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..model import Article, Span
from . import Incoming, decode, read_bytes


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each line's record, or the error that line holds; blank lines are skipped."""
    file = str(path)
    read_bytes(path)  # refuses empty and binary files before anything is yielded
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            line = decode(raw, file, encoding, line_base=number)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                yield InputError(file, number, "", f"malformed JSON at column {e.colno}: {e.msg}")
                continue
            yield Incoming(record, file, number)


def record(article: Article, spans: Iterable[Span]) -> dict:
    """The canonical record of an article and its spans."""
    return {
        "id": article.id,
        "text": article.text,
        "text_sha256": article.text_sha256,
        "title": article.title,
        "source": article.source,
        "meta": article.meta,
        "spans": [span.to_record() for span in spans],
    }


def write(items: Iterable[tuple[Article, list[Span]]], out: IO[str]) -> tuple[int, int]:
    """Write one record a line; return (articles, spans) written."""
    articles = spans = 0
    dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    for article, article_spans in items:
        out.write(dumps(record(article, article_spans)))
        out.write("\n")
        articles += 1
        spans += len(article_spans)
    return articles, spans
