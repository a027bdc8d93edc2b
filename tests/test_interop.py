"""Each export read whole by the tool it is for: brat's reading, spaCy's DocBin, datasets, seqeval, srsly (Prodigy)."""

from __future__ import annotations

import json

import pytest

from annotator.exporting import ExportOptions, export
from annotator.tokens import tokenize
from tests.conftest import HARD_TEXTS
from tests.formats_common import NEWS, make_store
from tests.interop import brat_problems

ODD = "Ellipsis\x85from cp1252, a\u2028line separator,\fform feed and \x1cfile separator. Jane Doe agreed."
RECORDS = [*NEWS, *({"id": f"h{n}", "text": text, "spans": [
    {"start": 0, "end": len(text) // 2, "label": "CLAIM", "note": "half\nof it"},
    {"start": len(text) // 3, "end": len(text) // 3 + 3, "label": "ACTOR"}]} for n, text in enumerate([*HARD_TEXTS, ODD]))]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The records exported once to every format the consumers below read, and the summaries."""
    folder = tmp_path_factory.mktemp("interop")
    store = make_store(folder, RECORDS, annotator="Jane Doe")
    summaries = {fmt: export(store, ExportOptions(fmt, folder / name)) for fmt, name in (
        ("brat", "brat"), ("spacy", "all.spacy"), ("hf", "ner.jsonl"), ("conll", "ner.conll"), ("prodigy", "tasks.jsonl"))}
    return folder, store, summaries


def test_brat_reads_every_ann_line(exported):
    folder, store, summaries = exported
    assert brat_problems(folder / "brat") == []
    written = sum(line.startswith("T") for ann in (folder / "brat").glob("*.ann")
                  for line in ann.read_text("utf-8").splitlines())
    assert written == summaries["brat"].spans == sum(len(s) for _, s in store.iter_articles()) - summaries["brat"].dropped_total


def test_spacy_loads_every_doc(exported):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    folder, store, summaries = exported
    docs = list(DocBin().from_disk(folder / "all.spacy").get_docs(spacy.blank("xx").vocab))
    assert [d.text for d in docs] == [a.text for a, _ in store.iter_articles()]
    assert sum(len(d.spans["sc"]) for d in docs) == summaries["spacy"].spans


def test_datasets_loads_the_hf_export(exported):
    datasets = pytest.importorskip("datasets")
    from annotator.formats.hf import features

    folder, store, _ = exported
    names = json.loads((folder / "ner.labels.json").read_text("utf-8"))["names"]
    rows = datasets.load_dataset("json", data_files=str(folder / "ner.jsonl"), features=features(names),
                                 cache_dir=str(folder / "cache"))["train"]
    assert sum(len(r["tokens"]) for r in rows) == sum(len(tokenize(a.text)) for a, _ in store.iter_articles())


def test_seqeval_reads_the_conll_export(exported):
    from seqeval.metrics.sequence_labeling import get_entities

    folder, _, summaries = exported
    tags = [line.split("\t")[1] for line in (folder / "ner.conll").read_text("utf-8").splitlines()
            if line and not line.startswith("-DOCSTART-")]
    assert len(get_entities(tags)) == summaries["conll"].spans


def test_srsly_reads_the_prodigy_export_and_tokens_rebuild_each_text(exported):
    srsly = pytest.importorskip("srsly")
    folder, store, summaries = exported
    tasks = list(srsly.read_jsonl(folder / "tasks.jsonl"))
    assert [t["text"] for t in tasks] == [a.text for a, _ in store.iter_articles()]
    for task in tasks:
        assert "".join(t["text"] + " " * t["ws"] for t in task["tokens"]) == task["text"]
    assert sum(len(t["spans"]) for t in tasks) == summaries["prodigy"].spans
