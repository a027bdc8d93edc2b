"""Exports read back by the libraries that consume them: seqeval (CoNLL), datasets (hf), spaCy (DocBin)."""

from __future__ import annotations

import json
import sys

import pytest
from seqeval.scheme import IOB2, IOBES, Entities

from annotator.errors import UserError
from annotator.exporting import FORMATS, export, parse_split, split_of
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
    summary = export(store, "conll", out, scheme=scheme, alignment="strict")
    assert summary.spans == 540 and not summary.dropped and not summary.moved
    brat = {(a.text_sha256, s.start, s.end, s.label) for a, spans in store.iter_articles() for s in spans}
    assert entities_by_chars(store, out, seqeval_scheme) == brat


def test_conll_reports_every_overlap_and_labels_choose_the_layer(tmp_path):
    store = make_store(tmp_path)
    out = tmp_path / "news.conll"
    summary = export(store, "conll", out)
    assert entities_by_chars(store, out, IOB2) == expected_flat(store)
    dropped = [json.loads(line) for line in summary.dropped_file.read_text("utf-8").splitlines()]
    assert summary.dropped_file == tmp_path / "news.dropped.jsonl"
    assert {(d["article"], d["label"], d["start"]) for d in dropped} == {("n1", "ACTOR", 0), ("n1", "ACTOR", 10)}
    assert all(d["reason"] == "overlaps CLAIM [0, 35)" for d in dropped)
    assert summary.dropped == {"overlap": 2} and "2 spans left out: 2 overlap" in summary.summary()

    layer = export(store, "conll", out, labels=["ACTOR", "LOCATION"], scheme="bioes")
    assert not layer.dropped and layer.spans == 9
    assert entities_by_chars(store, out, IOBES) == expected_flat(store, {"ACTOR", "LOCATION"})


def test_alignment_modes_are_counted(tmp_path):
    record = {"text": "The Japanese envoy arrived.", "spans": [{"start": 5, "end": 12, "label": "ACTOR"}]}
    store = make_store(tmp_path, [record])
    expand = export(store, "conll", tmp_path / "e.conll")
    assert sum(expand.moved.values()) == 1 and "widened to whole tokens" in expand.summary()
    assert "Japanese\tB-ACTOR" in (tmp_path / "e.conll").read_text("utf-8")
    strict = export(store, "conll", tmp_path / "s.conll", alignment="strict")
    assert strict.dropped == {"not on token boundaries (--alignment strict)": 1} and strict.spans == 0
    contract = export(store, "conll", tmp_path / "c.conll", alignment="contract")
    assert contract.dropped == {"covers no whole token": 1}


@pytest.mark.slow
def test_hf_loads_with_datasets_and_tags_decode_to_the_labels(tmp_path):
    datasets = pytest.importorskip("datasets")
    from annotator.formats.hf import features

    store = make_store(tmp_path)
    out = tmp_path / "ner.jsonl"
    export(store, "hf", out, labels=["ACTOR", "LOCATION"])
    names = json.loads((tmp_path / "ner.labels.json").read_text("utf-8"))["names"]
    assert names == ["O", "B-ACTOR", "I-ACTOR", "B-LOCATION", "I-LOCATION"]
    export(store, "conll", tmp_path / "ner.conll", labels=["ACTOR", "LOCATION"])
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
    summary = export(store, "spacy", out)
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
    summary = export(store, "spacy", out, shard_size=2)
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
        export(store, "conll", tmp_path / "x.conll", shard_size=2)


def test_missing_extras_name_the_one_to_install(tmp_path, monkeypatch):
    store = make_store(tmp_path)
    monkeypatch.setitem(sys.modules, "spacy", None)
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    with pytest.raises(UserError, match=r"pip install 'annotator\[spacy\]'"):
        export(store, "spacy", tmp_path / "x.spacy")
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
    summary = export(store, "jsonl", out, split="train=0.8,dev=0.1,test=0.1", seed=7)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert errors("manifest", manifest) == []
    assert sorted(p.name for p in out.iterdir()) == ["dev.jsonl", "manifest.json", "test.jsonl", "train.jsonl"]
    assert sum(s["articles"] for s in manifest["splits"].values()) == 60 == summary.articles
    assert manifest["splits"]["train"]["labels"]["LOCATION"] == manifest["splits"]["train"]["spans"]
    shares = parse_split("train=0.8,dev=0.1,test=0.1")
    for name in ("train", "dev", "test"):
        for line in (out / f"{name}.jsonl").read_text("utf-8").splitlines():
            assert split_of(json.loads(line)["text_sha256"], shares, 7) == name
    again = export(store, "jsonl", out, split="train=0.8,dev=0.1,test=0.1", seed=7)
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
        export(store, "brat", mine)
    assert (mine / "thesis.tex").read_text() == "precious"
    with pytest.raises(UserError, match="unknown label"):
        export(store, "conll", tmp_path / "x.conll", labels=["NOPE"])
    with pytest.raises(UserError, match="unknown format"):
        export(store, "docx", tmp_path / "x.docx")


def test_a_failing_writer_leaves_nothing_behind(tmp_path, monkeypatch):
    from annotator.formats import conll

    store = make_store(tmp_path)
    (tmp_path / "old.conll").write_text("previous export")

    def boom(self, article, spans):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(conll.Writer, "add", boom)
    with pytest.raises(RuntimeError):
        export(store, "conll", tmp_path / "old.conll")
    assert (tmp_path / "old.conll").read_text() == "previous export"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".old")]


def test_every_format_exports_and_reports_progress(tmp_path):
    store = make_store(tmp_path)
    for name, kind in FORMATS.items():
        calls = []
        out = tmp_path / f"all-{name}{kind.extension}"
        summary = export(store, name, out, progress=lambda done, total, calls=calls: calls.append((done, total)))
        assert calls[-1] == (3, 3), name
        assert summary.articles == 3 and out.exists(), name
        assert str(out) in summary.summary()
    assert len(NEWS) == 3


BREAKS = "Alice\nBob went to Paris.\n\nThe end."
HALVES = [  # ids that clash as file names across the two halves ("a" after "A", "b_x" after "B x")
    {"id": article_id, "text": f"{BREAKS} ({article_id})", "spans": [
        {"start": 0, "end": 9, "label": "ACTOR", "note": "two\nlines"},  # crosses a line break: two fragments
        {"start": 5, "end": 6, "label": "ACTOR"},  # only a line break: dropped
        {"start": 5, "end": 9, "label": "ACTOR", "annotator": f"ann{i % 3}"},  # starts with one: moved
        {"start": 17, "end": 22, "label": "LOCATION"}]}
    for i, article_id in enumerate(["A", "B x", "C", "D", "a", "b_x", "c", "e"])
]


@pytest.mark.parametrize("options", [{}, {"split": "train=0.5,test=0.5", "seed": 3}, {"annotator": "ann1"}])
def test_brat_export_in_two_processes_equals_one(tmp_path, monkeypatch, options):
    from annotator import exporting

    store = make_store(tmp_path, HALVES)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 10**9)
    one = export(store, "brat", tmp_path / "one", **options)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    seen = []
    two = export(store, "brat", tmp_path / "two", progress=lambda d, t: seen.append((d, t)), **options)
    files = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    assert {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*")
            if p.is_file() and p.name != "manifest.json"} == {p: data for p, data in files.items() if p.name != "manifest.json"}
    assert len([p for p in files if p.suffix == ".ann"]) == 8
    assert two.summary() == one.summary().replace(str(tmp_path / "one"), str(tmp_path / "two"))
    if "annotator" not in options:
        assert b"ann0|ann1|ann2" in next(data for p, data in files.items() if p.name == "annotation.conf")
        assert two.dropped == {"only line breaks, which brat cannot hold": 8} and sum(two.moved.values()) == 8
    else:
        assert (two.spans, sum(two.moved.values())) == (3, 3)  # ann1 labelled the second, fifth and eighth
    assert seen[-1] == (8, 8)
    manifests = [json.loads((tmp_path / name / "manifest.json").read_text()) for name in ("one", "two")]
    assert [{k: v for k, v in m.items() if k != "created"} for m in manifests] == [
        {k: v for k, v in manifests[0].items() if k != "created"}] * 2
    assert not [p for p in tmp_path.rglob(".*") if "second-half" in p.name or "partial" in p.name]


def test_a_failing_second_process_fails_the_export_and_leaves_nothing(tmp_path, monkeypatch):
    from annotator import exporting

    store = make_store(tmp_path, HALVES)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    monkeypatch.setattr(exporting, "_start_part", lambda function, job: exporting.subprocess.Popen(
        [sys.executable, "-c", f"import sys; print('{job['targets']['all']}: No space left on device', file=sys.stderr);"
         f" sys.exit({exporting.USER_ERROR_STATUS})"], stderr=exporting.subprocess.PIPE))
    with pytest.raises(UserError, match="No space left on device"):
        export(store, "brat", tmp_path / "out")
    assert not [p for p in tmp_path.iterdir() if "out" in p.name]


@pytest.mark.parametrize("fmt, options", [("conll", {}), ("conll", {"split": "train=0.5,test=0.5"}), ("hf", {}),
                                          ("doccano", {}), ("prodigy", {"annotator": "alice"})])
def test_line_formats_in_two_processes_equal_one(tmp_path, monkeypatch, fmt, options):
    from annotator import exporting

    store = make_store(tmp_path, [*NEWS, *HALVES])
    suffix = "" if "split" in options else FORMATS[fmt].extension
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 10**9)
    one = export(store, fmt, tmp_path / f"one{suffix}", **options)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    seen = []
    two = export(store, fmt, tmp_path / f"two{suffix}", progress=lambda d, t: seen.append((d, t)), **options)

    def written(name):
        found = (tmp_path / name).rglob("*") if "split" in options else tmp_path.glob(f"{name}*")
        return {p.name.removeprefix(name): p.read_bytes() for p in found if p.is_file() and p.name != "manifest.json"}

    assert written("two") == written("one") and written("one")
    assert two.summary() == one.summary().replace(str(tmp_path / "one"), str(tmp_path / "two"))
    assert (two.tokens, two.dropped, two.moved) == (one.tokens, one.dropped, one.moved)
    assert sum(one.dropped.values()) or not FORMATS[fmt].tokens  # overlaps left out by both, listed alike
    assert seen[-1] == (11, 11)
    assert not [p for p in tmp_path.rglob(".*") if "second-half" in p.name or "partial" in p.name]


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
    summary = export(make_store(tmp_path), "spacy", tmp_path / "out.spacy")
    assert summary.articles == 3 and len(calls) == 2  # one look per registry, not three per Doc
    assert "numpy" in srsly.msgpack_encoders.get_all()


@pytest.mark.slow
def test_spacy_shards_in_two_processes_equal_one(tmp_path, monkeypatch):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from annotator import exporting

    store = make_store(tmp_path, [*NEWS, *HALVES])

    def shards(name):
        return {p.name: [(d.text, [(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]], d.user_data["annotator"])
                         for d in DocBin().from_disk(p).get_docs(Vocab())] for p in sorted((tmp_path / name).glob("*.spacy"))}

    monkeypatch.setattr(exporting, "PARALLEL_FROM", 10**9)
    one = export(store, "spacy", tmp_path / "one", shard_size=2)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    started, start = [], exporting._start_part
    monkeypatch.setattr(exporting, "_start_part", lambda part, job: started.append(job["middle"]) or start(part, job))
    two = export(store, "spacy", tmp_path / "two", shard_size=2)
    assert started == [sorted(r["id"] for r in [*NEWS, *HALVES])[6]]  # cut after three whole shards
    assert shards("two") == shards("one") and len(shards("one")) == 6  # 11 articles: 5 shards of 2 and one of 1
    assert two.summary() == one.summary().replace(str(tmp_path / "one"), str(tmp_path / "two"))
    assert (tmp_path / "two" / "dropped.jsonl").read_text() == (tmp_path / "one" / "dropped.jsonl").read_text()
    started.clear()  # one DocBin, or shards per split, stay in one process
    export(store, "spacy", tmp_path / "single.spacy")
    export(store, "spacy", tmp_path / "split", shard_size=2, split="train=0.5,test=0.5")
    assert started == []


def test_an_export_stopped_midway_stops_its_second_process_and_leaves_nothing(tmp_path, monkeypatch):
    from annotator import exporting
    from annotator.formats import brat

    store = make_store(tmp_path, [*NEWS, *HALVES])
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    helpers, start = [], exporting._start_part
    monkeypatch.setattr(exporting, "_start_part", lambda part, job: helpers.append(start(part, job)) or helpers[-1])
    written, add = [], brat.Writer.add

    def add_then_stop(self, article, spans):  # Ctrl+C (or Cancel in the window) on this process's second article
        written.append(article.id)
        if len(written) == 2:
            raise KeyboardInterrupt
        add(self, article, spans)

    monkeypatch.setattr(brat.Writer, "add", add_then_stop)
    with pytest.raises(KeyboardInterrupt):
        export(store, "brat", tmp_path / "out-brat")

    def cancel(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(store, "conll", tmp_path / "out.conll", progress=cancel)
    assert len(helpers) == 2 and all(helper.poll() is not None for helper in helpers)
    assert not [p for p in tmp_path.iterdir() if "out" in p.name]
