"""Exports the real tools read whole: Label Studio, brat, Prodigy, token formats; export errors as one line."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import EXPORT_FORMATS, cli
from annotator.corpus import import_files
from annotator.errors import UserError
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.store import open_store
from tests.formats_common import NEWS, make_store, span_set
from tests.interop import brat_problems

SEPARATORS = ["\u2028", "\u2029", "\x85", "\f", "\x1c", "\v", "\x1d", "\x1e"]


def test_label_studio_tasks_carry_no_completed_by_and_keep_names_in_meta(tmp_path):
    store = make_store(tmp_path, [{"id": "t", "text": "Jane met Bob in Paris.", "spans": [
        {"start": 0, "end": 4, "label": "ACTOR", "annotator": "Jane Doe"},
        {"start": 9, "end": 12, "label": "ACTOR", "annotator": "bob@example.com", "note": "check"}]}])
    out = tmp_path / "tasks.json"
    export(store, ExportOptions("label-studio", out))
    text = out.read_text("utf-8")
    assert "completed_by" not in text
    task = json.loads(text)[0]
    assert task["meta"]["annotators"] == ["Jane Doe", "bob@example.com"] and len(task["annotations"]) == 2
    back = open_store(tmp_path / "back.db")
    import_files(back, [out], fmt="label-studio", annotator="importer")
    assert span_set(back, with_annotator=True, with_note=True) == span_set(store, with_annotator=True, with_note=True)


def test_brat_ann_lines_survive_splitlines_with_every_line_separator(tmp_path):
    text = "".join(f"Word{n}{sep}Next{n} " for n, sep in enumerate(SEPARATORS))
    spans = []
    for n, sep in enumerate(SEPARATORS):
        at = text.index(f"Word{n}")
        spans.append({"start": at, "end": at + len(f"Word{n}{sep}Next{n}"), "label": "ACTOR", "note": f"a{sep}b"})
    spans.append({"start": text.index(SEPARATORS[0]), "end": text.index(SEPARATORS[0]) + 1, "label": "CLAIM"})
    store = make_store(tmp_path, [{"id": "seps", "text": text, "spans": spans}])
    summary = export(store, ExportOptions("brat", tmp_path / "brat"))
    assert summary.dropped == {"only line breaks, which brat cannot hold": 1}
    assert brat_problems(tmp_path / "brat") == []
    back = open_store(tmp_path / "back.db")
    import_files(back, [tmp_path / "brat"], fmt="brat", annotator="x")
    assert {(s.start, s.end) for _, found in back.iter_articles() for s in found} == {
        (s["start"], s["end"]) for s in spans[:-1]}


@pytest.mark.parametrize("name", ["Jane Doe", "a|b", "Doe, Jane", "50% sure", "tab\there", "line\u2028two", "%41"])
def test_brat_keeps_annotator_names_brat_values_cannot_hold(tmp_path, name):
    store = make_store(tmp_path, [{"id": "n", "text": "Jane met Bob.", "spans": [
        {"start": 0, "end": 4, "label": "ACTOR", "annotator": name},
        {"start": 9, "end": 12, "label": "ACTOR", "annotator": "plain"}]}])
    export(store, ExportOptions("brat", tmp_path / "brat"))
    assert brat_problems(tmp_path / "brat") == []
    back = open_store(tmp_path / "back.db")
    import_files(back, [tmp_path / "brat"], fmt="brat", annotator="x")
    assert sorted(back.annotators()) == sorted([name, "plain"])


def test_prodigy_tokens_rebuild_the_text_and_moved_spans_are_reported(tmp_path):
    texts = ["Tab\there and NBSP\u00a0there.", "Line one\r\nLine two\r\n", "Two  spaces, then\n\nparagraphs.",
             " Leading space and trailing "]
    records = [{"id": f"p{n}", "text": t, "spans": [{"start": 1, "end": 3, "label": "ACTOR"}]}
               for n, t in enumerate(texts)]
    store = make_store(tmp_path, records)
    out = tmp_path / "tasks.jsonl"
    summary = export(store, ExportOptions("prodigy", out))
    tasks = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    for task in tasks:
        tokens = task["tokens"]
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == task["text"]
        assert all(task["text"][t["start"]:t["end"]] == t["text"] for t in tokens)
        for span in task["spans"]:
            assert (span["start"], span["end"]) == (tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"])
    assert summary.moved == {"not on token boundaries were widened to whole tokens (--alignment expand)": 4}
    assert "4 spans not on token boundaries were widened" in summary.summary()
    strict = export(store, ExportOptions("prodigy", tmp_path / "strict.jsonl", alignment="strict"))
    assert strict.dropped == {"not on token boundaries (--alignment strict)": 4}


def test_token_formats_refuse_to_pool_annotators(tmp_path):
    store = make_store(tmp_path, NEWS)
    import_files(store, [tmp_path / "source.db.jsonl"], annotator="bob")  # the same spans again, by bob
    for fmt in ("conll", "hf", "spacy"):
        with pytest.raises(UserError, match=r"2 annotators have spans \(alice, bob\): choose one with --annotator"
                                             r" NAME, or the reviewed layer with --gold"):
            export(store, ExportOptions(fmt, tmp_path / f"x{FORMATS[fmt].extension}"))
    alice = export(store, ExportOptions("conll", tmp_path / "alice.conll", annotator="alice"))
    assert alice.spans + alice.dropped_total == 11
    prodigy = export(store, ExportOptions("prodigy", tmp_path / "p.jsonl"))  # a task per annotator: nothing pooled
    assert {json.loads(line).get("_annotator_id") for line in (tmp_path / "p.jsonl").read_text().splitlines()} == {
        "alice", "bob", None} and prodigy.spans == 22


def test_annotator_and_gold_are_checked(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(UserError, match=r"--annotator 'nobody': no spans by that name \(annotators: alice\)"):
        export(store, ExportOptions("jsonl", tmp_path / "x.jsonl", annotator="nobody"))
    with pytest.raises(UserError, match="--gold and --annotator exclude each other"):
        export(store, ExportOptions("jsonl", tmp_path / "x.jsonl", annotator="alice", gold=True))
    assert not list(tmp_path.glob("x*"))


def test_export_into_a_folder_it_cannot_write_is_one_line(tmp_path):
    if os.geteuid() == 0:  # root writes through permission bits: take a read-only file system
        folder = Path("/sys")
        if not folder.is_dir():
            pytest.skip("no read-only folder for root here")
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    store = make_store(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--db", store.path, "--out", str(folder / "x.jsonl")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().startswith(f"Error: {folder}: cannot write here (")
    assert len(result.output.strip().splitlines()) == 1


def test_export_to_standard_output_says_so(tmp_path):
    store = make_store(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--db", store.path, "--format", "hf", "--out", "-"])
    assert result.exit_code == 0, result.output
    assert "to standard output (hf)" in result.stderr and "/tmp" not in result.stderr
    assert "Not written with --out -: labels.json" in result.stderr
    assert len(result.stdout.splitlines()) > 3


def test_export_help_lists_formats_and_explains_shards_and_exclusive_options():
    assert list(EXPORT_FORMATS) == list(FORMATS)
    result = CliRunner().invoke(cli, ["export", "--help"])
    text = " ".join(result.output.split())
    assert "[jsonl|spacy|hf|conll|brat|label-studio|doccano|prodigy|w3c]" in text
    assert "0 writes one .spacy file" in text
    assert "Excludes --gold" in text and "Excludes --annotator" in text
    bad = CliRunner().invoke(cli, ["export", "--format", "docx", "--out", "x"])
    assert bad.exit_code == 2 and "'docx' is not one of" in bad.output


@pytest.mark.parametrize("fmt, lost", [
    ("conll", {"note": 1, "attribute": 2}), ("doccano", {"note": 1, "attribute": 2}),
    ("label-studio", {"attribute": 2}), ("brat", {}), ("jsonl", {})])
def test_notes_and_attributes_a_format_cannot_hold_are_counted_not_dropped_silently(tmp_path, fmt, lost):
    store = make_store(tmp_path, [{"id": "t", "text": "Jane met Bob in Paris.", "spans": [
        {"start": 0, "end": 4, "label": "ACTOR", "annotator": "ann", "note": "check",
         "attributes": {"Negation": True, "Source": "wire"}},
        {"start": 9, "end": 12, "label": "ACTOR", "annotator": "ann"}]}])
    out = tmp_path / ("out" if FORMATS[fmt].directory else f"out{FORMATS[fmt].extension}")
    summary = export(store, ExportOptions(fmt, out, split={"train": 1.0}))
    assert +summary.not_carried == lost
    assert json.loads((out / "manifest.json").read_text("utf-8")).get("not_carried", {}) == lost
    said = summary.summary()
    assert ("not written" in said) == bool(lost)
    if lost.get("note"):
        assert "1 span note" in said
    if lost.get("attribute"):
        assert "2 span attributes" in said
