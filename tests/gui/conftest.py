"""Fixtures for driving the real labelling window offscreen, with settings kept in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from annotator.model import Article


def pytest_collection_modifyitems(config, items):
    """The offscreen platform warns that it cannot pass size hints on or raise a window; that says nothing about us."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)"))


@pytest.fixture(autouse=True)
def _temporary_settings(tmp_path, qapp):
    """QSettings write INI files under tmp_path, never to the user's configuration."""
    qapp.setOrganizationName("annotator")
    qapp.setApplicationName("annotator")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    yield


def add_articles(store, *texts: str) -> list[str]:
    ids = []
    for i, text in enumerate(texts):
        article = Article(f"a{i:03d}", text)
        store.add_article(article)
        ids.append(article.id)
    return ids


@pytest.fixture
def make_window(qtbot):
    """make_window(store, annotator="tester") -> a shown MainWindow; closed (settings saved) at the end."""
    from annotator.gui.window import MainWindow

    windows = []

    def make(store, annotator: str = "tester"):
        window = MainWindow(store, annotator)
        qtbot.addWidget(window)
        window.resize(1200, 800)
        with qtbot.waitExposed(window):
            window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # window shortcuts fire only in the active window
        window.view.setFocus()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # saves the settings
        window.deleteLater()  # and its timers die with it, before the store closes
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
