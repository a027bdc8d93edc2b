"""Prodigy JSONL: text, tokens and spans (character offsets plus token_start and inclusive token_end), answer.

One line per article and annotator (`_annotator_id`, as Prodigy's multi-user sessions write it). Span
characters are kept exactly, so the file reads back unchanged; token_start/token_end name the tokens
a span touches. Reading takes accepted answers (and lines without one); rejected and ignored are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Span
from ..tagging import place
from ..tokens import cut_at, tokenize
from . import Incoming
from .jsonl import read as read_lines

SUFFIXES = (".jsonl",)
READ_OPTIONS = ()


class Writer:
    """A task per article and annotator, tokens from our tokenizer."""

    def __init__(self, path: Path, ctx):
        self.ctx = ctx
        self.handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by close())
        self.dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

    def add(self, article: Article, spans: list[Span]) -> None:
        text = article.text
        found = cut_at(text, tokenize(text), [edge for span in spans for edge in (span.start, span.end)])
        self.ctx.summary.tokens += len(found)
        starts, ends = [t.start for t in found], [t.end for t in found]
        tokens = [{"text": t.text, "start": t.start, "end": t.end, "id": i,
                   "ws": t.end < len(text) and text[t.end].isspace()} for i, t in enumerate(found)]
        by_annotator: dict[str | None, list[dict]] = {} if spans else {None: []}
        for span in spans:
            laid = place(found, starts, ends, span, "expand")
            if laid is None:
                self.ctx.drop(article, span, "covers no token")
                continue
            item = {"start": span.start, "end": span.end, "token_start": laid.first, "token_end": laid.last - 1,
                    "label": span.label, "text": span.text}
            item.update({"note": span.note} if span.note else {})
            by_annotator.setdefault(span.annotator, []).append(item)
        if not by_annotator:  # every span dropped: the article still goes out
            by_annotator[None] = []
        meta = {"id": article.id, "source": article.source}
        for annotator, items in by_annotator.items():
            task = {"text": text, "meta": meta, "tokens": tokens, "spans": items, "answer": "accept"}
            task.update({"_annotator_id": annotator} if annotator else {})
            self.handle.write(self.dumps(task) + "\n")

    def close(self) -> None:
        self.handle.close()


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each accepted task as an article with its spans (by `_annotator_id` when it names one)."""
    skipped, last = 0, None
    for item in read_lines(path, encoding=encoding):
        if isinstance(item, InputError):
            yield item
            continue
        if isinstance(item.record, dict) and item.record.get("answer") in ("reject", "ignore"):
            skipped += 1
            continue
        for found in _task(item.record, item.file, item.line):
            if last is not None:
                yield last
            last = found
    if isinstance(last, Incoming) and skipped:  # the count rides on the last record, once it is known
        last.tallies += (("rejected or ignored answer", "skipped", skipped),)
    if last is not None:
        yield last


def _task(data, file: str, line: int | None) -> Iterator[Incoming | InputError]:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        yield InputError(file, line, "$.text", "is required: the task's text")
        return
    text, tokens = data["text"], data.get("tokens") or []
    spans = []
    for k, span in enumerate(data.get("spans") or []):
        where = f"$.spans[{k}]"
        if not isinstance(span, dict) or not isinstance(span.get("label"), str):
            yield InputError(file, line, f"{where}.label", "is required")
            return
        start, end = span.get("start"), span.get("end")
        if start is None or end is None:  # only token indexes: take the characters from the tokens
            try:
                start, end = tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]
            except (KeyError, IndexError, TypeError):
                yield InputError(file, line, where, "needs start and end, or token_start and token_end of its tokens")
                return
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            yield InputError(file, line, where, f"[{start}, {end}) does not fit the text ({len(text)} characters)")
            return
        if "text" in span and span["text"] != text[start:end]:
            yield InputError(file, line, f"{where}.text",
                             f"{json.dumps(span['text'], ensure_ascii=False)[:40]} differs from the text at [{start}, {end})")
            return
        record = {"start": start, "end": end, "label": span["label"], "text": text[start:end]}
        if isinstance(data.get("_annotator_id"), str) and data["_annotator_id"]:
            record["annotator"] = data["_annotator_id"]
        if isinstance(span.get("note"), str):
            record["note"] = span["note"]
        spans.append(record)
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    record = {"text": text, "spans": spans}
    if isinstance(meta.get("id"), str) and meta["id"]:
        record["id"] = meta["id"]
    if isinstance(meta.get("source"), str) and meta["source"]:
        record["source"] = meta["source"]
    relations = len(data.get("relations") or [])
    yield Incoming(record, file, line, tallies=(("relation", "not imported (only spans are)", relations),) if relations else ())
