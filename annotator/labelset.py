"""Reading label sets (labels and relation types) and checking JSON / JSONL files against the schemas."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from . import schema
from .errors import InputError, InputErrors
from .formats import _json
from .model import Label, RelationType
from .store.migrations import default_relation_types
from .windowkeys import label_key_problems, relation_key_problems


@cache
def _name_pattern() -> re.Pattern:
    """The one rule for label names, as schemas/labelset.schema.json states it."""
    _, schemas = schema._registry()
    return re.compile(schemas["labelset"]["properties"]["labels"]["items"]["properties"]["name"]["pattern"])


def label_name_problem(name: str) -> str | None:
    """Why `name` cannot be a label (it must fit annotation.conf, CoNLL tags and a menu), or None."""
    if _name_pattern().search(name):
        return None
    shown = json.dumps(name, ensure_ascii=False)
    return (f"{shown[:40]} cannot be a label name: a letter, then up to 63 letters, digits, '_', '.' or '-' "
            "(no spaces or markup)")


def load_json(path: Path, encoding: str = "utf-8"):
    """Parse a JSON file, or raise a one-line error naming line and column."""
    return _json.load(path, encoding)[1]


def check(name: str, instance, file: str, line: int | None) -> list[InputError]:
    return [InputError(file, line, path, message) for path, message in schema.errors(name, instance)]


def read_labelset(path: Path, encoding: str = "utf-8") -> tuple[list[Label], list[RelationType]]:
    """The labels and relation types (none when the file has no "relations") in a label-set file, checked by
    schemas/labelset.schema.json, names and keys distinct, relation ends naming labels of the set."""
    data = load_json(path, encoding)
    problems = check("labelset", data, str(path), None)
    if not problems:
        seen_names: dict[str, int] = {}
        for i, item in enumerate(data["labels"]):
            name = item["name"]
            if name in seen_names:
                problems.append(InputError(str(path), None, f"$.labels[{i}].name", f"{name!r} is already label {seen_names[name]}"))
            seen_names.setdefault(name, i)
        keys = [(item["name"], item.get("key", "")) for item in data["labels"]]
        problems += [InputError(str(path), None, f"$.labels[{i}].key", why) for i, why in label_key_problems(keys)]
        problems += _distinct(data, "relations", str(path))
        types = [(item["name"], item.get("key", "")) for item in data.get("relations", [])]
        problems += [InputError(str(path), None, f"$.relations[{i}].key", why) for i, why in relation_key_problems(keys, types)]
        names = {item["name"] for item in data["labels"]}
        for i, item in enumerate(data.get("relations", [])):
            for end in ("from", "to"):
                problems += [InputError(str(path), None, f"$.relations[{i}].{end}", f"{name!r} is not a label of the set")
                             for name in item[end] if name not in names]
    if problems:
        raise InputErrors(problems)
    from .store import PALETTE

    labels = [
        Label(item["name"], item.get("description", ""), item.get("color", PALETTE[i % len(PALETTE)]), item.get("key", ""))
        for i, item in enumerate(data["labels"])
    ]
    types = [RelationType.from_record(item, PALETTE[-1 - i % len(PALETTE)]) for i, item in enumerate(data.get("relations", []))]
    return labels, types


def _distinct(data: dict, part: str, file: str) -> list[InputError]:
    """Problems with names or keys used twice in `data[part]`."""
    problems = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for i, item in enumerate(data.get(part, [])):
        name, key = item["name"], item.get("key", "")
        if name in seen_names:
            problems.append(InputError(file, None, f"$.{part}[{i}].name", f"{name!r} is already {part.rstrip('s')} {seen_names[name]}"))
        if key and key in seen_keys:
            problems.append(InputError(file, None, f"$.{part}[{i}].key",
                                       f"key {key!r} is already used by {data[part][seen_keys[key]]['name']}"))
        seen_names.setdefault(name, i)
        seen_keys.setdefault(key, i)
    return problems


def validate_file(path: Path, schema_name: str | None, encoding: str = "utf-8", labelset: Path | None = None) -> int:
    """Check every record of a .jsonl file, or a whole .json file; return how many were valid.

    Records' relations must name spans of theirs, by the types of `labelset` (default: the built-in set)."""
    if path.suffix.lower() == ".jsonl":
        from .formats.jsonl import read
        from .relation_checks import relation_problems

        name = schema_name or "record"
        problems: list[InputError] = []
        count = 0
        types = {t.name: t for t in (read_labelset(labelset, encoding)[1] if labelset else default_relation_types())}
        for item in read(path, encoding=encoding):
            found = [item] if isinstance(item, InputError) else check(name, item.record, item.file, item.line)
            if not found and name == "record":
                found = relation_problems(item.record, types, item.file, item.line)
            problems += found
            count += not found
        if problems:
            raise InputErrors(problems)
        return count
    name = schema_name or "labelset"
    problems = check(name, load_json(path, encoding), str(path), None)
    if problems:
        raise InputErrors(problems)
    return 1
