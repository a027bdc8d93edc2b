"""brat standoff: DOC.txt + DOC.ann per article and annotation.conf (with visual.conf) in the folder; read back too.

Offsets are code points, as ours. A span crossing a line break is written as fragments (`T1<TAB>LOC 0 5;6 11`),
which is how brat holds it (also at U+2028, U+0085 and the other breaks of str.splitlines(), which brat's
reading splits at); notes are `#` AnnotatorNotes lines; the annotator is an `Annotator` attribute (with
whitespace, |, , and % written as %XX).
Attributes (`A1<TAB>Negation T1`, `A2<TAB>Certainty T1 High`) are the span's attributes both ways (values as
the annotator's); relations are `R1<TAB>CLAIMED_BY Arg1:T1 Arg2:T2` both ways, their types in annotation.conf's
[relations] (with `<OVERLAP>` allowing spans to nest, cross and coincide, as ours do). Reading keeps discontinuous spans as one span over their extent (and says so), every note of a
span (one a line), relations (`R1<TAB>CLAIMED_BY Arg1:T1 Arg2:T2`) as relations from Arg1 to Arg2, and reports
events, normalizations and notes or attributes of anything but a span.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import InputError
from ..model import Article, Relation, RelationType, Span
from . import Incoming, check_regular_file, decode
from .txt import article_id as name_to_id
from .writing import Batch, FormatWriter, Report, Settings

SUFFIXES = (".ann",)
READ_OPTIONS = ("name",)
_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")  # where str.splitlines() splits
_TEXTBOUND = re.compile(r"(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_NOTE = re.compile(r"#\S*\t\S+ (?P<target>T\S*)\t(?P<note>.*)")
_ATTRIBUTE = re.compile(r"[AM]\S*\t(?P<name>\S+) (?P<target>T\S*)(?: (?P<value>.+))?")
_RELATION = re.compile(r"(R\S*)\t(\S+) Arg1:(\S+) Arg2:(\S+)\s*")
_SAFE_NAME = re.compile(r"[^\w.-]+")
# brat refuses spans that nest, cross or coincide unless its configuration allows it; ours may do all three
OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"
_UNSAFE_VALUE = re.compile(r"[\s|,%]")


@cache
def _has_space(label: str) -> bool:
    return re.search(r"\s", label) is not None


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at line breaks (every one str.splitlines() knows) into the pieces brat can show."""
    if not _BREAKS.search(text, start, end):
        return [(start, end)]
    out, position = [], start
    for match in _BREAKS.finditer(text, start, end):
        if match.start() > position:
            out.append((position, match.start()))
        position = match.end()
    if end > position:
        out.append((position, end))
    return out


class Writer(FormatWriter):
    """DOC.txt and DOC.ann for each article in one folder; annotation.conf and visual.conf on close."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.spaced = {name for name in settings.label_names if _has_space(name)}

    def format(self, batch: Batch, report: Report) -> list[tuple[str, str, bytes, bytes, set[str], dict]]:
        """(id, text SHA-256, .txt bytes, .ann bytes, annotator values, {attribute: its values}) of each article."""
        return [self._article(article, spans, relations, report) for article, spans, relations in batch]

    def _article(self, article: Article, spans: list[Span], relations: list[Relation], report: Report):
        text = article.text
        lines, n, a, annotators = [], 0, 0, set()
        attributes: dict[str, set[str]] = {}  # attribute name -> its values (none: a binary attribute)
        written: dict[int | None, int] = {}  # span id -> its T number
        for span in spans:
            start, end, label = span.start, span.end, span.label
            if label not in self.spaced and not _BREAKS.search(text, start, end):
                n += 1
                lines.append(f"T{n}\t{label} {start} {end}\t{span.text}\n")
                written[span.id] = n
            else:
                parts = fragments(text, start, end)
                if not parts or label in self.spaced:
                    why = "only line breaks, which brat cannot hold" if not parts else "label holds whitespace, which brat types cannot"
                    report.drop(article, span, why)
                    continue
                if (parts[0][0], parts[-1][1]) != (start, end):
                    report.move(1, "began or ended with a line break, which brat leaves out")
                n += 1
                offsets = ";".join(f"{a} {b}" for a, b in parts)
                lines.append(f"T{n}\t{label} {offsets}\t{' '.join(text[a:b] for a, b in parts)}\n")
            written[span.id] = n
            if span.note:
                lines.append(f"#{n}\tAnnotatorNotes T{n}\t{' '.join(span.note.splitlines())}\n")
            if span.annotator:
                value = annotator_value(span.annotator)
                a += 1
                lines.append(f"A{a}\tAnnotator T{n} {value}\n")
                annotators.add(value)
            for name, given in span.attributes:
                if name == "Annotator" or _UNSAFE_VALUE.search(name):
                    report.move(1, "written without an attribute whose name brat cannot hold (whitespace, '|' or ',')")
                    continue
                a += 1
                shown = annotator_value(given) if isinstance(given, str) else None
                lines.append(f"A{a}\t{name} T{n}{'' if shown is None else ' ' + shown}\n")
                attributes.setdefault(name, set()).update(() if shown is None else (shown,))
        kept = report.linked(relations, (span for span in spans if span.id in written))
        lines += [f"R{k}\t{r.type} Arg1:T{written[r.from_id]} Arg2:T{written[r.to_id]}\n" for k, r in enumerate(kept, 1)]
        return article.id, article.text_sha256, text.encode(), "".join(lines).encode(), annotators, attributes

    def open(self, path: Path) -> None:
        self.folder = path
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = f"{self.folder}{os.sep}"
        self.names: set[str] = set()
        self.annotators: set[str] = set()
        self.attributes: dict[str, set[str]] = {}  # attribute name -> its values (none: a binary attribute)

    def write(self, piece) -> None:
        for article_id, sha, txt, ann, annotators, attributes in piece:
            path = self.prefix + self._name(article_id, sha)
            _write_new(path + ".txt", txt)
            _write_new(path + ".ann", ann)
            self.annotators |= annotators
            for name, values in attributes.items():
                self.attributes.setdefault(name, set()).update(values)

    def _name(self, article_id: str, sha: str) -> str:
        """A file name from the article id, unique in the folder (also on case-insensitive file systems)."""
        name = _plain_name(article_id)
        if name.lower() in self.names:
            name = f"{name}-{sha[:12]}"
        self.names.add(name.lower())
        return name

    def close(self) -> None:
        if not hasattr(self, "folder"):
            return
        entities = "\n".join(self.settings.label_names)
        values = "|".join(sorted(self.annotators))
        attributes = f"Annotator\tArg:<ENTITY>, Value:{values}\n" if values else ""
        for name, kinds in sorted(self.attributes.items()):
            attributes += f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(kinds))}" if kinds else "") + "\n"
        relations = "".join(f"{t.name}\tArg1:{'|'.join(t.from_labels)}, Arg2:{'|'.join(t.to_labels)}\n"
                            for t in self.settings.relation_types) + OVERLAP
        (self.folder / "annotation.conf").write_text(
            f"[entities]\n{entities}\n\n[relations]\n{relations}\n[events]\n\n[attributes]\n{attributes}", encoding="utf-8"
        )
        colors = "\n".join(f"{label.name}\tbgColor:{label.color}" for label in self.settings.labels)
        colors += "".join(f"\n{t.name}\tcolor:{t.color}" for t in self.settings.relation_types)
        (self.folder / "visual.conf").write_text(f"[labels]\n\n[drawing]\n{colors}\n", encoding="utf-8")


def annotator_value(name: str) -> str:
    """An annotator's name as a brat attribute value, which cannot hold whitespace, | or ,: those (and %)
    written as %XX, as in a URL, so that `annotator_name` gives the name back exactly."""
    return _UNSAFE_VALUE.sub(lambda m: quote(m.group(), safe=""), name)


def annotator_name(value: str) -> str:
    """The annotator's name an `Annotator` attribute value holds (see annotator_value)."""
    return unquote(value) if "%" in value else value


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
def declared(folder: Path) -> tuple[tuple[str, ...], tuple[RelationType, ...]]:
    """The entity types and the relation types (`NAME<TAB>Arg1:A|B, Arg2:C`, `<ENTITY>` or `<ANY>` standing for
    every entity type; a type on several lines allows every label any of them names at each end) of the nearest
    annotation.conf, in `folder` or above it, as brat finds it."""
    for place in [folder, *folder.parents]:
        conf = place / "annotation.conf"
        if conf.is_file():
            sections: dict[str, list[str]] = {}
            section = None
            for line in conf.read_text("utf-8", errors="replace").splitlines():
                stripped = line.strip()
                if stripped.startswith("[") and stripped.endswith("]"):
                    section = stripped[1:-1].strip().lower()
                elif section and stripped and not stripped.startswith(("#", "<")):
                    sections.setdefault(section, []).append(stripped)
            names = tuple(n for n in (line.split()[0].split("|")[0] for line in sections.get("entities", ()))
                          if not n.startswith("!"))
            kinds: dict[str, RelationType] = {}
            for kind in filter(None, (_relation_type(line, names) for line in sections.get("relations", ()))):
                known = kinds.get(kind.name)  # a type on several lines allows the labels of them all
                kinds[kind.name] = kind if known is None else RelationType(
                    kind.name, tuple(dict.fromkeys(known.from_labels + kind.from_labels)),
                    tuple(dict.fromkeys(known.to_labels + kind.to_labels)))
            return names, tuple(kinds.values())
    return (), ()


def _relation_type(line: str, entities: tuple[str, ...]) -> RelationType | None:
    """A [relations] line of annotation.conf as a relation type, or None when it has no Arg1 and Arg2 types."""
    name, _, rest = line.partition("\t") if "\t" in line else line.partition(" ")
    ends: dict[str, tuple[str, ...]] = {}
    for argument in rest.split(","):
        key, _, types = argument.strip().partition(":")
        found = [entities if kind in ("<ENTITY>", "<ANY>") else (kind,) for kind in types.split("|") if kind]
        ends[key] = tuple(dict.fromkeys(n for group in found for n in group if not n.startswith("<")))
    name = name.split("|")[0].lstrip("!")
    if not (ends.get("Arg1") and ends.get("Arg2")) or not name:
        return None
    return RelationType(name, ends["Arg1"], ends["Arg2"])


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
    relations = _relations(spans, lines, file, problems)
    yield from problems
    if problems:
        return
    skipped = _notes_and_attributes(spans, lines)
    if skipped:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        notes.append(f"{file}: not imported: {counts} (only text-bound annotations, their notes and attributes are read)")
    name = name or ann.name
    for relation in relations:
        for end in ("from", "to"):
            spans[relation[end]]["id"] = relation[end]
    record = {"id": name_to_id(name), "text": text, "source": name[: -len(ann.suffix)] + txt.suffix,
              "spans": list(spans.values())}
    if relations:
        record["relations"] = relations
    labels, relation_types = declared(ann.parent.resolve())
    yield Incoming(record, file, None, labels=labels, relation_types=relation_types, notes=tuple(notes))


def _parsed(lines: list[tuple[int, str]], pattern: re.Pattern, shape: str, file: str, problems: list[InputError]):
    """The line number and fields of each line of the kind `shape` starts with; a line of that kind that does not
    match `pattern` is added to `problems`."""
    for number, line in lines:
        if line[0] != shape[0]:
            continue
        found = pattern.fullmatch(line)
        if found:
            yield number, found.groups()
        else:
            problems.append(InputError(file, number, f"$.{shape[0]}", f"expected {shape!r}, found {line[:60]!r}",
                                       record_line=None))


def _textbounds(text: str, lines: list[tuple[int, str]], file: str) -> tuple[dict[str, dict], list[str], list[InputError]]:
    """The spans of the T lines by id, notes on discontinuous ones, and the problems of those that do not fit."""
    spans: dict[str, dict] = {}
    notes: list[str] = []
    problems: list[InputError] = []
    for number, (ident, label, offsets, quoted) in _parsed(lines, _TEXTBOUND, "T1<TAB>TYPE START END<TAB>TEXT",
                                                             file, problems):
        parts = [(int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))]
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


def _relations(spans: dict[str, dict], lines: list[tuple[int, str]], file: str, problems: list[InputError]) -> list[dict]:
    """The R lines as relations naming their spans by T id; a line that is not one, or names a T line there is not,
    is added to `problems`."""
    relations = []
    for number, (ident, kind, head, tail) in _parsed(lines, _RELATION, "R1<TAB>TYPE Arg1:T1 Arg2:T2", file, problems):
        missing = [f"{arg}:{target}" for arg, target in (("Arg1", head), ("Arg2", tail)) if target not in spans]
        if missing:
            problems.append(InputError(file, number, f"$.{ident}", f"no text-bound annotation {' or '.join(missing)}",
                                       record_line=None))
            continue
        relations.append({"type": kind, "from": head, "to": tail})
    return relations


_KINDS = {"E": "events", "*": "equivalences", "N": "normalizations", "A": "attributes of events",
          "M": "attributes of events", "#": "notes on events or relations"}


def _notes_and_attributes(spans: dict[str, dict], lines: list[tuple[int, str]]) -> Counter:
    """Put notes, attributes and the Annotator attribute on their spans; return what was not read."""
    skipped: Counter = Counter()
    for _, line in lines:
        kind = line[0]
        if kind in "TR":
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
            span["annotator"] = annotator_name(found["value"])
        elif found["name"] in span.setdefault("attributes", {}):
            skipped[f"repeated attributes of {found['target']}"] += 1
        else:
            span["attributes"][found["name"]] = annotator_name(found["value"]) if found["value"] is not None else True
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
