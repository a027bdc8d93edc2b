"""Importing: every bad input gives one clear line and changes nothing; good input round-trips exactly."""

import io
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.corpus import import_files, seed
from annotator.errors import InputErrors, UserError
from annotator.formats import jsonl
from annotator.model import sha256_text
from annotator.store import open_store
from tests.conftest import HARD_TEXTS


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def export_records(store):
    out = io.StringIO()
    jsonl.write(store.iter_articles(), out)
    assert len(out.getvalue().splitlines()) == out.getvalue().count("\n")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_txt_import_keeps_text_byte_for_byte(store, tmp_path):
    raw = "\ufeffTitle line\r\n\r\nBody with <b>x</b><img src=\"http://e.com/a.png\"> & 😀\r\n".encode()
    (tmp_path / "a.txt").write_bytes(raw)
    report = import_files(store, [tmp_path / "a.txt"], annotator="alice")
    assert report.summary().startswith("1 new, 0 already present")
    article = store.article("a")
    assert article.text.encode() == raw[3:]  # BOM removed, nothing else
    assert article.title == "Title line"
    assert article.source == "a.txt"


def test_reimport_is_a_no_op_matched_by_sha(store, tmp_path):
    (tmp_path / "d").mkdir()
    for i, text in enumerate(["one", "two", "three"]):
        (tmp_path / "d" / f"{i}.txt").write_text(text)
    import_files(store, [tmp_path / "d"], annotator="a")
    (tmp_path / "d" / "copy.txt").write_text("two")
    (tmp_path / "d" / "new.txt").write_text("four")
    report = import_files(store, [tmp_path / "d"], annotator="a")
    assert (report.new, report.present) == (1, 4)
    assert store.article_count() == 4


def test_jsonl_spans_take_the_default_annotator_and_merge_idempotently(store, tmp_path):
    text = "Japan and NATO met."
    path = write_jsonl(tmp_path / "r.jsonl", [{"text": text, "spans": [
        {"start": 0, "end": 5, "label": "ACTOR"},
        {"start": 10, "end": 14, "label": "ACTOR", "text": "NATO", "annotator": "bob", "note": "org"},
    ]}])
    import_files(store, [path], annotator="alice")
    report = import_files(store, [path], annotator="alice")
    assert (report.new, report.present, report.spans, report.spans_present) == (0, 1, 0, 2)
    spans = store.spans(store.article_by_sha(sha256_text(text)))
    assert [(s.annotator, s.text, s.note) for s in spans] == [("alice", "Japan", None), ("bob", "NATO", "org")]


def bad(store, tmp_path, name, content, *, match, **options):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, list):
        write_jsonl(path, content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    else:
        path.mkdir()
    before = store.article_count()
    with pytest.raises(UserError) as caught:
        import_files(store, [tmp_path / "good.jsonl", path], annotator="a", **options)
    message = str(caught.value)
    assert "\n" not in message
    assert match in message, message
    assert store.article_count() == before
    assert store.stats()["spans"] == 0
    return message


@pytest.fixture
def good(tmp_path):
    write_jsonl(tmp_path / "good.jsonl", [{"text": "Fine text one."}, {"text": "Fine text two."}])


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("latin.txt", "café".encode("latin-1"), "latin.txt:1: byte 3: not valid utf-8"),
    ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "bin.txt: binary file"),
    ("empty.txt", b"  \n", "empty.txt: empty file"),
    ("nothing", None, "nothing: no articles found"),
    ("broken.jsonl", '{"text": "ok"}\n{"text": "x",\n', "broken.jsonl:2: malformed JSON"),
    ("past.jsonl", [{"text": "short", "spans": [{"start": 2, "end": 9, "label": "ACTOR"}]}],
     "past.jsonl:1: $.spans[0].end: 9 is past the end of the text (5)"),
    ("backwards.jsonl", [{"text": "short", "spans": [{"start": 3, "end": 3, "label": "ACTOR"}]}],
     "backwards.jsonl:1: $.spans[0].end: 3 is not after start 3"),
    ("differs.jsonl", [{"text": "Japan", "spans": [{"start": 0, "end": 5, "label": "ACTOR", "text": "Japon"}]}],
     'differs.jsonl:1: $.spans[0].text: "Japon" differs from the text at [0, 5): "Japan"'),
    ("label.jsonl", [{"text": "Japan", "spans": [{"start": 0, "end": 5, "label": "COUNTRY"}]}],
     "label.jsonl:1: $.spans[0].label: unknown label 'COUNTRY'"),
    ("sha.jsonl", [{"text": "Japan", "text_sha256": "0" * 64}], "sha.jsonl:1: $.text_sha256: 000000000000… does not match"),
    ("field.jsonl", [{"text": "Japan", "spnas": []}], "field.jsonl:1: $.spnas: is not an allowed field"),
    ("type.jsonl", [{"text": "Japan", "spans": [{"start": "0", "end": 5, "label": "ACTOR"}]}],
     'type.jsonl:1: $.spans[0].start: "0" is not of type "integer"'),
])
def test_bad_input_is_one_line_and_imports_nothing(store, tmp_path, good, name, content, expected):
    bad(store, tmp_path, name, content, match=expected)


def test_other_encoding_is_read_when_named(store, tmp_path):
    (tmp_path / "latin.txt").write_bytes("café crème".encode("latin-1"))
    import_files(store, [tmp_path / "latin.txt"], annotator="a", encoding="latin-1")
    assert store.article("latin").text == "café crème"


def test_skip_invalid_imports_the_rest_and_reports(store, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", [
        {"text": "good one"}, {"text": "bad", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}]}, {"text": "good two"},
    ])
    report = import_files(store, [path], annotator="a", skip_invalid=True)
    assert report.new == 2
    assert [str(e) for e in report.skipped] == [f"{path}:2: $.spans[0].end: 9 is past the end of the text (3)"]


def test_add_labels_adds_with_a_free_colour_and_key(store, tmp_path):
    path = write_jsonl(tmp_path / "l.jsonl", [{"text": "Japan", "spans": [{"start": 0, "end": 5, "label": "COUNTRY"}]}])
    report = import_files(store, [path], annotator="a", add_labels=True)
    assert report.added_labels == ["COUNTRY"]
    added = store.labels()[-1]
    assert (added.name, added.key) == ("COUNTRY", "4")
    assert added.color not in {label.color for label in store.labels()[:-1]}


def test_all_problems_are_reported_not_just_the_first(store, tmp_path):
    path = write_jsonl(tmp_path / "two.jsonl", [
        {"text": "ab", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}, {"start": 0, "end": 1, "label": "X"}]},
    ])
    with pytest.raises(InputErrors) as caught:
        import_files(store, [path], annotator="a")
    assert len(caught.value.errors) == 2


def test_same_id_with_another_text_is_refused(store, tmp_path):
    write_jsonl(tmp_path / "one.jsonl", [{"id": "x", "text": "first"}])
    import_files(store, [tmp_path / "one.jsonl"], annotator="a")
    write_jsonl(tmp_path / "two.jsonl", [{"id": "x", "text": "second"}])
    with pytest.raises(UserError, match="two.jsonl:1: \\$.id: article 'x' already exists with a different text"):
        import_files(store, [tmp_path / "two.jsonl"], annotator="a")


def test_seed_imports_the_sample_article_byte_for_byte(store):
    seed(store)
    source = next(Path(__file__).parent.parent.joinpath("seeds").glob("*.txt"))
    article = store.article(source.stem)
    assert article.text.encode("utf-8") == source.read_bytes()


texts = st.lists(st.sampled_from([*HARD_TEXTS, "plain words", "x", "line\u2028sep\x85nel"]), min_size=1, max_size=4).map("".join)


@st.composite
def records(draw):
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append({"start": start, "end": end, "label": draw(st.sampled_from(["CLAIM", "ACTOR", "LOCATION"])),
                      "text": text[start:end], "annotator": draw(st.sampled_from(["a", "b"])),
                      "note": draw(st.none() | st.text(max_size=5))})
    return {"text": text, "spans": spans}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), min_size=1, max_size=3))
def test_import_export_import_is_the_identity(tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("rt")
    first = open_store(folder / "1.db")
    import_files(first, [write_jsonl(folder / "in.jsonl", batch)], annotator="z")
    exported = export_records(first)
    second = open_store(folder / "2.db")
    import_files(second, [write_jsonl(folder / "out.jsonl", exported)], annotator="z")
    assert export_records(second) == exported
    by_sha = {sha256_text(r["text"]): r for r in batch}
    for record in exported:
        assert record["text"] == by_sha[record["text_sha256"]]["text"]
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
    wanted = {(sha256_text(r["text"]), s["annotator"], s["start"], s["end"], s["label"]) for r in batch for s in r["spans"]}
    got = {(r["text_sha256"], s["annotator"], s["start"], s["end"], s["label"]) for r in exported for s in r["spans"]}
    assert got == wanted
    first.close()
    second.close()


PAUSE_IN_THE_WAL = """
import sys
from pathlib import Path
from annotator import cli
from annotator.store import Store

wal = Path(sys.argv[-1] + "-wal")
large_cache = Store.large_cache
Store.large_cache = lambda self, mib=64: large_cache(self, 1)  # pages spill to the WAL early, as with a huge file


def pause_in_the_wal(self, done, total):
    size = wal.stat().st_size if wal.exists() else 0
    if size > 1_000_000 or done == total:
        print(size, flush=True)  # the parent kills us while we wait here, inside the import's transaction
        sys.stdin.readline()


cli._progress.update = pause_in_the_wal
cli.main()
"""


def test_a_killed_import_leaves_all_or_nothing(tmp_path):
    path = write_jsonl(tmp_path / "big.jsonl", [
        {"text": f"Article {i} " + "words and more words " * 60, "spans": [{"start": 0, "end": 7, "label": "ACTOR"}]}
        for i in range(2500)])  # the rows of the first 2,000 reach SQLite before the import ends
    db = tmp_path / "killed.db"
    open_store(db).close()
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSE_IN_THE_WAL, "import", str(path), "--db", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    ready, _, _ = select.select([child.stdout], [], [], 120)  # a deadline only against a hung child
    wal_size = int(child.stdout.readline() or 0) if ready else 0
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdin.close()
    child.stdout.close()
    assert wal_size > 1_000_000, "the import should have been stopped with uncommitted pages in the WAL"
    store = open_store(db)
    assert store.integrity_ok()
    assert store.article_count() == 0
    report = import_files(store, [path], annotator="a")
    assert report.new == 2500


def test_the_database_itself_is_refused_as_input(store, tmp_path):
    with pytest.raises(UserError, match="is the database being imported into"):
        import_files(store, [Path(store.path)], fmt="txt", annotator="a")


def test_progress_moves_within_one_large_file(store, tmp_path):
    path = write_jsonl(tmp_path / "many.jsonl", [{"text": f"Article number {i}."} for i in range(2500)])
    calls = []
    import_files(store, [path], annotator="a", progress=lambda done, total: calls.append((done, total)))
    total = path.stat().st_size
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls[:-1]] == sorted(done for done, _ in calls[:-1])
    assert 0 < calls[0][0] < total and len(calls) >= 3
