"""Propagation: every other occurrence, as whole words, of a text an annotator has labelled is suggested with its
label; cheap enough to run after each key press."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .model import Suggestion
from .tokens import Token, tokenize

SOURCE = "propagation"


class Propagator:
    """Finds labelled texts in other texts: a match starts where a token starts and ends where one ends.

    `terms` are (text, label, times labelled); a match's score is the share of the text's labellings that gave it
    this label (9 LOCATION and 1 ACTOR for "Paris": 0.9 and 0.1). Case-sensitive unless `ignore_case`.
    """

    def __init__(self, terms: Iterable[tuple[str, str, int]], *, ignore_case: bool = False):
        self.ignore_case = ignore_case
        totals: dict[str, int] = defaultdict(int)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for text, label, times in terms:
            if text.strip():
                counts[(text, label)] += times
                totals[self._fold(text)] += times
        # candidates by their first character (folded), longest first
        self.by_first: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        for (text, label), times in counts.items():
            self.by_first[self._fold(text[0])].append((text, label, times / totals[self._fold(text)]))
        for candidates in self.by_first.values():
            candidates.sort(key=lambda c: (-len(c[0]), c[0], c[1]))

    def _fold(self, text: str) -> str:
        return text.lower() if self.ignore_case else text

    def find(self, text: str, tokens: list[Token] | None = None) -> list[Suggestion]:
        """Every occurrence in `text` of a labelled text, as whole tokens, in text order."""
        tokens = tokenize(text) if tokens is None else tokens
        ends = {token.end for token in tokens}
        found = []
        for token in tokens:
            for term, label, score in self.by_first.get(self._fold(text[token.start]), ()):
                end = token.start + len(term)
                if end in ends and self._fold(text[token.start:end]) == self._fold(term):
                    found.append(Suggestion(token.start, end, label, text[token.start:end], SOURCE, score))
        return found
