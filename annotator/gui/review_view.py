"""The review mode's text: every candidate drawn in its label's colours, who made it shown by the underline style."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from ..model import Span
from ..offsets import OffsetMap
from ..review import Candidate
from .highlighter import SpanHighlighter
from .spanindex import BlockIndex

U = QTextCharFormat.UnderlineStyle
STYLES = (U.DashUnderline, U.DotLine, U.WaveUnderline, U.DashDotLine, U.DashDotDotLine)  # per annotator
STYLE_TEXT = ("- - -", "·····", "~~~~", "-·-·", "-··-")


@dataclass(frozen=True)
class Row(Candidate):
    """One line of the candidate list: a candidate (or a span only the reviewer made) and where it stands."""

    state: str  # accepted, rejected, pending
    candidate: object


class ReviewHighlighter(SpanHighlighter):
    """The labelling highlighter's tints and underlines, then: a disagreement's underline in the style of the
    annotator who made it, accepted spans bold, rejected ones struck out."""

    def __init__(self, document, index: BlockIndex, colors: dict[str, str], rows: dict[int, Row], annotators: list[str]):
        self.rows, self.annotators = rows, annotators
        super().__init__(document, index, colors)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().highlightBlock(text)
        block = self.currentBlock()
        length = block.length() - 1
        for mark in sorted(self.index.marks(block.blockNumber()), key=lambda m: m.start - m.end):
            row = self.rows.get(mark.span_id)
            if row is None or (row.kind == "agreed" and row.state == "pending"):
                continue
            start, end = max(0, mark.start), min(mark.end, length)
            position = start
            while position < end:  # formats differ along the mark: change each run, keep its colours
                fmt = QTextCharFormat(self.format(position))
                run = position + 1
                while run < end and self.format(run) == self.format(position):
                    run += 1
                if row.kind != "agreed":
                    fmt.setUnderlineStyle(self.style_of(row))
                    fmt.setUnderlineColor(self.colors.get(row.label, QColor("#444444")).darker(130))
                if row.state == "accepted":
                    fmt.setFontWeight(QFont.Weight.Bold)
                elif row.state == "rejected":
                    fmt.setFontStrikeOut(True)
                self.setFormat(position, run - position, fmt)
                position = run

    def style_of(self, row: Row) -> U:
        if not row.annotators:
            return U.SingleUnderline
        first = self.annotators.index(row.annotators[0]) if row.annotators[0] in self.annotators else 0
        return STYLES[first % len(STYLES)]


class ReviewView(QPlainTextEdit):
    """Read-only plain text (never HTML) of the article under review, with its candidates drawn."""

    def __init__(self, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.colors = colors
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.15)
        self.setFont(font)
        self.offsets = OffsetMap("", fold_crlf=True)
        self.text = ""
        self.highlighter: ReviewHighlighter | None = None
        self.annotators: list[str] = []
        self.focus_row: Row | None = None

    def show_text(self, text: str) -> None:
        if self.highlighter is not None:
            self.highlighter.setDocument(None)
            self.highlighter = None
        self.text = text
        self.offsets = OffsetMap(text, fold_crlf=True)
        self.setPlainText(text)

    def show_rows(self, rows: list[Row], annotators: list[str]) -> None:
        index = BlockIndex(self.text, self.offsets)
        by_id = {}
        for i, row in enumerate(rows):
            index.add(Span(row.start, row.end, row.label, row.text, id=i))
            by_id[i] = row
        self.annotators = list(annotators)
        if self.highlighter is not None:
            self.highlighter.setDocument(None)
        self.highlighter = ReviewHighlighter(self.document(), index, self.colors, by_id, self.annotators)
        self.set_focus_row(self.focus_row)

    def legend(self) -> str:
        tags = short_names(self.annotators)
        who = "   ".join(f"{STYLE_TEXT[i % len(STYLE_TEXT)]} {name} [{tags[name]}]" for i, name in enumerate(self.annotators))
        return (f"Disagreements are underlined by who made them:   {who}   —— reviewer.   "
                "Bold: accepted.  Struck out: rejected.  Background: the label's colour.")

    def set_focus_row(self, row: Row | None) -> None:
        """Mark the candidate under focus (an extra selection) and scroll to it."""
        self.focus_row = row
        if row is None or row.end > len(self.text):
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_units(row.start))
        cursor.setPosition(self.offsets.to_units(row.end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(self.colors.get(row.label, "#444444")))
        fmt.setForeground(QColor("white"))
        selection.format = fmt
        self.setExtraSelections([selection])
        caret = self.textCursor()
        caret.setPosition(self.offsets.to_units(row.start))
        self.setTextCursor(caret)
        self.ensureCursorVisible()

    def selection(self) -> tuple[int, int]:
        """The selected range in code points of the stored text."""
        cursor = self.textCursor()
        return self.offsets.to_cp(cursor.selectionStart()), self.offsets.to_cp(cursor.selectionEnd())

    def select(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_units(start))
        cursor.setPosition(self.offsets.to_units(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)


def short_names(annotators: list[str]) -> dict[str, str]:
    """A short tag for each annotator: the shortest start of its name's last part (after '-') that no
    other annotator's shares ("annotator-a" -> "a", "alice"/"alex" -> "ali"/"ale"); else of the whole name."""

    def shortest(name: str, others: list[str]) -> str | None:
        for size in range(1, len(name)):
            if not any(other.startswith(name[:size]) for other in others):
                return name[:size]
        return name if name not in others else None

    tags = {}
    for name in annotators:
        others = [n for n in annotators if n != name]
        tail = name.rsplit("-", 1)[-1] or name
        tags[name] = (shortest(tail, [n.rsplit("-", 1)[-1] for n in others]) or shortest(name, others)
                      or str(annotators.index(name) + 1))
    return tags

