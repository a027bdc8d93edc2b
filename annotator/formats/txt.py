"""Plain-text articles: one file, one article, titled by its first non-empty line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import Incoming, decode, read_bytes


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming]:
    text = decode(read_bytes(path), str(path), encoding)
    yield Incoming({"id": path.stem, "text": text, "source": path.name}, str(path), None)
