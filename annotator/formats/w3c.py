"""W3C Web Annotation (JSON-LD): an AnnotationPage with one annotation per span and per relation, read back onto
stored articles.

Each span's target names its article by `urn:sha256:<text_sha256>` and selects the span twice: a
TextPositionSelector (code points, as the model says) and a TextQuoteSelector (exact, prefix, suffix).
A relation is an annotation with motivation `linking` whose target is the id of its first span's annotation and
whose body is the relation type (a tagging TextualBody) and the second span's annotation (a SpecificResource with
purpose `linking`). Reading attaches spans to articles already in the database; where a position does not hold
its quote, the span is re-anchored by the quote (the closest match with the same prefix and suffix) and reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article, Relation, Span
from . import Incoming, _json
from .writing import Report, TextWriter

READ_OPTIONS = ("text_for",)
SUFFIXES = (".jsonld", ".json")
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32


class Writer(TextWriter):
    """An AnnotationPage streamed one annotation a line."""

    header = f'{{"@context": "{CONTEXT}", "type": "AnnotationPage", "items": [\n'
    separator = ",\n"
    footer = "\n]}\n"
    dumps = staticmethod(json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        source = f"urn:sha256:{article.text_sha256}"
        lines = []
        ids = {span.id: _span_iri(source, span) for span in spans}
        for span in spans:
            body = [{"type": "TextualBody", "purpose": "tagging", "value": span.label}]
            if span.note:
                body.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
            text = article.text
            annotation = {
                "id": ids[span.id], "type": "Annotation", "motivation": "tagging", "body": body,
                "target": {"source": source, "selector": [
                    {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                    {"type": "TextQuoteSelector", "exact": span.text,
                     "prefix": text[max(0, span.start - CONTEXT_CHARS):span.start],
                     "suffix": text[span.end:span.end + CONTEXT_CHARS]},
                ]},
            }
            if span.annotator:
                annotation["creator"] = {"type": "Person", "name": span.annotator}
            lines.append(self.dumps(annotation))
        for relation in report.linked(relations, spans):
            link: dict[str, Any] = {
                "id": f"urn:annotator:relation:{relation.id}", "type": "Annotation", "motivation": "linking",
                "body": [{"type": "TextualBody", "purpose": "tagging", "value": relation.type},
                         {"type": "SpecificResource", "purpose": "linking", "source": ids[relation.to_id]}],
                "target": ids[relation.from_id]}
            if relation.annotator:
                link["creator"] = {"type": "Person", "name": relation.annotator}
            lines.append(self.dumps(link))
        return lines


def _span_iri(source: str, span: Span) -> str:
    """The id of a span's annotation, which a relation's target and linked body name."""
    return f"urn:annotator:span:{span.id}" if span.id is not None else f"{source}#{span.start}-{span.end}"


def read(path: Path, *, encoding: str = "utf-8", text_for: Callable[[str], str | None] | None = None
         ) -> Iterator[Incoming | InputError]:
    """One record per article named by the annotations, with their spans; `text_for(sha)` finds stored texts."""
    file = str(path)
    text, data = _json.load(path, encoding)
    if isinstance(data, dict) and isinstance(data.get("first"), dict):  # an AnnotationCollection's first page
        data = data["first"]
    annotations, lines = _json.items(text, data, key="items")
    by_source: dict[str, list[tuple[str, int | None, dict]]] = {}
    links: list[tuple[str, int | None, dict]] = []
    for i, (annotation, line) in enumerate(zip(annotations, lines, strict=True)):
        where = f"$.items[{i}]" if isinstance(data, dict) and "items" in data else (f"$[{i}]" if isinstance(data, list) else "$")
        if isinstance(annotation, dict) and annotation.get("motivation") == "linking":
            links.append((where, line, annotation))
            continue
        source = _source(annotation)
        if not source:
            yield InputError(file, line, f"{where}.target.source", "is required: urn:sha256:<the article's text SHA-256>")
            return
        by_source.setdefault(source, []).append((where, line, annotation))
    placed: dict[str, tuple[str, dict]] = {}  # annotation id -> (its article's sha, its span)
    records = []
    for sha, group in by_source.items():
        article_text = text_for(sha) if text_for else None
        if article_text is None:
            where, line, _ = group[0]
            yield InputError(file, line, f"{where}.target.source",
                             f"no article urn:sha256:{sha[:12]}… in the database; import its text first")
            return
        spans, notes = [], []
        for where, line, annotation in group:
            span = _span(annotation, article_text)
            if isinstance(span, tuple):
                yield InputError(file, line, f"{where}.{span[0]}", span[1])
                return
            if span.pop("moved", None) is not None:
                notes.append(f"{file}:{line}: {where}: position did not hold the quote; re-anchored at "
                             f"[{span['start']}, {span['end']})")
            spans.append(span)
            if isinstance(annotation.get("id"), str):
                placed.setdefault(annotation["id"], (sha, span))
        records.append(Incoming({"text": article_text, "text_sha256": sha, "spans": spans}, file, group[0][1],
                                notes=tuple(notes)))
    by_sha = {item.record["text_sha256"]: item.record for item in records}
    for where, line, annotation in links:
        found = _link(annotation, placed)
        if isinstance(found, tuple) and isinstance(found[1], str):
            yield InputError(file, line, f"{where}.{found[0]}", found[1])
            return
        sha, relation = found
        by_sha[sha].setdefault("relations", []).append(relation)
    yield from records


def _link(annotation: dict, placed: dict[str, tuple[str, dict]]) -> tuple[str, dict] | tuple[str, str]:
    """(article sha, relation) of a linking annotation between two placed span annotations (each given its
    annotation's id as its span "id"), or (field, why it cannot be read)."""
    bodies = annotation.get("body")
    bodies = bodies if isinstance(bodies, list) else [bodies]
    kinds = [b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"]
    linked = [b.get("source") or b.get("id") for b in bodies if isinstance(b, dict) and b.get("purpose") == "linking"]
    target = annotation.get("target")
    target = target.get("source") or target.get("id") if isinstance(target, dict) else target
    if len(kinds) != 1 or not isinstance(kinds[0], str) or not kinds[0]:
        return "body", "a linking annotation needs one TextualBody with purpose tagging: the relation's type"
    if len(linked) != 1:
        return "body", "a linking annotation needs one body with purpose linking: the id of the span it links to"
    ends = []
    for field, name in (("target", target), ("body", linked[0])):
        if not isinstance(name, str) or name not in placed:
            return field, f"{json.dumps(name, ensure_ascii=False)[:60]} is not the id of a span annotation in this file"
        ends.append(placed[name])
    if ends[0][0] != ends[1][0]:
        return "body", "links annotations of two different texts"
    for name, (_, span) in zip((target, linked[0]), ends, strict=True):
        span.setdefault("id", name)
    relation = {"type": kinds[0], "from": ends[0][1]["id"], "to": ends[1][1]["id"]}
    creator = annotation.get("creator")
    who = creator.get("name") if isinstance(creator, dict) else creator
    if isinstance(who, str) and who:
        relation["annotator"] = who
    return ends[0][0], relation


def _source(annotation) -> str | None:
    target = annotation.get("target") if isinstance(annotation, dict) else None
    source = target.get("source") if isinstance(target, dict) else None
    if isinstance(source, dict):
        source = source.get("id")
    if isinstance(source, str) and source.startswith("urn:sha256:") and len(source) == 75:
        return source[11:].lower()
    return None


def _span(annotation: dict, text: str) -> dict | tuple[str, str]:
    """The span an annotation names in `text` (with "moved" when re-anchored), or (field, why it cannot be placed)."""
    bodies = annotation.get("body")
    bodies = bodies if isinstance(bodies, list) else [bodies]
    values = {b.get("purpose", "tagging"): b.get("value") for b in bodies if isinstance(b, dict)}
    label = values.get("tagging") or values.get("classifying")
    if not isinstance(label, str) or not label:
        return "body", "no TextualBody with purpose tagging to give the label"
    selectors = annotation["target"].get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    kinds = {s.get("type"): s for s in selectors if isinstance(s, dict)}
    position, quote = kinds.get("TextPositionSelector"), kinds.get("TextQuoteSelector")
    start, end = (position or {}).get("start"), (position or {}).get("end")
    exact = (quote or {}).get("exact")
    span: dict = {"label": label}
    if isinstance(values.get("commenting"), str):
        span["note"] = values["commenting"]
    creator = annotation.get("creator")
    name = creator.get("name") if isinstance(creator, dict) else creator
    if isinstance(name, str) and name:
        span["annotator"] = name
    fits = type(start) is int and type(end) is int and 0 <= start < end <= len(text)
    if fits and (exact is None or text[start:end] == exact):
        return {**span, "start": start, "end": end, "text": text[start:end]}
    if not isinstance(exact, str) or not exact or quote is None:
        return "target.selector", "no TextQuoteSelector to re-anchor by, and the position does not fit the text"
    found = _anchor(text, exact, quote.get("prefix") or "", quote.get("suffix") or "", start if fits and isinstance(start, int) else 0)
    if found is None:
        return "target.selector", f"quote {json.dumps(exact[:40], ensure_ascii=False)} is not in the text"
    return {**span, "start": found, "end": found + len(exact), "text": exact, "moved": True}


def _anchor(text: str, exact: str, prefix: str, suffix: str, near: int) -> int | None:
    """Where `exact` occurs, preferring matching prefix and suffix, then the place nearest `near`."""
    best, best_key = None, None
    at = text.find(exact)
    while at != -1:
        matches: int = text[max(0, at - len(prefix)):at] == prefix[-at:] if at else not prefix
        matches += text[at + len(exact):at + len(exact) + len(suffix)] == suffix
        key = (-matches, abs(at - near))
        if best_key is None or key < best_key:
            best, best_key = at, key
        at = text.find(exact, at + 1)
    return best
