"""Tools › Train model: `annotator train` in a process of its own behind a progress dialog, while labelling goes on;
the new model replaces the one in use only when it does better on the same held-out articles (annotator.retraining)."""

from __future__ import annotations

import json
import re
import sys
import time

from PySide6.QtCore import QObject, QProcess, Qt
from PySide6.QtWidgets import QProgressDialog

from ..paths import models_folder
from ..retraining import DECISION, FAILURE

STEP = re.compile(r"^\s*\d+\s+(\d+)\s+[\d.]+")  # a row of spaCy's training table: epoch, step, losses, scores


class TrainingDialog(QObject):
    """One training run: a QProcess (never a thread of the window's interpreter) and its progress dialog."""

    def __init__(self, window, suggester):
        super().__init__(suggester)
        self.window, self.suggester = window, suggester
        self.steps = suggester.options.train_steps
        self.out = models_folder(window.store.path) / time.strftime("%Y%m%d-%H%M%S")
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self.dialog = QProgressDialog("Training a model on your labels…", "Cancel", 0, self.steps, window)
        self.dialog.setWindowTitle("Train model")
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)  # labelling goes on meanwhile
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(self.cancel)
        self.choice: dict | None = None
        self.last = ""  # the last line of output, shown when training fails
        self.cancelled = False

    def start(self) -> None:
        args = ["-u", "-m", "annotator.retraining", "--db", str(self.window.store.path), "--out", str(self.out),
                "--annotator", self.window.session.annotator, "--max-steps", str(self.steps),
                "--current", self.suggester.options.model]
        self.process.start(sys.executable, args)
        self.dialog.show()

    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def cancel(self) -> None:
        if self.running():
            self.cancelled = True
            self.process.kill()
            self.process.waitForFinished(5000)

    def _read(self) -> None:
        for line in bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace").splitlines():
            if line.startswith(DECISION):
                self.choice = json.loads(line[len(DECISION):])
            elif step := STEP.match(line):
                self.dialog.setValue(min(int(step.group(1)), self.steps))
                self.dialog.setLabelText(f"Training a model on your labels… step {step.group(1)} of {self.steps}")
            if line.strip():
                self.last = line.strip()

    def _finished(self, _code: int, _status) -> None:
        self._read()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.deleteLater()
        self.deleteLater()
        if self.cancelled:
            self.window.statusBar().showMessage("Training cancelled; the model in use stays.", 5000)
        elif self.choice is None:
            why = self.last.removeprefix(FAILURE) or "no output"
            self.window.show_failure(f"Training failed: {why}")
        else:
            if self.choice["replace"]:
                self.suggester.use_model(self.choice["model"])
            self.window.statusBar().showMessage(verdict(self.choice), 30000)


def verdict(choice: dict) -> str:
    """What the training decided, in a sentence for the status bar."""
    held = f"on {choice['eval_articles']} held-out articles"
    old = "" if choice["old_f1"] is None else f" (the model in use: {choice['old_f1']:.3f})"
    if choice["replace"]:
        return f"New model in use: F1 {choice['new_f1']:.3f} {held}{old}; {choice['model']}"
    return f"New model not used: F1 {choice['new_f1']:.3f} {held}{old} is no better; kept in {choice['model']}"
