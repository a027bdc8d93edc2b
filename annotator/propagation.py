"""Propagation: every other occurrence, as whole words, of a text an annotator has labelled is suggested with its
label; cheap enough to run after each key press."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from .model import Suggestion
from .tokens import Token, tokenize

SOURCE = "propagation"


@cache
def _lower(character: str) -> str:
    lower = character.lower()
    return lower if len(lower) == 1 else character


class Propagator:
    """Finds labelled texts in other texts: a match starts where a token starts and ends where one ends.

    `terms` are (text, label, times labelled); a match's score is the share of the text's labellings that gave it
    this label (9 LOCATION and 1 ACTOR for "Paris": 0.9 and 0.1), and only the likeliest label is suggested (both
    when tied). Case-sensitive unless `ignore_case`.
    """

    def __init__(self, terms: Iterable[tuple[str, str, int]], *, ignore_case: bool = False):
        self.ignore_case = ignore_case
        totals: dict[str, int] = defaultdict(int)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for text, label, times in terms:
            if text.strip():
                counts[(text, label)] += times
                totals[self._fold(text)] += times
        # {first character: {length: {folded text: [(label, score)]}}}, all folded
        self.by_first: dict[str, dict[int, dict[str, list[tuple[str, float]]]]] = defaultdict(lambda: defaultdict(dict))
        for (text, label), times in sorted(counts.items()):
            folded = self._fold(text)
            by_length = self.by_first[folded[0]][len(text)]
            by_length.setdefault(folded, []).append((label, times / totals[folded]))

    def _fold(self, text: str) -> str:
        """The text, lowercased a character at a time with `ignore_case` (so that its length, hence every offset,
        stays the same: a character whose lowercase is longer, such as İ, stays as it is)."""
        return "".join(map(_lower, text)) if self.ignore_case else text


    def find(self, text: str, tokens: list[Token] | None = None) -> list[Suggestion]:
        """Every occurrence in `text` of a labelled text, as whole tokens, in text order."""
        tokens = tokenize(text) if tokens is None else tokens
        ends = {token.end for token in tokens}
        folded = self._fold(text)
        found = []
        for token in tokens:
            start = token.start
            for length, texts in self.by_first.get(folded[start], {}).items():
                if start + length in ends and (labels := texts.get(folded[start:start + length])):
                    best = max(score for _, score in labels)  # the likeliest label(s) only: one choice to make
                    found += [Suggestion(start, start + length, label, text[start:start + length], SOURCE, score)
                              for label, score in labels if score == best]
        found.sort(key=lambda s: (s.start, -s.end, s.label))
        return found
