"""Exports formatted by worker processes: the same bytes as one process, one snapshot, nothing left behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator import exporting, parallel
from annotator.exporting import FORMATS, ExportOptions, export
from annotator.formats import conll
from annotator.formats.writing import Settings
from annotator.model import Article, Span
from annotator.store import default_labels, open_store
from tests.formats_common import NEWS, make_store

BREAKS = "Alice\nBob went to Paris.\n\nThe end."
MANY = [  # ids that clash as file names ("a" after "A", "b_x" after "B x"), spans brat moves and drops
    {"id": article_id, "text": f"{BREAKS} ({article_id})", "spans": [
        {"start": 0, "end": 9, "label": "ACTOR", "note": "two\nlines"},  # crosses a line break: two fragments
        {"start": 5, "end": 6, "label": "ACTOR"},  # only a line break: dropped
        {"start": 5, "end": 9, "label": "ACTOR"},  # starts with one: moved
        {"start": 17, "end": 22, "label": "LOCATION"}]}
    for article_id in ["A", "B x", "C", "D", "a", "b_x", "c", "e"]
] + [{"id": f"n{i:03d}", "text": f"Text {i} about Japan.", "spans": [{"start": 0, "end": 4, "label": "ACTOR"}]}
     for i in range(450)]  # more than two batches
for record in MANY[8::3]:  # a claim about Japan in every third: its relations go to the workers with the spans
    record["spans"] = [{"id": 1, "start": 0, "end": len(record["text"]), "label": "CLAIM"},
                       {"id": 2, "start": len(record["text"]) - 6, "end": len(record["text"]) - 1, "label": "LOCATION"}]
    record["relations"] = [{"type": "ABOUT", "from": 1, "to": 2}]


def written(folder: Path, name: str) -> dict:
    """Every file an export named `name` wrote in `folder` (a directory's files, or NAME.* beside it)."""
    found = (folder / name).rglob("*") if (folder / name).is_dir() else folder.glob(f"{name}*")
    return {p.name.removeprefix(name): p.read_bytes() for p in found if p.is_file() and p.name != "manifest.json"}


CASES = [("conll", {}), ("conll", {"split": "train=0.5,test=0.5"}), ("hf", {}), ("prodigy", {}),
         ("spacy", {"shard_size": 100}), ("spacy", {})]  # the token formats: the others stay in one process


@pytest.mark.parametrize("fmt, options", CASES)
def test_workers_write_what_one_process_writes(tmp_path, monkeypatch, fmt, options):
    store = make_store(tmp_path, [*NEWS, *MANY])
    suffix = "" if FORMATS[fmt].directory or "split" in options or "shard_size" in options else FORMATS[fmt].extension
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 10**9)
    one = export(store, ExportOptions(fmt, tmp_path / f"one{suffix}", **options))
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    seen = []
    two = export(store, ExportOptions(fmt, tmp_path / f"two{suffix}", **options), lambda d, t: seen.append((d, t)))
    if fmt == "spacy":  # DocBin files hold the strings in set order: compare what spaCy reads
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        def docs(name):
            paths = sorted((tmp_path / name).glob("*.spacy")) if "shard_size" in options else [tmp_path / name]
            return [[(d.text, [(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]], d.user_data["annotator"])
                     for d in DocBin().from_disk(p).get_docs(Vocab())] for p in paths]

        assert docs(f"two{suffix}") == docs(f"one{suffix}") and len(docs(f"one{suffix}")[0]) in (100, 461)
    else:
        assert written(tmp_path, "two") == written(tmp_path, "one") and written(tmp_path, "one")
    assert two.summary() == one.summary().replace(str(tmp_path / "one"), str(tmp_path / "two"))
    assert (two.tokens, two.dropped, two.moved, two.splits) == (one.tokens, one.dropped, one.moved, one.splits)
    assert (two.relations, two.not_carried) == (one.relations, one.not_carried) and two.relations + two.not_carried["relation"] == 150
    assert seen[-1] == (461, 461) and len(seen) > 2
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


class Exploding(conll.Writer):
    """A writer that fails on one article, in whichever process formats it."""

    def entries(self, article, spans, relations, report):
        if article.id == "n007":
            raise ValueError(f"cannot format {article.id}")
        return super().entries(article, spans, relations, report)


def test_a_worker_error_comes_back_as_the_exception():
    writer = Exploding(Settings(tuple(default_labels())))
    batches = [(k, [(Article(f"n{i:03d}", f"Text {i}."), [], [])]) for k, i in enumerate(range(12))]
    with pytest.raises(ValueError, match="cannot format n007"):
        for _ in parallel.formatted(writer, batches, workers=2):
            pass
    import multiprocessing

    assert not multiprocessing.active_children()


def test_an_export_stopped_midway_leaves_nothing_and_no_worker(tmp_path, monkeypatch):
    import multiprocessing

    store = make_store(tmp_path, MANY)
    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def cancel(done, total):  # Ctrl+C, or Cancel in the window
        raise KeyboardInterrupt

    for fmt, out in (("brat", tmp_path / "out-brat"), ("conll", tmp_path / "out.conll")):
        with pytest.raises(KeyboardInterrupt):
            export(store, ExportOptions(fmt, out), cancel)
    assert not multiprocessing.active_children()
    assert not [p for p in tmp_path.iterdir() if "out" in p.name]


KILLED = """
import json, multiprocessing, sys, time
from pathlib import Path
from annotator import exporting, parallel
from annotator.store import open_store
exporting.PARALLEL_FROM = 1
parallel.worker_count = lambda: 2

def stop_here(done, total):
    Path(sys.argv[2]).write_text(json.dumps([p.pid for p in multiprocessing.active_children()]))
    time.sleep(600)

exporting.export(open_store(sys.argv[1]), exporting.ExportOptions("conll", Path(sys.argv[3])), stop_here)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state  # ended, not yet reaped by whoever adopted it


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the workers")
def test_a_killed_export_takes_its_workers_with_it_and_the_next_export_cleans_up(tmp_path):
    store = make_store(tmp_path, MANY)
    out, pids = tmp_path / "out.conll", tmp_path / "pids.json"
    process = subprocess.Popen([sys.executable, "-c", KILLED, store.path, str(pids), str(out)],
                               cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 120
    while not pids.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = json.loads(pids.read_text())
    assert len(workers) == 2
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(pid) for pid in workers)
    stale = [p for p in tmp_path.iterdir() if p.name.startswith(".out.conll.partial-")]
    assert stale == [tmp_path / f".out.conll.partial-{process.pid}"]
    busy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    alive = tmp_path / f".out.conll.partial-{busy.pid}"
    alive.mkdir()
    try:
        summary = export(store, ExportOptions("conll", out))
        assert summary.articles == len(MANY) and not stale[0].exists() and alive.exists()
    finally:
        busy.kill()
        busy.wait()


def test_the_export_is_one_snapshot_while_a_writer_adds_spans(tmp_path, monkeypatch):
    """A writer adds a span to the first and the last article in one transaction, again and again,
    while the export runs slowly: both articles must show the same number of spans, and the counts
    in the summary and manifest must be those of the files."""
    records = [{"id": f"a{i:04d}", "text": f"Japan {i}.", "spans": [{"start": 0, "end": 5, "label": "ACTOR"}]}
               for i in range(1000)]
    store = make_store(tmp_path, records)
    writer_store = open_store(store.path)
    stop, writes = threading.Event(), []

    def write_pairs():
        while not stop.is_set():
            with writer_store.transaction():
                for article_id in ("a0000", "a0999"):
                    # a new annotator each round: the store refuses an annotator's exact duplicate
                    writer_store.add_span(article_id, Span(0, 5, "LOCATION", "Japan", f"writer{len(writes)}"))
            writes.append(1)
            time.sleep(0.005)

    def slowly(done, total):
        time.sleep(0.15)

    monkeypatch.setattr(exporting, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    thread = threading.Thread(target=write_pairs)
    thread.start()
    try:
        deadline = time.monotonic() + 60  # only against a writer that died
        while len(writes) < 3 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(writes) >= 3, "the writer did not get going"
        before = len(writes)
        lines = export(store, ExportOptions("jsonl", tmp_path / "all.jsonl"), slowly)
        brat = export(store, ExportOptions("brat", tmp_path / "brat", split="train=0.5,test=0.5"), slowly)
        tasks = export(store, ExportOptions("prodigy", tmp_path / "tasks.jsonl"), slowly)  # formatted by workers
        assert len(writes) > before + 5  # the writer went on during both exports
    finally:
        stop.set()
        thread.join()
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    assert len(records[0]["spans"]) == len(records[-1]["spans"]) > 1
    assert lines.spans == sum(len(r["spans"]) for r in records)
    ann = {p.stem: sum(line.startswith("T") for line in p.read_text("utf-8").splitlines())
           for p in (tmp_path / "brat").rglob("*.ann")}
    assert ann["a0000"] == ann["a0999"] and brat.spans == sum(ann.values())
    spans = {}
    for line in (tmp_path / "tasks.jsonl").read_text("utf-8").splitlines():
        task = json.loads(line)
        spans[task["meta"]["id"]] = spans.get(task["meta"]["id"], 0) + len(task["spans"])
    assert spans["a0000"] == spans["a0999"] and tasks.spans == sum(spans.values())
    manifest = json.loads((tmp_path / "brat" / "manifest.json").read_text("utf-8"))
    assert manifest["totals"]["spans"] == brat.spans


def test_every_format_writer_implements_the_writer_protocol():
    import inspect

    from annotator.formats.writing import FormatWriter

    for name in FORMATS:
        writer = exporting.writer_class(name)
        assert issubclass(writer, FormatWriter) and not inspect.isabstract(writer), name
        assert not {"add", "reserve", "handoff", "take"} & set(vars(writer)), name  # the old by-convention methods
