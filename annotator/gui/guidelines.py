"""The guidelines panel: what each label means, and every shortcut, one key away."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QTextBrowser

from ..model import Label
from .highlighter import text_color_on


class Guidelines(QTextBrowser):
    """Label descriptions and the shortcut table, built from the label set and the window's actions."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)

    def show_for(self, labels: list[Label], sections: list[tuple[str, list[QAction]]]) -> None:
        """The labels, then each section's actions with every key they answer to."""
        from .actions import shortcut_texts

        parts = ["<h3>Labels</h3><table cellspacing=4>"]
        for label in labels:
            parts.append(
                f"<tr><td style='background:{html.escape(label.color)}; "
                f"color:{text_color_on(QColor(label.color)).name()}; padding:2px 6px'>"
                f"<b>{html.escape(label.key)}</b></td><td><b>{html.escape(label.name)}</b></td>"
                f"<td>{html.escape(label.description)}</td></tr>"
            )
        parts.append("</table><p>A label's key labels the selection, changes the selected span's label, or accepts the "
                     "chosen suggestion (or the one at the caret) with that label.</p><h3 id='shortcuts'>Shortcuts</h3>")
        for title, actions in sections:
            parts.append(f"<h4>{html.escape(title)}</h4><table cellspacing=4>")
            for action in actions:
                keys = shortcut_texts(action)
                if keys:
                    text = (action.statusTip() or action.text()).split("\t")[0].replace("&", "")
                    parts.append(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(text)}</td></tr>")
            parts.append("</table>")
        parts.append("<p>Click a span to select it; click again to pick the one nested under it.</p>")
        self.setHtml("".join(parts))
