"""Readers and writers for each file format; all meet at the canonical record (schemas/record.schema.json)."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UserError
from ..model import RelationType


@dataclass
class Incoming:
    """One canonical record read from a file, with where it came from."""

    record: dict
    file: str
    line: int | None = None
    labels: tuple[str, ...] = ()  # labels the source declares (brat's annotation.conf, a Label Studio config)
    relation_types: tuple[RelationType, ...] = ()  # relation types it declares (brat's annotation.conf, a Label Studio config)
    notes: tuple[str, ...] = ()  # what the reader wants the user told (spans re-anchored, discontinuous spans)
    tallies: tuple[tuple[str, str, int], ...] = ()  # (noun, what of it, how many): summed per file in the report
    offset: int | None = None  # bytes of the file read so far, for progress within a large file


def read_bytes(path: Path, encoding: str = "utf-8") -> bytes:
    """The file's bytes, refusing empty and binary files with a one-line error."""
    check_text_file(path, encoding)
    return path.read_bytes()


def check_regular_file(path: Path) -> None:
    """Refuse what is not a regular file (a FIFO or a device would block or never end) before opening it."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise InputError(str(path), None, "", e.strerror or str(e)) from None
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise InputError(str(path), None, "", f"{kind}; name a regular file")


def is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32, whose text holds NUL bytes and whose lines do not end at the byte 0x0A."""
    return encoding.lower().replace("_", "-").replace("-", "").startswith(("utf16", "utf32"))


def check_text_file(path: Path, encoding: str = "utf-8") -> None:
    """Refuse an unreadable, empty or binary file, reading only its first block."""
    check_regular_file(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
            more = bool(handle.read(1))
    except OSError as e:
        raise InputError(str(path), None, "", e.strerror or str(e)) from None
    if not head.strip() and not more:
        raise InputError(str(path), None, "", "empty file")
    if b"\x00" in head[:8192] and not is_wide(encoding):
        raise InputError(str(path), None, "", "binary file (it holds NUL bytes), not text; "
                                              "for UTF-16 or UTF-32 name it with --encoding")


class JSONProblem(ValueError):
    """JSON that parses but that we refuse: a key given twice, or nesting too deep to read."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JSONProblem(f"key {json.dumps(key, ensure_ascii=False)[:40]} appears twice in one object")
            seen.add(key)
    return result


_decode_json = json.JSONDecoder(object_pairs_hook=_unique_keys).decode
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str):
    """Parse JSON refusing duplicate keys, nesting too deep to read and lone surrogates (JSONProblem)."""
    try:
        data = _decode_json(text)
    except RecursionError:
        raise JSONProblem("nested too deeply to read") from None
    if _SURROGATE_ESCAPE.search(text):  # rare: only then walk the data
        where = _lone_surrogate(data, "$")
        if where:
            raise JSONProblem(f"{where}: holds a lone surrogate (half of a UTF-16 pair), which is not text")
    return data


def _lone_surrogate(value, path: str) -> str | None:
    """The path of the first string (or key) holding a lone surrogate, or None."""
    stack = [(value, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return path
                stack.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def decode(data: bytes, file: str, encoding: str = "utf-8", line_base: int | None = None, *, keep_bom: bool = False) -> str:
    """Decode exactly (BOM removed unless kept, line breaks untouched); a bad byte is named by offset and line."""
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    codec = "utf-8-sig" if utf8 and not keep_bom else "utf-8" if utf8 else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1 + (line_base - 1 if line_base else 0)
        raise InputError(
            file, line, "", f"byte {e.start}: not valid {encoding} ({e.reason}); name the file's encoding with --encoding"
        ) from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}") from None
