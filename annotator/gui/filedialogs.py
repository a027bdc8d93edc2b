"""File dialogs that never open the files they list.

Qt's file dialogs sniff each listed file's content to name its type. Opening and closing the
database file (or its -wal/-shm) in our process drops SQLite's POSIX locks on it, so another
process closing the same database can checkpoint and delete the write-ahead log we are still
writing to: later edits would go to a deleted file. Here types and icons come from names only.
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NamesOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name alone, without reading the file."""

    def icon(self, what):
        if isinstance(what, QFileInfo):
            kind = QFileIconProvider.IconType.Folder if what.isDir() else QFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        return f"{info.suffix().upper()} file" if info.suffix() else "File"


_PROVIDER: NamesOnlyIconProvider | None = None


def make_dialog(parent: QWidget | None, title: str, directory: str = "", name_filter: str = "") -> QFileDialog:
    """A Qt (never native) file dialog whose listing reads no file."""
    global _PROVIDER
    if _PROVIDER is None:
        _PROVIDER = NamesOnlyIconProvider()
    dialog = QFileDialog(parent, title, directory, name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(_PROVIDER)
    return dialog


def open_file_names(parent: QWidget | None, title: str, directory: str = "", name_filter: str = "") -> list[str]:
    dialog = make_dialog(parent, title, directory, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return dialog.selectedFiles() if dialog.exec() else []


def save_file_name(parent: QWidget | None, title: str, directory: str = "", name_filter: str = "",
                   *, confirm_overwrite: bool = True) -> str:
    dialog = make_dialog(parent, title, directory, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    return dialog.selectedFiles()[0] if dialog.exec() else ""


def existing_directory(parent: QWidget | None, title: str, directory: str = "") -> str:
    dialog = make_dialog(parent, title, directory)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog.selectedFiles()[0] if dialog.exec() else ""
