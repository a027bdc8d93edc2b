"""Reading label sets and checking JSON / JSONL files against the schemas."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from . import schema
from .errors import InputError, InputErrors
from .formats import _json
from .model import Label
from .windowkeys import label_key_problems


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


def read_labelset(path: Path, encoding: str = "utf-8") -> list[Label]:
    """The labels in a label-set file, checked by schemas/labelset.schema.json, names and keys distinct."""
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
    if problems:
        raise InputErrors(problems)
    from .store import PALETTE

    return [
        Label(item["name"], item.get("description", ""), item.get("color", PALETTE[i % len(PALETTE)]), item.get("key", ""))
        for i, item in enumerate(data["labels"])
    ]


def validate_file(path: Path, schema_name: str | None, encoding: str = "utf-8") -> int:
    """Check every record of a .jsonl file, or a whole .json file; return how many were valid."""
    if path.suffix.lower() == ".jsonl":
        from .formats.jsonl import read

        name = schema_name or "record"
        problems: list[InputError] = []
        count = 0
        for item in read(path, encoding=encoding):
            found = [item] if isinstance(item, InputError) else check(name, item.record, item.file, item.line)
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
