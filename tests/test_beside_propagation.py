"""A model beside propagation: propagation's suggestion first where they overlap, and the min-score that saves most
actions on the held-out articles, counting a right place with another label as one key (none when none saves)."""

from __future__ import annotations

import json
import math

from annotator.beside_propagation import FILE, best_min_score, gain, min_score, propagation_first
from annotator.model import Suggestion

TEXT = "Real Madrid ganó en Madrid. España perdió."
REFERENCE = {(0, 11, "ORG"), (20, 26, "LOC"), (28, 34, "ORG")}


def model(start: int, end: int, label: str, score: float) -> Suggestion:
    return Suggestion(start, end, label, TEXT[start:end], "model:m", score)


def test_another_sources_suggestion_overlapping_a_propagation_one_is_left_out():
    propagated = Suggestion(28, 34, "ORG", "España", "propagation", 1.0)
    found = [model(28, 34, "LOC", 0.9), model(26, 34, "MISC", 0.5), propagated, model(0, 11, "ORG", 0.8)]
    assert propagation_first(found) == [propagated, model(0, 11, "ORG", 0.8)]
    assert propagation_first(found[:2]) == found[:2]


def test_the_gain_counts_a_relabel_as_no_loss_and_a_wrong_place_as_a_rejection():
    assert gain(TEXT, [model(0, 11, "ORG", 0.9)], REFERENCE) == 1  # a span not to make
    assert gain(TEXT, [model(28, 34, "LOC", 0.9)], REFERENCE) == 0  # the right place: one key relabels it
    assert gain(TEXT, [model(12, 16, "ORG", 0.9)], REFERENCE) == -1  # "ganó": rejected
    assert gain(TEXT, [model(5, 11, "LOC", 0.9)], REFERENCE) == 0  # hidden once Real Madrid, before it, is made
    again = "España ganó. España perdió."
    twice = [Suggestion(0, 6, "ORG", "España", "model:m", 0.9), Suggestion(13, 19, "ORG", "España", "model:m", 0.9)]
    assert gain(again, twice, {(0, 6, "ORG"), (13, 19, "ORG")}) == 1  # the second: propagated from the first


def test_the_min_score_saves_most_actions_and_is_none_when_none_saves():
    articles = [(TEXT, [model(0, 11, "ORG", 0.9), model(12, 16, "ORG", 0.7), model(28, 34, "LOC", 0.6),
                        model(20, 26, "LOC", 0.5)], REFERENCE)]
    assert best_min_score(articles) == (0.9, 1)  # 0.5 also saves 1 (+1 -1 +0 +1): the fewer suggestions
    articles[0][1][1] = model(12, 16, "ORG", 0.4)
    assert best_min_score(articles) == (0.5, 2)
    assert best_min_score([(TEXT, [model(12, 16, "ORG", 0.9), model(0, 11, "ORG", 0.3)], REFERENCE)]) == (math.inf, 0)
    assert best_min_score([(TEXT, [], REFERENCE)]) == (math.inf, 0)


def test_the_chosen_min_score_is_read_from_beside_the_model(tmp_path):
    (tmp_path / FILE).write_text(json.dumps({"min_score": None, "saved_on_held_out": 0}))
    assert min_score(str(tmp_path)) == math.inf  # the model suggests nothing beside propagation
    (tmp_path / FILE).write_text(json.dumps({"min_score": 0.75, "saved_on_held_out": 3}))
    assert min_score(str(tmp_path)) == 0.75
    assert min_score(str(tmp_path / "an installed pipeline")) == 0.0  # no held-out articles: nothing to choose on
