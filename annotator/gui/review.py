"""Review mode: compare annotators on an article, settle each disagreement into the gold layer, undoably."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from .. import review
from ..agreement import agreement_rows
from ..model import REVIEW_STATUSES, Span
from ..store import Store
from ..wording import counted
from .commands import StoreCommand, push
from .highlighter import readable_on
from .messages import ask
from .palette import plain_tooltip
from .relation_review import RelationCandidateList
from .review_view import ReviewView, Row, short_names

STATE_MARK = {"accepted": "✔", "rejected": "✘", "pending": "·"}
KIND_TEXT = {"agreed": "agreed", "label": "label differs", "boundary": "boundaries differ", "missing": "not by all",
             "reviewer": "reviewer's"}
KEYS = (  # (name, text, shortcut): the review panel's actions, shown in its menu and its help line
    ("accept", "Accept candidate", "A"),
    ("reject", "Reject candidate", "R"),
    ("version", "Accept this version, reject its rivals", "V"),
    ("agreed", "Accept all agreed", "Shift+A"),
    ("next", "Next disagreement", "J"),
    ("previous", "Previous disagreement", "K"),
    ("fix", "Fix: selection and label into the gold layer instead", "F"),
    ("add", "Add the selection as a gold span", "G"),
    ("unaccept", "Take back from the gold layer", "U"),
    ("reviewed", "Mark article reviewed", "M"),
    ("gold_only", "Show the gold layer alone / every candidate", "O"),
)
TITLE = Qt.ItemDataRole.UserRole + 1  # an article item's title, kept apart from the status mark shown before it


class Decide(StoreCommand):
    """One review decision on the window's undo stack; redo and undo write the store at once (or say why not)."""

    def __init__(self, panel: ReviewPanel, decision: review.Decision, text: str):
        super().__init__(text, panel.failed.emit)
        self.panel, self.decision = panel, decision

    def forward(self) -> None:
        review.apply(self.panel.store, self.decision)
        self.panel.show_article(self.decision.article_id)

    def backward(self) -> None:
        review.revert(self.panel.store, self.decision)
        self.panel.show_article(self.decision.article_id)


class ReviewPanel(QWidget):
    """Articles to review, annotators to compare, the text with every candidate, and the candidate list."""

    message = Signal(str)
    failed = Signal(str)  # a decision that could not be written: what, why, what to do
    statusChanged = Signal()  # the status bar's texts (see status_texts) changed

    def __init__(self, store: Store, undo, colors: dict[str, str], reviewer: str, parent=None):
        super().__init__(parent)
        self.store, self.undo, self.colors, self.reviewer = store, undo, colors, reviewer
        self.article_id: str | None = None
        self.annotators: list[str] = []
        self.rows: list[Row] = []
        self.candidates: list[review.Candidate] = []
        self.statuses: dict[str, str] = {}  # article id -> review status, for the articles in the list
        self.showing_gold = False  # the gold layer alone (O)

        self.articles = QListWidget()
        self.articles.currentItemChanged.connect(self._article_chosen)
        self.who = QListWidget()
        self.who.setMaximumHeight(120)
        self.who.itemChanged.connect(self._annotators_changed)
        self.view = ReviewView(colors)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._focus_changed)
        self.score = QLabel()
        self.score.setTextFormat(Qt.TextFormat.PlainText)
        self.score.setWordWrap(True)
        self.label_box = QComboBox()
        self.label_box.addItems(list(colors))
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.PlainText)
        self.legend.setWordWrap(True)
        self.relation_list = RelationCandidateList(self)
        _lay_out(self)
        self.actions: dict[str, QAction] = {}
        for name, text, key in KEYS:
            action = QAction(f"{text}", self, checkable=name == "gold_only")
            action.setObjectName(f"review:{name}")
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, n=name: getattr(self, n)())
            self.addAction(action)
            self.actions[name] = action

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the article list and the annotators (keeping the choices made)."""
        current = self.article_id
        self.articles.blockSignals(True)
        self.articles.clear()
        self.statuses = {}
        for article_id, title, status in self.store.review_rows():
            self.statuses[article_id] = status
            item = QListWidgetItem(f"{_status_mark(status)} {title or article_id}")
            item.setData(Qt.ItemDataRole.UserRole, article_id)
            item.setData(TITLE, title or article_id)
            item.setToolTip(plain_tooltip(f"{article_id}: {status.replace('_', ' ')}"))
            self.articles.addItem(item)
        self.articles.blockSignals(False)
        self.who.blockSignals(True)
        self.who.clear()
        for name in self.store.annotators():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in self.annotators else Qt.CheckState.Unchecked)
            self.who.addItem(item)
        self.who.blockSignals(False)
        self.annotators = self._checked()
        if current is None and self.articles.count():
            current = self.articles.item(0).data(Qt.ItemDataRole.UserRole)
        self.show_article(current)

    def _tick_those_who_labelled(self) -> None:
        """Compare, by default, only the annotators who labelled the article shown."""
        labelled = {span.annotator for span in self.store.spans(self.article_id)} if self.article_id else set()
        self.who.blockSignals(True)
        for i in range(self.who.count()):
            item = self.who.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in labelled else Qt.CheckState.Unchecked)
        self.who.blockSignals(False)
        self.annotators = self._checked()

    def _checked(self) -> list[str]:
        return [self.who.item(i).text() for i in range(self.who.count())
                if self.who.item(i).checkState() == Qt.CheckState.Checked]

    def show_article(self, article_id: str | None) -> None:
        """Show an article's candidates as they stand now, keeping the focus on the same candidate."""
        focused = self.focused()
        if article_id != self.article_id:
            focused = None
            self.article_id = article_id
            self.view.show_text(self.store.article(article_id).text if article_id else "")
            self._tick_those_who_labelled()
        for i in range(self.articles.count()):
            item = self.articles.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == article_id:
                self.articles.blockSignals(True)
                self.articles.setCurrentItem(item)
                self.articles.blockSignals(False)
                status = self.statuses[article_id] = self.store.review_status(article_id)
                item.setText(f"{_status_mark(status)} {item.data(TITLE)}")
        self._load_rows()
        keys = [row.key for row in self.rows]
        self.list.setCurrentRow(keys.index(focused.key) if focused and focused.key in keys else -1)
        if self.list.currentRow() < 0 and self.rows:
            self.list.setCurrentRow(self._step_from(-1, 1, pending_only=True, fallback=0))

    def _load_rows(self) -> None:
        aid = self.article_id
        spans = self.store.spans(aid) if aid else []
        gold = {g.key: g for g in self.store.gold_spans(aid)} if aid else {}
        rejected = self.store.rejections(aid) if aid else set()
        enough = len(self.annotators) >= 2
        self.candidates = review.candidates(spans, self.annotators) if enough else []
        rows = [Row(c.start, c.end, c.label, c.text, c.annotators, c.kind, review.state(c, set(gold), rejected), c)
                for c in self.candidates]
        made = {c.key for c in self.candidates}
        rows += [Row(g.start, g.end, g.label, g.text, (), "reviewer", "accepted", None) for k, g in gold.items()
                 if k not in made]
        if self.showing_gold:
            rows = [r for r in rows if r.state == "accepted"]
        rows.sort(key=lambda r: (r.start, -r.end, r.label))
        self.rows = rows
        self.view.show_rows(rows, self.annotators)
        self.list.blockSignals(True)
        self.list.clear()
        tags = short_names(self.annotators)
        base = self.list.palette().base().color()
        inks = {label: readable_on(base, QColor(color)) for label, color in self.colors.items()}
        for row in rows:
            self.list.addItem(_candidate_item(row, tags, inks, gold[row.key].reviewer if row.key in gold else ""))
        self.list.blockSignals(False)
        self.relation_list.load(spans)
        self._show_score(spans)
        self.legend.setText(self.view.legend())
        self.statusChanged.emit()

    def pending(self) -> int:
        """Disagreements in the article shown that no decision has settled yet."""
        return sum(1 for r in self.rows if r.state == "pending" and r.kind != "agreed") + self.relation_list.pending()

    def status_texts(self) -> tuple[str, str]:
        """(where, counts) for the status bar: the article's place, gold spans and pending disagreements; review progress."""
        ids = list(self.statuses)
        if self.article_id in self.statuses:
            gold = sum(1 for r in self.rows if r.state == "accepted")
            where = f"Article {ids.index(self.article_id) + 1} of {len(ids)} · {counted(gold, 'gold span')} · {self.pending()} pending"
        else:
            where = "No article to review"
        counts = {status: sum(1 for s in self.statuses.values() if s == status) for status in REVIEW_STATUSES}
        return where, (f"{counts['reviewed']} reviewed · {counts['in_review']} in review · "
                       f"{counts['unreviewed']} unreviewed")

    def _show_score(self, spans: list[Span]) -> None:
        if not self.article_id or len(self.annotators) < 2:
            self.score.setText("Choose two or more annotators to compare.")
            return
        article = self.store.article(self.article_id)
        # As `annotator agreement`: each pair of those who labelled the article (spans on it or marked it done).
        labelled = {s.annotator for s in spans} | {
            name for name in self.annotators if self.store.status(self.article_id, name) == "done"}
        rows = [(s.annotator, s.start, s.end, s.label) for s in spans]
        result = agreement_rows([(article.text, rows, labelled)], self.annotators, list(self.colors))
        mean, pairs = result["mean"], sum(1 for p in result["pairs"] if p["shared_articles"])
        status = self.store.review_status(self.article_id).replace("_", " ")
        score = (f"Agreement here ({counted(pairs, 'pair')} of annotators who both labelled it): exact F1 "
                 f"{_num(mean['exact_f1'])} · overlap F1 {_num(mean['overlap_f1'])} · token kappa {_num(mean['kappa'])}"
                 if pairs else "Fewer than two of the compared annotators labelled it")
        self.score.setText(f"{article.title[:60]} — {status}. {score} · {counted(self.pending(), 'disagreement')} pending")

    # -- focus and moving ---------------------------------------------------------------------

    def focused(self) -> Row | None:
        i = self.list.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _focus_changed(self, i: int) -> None:
        self.view.set_focus_row(self.rows[i] if 0 <= i < len(self.rows) else None)

    def _step_from(self, start: int, step: int, *, pending_only: bool = False, fallback: int = -1) -> int:
        i = start + step
        while 0 <= i < len(self.rows):
            row = self.rows[i]
            if row.kind not in ("agreed", "reviewer") and (row.state == "pending" or not pending_only):
                return i
            i += step
        return fallback

    def next(self) -> None:
        i = self._step_from(self.list.currentRow(), 1)
        if i < 0:
            self.message.emit("No further disagreement in this article.")
        else:
            self.list.setCurrentRow(i)

    def previous(self) -> None:
        i = self._step_from(self.list.currentRow(), -1)
        if i >= 0:
            self.list.setCurrentRow(i)

    # -- decisions ----------------------------------------------------------------------------

    def _push(self, decision: review.Decision, text: str) -> None:
        if decision.empty:
            self.message.emit("Nothing to change.")
            return
        push(self.undo, Decide(self, decision, text))

    def _candidate(self) -> review.Candidate | None:
        row = self.focused()
        if row is None or row.candidate is None:
            self.message.emit("Focus a candidate first (J / K or the list).")
            return None
        return row.candidate

    def accept(self) -> None:
        if self.relation_list.hasFocus():
            self.relation_list.decide(True)
            return
        c = self._candidate()
        if c:
            self._push(review.plan_accept(self.store, self.article_id, c, self.reviewer), f"Accept {c.label} “{_short(c.text)}”")

    def reject(self) -> None:
        if self.relation_list.hasFocus():
            self.relation_list.decide(False)
            return
        c = self._candidate()
        if c:
            self._push(review.plan_reject(self.store, self.article_id, c, self.reviewer), f"Reject {c.label} “{_short(c.text)}”")

    def version(self) -> None:
        c = self._candidate()
        if c:
            self._push(review.plan_accept_version(self.store, self.article_id, c, self.candidates, self.reviewer),
                       f"Accept {', '.join(c.annotators)}'s {c.label} “{_short(c.text)}”")

    def agreed(self) -> None:
        if self.article_id and len(self.annotators) >= 2:
            d = review.plan_accept_agreed(self.store, self.article_id, self.candidates, self.reviewer, len(self.annotators))
            self._push(d, f"Accept {len(d.add)} agreed spans")

    def fix(self) -> None:
        c = self._candidate()
        if c:
            start, end = self.view.selection()
            if start >= end:
                start, end = c.start, c.end
            label = self.label_box.currentText()
            self._push(review.plan_fix(self.store, self.article_id, c, start, end, label, self.reviewer),
                       f"Fix {c.label} “{_short(c.text)}” as {label}")

    def add(self) -> None:
        start, end = self.view.selection()
        if not self.article_id or start >= end:
            self.message.emit("Select text in the article first.")
            return
        label = self.label_box.currentText()
        self._push(review.plan_add(self.store, self.article_id, start, end, label, self.reviewer), f"Add {label}")

    def unaccept(self) -> None:
        row = self.focused()
        if row is not None and row.state == "accepted":
            self._push(review.plan_remove_gold(self.store, self.article_id, row.key, self.reviewer),
                       f"Take back {row.label} “{_short(row.text)}”")

    def reviewed(self) -> None:
        """Mark the article reviewed; with disagreements still pending, only after asking."""
        if not self.article_id:
            return
        mark = lambda: self._push(review.plan_status(self.store, self.article_id, "reviewed", self.reviewer),  # noqa: E731
                                  "Mark reviewed")
        pending = self.pending()
        if pending:
            self.question = ask(self, "Mark reviewed?", f"{counted(pending, 'disagreement')} still pending in this "
                                f"article. Mark it reviewed anyway?", mark)
        else:
            mark()

    def gold_only(self) -> None:
        """The gold layer alone, each span with the reviewer who put it there; again: every candidate."""
        self.showing_gold = not self.showing_gold
        self.actions["gold_only"].setChecked(self.showing_gold)
        self._load_rows()
        self.list.setCurrentRow(0 if self.rows else -1)
        self.message.emit("Showing the gold layer only (O again: every candidate)." if self.showing_gold
                          else "Showing every candidate.")

    # -- choices ------------------------------------------------------------------------------

    def _article_chosen(self, item, _previous=None) -> None:
        if item is not None:
            self.show_article(item.data(Qt.ItemDataRole.UserRole))

    def _annotators_changed(self, _item) -> None:
        self.annotators = self._checked()
        self._load_rows()


def _lay_out(panel: ReviewPanel) -> None:
    """Articles and annotators on the left, the text in the middle, the candidates and keys on the right."""
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(QLabel("Articles labelled by two or more"))
    column.addWidget(panel.articles, 1)
    column.addWidget(QLabel("Annotators to compare"))
    column.addWidget(panel.who)
    middle = QWidget()
    column = QVBoxLayout(middle)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(panel.score)
    column.addWidget(panel.view, 1)
    column.addWidget(panel.legend)
    right = QWidget()
    column = QVBoxLayout(right)
    column.setContentsMargins(0, 0, 0, 0)
    bar = QHBoxLayout()
    bar.addWidget(QLabel("Candidates"))
    bar.addStretch(1)
    bar.addWidget(QLabel("Label for fix/add:"))
    bar.addWidget(panel.label_box)
    column.addLayout(bar)
    column.addWidget(panel.list, 1)
    column.addWidget(QLabel("Relation candidates (focus the list: A accepts, R rejects)"))
    column.addWidget(panel.relation_list)
    keys = QLabel("  ".join(f"{key} {text.split(',')[0].split(':')[0].lower()}" for _, text, key in KEYS)
                  + "  Ctrl+Z undo")
    keys.setWordWrap(True)
    keys.setTextFormat(Qt.TextFormat.PlainText)
    column.addWidget(keys)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    for widget, stretch in ((left, 1), (middle, 3), (right, 2)):
        splitter.addWidget(widget)
        splitter.setStretchFactor(splitter.indexOf(widget), stretch)
    splitter.setSizes([220, 640, 480])
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(splitter)


def _candidate_item(row: Row, tags: dict[str, str], inks: dict[str, QColor], gold_by: str) -> QListWidgetItem:
    """One line of the candidate list: state, kind, who, label, text, and the reviewer who put it in gold."""
    who = ",".join(tags.get(name, name) for name in row.annotators) or gold_by or "reviewer"
    text = " ".join(row.text.split())
    by = f"  ✔ {gold_by}" if gold_by else ""
    item = QListWidgetItem(f"{STATE_MARK[row.state]} {KIND_TEXT[row.kind]} [{who}]  {row.label}  {text[:60]}{by}")
    item.setForeground(inks.get(row.label, QColor("#444444")))
    if row.kind != "agreed":
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    item.setToolTip(plain_tooltip(f"{row.label} [{row.start}, {row.end}) by {', '.join(row.annotators) or gold_by}: "
                                  f"{row.state}" + (f" (gold, by {gold_by})" if gold_by else "")))
    return item


def _status_mark(status: str) -> str:
    return {"reviewed": "✔", "in_review": "◐"}.get(status, "○")


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def install(window) -> None:
    """Add View > Review (Ctrl+2) and a Review menu: its keys and its own undo stack act only in review mode."""
    panel = ReviewPanel(window.store, QUndoStack(window.undo_group), window.colors, window.annotator)
    panel.message.connect(lambda text: window.statusBar().showMessage(text, 4000))
    panel.failed.connect(window.show_failure)
    window.events.changed.connect(lambda kind, _id: kind == "outside" and window.modes.currentWidget() is panel
                                  and panel.reload())
    window.review_panel = panel
    menu = QMenu("&Review", window)
    menu.addActions(list(panel.actions.values()))
    window.menuBar().insertMenu(window.menus["help"].menuAction(), menu)
    window.menus["review"] = menu
    action = window.add_mode("Review", panel, "Ctrl+2", actions=list(panel.actions.values()), undo=panel.undo,
                             status=panel.status_texts)
    panel.statusChanged.connect(window.update_status)
    action.triggered.connect(lambda: _enter(window, panel))


def _enter(window, panel: ReviewPanel) -> None:
    panel.reviewer = window.annotator
    panel.reload()
    if window.session.article_id in {panel.articles.item(i).data(Qt.ItemDataRole.UserRole)
                                     for i in range(panel.articles.count())}:
        panel.show_article(window.session.article_id)
    panel.list.setFocus()
