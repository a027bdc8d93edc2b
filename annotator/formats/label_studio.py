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
from ..model import Article, Span
from ..offsets import OffsetMap
from ..wording import counted
from . import Incoming, _json
from .writing import Report, TextWriter

SUFFIXES = (".json",)


class Writer(TextWriter):
    """A JSON array of tasks, one a line: the article in data.text, one annotation per annotator.

    Label Studio refuses a whole import whose `completed_by` names none of its users, so annotations carry
    no `completed_by` (Label Studio makes the importing user their author); the task's `meta.annotators`
    names the annotator of each annotation, in order, which Label Studio keeps and exports again (it
    drops an annotation's own `meta`).
    """

    header, separator, footer = "[\n", ",\n", "\n]\n"
    dumps = staticmethod(json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)

    def entries(self, article: Article, spans: list[Span], report: Report) -> list[str]:
        by_annotator: dict[str, list[dict]] = {}
        for n, span in enumerate(spans):
            result = {"id": f"s{span.id if span.id is not None else n}", "from_name": "label", "to_name": "text",
                      "type": "labels", "origin": "manual",
                      "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]}}
            if span.note:
                result["meta"] = {"text": [span.note]}
            by_annotator.setdefault(span.annotator, []).append(result)
        task = {
            "data": {"text": article.text},
            "meta": {"article_id": article.id, "title": article.title, "source": article.source,
                     "text_sha256": article.text_sha256, "meta": article.meta, "annotators": list(by_annotator)},
            "annotations": [{"result": results, "was_cancelled": False} for results in by_annotator.values()],
        }
        return [self.dumps(task)]

    def sidecars(self) -> dict[str, str]:
        """config.xml: the labeling config that matches the export's labels and colours."""
        labels = "\n".join(f"    <Label value={quoteattr(lb.name)} background={quoteattr(lb.color)}/>"
                           for lb in self.settings.labels)
        return {"config.xml": f'<View>\n  <Labels name="label" toName="text">\n{labels}\n  </Labels>\n'
                              f'  <Text name="text" value="$text"/>\n</View>\n'}


def config_labels(path: Path) -> tuple[str, ...]:
    """The Label values of the labeling config beside a task file, if there is one."""
    for candidate in (path.with_name(f"{path.stem}.config.xml"), path.with_name("config.xml")):
        if candidate.is_file():
            try:
                root = ElementTree.parse(candidate).getroot()
            except ElementTree.ParseError as e:
                raise InputError(str(candidate), e.position[0], "", f"malformed XML: {e}") from None
            return tuple(el.get("value") for el in root.iter("Label") if el.get("value"))
    return ()


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each task as an article with the spans of its annotations and predictions (cancelled ones left out)."""
    file = str(path)
    text, data = _json.load(path, encoding)
    tasks, lines = _json.items(text, data, key="tasks")
    declared = config_labels(path)
    for i, (task, line) in enumerate(zip(tasks, lines, strict=True)):
        yield from _task(task, f"$[{i}]" if isinstance(data, list) else "$", file, line, declared)


def _task(task, where: str, file: str, line: int | None, declared: tuple[str, ...]) -> Iterator[Incoming | InputError]:
    text = task.get("data", {}).get("text") if isinstance(task, dict) and isinstance(task.get("data"), dict) else None
    if not isinstance(text, str) or not text:
        yield InputError(file, line, f"{where}.data.text", "is required: the task's text")
        return
    spans, problems, as_utf16, other = [], [], 0, 0
    names = task["meta"].get("annotators") if isinstance(task.get("meta"), dict) else None
    names = names if isinstance(names, list) else []
    for kind in ("annotations", "predictions"):
        for j, annotation in enumerate(task.get(kind) or []):
            if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
                continue
            who = _annotator(annotation, kind)
            if kind == "annotations" and j < len(names) and isinstance(names[j], str) and names[j]:
                who = names[j]  # our export's name for it (see Writer)
            for k, result in enumerate(annotation.get("result") or []):
                at = f"{where}.{kind}[{j}].result[{k}]"
                value = result.get("value") if isinstance(result, dict) else None
                if not isinstance(result, dict) or result.get("type") != "labels" or not isinstance(value, dict):
                    other += 1
                    continue
                if not (type(value.get("start")) is int and type(value.get("end")) is int
                        and isinstance(value.get("labels"), list) and value["labels"]):
                    problems.append(InputError(file, line, f"{at}.value", "needs integer start and end and a labels list"))
                    continue
                placed = _place(text, value)
                if isinstance(placed, str):
                    problems.append(InputError(file, line, f"{at}.value.text", placed))
                    continue
                start, end, utf16 = placed
                as_utf16 += utf16
                note = "\n".join((result.get("meta") or {}).get("text") or []) or None
                for label in value["labels"]:
                    span = {"start": start, "end": end, "label": str(label), "text": text[start:end]}
                    span.update({"annotator": who} if who else {})
                    span.update({"note": note} if note else {})
                    spans.append(span)
    if problems:
        yield from problems
        return
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    record = {"text": text, "source": meta.get("source") or Path(file).name, "spans": spans}
    for ours, theirs in (("id", "article_id"), ("title", "title"), ("meta", "meta")):
        if meta.get(theirs) and isinstance(meta[theirs], dict if ours == "meta" else str):
            record[ours] = meta[theirs]
    notes = [f"{file}:{line}: {where}: {counted(as_utf16, 'span')} read as UTF-16 offsets (older Label Studio)"] if as_utf16 else []
    notes += [f"{file}:{line}: {where}: {other} results that are not text labels not imported"] if other else []
    yield Incoming(record, file, line, labels=declared, notes=tuple(notes))


def _annotator(annotation: dict, kind: str) -> str | None:
    if kind == "predictions":
        return str(annotation.get("model_version") or "prediction")
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or who.get("username") or (f"user{who['id']}" if "id" in who else None)
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user{who}"
    return who if isinstance(who, str) and who else None


def _place(text: str, value: dict) -> tuple[int, int, bool] | str:
    """(start, end, read as UTF-16) in code points, or why the offsets do not fit the text."""
    start, end, quoted = value["start"], value["end"], value.get("text")
    if 0 <= start < end <= len(text) and (quoted is None or text[start:end] == quoted):
        return start, end, False
    units = OffsetMap(text)
    if not units.is_identity and 0 <= start < end <= units.units_length:
        a, b = units.to_cp(start), units.to_cp(end)
        if (units.to_units(a), units.to_units(b)) == (start, end) and (quoted is None or text[a:b] == quoted):
            return a, b, True
    if quoted is None:
        return f"[{start}, {end}) does not fit the text ({len(text)} characters)"
    return f"{_cut(quoted)} differs from the text at [{start}, {end}): {_cut(text[start:end])} (also read as UTF-16 units)"


def _cut(text: str, limit: int = 40) -> str:
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
