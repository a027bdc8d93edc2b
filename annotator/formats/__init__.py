"""Readers and writers for each file format; all meet at the canonical record (schemas/record.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UserError


@dataclass
class Incoming:
    """One canonical record read from a file, with where it came from."""

    record: dict
    file: str
    line: int | None = None
    labels: tuple[str, ...] = ()  # labels the source declares (brat's annotation.conf, a Label Studio config)
    notes: tuple[str, ...] = ()  # what the reader wants the user told (spans re-anchored, relations not imported)
    offset: int | None = None  # bytes of the file read so far, for progress within a large file


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing empty and binary files with a one-line error."""
    check_text_file(path)
    return path.read_bytes()


def check_text_file(path: Path) -> None:
    """Refuse an unreadable, empty or binary file, reading only its first block."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
            more = bool(handle.read(1))
    except OSError as e:
        raise InputError(str(path), None, "", e.strerror or str(e)) from None
    if not head.strip() and not more:
        raise InputError(str(path), None, "", "empty file")
    if b"\x00" in head[:8192]:
        raise InputError(str(path), None, "", "binary file (it holds NUL bytes), not text")


def decode(data: bytes, file: str, encoding: str = "utf-8", line_base: int | None = None) -> str:
    """Decode exactly (BOM removed, line breaks untouched); a bad byte is named by offset and line."""
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1 + (line_base - 1 if line_base else 0)
        raise InputError(
            file, line, "", f"byte {e.start}: not valid {encoding} ({e.reason}); name the file's encoding with --encoding"
        ) from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}") from None
