"""Relations in the canonical JSONL: import, export, validate, and a round trip of generated records."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.corpus import import_files
from annotator.errors import InputErrors
from annotator.exporting import ExportOptions, export
from annotator.model import Span
from annotator.store import open_store
from tests.conftest import HARD_TEXTS

TEXT = "Nakatani said Japan needs NATO in Brussels."


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def claim_record(**relation) -> dict:
    return {
        "text": TEXT,
        "spans": [{"id": "c", "start": 14, "end": 30, "label": "CLAIM"}, {"id": "n", "start": 0, "end": 8, "label": "ACTOR"},
                  {"id": "b", "start": 34, "end": 42, "label": "LOCATION"}, {"start": 26, "end": 30, "label": "ACTOR"}],
        "relations": [{"type": "CLAIMED_BY", "from": "c", "to": "n"}, {"type": "ABOUT", "from": "c", "to": "b", **relation}],
    }


def exported(store, tmp_path, name="out.jsonl", **options) -> list[dict]:
    export(store, ExportOptions("jsonl", tmp_path / name, **options))
    return [json.loads(line) for line in (tmp_path / name).read_text("utf-8").splitlines()]


def linked(record: dict) -> set[tuple]:
    """A record's relations with their ends as (annotator, start, end, label): what survives a change of ids."""
    spans = {span["id"]: (span["annotator"], span["start"], span["end"], span["label"]) for span in record["spans"] if "id" in span}
    return {(r["type"], spans[r["from"]], spans[r["to"]], r["annotator"]) for r in record.get("relations", [])}


def test_relations_are_imported_between_the_records_spans_and_exported_by_id(store, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [claim_record()])
    report = import_files(store, [path], annotator="alice")
    assert "2 relations added" in report.summary()
    [record] = exported(store, tmp_path)
    assert linked(record) == {
        ("CLAIMED_BY", ("alice", 14, 30, "CLAIM"), ("alice", 0, 8, "ACTOR"), "alice"),
        ("ABOUT", ("alice", 14, 30, "CLAIM"), ("alice", 34, 42, "LOCATION"), "alice"),
    }
    assert [("id" in span) for span in record["spans"]] == [True, True, False, True]  # the unlinked ACTOR has none
    assert (store.stats()["relations"], store.stats()["gold_relations"]) == ({"ABOUT": 1, "CLAIMED_BY": 1}, 0)
    store.close()
    shown = CliRunner().invoke(cli, ["stats", "--db", store.path]).output
    assert "relations: 2   gold relations: 0\n  ABOUT               1\n  CLAIMED_BY          1\n" in shown
    listed = CliRunner().invoke(cli, ["relations", "--db", store.path, "--annotator", "alice"]).output.splitlines()
    assert listed == [f"{record['id']}  alice  CLAIMED_BY  \"Japan needs NATO\" [CLAIM] -> \"Nakatani\" [ACTOR]",
                      f"{record['id']}  alice  ABOUT  \"Japan needs NATO\" [CLAIM] -> \"Brussels\" [LOCATION]"]
    assert CliRunner().invoke(cli, ["relations", "--db", store.path, "--gold"]).output == ""
    store = open_store(store.path)
    again = import_files(store, [path], annotator="alice")
    assert (again.relations, again.relations_present) == (0, 2)
    assert "(2 already present)" in again.summary()


@pytest.mark.parametrize(("record", "field", "message"), [
    ({**claim_record(), "relations": [{"type": "ABOUT", "from": "c", "to": "x"}]}, "$.relations[0].to", "no span of the record has id 'x'"),
    ({**claim_record(), "relations": [{"type": "CLAIMED_BY", "from": "c", "to": "b"}]}, "$.relations[0].type",
     "CLAIMED_BY goes to ACTOR, not to LOCATION"),
    ({**claim_record(), "relations": [{"type": "QUOTES", "from": "c", "to": "n"}]}, "$.relations[0].type",
     "unknown relation type 'QUOTES' (known: CLAIMED_BY, ABOUT)"),
    ({**claim_record(), "relations": [{"type": "ABOUT", "from": "c", "to": "c"}]}, "$.relations[0].to", "links span 0 to itself"),
    (claim_record(annotator="bob"), "$.relations[1].annotator", "links spans of different annotators (alice, bob)"),
    ({**claim_record(), "spans": [*claim_record()["spans"], {"id": "c", "start": 0, "end": 5, "label": "ACTOR"}]},
     "$.spans[4].id", "'c' is already the id of span 0"),
    ({**claim_record(), "relations": [{"type": "ABOUT", "from": "c"}]}, "$.relations[0].to", "is required"),
])
def test_a_bad_relation_is_one_line_naming_file_line_and_field_and_nothing_is_imported(store, tmp_path, record, field, message):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": "Another article."}, record])
    with pytest.raises(InputErrors) as caught:
        import_files(store, [path], annotator="alice")
    assert str(caught.value) == f"{path}:2: {field}: {message}"
    assert store.count_articles() == 0 and store.count_relations() == 0


def test_validate_checks_relation_ends_and_types_against_a_label_set(tmp_path):
    run = CliRunner()
    good = write_jsonl(tmp_path / "good.jsonl", [claim_record()])
    assert run.invoke(cli, ["validate", str(good)]).exit_code == 0
    bad = write_jsonl(tmp_path / "bad.jsonl", [{**claim_record(), "relations": [{"type": "CLAIMED_BY", "from": "n", "to": "c"}]}])
    result = run.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:1: $.relations[0].type: CLAIMED_BY goes from CLAIM, not from ACTOR")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"labels": [{"name": "CLAIM"}, {"name": "ACTOR"}, {"name": "LOCATION"}],
                                  "relations": [{"name": "CLAIMED_BY", "from": ["ACTOR", "CLAIM"], "to": ["CLAIM", "ACTOR"]}]}))
    assert run.invoke(cli, ["validate", str(bad), "--labels", str(labels)]).exit_code == 0
    assert "unknown relation type 'ABOUT'" in run.invoke(cli, ["validate", str(good), "--labels", str(labels)]).output


def test_labels_command_sets_and_shows_relation_types(tmp_path):
    run = CliRunner()
    db, labels = tmp_path / "l.db", tmp_path / "labels.json"
    labels.write_text(json.dumps({"labels": [{"name": "CLAIM"}, {"name": "PERSON", "key": "p"}],
                                  "relations": [{"name": "SAID_BY", "key": "q", "color": "#112233", "from": ["CLAIM"], "to": ["PERSON"]}]}))
    result = run.invoke(cli, ["labels", "--db", str(db), "--set", str(labels)])
    assert "q  SAID_BY      #112233  CLAIM -> PERSON" in result.output
    labels.write_text(json.dumps({"labels": [{"name": "CLAIM"}], "relations": [{"name": "SAID_BY", "from": ["CLAIM"], "to": ["PERSON"]}]}))
    result = run.invoke(cli, ["labels", "--db", str(db), "--set", str(labels)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {labels}: $.relations[0].to: 'PERSON' is not a label of the set")


@st.composite
def records(draw):
    text = draw(st.sampled_from([*HARD_TEXTS, TEXT]))
    spans = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append({"id": f"s{i}", "start": start, "end": end, "label": draw(st.sampled_from(["CLAIM", "ACTOR", "LOCATION"])),
                      "annotator": draw(st.sampled_from(["ann", "bob"]))})
    relations = []
    for first, second in draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=5)):
        if spans:
            head, tail = spans[first % len(spans)], spans[second % len(spans)]
            keys = {(s["annotator"], s["start"], s["end"], s["label"]) for s in (head, tail)}
            kind = "CLAIMED_BY" if tail["label"] == "ACTOR" else "ABOUT"
            if head["label"] == "CLAIM" and tail["label"] != "CLAIM" and head["annotator"] == tail["annotator"] and len(keys) == 2:
                relations.append({"type": kind, "from": head["id"], "to": tail["id"]})
    return {"text": text, "spans": spans, "relations": relations}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), min_size=1, max_size=4))
def test_generated_records_with_relations_round_trip_through_jsonl(tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("rt")
    path = write_jsonl(folder / "in.jsonl", batch)
    first = open_store(folder / "first.db")
    import_files(first, [path], annotator="x")
    out = exported(first, folder, "first.jsonl")
    second = open_store(folder / "second.db")
    import_files(second, [folder / "first.jsonl"], annotator="y")
    back = exported(second, folder, "second.jsonl")
    assert [linked(r) for r in back] == [linked(r) for r in out]
    assert [[{k: v for k, v in s.items() if k != "id"} for s in r["spans"]] for r in back] == [
        [{k: v for k, v in s.items() if k != "id"} for s in r["spans"]] for r in out]
    wanted: dict[str, set] = {}
    for record in batch:  # what went in: each text's relations, their ends as (annotator, start, end, label)
        spans = {s["id"]: (s["annotator"], s["start"], s["end"], s["label"]) for s in record["spans"]}
        wanted.setdefault(record["text"], set()).update(
            (r["type"], spans[r["from"]], spans[r["to"]], spans[r["from"]][0]) for r in record["relations"])
    assert {r["text"]: linked(r) for r in back} == wanted
    first.close()
    second.close()


@pytest.mark.parametrize("fmt", ["hf", "conll"])
def test_formats_that_do_not_carry_relations_say_so(store, tmp_path, fmt):
    import_files(store, [write_jsonl(tmp_path / "in.jsonl", [claim_record()])], annotator="alice")
    store.add_span(store.article_ids()[0], Span(0, 8, "ACTOR", "Nakatani", "bob"))  # bob has no relations
    summary = export(store, ExportOptions(fmt, tmp_path / f"out-{fmt}", annotator="alice", split={"all": 1.0}))
    assert f"2 relations not written: {fmt} export does not carry relations" in summary.summary()
    manifest = json.loads((tmp_path / f"out-{fmt}" / "manifest.json").read_text("utf-8"))
    assert manifest["not_carried"]["relation"] == 2 and manifest["relations"] == {"written": 0, "left_out": {}}
    assert "not written" not in export(store, ExportOptions(fmt, tmp_path / f"bob-{fmt}", annotator="bob")).summary()


@pytest.mark.parametrize("fmt", ["spacy", "brat", "label-studio", "doccano", "prodigy", "w3c"])
def test_formats_that_carry_relations_say_how_many_they_wrote(store, tmp_path, fmt):
    import_files(store, [write_jsonl(tmp_path / "in.jsonl", [claim_record()])], annotator="alice")
    summary = export(store, ExportOptions(fmt, tmp_path / f"out-{fmt}", split={"all": 1.0}))
    assert "2 relations between the spans" in summary.summary() and "not written" not in summary.summary()
    manifest = json.loads((tmp_path / f"out-{fmt}" / "manifest.json").read_text("utf-8"))
    assert "relation" not in manifest["not_carried"] and manifest["relations"] == {"written": 2, "left_out": {}}


def test_jsonl_says_how_many_relations_it_wrote_and_which_it_left_out_with_an_end(store, tmp_path):
    import_files(store, [write_jsonl(tmp_path / "in.jsonl", [claim_record()])], annotator="alice")
    assert "2 relations between the spans" in export(store, ExportOptions("jsonl", tmp_path / "all.jsonl")).summary()
    some = export(store, ExportOptions("jsonl", tmp_path / "some.jsonl", labels=["CLAIM", "ACTOR"]))
    assert "1 relation between the spans" in some.summary()
    assert "1 relation not written: an end's label is not among --labels" in some.summary()
    [record] = [json.loads(line) for line in (tmp_path / "some.jsonl").read_text("utf-8").splitlines()]
    assert linked(record) == {("CLAIMED_BY", ("alice", 14, 30, "CLAIM"), ("alice", 0, 8, "ACTOR"), "alice")}
    split = export(store, ExportOptions("jsonl", tmp_path / "split", split={"train": 0.5, "test": 0.5}))
    assert "2 relations between the spans" in split.summary() and "not written" not in split.summary()
    assert "relation" not in export(store, ExportOptions("jsonl", tmp_path / "none.jsonl", status="done")).summary()
