"""brat standoff: DOC.txt + DOC.ann per article and annotation.conf (with visual.conf) in the folder; read back too.

Offsets are code points, as ours. A span crossing a line break is written as fragments (`T1<TAB>LOC 0 5;6 11`),
which is how brat holds it; notes are `#` AnnotatorNotes lines; the annotator is an `Annotator` attribute.
Attributes (`A1<TAB>Negation T1`, `A2<TAB>Certainty T1 High`) are the span's attributes both ways.
Reading keeps discontinuous spans as one span over their extent (and says so), every note of a span (one a line),
and reports relations, events, normalizations and notes or attributes of anything but a span as not imported.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..model import Article, Span
from . import Incoming, check_regular_file, decode
from .txt import article_id

SUFFIXES = (".ann",)
READ_OPTIONS = ("name",)
_BREAKS = re.compile(r"[\r\n]+")
_TEXTBOUND = re.compile(r"(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_NOTE = re.compile(r"#\S*\t\S+ (?P<target>T\S*)\t(?P<note>.*)")
_ATTRIBUTE = re.compile(r"[AM]\S*\t(?P<name>\S+) (?P<target>T\S*)(?: (?P<value>.+))?")
_SAFE_NAME = re.compile(r"[^\w.-]+")


@cache
def _has_space(label: str) -> bool:
    return re.search(r"\s", label) is not None


@cache
def _fits_attribute(value: str) -> bool:
    """brat attribute values cannot hold whitespace, | or ,."""
    return re.search(r"[\s|,]", value) is None


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks into the pieces brat can show."""
    if text.find("\n", start, end) < 0 and text.find("\r", start, end) < 0:
        return [(start, end)]
    out, position = [], start
    for match in _BREAKS.finditer(text, start, end):
        if match.start() > position:
            out.append((position, match.start()))
        position = match.end()
    if end > position:
        out.append((position, end))
    return out


class Writer:
    """DOC.txt and DOC.ann for each article in one folder; annotation.conf and visual.conf on close."""

    def __init__(self, path: Path, ctx):
        self.folder, self.ctx = path, ctx
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = f"{self.folder}{os.sep}"
        self.names: set[str] = set()
        self.annotators: set[str] = set()
        self.attributes: dict[str, set[str]] = {}  # attribute name -> its values (none: a binary attribute)
        self.spaced = {name for name in ctx.label_names if _has_space(name)}

    def add(self, article: Article, spans: list[Span]) -> None:
        text = article.text
        lines, n, a = [], 0, 0
        for span in spans:
            start, end, label = span.start, span.end, span.label
            if text.find("\n", start, end) < 0 and text.find("\r", start, end) < 0 and label not in self.spaced:
                n += 1
                lines.append(f"T{n}\t{label} {start} {end}\t{span.text}\n")
            else:
                parts = fragments(text, start, end)
                if not parts or label in self.spaced:
                    why = "only line breaks, which brat cannot hold" if not parts else "label holds whitespace, which brat types cannot"
                    self.ctx.drop(article, span, why)
                    continue
                if (parts[0][0], parts[-1][1]) != (start, end):
                    self.ctx.moved(1, "began or ended with a line break, which brat leaves out")
                n += 1
                offsets = ";".join(f"{a} {b}" for a, b in parts)
                lines.append(f"T{n}\t{label} {offsets}\t{' '.join(text[a:b] for a, b in parts)}\n")
            if span.note:
                lines.append(f"#{n}\tAnnotatorNotes T{n}\t{' '.join(span.note.splitlines())}\n")
            if span.annotator and _fits_attribute(span.annotator):
                a += 1
                lines.append(f"A{a}\tAnnotator T{n} {span.annotator}\n")
                self.annotators.add(span.annotator)
            for name, value in span.attributes:
                if name == "Annotator" or not _fits_attribute(name) or not (value is True or _fits_attribute(value)):
                    self.ctx.moved(1, "written without an attribute brat cannot hold (whitespace, '|' or ',')")
                    continue
                a += 1
                lines.append(f"A{a}\t{name} T{n}{'' if value is True else ' ' + value}\n")
                self.attributes.setdefault(name, set()).update(() if value is True else (value,))
        path = self.prefix + self._name(article)
        _write_new(path + ".txt", text.encode())
        _write_new(path + ".ann", "".join(lines).encode())

    def reserve(self, article_id: str) -> None:
        """Keep the file name of an article another process writes into this folder."""
        self.names.add(_plain_name(article_id).lower())

    def handoff(self) -> dict:
        """What another process's writer needs to know to close the folder for both (see take)."""
        return {"annotators": sorted(self.annotators), "attributes": {k: sorted(v) for k, v in self.attributes.items()}}

    def take(self, state: dict) -> None:
        self.annotators.update(state["annotators"])
        for name, values in state["attributes"].items():
            self.attributes.setdefault(name, set()).update(values)

    def _name(self, article: Article) -> str:
        """A file name from the article id, unique in the folder (also on case-insensitive file systems)."""
        name = _plain_name(article.id)
        if name.lower() in self.names:
            name = f"{name}-{article.text_sha256[:12]}"
        self.names.add(name.lower())
        return name

    def close(self) -> None:
        entities = "\n".join(self.ctx.label_names)
        values = "|".join(sorted(self.annotators))
        attributes = f"Annotator\tArg:<ENTITY>, Value:{values}\n" if values else ""
        for name, kinds in sorted(self.attributes.items()):
            attributes += f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(kinds))}" if kinds else "") + "\n"
        (self.folder / "annotation.conf").write_text(
            f"[entities]\n{entities}\n\n[relations]\n\n[events]\n\n[attributes]\n{attributes}", encoding="utf-8"
        )
        colors = "\n".join(f"{label.name}\tbgColor:{label.color}" for label in self.ctx.labels)
        (self.folder / "visual.conf").write_text(f"[labels]\n\n[drawing]\n{colors}\n", encoding="utf-8")


def _plain_name(article_id: str) -> str:
    return _SAFE_NAME.sub("_", article_id)[:100].strip("._") or "article"


def _write_new(path: str, data: bytes) -> None:
    """Write a file that must not exist yet (two processes may share the folder)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


@cache
def declared_labels(folder: Path) -> tuple[str, ...]:
    """The entity types of the nearest annotation.conf, in `folder` or above it, as brat finds it."""
    for place in [folder, *folder.parents]:
        conf = place / "annotation.conf"
        if conf.is_file():
            section, names = None, []
            for line in conf.read_text("utf-8", errors="replace").splitlines():
                stripped = line.strip()
                if stripped.startswith("[") and stripped.endswith("]"):
                    section = stripped[1:-1].strip().lower()
                elif section == "entities" and stripped and not stripped.startswith("#"):
                    name = stripped.split()[0]
                    if not name.startswith(("!", "<")):
                        names.append(name)
            return tuple(names)
    return ()


def read(path: Path, *, encoding: str = "utf-8", name: str | None = None) -> Iterator[Incoming | InputError]:
    """One article from DOC.txt with the spans of DOC.ann beside it (either file may be named).

    The .ann lines may come in any order (brat's do): text-bound annotations are read first, then the
    notes and attributes that point at them. A byte-order mark in DOC.txt is kept: brat counts it as character 0.
    """
    ann, txt = path.with_suffix(".ann"), path.with_suffix(".txt")
    file = str(ann)
    check_regular_file(txt)
    try:
        data = txt.read_bytes()
    except OSError as e:
        raise InputError(str(txt), None, "", e.strerror or str(e)) from None
    if not data:  # whitespace alone is a text here: brat keeps it
        raise InputError(str(txt), None, "", "empty file")
    text = decode(data, str(txt), encoding, keep_bom=True)
    if not ann.is_file():
        yield InputError(file, None, "", f"no {ann.name} beside {txt.name}")
        return
    check_regular_file(ann)
    data = ann.read_bytes()
    lines = [(number, line.rstrip("\r")) for number, line in enumerate(
        decode(data, file, encoding).split("\n") if data.strip() else [], start=1) if line.strip()]
    spans, notes, problems = _textbounds(text, lines, file)
    yield from problems
    if problems:
        return
    skipped = _notes_and_attributes(spans, lines)
    if skipped:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        notes.append(f"{file}: not imported: {counts} (only text-bound annotations, their notes and attributes are read)")
    name = name or ann.name
    record = {"id": article_id(name), "text": text, "source": name[: -len(ann.suffix)] + txt.suffix,
              "spans": list(spans.values())}
    yield Incoming(record, file, None, labels=declared_labels(ann.parent.resolve()), notes=tuple(notes))


def _textbounds(text: str, lines: list[tuple[int, str]], file: str) -> tuple[dict[str, dict], list[str], list[InputError]]:
    """The spans of the T lines by id, notes on discontinuous ones, and the problems of those that do not fit."""
    spans: dict[str, dict] = {}
    notes, problems = [], []
    for number, line in lines:
        if line[0] != "T":
            continue
        found = _TEXTBOUND.fullmatch(line)
        if not found:
            problems.append(InputError(file, number, "$.T", f"expected 'T1<TAB>TYPE START END<TAB>TEXT', found {line[:60]!r}",
                                       record_line=None))
            continue
        ident, label, offsets, quoted = found.groups()
        parts = [tuple(map(int, part.split())) for part in offsets.split(";")]
        problem = _check(text, parts, quoted)
        if problem:
            problems.append(InputError(file, number, f"$.{ident}", problem, record_line=None))
            continue
        parts.sort()
        start, end = parts[0][0], parts[-1][1]
        spans[ident] = {"start": start, "end": end, "label": label, "text": text[start:end]}
        if any(_BREAKS.sub("", text[a:b]) for (_, a), (b, _) in zip(parts, parts[1:], strict=False)):
            notes.append(f"{file}:{number}: {ident} is discontinuous; imported as one span over [{start}, {end})")
    return spans, notes, problems


_KINDS = {"R": "relations", "E": "events", "*": "equivalences", "N": "normalizations", "A": "attributes of events",
          "M": "attributes of events", "#": "notes on events or relations"}


def _notes_and_attributes(spans: dict[str, dict], lines: list[tuple[int, str]]) -> Counter:
    """Put notes, attributes and the Annotator attribute on their spans; return what was not read."""
    skipped: Counter = Counter()
    for _, line in lines:
        kind = line[0]
        if kind == "T":
            continue
        pattern = _NOTE if kind == "#" else _ATTRIBUTE if kind in "AM" else None
        found = pattern.fullmatch(line) if pattern else None
        if found is None:
            skipped[_KINDS.get(kind, f"{kind!r} lines")] += 1
            continue
        span = spans.get(found["target"])
        if span is None:
            skipped[f"notes or attributes of missing {found['target']}"] += 1
        elif kind == "#":
            span["note"] = f"{span['note']}\n{found['note']}" if span.get("note") else found["note"]  # keep every note
        elif found["name"] == "Annotator" and found["value"]:
            span["annotator"] = found["value"]
        elif found["name"] in span.setdefault("attributes", {}):
            skipped[f"repeated attributes of {found['target']}"] += 1
        else:
            span["attributes"][found["name"]] = found["value"] if found["value"] is not None else True
    return skipped


def _check(text: str, parts: list[tuple[int, int]], quoted: str) -> str | None:
    """Why a T line's fragments do not fit the text, or None."""
    for start, end in parts:
        if end > len(text):
            return f"end {end} is past the end of the text ({len(text)})"
        if end <= start:
            return f"end {end} is not after start {start}"
    actual = " ".join(text[a:b] for a, b in parts)
    if actual != quoted:
        return f"{quoted[:40]!r} differs from the text at {parts[0][0]}-{parts[-1][1]}: {actual[:40]!r}"
    return None
