"""Review mode's relation candidates: agreed / differs / not by all, accepted into or rejected from the gold layer
with the same keys as span candidates (A, R) while their list has the focus; each decision one undo command."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from .. import relation_review as core
from .commands import StoreCommand, push
from .palette import plain_tooltip
from .review_view import short_names

STATE_MARK = {"accepted": "✔", "rejected": "✘", "pending": "·"}


class DecideRelation(StoreCommand):
    """Accept or reject one relation candidate; undo takes exactly that back."""

    def __init__(self, panel, decision: core.RelationDecision, text: str):
        super().__init__(text, panel.failed.emit)
        self.panel, self.decision = panel, decision

    def forward(self) -> None:
        self.decision.apply(self.panel.store)
        self.panel.show_article(self.decision.article_id)

    def backward(self) -> None:
        self.decision.revert(self.panel.store)
        self.panel.show_article(self.decision.article_id)


class RelationCandidateList(QListWidget):
    """The relation candidates of the article under review, one line each: state, kind, who, type, from → to."""

    def __init__(self, panel):
        super().__init__()
        self.panel = panel
        self.found: list[core.RelationCandidate] = []
        self.states: list[str] = []
        self.setMaximumHeight(160)
        self.currentRowChanged.connect(self._focus_changed)

    def load(self, spans) -> None:
        """Candidates of the panel's article among its compared annotators, keeping the focused one."""
        panel, store = self.panel, self.panel.store
        focused = self.focused()
        aid = panel.article_id
        enough = aid is not None and len(panel.annotators) >= 2
        self.found = core.relation_candidates(spans, store.relations(aid), panel.annotators) if enough else []
        gold = core.gold_relation_keys(store, aid) if aid else {}
        rejected = store.relation_rejections(aid) if aid else set()
        self.states = [core.relation_state(c, gold, rejected) for c in self.found]
        if panel.showing_gold:
            keep = [i for i, s in enumerate(self.states) if s == "accepted"]
            self.found, self.states = [self.found[i] for i in keep], [self.states[i] for i in keep]
        tags = short_names(panel.annotators)
        self.blockSignals(True)
        self.clear()
        for c, state in zip(self.found, self.states, strict=True):
            self.addItem(_item(c, state, tags, panel.colors))
        keys = [c.key for c in self.found]
        self.setCurrentRow(keys.index(focused.key) if focused and focused.key in keys else -1)
        self.blockSignals(False)

    def focused(self) -> core.RelationCandidate | None:
        i = self.currentRow()
        return self.found[i] if 0 <= i < len(self.found) else None

    def _focus_changed(self, i: int) -> None:
        if 0 <= i < len(self.found):
            c = self.found[i]
            self.panel.view.select(c.head[0], c.head[1])  # the from span, selected in the text
            self.panel.view.ensureCursorVisible()

    def decide(self, accept: bool) -> None:
        c = self.focused()
        if c is None:
            self.panel.message.emit("Focus a relation candidate first (its list, arrows).")
            return
        decision = core.RelationDecision(self.panel.article_id, self.panel.reviewer, c, accept)
        what = "Accept" if accept else "Reject"
        push(self.panel.undo, DecideRelation(self.panel, decision, f"{what} {c.type} “{_short(c.head_text)}” → "
                                                                   f"“{_short(c.tail_text)}”"))

    def pending(self) -> int:
        return sum(1 for c, s in zip(self.found, self.states, strict=True) if s == "pending" and c.kind != "agreed")


def _item(c: core.RelationCandidate, state: str, tags: dict[str, str], colors: dict[str, str]) -> QListWidgetItem:
    who = ",".join(tags.get(name, name) for name in c.annotators)
    item = QListWidgetItem(f"{STATE_MARK[state]} {core.KIND_TEXT[c.kind]} [{who}]  {c.type}  "
                           f"{c.head[2]} “{_short(c.head_text)}” → {c.tail[2]} “{_short(c.tail_text)}”")
    item.setForeground(QColor(colors.get(c.head[2], "#444444")).darker(140))
    if c.kind != "agreed":
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    item.setToolTip(plain_tooltip(f"{c.type} from {c.head} to {c.tail} by {', '.join(c.annotators)}: {state}"))
    item.setData(Qt.ItemDataRole.UserRole, c.key)
    return item


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
