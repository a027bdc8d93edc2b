"""Span colours (tint, contrast), and the review view's highlighter: the innermost span's tint, the outermost's underline."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .spanindex import BlockIndex, runs


def tint(color: QColor, strength: float = 0.38) -> QColor:
    """`color` mixed with white: a background light enough for black text."""
    return QColor(
        round(255 - (255 - color.red()) * strength),
        round(255 - (255 - color.green()) * strength),
        round(255 - (255 - color.blue()) * strength),
    )


@cache
def tinted(color: str) -> QColor:
    """The tint of a colour given by name, made once (tables ask for it for every row they paint)."""
    return tint(QColor(color))


def luminance(color: QColor) -> float:
    """WCAG relative luminance, 0 for black to 1 for white."""

    def linear(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.red()) + 0.7152 * linear(color.green()) + 0.0722 * linear(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(color: QColor) -> QColor:
    """Black or white, whichever contrasts more with `color`: white on orange is unreadable."""
    black, white = QColor("black"), QColor("white")
    return black if contrast(color, black) >= contrast(color, white) else white


def readable_on(background: QColor, color: QColor, ratio: float = 4.5) -> QColor:
    """`color` darkened (lightened on a dark background) until text in it meets WCAG AA (4.5:1) on `background`."""
    readable, light = QColor(color), luminance(background) > 0.18
    for _ in range(50):
        if contrast(readable, background) >= ratio:
            return readable
        readable = readable.darker(110) if light else readable.lighter(110)
    return text_color_on(background)


class SpanHighlighter(QSyntaxHighlighter):
    """Formats each block from the marks the index holds for it; formats live on block layouts, not in the text.

    Where spans nest, the background is the innermost span's tint and the underline the outermost's colour,
    so a CLAIM's underline runs on through the ACTOR tinted inside it and both ends of each stay visible.
    """

    def __init__(self, document: QTextDocument, index: BlockIndex, colors: dict[str, str]):
        self.index = index
        self.colors = {name: QColor(value) for name, value in colors.items()}
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
        super().__init__(document)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = {name: QColor(value) for name, value in colors.items()}
        self._formats = {}

    def char_format(self, outer: str, inner: str) -> QTextCharFormat:
        key = (outer, inner)
        if key not in self._formats:
            fmt = QTextCharFormat()
            fmt.setBackground(tint(self.colors.get(inner, QColor("#888888"))))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(self.colors.get(outer, QColor("#888888")))
            self._formats[key] = fmt
        return self._formats[key]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        marks = self.index.marks(block.blockNumber())
        if not marks:
            return
        length = block.length() - 1  # UTF-16 units; len(text) would count code points
        for run in runs(marks, 0, length):
            self.setFormat(run.start, run.end - run.start, self.char_format(run.outer, run.inner))
