"""The Export… dialog: the options of `annotator.exporting.export`, chosen with widgets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..store import Store
from .filedialogs import existing_directory, save_file_name


class ExportDialog(QDialog):
    """Collects format, output path and filters; `options()` gives them as `ExportOptions`."""

    def __init__(self, store: Store, annotator: str, parent: QWidget | None = None):
        from ..exporting import FORMATS
        from ..tagging import ALIGNMENTS, SCHEMES

        super().__init__(parent)
        self.setWindowTitle("Export")
        self.formats = FORMATS
        self.format = QComboBox()
        for name, fmt in FORMATS.items():
            self.format.addItem(f"{name} — {fmt.description}", name)
        self.out = QLineEdit(str(Path.home() / "annotations.jsonl"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.who = QComboBox()
        self.who.addItem(f"my spans ({annotator})", annotator)
        self.who.addItem("everyone's spans", None)
        for name in store.annotators():
            if name != annotator:
                self.who.addItem(name, name)
        self.gold = QCheckBox("the reviewed (gold) layer instead")
        self.status = QComboBox()
        self.status.addItems(["any", "done", "reviewed"])
        self.labels = {label.name: QCheckBox(label.name, checked=True) for label in store.labels()}
        label_row = QHBoxLayout()
        for box in self.labels.values():
            label_row.addWidget(box)
        self.split = QLineEdit(placeholderText="e.g. train=0.8,dev=0.1,test=0.1 (empty: one file)")
        self.seed = QSpinBox(maximum=1_000_000)
        self.alignment = QComboBox()
        self.alignment.addItems(ALIGNMENTS)
        self.scheme = QComboBox()
        self.scheme.addItems(SCHEMES)
        self.shard_size = QSpinBox(maximum=10_000_000, singleStep=1000, specialValueText="one file")

        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Write to", out_row)
        form.addRow("Spans", self.who)
        form.addRow("", self.gold)
        form.addRow("Articles", self.status)
        form.addRow("Labels", label_row)
        form.addRow("Split", self.split)
        form.addRow("Split seed", self.seed)
        form.addRow("Token alignment", self.alignment)
        form.addRow("Tag scheme", self.scheme)
        form.addRow("Articles per .spacy file", self.shard_size)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _format_changed(self) -> None:
        fmt = self.formats[self.format.currentData()]
        self.alignment.setEnabled(fmt.tokens)
        self.scheme.setEnabled(self.format.currentData() in ("conll", "hf"))
        self.shard_size.setEnabled(self.format.currentData() == "spacy")
        path = Path(self.out.text() or "annotations")
        stem = path.with_suffix("") if path.suffix else path
        self.out.setText(str(stem if fmt.directory else stem.with_suffix(fmt.extension)))

    def _browse(self) -> None:
        fmt = self.formats[self.format.currentData()]
        if fmt.directory or self.split.text().strip():
            path = existing_directory(self, "Export into folder", self.out.text())
        else:
            path = save_file_name(self, "Export to file", self.out.text())
        if path:
            self.out.setText(path)

    def options(self):
        """The chosen `ExportOptions`."""
        from ..exporting import ExportOptions

        return ExportOptions(
            self.format.currentData(), Path(self.out.text()).expanduser(),
            annotator=None if self.gold.isChecked() else self.who.currentData(),
            gold=self.gold.isChecked(),
            status=self.status.currentText(),
            labels=[name for name, box in self.labels.items() if box.isChecked()],
            split=self.split.text().strip() or None,
            seed=self.seed.value(),
            alignment=self.alignment.currentText(),
            scheme=self.scheme.currentText(),
            shard_size=self.shard_size.value() if self.format.currentData() == "spacy" else 0,
        )
