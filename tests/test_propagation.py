"""Propagation: labelled texts found again as whole words, case-sensitive by default, at code-point offsets."""

from __future__ import annotations

from annotator.propagation import Propagator


def found(propagator, text):
    return [(s.start, s.end, s.label, s.text, round(s.score, 2)) for s in propagator.find(text)]


def test_whole_words_only_and_case_sensitive_by_default():
    p = Propagator([("NATO", "ACTOR", 1)])
    text = "NATO met. NATOS and nato did not; (NATO) did."
    assert found(p, text) == [(0, 4, "ACTOR", "NATO", 1.0), (35, 39, "ACTOR", "NATO", 1.0)]


def test_ignore_case_keeps_the_texts_own_spelling():
    p = Propagator([("NATO", "ACTOR", 1)], ignore_case=True)
    assert found(p, "nato and Nato") == [(0, 4, "ACTOR", "nato", 1.0), (9, 13, "ACTOR", "Nato", 1.0)]


def test_several_words_nesting_and_the_likeliest_label_scored_by_its_share():
    p = Propagator([("Paris", "LOCATION", 9), ("Paris", "ACTOR", 1), ("the mayor of Paris", "ACTOR", 2)])
    text = "Yesterday the mayor of Paris spoke."
    assert found(p, text) == [(10, 28, "ACTOR", "the mayor of Paris", 1.0), (23, 28, "LOCATION", "Paris", 0.9)]
    tied = Propagator([("China", "LOCATION", 2), ("China", "ACTOR", 2)])
    assert found(tied, "China won") == [(0, 5, "ACTOR", "China", 0.5), (0, 5, "LOCATION", "China", 0.5)]


def test_offsets_are_code_points_after_emoji_and_combining_marks():
    p = Propagator([("Café", "LOCATION", 1), ("東京", "LOCATION", 1)])
    text = "👨🏻‍🚒 🇯🇵 Café and Cafe\u0301, 東京に行く"
    got = p.find(text)
    assert [(s.text, text[s.start:s.end]) for s in got] == [("Café", "Café"), ("東京", "東京")]


def test_blank_terms_are_ignored_and_no_terms_find_nothing():
    assert found(Propagator([(" ", "ACTOR", 1)]), "a b") == []
    assert found(Propagator([]), "NATO") == []


def test_ignore_case_keeps_offsets_when_a_lowercase_is_longer():
    p = Propagator([("İstanbul", "LOCATION", 1)], ignore_case=True)
    text = "İSTANBUL, İstanbul and istanbul"
    assert [(s.start, s.end, s.text) for s in p.find(text)] == [(0, 8, "İSTANBUL"), (10, 18, "İstanbul")]
