"""Draws spans on the article view from the per-block index: the innermost span's tint, the outermost's underline."""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .spanindex import BlockIndex


def tint(color: QColor, strength: float = 0.38) -> QColor:
    """`color` mixed with white: a background light enough for black text."""
    return QColor(
        round(255 - (255 - color.red()) * strength),
        round(255 - (255 - color.green()) * strength),
        round(255 - (255 - color.blue()) * strength),
    )


def text_color_on(color: QColor) -> QColor:
    """Black or white, whichever contrasts more with `color` (WCAG relative luminance): white on orange is unreadable."""

    def linear(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * linear(color.red()) + 0.7152 * linear(color.green()) + 0.0722 * linear(color.blue())
    return QColor("black") if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else QColor("white")


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
        edges = sorted({0, length, *(min(m.start, length) for m in marks), *(min(m.end, length) for m in marks)})
        for a, b in zip(edges, edges[1:], strict=False):
            covering = [m for m in marks if m.start <= a and m.end >= b]
            if not covering:
                continue
            covering.sort(key=lambda m: (m.start - m.end, m.label))  # longest first
            self.setFormat(a, b - a, self.char_format(covering[0].label, covering[-1].label))
