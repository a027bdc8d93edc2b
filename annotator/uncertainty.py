"""Active learning: how unsure a model is about an article, from the scores of the spans it proposes, and which
article to label next (the most unsure one)."""

from __future__ import annotations

from collections.abc import Iterable


def uncertainty(scores: Iterable[float]) -> float:
    """The mean over the proposed spans of 1 - |2p - 1|: 1 for a span at p = 0.5, 0 at p = 0 or 1; 0 when the model
    proposes nothing (it has nothing to learn from the article that it could show)."""
    doubts = [1 - abs(2 * p - 1) for p in scores]
    return sum(doubts) / len(doubts) if doubts else 0.0


def most_uncertain(scored: dict[str, float], candidates: Iterable[str]) -> str | None:
    """The candidate the model is least sure about (the first in the candidates' order on a tie); None when none of
    them was scored."""
    best, best_doubt = None, -1.0
    for article_id in candidates:
        doubt = scored.get(article_id)
        if doubt is not None and doubt > best_doubt:
            best, best_doubt = article_id, doubt
    return best
