"""The status bar's lasting parts: where the user is, the progress counts, and the annotator's name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from ..wording import counted


class StatusLine:
    """Position, counts and annotator widgets on a status bar; plain text only (titles are user data)."""

    def __init__(self, bar: QStatusBar, on_annotator):
        self.bar = bar
        self.annotator_button = QToolButton()
        self.annotator_button.setAutoRaise(True)
        self.annotator_button.setToolTip("Change the annotator name")
        self.annotator_button.clicked.connect(on_annotator)
        self.position_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.position_label, self.counts_label):
            label.setContentsMargins(10, 0, 10, 0)
            label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addPermanentWidget(self.position_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.annotator_button)
        self.total = 0

    def show_annotator(self, name: str) -> None:
        self.annotator_button.setText(f"Annotator: {name}")

    def show_counts(self, counts: dict[str, int]) -> None:
        self.total = sum(counts.values())
        self.counts_label.setText(
            f"{counts['done']} done · {counts['in_progress']} in progress · {counts['todo']} to do"
            + (f" · {counts['skipped']} skipped" if counts["skipped"] else "")
        )

    def show_position(self, row: int, title: str | None, spans: int, status_filter: str | None) -> None:
        """`row` in the article list, or -1 when the list's filter hides the open article (`title`)."""
        if title is None:
            where = "No article"
        elif row >= 0:
            where = f"Article {row + 1} of {self.total}"
        else:
            where = f"“{_short(title)}” (not in the list: filter {status_filter or 'search'})"
        self.position_label.setText(f"{where} · {counted(spans, 'span')}")

    def show_mode(self, where: str, counts: str) -> None:
        self.position_label.setText(where)
        self.counts_label.setText(counts)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
