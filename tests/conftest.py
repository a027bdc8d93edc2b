"""Shared fixtures: headless Qt, temporary databases, and texts that break naive offset code."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANNOTATOR_NAME", "tester")

import pytest  # noqa: E402

# Texts every offset path must survive (docs/design.md, Offsets).
HARD_TEXTS = [
    "Flags 🇯🇵 and 🇺🇦 wave.",
    "A firefighter 👨🏻‍🚒 arrived.",
    "𠮷野家 serves beef.",
    "Cafe\u0301 in NFD, café in NFC.",
    "Line one\r\nLine two\r\n",
    "Tab\there and NBSP\u00a0there.",
    "قال الرئيس إن السلام ممكن",
    "<b>x</b><img src=\"http://example.com/a.png\"> & <script>alert(1)</script>",
    "Mixed: a😀b\r\nc 𠮷 e\u0301 \t\u00a0 مرحبا 👨🏻‍🚒 🇯🇵",
]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Never touch the user's real database or settings."""
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "default" / "annotator.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def store(tmp_path):
    from annotator.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def postgres_databases():
    """A throw-away PostgreSQL server for this test process (each xdist worker its own), and fresh databases on it."""
    from tests.postgres import SKIP_REASON, Cluster, Databases, server_bin

    found = server_bin()
    if found is None:
        pytest.skip(f"{SKIP_REASON} (initdb not in /usr/lib/postgresql/*/bin; set ANNOTATOR_PG_BIN)")
    pytest.importorskip("psycopg")
    cluster = Cluster(found).start()
    try:
        yield Databases(cluster)
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_databases):
    """The URL of a new PostgreSQL database holding the annotator schema, dropped after the test."""
    url = postgres_databases.new()
    yield url
    postgres_databases.drop(url)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request, tmp_path):
    """A new store on each engine: a SQLite file, then a PostgreSQL database."""
    from annotator.store import open_store

    target = request.getfixturevalue("postgres_url") if request.param == "postgres" else tmp_path / "test.db"
    s = open_store(target)
    yield s
    s.close()


@pytest.fixture
def without_icu(monkeypatch):
    """icu4py made unimportable: words of unspaced scripts fall back to one character each."""
    from annotator import words

    monkeypatch.setitem(sys.modules, "icu4py", None)
    monkeypatch.setitem(sys.modules, "icu4py.breakers", None)
    words._word_breaker.cache_clear()
    words.segment.cache_clear()
    yield
    words._word_breaker.cache_clear()
    words.segment.cache_clear()


# -- skips: one summary line; in CI (CI=true) a skip for a missing module is a failure ------------------

pytest_plugins = ("pytester",)
MISSING_MODULE = "could not import"  # how pytest.importorskip words its skip
NO_SERVER = "no PostgreSQL server"  # how the postgres fixtures word theirs (tests/postgres.py, SKIP_REASON)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _reason(report) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return reason.removeprefix("Skipped: ")


def _fail_missing_module_in_ci(report) -> None:
    if report.skipped and _in_ci() and (MISSING_MODULE in str(report.longrepr) or NO_SERVER in str(report.longrepr)):
        report.outcome, report.longrepr = "failed", f"CI=true and a dependency is missing: {_reason(report)}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    _fail_missing_module_in_ci(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    _fail_missing_module_in_ci(report)
    return report


def pytest_terminal_summary(terminalreporter):
    """One line: how many tests were skipped, and why."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reasons[_reason(report)] = reasons.get(_reason(report), 0) + 1
    why = "; ".join(f"{reason} ({count})" for reason, count in sorted(reasons.items()))
    terminalreporter.write_line(f"skipped: {sum(reasons.values())}" + (f": {why}" if why else ""))
