"""Plain-text articles: one file, one article, titled by its first non-empty line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import Incoming, decode, read_bytes

READ_OPTIONS = ("name",)


def read(path: Path, *, encoding: str = "utf-8", name: str | None = None) -> Iterator[Incoming]:
    """The file as one article; `name` (its path inside the folder imported) gives its id and source."""
    name = name or path.name
    text = decode(read_bytes(path, encoding), str(path), encoding)
    yield Incoming({"id": article_id(name), "text": text, "source": name}, str(path), None)


def article_id(name: str) -> str:
    """A file's path inside the folder imported, without the extension: `a/doc.txt` is `a/doc`."""
    folder, _, file = name.rpartition("/")
    stem = file.rsplit(".", 1)[0] if "." in file[1:] else file
    return f"{folder}/{stem}" if folder else stem
