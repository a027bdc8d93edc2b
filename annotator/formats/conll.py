"""CoNLL: token<TAB>tag lines, a blank line after each sentence, -DOCSTART- before each article; IOB2 or BIOES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Relation, Span
from ..tagging import entities, tags
from . import Incoming, check_text_file, decode
from .writing import Report, TextWriter

DOCSTART = "-DOCSTART-"
READ_OPTIONS = ()
SUFFIXES = (".conll", ".iob", ".bio", ".tsv")


class Writer(TextWriter):
    """One article after another; tags from the flat (non-overlapping) layer, overlaps reported as dropped."""

    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        laid = report.tokenize(self.settings, article, spans)
        tagged = iter(tags(len(laid.tokens), laid.flat, self.settings.scheme))
        lines = [f"{DOCSTART}\tO\n\n"]
        for sentence in laid.sentences:
            lines += [f"{token.text}\t{next(tagged)}\n" for token in sentence]
            lines.append("\n")
        return ["".join(lines)]


def read(path: Path, *, encoding: str = "utf-8") -> Iterator[Incoming | InputError]:
    """Each -DOCSTART- document as an article: tokens joined by spaces, a sentence a line; tags read leniently.

    Columns are split on tabs (or on spaces when a line has no tab); the first is the token, the last the tag.
    """
    file = str(path)
    check_text_file(path, encoding)
    with open(path, "rb") as handle:
        text = decode(handle.read(), file, encoding)
    document: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    first_line = 1
    for number, line in enumerate(text.split("\n"), start=1):
        columns = line.split("\t") if "\t" in line else line.split()
        columns = [c.strip() for c in columns]
        blank = not line.strip()
        if blank or columns[0] == DOCSTART:
            if sentence:
                document.append(sentence)
                sentence = []
            if not blank and document:
                yield _record(document, file, first_line)
                document = []
            continue
        if len(columns) < 2:
            yield InputError(file, number, "$.tag", f"expected a token and a tag, found {line[:40]!r}")
            return
        tag = columns[-1]
        if tag != "O" and (tag[:2] not in ("B-", "I-", "E-", "S-", "L-", "U-") or len(tag) < 3):
            yield InputError(file, number, "$.tag", f"{tag!r} is not a tag (O, or B-, I-, E-, S- and a label)")
            return
        if not document and not sentence:
            first_line = number
        sentence.append((columns[0], tag))
    if sentence:
        document.append(sentence)
    if document:
        yield _record(document, file, first_line)


def _record(document: list[list[tuple[str, str]]], file: str, line: int) -> Incoming:
    text_parts: list[str] = []
    spans: list[dict] = []
    offset = 0
    for sentence in document:
        starts = []
        for token, _ in sentence:
            starts.append(offset)
            offset += len(token) + 1
        for first, last, label in entities(tag for _, tag in sentence):
            start, end = starts[first], starts[last - 1] + len(sentence[last - 1][0])
            spans.append({"start": start, "end": end, "label": label})
        text_parts.append(" ".join(token for token, _ in sentence))
    text = "\n".join(text_parts)
    for span in spans:
        span["text"] = text[span["start"]:span["end"]]
    return Incoming({"text": text, "source": Path(file).name, "spans": spans}, file, line)
