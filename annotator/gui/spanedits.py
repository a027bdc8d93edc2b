"""Word-wise edge moves and sentence extension of a [start, end) range, in code points (no Qt)."""

from __future__ import annotations

from ..tokens import sentence_at, tokenize

REACH = 400  # how far to look for the neighbouring word


def grow_start(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the start one word to the left."""
    before = tokenize(text, max(0, start - REACH), start)
    return (before[-1].start, end) if before else (start, end)


def shrink_start(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the start one word to the right, keeping at least one word."""
    inside = tokenize(text, start, end)
    return (inside[1].start, end) if len(inside) > 1 else (start, end)


def grow_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the end one word to the right."""
    after = tokenize(text, end, min(len(text), end + REACH))
    return (start, after[0].end) if after else (start, end)


def shrink_end(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the end one word to the left, keeping at least one word."""
    inside = tokenize(text, start, end)
    return (start, inside[-2].end) if len(inside) > 1 else (start, end)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) covering [start, end), looking only at the paragraphs they are in (line breaks end sentences)."""
    low = max(text.rfind(c, 0, start) for c in "\n\r\u2029") + 1
    highs = [i for i in (text.find(c, end) for c in "\n\r\u2029") if i >= 0]
    high = min(highs) if highs else len(text)
    s, e = sentence_at(text[low:high], start - low, end - low)
    return s + low, e + low
