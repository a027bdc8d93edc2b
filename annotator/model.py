"""Plain data classes for articles, spans, labels, relations and review decisions."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

STATUSES = ("todo", "in_progress", "done", "skipped")
REVIEW_STATUSES = ("unreviewed", "in_review", "reviewed")


def sha256_text(text: str) -> str:
    """The SHA-256 of the text's UTF-8 encoding, which identifies an article."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")  # what str.splitlines() splits at


def title_of(text: str) -> str:
    """The first non-empty line of a text, stripped (of a byte-order mark too), at most 200 characters."""
    first = re.search(r"[^\s\ufeff]", text)
    if first is None:
        return ""
    end = _LINE_BREAK.search(text, first.start())
    return text[first.start() : end.start() if end else len(text)].strip()[:200]


def span_misfit(text: str, start: int, end: int, span_text: str | None = None) -> tuple[str, str] | None:
    """(field, problem) when [start, end) with `span_text` does not fit `text`, None when it does.

    The one check of import, store and review; Python's len() counts every code point, NUL included.
    """
    if start < 0:
        return "start", f"{start} is before the start of the text"
    if end > len(text):
        return "end", f"{end} is past the end of the text ({len(text)})"
    if end <= start:
        return "end", f"{end} is not after start {start}"
    if span_text is not None and text[start:end] != span_text:
        return "text", f"{_quoted(span_text)} differs from the text at [{start}, {end}): {_quoted(text[start:end])}"
    return None


def _quoted(text: str, limit: int = 40) -> str:
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


@dataclass(frozen=True)
class Span:
    """A labelled range [start, end) of code points in an article's text."""

    start: int
    end: int
    label: str
    text: str
    annotator: str = ""
    note: str | None = None
    id: int | None = None
    article_id: str | None = None
    attributes: tuple[tuple[str, str | bool], ...] = ()  # (name, value) pairs, such as brat's ("Negation", True)

    @property
    def key(self) -> tuple[int, int, str]:
        """What makes two annotators' spans the same: start, end and label."""
        return (self.start, self.end, self.label)

    def to_record(self) -> dict:
        record = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "annotator": self.annotator,
            "note": self.note,
        }
        if self.attributes:
            record["attributes"] = dict(self.attributes)
        return record


@dataclass
class Article:
    """One text to label, stored exactly as imported."""

    id: str
    text: str
    title: str = ""
    source: str = ""
    meta: dict = field(default_factory=dict)
    text_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.text_sha256:
            self.text_sha256 = sha256_text(self.text)
        if not self.title:
            self.title = title_of(self.text)


@dataclass(frozen=True)
class Label:
    """A tag a span can carry, with its guidance, colour and key."""

    name: str
    description: str = ""
    color: str = "#888888"
    key: str = ""

    def to_record(self) -> dict:
        return {"name": self.name, "description": self.description, "color": self.color, "key": self.key}


@dataclass(frozen=True)
class RelationType:
    """A kind of link from one span to another, with the labels allowed at each end, its colour and key."""

    name: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    description: str = ""
    color: str = "#888888"
    key: str = ""

    def misfit(self, from_label: str, to_label: str) -> str | None:
        """Why a relation of this type cannot link a `from_label` span to a `to_label` span, or None when it can."""
        if from_label not in self.from_labels:
            return f"{self.name} goes from {' or '.join(self.from_labels)}, not from {from_label}"
        if to_label not in self.to_labels:
            return f"{self.name} goes to {' or '.join(self.to_labels)}, not to {to_label}"
        return None

    def to_record(self) -> dict:
        return {"name": self.name, "description": self.description, "color": self.color, "key": self.key,
                "from": list(self.from_labels), "to": list(self.to_labels)}

    @classmethod
    def from_record(cls, item: dict, color: str = "#888888") -> RelationType:
        """From a label-set file's item (schemas/labelset.schema.json), `color` when it names none."""
        return cls(item["name"], tuple(item["from"]), tuple(item["to"]), item.get("description", ""),
                   item.get("color", color), item.get("key", ""))


@dataclass(frozen=True)
class Relation:
    """A typed link from one span to another of the same article and annotator (or between two gold spans,
    the annotator then being the reviewer)."""

    type: str
    from_id: int
    to_id: int
    annotator: str = ""
    id: int | None = None
    article_id: str | None = None


@dataclass(frozen=True)
class GoldSpan:
    """A span in the reviewed (gold) layer, with where it came from."""

    start: int
    end: int
    label: str
    text: str
    reviewer: str
    annotators: tuple[str, ...] = ()
    decision: str = "accepted"
    note: str | None = None
    id: int | None = None
    article_id: str | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class Suggestion:
    """A span proposed to one annotator by a source (propagation, patterns, a model), with its score in [0, 1]."""

    start: int
    end: int
    label: str
    text: str
    source: str
    score: float = 1.0
    annotator: str = ""
    id: int | None = None
    article_id: str | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)
