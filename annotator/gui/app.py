"""Starting the labelling window: the application object, the annotator's name, and --screenshot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog

from ..paths import default_annotator
from ..store import Store

HEADLESS = ("offscreen", "minimal")


def application() -> QApplication:
    """The one QApplication, named so QSettings finds our settings (organization "annotator")."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("annotator")
    app.setApplicationName("annotator")
    return app


def choose_annotator(given: str | None, *, interactive: bool) -> str:
    """--annotator (kept), else $ANNOTATOR_NAME, else the name saved in the settings, else ask once (default: the
    OS user name)."""
    settings = QSettings()
    if given:
        settings.setValue("annotator/name", given)
        return given
    if os.environ.get("ANNOTATOR_NAME"):
        return os.environ["ANNOTATOR_NAME"]
    saved = settings.value("annotator/name")
    if saved:
        return str(saved)
    name = default_annotator()
    if interactive:
        answer, ok = QInputDialog.getText(None, "Welcome to annotator", "Your name, stored with your spans:", text=name)
        if ok and answer.strip():
            name = answer.strip()
        settings.setValue("annotator/name", name)
    return name


def run(store: Store, annotator: str | None = None, screenshot: Path | None = None) -> int:
    """Show the window until it is closed (exit code 0), or write a PNG of it and return at once."""
    if screenshot is not None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a picture needs no screen
    app = application()
    role = store.member_role()  # a team member on PostgreSQL is their login role, whatever else is given
    if screenshot is not None:
        name = role or annotator or os.environ.get("ANNOTATOR_NAME") or str(
            QSettings().value("annotator/name") or default_annotator())
        return take_screenshot(store, name, Path(screenshot), given=annotator is not None or role is not None)
    interactive = QGuiApplication.platformName() not in HEADLESS
    name = role or choose_annotator(annotator, interactive=interactive)
    from .window import MainWindow

    window = MainWindow(store, name)
    window.show()
    QTimer.singleShot(0, window.view.setFocus)
    return app.exec()


def take_screenshot(store: Store, annotator: str, path: Path, *, given: bool, size: tuple[int, int] = (1280, 800)) -> int:
    """A PNG of the window on the first article; without spans of our own there, show whoever labelled it most."""
    from .window import MainWindow

    app = application()
    first = store.article_ids()[:1]
    if first and not given and not store.spans(first[0], annotator):
        others = [s.annotator for s in store.spans(first[0])]
        if others:
            annotator = max(sorted(set(others)), key=others.count)
    window = MainWindow(store, annotator, remember=False)  # the picture does not depend on the last session
    window.resize(*size)
    window.main_splitter.setSizes([size[0] * 24 // 100, size[0] * 76 // 100])
    if first:
        window.open_article(first[0])
    window.show()
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(str(path), "PNG")
    window.hide()
    window.deleteLater()
    app.processEvents()
    if not ok:
        print(f"Error: could not write {path}", file=sys.stderr)
        return 1
    return 0
