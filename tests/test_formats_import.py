"""Importing other tools' files: the real brat corpus, and bad inputs reported by file, line and field with nothing imported."""

from __future__ import annotations

import json
import shutil

import pytest

from annotator.corpus import expand, import_files
from annotator.errors import InputErrors, UserError
from annotator.exporting import ExportOptions, export
from annotator.store import open_store
from tests.formats_common import BRAT_DIR, make_store, span_set


def brat_spans(folder):
    """(doc, start, end, label, text) of every T line, read independently of our reader."""
    found = set()
    for ann in sorted(folder.glob("*.ann")):
        for line in ann.read_text("utf-8").splitlines():
            if line.startswith("T"):
                _, middle, text = line.split("\t")
                label, start, end = middle.split(" ")
                found.add((ann.stem, int(start), int(end), label, text))
    return found


def test_brat_corpus_imports_every_span_with_labels_from_its_annotation_conf(store):
    assert store.labels()[0].name == "CLAIM" and "PER" not in {lb.name for lb in store.labels()}
    report = import_files(store, [BRAT_DIR], fmt="brat", annotator="conll2002")
    assert (report.new, report.spans) == (10, 540)
    assert sorted(report.added_labels) == ["LOC", "MISC", "ORG", "PER"]
    got = {(a.id, s.start, s.end, s.label, s.text) for a, spans in store.iter_articles() for s in spans}
    assert got == brat_spans(BRAT_DIR)
    for article, _ in store.iter_articles():
        assert article.text == (BRAT_DIR / f"{article.id}.txt").read_bytes().decode("utf-8")


def test_brat_corpus_exports_back_to_the_same_spans(store, tmp_path):
    import_files(store, [BRAT_DIR], fmt="brat", annotator="conll2002")
    out = tmp_path / "brat-out"
    summary = export(store, ExportOptions("brat", out))
    assert summary.spans == 540 and (out / "annotation.conf").is_file() and (out / "manifest.json").is_file()
    assert brat_spans(out) == brat_spans(BRAT_DIR)
    for txt in BRAT_DIR.glob("*.txt"):
        assert (out / txt.name).read_bytes() == txt.read_bytes()
    again = open_store(tmp_path / "again.db")
    import_files(again, [out], annotator="x")  # auto: .ann pairs found, their .txt not imported twice
    assert span_set(again) == span_set(store)


def test_brat_without_annotation_conf_needs_add_labels(tmp_path, store):
    folder = tmp_path / "brat"
    shutil.copytree(BRAT_DIR, folder)
    (folder / "annotation.conf").unlink()
    with pytest.raises(InputErrors, match="unknown label 'PER'.*--add-labels"):
        import_files(store, [folder], fmt="brat", annotator="x")
    assert store.article_count() == 0
    assert import_files(store, [folder], fmt="brat", annotator="x", add_labels=True).spans == 540


def test_brat_discontinuous_notes_attributes_and_events(tmp_path, store):
    (tmp_path / "doc.txt").write_text("North and\nSouth America met. Japan spoke.", encoding="utf-8")
    (tmp_path / "doc.ann").write_text(
        "T1\tLOCATION 0 5;16 23\tNorth America\nT2\tACTOR 29 34\tJapan\n#1\tAnnotatorNotes T2\tthe state\n"
        "A1\tNegation T2\nA2\tAnnotator T1 alice\nE1\tMeet:T1\n", encoding="utf-8")
    report = import_files(store, [tmp_path / "doc.ann"], annotator="x")
    spans = store.spans("doc")
    assert [(s.start, s.end, s.label, s.annotator, s.note) for s in spans] == [
        (0, 23, "LOCATION", "alice", None), (29, 34, "ACTOR", "x", "the state")]
    assert [s.attributes for s in spans] == [(), (("Negation", True),)]  # on the span, not the article
    assert any("T1 is discontinuous" in n for n in report.notes)
    assert any("not imported: 1 events" in n for n in report.notes)


@pytest.mark.parametrize("name, content, message", [
    ("past.ann", "T1\tACTOR 0 5\tJapan\nT2\tACTOR 40 99\tx\n", r"past\.ann:2: \$\.T2: end 99 is past the end of the text \(21\)"),
    ("wrong.ann", "T1\tACTOR 0 5\tJapon\n", r"wrong\.ann:1: \$\.T1: 'Japon' differs from the text at 0-5: 'Japan'"),
    ("shape.ann", "T1\tACTOR zero five\tJapan\n", r"shape\.ann:1: \$\.T: expected 'T1<TAB>TYPE START END<TAB>TEXT'"),
])
def test_bad_brat_is_reported_and_nothing_imported(tmp_path, store, name, content, message):
    (tmp_path / "ok.txt").write_text("Fine text.", encoding="utf-8")
    (tmp_path / "ok.ann").write_text("", encoding="utf-8")
    (tmp_path / name.replace(".ann", ".txt")).write_text("Japan spoke to China.", encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputErrors, match=message):
        import_files(store, [tmp_path], fmt="brat", annotator="x")
    assert store.article_count() == 0


def test_label_studio_span_text_mismatch_is_reported(tmp_path, store):
    tasks = [{"data": {"text": "Japan spoke."}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 5, "text": "Japan", "labels": ["ACTOR"]}}]}]},
             {"data": {"text": "China 😀 replied."}, "annotations": [{"result": [
                 {"type": "labels", "value": {"start": 8, "end": 15, "text": "answered", "labels": ["ACTOR"]}}]}]}]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with pytest.raises(InputErrors, match=r'tasks\.json:24: \$\[1\]\.annotations\[0\]\.result\[0\]\.value\.text: "answered" differs'):
        import_files(store, [path], fmt="label-studio", annotator="x")
    assert store.article_count() == 0


def test_label_studio_utf16_offsets_config_labels_and_predictions(tmp_path, store):
    text = "😀 Japan and 𠮷 Tokyo"
    tasks = [{"data": {"text": text},
              "annotations": [{"completed_by": 7, "result": [  # UTF-16 offsets, as older Label Studio wrote them
                  {"type": "labels", "value": {"start": 3, "end": 8, "text": "Japan", "labels": ["ORG"]}},
                  {"type": "choices", "value": {"choices": ["x"]}}]},
                  {"was_cancelled": True, "result": [{"type": "labels", "value": {"start": 0, "end": 1, "labels": ["ORG"]}}]}],
              "predictions": [{"model_version": "ner-v2", "result": [
                  {"type": "labels", "value": {"start": 14, "end": 19, "text": "Tokyo", "labels": ["LOCATION"]}}]}]}]
    (tmp_path / "t.json").write_text(json.dumps(tasks), encoding="utf-8")
    (tmp_path / "t.config.xml").write_text('<View><Labels name="l" toName="t"><Label value="ORG"/></Labels></View>')
    report = import_files(store, [tmp_path / "t.json"], fmt="label-studio", annotator="x")
    assert report.added_labels == ["ORG"]
    assert any(n.endswith("t.json: 1 span read as UTF-16 offsets (older Label Studio)") for n in report.notes)
    assert any("1 result of another type than text labels and relations, not imported" in n for n in report.notes)
    got = [(s.start, s.end, s.label, s.text, s.annotator) for s in store.spans(store.article_ids()[0])]
    assert got == [(2, 7, "ORG", "Japan", "user7"), (14, 19, "LOCATION", "Tokyo", "ner-v2")]


@pytest.mark.parametrize("line, message", [
    ('{"text": "Japan", "label": [[0, 5]]}', r'bad\.jsonl:2: \$\.label\[0\]: expected \[start, end, "LABEL"\]'),
    ('{"text": "Japan", "label": [0, 5, "ACTOR"]}', r"bad\.jsonl:2: \$\.label\[0\]: expected"),
    ('{"text": "😀 Japan", "label": [[1, 3, "ACTOR"]]}', r"bad\.jsonl:2: \$\.label\[0\]: \[1, 3\) cuts a character"),
    ('{"text": "Japan", "entities": [{"start_offset": 0, "label": "ACTOR"}]}', r"bad\.jsonl:2: \$\.entities\[0\]: expected"),
    ('{"text": "Japan", "label": [[0, 9, "ACTOR"]]}', r"bad\.jsonl:2: \$\.label\[0\]: \[0, 9\) does not fit"),
])
def test_bad_doccano_lines_are_reported(tmp_path, store, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Fine.", "label": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputErrors, match=message):
        import_files(store, [path], fmt="doccano", annotator="x")
    assert store.article_count() == 0


def test_doccano_forms_and_utf16(tmp_path, store):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "😀 Japan", "label": [[3, 8, "ACTOR"]], "user": "kim"}) + "\n"
                    + json.dumps({"text": "𠮷 Tokyo", "entities": [{"id": 1, "start_offset": 3, "end_offset": 8,
                                  "label": "LOCATION"}], "relations": []}) + "\n")
    import_files(store, [path], fmt="doccano", annotator="x")
    got = sorted((s.text, s.label) for a, spans in store.iter_articles() for s in spans)
    assert got == [("Japan", "ACTOR"), ("Tokyo", "LOCATION")]


def test_w3c_quote_not_in_text_is_reported_and_moved_positions_re_anchored(tmp_path):
    store = make_store(tmp_path, [{"id": "a", "text": "Japan spoke. Later Japan and China met."}])
    sha = next(store.iter_articles())[0].text_sha256

    def annotation(start, end, exact, prefix=""):
        return {"type": "Annotation", "body": {"type": "TextualBody", "purpose": "tagging", "value": "ACTOR"},
                "target": {"source": f"urn:sha256:{sha}", "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": end},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": ""}]}}

    page = {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage",
            "items": [annotation(0, 5, "Japan"), annotation(1, 6, "Japan", "Later ")]}
    path = tmp_path / "a.jsonld"
    path.write_text(json.dumps(page, indent=1), encoding="utf-8")
    report = import_files(store, [path], fmt="w3c", annotator="x")
    assert [(s.start, s.end) for s in store.spans("a")] == [(0, 5), (19, 24)]
    assert any("re-anchored at [19, 24)" in n for n in report.notes)

    page["items"].append(annotation(0, 5, "Korea"))
    path.write_text(json.dumps(page, indent=1), encoding="utf-8")
    with pytest.raises(InputErrors, match=r'a\.jsonld:\d+: \$\.items\[2\]\.target\.selector: quote "Korea" is not in the text'):
        import_files(store, [path], fmt="w3c", annotator="x")
    page["items"] = [annotation(0, 5, "Japan")]
    page["items"][0]["target"]["source"] = "urn:sha256:" + "0" * 64
    path.write_text(json.dumps(page), encoding="utf-8")
    with pytest.raises(InputErrors, match="no article urn:sha256:000000000000… in the database"):
        import_files(store, [path], fmt="w3c", annotator="x")
    assert len(store.spans("a")) == 2


def test_prodigy_and_conll_read(tmp_path, store):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"text": "Japan spoke", "tokens": [{"text": "Japan", "start": 0, "end": 5, "id": 0}],
                                "spans": [{"token_start": 0, "token_end": 0, "label": "ACTOR"}], "answer": "accept",
                                "_annotator_id": "sess-kim"}) + "\n"
                    + json.dumps({"text": "Rejected one", "spans": [], "answer": "reject"}) + "\n")
    report = import_files(store, [path], fmt="prodigy", annotator="x")
    assert report.new == 1 and any("1 rejected or ignored" in n for n in report.notes)
    assert [(s.text, s.annotator) for s in store.spans(store.article_ids()[0])] == [("Japan", "sess-kim")]
    conll = tmp_path / "c.conll"
    conll.write_text("-DOCSTART- -X- -X- O\n\nEU B-ACTOR\nrejects O\nGerman B-LOCATION\ncall I-LOCATION\n\nOK O\n")
    import_files(store, [conll], fmt="conll", annotator="x")
    article = next(a for a, _ in store.iter_articles() if a.text.startswith("EU"))
    assert article.text == "EU rejects German call\nOK"
    assert [(s.text, s.label) for s in store.spans(article.id)] == [("EU", "ACTOR"), ("German call", "LOCATION")]
    conll.write_text("EU B-ACTOR\nrejects X-Y\n")
    with pytest.raises(InputErrors, match=r"c\.conll:2: \$\.tag: 'X-Y' is not a tag"):
        import_files(store, [conll], fmt="conll", annotator="x")


def test_expand_pairs_brat_files_and_knows_format_suffixes(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.ann").write_text("")
    (tmp_path / "b.txt").write_text("y")
    assert [p.name for p in expand([tmp_path])] == ["a.ann", "b.txt"]
    assert [p.name for p in expand([tmp_path], "brat")] == ["a.ann"]
    with pytest.raises(UserError, match="unknown format"):
        expand([tmp_path], "nope")
    with pytest.raises(UserError, match=r"no articles found \(\.json, \.jsonld files\)"):
        expand([tmp_path], "w3c")


def test_readers_declare_the_options_they_take():
    """corpus hands a reader only what its module's READ_OPTIONS names; the declaration must match read()."""
    import importlib
    import inspect

    from annotator.cli import IMPORT_FORMATS

    for name in IMPORT_FORMATS[1:]:
        module = importlib.import_module(f"annotator.formats.{name.replace('-', '_')}")
        keywords = {p.name for p in inspect.signature(module.read).parameters.values() if p.kind is p.KEYWORD_ONLY}
        assert keywords - {"encoding"} == set(module.READ_OPTIONS), name


def test_an_option_no_reader_takes_is_refused(tmp_path, store):
    (tmp_path / "a.txt").write_text("Text.")
    with pytest.raises(UserError, match="--text-key does not apply to these files"):
        import_files(store, [tmp_path / "a.txt"], annotator="x", reader_options={"text_key": "content"})
