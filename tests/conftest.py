"""Shared fixtures: headless Qt, temporary databases, and texts that break naive offset code."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANNOTATOR_NAME", "tester")

import pytest  # noqa: E402

# Texts every offset path must survive (DESIGN.md, Offsets).
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
