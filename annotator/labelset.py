"""Reading label sets and checking JSON / JSONL files against the schemas."""

from __future__ import annotations

import json
from pathlib import Path

from . import schema
from .errors import InputError, InputErrors
from .formats import decode, read_bytes
from .model import Label
from .windowkeys import label_key_problems


def load_json(path: Path):
    """Parse a JSON file, or raise a one-line error naming line and column."""
    text = decode(read_bytes(path), str(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(str(path), e.lineno, "", f"malformed JSON at column {e.colno}: {e.msg}") from None


def check(name: str, instance, file: str, line: int | None) -> list[InputError]:
    return [InputError(file, line, path, message) for path, message in schema.errors(name, instance)]


def read_labelset(path: Path) -> list[Label]:
    """The labels in a label-set file, checked by schemas/labelset.schema.json, names and keys distinct."""
    data = load_json(path)
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


def validate_file(path: Path, schema_name: str | None) -> int:
    """Check every record of a .jsonl file, or a whole .json file; return how many were valid."""
    if path.suffix.lower() == ".jsonl":
        from .formats.jsonl import read

        name = schema_name or "record"
        problems: list[InputError] = []
        count = 0
        for item in read(path):
            found = [item] if isinstance(item, InputError) else check(name, item.record, item.file, item.line)
            problems += found
            count += not found
        if problems:
            raise InputErrors(problems)
        return count
    name = schema_name or "labelset"
    problems = check(name, load_json(path), str(path), None)
    if problems:
        raise InputErrors(problems)
    return 1
