"""Label Studio: export JSON (tasks with annotations[].result[]) and its labeling config XML; tasks read back too.

Offsets are code points as newer Label Studio writes them. Reading checks each result's `value.text`
against the task text; where they disagree it tries the UTF-16 reading of older versions and says so.
Labels declared in a config beside the file (<name>.config.xml or config.xml) are added when used.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..errors import InputError
from ..model import Article, Relation, RelationType, Span
from ..offsets import OffsetMap
from . import Incoming, _json
from .writing import Report, TextWriter

SUFFIXES = (".json",)
READ_OPTIONS = ("text_key",)


class Writer(TextWriter):
    """A JSON array of tasks, one a line: the article in data.text, one annotation per annotator.

    Label Studio refuses a whole import whose `completed_by` names none of its users, so annotations carry
    no `completed_by` (Label Studio makes the importing user their author); the task's `meta.annotators`
    names the annotator of each annotation, in order, which Label Studio keeps and exports again (it
    drops an annotation's own `meta`).
    """

    header, separator, footer = "[\n", ",\n", "\n]\n"
    dumps = staticmethod(json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        by_annotator: dict[str, list[dict]] = {}
        for n, span in enumerate(spans):
            result = {"id": _result_id(span.id if span.id is not None else n), "from_name": "label", "to_name": "text",
                      "type": "labels", "origin": "manual",
                      "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]}}
            if span.note:
                result["meta"] = {"text": [span.note]}
            by_annotator.setdefault(span.annotator, []).append(result)
        for owner, relation in report.by_annotator(relations, spans):  # in the annotation of its two ends
            by_annotator[owner].append(
                {"from_id": _result_id(relation.from_id), "to_id": _result_id(relation.to_id), "type": "relation",
                 "direction": "right", "labels": [relation.type]})
        task = {
            "data": {"text": article.text},
            "meta": {"article_id": article.id, "title": article.title, "source": article.source,
                     "text_sha256": article.text_sha256, "meta": article.meta, "annotators": list(by_annotator)},
            "annotations": [{"result": results, "was_cancelled": False} for results in by_annotator.values()],
        }
        return [self.dumps(task)]

    def sidecars(self) -> dict[str, str]:
        """config.xml: the labeling config that matches the export's labels, relation types and colours."""
        labels = "\n".join(f"    <Label value={quoteattr(lb.name)} background={quoteattr(lb.color)}/>"
                           for lb in self.settings.labels)
        kinds = "\n".join(f"    <Relation value={quoteattr(t.name)} background={quoteattr(t.color)}/>"
                          for t in self.settings.relation_types)
        relations = f"  <Relations>\n{kinds}\n  </Relations>\n" if kinds else ""
        return {"config.xml": f'<View>\n{relations}  <Labels name="label" toName="text">\n{labels}\n  </Labels>\n'
                              f'  <Text name="text" value="$text"/>\n</View>\n'}


def _result_id(span_id: int) -> str:
    """The id of a span's result, which a relation's from_id and to_id name."""
    return f"s{span_id}"


def read_config(path: Path) -> tuple[tuple[str, ...], str | None, tuple[str, ...]]:
    """The Label values, the text's data field ($content -> content) and the Relation values of the labeling config
    beside a task file."""
    for candidate in (path.with_name(f"{path.stem}.config.xml"), path.with_name("config.xml")):
        if candidate.is_file():
            try:
                root = ElementTree.parse(candidate).getroot()
            except ElementTree.ParseError as e:
                raise InputError(str(candidate), e.position[0], "", f"malformed XML: {e}") from None
            labels = tuple(value for el in root.iter("Label") if (value := el.get("value")))
            targets = {el.get("toName") for el in root.iter("Labels")}
            objects = [el for el in root.iter() if (el.get("value") or "").startswith("$")]
            named = [el for el in objects if el.get("name") in targets] or [el for el in objects if el.tag == "Text"]
            relations = tuple(value for el in root.iter("Relation") if (value := el.get("value")))
            return labels, (named[0].get("value") or "$")[1:] if named else None, relations
    return (), None, ()


def config_labels(path: Path) -> tuple[str, ...]:
    """The Label values of the labeling config beside a task file, if there is one."""
    return read_config(path)[0]


def read(path: Path, *, encoding: str = "utf-8", text_key: str | None = None) -> Iterator[Incoming | InputError]:
    """Each task as an article with the spans of its annotations and predictions (cancelled ones left out).

    Reads the JSON export and the JSON-MIN export (data fields and each control's values at the top level).
    The text is in the data field `text_key`, else the one the labeling config beside the file names, else `text`.
    """
    file = str(path)
    text, data = _json.load(path, encoding)
    tasks, lines = _json.items(text, data, key="tasks")
    declared, config_key, relation_names = read_config(path)
    relation_types = tuple(RelationType(name, (), ()) for name in relation_names)  # the ends' labels: those used
    key = text_key or config_key or "text"
    read_tasks = [_parts(task, f"$[{i}]" if isinstance(data, list) else "$", key)
                  for i, task in enumerate(tasks)]
    utf16 = any(isinstance(parts, tuple) and _needs_utf16(parts[0], parts[1]) for parts in read_tasks)
    for parts, line in zip(read_tasks, lines, strict=True):
        if isinstance(parts, str):
            where, message = parts.split("\t", 1)
            hint = "" if text_key else "; name the field with --text-key"
            yield InputError(file, line, where, message + hint)
            continue
        for item in _task(*parts, file, line, declared, utf16):
            if isinstance(item, Incoming):
                item.relation_types = relation_types
            yield item


_MIN_FIELDS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}


def _parts(task, where: str, key: str) -> tuple[str, list, dict, str] | str:
    """(text, [(path, annotator, result, annotation)], task meta, where) of a task, or "path<TAB>why" without text."""
    minimal = isinstance(task, dict) and not isinstance(task.get("data"), dict)  # JSON-MIN
    data = task if minimal else task["data"] if isinstance(task, dict) else None
    text = data.get(key) if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        return f"{where}.{'' if minimal else 'data.'}{key}\tis required: the task's text"
    results = []
    if minimal:
        who = _annotator({"completed_by": task.get("annotator")}, "annotations")
        for name, values in task.items():
            if name == key or name in _MIN_FIELDS or not isinstance(values, list):
                continue
            for k, value in enumerate(values):
                if isinstance(value, dict) and "labels" in value:
                    results.append((f"{where}.{name}[{k}]", who, {"type": "labels", "value": value}, where))
    meta: dict = task["meta"] if isinstance(task.get("meta"), dict) else {}
    names: list = meta["annotators"] if isinstance(meta.get("annotators"), list) else []  # our export's, in order
    for kind in () if minimal else ("annotations", "predictions"):
        for j, annotation in enumerate(task.get(kind) or []):
            if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
                named = kind == "annotations" and j < len(names) and isinstance(names[j], str) and names[j]
                who = names[j] if named else _annotator(annotation, kind)
                results += [(f"{where}.{kind}[{j}].result[{k}]", who, result, f"{kind}[{j}]")
                            for k, result in enumerate(annotation.get("result") or [])]
    return text, results, meta, where


def _is_label(result) -> bool:
    return isinstance(result, dict) and result.get("type") == "labels" and isinstance(result.get("value"), dict)


def _has_offsets(value: dict) -> bool:
    return (type(value.get("start")) is int and type(value.get("end")) is int
            and isinstance(value.get("labels"), list) and bool(value["labels"]))


def _needs_utf16(text: str, results: list) -> bool:
    """Whether a task's offsets fit its text only when read as UTF-16 units (older Label Studio)."""
    values = [r["value"] for _, _, r, _ in results if _is_label(r) and _has_offsets(r["value"])]
    return bool(values) and not all(isinstance(_place(text, v, False), tuple) for v in values) and all(
        isinstance(_place(text, v, True), tuple) for v in values)


def _task(text: str, results: list, meta: dict, where: str, file: str, line: int | None,
          declared: tuple[str, ...], utf16: bool) -> Iterator[Incoming | InputError]:
    """The task's record; its offsets are read as UTF-16 units when the file's are (`utf16`) or when only that fits."""
    labelled = [result for result in results if _is_label(result[2])]
    problems = [InputError(file, line, f"{at}.value", "needs integer start and end and a labels list")
                for at, _, r, _ in labelled if not _has_offsets(r["value"])]
    if problems:
        yield from problems
        return
    placed, as_utf16 = [], 0
    for group in _groups(labelled):  # one annotation (or prediction) was written by one version: one reading
        found, utf16_used = _place_group(text, [r["value"] for _, _, r, _ in group], utf16)
        placed += found
        as_utf16 += utf16_used
    problems = [InputError(file, line, f"{at}.value.text", p) for (at, *_), p in zip(labelled, placed, strict=True)
                if isinstance(p, str)]
    if problems:
        yield from problems
        return
    spans: list[dict] = []
    ends: dict[tuple[str, str], dict] = {}  # (annotation, result id) -> the span a relation names
    for (_, who, result, group), (start, end) in zip(labelled, placed, strict=True):
        note = "\n".join((result.get("meta") or {}).get("text") or []) or None
        for label in result["value"]["labels"]:
            span = {"start": start, "end": end, "label": str(label), "text": text[start:end]}
            span.update({"annotator": who} if who else {})
            span.update({"note": note} if note else {})
            if isinstance(result.get("id"), str):  # a relation's end: its result's first label
                ends.setdefault((group, result["id"]), span)
            spans.append(span)
    relations, tallies = _relations(results, ends, file, line)
    if isinstance(relations, InputError):
        yield relations
        return
    record = {"text": text, "source": meta.get("source") or Path(file).name, "spans": spans}
    if relations:
        record["relations"] = relations
    for ours, theirs in (("id", "article_id"), ("title", "title"), ("meta", "meta")):
        if meta.get(theirs) and isinstance(meta[theirs], dict if ours == "meta" else str):
            record[ours] = meta[theirs]
    other = sum(1 for _, _, r, _ in results if not _is_label(r) and not _is_relation(r))
    tallies += [("span", "read as UTF-16 offsets (older Label Studio)", as_utf16)] if as_utf16 else []
    tallies += [("result", "of another type than text labels and relations, not imported", other)] if other else []
    yield Incoming(record, file, line, labels=declared, tallies=tuple(tallies))


def _is_relation(result) -> bool:
    return isinstance(result, dict) and result.get("type") == "relation"


def _relations(results: list, ends: dict[tuple[str, str], dict], file: str, line: int | None
               ) -> tuple[list[dict] | InputError, list[tuple[str, str, int]]]:
    """The relation results as relations between the spans (given an "id") of the results they name in their own
    annotation, one per label, and tallies of those read with a caveat or left out; or the first that names none."""
    relations: list[dict] = []
    bidirectional = unlabelled = 0
    for at, _, result, group in results:
        if not _is_relation(result):
            continue
        found: list[dict] = []
        for key in ("from_id", "to_id"):
            span = ends.get((group, result.get(key)))
            if span is None:
                return InputError(file, line, f"{at}.{key}", f"no text labels result {json.dumps(result.get(key))[:40]} "
                                                             "in this annotation"), []
            span.setdefault("id", f"{group}:{result[key]}")
            found.append(span)
        head, tail = found if result.get("direction") != "left" else found[::-1]
        labels = [str(label) for label in result.get("labels") or []]
        unlabelled += not labels
        bidirectional += result.get("direction") == "bi" and bool(labels)
        relations += [{"type": label, "from": head["id"], "to": tail["id"]} for label in labels]
    tallies = [("relation", "without a label, not imported", unlabelled)] if unlabelled else []
    tallies += [("relation", "with direction bi read from from_id to to_id", bidirectional)] if bidirectional else []
    return relations, tallies


def _groups(labelled: list) -> list[list]:
    """The results of each annotation or prediction together, in order (each annotation's results are adjacent)."""
    groups: dict[str, list] = {}
    for item in labelled:
        groups.setdefault(item[3], []).append(item)
    return list(groups.values())


def _place_group(text: str, values: list[dict], utf16: bool) -> tuple[list, int]:
    """Places of one annotation's results, and how many were read as UTF-16 units.

    One reading for all of them: the file's (`utf16`) when it fits them all, else the other when that does;
    only when neither fits every result is each read as whichever fits it (and the rest reported).
    """
    if OffsetMap(text).is_identity:
        return [_place(text, v, False) for v in values], 0
    readings = (True, False) if utf16 else (False, True)
    for reading in readings:
        placed = [_place(text, v, reading) for v in values]
        if all(isinstance(p, tuple) for p in placed):
            return placed, len(placed) if reading else 0
    placed, used = [], 0
    for v in values:
        first, second = (_place(text, v, reading) for reading in readings)
        if isinstance(first, tuple) or not isinstance(second, tuple):
            placed.append(first)
            used += readings[0] and isinstance(first, tuple)
        else:
            placed.append(second)
            used += readings[1]
    return placed, used


def _annotator(annotation: dict, kind: str) -> str | None:
    if kind == "predictions":
        return str(annotation.get("model_version") or "prediction")
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or who.get("username") or (f"user{who['id']}" if "id" in who else None)
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user{who}"
    return who if isinstance(who, str) and who else None


def _place(text: str, value: dict, utf16: bool) -> tuple[int, int] | str:
    """(start, end) in code points, reading the offsets as code points or UTF-16 units, or why they do not fit."""
    start, end, quoted = value["start"], value["end"], value.get("text")
    if utf16:
        units = OffsetMap(text)
        if not 0 <= start < end <= units.units_length:
            return f"[{start}, {end}) does not fit the text ({units.units_length} UTF-16 units)"
        a, b = units.to_cp(start), units.to_cp(end)
        if (units.to_units(a), units.to_units(b)) != (start, end):
            return f"[{start}, {end}) cuts a character that takes two UTF-16 units"
        start, end = a, b
    elif not 0 <= start < end <= len(text):
        return f"[{start}, {end}) does not fit the text ({len(text)} characters)"
    if quoted is not None and text[start:end] != quoted:
        return (f"{_cut(quoted)} differs from the text at [{start}, {end}): {_cut(text[start:end])}"
                f" (read as {'UTF-16 units' if utf16 else 'code points'}, as neither fits)")
    return start, end


def _cut(text: str, limit: int = 40) -> str:
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
