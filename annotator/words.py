"""Words inside runs of scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).

ICU's dictionary-based word break iterator finds them when the optional `icu4py` package is installed
(`pip install 'annotator[words]'`); without it every character (with its combining marks) is a word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Han (with its extensions and compatibility forms), kana, Bopomofo, halfwidth katakana, and the scripts of
# South-East Asia that put no space between words. Hangul is left out: Korean puts spaces between words.
UNSPACED = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303c\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
    "\u0e01-\u0e3a\u0e40-\u0e4e\u0e81-\u0edf\u1000-\u103f\u1050-\u109f\u1780-\u17dd\u19e0-\u19ff"
    "\ua9e0-\ua9fe\uaa60-\uaa7f"
)
_PLAIN_RUN = re.compile(f"[{UNSPACED}]+")  # for search: index and query cut the same way
# Seven blocks that hold every UNSPACED character and none of the quotes, dashes and emoji news is full of: a scan
# with this class takes half the time of one with UNSPACED's 25 ranges.
_RUN_BLOCKS = re.compile("[\u0e01-\u109f\u1780-\u19ff\u2e80-\u9fff\ua9e0-\uaa7f\uf900-\ufaff\uff66-\uff9f"
                         "\U00020000-\U0003134f]")
_LONGEST_RUN = 2000  # a run is looked at no further than this beyond the range asked for
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _ranges(codes) -> str:
    """A regex character-class body for sorted code points."""
    out, first, last = [], None, None
    for code in [*codes, None]:
        if code is not None and last is not None and code == last + 1:
            last = code
            continue
        if first is not None:
            out.append(re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else ""))
        first = last = code
    return "".join(out)


@lru_cache(maxsize=1)
def extend() -> str:
    """A character class body of what extends the character before it (a grapheme cluster stays inside one
    word): every combining mark (categories Mn, Mc, Me), ZWNJ, variation selectors, emoji skin tones and tag
    characters. Computed on first use: it takes a scan of the Unicode database."""
    codes = range(0x300, 0x1F000)
    marks = [c for c, kind in zip(codes, map(unicodedata.category, map(chr, codes)), strict=True) if kind[0] == "M"]
    return _ranges(sorted({*marks, 0x200C, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400),
                           *range(0xE0020, 0xE0080), *range(0xE0100, 0xE01F0)}))


def run_pattern() -> str:
    """A run of unspaced-script characters and their marks."""
    return f"[{UNSPACED}](?:[{UNSPACED}]|[{extend()}])*"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """A run, a character of a run, a mark."""
    return re.compile(run_pattern()), re.compile(f"[{UNSPACED}]|[{extend()}]"), re.compile(f"[{extend()}]")


@lru_cache(maxsize=1)
def _word_breaker():
    """icu4py's WordBreaker class, or None when icu4py is not installed."""
    try:
        from icu4py.breakers import WordBreaker
    except ImportError:
        return None
    return WordBreaker


def segmenter() -> str:
    """What finds words in unspaced scripts: ICU (with its version) or the one-character fallback."""
    if _word_breaker() is None:
        return "one character each (install annotator[words] for dictionary words)"
    import icu4py

    return f"ICU {icu4py.icu_version} dictionary word breaks"


@lru_cache(maxsize=256)  # the runs around the caret; a long run can cost a few hundred KB
def segment(run: str) -> tuple[tuple[int, int], ...]:
    """[start, end) code-point offsets of the words of `run`, which covers all of it."""
    breaker = _word_breaker()
    if breaker is None:
        return _characters(run)
    try:
        units = [end for _, end in breaker(run, "und").segments()]
    except (RuntimeError, ValueError, UnicodeError):  # ICU refused the text (e.g. a lone surrogate)
        return _characters(run)
    ends = _units_to_code_points(run, units) if _ASTRAL.search(run) else units
    ends = [end for end in ends if end == len(run) or not _is_mark(run[end])]  # a mark stays with its character
    return tuple(zip([0, *ends[:-1]], ends, strict=True))


def _characters(run: str) -> tuple[tuple[int, int], ...]:
    """Each character with the combining marks after it."""
    starts = [i for i, c in enumerate(run) if i == 0 or not _is_mark(c)]
    return tuple(zip(starts, [*starts[1:], len(run)], strict=True))


def _is_mark(c: str) -> bool:
    return _patterns()[2].match(c) is not None


def _units_to_code_points(run: str, units: list[int]) -> list[int]:
    """UTF-16 offsets into `run` (ICU's) as code-point offsets (ours)."""
    out, unit, cp = [], 0, 0
    for end in units:
        while unit < end:
            unit += 2 if ord(run[cp]) > 0xFFFF else 1
            cp += 1
        out.append(cp)
    return out


def words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of text[start:end], a piece of one run, cut from the whole run around it: every caller,
    whatever range it asks for, sees the same boundaries."""
    run, run_char, _ = _patterns()
    low = start
    while low > max(0, start - _LONGEST_RUN) and run_char.match(text, low - 1):
        low -= 1
    while low < start and _is_mark(text[low]):  # marks before the run belong to the character before them
        low += 1
    reach = run.match(text, start, min(len(text), end + _LONGEST_RUN))
    high = max(end, reach.end()) if reach else end
    out = [(s + low, e + low) for s, e in segment(text[low:high]) if e + low > start and s + low < end]
    if out:  # the words at the edges cut to the range asked for
        out[0] = (max(out[0][0], start), out[0][1])
        out[-1] = (out[-1][0], min(out[-1][1], end))
    return out


_FILLER = " 0 "  # a word between runs, so that no phrase is found across two runs


def index_text(text: str) -> str:
    """The unspaced runs of `text`, a code point a word: what the search index holds, so that any piece of a run
    is found as a phrase of its code points."""
    if text.isascii():  # at once: most corpora need no look at each character
        return ""
    try:
        text.encode("latin-1")  # at memory speed: Latin-1 text (most Western European news) holds no run
        return ""
    except UnicodeEncodeError as e:
        first = _RUN_BLOCKS.search(text, e.start)  # what comes before the first character beyond Latin-1 is not
    if first is None:
        return ""
    return _FILLER.join(" ".join(run) for run in _PLAIN_RUN.findall(text, first.start()))


def phrases(query: str) -> list[str]:
    """The unspaced runs of a search query, each as a phrase of its code points (see index_text)."""
    return [" ".join(run) for run in _PLAIN_RUN.findall(query)]


def without_runs(text: str) -> str:
    """`text` with its unspaced runs blanked out."""
    return _PLAIN_RUN.sub(" ", text)
