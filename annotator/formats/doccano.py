"""doccano JSONL: {"text", "label": [[start, end, "LABEL"]]}, or with relations the relation projects' form
{"text", "entities": [{"id", "start_offset", "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]},
offsets in UTF-16 code units.

doccano counts UTF-16 units (doccano #2290), so offsets are converted at this edge only. Reading accepts the
`label` form, the `labels` form of older versions, the relation projects' `entities` and `relations` form and the
`annotations` form of doccano 1.x JSON exports (label names only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Relation, Span
from ..offsets import OffsetMap
from . import Incoming
from .jsonl import read as read_lines
from .writing import Report, TextWriter

SUFFIXES = (".jsonl",)
READ_OPTIONS = ()


class Writer(TextWriter):
    """One line per article; the spans of every annotator together, each (start, end, label) once, and so each
    relation (type, from, to). The relation form when the export holds relations (doccano imports one form a
    project: sequence labeling reads `label`, a project with relations `entities` and `relations`)."""

    dumps = staticmethod(json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        units = OffsetMap(article.text)
        keys = sorted({(s.start, s.end, s.label) for s in spans})
        if not self.settings.with_relations:
            label = [[units.to_units(start), units.to_units(end), name] for start, end, name in keys]
            return [self.dumps({"id": article.id, "text": article.text, "label": label}) + "\n"]
        index = {key: i for i, key in enumerate(keys)}
        entity_of = {span.id: index[span.key] for span in spans}
        entities = [{"id": i, "start_offset": units.to_units(start), "end_offset": units.to_units(end), "label": name}
                    for i, (start, end, name) in enumerate(keys)]
        links = dict.fromkeys((entity_of[r.from_id], entity_of[r.to_id], r.type) for r in report.linked(relations, spans))
        found = [{"id": k, "from_id": a, "to_id": b, "type": kind} for k, (a, b, kind) in enumerate(links)]
        return [self.dumps({"id": article.id, "text": article.text, "entities": entities, "relations": found}) + "\n"]


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each line as an article; other fields than text, label, entities and relations go to its meta."""
    for item in read_lines(path, encoding=encoding):
        if isinstance(item, InputError):
            yield item
            continue
        yield from _line(item.record, item.file, item.line)


def _line(data, file: str, line: int | None) -> Iterator[Incoming | InputError]:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        yield InputError(file, line, "$.text", "is required: the text to label")
        return
    text = data["text"]
    units = OffsetMap(text)
    raw, tallies = [], []
    for key in ("label", "labels"):  # "labels": older doccano exports and its long-documented import example
        items = data.get(key) or []
        if items and isinstance(items, list) and all(isinstance(x, str) for x in items):
            tallies.append(("document label", "(text classification) not imported", len(items)))
            continue
        for k, item in enumerate(items if isinstance(items, list) else [items]):
            if not (isinstance(item, list) and len(item) == 3 and all(type(x) is int for x in item[:2])
                    and isinstance(item[2], str)):
                yield InputError(file, line, f"$.{key}[{k}]", f'expected [start, end, "LABEL"], found {json.dumps(item)[:40]}')
                return
            raw.append((f"$.{key}[{k}]", *item, None, None))
    for key in ("entities", "annotations"):  # relation projects; "annotations": doccano 1.x JSON exports
        for k, item in enumerate(data.get(key) or []):
            if not (isinstance(item, dict) and type(item.get("start_offset")) is int and type(item.get("end_offset")) is int
                    and isinstance(item.get("label"), str)):
                yield InputError(file, line, f"$.{key}[{k}]", "expected {start_offset, end_offset, label} with the label's "
                                 "name (a label id cannot be named: export with label names)")
                return
            user = item.get("user")
            who = f"user{user}" if type(user) is int else user if isinstance(user, str) and user else None
            ident = item.get("id") if key == "entities" and type(item.get("id")) in (int, str) else None
            raw.append((f"$.{key}[{k}]", item["start_offset"], item["end_offset"], item["label"], who, ident))
    spans: list[dict] = []
    by_id: dict[int | str, dict] = {}  # entity id -> its span, which a relation names
    for where, start, end, label, who, ident in raw:
        if not 0 <= start < end <= units.units_length:
            yield InputError(file, line, where, f"[{start}, {end}) does not fit the text ({units.units_length} UTF-16 units)")
            return
        a, b = units.to_cp(start), units.to_cp(end)
        if (units.to_units(a), units.to_units(b)) != (start, end):
            yield InputError(file, line, where, f"[{start}, {end}) cuts a character that takes two UTF-16 units")
            return
        spans.append({"start": a, "end": b, "label": label, "text": text[a:b], **({"annotator": who} if who else {})})
        if ident is not None:
            by_id.setdefault(ident, spans[-1])
    relations = _relations(data.get("relations") or [], by_id, file, line)
    if isinstance(relations, InputError):
        yield relations
        return
    record = {"text": text, "spans": spans}
    if relations:
        record["relations"] = relations
    if isinstance(data.get("id"), str) and data["id"]:
        record["id"] = data["id"]
    meta = {k: v for k, v in data.items() if k not in ("id", "text", *_READ)}
    if meta:
        record["meta"] = meta
    yield Incoming(record, file, line, tallies=tuple(tallies))


def _relations(items, by_id: dict[int | str, dict], file: str, line: int | None) -> list[dict] | InputError:
    """A relation project's relations between the spans of the entities they name (given an "id"), or the first
    problem."""
    relations = []
    for k, item in enumerate(items if isinstance(items, list) else [items]):
        where = f"$.relations[{k}]"
        if not (isinstance(item, dict) and isinstance(item.get("type"), str) and item["type"]):
            return InputError(file, line, where, 'expected {"from_id", "to_id", "type"} with the type\'s name')
        for key in ("from_id", "to_id"):
            if type(item.get(key)) not in (int, str) or item[key] not in by_id:
                return InputError(file, line, f"{where}.{key}", f"no entity has id {json.dumps(item.get(key))[:40]}")
        head, tail = by_id[item["from_id"]], by_id[item["to_id"]]
        head.setdefault("id", item["from_id"])
        tail.setdefault("id", item["to_id"])
        relations.append({"type": item["type"], "from": head["id"], "to": tail["id"]})
    return relations


_READ = ("label", "labels", "entities", "annotations", "relations")
