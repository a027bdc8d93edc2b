"""Bad input through the command line: one line naming file and place, exit status 1, nothing changed; and --help."""

import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.model import Span
from annotator.store import open_store

DEEP = "[" * 100_000 + "]" * 100_000


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def articles(db: Path) -> int:
    store = open_store(db)
    try:
        return store.article_count()
    finally:
        store.close()


def refused(result, pattern: str, *, lines: int = 1):
    """Exit 1 with `lines` error lines, the first matching `pattern`, and no traceback."""
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == lines, result.output
    assert pytest.importorskip("re").search(pattern, errors[0]), errors[0]
    assert "Traceback" not in result.output


def test_whole_number_float_offsets_are_integers_for_import_and_validate(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"text": "Japan met.", "spans": [{"start": 0.0, "end": 5.0, "label": "ACTOR"}]}\n')
    assert run("validate", path).exit_code == 0
    result = run("import", path, "--db", tmp_path / "a.db")
    assert result.exit_code == 0 and "1 span added" in result.output
    store = open_store(tmp_path / "a.db")
    (span,) = store.spans(store.article_ids()[0])
    assert (span.start, span.end, span.text, type(span.start)) == (0, 5, "Japan", int)
    store.close()


def test_json_nested_100000_deep_is_one_line_everywhere(tmp_path):
    (tmp_path / "deep.jsonl").write_text('{"text": "a", "meta": {"x": ' + DEEP + "}}\n")
    (tmp_path / "deep.json").write_text(DEEP)
    db = tmp_path / "a.db"
    refused(run("import", tmp_path / "deep.jsonl", "--db", db), r"deep\.jsonl:1: nested too deeply")
    refused(run("import", tmp_path / "deep.json", "--format", "label-studio", "--db", db), r"deep\.json:1: nested too deeply")
    refused(run("labels", "--set", tmp_path / "deep.json", "--db", db), r"deep\.json:1: nested too deeply")
    refused(run("validate", tmp_path / "deep.jsonl"), r"deep\.jsonl:1: nested too deeply")
    assert articles(db) == 0


def test_lone_surrogate_and_nul_in_text_are_refused(tmp_path):
    db = tmp_path / "a.db"
    (tmp_path / "s.jsonl").write_text('{"text": "fine"}\n{"text": "a\\ud800b"}\n')
    refused(run("import", tmp_path / "s.jsonl", "--db", db), r"s\.jsonl:2: \$\.text: holds a lone surrogate")
    (tmp_path / "n.jsonl").write_text('{"text": "a\\u0000b"}\n')
    refused(run("import", tmp_path / "n.jsonl", "--db", db), r"n\.jsonl:1: \$\.text: character 1 is NUL")
    (tmp_path / "late.txt").write_bytes(b"x" * 10_000 + b"\x00")  # past the first block's binary check
    refused(run("import", tmp_path / "late.txt", "--db", db), r"late\.txt: \$\.text: character 10000 is NUL")
    assert articles(db) == 0


def fifo(tmp_path) -> Path:
    """A FIFO that gets a writer after 20 s, so that a reader blocked on it fails the test instead of hanging."""
    path = tmp_path / "pipe.jsonl"
    os.mkfifo(path)

    def unblock():
        with open(path, "w"):
            pass

    timer = threading.Timer(20, unblock)
    timer.daemon = True
    timer.start()
    return path


@pytest.mark.parametrize("command", [["import", "{p}"], ["labels", "--set", "{p}"], ["validate", "{p}"]])
def test_a_fifo_is_refused_not_waited_on(tmp_path, command):
    path = fifo(tmp_path)
    result = run(*[part.format(p=path) for part in command], *(["--db", tmp_path / "a.db"] if command[0] != "validate" else []))
    refused(result, r"pipe\.jsonl: a FIFO; name a regular file")


def test_utf16_and_utf32_files_with_encoding(tmp_path):
    db = tmp_path / "a.db"
    (tmp_path / "w.jsonl").write_bytes('{"text": "Japan 😀 met."}\n{"text": "Second"}\n'.encode("utf-16"))
    (tmp_path / "w.txt").write_bytes("Tokyo 𠮷 text".encode("utf-32"))
    refused(run("import", tmp_path / "w.jsonl", "--db", db), r"w\.jsonl: binary file .*--encoding")
    assert run("import", tmp_path / "w.jsonl", "--encoding", "utf-16", "--db", db).exit_code == 0
    assert run("import", tmp_path / "w.txt", "--encoding", "utf-32", "--db", db).exit_code == 0
    store = open_store(db)
    assert sorted(store.article(a).text for a in store.article_ids()) == ["Japan 😀 met.", "Second", "Tokyo 𠮷 text"]
    store.close()
    labels = tmp_path / "labels.json"
    labels.write_bytes(json.dumps({"labels": [{"name": "PER", "key": "1"}]}).encode("utf-16"))
    assert run("labels", "--set", labels, "--encoding", "utf-16", "--db", db).exit_code == 0
    assert run("validate", tmp_path / "w.jsonl", "--encoding", "utf-16").output.endswith("2 valid records\n")


@pytest.mark.parametrize("name", ["<b>x</b>", "my label", "two\nlines"])
def test_one_label_name_rule_for_add_labels_and_merge(tmp_path, name):
    db = tmp_path / "a.db"
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({"text": "Japan", "spans": [{"start": 0, "end": 5, "label": name}]}) + "\n")
    refused(run("import", path, "--add-labels", "--db", db), r"l\.jsonl:1: \$\.spans\[0\]\.label: .* cannot be a label name")
    other = open_store(tmp_path / "other.db")
    other.add_label(name)  # as an older version let --add-labels do
    from annotator.model import Article

    other.add_article(Article("a", "Japan"))
    other.add_span("a", Span(0, 5, name, "Japan", "bob"))
    other.close()
    refused(run("merge", tmp_path / "other.db", "--db", db), r"other\.db: article 'a': .* cannot be a label name")
    assert articles(db) == 0


def test_every_bad_record_is_listed_up_to_a_count(tmp_path):
    db = tmp_path / "a.db"
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps({"text": n}) + "\n" for n in range(25)))
    result = run("import", path, "--db", db)
    refused(result, r"bad\.jsonl:1: \$\.text: 0 is not of type", lines=21)
    assert result.output.rstrip().endswith("Error: … and 5 more problems; nothing was imported")


def test_skip_invalid_counts_records_not_problems(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "good"}\n{"txt": 1}\n'
                    '{"text": "two", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}, {"start": 2, "end": 1, "label": "ACTOR"}]}\n'
                    "not json\n")
    result = run("import", path, "--skip-invalid", "--db", tmp_path / "a.db")
    assert result.exit_code == 0
    assert "3 invalid records skipped" in result.output
    assert result.output.count("Skipped: ") == 5  # the second record has two problems


def test_nothing_was_imported_only_after_import(tmp_path):
    bad = tmp_path / "labels.json"
    bad.write_text('{"labels": [{"name": "my label"}]}')
    for args in (["labels", "--set", bad, "--db", tmp_path / "a.db"], ["validate", bad]):
        result = run(*args)
        assert result.exit_code == 1 and "nothing was imported" not in result.output.lower()


def test_help_lists_formats_names_the_environment_and_cuts_nothing():
    top = run("--help").output
    assert "Example:" in top and "ANNOTATOR_DB" in top and "ANNOTATOR_NAME" in top
    commands = top.split("Commands:")[1]
    assert "..." not in commands and "…" not in commands
    assert "[auto|txt|jsonl|brat|conll|spacy|label-studio|doccano|prodigy|w3c]" in run("import", "--help").output
    assert "labels the other databases use and this one lacks are added" in " ".join(run("merge", "--help").output.split())
    result = run("import", "x.txt", "--format", "docano")
    assert result.exit_code == 2 and "'docano' is not one of" in result.output
