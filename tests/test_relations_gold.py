"""The gold layer with relations through every format: ends accepted by two reviewers, exported, imported again."""

from __future__ import annotations

import pytest

from annotator.corpus import import_files
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.relation_review import RelationDecision, relation_candidates
from annotator.review import apply, article_candidates, plan_accept
from tests.formats_common import make_store
from tests.test_relations_roundtrip import NEWS, texts_only

CARRY = ["jsonl", "brat", "label-studio", "doccano", "prodigy", "w3c", "spacy"]


def two_reviewers(tmp_path):
    """NEWS labelled by alice and bob alike; rita accepts the claim, sam the actor and the location, then rita
    accepts alice's two relations from the claim: gold relations between spans two reviewers accepted."""
    store = make_store(tmp_path, NEWS)
    import_files(store, [tmp_path / "source.db.jsonl"], annotator="bob")  # the same spans by bob
    article = store.article_ids()[0]
    found = {c.key: c for c in article_candidates(store, article, ["alice", "bob"])}
    for key, reviewer in (((14, 30, "CLAIM"), "rita"), ((0, 8, "ACTOR"), "sam"), ((34, 42, "LOCATION"), "sam")):
        apply(store, plan_accept(store, article, found[key], reviewer))
    spans, relations = store.spans(article), store.relations(article)
    for candidate in relation_candidates(spans, relations, ["alice", "bob"]):
        if candidate.tail != (26, 30, "ACTOR"):
            RelationDecision(article, "rita", candidate, accept=True).apply(store)
    return store, article


def test_two_reviewers_gold_layer_is_made_as_the_test_says(tmp_path):
    store, article = two_reviewers(tmp_path)
    assert {(g.key, g.reviewer) for g in store.gold_spans(article)} == {
        ((14, 30, "CLAIM"), "rita"), ((0, 8, "ACTOR"), "sam"), ((34, 42, "LOCATION"), "sam")}
    assert len(store.gold_relations(article)) == 2


@pytest.mark.parametrize("fmt", CARRY)
def test_gold_relations_between_two_reviewers_spans_come_back(tmp_path, fmt):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    store, _ = two_reviewers(tmp_path)
    out = tmp_path / f"gold{FORMATS[fmt].extension}"
    summary = export(store, ExportOptions(fmt, out, gold=True))
    assert summary.relations == 2 and not summary.relations_left, summary.summary()
    back = texts_only(tmp_path / "back.db", fmt, NEWS)
    import_files(back, [out], fmt=fmt, annotator="gold")
    article = back.article_ids()[0]
    ends = {s.id: s.key for s in back.spans(article)}
    assert {(r.type, ends[r.from_id], ends[r.to_id]) for r in back.relations(article)} == {
        ("CLAIMED_BY", (14, 30, "CLAIM"), (0, 8, "ACTOR")), ("ABOUT", (14, 30, "CLAIM"), (34, 42, "LOCATION"))}
