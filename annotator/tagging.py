"""Spans onto tokens: alignment (strict, contract, expand), one flat layer without overlap, IOB2 and BIOES tags."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Span
from .tokens import Token, cut_at, sentence_tokens, tokenize

ALIGNMENTS = ("expand", "contract", "strict")
SCHEMES = ("iob2", "bioes")


@dataclass(frozen=True, slots=True)
class Placed:
    """A span laid on tokens [first, last) whose characters are [start, end)."""

    span: Span
    first: int
    last: int
    start: int
    end: int

    @property
    def label(self) -> str:
        return self.span.label


@dataclass
class Tokenized:
    """An article cut into sentences of tokens, with its spans placed on them."""

    tokens: list[Token]
    sentences: list[list[Token]]
    placed: list[Placed]  # every span that falls on at least one token (all layers, overlap allowed)
    flat: list[Placed]  # the non-overlapping layer that IOB tags can hold
    moved: list[Placed]  # spans whose characters the alignment changed
    dropped: list[tuple[Span, str]]  # spans that could not be placed on tokens, with the reason
    overlapping: list[tuple[Span, str]]  # placed spans left out of the flat layer, with the span they overlap


def place(tokens: list[Token], starts: list[int], ends: list[int], span: Span, mode: str) -> Placed | None:
    """The tokens span covers under `mode`: expand to tokens it touches, contract to those inside, or strict."""
    if mode == "contract":
        first, last = bisect_left(starts, span.start), bisect_right(ends, span.end)
    else:
        first, last = bisect_right(ends, span.start), bisect_left(starts, span.end)
    if first >= last:
        return None
    start, end = tokens[first].start, tokens[last - 1].end
    if mode == "strict" and (start, end) != (span.start, span.end):
        return None
    return Placed(span, first, last, start, end)


def flatten(placed: Iterable[Placed], order: dict[str, int] | None = None) -> tuple[list[Placed], list[tuple[Span, str]]]:
    """Keep the earliest, longest spans that do not overlap; same tokens and label count once.

    Returns the kept spans in order and every other span with the reason it was left out.
    """
    order = order or {}
    ranked = sorted(placed, key=lambda p: (p.first, -p.last, order.get(p.label, len(order)), p.label))
    kept: list[Placed] = []
    dropped: list[tuple[Span, str]] = []
    for p in ranked:
        if kept and p.first < kept[-1].last:
            other = kept[-1]
            if (p.first, p.last, p.label) != (other.first, other.last, other.label):
                dropped.append((p.span, f"overlaps {other.label} [{other.start}, {other.end})"))
            continue
        kept.append(p)
    return kept, dropped


def tokenized(text: str, spans: list[Span], mode: str = "expand", order: dict[str, int] | None = None) -> Tokenized:
    """Tokens, sentences (never splitting a kept span), placed spans and the flat layer of one article.

    A word of an unspaced script (Japanese, Thai...) is cut where a span starts or ends inside it."""
    tokens = cut_at(text, tokenize(text), [edge for span in spans for edge in (span.start, span.end)])
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    placed: list[Placed] = []
    moved: list[Placed] = []
    dropped: list[tuple[Span, str]] = []
    for span in spans:
        p = place(tokens, starts, ends, span, mode)
        if p is None:
            why = "not on token boundaries (--alignment strict)" if mode == "strict" else "covers no whole token"
            dropped.append((span, why))
            continue
        placed.append(p)
        if (p.start, p.end) != (span.start, span.end):
            moved.append(p)
    flat, overlapping = flatten(placed, order)
    groups = list(sentence_tokens(text, [(p.start, p.end) for p in flat], tokens))
    return Tokenized(tokens, groups, placed, flat, moved, dropped, overlapping)


def tags(count: int, flat: Iterable[Placed], scheme: str = "iob2") -> list[str]:
    """One tag per token: IOB2 (B-, I-, O) or BIOES (also S- for single tokens and E- for the last)."""
    out = ["O"] * count
    for p in flat:
        if scheme == "bioes" and p.last - p.first == 1:
            out[p.first] = f"S-{p.label}"
            continue
        out[p.first] = f"B-{p.label}"
        for i in range(p.first + 1, p.last):
            out[i] = f"I-{p.label}"
        if scheme == "bioes":
            out[p.last - 1] = f"E-{p.label}"
    return out


def tag_names(labels: Iterable[str], scheme: str = "iob2") -> list[str]:
    """Every tag a scheme gives these labels, "O" first: the names of a ClassLabel."""
    prefixes = "BI" if scheme == "iob2" else "BIES"
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in prefixes]


def entities(tags_: Iterable[str]) -> list[tuple[int, int, str]]:
    """(first, last, label) token ranges from IOB1, IOB2, BIOES or BILOU tags, read leniently."""
    found: list[tuple[int, int, str]] = []
    first, label = None, None
    for i, tag in enumerate([*tags_, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix in ("I", "E", "L") and name == label and first is not None
        if not continues and first is not None:
            found.append((first, i, label))
            first = label = None
        if prefix in ("B", "S", "U") or (prefix in ("I", "E", "L") and first is None):
            first, label = i, name
        if prefix in ("E", "L", "S", "U") and first is not None:
            found.append((first, i + 1, label))
            first = label = None
    return found
