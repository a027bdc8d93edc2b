"""The suggestion settings (QSettings): propagation, the model and its label map, the bulk-accept score, hiding,
uncertainty ordering; and the dialog that edits them (Tools › Suggestion settings…)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from .filedialogs import existing_directory

PREFIX = "suggestions/"


@dataclass
class SuggestionOptions:
    propagate: bool = True  # suggest other occurrences of what the annotator labels
    model: str = ""  # a folder `annotator train` wrote, or an installed spaCy pipeline's name; "" for none
    label_map: str = ""  # ORG=ACTOR,GPE=LOCATION for a pipeline with other label names
    min_score: float = 0.5  # Shift+Enter accepts the article's suggestions scoring at least this
    hidden: bool = False
    by_uncertainty: bool = False  # "next not done" opens the article the model is least sure about
    train_steps: int = 2000  # Tools › Train model: spaCy's max_steps

    @classmethod
    def load(cls) -> SuggestionOptions:
        settings, options = QSettings(), cls()
        for f in fields(cls):
            value = settings.value(PREFIX + f.name)
            if value is not None:
                default = getattr(options, f.name)
                if isinstance(default, bool):
                    value = value in (True, "true")
                setattr(options, f.name, type(default)(value))
        return options

    def save(self) -> None:
        settings = QSettings()
        for f in fields(self):
            settings.setValue(PREFIX + f.name, getattr(self, f.name))


class SuggestionSettingsDialog(QDialog):
    """Edits a copy of the options; `options()` gives them back after OK."""

    def __init__(self, options: SuggestionOptions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Suggestion settings")
        form = QFormLayout(self)
        self.propagate = QCheckBox("Suggest other occurrences of what I label")
        self.propagate.setChecked(options.propagate)
        self.model = QLineEdit(options.model)
        self.model.setPlaceholderText("a folder `annotator train` wrote, or a spaCy pipeline's name")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(browse)
        self.label_map = QLineEdit(options.label_map)
        self.label_map.setPlaceholderText("ORG=ACTOR,GPE=LOCATION")
        self.min_score = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2, value=options.min_score)
        self.train_steps = QSpinBox(minimum=10, maximum=100000, singleStep=100, value=options.train_steps)
        self.by_uncertainty = QCheckBox("Next article: the one the model is least sure about")
        self.by_uncertainty.setChecked(options.by_uncertainty)
        form.addRow(self.propagate)
        form.addRow("Model:", row)
        form.addRow("Label map:", self.label_map)
        form.addRow("Shift+Enter accepts from score:", self.min_score)
        form.addRow("Training steps:", self.train_steps)
        form.addRow(self.by_uncertainty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.hidden = options.hidden

    def _browse(self) -> None:
        folder = existing_directory(self, "Model folder", self.model.text())
        if folder:
            self.model.setText(folder)

    def options(self) -> SuggestionOptions:
        return SuggestionOptions(self.propagate.isChecked(), self.model.text().strip(), self.label_map.text().strip(),
                                 self.min_score.value(), self.hidden, self.by_uncertainty.isChecked(),
                                 self.train_steps.value())
