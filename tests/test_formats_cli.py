"""The import and export commands with every format's options, through click's CliRunner."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from tests.formats_common import BRAT_DIR


@pytest.fixture
def run():
    def invoke(*args, code=0):
        result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result
    return invoke


@pytest.fixture
def db(tmp_path, run):
    path = tmp_path / "esp.db"
    result = run("import", BRAT_DIR, "--format", "brat", "--db", path)
    assert "10 new, 0 already present; 540 spans added; added labels: PER, LOC, ORG, MISC" in result.stdout
    return path


def test_export_every_option(run, db, tmp_path):
    out = tmp_path / "ner"
    result = run("export", "--db", db, "--format", "conll", "--labels", "PER,LOC", "--split", "train=0.5,test=0.5",
                 "--seed", "3", "--scheme", "bioes", "--alignment", "strict", "--out", out)
    assert "Exported 10 articles" in result.output and "train:" in result.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["labels"] == ["PER", "LOC"] and manifest["scheme"] == "bioes" and manifest["split"]["seed"] == 3
    assert "S-PER" in (out / "train.conll").read_text("utf-8") + (out / "test.conll").read_text("utf-8")
    run("validate", out / "manifest.json", "--schema", "manifest")


def test_export_to_stdout_and_gold(run, db):
    result = run("export", "--db", db, "--format", "doccano", "--out", "-")
    assert len(result.stdout.splitlines()) == 10 and "Exported 10 articles, 540 spans" in result.stderr
    gold = run("export", "--db", db, "--format", "jsonl", "--gold", "--out", "-")
    assert {len(json.loads(line)["spans"]) for line in gold.stdout.splitlines()} == {0} and "0 spans" in gold.stderr


def test_export_errors_are_one_line(run, db, tmp_path):
    for args, message in [
        (["--gold", "--annotator", "tester"], "Error: --gold and --annotator exclude each other"),
        (["--annotator", "nobody"], "Error: --annotator 'nobody': no spans by that name (annotators: "),
        (["--labels", "NOPE"], "Error: --labels: unknown label 'NOPE'"),
        (["--split", "train=0.7"], "Error: --split 'train=0.7': the shares add up to 0.7, not 1"),
        (["--format", "brat", "--out", "-"], "Error: --out - needs a single-file format and no --split"),
    ]:
        out = ["--out", tmp_path / "x"] if "--out" not in args else []
        result = run("export", "--db", db, *args, *out, code=1)
        assert result.output.startswith(message) and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_missing_spacy_names_the_extra(run, db, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    result = run("export", "--db", db, "--format", "spacy", "--out", tmp_path / "x.spacy", code=1)
    assert result.output == "Error: the spacy format needs spaCy: pip install 'annotator[spacy]'\n"


def test_import_reports_notes_and_bad_files(run, tmp_path):
    db = tmp_path / "x.db"
    (tmp_path / "d.txt").write_text("Japan spoke.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tACTOR 0 5\tJapan\nE1\tSays:T1\n", encoding="utf-8")
    result = run("import", tmp_path / "d.ann", "--db", db)
    assert "not imported: 1 events" in result.stderr and "1 span added" in result.stdout
    (tmp_path / "d.ann").write_text("T1\tACTOR 0 50\tJapan\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("Japan spoke again.", encoding="utf-8")
    result = run("import", tmp_path / "d.ann", "--db", db, code=1)
    assert "d.ann:1: $.T1: end 50 is past the end of the text (18); nothing was imported\n" in result.output
