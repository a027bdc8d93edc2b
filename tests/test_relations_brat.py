"""brat relations (`R` lines) are imported as relations between the spans their arguments name."""

import json

import pytest

from annotator.corpus import import_files
from annotator.errors import InputErrors

TEXT = "Nakatani said Japan needs NATO in Brussels.\nNATO met in Brussels.\n"
ANN = ("T1\tCLAIM 14 30\tJapan needs NATO\nT2\tACTOR 0 8\tNakatani\nR1\tCLAIMED_BY Arg1:T1 Arg2:T2\n"
       "R2\tABOUT Arg1:T1 Arg2:T3\nT3\tLOCATION 34 42\tBrussels\n#1\tAnnotatorNotes T2\tthe minister\n")


def brat(folder, ann, name="doc"):
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder / f"{name}.ann"


def linked(store, article_id="doc"):
    spans = {s.id: (s.start, s.end, s.label) for s in store.spans(article_id)}
    return {(r.type, spans[r.from_id], spans[r.to_id], r.annotator) for r in store.relations(article_id)}


def test_r_lines_become_relations_wherever_they_stand_in_the_file(store, tmp_path):
    report = import_files(store, [brat(tmp_path / "b", ANN)], annotator="alice")
    assert (report.spans, report.relations) == (3, 2) and not any("relations" in n for n in report.notes)
    assert linked(store) == {("CLAIMED_BY", (14, 30, "CLAIM"), (0, 8, "ACTOR"), "alice"),
                             ("ABOUT", (14, 30, "CLAIM"), (34, 42, "LOCATION"), "alice")}
    assert import_files(store, [tmp_path / "b" / "doc.ann"], annotator="alice").relations_present == 2


@pytest.mark.parametrize(("ann", "message"), [
    ("T1\tCLAIM 14 30\tJapan needs NATO\nR1\tCLAIMED_BY Arg1:T1 Arg2:T9\n", "doc.ann:2: $.R1: no text-bound annotation Arg2:T9"),
    ("T1\tCLAIM 14 30\tJapan needs NATO\nR1\tCLAIMED_BY T1 T2\n", "doc.ann:2: $.R: expected 'R1<TAB>TYPE Arg1:T1 Arg2:T2'"),
    ("T1\tCLAIM 14 30\tJapan needs NATO\nT2\tLOCATION 34 42\tBrussels\nR1\tCLAIMED_BY Arg1:T1 Arg2:T2\n",
     "doc.ann: $.relations[0].type: CLAIMED_BY goes to ACTOR, not to LOCATION"),
    ("T1\tCLAIM 14 30\tJapan needs NATO\nT2\tACTOR 0 8\tNakatani\nR1\tSAID Arg1:T2 Arg2:T1\n",
     "doc.ann: $.relations[0].type: unknown relation type 'SAID' (known: CLAIMED_BY, ABOUT)"),
])
def test_a_relation_brat_cannot_give_is_one_line_and_nothing_is_imported(store, tmp_path, ann, message):
    with pytest.raises(InputErrors) as caught:
        import_files(store, [brat(tmp_path / "b", ann)], annotator="alice")
    assert str(caught.value).startswith(f"{tmp_path / 'b'}/{message}")
    assert store.count_articles() == 0


def test_add_labels_adds_a_relation_type_allowing_the_labels_it_links(store, tmp_path):
    ann = ("T1\tCLAIM 14 30\tJapan needs NATO\nT2\tACTOR 0 8\tNakatani\nT3\tEVENT 44 52\tNATO met\n"
           "R1\tSAID Arg1:T2 Arg2:T1\nR2\tSAID Arg1:T2 Arg2:T3\n")
    report = import_files(store, [brat(tmp_path / "b", ann)], annotator="alice", add_labels=True)
    assert report.added_relation_types == ["SAID"] and "added relation types: SAID" in report.summary()
    said = store.relation_types()[-1]
    assert (said.name, said.from_labels, said.to_labels) == ("SAID", ("ACTOR",), ("CLAIM", "EVENT"))
    assert len(store.relations("doc")) == 2


def test_brat_relations_survive_into_the_canonical_jsonl(store, tmp_path):
    from annotator.exporting import ExportOptions, export

    import_files(store, [brat(tmp_path / "b", ANN)], annotator="alice")
    export(store, ExportOptions("jsonl", tmp_path / "out.jsonl"))
    [record] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    ends = {s["id"]: s["text"] for s in record["spans"] if "id" in s}
    assert {(r["type"], ends[r["from"]], ends[r["to"]]) for r in record["relations"]} == {
        ("CLAIMED_BY", "Japan needs NATO", "Nakatani"), ("ABOUT", "Japan needs NATO", "Brussels")}
