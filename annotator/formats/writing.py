"""The writer protocol every export format implements, the settings it is given, and what it reports back.

An export reads articles in one process and may format them in others: `FormatWriter.format` turns a
batch of articles (each with its spans and the relations between them) into a piece of output and must not
touch the writer's files (it runs in whichever process formats); `open`, `write` and `close` run only in the
exporting process, in article order. A writer that carries relations writes only those whose two ends it
wrote (`Report.linked`), so a relation never names a span absent from its output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ..model import Article, Label, Relation, RelationType, Span
from ..tagging import Tokenized, tag_names, tokenized

Entry = tuple[Article, list[Span], list[Relation]]  # an article, its spans, the relations between them
Batch = list[Entry]


@dataclass(frozen=True)
class Settings:
    """What a writer needs besides the articles: the labels in order, the tag scheme, the token alignment, the
    relation types."""

    labels: tuple[Label, ...]
    scheme: str = "iob2"
    alignment: str = "expand"
    shard_size: int = 0  # spacy: articles per DocBin file, 0 for one file
    relation_types: tuple[RelationType, ...] = ()  # those whose ends' labels are exported (a config declares them)
    with_relations: bool = False  # the chosen articles hold relations (doccano then writes its relation form)

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def order(self) -> dict[str, int]:
        return {label.name: i for i, label in enumerate(self.labels)}

    @property
    def tag_names(self) -> list[str]:
        return tag_names(self.label_names, self.scheme)


@dataclass(frozen=True)
class Dropped:
    """A span left out: `kind` counts it in the summary, `reason` says exactly why in the dropped-spans file."""

    article_id: str
    span: Span
    kind: str
    reason: str


@dataclass
class Report:
    """What formatting one batch changed or left out (sent back to the exporting process with the piece)."""

    tokens: int = 0
    moved: Counter = field(default_factory=Counter)  # why span boundaries changed -> count
    not_in_ents: int = 0  # spaCy: overlapping spans kept in doc.spans["sc"] only
    dropped: list[Dropped] = field(default_factory=list)
    relations: int = 0  # relations written
    relations_left: Counter = field(default_factory=Counter)  # why relations were not written -> count

    def drop(self, article: Article, span: Span, kind: str, reason: str | None = None) -> None:
        self.dropped.append(Dropped(article.id, span, kind, reason or kind))

    def linked(self, relations: list[Relation], spans: Iterable[Span], why: str = "an end was left out (see the spans left out)"
               ) -> list[Relation]:
        """The relations whose two ends are among `spans` (the spans written), counted as written; the others are
        counted as left out, `why`."""
        ids = {span.id for span in spans}
        kept = [r for r in relations if r.from_id in ids and r.to_id in ids]
        self.relations += len(kept)
        if len(kept) < len(relations):
            self.relations_left[why] += len(relations) - len(kept)
        return kept

    def by_annotator(self, relations: list[Relation], spans: list[Span]) -> list[tuple[str, Relation]]:
        """(annotator of its ends, relation) of the relations `linked` keeps, for formats holding a layer per annotator;
        a relation between two annotators' spans (which the store does not hold: the exported gold layer is one
        layer, nobody's) would be counted as left out."""
        owner = {span.id: span.annotator for span in spans}
        same = [r for r in relations
                if r.from_id not in owner or r.to_id not in owner or owner[r.from_id] == owner[r.to_id]]
        if len(same) < len(relations):
            self.relations_left["its ends are two annotators' (or reviewers') spans"] += len(relations) - len(same)
        return [(owner[r.from_id], r) for r in self.linked(same, spans)]

    def move(self, count: int, reason: str) -> None:
        if count:
            self.moved[reason] += count

    def tokenize(self, settings: Settings, article: Article, spans: list[Span], *, overlap: str = "drop") -> Tokenized:
        """The article on tokens under the chosen alignment; moved and dropped spans are reported here.

        Spans that overlap the flat layer are dropped (`overlap="drop"`), kept in `placed` and counted as
        not in doc.ents (`"ents"`, spaCy), or kept in `placed` without a word (`"keep"`, Prodigy's spans).
        """
        result = tokenized(article.text, spans, settings.alignment, settings.order)
        self.tokens += len(result.tokens)
        verb = "widened" if settings.alignment == "expand" else "narrowed"
        self.move(len(result.moved), f"not on token boundaries were {verb} to whole tokens (--alignment {settings.alignment})")
        for span, reason in result.dropped:
            self.drop(article, span, reason)
        for span, reason in result.overlapping:
            if overlap == "drop":
                self.drop(article, span, "overlap", reason)
            else:
                self.not_in_ents += overlap == "ents"
        return result


class FormatWriter(ABC):
    """A format's writer: `format` (any process) makes pieces, `open`/`write`/`close` (exporting process) file them."""

    batch_size: int = 200  # articles formatted together (a writer may set its own)

    def __init__(self, settings: Settings):
        self.settings = settings

    @abstractmethod
    def format(self, batch: Batch, report: Report) -> Any:
        """The output for these articles, picklable; spans left out or moved are told to `report`."""

    @abstractmethod
    def open(self, path: Path) -> None:
        """Start the output at `path` (a file, or a folder for folder formats)."""

    @abstractmethod
    def write(self, piece: Any) -> None:
        """Add what `format` made, in article order."""

    @abstractmethod
    def close(self) -> None:
        """Finish the output (also after a failure, before it is removed)."""

    def sidecars(self) -> dict[str, str]:
        """Files written beside the output (name -> text), e.g. the tag names."""
        return {}


class TextWriter(FormatWriter):
    """A format whose output is one text file of entries: `entries` gives each article's, strings joined by
    `separator` between a `header` and a `footer`."""

    header: ClassVar[str] = ""
    separator: ClassVar[str] = ""
    footer: ClassVar[str] = ""

    @abstractmethod
    def entries(self, article: Article, spans: list[Span], relations: list[Relation], report: Report) -> list[str]:
        """The text entries this article becomes (a line each, ending in a newline, for line formats); a format
        that carries relations writes those `report.linked` keeps."""

    def format(self, batch: Batch, report: Report) -> list[str]:
        return [entry for article, spans, relations in batch for entry in self.entries(article, spans, relations, report)]

    def open(self, path: Path) -> None:
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.handle.write(self.header)
        self.first = True

    def write(self, piece: list[str]) -> None:
        if piece:
            lead = "" if self.first else self.separator
            self.handle.write(lead + self.separator.join(piece))
            self.first = False

    def close(self) -> None:
        if getattr(self, "handle", None) is not None and not self.handle.closed:
            self.handle.write(self.footer)
            self.handle.close()
