"""Prodigy JSONL: text, tokens, spans (character offsets plus token_start and inclusive token_end), relations, answer.

One line per article and annotator (`_annotator_id`, as Prodigy's multi-user sessions write it). Spans
are laid on whole tokens under --alignment (widened by default, and reported); token_start/token_end
name their tokens, and the tokens rebuild the text exactly (text + " " where ws). Relations are as rel.manual
writes them: `head` and `child` the last token of each end, `head_span` and `child_span` the ends themselves,
`label` the type. Reading takes accepted answers (and lines without one); rejected and ignored are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Relation, Span
from ..tokens import Token
from . import Incoming
from .jsonl import read as read_lines
from .writing import Report, TextWriter

SUFFIXES = (".jsonl",)
READ_OPTIONS = ()


class Writer(TextWriter):
    """A task per article and annotator; tokens from our tokenizer, whitespace other than one space as tokens.

    Spans are laid on tokens under --alignment as for the other token formats (moved and dropped ones
    reported), so each span's characters are whole tokens and the tokens rebuild the text exactly.
    """

    dumps = staticmethod(json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        text = article.text
        laid = report.tokenize(self.settings, article, spans, overlap="keep")
        tokens, index = prodigy_tokens(text, laid.tokens)
        by_annotator: dict[str | None, list[dict]] = {} if laid.placed else {None: []}
        placed: dict[int | None, dict] = {}  # span id -> its item
        for p in laid.placed:
            item = {"start": p.start, "end": p.end, "token_start": index[p.first], "token_end": index[p.last - 1],
                    "label": p.label, "text": text[p.start:p.end]}
            item.update({"note": p.span.note} if p.span.note else {})
            by_annotator.setdefault(p.span.annotator, []).append(item)
            placed[p.span.id] = item
        links: dict[str | None, list[dict]] = {}
        for owner, relation in report.by_annotator(relations, [p.span for p in laid.placed]):
            head, child = (_end(placed[end]) for end in (relation.from_id, relation.to_id))
            links.setdefault(owner, []).append({"head": head["token_end"], "child": child["token_end"],
                                                "head_span": head, "child_span": child, "label": relation.type})
        meta = {"id": article.id, "source": article.source}
        lines = []
        for annotator, items in by_annotator.items():
            task = {"text": text, "meta": meta, "tokens": tokens, "spans": items, "answer": "accept"}
            task.update({"relations": links[annotator]} if annotator in links else {})
            task.update({"_annotator_id": annotator} if annotator else {})
            lines.append(self.dumps(task) + "\n")
        return lines


def _end(item: dict) -> dict:
    """A span as a relation's head_span or child_span names it."""
    return {key: item[key] for key in ("start", "end", "token_start", "token_end", "label")}


def prodigy_tokens(text: str, found: list[Token]) -> tuple[list[dict], list[int]]:
    """Tokens that rebuild `text` as Prodigy and spaCy do (each token's text, plus one space where `ws`),
    and the index among them of each of `found`: whitespace other than one space is a token of its own."""
    tokens: list[dict] = []
    index: list[int] = []
    position = 0
    for token in [*found, None]:
        next_start = token.start if token else len(text)
        gap = text[position:next_start]
        if gap[:1] == " " and tokens and not tokens[-1]["ws"]:
            tokens[-1]["ws"], gap = True, gap[1:]
        if gap:
            tokens.append({"text": gap, "start": next_start - len(gap), "end": next_start, "id": len(tokens), "ws": False})
        if token:
            index.append(len(tokens))
            tokens.append({"text": token.text, "start": token.start, "end": token.end, "id": len(tokens), "ws": False})
            position = token.end
    return tokens, index


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
        spans.append((record, span.get("token_end")))
    relations, tokens_only = _relations(data.get("relations") or [], spans, file, line)
    if isinstance(relations, InputError):
        yield relations
        return
    meta: dict = data["meta"] if isinstance(data.get("meta"), dict) else {}
    record = {"text": text, "spans": [span for span, _ in spans]}
    if relations:
        record["relations"] = relations
    if isinstance(meta.get("id"), str) and meta["id"]:
        record["id"] = meta["id"]
    if isinstance(meta.get("source"), str) and meta["source"]:
        record["source"] = meta["source"]
    tallies = (("relation", "between tokens that are not spans, not imported", tokens_only),) if tokens_only else ()
    yield Incoming(record, file, line, tallies=tallies)


def _relations(items, spans: list[tuple[dict, int | None]], file: str, line: int | None) -> tuple[list[dict] | InputError, int]:
    """rel.manual's relations as relations between the task's spans (given an "id"): each end is the span its
    head_span or child_span names (start, end, label), else the one span whose last token is `head` or `child`.
    Also how many link a token that is no span (left out); or the first relation that cannot be read."""
    relations: list[dict] = []
    tokens_only = 0
    for k, item in enumerate(items if isinstance(items, list) else [items]):
        where = f"$.relations[{k}]"
        if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not item["label"]:
            return InputError(file, line, f"{where}.label", "is required: the relation's type"), 0
        ends: list[int] = []
        for role in ("head", "child"):
            named = item.get(f"{role}_span")
            if isinstance(named, dict):
                found = [n for n, (span, _) in enumerate(spans)
                         if (span["start"], span["end"], span["label"]) == (named.get("start"), named.get("end"), named.get("label"))]
            else:
                found = [n for n, (_, last) in enumerate(spans) if last is not None and last == item.get(role)]
            if len(found) > 1 and not isinstance(named, dict):
                return InputError(file, line, f"{where}.{role}", f"{len(found)} spans end at token {item.get(role)}; "
                                                                 f"name the one meant with {role}_span"), 0
            if not found:
                break
            ends.append(found[0])
        if len(ends) < 2:
            tokens_only += 1
            continue
        for n in ends:
            spans[n][0].setdefault("id", n)
        relations.append({"type": item["label"], "from": ends[0], "to": ends[1]})
    return relations, tokens_only
