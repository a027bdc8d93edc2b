"""The gold layer with its relations through every format: spans accepted by several reviewers, exported with
--gold, imported into a new database: the same spans, the same relations, and each span's reviewer where the
format has a place for it (the summary counts it where not)."""

from __future__ import annotations

import importlib.util
import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.corpus import import_files
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.model import GoldSpan, Relation
from annotator.relation_review import RelationDecision, relation_candidates
from annotator.review import apply, article_candidates, merge, plan_accept, plan_reject
from annotator.store import open_store
from tests.formats_common import make_store
from tests.interop import brat_problems
from tests.test_formats_roundtrip import held
from tests.test_relations_roundtrip import NEWS, texts_only, with_relations

CARRY = ["jsonl", "brat", "label-studio", "doccano", "prodigy", "w3c", "spacy"]
REVIEWERS = ["rita", "sam", "Ana María", "r|x,y%z"]  # brat writes |, comma, space and % as %XX


CLAIM, ACTOR, LOCATION, NATO = (14, 30, "CLAIM"), (0, 8, "ACTOR"), (34, 42, "LOCATION"), (26, 30, "ACTOR")


def reviewed(tmp_path, name: str, accepts: dict, links: dict):
    """A database `name` of NEWS labelled alike by alice and bob, where each span `accepts` names was accepted by its
    reviewer, and each relation from the claim to a span `links` names by its reviewer (review mode's steps)."""
    store = make_store(tmp_path, NEWS, name=name)
    import_files(store, [tmp_path / f"{name}.jsonl"], annotator="bob")  # the same record, now bob's
    article = store.article_ids()[0]
    found = {c.key: c for c in article_candidates(store, article, ["alice", "bob"])}
    for key, reviewer in accepts.items():
        apply(store, plan_accept(store, article, found[key], reviewer))
    for candidate in relation_candidates(store.spans(article), store.relations(article), ["alice", "bob"]):
        if candidate.tail in links:
            RelationDecision(article, links[candidate.tail], candidate, accept=True).apply(store)
    return store


def two_reviewers(tmp_path):
    """In review, rita accepts the claim, sam the actor and the location, then rita the two relations from the claim to
    them: gold relations between spans two reviewers accepted."""
    store = reviewed(tmp_path, "source.db", {CLAIM: "rita", ACTOR: "sam", LOCATION: "sam"},
                     {ACTOR: "rita", LOCATION: "rita"})
    article = store.article_ids()[0]
    assert {(g.key, g.reviewer) for g in store.gold_spans(article)} == {(CLAIM, "rita"), (ACTOR, "sam"), (LOCATION, "sam")}
    assert len(store.gold_relations(article)) == 2
    return store


@pytest.mark.parametrize("fmt", [*CARRY, "jsonl-python"])
def test_gold_relations_between_two_reviewers_spans_come_back_with_each_spans_reviewer(tmp_path, fmt):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    store = two_reviewers(tmp_path)
    fmt, python = fmt.removesuffix("-python"), fmt.endswith("-python")  # not SQLite's writer: a split of one
    out = tmp_path / f"gold{FORMATS[fmt].extension}"
    summary = export(store, ExportOptions(fmt, out, gold=True, split={"all": 1.0} if python else None))
    assert summary.relations == 2 and not summary.relations_left, summary.summary()
    assert "2 gold relations written without their reviewer: a relation has no place for one" in summary.summary()
    if fmt == "brat":
        assert brat_problems(out) == []
    back = texts_only(tmp_path / "back.db", fmt, NEWS)
    import_files(back, [out], fmt=fmt, annotator="gold")
    article = back.article_ids()[0]
    spans = back.spans(article)
    ends = {s.id: s.key for s in spans}
    assert {(r.type, ends[r.from_id], ends[r.to_id], r.annotator) for r in back.relations(article)} == {
        ("CLAIMED_BY", (14, 30, "CLAIM"), (0, 8, "ACTOR"), "gold"), ("ABOUT", (14, 30, "CLAIM"), (34, 42, "LOCATION"), "gold")}
    reviewers = {(s.key, dict(s.attributes).get("Reviewer")) for s in spans}
    if "attribute" in FORMATS[fmt].carries:
        assert reviewers == {((14, 30, "CLAIM"), "rita"), ((0, 8, "ACTOR"), "sam"), ((34, 42, "LOCATION"), "sam")}
    else:
        assert {who for _, who in reviewers} == {None}
        assert summary.not_carried["attribute"] == 3
        assert f"3 gold spans' reviewers not written: the {fmt} format has no place for them" in summary.summary()


def test_the_gold_record_names_no_annotator_and_each_span_its_reviewer(tmp_path):
    store = two_reviewers(tmp_path)
    summary = export(store, ExportOptions("jsonl", tmp_path / "gold.jsonl", gold=True))
    record = (tmp_path / "gold.jsonl").read_text("utf-8")
    assert '"annotator"' not in record and record.count('"attributes":{"Reviewer":"sam"}') == 2
    assert summary.not_carried == {"relation reviewer": 2}


GOLD_SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fill_gold(store, choose) -> None:
    """Put spans of each article in the gold layer, each by a reviewer `choose` names (None: left out), and link
    them as the annotators linked theirs, each gold relation by a reviewer `choose` names."""
    for article_id in store.article_ids():
        gold, made = {}, set()
        for span in store.spans(article_id):
            reviewer = choose()
            if span.key not in gold and reviewer:
                gold[span.key] = store.add_gold_span(article_id, GoldSpan(*span.key, span.text, reviewer)).id
        ends = {span.id: span.key for span in store.spans(article_id)}
        for relation in store.relations(article_id):
            key = (relation.type, ends[relation.from_id], ends[relation.to_id])
            if key[1] in gold and key[2] in gold and key not in made:
                made.add(key)
                store.add_gold_relation(Relation(key[0], gold[key[1]], gold[key[2]], choose() or "rita"))


def gold_held(fmt: str, store) -> tuple[set, set]:
    """(spans as (sha, start, end, label, reviewer), relations as (sha, type, from, to)) of the gold layer, as the
    format holds them; a relation with an end it cannot hold is left out."""
    spans, relations = set(), set()
    for article, found in store.iter_articles(gold=True):
        by_id = {span.id: (*(held(fmt, article.text, span.start, span.end) or ()), span.label) for span in found}
        spans |= {(article.text_sha256, *by_id[s.id], dict(s.attributes)["Reviewer"]) for s in found
                  if len(by_id[s.id]) == 3}
        relations |= {(article.text_sha256, r.type, by_id[r.from_id], by_id[r.to_id]) for r in store.iter_relations(gold=True)
                      if r.article_id == article.id and len(by_id[r.from_id]) == len(by_id[r.to_id]) == 3}
    return spans, relations


def back_in(store) -> tuple[set, set]:
    """The same of an imported database: every span (with its Reviewer attribute, if any) and relation."""
    spans, relations = set(), set()
    for article, found in store.iter_articles():
        by_id = {span.id: span.key for span in found}
        spans |= {(article.text_sha256, *s.key, dict(s.attributes).get("Reviewer")) for s in found}
        relations |= {(article.text_sha256, r.type, by_id[r.from_id], by_id[r.to_id]) for r in store.relations(article.id)}
    return spans, relations


def gold_round_trip(fmt: str, records: list[dict], choose) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = make_store(tmp, records)
        fill_gold(source, choose)
        out = tmp / f"gold{FORMATS[fmt].extension}"
        summary = export(source, ExportOptions(fmt, out, gold=True))
        written = source.count_relations(gold=True)
        assert summary.relations + sum(summary.relations_left.values()) == written, summary.summary()
        assert summary.not_carried["relation reviewer"] == summary.relations
        target = texts_only(tmp / "target.db", fmt, records)
        import_files(target, [out], fmt=fmt, annotator="gold")
        (spans, relations), (got_spans, got_relations) = gold_held(fmt, source), back_in(target)
        assert got_relations == relations, summary.summary()
        assert {s[:4] for s in got_spans} == {s[:4] for s in spans}
        if "attribute" in FORMATS[fmt].carries:  # spans held alike (brat trims line breaks) come back as one
            alike = {key for key, n in Counter(s[:4] for s in spans).items() if n > 1}
            assert {s for s in got_spans if s[:4] not in alike} == {s for s in spans if s[:4] not in alike}
        else:
            assert summary.not_carried["attribute"] == sum(len(found) for _, found in source.iter_articles(gold=True))
        source.close()
        target.close()


def chooser(data):
    return lambda: data.draw(st.sampled_from([None, *REVIEWERS]))


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "label-studio", "doccano", "prodigy", "w3c"])
@GOLD_SETTINGS
@given(records=with_relations(), data=st.data())
def test_gold_layers_of_several_reviewers_round_trip(fmt, records, data):
    gold_round_trip(fmt, records, chooser(data))


@GOLD_SETTINGS
@given(records=with_relations(aligned=True), data=st.data())
def test_gold_layers_of_several_reviewers_round_trip_through_spacy(records, data):
    pytest.importorskip("spacy")
    gold_round_trip("spacy", records, chooser(data))


def test_merging_two_reviewers_overlapping_gold_layers_makes_one_that_exports_and_imports_again(tmp_path):
    """rita's and sam's copies both hold the claim in gold; each linked it to another span. Merged into a third
    database: one gold layer (the claim as rita put it, merged first), both relations, and it round-trips."""
    reviewed(tmp_path, "rita.db", {CLAIM: "rita", ACTOR: "rita"}, {ACTOR: "rita"}).close()
    sam = reviewed(tmp_path, "sam.db", {CLAIM: "sam", LOCATION: "sam"}, {LOCATION: "sam"})
    nato = next(c for c in article_candidates(sam, "n1", ["alice", "bob"]) if c.key == NATO)
    apply(sam, plan_reject(sam, "n1", nato, "sam"))
    sam.close()
    store = make_store(tmp_path, NEWS, name="review.db")
    report = merge(store, [tmp_path / "rita.db", tmp_path / "sam.db"])
    assert (report.gold_spans, report.gold_present, report.gold_relations, report.gold_relations_present) == (3, 1, 2, 0)
    assert "gold layer: 3 spans added (1 already present), 2 relations added (0 already present)" in report.summary()
    assert report.decisions_left == {"rejection": 1, "review status": 2}  # sam's rejection; both in_review statuses
    assert "not merged: 1 rejection, 2 review statuses (review decisions are taken in this database)" in report.summary()
    article = store.article_ids()[0]
    assert {(g.key, g.reviewer) for g in store.gold_spans(article)} == {(CLAIM, "rita"), (ACTOR, "rita"), (LOCATION, "sam")}
    assert {(g.annotators, g.decision) for g in store.gold_spans(article)} == {(("alice", "bob"), "accepted")}
    ends = {g.id: g.key for g in store.gold_spans(article)}
    assert {(r.type, ends[r.from_id], ends[r.to_id], r.annotator) for r in store.gold_relations(article)} == {
        ("CLAIMED_BY", CLAIM, ACTOR, "rita"), ("ABOUT", CLAIM, LOCATION, "sam")}
    again = merge(store, [tmp_path / "rita.db", tmp_path / "sam.db"])
    assert (again.gold_spans, again.gold_present, again.gold_relations, again.gold_relations_present) == (0, 4, 0, 2)
    for fmt in ("jsonl", "brat", "w3c"):
        out = tmp_path / f"gold{FORMATS[fmt].extension}"
        assert export(store, ExportOptions(fmt, out, gold=True)).relations == 2
        back = texts_only(tmp_path / f"back-{fmt}.db", fmt, NEWS)
        import_files(back, [out], fmt=fmt, annotator="gold")
        [there] = back.article_ids()
        spans = {s.id: s.key for s in back.spans(there)}
        assert {(r.type, spans[r.from_id], spans[r.to_id]) for r in back.relations(there)} == {
            ("CLAIMED_BY", CLAIM, ACTOR), ("ABOUT", CLAIM, LOCATION)}, fmt


def test_a_gold_span_or_relation_rejected_here_is_reported_not_merged(tmp_path):
    reviewed(tmp_path, "rita.db", {CLAIM: "rita", ACTOR: "rita", NATO: "rita"}, {ACTOR: "rita"}).close()
    store = make_store(tmp_path, NEWS, name="review.db")
    import_files(store, [tmp_path / "review.db.jsonl"], annotator="bob")
    article = store.article_ids()[0]
    nato = next(c for c in article_candidates(store, article, ["alice", "bob"]) if c.key == NATO)
    apply(store, plan_reject(store, article, nato, "sam"))
    claimed = next(c for c in relation_candidates(store.spans(article), store.relations(article), ["alice", "bob"])
                   if c.tail == ACTOR)
    RelationDecision(article, "sam", claimed, accept=False).apply(store)
    report = merge(store, [tmp_path / "rita.db"])
    assert report.refused_gold == ["rita.db: gold span 'NATO' (ACTOR) on article 'n1': rejected here",
                                   "rita.db: a gold CLAIMED_BY relation on article 'n1': rejected here"]
    assert "2 gold spans or relations not merged (rejected here)" in report.summary()
    assert {g.key for g in store.gold_spans(article)} == {CLAIM, ACTOR} and store.gold_relations(article) == []


def test_merging_a_database_older_than_the_gold_layer_merges_its_spans(tmp_path):
    from annotator.store.migrations import BEFORE_RELATIONS
    from tests.test_store import make_old_database

    make_old_database(tmp_path / "old.db", BEFORE_RELATIONS)
    store = make_store(tmp_path, NEWS, name="review.db")
    report = merge(store, [tmp_path / "old.db"])
    assert (report.articles, report.gold_spans, report.gold_relations) == (1, 0, 0) and not report.decisions_left


def test_the_commands_two_reviewers_accept_agreed_then_export_gold_and_import_it(tmp_path):
    """alice and bob agree on the claim and its actor, alice and carol on the location: rita accepts what alice and
    bob agree on, sam what alice and carol do; ABOUT goes in with sam's location. Every format's export imports."""
    from tests.test_review_cli import run

    claim, actor, place = ({"id": key, "start": s, "end": e, "label": label}
                           for key, (s, e, label) in zip("cnb", (CLAIM, ACTOR, LOCATION), strict=True))
    links = [{"type": "CLAIMED_BY", "from": "c", "to": "n"}, {"type": "ABOUT", "from": "c", "to": "b"}]
    text = NEWS[0]["text"]
    source = tmp_path / "team.jsonl"
    with open(source, "w", encoding="utf-8") as handle:
        for who, spans in (("alice", [claim, actor, place]), ("bob", [claim, actor]), ("carol", [claim, place])):
            relations = [r for r in links if {r["from"], r["to"]} <= {s["id"] for s in spans}]
            handle.write(json.dumps({"id": "n1", "text": text, "relations": relations,
                                     "spans": [{**s, "annotator": who} for s in spans]}) + "\n")
    db = tmp_path / "team.db"
    assert run("import", source, "--db", db)[0] == 0
    assert run("review", "--accept-agreed", "--annotators", "alice,bob", "--reviewer", "rita", "--db", db)[0] == 0
    assert run("review", "--accept-agreed", "--annotators", "alice,carol", "--reviewer", "sam", "--db", db)[0] == 0
    store = open_store(db)
    assert {(g.key, g.reviewer) for g in store.gold_spans("n1")} == {(CLAIM, "rita"), (ACTOR, "rita"), (LOCATION, "sam")}
    assert {(r.type, r.annotator) for r in store.gold_relations("n1")} == {("CLAIMED_BY", "rita"), ("ABOUT", "sam")}
    store.close()
    for fmt in CARRY:
        if fmt == "spacy" and importlib.util.find_spec("spacy") is None:
            continue
        out = tmp_path / f"gold-{fmt}{FORMATS[fmt].extension}"
        code, output = run("export", "--gold", "--format", fmt, "--out", out, "--db", db)
        assert code == 0 and "2 relations between the spans" in output, output
        back = tmp_path / f"back-{fmt}.db"
        if fmt == "w3c":  # its annotations attach to articles there already
            assert run("import", tmp_path / "team.jsonl", "--db", back, "--annotator", "x")[0] == 0
        code, output = run("import", out, "--format", fmt, "--db", back, "--annotator", "gold")
        assert code == 0, output
        store = open_store(back)
        [article] = store.article_ids()
        ends = {s.id: s.key for s in store.spans(article, "gold")}
        assert {(r.type, ends[r.from_id], ends[r.to_id]) for r in store.relations(article, "gold")} == {
            ("CLAIMED_BY", CLAIM, ACTOR), ("ABOUT", CLAIM, LOCATION)}, fmt
        store.close()


def test_each_tool_finds_the_gold_relations_ends_where_it_looks_for_them(tmp_path):
    """Label Studio: a relation names regions of its own annotation; Prodigy (srsly reading): a relation's spans are
    its task's; W3C: a linking annotation targets annotations of the page; brat: its reading rules."""
    store = two_reviewers(tmp_path)
    outs = {fmt: tmp_path / f"gold{FORMATS[fmt].extension}" for fmt in ("label-studio", "prodigy", "w3c", "brat")}
    for fmt, out in outs.items():
        export(store, ExportOptions(fmt, out, gold=True))
    assert brat_problems(outs["brat"]) == []
    [task] = json.loads(outs["label-studio"].read_text("utf-8"))
    [annotation] = task["annotations"]  # the gold layer: one annotation
    ids = {r["id"] for r in annotation["result"] if r["type"] == "labels"}
    relations = [r for r in annotation["result"] if r["type"] == "relation"]
    assert len(relations) == 2 and all({r["from_id"], r["to_id"]} <= ids for r in relations)
    srsly = pytest.importorskip("srsly")
    [task] = list(srsly.read_jsonl(outs["prodigy"]))
    assert "_annotator_id" not in task and len(task["relations"]) == 2
    for relation in task["relations"]:
        for role in ("head", "child"):
            end = relation[f"{role}_span"]
            assert end in [{k: s[k] for k in end} for s in task["spans"]]
    items = json.loads(outs["w3c"].read_text("utf-8"))["items"]
    spans = {a["id"] for a in items if a["motivation"] == "tagging"}
    links = [a for a in items if a["motivation"] == "linking"]
    assert len(links) == 2 and all(a["target"] in spans and a["body"][1]["source"] in spans for a in links)
    assert not any("creator" in a for a in items)  # one layer, nobody's


def test_a_reviewers_gold_layer_merged_into_either_engine_exports_the_same_record(tmp_path, any_store):
    reviewed(tmp_path, "rita.db", {CLAIM: "rita", ACTOR: "sam"}, {ACTOR: "rita"}).close()
    import_files(any_store, [tmp_path / "rita.db.jsonl"], annotator="alice")
    report = merge(any_store, [tmp_path / "rita.db"])
    assert (report.gold_spans, report.gold_relations) == (2, 1)
    [(_, record)] = list(any_store.iter_record_json(gold=True))
    record = json.loads(record)
    assert [(s["start"], s["label"], s["attributes"]) for s in record["spans"]] == [
        (0, "ACTOR", {"Reviewer": "sam"}), (14, "CLAIM", {"Reviewer": "rita"})]
    assert record["relations"] == [{"type": "CLAIMED_BY", "from": record["spans"][1]["id"], "to": record["spans"][0]["id"]}]


def test_a_gold_span_without_reviewer_exports_a_valid_record_by_both_writers(tmp_path):
    """A gold span no reviewer is named for went out with annotator "" before, which the record schema refuses."""
    from annotator import schema

    store = make_store(tmp_path, NEWS)
    text = NEWS[0]["text"]
    claim, actor = (store.add_gold_span("n1", GoldSpan(s, e, label, text[s:e], "")) for s, e, label in (CLAIM, ACTOR))
    store.add_gold_relation(Relation("CLAIMED_BY", claim.id, actor.id, ""))
    written = []
    for split in (None, {"all": 1.0}):  # SQLite's writer, then the Python one
        out = tmp_path / f"gold-{bool(split)}.jsonl"
        export(store, ExportOptions("jsonl", out, gold=True, split=split))
        written.append((out / "all.jsonl" if split else out).read_text("utf-8"))
    assert written[0] == written[1]
    record = json.loads(written[0])
    assert schema.errors("record", record) == [] and all("attributes" not in s for s in record["spans"])
    back = open_store(tmp_path / "back.db")
    import_files(back, [tmp_path / "gold-False.jsonl"], annotator="gold")
    assert len(back.relations("n1", "gold")) == 1
