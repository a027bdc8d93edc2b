"""The wheel carries the schemas and seeds, so an installed annotator works outside the source tree."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_holds_schemas_and_seeds_and_finds_them(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("annotator-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in ROOT.glob("schemas/*.schema.json"):
        assert f"annotator/schemas/{schema.name}" in names
    assert "annotator/seeds/labels.json" in names
    assert "annotator/store/postgres_schema.sql" in names  # the PostgreSQL schema, read by store/postgres.py
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    script = (
        f"import sys; sys.path.insert(0, {str(target)!r}); import annotator, annotator.schema as s, annotator.paths as p;"
        f"assert annotator.__file__.startswith({str(target)!r}), annotator.__file__;"
        "assert s.schemas_dir().parent == p.seeds_dir().parent == __import__('pathlib').Path(annotator.__file__).parent;"
        "assert s.validator('record').is_valid({'text': 'x'}); print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip() == "ok", result.stderr
