"""The suggest and patterns commands through click's CliRunner on temporary databases."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import Article, Span
from annotator.store import open_store

pytest.importorskip("spacy")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "project.db"
    store = open_store(path)
    store.add_article(Article("a1", "NATO met in Brussels. NATO left."))
    store.add_article(Article("a2", "Later NATO and nato went to brussels."))
    store.add_span("a1", Span(0, 4, "ACTOR", "NATO", "alice"))
    store.add_span("a1", Span(12, 20, "LOCATION", "Brussels", "bob"))
    store.close()
    return path


def open_spans(path, who):
    store = open_store(path)
    try:
        return {(a, s.text, s.label) for a in ("a1", "a2") for s in store.suggestions(a, who)}
    finally:
        store.close()


def test_propagate_is_incremental_and_accept_counts_per_label(db):
    code, out = run("suggest", "--propagate", "--annotator", "alice", "--db", db)
    assert code == 0 and "2 open suggestions for alice in 2 articles (2 new): ACTOR 2" in out
    assert open_spans(db, "alice") == {("a1", "NATO", "ACTOR"), ("a2", "NATO", "ACTOR")}
    code, out = run("suggest", "--propagate", "--annotator", "alice", "--db", db)
    assert code == 0 and "(0 new)" in out
    code, out = run("suggest", "--accept", "--articles", "a2", "--annotator", "alice", "--db", db)
    assert code == 0 and "1 suggestion accepted as alice's spans: ACTOR 1" in out
    store = open_store(db)
    assert [(s.text, s.annotator) for s in store.spans("a2")] == [("NATO", "alice")]
    store.close()


def test_rejected_suggestions_are_not_suggested_again(db):
    run("suggest", "--propagate", "--ignore-case", "--articles", "a2", "--annotator", "alice", "--db", db)
    store = open_store(db)
    assert [s.text for s in store.suggestions("a2", "alice")] == ["NATO", "nato"]
    store.reject_suggestion(store.suggestions("a2", "alice")[1].id)
    store.close()
    code, out = run("suggest", "--propagate", "--ignore-case", "--annotator", "alice", "--db", db)
    assert code == 0 and "(1 new)" in out
    assert open_spans(db, "alice") == {("a1", "NATO", "ACTOR"), ("a2", "NATO", "ACTOR")}


def test_patterns_written_from_labels_then_suggested_by_status(db, tmp_path):
    out_file = tmp_path / "patterns.jsonl"
    code, out = run("patterns", "--out", out_file, "--db", db)
    assert code == 0 and "Wrote 2 patterns" in out
    assert out_file.read_text("utf-8").splitlines() == [
        '{"label": "ACTOR", "pattern": "NATO"}', '{"label": "LOCATION", "pattern": "Brussels"}']
    token_file = tmp_path / "lower.jsonl"
    token_file.write_text(json.dumps({"label": "LOCATION", "pattern": [{"LOWER": "brussels"}]}) + "\n")
    code, out = run("suggest", "--patterns", token_file, "--status", "todo", "--annotator", "alice", "--db", db)
    assert code == 0 and "1 open suggestion for alice in 1 article (1 new): LOCATION 1" in out  # a1 is in progress
    code, out = run("suggest", "--patterns", out_file, "--min-score", "0.5", "--accept", "--annotator", "bob",
                    "--db", db)
    assert code == 0 and "3 suggestions accepted as bob's spans: ACTOR 3" in out


def test_the_gold_layer_as_patterns(db, tmp_path):
    store = open_store(db)
    from annotator.model import GoldSpan

    store.add_gold_span("a1", GoldSpan(0, 4, "ACTOR", "NATO", "rita"))
    store.close()
    code, out = run("patterns", "--gold", "--out", tmp_path / "gold.jsonl", "--db", db)
    assert code == 0 and (tmp_path / "gold.jsonl").read_text() == '{"label": "ACTOR", "pattern": "NATO"}\n'


@pytest.mark.parametrize(("args", "message"), [
    (["suggest"], "nothing to suggest from"),
    (["suggest", "--propagate", "--articles", "a9"], "no article 'a9'"),
    (["suggest", "--propagate", "--articles", "a1", "--status", "todo"], "--articles or --status, not both"),
    (["patterns", "--out", "x.jsonl", "--gold", "--annotator", "alice"], "--annotator or --gold, not both"),
])
def test_bad_requests_are_one_line(db, args, message):
    code, out = run(*args, "--db", db)
    assert code == 1 and message in out and "Traceback" not in out


def test_a_bad_patterns_file_names_line_and_field(db, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ACTOR", "pattern": "NATO"}\n{"label": "ORG", "pattern": "NATO"}\n')
    code, out = run("suggest", "--patterns", bad, "--db", db)
    assert code == 1 and f"{bad}:2: $.label:" in out and open_spans(db, "tester") == set()


def test_list_and_reject_from_the_command_line(db):
    run("suggest", "--propagate", "--ignore-case", "--annotator", "alice", "--db", db)
    code, out = run("suggestions", "--annotator", "alice", "--articles", "a2", "--db", db)
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and [(r[1], r[2], r[3], r[4], r[5], r[6]) for r in lines] == [
        ("a2", "6-10", "ACTOR", "1.00", "propagation", "'NATO'"), ("a2", "15-19", "ACTOR", "1.00", "propagation", "'nato'")]
    code, out = run("suggestions", "--reject", lines[1][0], "--annotator", "alice", "--db", db)
    assert code == 0 and "1 suggestion rejected" in out
    run("suggest", "--propagate", "--ignore-case", "--annotator", "alice", "--db", db)
    assert open_spans(db, "alice") == {("a1", "NATO", "ACTOR"), ("a2", "NATO", "ACTOR")}
    code, out = run("suggestions", "--reject", "x1", "--db", db)
    assert code == 1 and "'x1' is not a suggestion id" in out


def test_suggestions_overlapping_the_annotators_spans_are_left_out_unless_those_labels_nest(tmp_path):
    path = tmp_path / "nest.db"
    store = open_store(path)
    text = "Atlético de Madrid won. Madrid is far. NATO said Madrid must act."
    store.add_article(Article("a1", text))
    for phrase, label, nth in (("Atlético de Madrid", "ACTOR", 0), ("Madrid", "LOCATION", 1)):
        start = text.index(phrase) if nth == 0 else text.index(phrase, 20)
        store.add_span("a1", Span(start, start + len(phrase), label, phrase, "alice"))
    claim = text.index("NATO said")
    store.add_span("a1", Span(claim, len(text) - 1, "CLAIM", text[claim:-1], "alice"))
    store.close()
    code, out = run("suggest", "--propagate", "--annotator", "alice", "--db", path)
    assert code == 0 and "(0 new; 2 left out as overlapping the annotator's spans)" in out  # in ACTOR, in CLAIM
    store = open_store(path)
    store.add_span("a1", Span(claim, claim + 4, "ACTOR", "NATO", "alice"))  # now she has nested ACTOR in CLAIM...
    assert store.nested_label_pairs("alice") == {("CLAIM", "ACTOR")}
    store.close()
    code, out = run("suggest", "--propagate", "--annotator", "alice", "--db", path)
    assert code == 0 and "(0 new; 2 left out" in out  # ... but never LOCATION inside CLAIM or ACTOR
    store = open_store(path)
    store.add_article(Article("a2", "They said Madrid will act."))
    store.add_span("a2", Span(0, 25, "CLAIM", "They said Madrid will act", "bob"))
    store.add_span("a2", Span(10, 16, "LOCATION", "Madrid", "bob"))  # bob nests LOCATION in CLAIM
    store.add_span("a1", Span(claim, len(text) - 1, "CLAIM", text[claim:-1], "bob"))
    store.close()
    code, out = run("suggest", "--propagate", "--annotator", "bob", "--db", path)
    assert code == 0 and "3 open suggestions for bob in 2 articles (3 new): LOCATION 3" in out  # one in his CLAIM
