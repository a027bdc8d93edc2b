"""Relations through every format that carries them: generated records exported, imported again, compared."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.corpus import import_files
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.model import GoldSpan, Relation
from annotator.store import open_store
from tests.formats_common import make_store
from tests.test_formats_roundtrip import corpora, held

CARRY = ["jsonl", "brat", "label-studio", "doccano", "prodigy", "w3c", "spacy"]
KEEPS_ANNOTATOR = {"jsonl", "brat", "label-studio", "prodigy", "w3c", "spacy"}


@st.composite
def with_relations(draw, aligned: bool = False):
    """corpora() with span ids and up to 5 relations a record: CLAIM to ACTOR (CLAIMED_BY) or to LOCATION (ABOUT),
    between one annotator's spans."""
    records = draw(corpora(aligned))
    for record in records:
        spans = record["spans"]
        for i, span in enumerate(spans):
            span["id"] = i
        pairs = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=5))
        relations = []
        for first, second in pairs if spans else ():
            head, tail = spans[first % len(spans)], spans[second % len(spans)]
            if head["label"] == "CLAIM" and tail["label"] != "CLAIM" and head["annotator"] == tail["annotator"]:
                relations.append({"type": "CLAIMED_BY" if tail["label"] == "ACTOR" else "ABOUT",
                                  "from": head["id"], "to": tail["id"]})
        record["relations"] = relations
    return records


def relation_set(store, annotator: bool = True) -> set[tuple]:
    """Every relation as (text sha, type, from (start, end, label), to (start, end, label)[, annotator])."""
    found = set()
    for article, spans in store.iter_articles():
        by_id = {span.id: span for span in spans}
        for r in store.relations(article.id):
            found.add((article.text_sha256, r.type, by_id[r.from_id].key, by_id[r.to_id].key)
                      + ((r.annotator,) if annotator else ()))
    return found


def expected_back(fmt: str, store) -> set[tuple]:
    """What of the store's relations the format holds: both ends as the format holds them (brat leaves line breaks
    out of their ends, Prodigy widens them to whole tokens); a relation with an end it cannot hold is left out."""
    texts = {a.text_sha256: a.text for a, _ in store.iter_articles()}
    found = set()
    for sha, kind, head, tail, *who in relation_set(store, fmt in KEEPS_ANNOTATOR):
        ends = [held(fmt, texts[sha], start, end) for start, end, _ in (head, tail)]
        if None not in ends:
            found.add((sha, kind, (*ends[0], head[2]), (*ends[1], tail[2]), *who))
    return found


def texts_only(path: Path, fmt: str, records: list[dict]):
    """A new database; for w3c, whose annotations attach to stored articles, holding the records' texts alone."""
    store = open_store(path)
    if fmt == "w3c":
        bare = path.with_suffix(".texts.jsonl")
        bare.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in records), "utf-8")
        import_files(store, [bare], annotator="x")
    return store


def round_trip(fmt: str, records: list[dict]) -> None:
    """Export `records` in `fmt`, import the output into a new database: the relations held come back, and the
    summary accounts for every relation (written, or left out with its reason)."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = make_store(tmp, records)
        out = tmp / f"out{FORMATS[fmt].extension}"
        summary = export(source, ExportOptions(fmt, out))
        assert summary.relations + sum(summary.relations_left.values()) == source.count_relations(), summary.summary()
        target = texts_only(tmp / "target.db", fmt, records)
        import_files(target, [out], fmt=fmt, annotator="importer")
        assert relation_set(target, fmt in KEEPS_ANNOTATOR) == expected_back(fmt, source), summary.summary()
        source.close()
        target.close()


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "label-studio", "prodigy", "w3c"])
@SETTINGS
@given(records=with_relations())
def test_relations_round_trip(fmt, records):
    round_trip(fmt, records)


@SETTINGS
@given(records=with_relations())
def test_doccano_round_trip_keeps_relations_between_pooled_entities(records):
    round_trip("doccano", records)


@SETTINGS
@given(records=with_relations(aligned=True))
def test_spacy_round_trip_keeps_relations_in_user_data(records):
    pytest.importorskip("spacy")
    for record in records:  # spaCy holds one layer: one annotator's spans
        record["spans"] = [{**s, "annotator": "alice"} for s in record["spans"]]
    round_trip("spacy", records)


NEWS = [{"id": "n1", "text": "Nakatani said Japan needs NATO in Brussels.\nNATO met in Brussels.",
         "spans": [{"id": "c", "start": 14, "end": 30, "label": "CLAIM"}, {"id": "n", "start": 0, "end": 8, "label": "ACTOR"},
                   {"id": "b", "start": 34, "end": 42, "label": "LOCATION"}, {"id": "o", "start": 26, "end": 30, "label": "ACTOR"}],
         "relations": [{"type": "CLAIMED_BY", "from": "c", "to": "n"}, {"type": "ABOUT", "from": "c", "to": "b"},
                       {"type": "ABOUT", "from": "c", "to": "o"}]}]


@pytest.mark.parametrize("fmt", [f for f in CARRY if f != "jsonl"])
def test_labels_option_leaves_out_the_relations_of_an_end_it_leaves_out_and_says_so(tmp_path, fmt):
    store = make_store(tmp_path, NEWS)
    out = tmp_path / f"out{FORMATS[fmt].extension}"
    summary = export(store, ExportOptions(fmt, out, labels=["CLAIM", "ACTOR"]))
    assert (summary.relations, dict(summary.relations_left)) == (2, {"an end's label is not among --labels": 1})
    assert "1 relation not written: an end's label is not among --labels" in summary.summary()
    back = texts_only(tmp_path / "back.db", fmt, NEWS)
    import_files(back, [out], fmt=fmt, annotator="alice")
    assert {(kind, head[2], tail[2]) for _, kind, head, tail, _ in relation_set(back)} == {
        ("CLAIMED_BY", "CLAIM", "ACTOR"), ("ABOUT", "CLAIM", "ACTOR")}


def test_a_span_a_format_drops_takes_its_relations_and_the_report_says_so(tmp_path):
    text = "Japan said\nNATO matters.\u2028\u2029More."
    store = make_store(tmp_path, [{"id": "d", "text": text, "spans": [
        {"id": 1, "start": 0, "end": 24, "label": "CLAIM"}, {"id": 2, "start": 0, "end": 5, "label": "ACTOR"},
        {"id": 3, "start": 24, "end": 26, "label": "LOCATION"}],  # only line breaks: brat cannot hold it
        "relations": [{"type": "CLAIMED_BY", "from": 1, "to": 2}, {"type": "ABOUT", "from": 1, "to": 3}]}])
    summary = export(store, ExportOptions("brat", tmp_path / "brat"))
    assert summary.relations == 1 and summary.relations_left == {"an end was left out (see the spans left out)": 1}
    manifest = json.loads((tmp_path / "brat" / "manifest.json").read_text("utf-8"))
    assert manifest["relations"] == {"written": 1, "left_out": {"an end was left out (see the spans left out)": 1}}
    assert "1 relation not written: an end was left out" in summary.summary()
    strict = export(store, ExportOptions("prodigy", tmp_path / "p.jsonl", alignment="strict",
                                         labels=["CLAIM", "ACTOR"]))
    assert strict.relations == 1


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "label-studio", "w3c", "prodigy", "doccano"])
def test_gold_relations_are_exported_with_the_gold_layer(tmp_path, fmt):
    store = make_store(tmp_path, NEWS)
    article = store.article_ids()[0]
    text = store.article(article).text
    gold = {key: store.add_gold_span(article, GoldSpan(s, e, label, text[s:e], "rita"))
            for key, (s, e, label) in {"c": (14, 30, "CLAIM"), "n": (0, 8, "ACTOR"), "b": (34, 42, "LOCATION")}.items()}
    store.add_gold_relation(Relation("CLAIMED_BY", gold["c"].id, gold["n"].id, "rita"))
    store.add_gold_relation(Relation("ABOUT", gold["c"].id, gold["b"].id, "rita"))
    out = tmp_path / f"gold{FORMATS[fmt].extension}"
    options = ExportOptions(fmt, out, gold=True, split={"all": 1.0} if fmt == "jsonl" else None)  # not SQLite's writer
    summary = export(store, options)
    assert summary.relations == 2 and not summary.relations_left, summary.summary()
    back = texts_only(tmp_path / "back.db", fmt, NEWS)
    import_files(back, [out], fmt=fmt, annotator="rita")
    assert {(kind, head, tail) for _, kind, head, tail, _ in relation_set(back)} == {
        ("CLAIMED_BY", (14, 30, "CLAIM"), (0, 8, "ACTOR")), ("ABOUT", (14, 30, "CLAIM"), (34, 42, "LOCATION"))}


@SETTINGS
@given(records=with_relations())
def test_jsonl_with_labels_writes_no_relation_to_a_span_it_left_out(records):
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        store = make_store(tmp, records)
        summary = export(store, ExportOptions("jsonl", tmp / "out.jsonl", labels=["CLAIM", "ACTOR"]))
        written = 0
        for line in (tmp / "out.jsonl").read_text("utf-8").splitlines():
            record = json.loads(line)
            ids = {span["id"] for span in record["spans"] if "id" in span}
            assert all(r["from"] in ids and r["to"] in ids for r in record.get("relations", []))
            written += len(record.get("relations", []))
        kept = sum(1 for _, _, _, tail, _ in relation_set(store) if tail[2] == "ACTOR")
        assert written == summary.relations == kept
        assert summary.relations_left == ({"an end's label is not among --labels": store.count_relations() - kept}
                                          if store.count_relations() > kept else {})
        store.close()


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "label-studio", "doccano", "prodigy", "w3c"])
@settings(SETTINGS, max_examples=6)
@given(records=with_relations())
def test_one_annotators_layer_round_trips_with_its_relations_alone(fmt, records):
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = make_store(tmp, records)
        if "alice" in source.annotators():
            out = tmp / f"alice{FORMATS[fmt].extension}"
            summary = export(source, ExportOptions(fmt, out, annotator="alice"))
            target = texts_only(tmp / "target.db", fmt, records)
            import_files(target, [out], fmt=fmt, annotator="alice")
            texts = {a.text_sha256: a.text for a, _ in source.iter_articles()}
            expected = set()
            for sha, kind, head, tail, who in relation_set(source):
                ends = [held(fmt, texts[sha], start, end) for start, end, _ in (head, tail)]
                if who == "alice" and None not in ends:
                    expected.add((sha, kind, (*ends[0], head[2]), (*ends[1], tail[2]), who))
            assert relation_set(target) == expected, summary.summary()
            target.close()
        source.close()
