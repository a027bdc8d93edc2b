"""Patterns files: checked line by line, matched by spaCy's SpanRuler over our tokens, written for spaCy to read."""

from __future__ import annotations

import json

import pytest

from annotator.errors import InputError, UserError
from annotator.patterns import PatternMatcher, read_patterns, write_patterns

spacy = pytest.importorskip("spacy")
LABELS = ["CLAIM", "ACTOR", "LOCATION"]


def lines(tmp_path, *records):
    path = tmp_path / "patterns.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records),
                    "utf-8")
    return path


def test_phrase_and_token_patterns_match_at_code_point_offsets(tmp_path):
    path = lines(tmp_path, {"label": "ACTOR", "pattern": "NATO"},
                 {"label": "LOCATION", "pattern": [{"LOWER": "brussels"}]},
                 {"label": "LOCATION", "pattern": [{"LOWER": "new"}, {"LOWER": "york"}]}, "")
    matcher = PatternMatcher(read_patterns(path, LABELS))
    text = "👨🏻‍🚒 🇯🇵 NATO met in BRUSSELS and New York; nato and NATOS did not."
    got = [(s.label, s.text, text[s.start:s.end], s.source) for s in matcher.find(text)]
    assert got == [("ACTOR", "NATO", "NATO", "patterns"), ("LOCATION", "BRUSSELS", "BRUSSELS", "patterns"),
                   ("LOCATION", "New York", "New York", "patterns")]


def test_overlapping_patterns_are_all_kept(tmp_path):
    path = lines(tmp_path, {"label": "ACTOR", "pattern": "the mayor of Paris"}, {"label": "LOCATION", "pattern": "Paris"})
    text = "Then the mayor of Paris spoke."
    assert [(s.start, s.end, s.label) for s in PatternMatcher(read_patterns(path, LABELS)).find(text)] == [
        (5, 23, "ACTOR"), (18, 23, "LOCATION")]


@pytest.mark.parametrize(("record", "where", "message"), [
    ("{not json", "patterns.jsonl:2: not JSON", ""),
    ({"label": "ORG", "pattern": "NATO"}, "patterns.jsonl:2: $.label:", "not in the label set"),
    ({"label": "ACTOR", "pattern": ""}, "patterns.jsonl:2: $.pattern:", "non-empty string or a list"),
    ({"label": "ACTOR", "pattern": [{"POS": "PROPN"}]}, "patterns.jsonl:2: $.pattern[0].POS:", "trained pipeline"),
    (["ACTOR", "NATO"], "patterns.jsonl:2: not an object", ""),
])
def test_a_bad_line_is_named_with_its_field(tmp_path, record, where, message):
    path = lines(tmp_path, {"label": "ACTOR", "pattern": "NATO"}, record)
    with pytest.raises(InputError) as caught:
        read_patterns(path, LABELS)
    assert str(caught.value).startswith(str(tmp_path / where)) and message in str(caught.value)


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(UserError, match="no patterns"):
        read_patterns(lines(tmp_path, ""), LABELS)


def test_the_file_written_is_read_by_spacys_own_rulers(tmp_path):
    out = tmp_path / "out.jsonl"
    terms = [("NATO", "ACTOR", 3), ("Bruxelles", "LOCATION", 1), ("NATO", "LOCATION", 1), (" ", "ACTOR", 1)]
    assert write_patterns(terms, out) == 3
    entity_nlp = spacy.blank("en")
    entity_nlp.add_pipe("entity_ruler").from_disk(out)
    assert [(e.text, e.label_) for e in entity_nlp("NATO came to Bruxelles").ents] == [
        ("NATO", "ACTOR"), ("Bruxelles", "LOCATION")]
    span_nlp = spacy.blank("en")
    span_nlp.add_pipe("span_ruler").add_patterns(list(map(json.loads, out.read_text("utf-8").splitlines())))
    doc = span_nlp("NATO came")
    assert sorted((s.text, s.label_) for s in doc.spans["ruler"]) == [
        ("NATO", "ACTOR"), ("NATO", "LOCATION")]
