"""PySide6 6.12.0 on Python 3.11 leaks a reference to None per void Qt call until Python aborts (docs/design.md, Qt)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_do_not_eat_references_to_none():
    thing = QObject()
    before = sys.getrefcount(None)
    for _ in range(100_000):
        thing.setObjectName("x")
    # Immortal None (3.12+) reports a huge constant; a leaking binding on 3.11 loses 100,000 here.
    assert sys.getrefcount(None) >= before - 100
