"""Unicode-aware tokens, words and sentences over code-point offsets."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .words import UNSPACED, extend, run_pattern, words

# Hangul stands a character a token, as Korean words carry their particles (서울 + 에서); every run of the
# scripts written without spaces (words.UNSPACED) is cut into words by words.words.
_HANGUL = "\u3130-\u318f\uac00-\ud7af"
_X = f"[{extend()}]*"  # trailing marks
_WORD_CHAR = rf"(?:(?![{UNSPACED}{_HANGUL}])\w)"
_TOKEN = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]}}'’”]"  # URLs stay whole
    rf"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<!\.){_X}"  # e-mail addresses
    rf"|(?>\d+(?:[.,:]\d+)*%?{_X})(?!\w)"  # numbers: 3.5, 1,000, 14:37, 74%
    rf"|(?P<run>{run_pattern()})"  # Chinese, Japanese, Thai...: cut into words by words.words
    rf"|[{_HANGUL}]{_X}"  # each Hangul character is a token
    rf"|(?:[^\W\d_]{_X}\.){{2,}}{_X}"  # abbreviations: U.S., e.g.
    rf"|(?:{_WORD_CHAR}|\u00ad){_X}(?:(?:{_WORD_CHAR}|\u00ad|\u200d)+{_X}|['’\-](?={_WORD_CHAR}))*"  # words
    rf"|[\U0001f1e6-\U0001f1ff]{{2}}{_X}"  # flags: a pair of regional indicators
    rf"|[^\s\w]{_X}(?:\u200d[^\s\w]{_X})*"  # one symbol, ZWJ emoji sequences kept whole
)
_UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
_MARK = re.compile(f"[{extend()}]")
_LINE_BREAK = "\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"
_SENTENCE_END = re.compile(
    rf"""[.!?…]["'’”)\]»]*(?=\s|$)|[。！？][」』"'’”)\]]*|{_LINE_BREAK}"""
)
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "sra", "jr", "st", "gen", "col", "lt", "sgt", "rep", "sen", "gov", "pres", "u.s", "u.k", "e.g", "i.e", "etc", "vs", "no", "nr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "dept", "fig", "approx", "ca", "cf"]
)


@dataclass(frozen=True, slots=True)
class Token:
    """A token's text and its [start, end) code-point offsets."""

    text: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of text[start:end]: no token holds whitespace; Chinese, Japanese, Thai... are cut into words (see
    annotator.words), Hangul a character a token; URLs and numbers stay whole.

    Every character that is not whitespace lies in exactly one token, and a combining mark stays
    with the character it modifies.
    """
    end = len(text) if end is None else end
    begin = start
    while 0 < begin < len(text) and _MARK.match(text, begin):  # a window opening on a mark: from its character
        begin -= 1
    out = []
    for m in _TOKEN.finditer(text, begin, end):
        if m.lastgroup == "run":
            out.extend(Token(text[s:e], s, e) for s, e in words(text, m.start(), m.end()))
        else:
            out.append(Token(m.group(), m.start(), m.end()))
    if begin < start and out and out[0].start < start:
        first = out.pop(0)
        if first.end > start:
            out.insert(0, Token(text[start:first.end], start, first.end))
    return out


def cut_at(text: str, tokens: list[Token], positions: Iterable[int]) -> list[Token]:
    """`tokens` with each word of an unspaced script cut where one of `positions` falls inside it (not inside a
    character's marks): a span that starts or ends inside such a word keeps its characters in token formats."""
    cuts = sorted(set(positions))
    out: list[Token] = []
    for token in tokens:
        inside = [p for p in cuts[bisect_right(cuts, token.start):bisect_left(cuts, token.end)]
                  if _UNSPACED_CHAR.match(text, p)]
        if not inside or not _UNSPACED_CHAR.match(text, token.start):
            out.append(token)
            continue
        bounds = [token.start, *inside, token.end]
        out.extend(Token(text[s:e], s, e) for s, e in zip(bounds, bounds[1:], strict=False))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, trimmed of surrounding whitespace; line breaks end sentences."""
    result: list[tuple[int, int]] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group()[0] == ".":
            word = re.search(r"(\S+)$", text[begin : match.start()])
            if word and (word.group(1).lower().lstrip("(\"'“¿¡") in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        stop = match.start() if re.fullmatch(_LINE_BREAK, match.group()) else match.end()
        _append_trimmed(text, begin, stop, result)
        begin = match.end()
    _append_trimmed(text, begin, len(text), result)
    return result


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    start, end = trim(text, start, end)
    if start < end:
        out.append((start, end))


def sentence_tokens(
    text: str, keep_together: Iterable[tuple[int, int]] = (), tokens: list[Token] | None = None
) -> Iterator[list[Token]]:
    """Tokens (of `text`, or those given) grouped by sentence; every token lies in exactly one group.

    Sentences that a range in `keep_together` crosses are joined, so that a span never straddles two.
    """
    tokens = tokenize(text) if tokens is None else tokens
    ranges = sorted(keep_together)
    group: list[Token] = []
    t = r = reach = 0
    for start, _ in sentences(text)[1:]:
        while r < len(ranges) and ranges[r][0] < start:
            reach = max(reach, ranges[r][1])
            r += 1
        if reach > start:
            continue
        while t < len(tokens) and tokens[t].start < start:
            group.append(tokens[t])
            t += 1
        if group:
            yield group
            group = []
    group += tokens[t:]
    if group:
        yield group


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole tokens and trim surrounding whitespace; (start, start) if nothing is left."""
    start, end = trim(text, start, end)
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
