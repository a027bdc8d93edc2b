"""W3C Web Annotation (JSON-LD): an AnnotationPage with one annotation per span, read back onto stored articles.

Each target names its article by `urn:sha256:<text_sha256>` and selects the span twice: a
TextPositionSelector (code points, as the model says) and a TextQuoteSelector (exact, prefix, suffix).
Reading attaches spans to articles already in the database; where a position does not hold its quote,
the span is re-anchored by the quote (the closest match with the same prefix and suffix) and reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Span
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

    def entries(self, article: Article, spans: list[Span], report: Report) -> list[str]:
        source = f"urn:sha256:{article.text_sha256}"
        lines = []
        for span in spans:
            body = [{"type": "TextualBody", "purpose": "tagging", "value": span.label}]
            if span.note:
                body.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
            text = article.text
            annotation = {
                "id": f"urn:annotator:span:{span.id}" if span.id is not None else f"{source}#{span.start}-{span.end}",
                "type": "Annotation", "motivation": "tagging", "body": body,
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
        return lines


def read(path: Path, *, encoding: str = "utf-8", text_for: Callable[[str], str | None] | None = None
         ) -> Iterator[Incoming | InputError]:
    """One record per article named by the annotations, with their spans; `text_for(sha)` finds stored texts."""
    file = str(path)
    text, data = _json.load(path, encoding)
    if isinstance(data, dict) and isinstance(data.get("first"), dict):  # an AnnotationCollection's first page
        data = data["first"]
    annotations, lines = _json.items(text, data, key="items")
    by_source: dict[str, list[tuple[str, int | None, dict]]] = {}
    for i, (annotation, line) in enumerate(zip(annotations, lines, strict=True)):
        where = f"$.items[{i}]" if isinstance(data, dict) and "items" in data else (f"$[{i}]" if isinstance(data, list) else "$")
        source = _source(annotation)
        if not source:
            yield InputError(file, line, f"{where}.target.source", "is required: urn:sha256:<the article's text SHA-256>")
            return
        by_source.setdefault(source, []).append((where, line, annotation))
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
        yield Incoming({"text": article_text, "text_sha256": sha, "spans": spans}, file, group[0][1], notes=tuple(notes))


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
