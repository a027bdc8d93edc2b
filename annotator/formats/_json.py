"""JSON documents read whole but reported by line: the elements of an array with the line each starts on."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputError
from . import JSONProblem, _unique_keys, decode, loads, read_bytes

_SEPARATOR = re.compile(r"[\s,]*")


def load(path: Path, encoding: str = "utf-8") -> tuple[str, object]:
    """The file's text and its parsed JSON, or a one-line error naming the line."""
    text = decode(read_bytes(path, encoding), str(path), encoding)
    return text, parse(text, str(path))


def parse(text: str, file: str, line: int | None = None):
    """Parsed JSON, or a one-line error naming the line (`line` is where `text` starts in its file)."""
    try:
        return loads(text)
    except json.JSONDecodeError as e:
        raise InputError(file, e.lineno + (line or 1) - 1, "", f"malformed JSON at column {e.colno}: {e.msg}") from None
    except JSONProblem as e:
        raise InputError(file, line or _element_line(text), "", str(e)) from None


def _skip(text: str, position: int) -> int:
    """Where the next element begins after `position`, past spaces and commas."""
    return _SEPARATOR.match(text, position).end()  # type: ignore[union-attr]  # [\s,]* matches anywhere


def _element_line(text: str) -> int | None:
    """The line where the top-level array's first element holding a duplicate key or too deep a nesting starts."""
    position = _skip(text, 0)
    if not text.startswith("[", position):
        return None
    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys)
    position += 1
    while True:
        begin = _skip(text, position)
        try:
            _, position = decoder.raw_decode(text, begin)
        except (JSONProblem, RecursionError):
            return text.count("\n", 0, begin) + 1
        except ValueError:  # the end of the array: the problem is elsewhere
            return None


def array_lines(text: str, start: int, count: int) -> list[int | None]:
    """The line each of an array's `count` elements starts on, the array opening at text[start] == "["."""
    decoder = json.JSONDecoder()
    lines: list[int | None] = []
    position, line = start + 1, text.count("\n", 0, start + 1) + 1
    for _ in range(count):
        begin = _skip(text, position)
        line += text.count("\n", position, begin)
        lines.append(line)
        _, position = decoder.raw_decode(text, begin)
        line += text.count("\n", begin, position)
    return lines


def items(text: str, data: object, key: str = "items") -> tuple[list, list[int | None]]:
    """The elements of a top-level array, or of the object's `key` array (one object counts as one element)."""
    if isinstance(data, list):
        return data, array_lines(text, text.index("["), len(data))
    if isinstance(data, dict) and isinstance(data.get(key), list):
        lines: list[int | None]
        found = re.search(rf'"{key}"\s*:\s*\[', text)
        try:
            lines = array_lines(text, found.end() - 1, len(data[key])) if found else [None] * len(data[key])
        except (ValueError, json.JSONDecodeError):
            lines = [None] * len(data[key])
        return data[key], lines
    return [data], [1]
