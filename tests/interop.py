"""How the real consumers read our exports, for the tests: brat's reading of a standoff folder."""

from __future__ import annotations

import re
from pathlib import Path

# brat's server (annotation.py) reads a .ann file with codecs' readlines(), which splits where
# str.splitlines() does, and parses each line by its first character as below; a text-bound
# annotation's text must equal the document's text at its fragments, joined by single spaces.
_T = re.compile(r"T\S+\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)")
_A = re.compile(r"A\S+\t(\S+) (T\S+)(?: (\S+))?")
_NOTE = re.compile(r"#\S*\tAnnotatorNotes (T\S+)\t(.*)")
_R = re.compile(r"R\S+\t(\S+) Arg1:(T\S+) Arg2:(T\S+)")


def brat_problems(folder: Path) -> list[str]:
    """Every line of every .ann under `folder` that brat would refuse, as `file:line: why`."""
    problems = []
    for ann in sorted(folder.rglob("*.ann")):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")  # as codecs.open reads it: no newline translation
        values = _attribute_values(ann.parent / "annotation.conf")
        entities = set(_section(ann.parent / "annotation.conf", "entities"))
        relations = relation_config(ann.parent / "annotation.conf")
        ids: dict[str, str] = {}  # T id -> its type
        for number, line in enumerate(ann.read_bytes().decode("utf-8").splitlines(), 1):
            where = f"{ann.name}:{number}"
            if not line.strip():
                continue
            if line[0] == "T":
                found = _T.fullmatch(line)
                if not found:
                    problems.append(f"{where}: not a text-bound line: {line!r}")
                    continue
                label, offsets, quoted = found.groups()
                parts = [tuple(map(int, p.split())) for p in offsets.split(";")]
                if " ".join(text[a:b] for a, b in parts) != quoted:
                    problems.append(f"{where}: text {quoted!r} is not the document's at {offsets}")
                if label not in entities:
                    problems.append(f"{where}: type {label!r} not in annotation.conf")
                ids[line.split("\t")[0]] = label
            elif line[0] == "A":
                found = _A.fullmatch(line)
                if not found or found.group(2) not in ids or (found.group(3) and found.group(3) not in values.get(
                        found.group(1), ())):
                    problems.append(f"{where}: attribute brat cannot read: {line!r}")
            elif line[0] == "#":
                found = _NOTE.fullmatch(line)
                if not found or found.group(1) not in ids:
                    problems.append(f"{where}: note brat cannot read: {line!r}")
            elif line[0] == "R":
                found = _R.fullmatch(line)
                if not found or found.group(2) not in ids or found.group(3) not in ids or found.group(2) == found.group(3):
                    problems.append(f"{where}: relation brat cannot read: {line!r}")
                elif (ids[found.group(2)], ids[found.group(3)]) not in relations.get(found.group(1), set()):
                    problems.append(f"{where}: annotation.conf allows no {found.group(1)} from {ids[found.group(2)]} "
                                    f"to {ids[found.group(3)]}")
            else:
                problems.append(f"{where}: unknown line {line!r}")
        problems += _overlaps(ann, OVERLAP_ANY in _section(ann.parent / "annotation.conf", "relations"))
    return problems


def _overlaps(ann: Path, allowed: bool) -> list[str]:
    """A problem for the first two text-bound annotations whose extents overlap, unless annotation.conf allows it."""
    extents = sorted((int(found.group(2).split()[0]), int(found.group(2).split()[-1]))
                     for found in map(_T.fullmatch, ann.read_text("utf-8").splitlines()) if found)
    for (_, end), (start, _) in zip(extents, extents[1:], strict=False):
        if start < end and not allowed:
            return [f"{ann.name}: overlapping text-bound annotations, and annotation.conf has no {OVERLAP_ANY!r}"]
    return []


# brat refuses text-bound annotations that nest, cross or coincide unless [relations] allows it, as this line does
OVERLAP_ANY = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


def relation_config(conf: Path) -> dict[str, set[tuple[str, str]]]:
    """The [relations] of annotation.conf as brat's projectconfig reads them: a line is a type, then (after
    whitespace) arguments split at ",", each `KEY:TYPES` with TYPES split at "|" (none empty); a relation has
    exactly two arguments. Raises ValueError where brat would refuse the configuration."""
    allowed: dict[str, set[tuple[str, str]]] = {}
    for line in _section(conf, "relations"):
        found = re.match(r"^(\S+)(?:\s+(.*))?$", line)
        if line == OVERLAP_ANY:
            continue
        if not found or not re.fullmatch(r"[a-zA-Z0-9_-]+", found.group(1).split("|")[0]):
            raise ValueError(f"not a term brat stores as it is: {line!r}")
        args = [a.strip() for a in (found.group(2) or "").split(",") if a.strip()]
        parsed = {}
        for argument in args:
            key_types = re.match(r"^(\S*?):(\S*)$", argument)
            if not key_types or any(not t.strip() for t in key_types.group(2).split("|")):
                raise ValueError(f"argument brat cannot parse: {argument!r} in {line!r}")
            parsed[key_types.group(1)] = key_types.group(2).split("|")
        if list(parsed) != ["Arg1", "Arg2"]:
            raise ValueError(f"a relation needs exactly Arg1 and Arg2: {line!r}")
        allowed.setdefault(found.group(1), set()).update((a, b) for a in parsed["Arg1"] for b in parsed["Arg2"])
    return allowed


def _section(conf: Path, name: str) -> list[str]:
    section, lines = None, []
    for line in conf.read_text("utf-8").splitlines():
        if line.startswith("[") and line.strip().endswith("]"):
            section = line.strip()[1:-1]
        elif section == name and line.strip():
            lines.append(line.strip())
    return lines


def _attribute_values(conf: Path) -> dict[str, tuple[str, ...]]:
    """Attribute name -> the values annotation.conf allows (brat splits `Value:` at | and the arguments at ,)."""
    found = {}
    for line in _section(conf, "attributes"):
        name, _, rest = line.partition("\t")
        for argument in rest.split(","):
            key, _, value = argument.strip().partition(":")
            if key == "Value":
                found[name] = tuple(value.split("|"))
    return found
