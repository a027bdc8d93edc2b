"""Unicode-aware tokens, words and sentences over code-point offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303c\u3040-\u30ff\u3100-\u312f\u3130-\u318f"
    "\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_TOKEN = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]}'’”]"  # URLs stay whole
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\d+(?:[.,:]\d+)*(?:%)?"  # numbers: 3.5, 1,000, 14:37, 74%
    rf"|[{_CJK}]"  # each CJK character is a token
    rf"|(?:(?![{_CJK}])[\w\u00ad])(?:(?![{_CJK}])[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a"
    r"\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u0e31-\u0e3a\u1ab0-\u1aff\u1dc0-\u1dff"
    r"\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200c\u200d]|['’\-](?=\w))*"  # words with combining marks
    r"|[\U0001f1e6-\U0001f1ff]{2}"  # flags: a pair of regional indicators
    r"|[^\s\w](?:[\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\u0300-\u036f]|\u200d[^\s\w])*"  # one symbol, ZWJ emoji kept whole
)
_SENTENCE_END = re.compile(r"""[.!?。！？](?:["'’”)\]]*)(?=\s|$)|\n\s*\n|\r\n\s*\r\n|\n|\r""")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st gen col lt sgt rep sen gov pres u.s u.k e.g i.e etc vs no jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc ltd co corp dept fig".split()
)


@dataclass(frozen=True)
class Token:
    """A token's text and its [start, end) code-point offsets."""

    text: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of text[start:end]: no token holds whitespace; CJK characters stand alone; URLs and numbers stay whole."""
    end = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, trimmed of surrounding whitespace; line breaks end sentences."""
    result: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] == ".":
            word = re.search(r"(\S+)$", text[begin : match.start()])
            if word and (word.group(1).lower().lstrip("(\"'“") in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        stop = match.end() if match.group()[0] not in "\r\n" else match.start()
        _append_trimmed(text, begin, stop, result)
        begin = match.end()
    _append_trimmed(text, begin, len(text), result)
    return result


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


def sentence_tokens(text: str) -> Iterator[list[Token]]:
    """Tokens grouped by sentence; every token of the text lies in exactly one group."""
    bounds = sentences(text)
    tokens = tokenize(text)
    i = 0
    for n, (_, end) in enumerate(bounds):
        group: list[Token] = []
        last = n == len(bounds) - 1
        while i < len(tokens) and (last or tokens[i].start < end):
            group.append(tokens[i])
            i += 1
        if group:
            yield group


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole tokens and trim surrounding whitespace; (start, start) if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return start, start
    for token in tokenize(text, max(0, start - 200), min(len(text), end + 200)):
        if token.start < start < token.end:
            start = token.start
        if token.start < end < token.end:
            end = token.end
    return start, end


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or sentences) covering [start, end)."""
    covering = [s for s in sentences(text) if s[0] < max(end, start + 1) and s[1] > start]
    if not covering:
        return start, end
    return covering[0][0], covering[-1][1]
