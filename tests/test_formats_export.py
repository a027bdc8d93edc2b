"""Exports read back by the libraries that consume them: seqeval (CoNLL), datasets (hf), spaCy (DocBin)."""

from __future__ import annotations

import json
import sys

import pytest
from seqeval.scheme import IOB2, IOBES, Entities

from annotator.errors import UserError
from annotator.exporting import FORMATS, ExportOptions, export, parse_split, split_of
from annotator.schema import errors
from annotator.tagging import place
from annotator.tokens import tokenize
from tests.formats_common import BRAT_DIR, NEWS, make_store


def read_conll(path):
    """[[sentence tags...]...] per document, and the tokens, as a CoNLL consumer reads them."""
    documents = []
    for block in path.read_text("utf-8").split("-DOCSTART-\tO\n\n")[1:]:
        sentences = [[line.split("\t") for line in chunk.split("\n") if line] for chunk in block.split("\n\n")]
        documents.append([s for s in sentences if s])
    return documents


def entities_by_chars(store, path, scheme):
    """(text sha, start, end, label) of every entity seqeval finds in strict mode, mapped back to characters."""
    found = set()
    articles = [article for article, _ in store.iter_articles()]
    for article, sentences in zip(articles, read_conll(path), strict=True):
        tokens = tokenize(article.text)
        assert [t.text for t in tokens] == [token for s in sentences for token, _ in s]
        offset = 0
        for sentence in sentences:
            tags = [tag for _, tag in sentence]
            for entity in Entities([tags], scheme).entities[0]:
                first, last = offset + entity.start, offset + entity.end - 1
                found.add((article.text_sha256, tokens[first].start, tokens[last].end, entity.tag))
            offset += len(sentence)
    return found


def expected_flat(store, labels=None, mode="expand"):
    """What a flat layer should hold: spans laid on tokens, the earliest and longest kept where they overlap."""
    from annotator.tagging import flatten

    found = set()
    for article, spans in store.iter_articles():
        tokens = tokenize(article.text)
        starts, ends = [t.start for t in tokens], [t.end for t in tokens]
        placed = [place(tokens, starts, ends, s, mode) for s in spans if labels is None or s.label in labels]
        kept, _ = flatten([p for p in placed if p], {lb.name: i for i, lb in enumerate(store.labels())})
        found |= {(article.text_sha256, p.start, p.end, p.label) for p in kept}
    return found


@pytest.mark.parametrize("scheme, seqeval_scheme", [("iob2", IOB2), ("bioes", IOBES)])
def test_brat_corpus_conll_agrees_with_its_spans_in_seqeval_strict_mode(tmp_path, scheme, seqeval_scheme):
    from annotator.corpus import import_files
    from annotator.store import open_store

    store = open_store(tmp_path / "esp.db")
    import_files(store, [BRAT_DIR], fmt="brat", annotator="conll")
    out = tmp_path / "esp.conll"
    summary = export(store, ExportOptions("conll", out, scheme=scheme, alignment="strict"))
    assert summary.spans == 540 and not summary.dropped and not summary.moved
    brat = {(a.text_sha256, s.start, s.end, s.label) for a, spans in store.iter_articles() for s in spans}
    assert entities_by_chars(store, out, seqeval_scheme) == brat


def test_conll_reports_every_overlap_and_labels_choose_the_layer(tmp_path):
    store = make_store(tmp_path)
    out = tmp_path / "news.conll"
    summary = export(store, ExportOptions("conll", out))
    assert entities_by_chars(store, out, IOB2) == expected_flat(store)
    dropped = [json.loads(line) for line in summary.dropped_file.read_text("utf-8").splitlines()]
    assert summary.dropped_file == tmp_path / "news.dropped.jsonl"
    assert {(d["article"], d["label"], d["start"]) for d in dropped} == {("n1", "ACTOR", 0), ("n1", "ACTOR", 10)}
    assert all(d["reason"] == "overlaps CLAIM [0, 35)" for d in dropped)
    assert summary.dropped == {"overlap": 2} and "2 spans left out: 2 overlap" in summary.summary()

    layer = export(store, ExportOptions("conll", out, labels=["ACTOR", "LOCATION"], scheme="bioes"))
    assert not layer.dropped and layer.spans == 9
    assert entities_by_chars(store, out, IOBES) == expected_flat(store, {"ACTOR", "LOCATION"})


def test_alignment_modes_are_counted(tmp_path):
    record = {"text": "The Japanese envoy arrived.", "spans": [{"start": 5, "end": 12, "label": "ACTOR"}]}
    store = make_store(tmp_path, [record])
    expand = export(store, ExportOptions("conll", tmp_path / "e.conll"))
    assert sum(expand.moved.values()) == 1 and "widened to whole tokens" in expand.summary()
    assert "Japanese\tB-ACTOR" in (tmp_path / "e.conll").read_text("utf-8")
    strict = export(store, ExportOptions("conll", tmp_path / "s.conll", alignment="strict"))
    assert strict.dropped == {"not on token boundaries (--alignment strict)": 1} and strict.spans == 0
    contract = export(store, ExportOptions("conll", tmp_path / "c.conll", alignment="contract"))
    assert contract.dropped == {"covers no whole token": 1}


@pytest.mark.slow
def test_hf_loads_with_datasets_and_tags_decode_to_the_labels(tmp_path):
    datasets = pytest.importorskip("datasets")
    from annotator.formats.hf import features

    store = make_store(tmp_path)
    out = tmp_path / "ner.jsonl"
    export(store, ExportOptions("hf", out, labels=["ACTOR", "LOCATION"]))
    names = json.loads((tmp_path / "ner.labels.json").read_text("utf-8"))["names"]
    assert names == ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION", "I-LOCATION"]
    export(store, ExportOptions("conll", tmp_path / "ner.conll", labels=["ACTOR", "LOCATION"]))
    expected = [[tag for _, tag in s] for doc in read_conll(tmp_path / "ner.conll") for s in doc]
    loaded = datasets.load_dataset("json", data_files=str(out), features=features(names),
                                   cache_dir=str(tmp_path / "cache"))["train"]
    decode = loaded.features["ner_tags"].feature.int2str
    assert [decode(row["ner_tags"]) for row in loaded] == expected
    assert loaded[0]["id"] == "n1-0" and "Japan" in loaded[0]["tokens"]


def test_spacy_docbin_reads_back_with_all_spans_and_flat_ents(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    store = make_store(tmp_path)
    out = tmp_path / "news.spacy"
    summary = export(store, ExportOptions("spacy", out))
    assert summary.not_in_ents == 2 and not summary.dropped
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab))
    by_id = {article.id: (article, spans) for article, spans in store.iter_articles()}
    flat = expected_flat(store)
    for doc in docs:
        article, spans = by_id[doc.user_data["annotator"]["id"]]
        assert doc.text == article.text
        placed = {(t.start, t.end) for t in tokenize(article.text)}
        assert all((t.idx, t.idx + len(t.text)) in placed for t in doc if not t.is_space)
        expected = sorted((s.start, s.end, s.label) for s in spans)
        if article.id == "n2":  # "ag" is inside "Flags": widened to the token
            expected = sorted((0, 5, c) if (a, b) == (2, 4) else (a, b, c) for a, b, c in expected)
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == expected
        assert {(article.text_sha256, e.start_char, e.end_char, e.label_) for e in doc.ents} == {
            f for f in flat if f[0] == article.text_sha256}


def test_spacy_shards_are_a_folder_spacy_reads_and_we_import_back(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.training.corpus import walk_corpus

    from annotator.corpus import import_files
    from annotator.store import open_store

    store = make_store(tmp_path)
    articles = store.article_count()
    out = tmp_path / "train.spacy"
    summary = export(store, ExportOptions("spacy", out, shard_size=2))
    parts = sorted(p.name for p in out.iterdir() if p.suffix == ".spacy")
    assert parts == [f"part-{n:05d}.spacy" for n in range(1, (articles + 1) // 2 + 1)]
    assert (out / "manifest.json").exists() and summary.articles == articles
    docs = [doc for part in walk_corpus(out, ".spacy")
            for doc in spacy.tokens.DocBin().from_disk(part).get_docs(spacy.blank("xx").vocab)]
    assert len(docs) == articles
    again = open_store(tmp_path / "again.db")
    import_files(again, [out], fmt="spacy", annotator="z")
    assert {a.text_sha256 for a, _ in again.iter_articles()} == {a.text_sha256 for a, _ in store.iter_articles()}
    with pytest.raises(UserError, match="spacy format only"):
        export(store, ExportOptions("conll", tmp_path / "x.conll", shard_size=2))


def test_missing_extras_name_the_one_to_install(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    monkeypatch.setitem(sys.modules, "spacy", None)
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    with pytest.raises(UserError, match=r"pip install 'annotator\[spacy\]'"):
        export(store, ExportOptions("spacy", tmp_path / "x.spacy"))
    assert not (tmp_path / "x.spacy").exists() and not list(tmp_path.glob(".x.spacy*"))
    monkeypatch.setitem(sys.modules, "datasets", None)
    from annotator.formats.hf import features

    with pytest.raises(UserError, match=r"pip install 'annotator\[hf\]'"):
        features(["O"])


def test_split_is_stable_and_written_with_a_valid_manifest(tmp_path):
    records = [{"id": f"a{i}", "text": f"Article {i} about Japan.", "spans": [{"start": 17 + len(str(i)) - 1,
               "end": 22 + len(str(i)) - 1, "label": "LOCATION"}]} for i in range(60)]
    store = make_store(tmp_path, records)
    out = tmp_path / "ds"
    summary = export(store, ExportOptions("jsonl", out, split="train=0.8,dev=0.1,test=0.1", seed=7))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert errors("manifest", manifest) == []
    assert sorted(p.name for p in out.iterdir()) == ["dev.jsonl", "manifest.json", "test.jsonl", "train.jsonl"]
    assert sum(s["articles"] for s in manifest["splits"].values()) == 60 == summary.articles
    assert manifest["splits"]["train"]["labels"]["LOCATION"] == manifest["splits"]["train"]["spans"]
    shares = parse_split("train=0.8,dev=0.1,test=0.1")
    for name in ("train", "dev", "test"):
        for line in (out / f"{name}.jsonl").read_text("utf-8").splitlines():
            assert split_of(json.loads(line)["text_sha256"], shares, 7) == name
    again = export(store, ExportOptions("jsonl", out, split="train=0.8,dev=0.1,test=0.1", seed=7))
    assert again.splits.keys() == summary.splits.keys()
    assert {k: v["articles"] for k, v in again.splits.items()} == {k: v["articles"] for k, v in summary.splits.items()}


@pytest.mark.parametrize("bad", ["train=0.8,dev=0.1", "train=abc", "tr ain=1"])
def test_bad_split_is_a_user_error(bad):
    with pytest.raises(UserError, match="--split"):
        parse_split(bad)


def test_export_refuses_to_replace_a_directory_it_did_not_write(tmp_path):
    store = make_store(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    with pytest.raises(UserError, match="not an earlier export"):
        export(store, ExportOptions("brat", mine))
    assert (mine / "thesis.tex").read_text() == "precious"
    with pytest.raises(UserError, match="unknown label"):
        export(store, ExportOptions("conll", tmp_path / "x.conll", labels=["NOPE"]))
    with pytest.raises(UserError, match="unknown format"):
        export(store, ExportOptions("docx", tmp_path / "x.docx"))


def test_a_failing_writer_leaves_nothing_behind(tmp_path, monkeypatch):
    from annotator.formats import conll

    store = make_store(tmp_path)
    (tmp_path / "old.conll").write_text("previous export")

    def boom(self, article, spans, relations, report):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(conll.Writer, "entries", boom)
    with pytest.raises(RuntimeError):
        export(store, ExportOptions("conll", tmp_path / "old.conll"))
    assert (tmp_path / "old.conll").read_text() == "previous export"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".old")]


def test_every_format_exports_and_reports_progress(tmp_path):
    store = make_store(tmp_path)
    for name, kind in FORMATS.items():
        calls = []
        out = tmp_path / f"all-{name}{kind.extension}"
        summary = export(store, ExportOptions(name, out), lambda done, total, calls=calls: calls.append((done, total)))
        assert calls[-1] == (3, 3), name
        assert summary.articles == 3 and out.exists(), name
        assert str(out) in summary.summary()
    assert len(NEWS) == 3


@pytest.mark.slow
def test_spacy_export_looks_up_srsly_plugins_once_not_for_every_doc(tmp_path, monkeypatch):
    import spacy.tokens  # noqa: F401 (importing spaCy packs on its own account: not counted)
    import srsly

    from annotator.formats import spacy as spacy_format

    calls = []
    for registry in (srsly.msgpack_encoders, srsly.msgpack_decoders):
        monkeypatch.setattr(registry, "entry_points", True)
        looked_up = registry.get_entry_points
        monkeypatch.setattr(registry, "get_entry_points", lambda looked_up=looked_up: calls.append(1) or looked_up())
    spacy_format._register_msgpack_plugins_once.cache_clear()
    summary = export(make_store(tmp_path), ExportOptions("spacy", tmp_path / "out.spacy"))
    assert summary.articles == 3 and len(calls) == 2  # one look per registry, not three per Doc
    assert "numpy" in srsly.msgpack_encoders.get_all()
