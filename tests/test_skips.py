"""`make test` names what it skipped; in CI a skip that hides a missing dependency (a module, the PostgreSQL
server) is a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
MISSING = "could not import 'no_such_module_for_annotator': No module named 'no_such_module_for_annotator'"
PLUGINS_NOT_NEEDED = ("cacheprovider", "xdist", "xdist.looponfail", "pytest-qt", "anyio", "hypothesispytest")
TESTS = {
    "test_some": """
import pytest

def test_needs_a_missing_module():
    pytest.importorskip("no_such_module_for_annotator")

@pytest.mark.skip(reason="shown on purpose")
def test_skipped_on_purpose():
    pass

def test_needs_a_postgresql_server():
    pytest.skip("no PostgreSQL server (initdb not found)")

def test_passes():
    pass
""",
    "test_whole_module": """
import pytest

pytest.importorskip("no_such_module_for_annotator")

def test_never_runs():
    pass
""",
}


@pytest.mark.parametrize("ci", [None, "true"])
def test_skips_are_summed_up_and_missing_modules_fail_in_ci(pytester, monkeypatch, ci):
    monkeypatch.delenv("CI", raising=False)
    if ci:
        monkeypatch.setenv("CI", ci)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(**TESTS)
    result = pytester.runpytest("--continue-on-collection-errors", *(arg for p in PLUGINS_NOT_NEEDED for arg in ("-p", f"no:{p}")))
    if ci:
        result.assert_outcomes(passed=1, skipped=1, failed=2, errors=1)
        result.stdout.fnmatch_lines([f"*CI=true and a dependency is missing: {MISSING}*"])
        result.stdout.fnmatch_lines(["*CI=true and a dependency is missing: no PostgreSQL server (initdb not found)*"])
        result.stdout.fnmatch_lines(["skipped: 1: shown on purpose (1)"])
    else:
        result.assert_outcomes(passed=1, skipped=4)
        result.stdout.fnmatch_lines([f"skipped: 4: {MISSING} (2); no PostgreSQL server (initdb not found) (1); "
                                     "shown on purpose (1)"])
