"""Words under the mouse and the caret, word-wise edge moves and sentence extension, in code points (no Qt)."""

from __future__ import annotations

import re

from ..tokens import sentence_at, tokenize

REACH = 400  # how far to look for the neighbouring word
_LINE_BREAK = re.compile("\r\n|[\n\r\u2029]")  # what Qt shows as the end of a paragraph


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


def word_at(text: str, position: int) -> tuple[int, int] | None:
    """The word (token) holding the character at `position`; None on whitespace."""
    for token in tokenize(text, max(0, position - REACH), min(len(text), position + REACH)):
        if token.start <= position < token.end:
            return token.start, token.end
    return None


def next_word(text: str, position: int) -> int:
    """Where Ctrl+Right goes: the next start of a word, end of a line or start of a line."""
    end = min(len(text), position + REACH)
    stops = [t.start for t in tokenize(text, position, end)]
    for line_break in _LINE_BREAK.finditer(text, position, end):
        stops += [line_break.start(), line_break.end()]
    return min((stop for stop in stops if stop > position), default=end)


def previous_word(text: str, position: int) -> int:
    """Where Ctrl+Left goes: the start of the word before (or holding) `position`, or the line's end or start."""
    low = max(0, position - REACH)
    stops = [t.start for t in tokenize(text, low, position)]
    for line_break in _LINE_BREAK.finditer(text, low, position):
        stops += [line_break.start(), line_break.end()]
    return max((stop for stop in stops if stop < position), default=low)
