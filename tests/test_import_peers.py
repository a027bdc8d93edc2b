"""Other tools' files in their own shapes (tests/data/peers, the brat corpus): every span, note and attribute is
stored or named in the report."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.corpus import expand, import_files
from annotator.errors import InputErrors
from annotator.exporting import ExportOptions
from annotator.exporting import export as run_export
from annotator.offsets import OffsetMap
from tests.conftest import HARD_TEXTS

PEERS = Path(__file__).parent / "data" / "peers"
BRAT = Path(__file__).parent / "data" / "brat-conll2002-esp"  # the brat corpus of shared/interop, as it is


def spans_of(store, annotator=None):
    return sorted((store.article(s.article_id).text[s.start:s.end], s.label, s.annotator)
                  for article_id in store.article_ids() for s in store.spans(article_id, annotator))


def test_doccano_labels_form_from_its_documented_import_example(store):
    report = import_files(store, [PEERS / "doccano-labels.jsonl"], fmt="doccano", annotator="x", add_labels=True)
    assert (report.new, report.spans) == (3, 7)
    assert ("Tokyo", "LOC", "x") in spans_of(store)  # UTF-16 offsets past two flags
    assert all(not store.article(a).meta for a in store.article_ids())  # not parked in meta.labels


def test_doccano_1x_annotations_form_with_users(store):
    report = import_files(store, [PEERS / "doccano-annotations.jsonl"], fmt="doccano", annotator="x")
    assert report.spans == 3
    assert spans_of(store) == [("Japan", "ACTOR", "user1"), ("Seoul", "LOCATION", "user2"),
                               ("Tokyo", "LOCATION", "user1")]


def test_doccano_label_ids_are_refused_not_dropped(store, tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"text": "Japan", "annotations": [{"label": 3, "start_offset": 0, "end_offset": 5}]}\n')
    with pytest.raises(InputErrors, match=r"ids\.jsonl:1: \$\.annotations\[0\]: .*label id cannot be named"):
        import_files(store, [path], fmt="doccano", annotator="x")


def test_doccano_and_prodigy_relations_are_imported(store):
    report = import_files(store, [PEERS / "doccano-relations.jsonl"], fmt="doccano", annotator="x", add_labels=True)
    assert (report.spans, report.relations, report.added_relation_types) == (2, 1, ["founder_of"])
    report = import_files(store, [PEERS / "prodigy-relations.jsonl"], fmt="prodigy", annotator="x", add_labels=True)
    assert (report.spans, report.relations, report.added_relation_types) == (2, 1, ["VISITED"])
    listed = {row[2:] for row in store.relation_listing()}
    assert listed == {("founder_of", "Larry Page", "PER", "Google", "ORG"), ("VISITED", "Obama", "PERSON", "Tokyo", "GPE")}


def test_label_studio_text_key_from_the_config_beside_the_export(store):
    report = import_files(store, [PEERS / "ls-content" / "tasks.json"], fmt="label-studio", annotator="x")
    assert report.added_labels == ["PER", "LOC"]
    assert spans_of(store) == [("Obama", "PER", "user1"), ("Tokyo", "LOC", "user1")]


def test_label_studio_text_key_option_and_its_hint(store, tmp_path):
    shutil.copy(PEERS / "ls-content" / "tasks.json", tmp_path / "tasks.json")
    with pytest.raises(InputErrors, match=r"tasks\.json:2: \$\[0\]\.data\.text: is required.*--text-key"):
        import_files(store, [tmp_path / "tasks.json"], fmt="label-studio", annotator="x")
    report = import_files(store, [tmp_path / "tasks.json"], fmt="label-studio", annotator="x", add_labels=True,
                          reader_options={"text_key": "content"})
    assert report.spans == 2


def test_label_studio_json_min_export(store):
    report = import_files(store, [PEERS / "ls-min.json"], fmt="label-studio", annotator="x", add_labels=True)
    assert spans_of(store) == [("Abe", "PER", "user1"), ("Obama", "PER", "user1")]
    assert report.new == 1


@pytest.mark.parametrize("name", ["ls-utf16.json", "ls-min-utf16.json"])
def test_old_label_studio_utf16_offsets_are_read_as_one_reading_per_annotation(store, name):
    """Both "ha"s of "🇯🇵 haha": the first fits the code-point reading by chance, the second only UTF-16."""
    report = import_files(store, [PEERS / name], fmt="label-studio", annotator="x", add_labels=True)
    article = store.article_ids()[0]
    assert [(s.start, s.end) for s in store.spans(article)] == [(3, 5), (5, 7)]
    assert report.spans == 2 and report.spans_present == 0
    assert any("2 spans read as UTF-16 offsets" in n for n in report.notes)


def brat_copy(tmp_path, name="esp.train-doc-100"):
    folder = tmp_path / "brat"
    folder.mkdir()
    for suffix in (".txt", ".ann"):
        shutil.copy(BRAT / f"{name}{suffix}", folder / f"{name}{suffix}")
    shutil.copy(BRAT / "annotation.conf", folder / "annotation.conf")
    return folder / f"{name}.ann"


def test_brat_notes_and_attributes_before_their_t_line_and_several_notes(store, tmp_path):
    ann = brat_copy(tmp_path)
    lines = ann.read_text("utf-8").splitlines()
    first = lines[0].split("\t")[0]
    extra = [f"#1\tAnnotatorNotes {first}\tchecked by Ana", f"A1\tAnnotator {first} ana",
             f"#2\tAnnotatorNotes {first}\tsecond opinion", f"A2\tNegation {first}", f"A3\tCertainty {first} High"]
    ann.write_text("\n".join(extra + lines[::-1]) + "\n", encoding="utf-8")
    report = import_files(store, [ann], fmt="brat", annotator="conll")
    assert report.spans == len(lines) and not report.notes
    (span,) = store.spans(store.article_ids()[0], "ana")
    assert span.note == "checked by Ana\nsecond opinion"
    assert span.attributes == (("Negation", True), ("Certainty", "High"))


def test_brat_attributes_go_back_out_to_brat(store, tmp_path):
    """Every attribute of the corpus read, written by the brat export, and read back the same."""
    ann = brat_copy(tmp_path)
    lines = ann.read_text("utf-8").splitlines()
    targets = [line.split("\t")[0] for line in lines]
    extra = [f"A{k}\t{'Negation' if k % 2 else 'Certainty'} {t}{'' if k % 2 else ' Low'}" for k, t in enumerate(targets, 1)]
    ann.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    import_files(store, [ann], fmt="brat", annotator="conll")
    before = {(s.start, s.end, s.label, s.attributes) for s in store.spans(store.article_ids()[0])}
    assert sum(len(s[3]) for s in before) == len(targets)
    summary = run_export(store, ExportOptions("brat", tmp_path / "out"))
    conf = (tmp_path / "out" / "annotation.conf").read_text("utf-8")
    assert "Negation\tArg:<ENTITY>\n" in conf and "Certainty\tArg:<ENTITY>, Value:Low\n" in conf
    assert summary.moved == {}
    from annotator.store import open_store

    again = open_store(tmp_path / "again.db")
    import_files(again, [tmp_path / "out"], fmt="brat", annotator="x")
    assert {(s.start, s.end, s.label, s.attributes) for s in again.spans(again.article_ids()[0])} == before
    again.close()


def test_attributes_travel_in_the_canonical_jsonl(store, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Japan met.", "spans": [
        {"start": 0, "end": 5, "label": "ACTOR", "attributes": {"Negation": True, "Source": "wire"}}]}) + "\n")
    import_files(store, [path], annotator="x")
    run_export(store, ExportOptions("jsonl", tmp_path / "out.jsonl"))
    (record,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert record["spans"][0]["attributes"] == {"Negation": True, "Source": "wire"}
    path.write_text(json.dumps({"text": "Other.", "spans": [
        {"start": 0, "end": 5, "label": "ACTOR", "attributes": {"Negation": 1}}]}) + "\n")
    with pytest.raises(InputErrors, match=r"a\.jsonl:1: \$\.spans\[0\]\.attributes\.Negation: 1: an attribute's value"):
        import_files(store, [path], annotator="x")


def test_brat_notes_on_relations_and_missing_targets_are_reported(store, tmp_path):
    ann = brat_copy(tmp_path)
    ann.write_text(ann.read_text("utf-8") + "R1\tRel Arg1:T1 Arg2:T2\n#9\tAnnotatorNotes R1\tx\nA9\tNeg T999\n",
                   encoding="utf-8")
    report = import_files(store, [ann], fmt="brat", annotator="conll", add_labels=True)  # adds the relation type
    (note,) = [n for n in report.notes if "not imported" in n]
    assert report.relations == 1 and report.added_relation_types == ["Rel"]
    assert "1 notes on events or relations" in note and "missing T999" in note


def test_brat_text_with_a_byte_order_mark_keeps_every_offset(store, tmp_path):
    """brat reads the .txt as UTF-8 and counts the mark as character 0, so its offsets are one further on."""
    ann = brat_copy(tmp_path)
    txt = ann.with_suffix(".txt")
    txt.write_bytes(b"\xef\xbb\xbf" + txt.read_bytes())
    shifted = []
    for line in ann.read_text("utf-8").splitlines():
        ident, middle, quoted = line.split("\t")
        label, *offsets = middle.replace(";", " ; ").split(" ")
        moved = " ".join(str(int(o) + 1) if o.isdigit() else o for o in offsets).replace(" ; ", ";")
        shifted.append(f"{ident}\t{label} {moved}\t{quoted}")
    ann.write_text("\n".join(shifted) + "\n", encoding="utf-8")
    report = import_files(store, [ann], fmt="brat", annotator="conll")
    text = store.article(store.article_ids()[0]).text
    assert text[0] == "\ufeff" and report.spans == len(shifted)
    assert all(text[s.start:s.end] == s.text for s in store.spans(store.article_ids()[0]))


def test_same_file_names_in_different_folders_keep_their_paths(store, tmp_path):
    for folder, text in (("2023", "Old news."), ("2024", "New news.")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "doc.txt").write_text(text)
    import_files(store, [tmp_path / "in"], annotator="x")
    assert sorted((store.article(a).id, store.article(a).source) for a in store.article_ids()) == [
        ("2023/doc", "2023/doc.txt"), ("2024/doc", "2024/doc.txt")]


def test_same_file_names_given_from_different_folders_keep_those_folders(store, tmp_path, monkeypatch):
    for folder, text in (("2023", "Old news."), ("2024", "New news.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "doc.txt").write_text(text)
    (tmp_path / "other.txt").write_text("Alone.")
    monkeypatch.chdir(tmp_path)
    import_files(store, ["2023/doc.txt", "2024/doc.txt", "other.txt"], annotator="x")
    assert sorted((store.article(a).id, store.article(a).source) for a in store.article_ids()) == [
        ("2023/doc", "2023/doc.txt"), ("2024/doc", "2024/doc.txt"), ("other", "other.txt")]


def test_brat_folders_keep_their_paths_too(store, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        for suffix in (".txt", ".ann"):
            shutil.copy(BRAT / f"esp.train-doc-{'100' if folder == 'a' else '1400'}{suffix}",
                        tmp_path / "in" / folder / f"doc{suffix}")
    import_files(store, [tmp_path / "in"], annotator="x", add_labels=True)
    assert sorted(store.article(a).source for a in store.article_ids()) == ["a/doc.txt", "b/doc.txt"]


@pytest.mark.parametrize("fmt", ["brat", "jsonl", "label-studio", "doccano", "conll"])
def test_a_folder_we_exported_imports_as_it_is(store, tmp_path, fmt):
    seed = tmp_path / "seed.jsonl"
    seed.write_text(json.dumps({"text": "Japan and NATO. Also a CLAIM over Japan and NATO here.", "spans": [
        {"start": 0, "end": 5, "label": "ACTOR", "annotator": "a"},
        {"start": 0, "end": 14, "label": "CLAIM", "annotator": "a"}]}) + "\n")
    import_files(store, [seed], annotator="a")
    out = tmp_path / "out"
    run_export(store, ExportOptions(fmt, out, split="train=0.5,dev=0.5", annotator="a"))
    assert (out / "manifest.json").is_file()
    notes: list[str] = []
    sources = expand([out], notes=notes)
    assert not any(s.path.name in ("manifest.json", "dropped.jsonl") for s in sources)
    from annotator.store import open_store

    again = open_store(tmp_path / "again.db")
    assert import_files(again, [out], annotator="a").new == 1
    again.close()


def test_our_dropped_spans_file_is_recognised_in_a_jsonl_folder(store, tmp_path):
    seed = tmp_path / "seed.jsonl"
    seed.write_text(json.dumps({"text": "Japan and NATO met.", "spans": [
        {"start": 0, "end": 5, "label": "ACTOR"}, {"start": 0, "end": 14, "label": "CLAIM"}]}) + "\n")
    import_files(store, [seed], annotator="a")
    run_export(store, ExportOptions("conll", tmp_path / "conll", split="all=1"))
    run_export(store, ExportOptions("doccano", tmp_path / "doccano", split="all=1"))
    shutil.copy(tmp_path / "conll" / "dropped.jsonl", tmp_path / "doccano" / "dropped.jsonl")
    from annotator.store import open_store

    again = open_store(tmp_path / "again.db")
    report = import_files(again, [tmp_path / "doccano"], annotator="a")
    assert report.new == 1 and report.spans == 2
    assert any("dropped.jsonl: written by an export beside its data" in n for n in report.notes)
    again.close()


def test_duplicate_json_keys_are_an_error(store, tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"text": "A"}\n{"text": "A", "text": "B"}\n')
    with pytest.raises(InputErrors, match=r'dup\.jsonl:2: key "text" appears twice'):
        import_files(store, [path], annotator="x")
    tasks = tmp_path / "dup.json"
    tasks.write_text('[\n  {"data": {"text": "A"}},\n  {"data": {"text": "A"}, "data": {"text": "B"}}\n]')
    with pytest.raises(InputErrors, match=r'dup\.json:3: key "data" appears twice'):
        import_files(store, [tasks], fmt="label-studio", annotator="x")
    assert store.article_count() == 0


def test_merge_keeps_span_attributes(store, tmp_path):
    from annotator.store import open_store

    other = open_store(tmp_path / "alice.db")
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Japan met.", "spans": [
        {"start": 0, "end": 5, "label": "ACTOR", "attributes": {"Certainty": "High"}}]}) + "\n")
    import_files(other, [path], annotator="alice")
    other.close()
    from annotator.review import merge

    merge(store, [tmp_path / "alice.db"])
    (span,) = store.spans(store.article_ids()[0])
    assert span.attributes == (("Certainty", "High"),)


def test_brat_title_leaves_the_byte_order_mark_out(store, tmp_path):
    (tmp_path / "d.txt").write_bytes("\ufeffTitle here\nBody".encode())
    (tmp_path / "d.ann").write_text("T1\tLOC 1 6\tTitle\n")
    import_files(store, [tmp_path / "d.ann"], annotator="x", add_labels=True)
    assert store.article("d").title == "Title here"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_doccano_labels_form_in_utf16_units_lands_on_the_same_characters(tmp_path_factory, data):
    text = data.draw(st.lists(st.sampled_from([*HARD_TEXTS, "ha", " "]), min_size=1, max_size=4).map("".join))
    spans = set()
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text) - 1))
        spans.add((start, data.draw(st.integers(start + 1, len(text)))))
    units = OffsetMap(text)
    folder = tmp_path_factory.mktemp("doccano")
    (folder / "d.jsonl").write_text(json.dumps({"text": text, "labels": [
        [units.to_units(a), units.to_units(b), "ACTOR"] for a, b in sorted(spans)]}) + "\n", encoding="utf-8")
    from annotator.store import open_store

    store = open_store(folder / "d.db")
    import_files(store, [folder / "d.jsonl"], fmt="doccano", annotator="x")
    assert {(s.start, s.end) for s in store.spans(store.article_ids()[0])} == spans
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_an_old_label_studio_file_is_read_in_utf16_units_throughout(tmp_path_factory, data):
    """Once one task shows the file counts UTF-16 units, quotes that match by chance as code points move nothing."""
    texts = data.draw(st.lists(st.lists(st.sampled_from([*HARD_TEXTS, "ha", "🇯🇵 haha"]), min_size=1, max_size=3)
                               .map("".join), min_size=1, max_size=3, unique=True))
    expected, tasks = {"😀 Tokyo": {(2, 7)}}, []  # "Tokyo" at UTF-16 [3, 8), past the end as code points
    for text in [t for t in texts if t != "😀 Tokyo"]:
        expected[text] = set()
        for _ in range(data.draw(st.integers(1, 3))):
            start = data.draw(st.integers(0, len(text) - 1))
            expected[text].add((start, data.draw(st.integers(start + 1, len(text)))))
    for text, spans in expected.items():
        units = OffsetMap(text)
        tasks.append({"data": {"text": text}, "annotations": [{"completed_by": 1, "result": [
            {"type": "labels", "value": {"start": units.to_units(a), "end": units.to_units(b), "text": text[a:b],
                                         "labels": ["ACTOR"]}} for a, b in sorted(spans)]}]})
    folder = tmp_path_factory.mktemp("ls")
    (folder / "old.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    from annotator.store import open_store

    store = open_store(folder / "d.db")
    import_files(store, [folder / "old.json"], fmt="label-studio", annotator="x")
    got = {store.article(a).text: {(s.start, s.end) for s in store.spans(a)} for a in store.article_ids()}
    assert got == expected
    store.close()


def test_a_task_that_fits_both_readings_follows_the_rest_of_its_file(store, tmp_path):
    """"ha" at UTF-16 [5, 7) of "🇯🇵 haha" also reads as code points [5, 7) = "ha": the other task settles it."""
    def task(text, start, end, quote):
        return {"data": {"text": text}, "annotations": [{"result": [
            {"type": "labels", "value": {"start": start, "end": end, "text": quote, "labels": ["ACTOR"]}}]}]}

    tasks = [task("😀 Tokyo", 3, 8, "Tokyo"), task("🇯🇵 haha", 5, 7, "ha")]
    (tmp_path / "old.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    import_files(store, [tmp_path / "old.json"], fmt="label-studio", annotator="x")
    got = {store.article(a).text: [(s.start, s.end) for s in store.spans(a)] for a in store.article_ids()}
    assert got == {"😀 Tokyo": [(2, 7)], "🇯🇵 haha": [(3, 5)]}


def test_label_studio_annotators_named_in_the_task_meta(store, tmp_path):
    """Our export leaves completed_by out (Label Studio refuses unknown users) and names them in meta.annotators."""
    task = {"data": {"text": "Japan met Korea."}, "meta": {"annotators": ["Jane Doe", "bob"]}, "annotations": [
        {"result": [{"type": "labels", "value": {"start": 0, "end": 5, "text": "Japan", "labels": ["ACTOR"]}}]},
        {"completed_by": 3, "result": [{"type": "labels", "value": {"start": 10, "end": 15, "labels": ["ACTOR"]}}]}]}
    (tmp_path / "t.json").write_text(json.dumps([task]))
    import_files(store, [tmp_path / "t.json"], fmt="label-studio", annotator="x")
    assert spans_of(store) == [("Japan", "ACTOR", "Jane Doe"), ("Korea", "ACTOR", "bob")]


def test_what_is_not_imported_is_counted_once_per_file(store, tmp_path):
    """Lines that each hold document labels make one line of the report, not one a line."""
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"Text {n}.", "label": ["positive"]}) + "\n" for n in range(3)),
                    encoding="utf-8")
    report = import_files(store, [path], fmt="doccano", annotator="x", add_labels=True)
    assert [n for n in report.notes if "label" in n] == [f"{path}: 3 document labels (text classification) not imported"]
