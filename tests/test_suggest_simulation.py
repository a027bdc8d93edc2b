"""The suggestions benchmark's simulated annotator counts its actions as documented, on a tiny hand-made corpus."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.model import Suggestion

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from simulation import SimulatedAnnotator, simulate  # noqa: E402

# "Madrid" is a place, "Real Madrid" a team, "Liga" a competition: the second article repeats the first's names
CORPUS = [
    ("Madrid hosts Liga. Madrid wins.", {(0, 6, "LOC"), (13, 17, "MISC"), (19, 25, "LOC")}),
    ("Real Madrid left Madrid for Liga games.", {(0, 11, "ORG"), (17, 23, "LOC"), (28, 32, "MISC")}),
]


def test_without_suggestions_every_span_is_made_by_hand():
    result = simulate(CORPUS, propagate=False)
    assert (result["by_hand"], result["accepted"], result["rejected"], result["actions"]) == (6, 0, 0, 6)


def test_propagation_with_one_shift_enter_an_article():
    result = simulate(CORPUS)
    # 1st: Madrid and Liga by hand, the second Madrid suggested and accepted at the end (1 Shift+Enter).
    # 2nd: on opening Madrid (17) and Liga are suggested, and the Madrid inside Real Madrid (5): Real Madrid comes
    # first in text order, is made by hand and hides it; the other two are accepted with one Shift+Enter.
    assert (result["by_hand"], result["accepted"], result["rejected"], result["bulk"]) == (3, 3, 0, 2)
    assert result["actions"] == 5
    assert result["on_opening"] == {"propagation": {"right": 2, "wrong": 1}}


def test_accepting_one_by_one_costs_as_much_as_making_the_span():
    result = simulate(CORPUS, one_by_one=True)
    assert (result["by_hand"], result["accepted"], result["rejected"], result["actions"]) == (3, 3, 0, 6)


def test_a_wrong_suggestion_is_rejected_and_a_right_one_spares_a_span():
    text, reference = "NATO met in Paris.", {(0, 4, "ORG"), (12, 17, "LOC")}
    shown = [Suggestion(0, 4, "PER", "NATO", "model:m", 0.9), Suggestion(12, 17, "LOC", "Paris", "model:m", 0.8),
             Suggestion(5, 8, "ORG", "met", "model:m", 0.1)]
    old_rule = SimulatedAnnotator(propagate=False, relabel=False)  # NATO as PER: rejected, then made by hand
    old_rule.label(text, reference, shown)
    assert dict(old_rule.counts) == {"reference": 2, "by_hand": 1, "accepted": 1, "by_enter": 0, "relabelled": 0,
                                     "rejected": 2, "bulk": 1}
    assert old_rule.actions == 4
    strict = SimulatedAnnotator(propagate=False, min_score=0.5, relabel=False)  # the one under 0.5 is never shown
    strict.label(text, reference, shown)
    assert (strict.counts["rejected"], strict.actions) == (1, 3)
    assert strict.summary()["on_opening"] == {"model": {"right": 1, "wrong": 1}}


def test_the_right_place_with_the_wrong_label_is_one_key():
    """NATO suggested as PER where the reference has ORG: ORG's key accepts it as ORG, one action."""
    text, reference = "NATO met in Paris. NATO left.", {(0, 4, "ORG"), (12, 17, "LOC"), (19, 23, "ORG")}
    shown = [Suggestion(0, 4, "PER", "NATO", "model:m", 0.9), Suggestion(12, 17, "LOC", "Paris", "model:m", 0.8),
             Suggestion(5, 8, "ORG", "met", "model:m", 0.1), Suggestion(19, 23, "PER", "NATO", "model:m", 0.9)]
    annotator = SimulatedAnnotator()
    annotator.label(text, reference, shown)
    # the ORG span made by relabelling propagates to the second NATO, whose PER suggestion it hides (propagation
    # first); the second NATO is then accepted with Paris by one Shift+Enter
    assert dict(annotator.counts) == {"reference": 3, "by_hand": 0, "accepted": 2, "by_enter": 0, "relabelled": 1,
                                      "rejected": 1, "bulk": 1}
    assert annotator.actions == 3


def test_another_sources_suggestion_under_a_propagation_suggestion_is_hidden():
    """Propagation first: the model's LOC on `España` does not show while propagation suggests ORG there."""
    text, reference = "España ganó. España perdió.", {(0, 6, "ORG"), (13, 19, "ORG")}
    annotator = SimulatedAnnotator()
    annotator.label("España juega.", {(0, 6, "ORG")})
    shown = [Suggestion(0, 6, "LOC", "España", "model:m", 0.9), Suggestion(13, 19, "LOC", "España", "model:m", 0.9)]
    annotator.label(text, reference, shown)
    assert (annotator.counts["relabelled"], annotator.counts["rejected"], annotator.counts["accepted"]) == (0, 0, 2)
    assert annotator.summary()["on_opening"] == {"propagation": {"right": 2, "wrong": 0}}


def test_a_right_suggestion_that_would_hide_a_wrong_one_is_accepted_at_once():
    """Enter on `Real Madrid` (one action) hides the wrong `Madrid` inside it: cheaper than rejecting that."""
    text, reference = "Real Madrid won.", {(0, 11, "ORG")}
    shown = [Suggestion(0, 11, "ORG", "Real Madrid", "model:m"), Suggestion(5, 11, "LOC", "Madrid", "patterns")]
    annotator = SimulatedAnnotator(propagate=False)
    annotator.label(text, reference, shown)
    assert (annotator.counts["accepted"], annotator.counts["by_enter"], annotator.counts["rejected"],
            annotator.counts["bulk"], annotator.actions) == (1, 1, 0, 0, 1)
