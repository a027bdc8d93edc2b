"""File › Import… and File › Export…: the file or options chosen, the work in a worker thread with progress, the outcome."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ..errors import UserError
from .filedialogs import make_dialog, save_file_name
from .messages import ask, report_error, show_error, show_info
from .workers import Task

IMPORT_LOCK_WAIT = 10.0  # seconds an import in the window waits for another program's write (in its own thread)
IMPORT_FILTERS = {  # the file dialog's filter chooses the format
    "Articles and canonical records (*.txt *.jsonl)": "auto",
    "brat standoff (*.ann)": "brat",
    "Label Studio JSON (*.json)": "label-studio",
    "doccano JSONL (*.jsonl)": "doccano",
    "Prodigy JSONL (*.jsonl)": "prodigy",
    "W3C Web Annotation (*.jsonld *.json)": "w3c",
    "spaCy DocBin (*.spacy)": "spacy",
    "CoNLL (*.conll *.iob *.bio *.tsv)": "conll",
    "All files (*)": "auto",
}


def choose_import(window) -> None:
    dialog = make_dialog(window, "Import articles", "", ";;".join(IMPORT_FILTERS))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    if dialog.exec():
        fmt = IMPORT_FILTERS.get(dialog.selectedNameFilter(), "auto")
        run_import(window, [Path(p) for p in dialog.selectedFiles()], fmt)


def run_import(window, paths: list[Path], fmt: str = "auto", add_labels: bool = False) -> Task:
    """Import in a worker thread (on its own connection) with a progress dialog; offer to add unknown labels."""
    from ..corpus import import_files

    db, annotator = window.store, window.annotator

    def work(progress):
        store = db.another()
        store.set_busy_wait(IMPORT_LOCK_WAIT)
        try:
            return import_files(store, paths, fmt=fmt, annotator=annotator, add_labels=add_labels, progress=progress)
        finally:
            store.close()

    def done(report, error) -> None:
        window.list_panel.model.reload()
        window.list_panel.select(window.session.article_id)
        window.update_status()
        unknown = sorted({e.value for e in getattr(error, "errors", []) if e.kind == "unknown_label"})
        if unknown and not add_labels:
            ask(window, "Unknown labels", f"The files use labels this database does not have: {', '.join(unknown)}.\n"
                "Add them to the label set and import?", lambda: run_import(window, paths, fmt, add_labels=True))
        elif error is not None:
            report_error(window, "Import failed; nothing was imported", error)
        else:
            window.statusBar().showMessage(f"Imported: {report.summary()}", 10000)
            if window.session.article_id is None and window.list_panel.model.rowCount():
                window.open_article(window.list_panel.model.rows[0].id)

    return Task(window, "Importing…", work, done)


def choose_export(window) -> None:
    from .exportdialog import ExportDialog

    dialog = ExportDialog(window.store, window.annotator, window)
    if dialog.exec():
        run_export(window, dialog.options())


def run_export(window, options) -> Task:
    """Export in a worker thread with a progress dialog; `options` are `annotator.exporting.ExportOptions`."""
    from .. import exporting

    db = window.store

    def work(progress):
        store = db.another()
        try:
            return exporting.export(store, options, progress)
        finally:
            store.close()

    def done(summary, error) -> None:
        if error is not None:
            report_error(window, "Export failed", error)
        else:  # the first line says what was written; spans moved or left out deserve a box of their own
            first, *rest = summary.summary().splitlines()
            window.statusBar().showMessage(first, 10000)
            if rest:
                show_info(window, "Exported, with changes", "\n".join([first, *rest]))

    return Task(window, "Exporting…", work, done)


def choose_database(window) -> None:
    path = save_file_name(
        window, "Open or create a database", str(Path(window.store.path).parent), "Databases (*.db *.sqlite);;All files (*)",
        confirm_overwrite=False,
    )
    if path:
        open_database(window, Path(path))


def open_database(window, path: Path):
    """Open another database in a new window that replaces this one; None (and a box) if it cannot be opened."""
    from ..store import open_store
    from .window import MainWindow

    try:
        store = open_store(path)
    except UserError as e:
        show_error(window, "Cannot open the database", str(e))
        return None
    new = MainWindow(store, window.annotator)
    new.show()
    window.close()
    return new
