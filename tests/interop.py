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


def brat_problems(folder: Path) -> list[str]:
    """Every line of every .ann under `folder` that brat would refuse, as `file:line: why`."""
    problems = []
    for ann in sorted(folder.rglob("*.ann")):
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")  # as codecs.open reads it: no newline translation
        values = _attribute_values(ann.parent / "annotation.conf")
        entities = set(_section(ann.parent / "annotation.conf", "entities"))
        ids = set()
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
                ids.add(line.split("\t")[0])
            elif line[0] == "A":
                found = _A.fullmatch(line)
                if not found or found.group(2) not in ids or (found.group(3) and found.group(3) not in values.get(
                        found.group(1), ())):
                    problems.append(f"{where}: attribute brat cannot read: {line!r}")
            elif line[0] == "#":
                found = _NOTE.fullmatch(line)
                if not found or found.group(1) not in ids:
                    problems.append(f"{where}: note brat cannot read: {line!r}")
            else:
                problems.append(f"{where}: unknown line {line!r}")
    return problems


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
