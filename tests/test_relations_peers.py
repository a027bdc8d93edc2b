"""Relations in each tool's own shape (hand-written files after each tool's documented example), and our exports'
relations read by the tools: brat's rules, spaCy's DocBin, srsly for Prodigy, doccano's and Label Studio's shapes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from annotator.corpus import import_files
from annotator.errors import InputErrors
from annotator.exporting import ExportOptions, export
from tests.formats_common import make_store
from tests.interop import brat_problems, relation_config

PEERS = Path(__file__).parent / "data" / "peers"
TEXT = "Nakatani said Japan needs NATO in Brussels.\nNATO met in Brussels."
NEWS = [{"id": "n1", "text": TEXT, "spans": [
    {"id": "c", "start": 14, "end": 30, "label": "CLAIM"}, {"id": "n", "start": 0, "end": 8, "label": "ACTOR"},
    {"id": "b", "start": 34, "end": 42, "label": "LOCATION"}, {"id": "o", "start": 26, "end": 30, "label": "ACTOR"},
    {"id": "m", "start": 44, "end": 48, "label": "ACTOR", "annotator": "bob"},
    {"id": "mc", "start": 44, "end": 65, "label": "CLAIM", "annotator": "bob"}],
    "relations": [{"type": "CLAIMED_BY", "from": "c", "to": "n"}, {"type": "ABOUT", "from": "c", "to": "b"},
                  {"type": "ABOUT", "from": "c", "to": "o"}, {"type": "ABOUT", "from": "mc", "to": "m"}]}]


def listed(store) -> set[tuple]:
    """(annotator, type, from text, from label, to text, to label) of every relation."""
    return {row[1:] for row in store.relation_listing()}


def test_brat_relation_types_declared_in_annotation_conf_are_added_when_used(store):
    report = import_files(store, [PEERS / "brat-relations"], fmt="brat", annotator="x")
    assert (report.spans, report.relations) == (4, 3)
    assert report.added_relation_types == ["Employee_of", "Located"]
    located = {t.name: t for t in store.relation_types()}["Located"]  # its three lines, with the labels used so far
    assert set(located.from_labels) == {"Person", "City"} and set(located.to_labels) == {"City", "Country"}
    assert listed(store) == {("x", "Employee_of", "Maria Ruiz", "Person", "Telefónica", "Organization"),
                             ("x", "Located", "Maria Ruiz", "Person", "Madrid", "City"),
                             ("x", "Located", "Madrid", "City", "Spain", "Country")}


def test_label_studio_relations_follow_their_direction_and_the_doubtful_ones_are_reported(store):
    report = import_files(store, [PEERS / "ls-relations.json"], fmt="label-studio", annotator="x")
    assert (report.spans, report.relations) == (3, 3)
    assert report.added_relation_types == ["works_for", "lives_in", "based_in"]  # the config's <Relation> values
    kinds = {t.name: (t.from_labels, t.to_labels) for t in store.relation_types()}
    assert kinds["lives_in"] == (("PER",), ("LOC",))  # allowing the labels of the ends it links
    assert listed(store) == {("user1", "works_for", "Maria Ruiz", "PER", "Telefónica", "ORG"),
                             ("user1", "lives_in", "Maria Ruiz", "PER", "Madrid", "LOC"),
                             ("user1", "based_in", "Telefónica", "ORG", "Madrid", "LOC")}
    notes = [n for n in report.notes if "relation" in n]
    assert any(n.endswith("ls-relations.json: 1 relation without a label, not imported") for n in notes)
    assert any(n.endswith("ls-relations.json: 1 relation with direction bi read from from_id to to_id") for n in notes)


def test_a_label_studio_relation_naming_no_region_is_one_line(store, tmp_path):
    tasks = json.loads((PEERS / "ls-relations.json").read_text("utf-8"))
    tasks[0]["annotations"][0]["result"][3]["to_id"] = "gone"
    (tmp_path / "t.json").write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with pytest.raises(InputErrors, match=r't\.json:2: \$\[0\]\.annotations\[0\]\.result\[3\]\.to_id: no text labels '
                                          r'result "gone" in this annotation'):
        import_files(store, [tmp_path / "t.json"], fmt="label-studio", annotator="x", add_labels=True)
    assert store.count_articles() == 0


def test_prodigy_relations_to_plain_tokens_are_counted_and_an_ambiguous_head_is_refused(store, tmp_path):
    task = json.loads((PEERS / "prodigy-relations.jsonl").read_text("utf-8"))
    token = {"start": 6, "end": 13, "token_start": 1, "token_end": 1, "label": None}  # rel.manual: a token, no span
    task["relations"].append({"head": 0, "child": 1, "head_span": task["spans"][0], "child_span": token, "label": "DID"})
    (tmp_path / "p.jsonl").write_text(json.dumps(task) + "\n", encoding="utf-8")
    report = import_files(store, [tmp_path / "p.jsonl"], fmt="prodigy", annotator="x", add_labels=True)
    assert report.relations == 1 and any(n.endswith("p.jsonl: 1 relation between tokens that are not spans, not imported")
                                         for n in report.notes)
    task["spans"].append({"start": 0, "end": 19, "token_start": 0, "token_end": 2, "label": "CLAIM"})
    task["relations"] = [{"head": 2, "child": 0, "label": "ABOUT"}]  # two spans end at token 2, no head_span
    (tmp_path / "q.jsonl").write_text(json.dumps({**task, "text": task["text"] + " "}) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors, match=r"q\.jsonl:1: \$\.relations\[0\]\.head: 2 spans end at token 2; name the one "
                                          r"meant with head_span"):
        import_files(store, [tmp_path / "q.jsonl"], fmt="prodigy", annotator="x", add_labels=True)


def test_doccano_relation_naming_no_entity_is_one_line(store, tmp_path):
    line = json.loads((PEERS / "doccano-relations.jsonl").read_text("utf-8"))
    line["relations"][0]["to_id"] = 9
    (tmp_path / "d.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors, match=r"d\.jsonl:1: \$\.relations\[0\]\.to_id: no entity has id 9"):
        import_files(store, [tmp_path / "d.jsonl"], fmt="doccano", annotator="x", add_labels=True)


def test_w3c_linking_annotation_between_two_annotations_of_another_tool(tmp_path):
    store = make_store(tmp_path, [{"id": "a", "text": TEXT}])
    sha = store.article("a").text_sha256

    def tagging(ident, start, end, label):
        return {"id": ident, "type": "Annotation", "motivation": "tagging",
                "body": {"type": "TextualBody", "purpose": "tagging", "value": label},
                "target": {"source": f"urn:sha256:{sha}", "selector": {"type": "TextPositionSelector", "start": start, "end": end}}}

    page = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": [
        {"id": "https://example.org/anno/rel-1", "type": "Annotation", "motivation": "linking",
         "creator": {"type": "Person", "name": "kim"},
         "body": [{"type": "TextualBody", "purpose": "tagging", "value": "CLAIMED_BY"},
                  {"type": "SpecificResource", "purpose": "linking", "source": "https://example.org/anno/2"}],
         "target": "https://example.org/anno/1"},
        tagging("https://example.org/anno/1", 14, 30, "CLAIM") | {"creator": {"type": "Person", "name": "kim"}},
        tagging("https://example.org/anno/2", 0, 8, "ACTOR") | {"creator": "kim"}]}
    (tmp_path / "page.jsonld").write_text(json.dumps(page, indent=1), encoding="utf-8")
    report = import_files(store, [tmp_path / "page.jsonld"], fmt="w3c", annotator="x")
    assert report.relations == 1
    assert listed(store) == {("kim", "CLAIMED_BY", "Japan needs NATO", "CLAIM", "Nakatani", "ACTOR")}
    page["items"][0]["target"] = "https://example.org/anno/9"
    (tmp_path / "bad.jsonld").write_text(json.dumps(page, indent=1), encoding="utf-8")
    with pytest.raises(InputErrors, match=r'bad\.jsonld:5: \$\.items\[0\]\.target: "https://example\.org/anno/9" is not '
                                          r"the id of a span annotation in this file"):
        import_files(store, [tmp_path / "bad.jsonld"], fmt="w3c", annotator="x")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relations-out")
    store = make_store(folder, NEWS)
    outs = {"brat": folder / "brat", "label-studio": folder / "ls.json", "doccano": folder / "d.jsonl",
            "prodigy": folder / "p.jsonl", "w3c": folder / "w.jsonld"}
    summaries = {fmt: export(store, ExportOptions(fmt, out)) for fmt, out in outs.items()}
    summaries["spacy"] = export(store, ExportOptions("spacy", folder / "alice.spacy", annotator="alice"))
    return folder, outs, summaries


def test_brat_reads_the_relations_and_their_types_in_annotation_conf(exported):
    folder, outs, summaries = exported
    assert brat_problems(outs["brat"]) == []
    assert relation_config(outs["brat"] / "annotation.conf") == {
        "CLAIMED_BY": {("CLAIM", "ACTOR")}, "ABOUT": {("CLAIM", "ACTOR"), ("CLAIM", "LOCATION")}}
    lines = [line for ann in outs["brat"].glob("*.ann") for line in ann.read_text("utf-8").splitlines()]
    assert sum(line.startswith("R") for line in lines) == summaries["brat"].relations == 4
    assert "CLAIMED_BY\tcolor:#" in (outs["brat"] / "visual.conf").read_text("utf-8")


def test_label_studio_results_and_config_hold_the_relations(exported):
    folder, outs, _ = exported
    [task] = json.loads(outs["label-studio"].read_text("utf-8"))
    for annotation in task["annotations"]:  # a relation names regions of its own annotation
        ids = {r["id"] for r in annotation["result"] if r["type"] == "labels"}
        relations = [r for r in annotation["result"] if r["type"] == "relation"]
        assert relations and all({r["from_id"], r["to_id"]} <= ids and r["direction"] == "right" for r in relations)
    root = ElementTree.parse(folder / "ls.config.xml").getroot()
    assert [el.get("value") for el in root.iter("Relation")] == ["CLAIMED_BY", "ABOUT"]
    assert [el.tag for el in root] == ["Relations", "Labels", "Text"]


def test_doccano_writes_the_relation_form_its_import_reads(exported):
    _, outs, _ = exported
    [line] = [json.loads(line) for line in outs["doccano"].read_text("utf-8").splitlines()]
    assert "label" not in line
    ids = {e["id"] for e in line["entities"]}
    assert all(type(e["id"]) is int and 0 <= e["start_offset"] < e["end_offset"] for e in line["entities"])
    assert all({r["from_id"], r["to_id"]} <= ids and r["type"] for r in line["relations"]) and len(line["relations"]) == 4


def test_srsly_reads_prodigy_relations_in_rel_manual_shape(exported):
    srsly = pytest.importorskip("srsly")
    _, outs, _ = exported
    tasks = list(srsly.read_jsonl(outs["prodigy"]))
    assert sum(len(t.get("relations", [])) for t in tasks) == 4
    for task in tasks:
        for relation in task.get("relations", []):
            for role in ("head", "child"):
                end = relation[f"{role}_span"]
                assert relation[role] == end["token_end"]
                assert end in [{k: s[k] for k in end} for s in task["spans"]]


def test_spacy_docbin_holds_the_relations_in_user_data(exported):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    folder, _, summaries = exported
    [doc] = DocBin().from_disk(folder / "alice.spacy").get_docs(spacy.blank("xx").vocab)
    group = doc.spans["sc"]
    got = {(kind, group[a].text, group[a].label_, group[b].text, group[b].label_)
           for kind, a, b in doc.user_data["annotator"]["relations"]}
    assert got == {("CLAIMED_BY", "Japan needs NATO", "CLAIM", "Nakatani", "ACTOR"),
                   ("ABOUT", "Japan needs NATO", "CLAIM", "Brussels", "LOCATION"),
                   ("ABOUT", "Japan needs NATO", "CLAIM", "NATO", "ACTOR")}
    assert summaries["spacy"].relations == 3


def test_w3c_relations_link_the_ids_of_span_annotations(exported):
    _, outs, _ = exported
    items = json.loads(outs["w3c"].read_text("utf-8"))["items"]
    spans = {a["id"] for a in items if a["motivation"] == "tagging"}
    links = [a for a in items if a["motivation"] == "linking"]
    assert len(links) == 4 and all(a["target"] in spans and a["body"][1]["source"] in spans for a in links)
