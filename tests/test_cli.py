"""The command line, through click's CliRunner on temporary databases."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import SCHEMA_VERSION, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(tmp_path):
    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
    return invoke


def test_first_use_creates_and_seeds_the_default_database(run):
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["articles"] == 1
    assert Path(os.environ["ANNOTATOR_DB"]).exists()


def test_named_new_database_is_created_empty_with_default_labels(run, tmp_path):
    db = tmp_path / "project.db"
    result = run("labels", "--db", db, "--set", ROOT / "seeds" / "labels.json")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("1  CLAIM")
    assert json.loads(run("stats", "--db", db, "--json").output)["articles"] == 0
    assert run("import", ROOT / "seeds", "--db", db).output.startswith("1 new")


def test_import_then_export_jsonl(run, tmp_path):
    db = tmp_path / "p.db"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Japan and NATO.", "spans": [{"start": 0, "end": 5, "label": "ACTOR"}]}) + "\n")
    result = run("import", source, tmp_path / "in.jsonl", "--db", db, "--annotator", "alice")
    assert "1 new, 1 already present; 1 span added (1 already present)" in result.output
    out = tmp_path / "out.jsonl"
    result = run("export", "--format", "jsonl", "--out", out, "--db", db)
    assert result.exit_code == 0
    record = json.loads(out.read_text())
    assert record["spans"] == [{"start": 0, "end": 5, "label": "ACTOR", "text": "Japan", "annotator": "alice", "note": None}]
    assert len(record["text_sha256"]) == 64 and record["id"]
    nobody = run("export", "--out", "-", "--db", db, "--annotator", "nobody")
    assert nobody.exit_code == 1 and nobody.stdout == ""
    assert nobody.stderr == "Error: --annotator 'nobody': no spans by that name (annotators: alice)\n"
    assert run("export", "--out", "-", "--db", db, "--status", "done").stdout == ""


def _user_error(case: str, tmp: Path) -> tuple[list, str]:
    """(arguments, the one line expected) for a user error of each kind the command line reports."""
    db = tmp / "p.db"
    if case == "malformed-json":
        bad = tmp / "bad.jsonl"
        bad.write_text('{"text": "x"}\n{"text": \n')
        return ["import", bad, "--db", db], f"{bad}:2: malformed JSON at column 10: Expecting value"
    if case == "missing-file":
        return ["import", tmp / "nowhere.jsonl", "--db", db], f"{tmp / 'nowhere.jsonl'}: no such file or directory"
    if case == "unknown-type":
        (tmp / "notes.xyz").write_text("hello")
        return ["import", tmp / "notes.xyz", "--db", db], f"{tmp / 'notes.xyz'}: unknown file type '.xyz'; name one with --format"
    if case == "label-key-clash":
        clash = tmp / "clash.json"
        clash.write_text(json.dumps({"labels": [{"name": "PER", "key": "1"}, {"name": "ORG", "key": "1"}]}))
        return ["labels", "--db", db, "--set", clash], f"{clash}: $.labels[1].key: key '1' is already used by PER"
    if case == "relation-key-clash":
        clash = tmp / "clash.json"
        clash.write_text(json.dumps({"labels": [{"name": "PER", "key": "1"}, {"name": "QUOTE", "key": "2"}],
                                     "relations": [{"name": "SAID_BY", "key": "s", "from": ["QUOTE"], "to": ["PER"]}]}))
        return ["labels", "--db", db, "--set", clash], (f"{clash}: $.relations[0].key: key 's' of relation type SAID_BY is "
                                                        "the window's key for 'Select sentence'; choose another")
    if case == "newer-database":
        open_store(db).close()
        sqlite3.connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        return ["stats", "--db", db], f"{db}: written by a newer annotator"
    if case == "not-a-database":
        db.write_bytes(b"not a database at all" * 200)
        return ["stats", "--db", db], f"{db}: not an annotator database"
    if case == "stdout-brat":
        open_store(db).close()
        return ["export", "--format", "brat", "--out", "-", "--db", db], "--out - needs a single-file format"
    if case == "merge-missing":
        return ["merge", tmp / "alice.db", "--db", db], f"{tmp / 'alice.db'}: no such database file"
    assert case == "unknown-annotator"
    open_store(db).close()
    return ["agreement", "--annotators", "alice,bob", "--db", db], "unknown annotator 'alice', 'bob' (known: none)"


@pytest.mark.parametrize("case", ["malformed-json", "missing-file", "unknown-type", "label-key-clash", "relation-key-clash", "newer-database",
                                  "not-a-database", "stdout-brat", "merge-missing", "unknown-annotator"])
def test_user_errors_are_one_line_with_status_1(run, tmp_path, case):
    args, message = _user_error(case, tmp_path)
    result = run(*args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.output.splitlines()) == 1 and result.output.endswith("\n"), result.output
    assert result.output.startswith(f"Error: {message}"), result.output


def test_labels_set_replaces_and_refuses_two_labels_on_one_key(run, tmp_path):
    db = tmp_path / "p.db"
    good = tmp_path / "labels.json"
    good.write_text(json.dumps({"labels": [{"name": "PER", "key": "p", "color": "#112233"}, {"name": "ORG", "key": "o"}]}))
    assert "p  PER" in run("labels", "--db", db, "--set", good).output
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({"labels": [{"name": "PER", "key": "1"}, {"name": "ORG", "key": "1"}]}))
    result = run("labels", "--db", db, "--set", clash)
    assert result.exit_code == 1
    assert f"Error: {clash}: $.labels[1].key: key '1' is already used by PER" in result.output
    assert [label.name for label in open_store(db).labels()] == ["PER", "ORG"]


def test_validate_reports_each_bad_record(run, tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "ok"}\n{"txt": "typo"}\n')
    result = run("validate", path)
    assert result.exit_code == 1
    assert f"{path}:2: $.text: is required" in result.output
    assert f"{path}:2: $.txt: is not an allowed field" in result.output
    assert run("validate", ROOT / "seeds" / "labels.json").exit_code == 0


def test_newer_or_foreign_database_is_refused(run, tmp_path):
    newer = tmp_path / "newer.db"
    open_store(newer).close()
    sqlite3.connect(newer).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = run("stats", "--db", newer)
    assert result.exit_code == 1 and "newer annotator" in result.output
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 200)
    result = run("stats", "--db", junk)
    assert result.exit_code == 1 and "not an annotator database" in result.output


def test_every_command_has_help_with_an_example(run):
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), name


def test_python_dash_m_runs_the_command_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "annotator", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("annotator, version")


@pytest.mark.slow
def test_core_imports_with_pyside6_unimportable(tmp_path):
    """Everything outside annotator/gui/ works with Qt gone, as napari's headless job checks."""
    script = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked in this test")
sys.meta_path.insert(0, Block())
import pkgutil, importlib, annotator
for info in pkgutil.walk_packages(annotator.__path__, "annotator."):
    if not info.name.startswith(("annotator.gui", "annotator.__main__")):
        importlib.import_module(info.name)
from click.testing import CliRunner
from annotator.cli import cli
result = CliRunner().invoke(cli, ["import", {str(ROOT / "seeds")!r}, "--db", {str(tmp_path / "h.db")!r}])
assert result.exit_code == 0, result.output
assert not any(m.startswith("PySide6") for m in sys.modules)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_exported_jsonl_has_one_line_per_record_even_with_unicode_line_separators(run, tmp_path):
    db = tmp_path / "p.db"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "one\u2028two\u2029three\x85four"}) + "\n", encoding="utf-8")
    run("import", source, "--db", db)
    out = tmp_path / "out.jsonl"
    assert run("export", "--out", out, "--db", db).exit_code == 0
    content = out.read_text("utf-8")
    assert len(content.splitlines()) == 1
    assert json.loads(content)["text"] == "one\u2028two\u2029three\x85four"
