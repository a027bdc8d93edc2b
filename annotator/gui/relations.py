"""Making relations from the keyboard or the mouse: R (or a type's key) on a span, then Tab / Shift+Tab and Enter,
or a click, picks the other end; changing a relation's type and deleting it; each one undo command."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack

from ..model import Relation, RelationType, Span
from ..windowkeys import relation_key_problems
from .commands import push
from .relationlayer import AddRelation, ChangeRelationType, DeleteRelation, RelationLayer, describe
from .session import Session

PICKING_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
MODIFIER_KEYS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr)


@dataclass
class Picking:
    """A relation being made: its first span, its type, and the spans it may link to, nearest first."""

    source: int
    type: str
    candidates: list[int]
    index: int = 0


def _distance(a: Span, b) -> tuple[int, int]:
    """How far span `b` (a Span or an outline: start, end, label, id) is from `a`: 0 when they overlap."""
    return (max(0, a.start - b[1], b[0] - a.end), b[0])


def direction(kind: RelationType, source: Span, other_id: int, other_label: str) -> tuple[int, int] | None:
    """(from id, to id) of a relation of `kind` between two spans (from the first span when both ways fit), or None."""
    if kind.misfit(source.label, other_label) is None:
        return source.id, other_id
    if kind.misfit(other_label, source.label) is None:
        return other_id, source.id
    return None


class RelationEditor(QObject):
    """The relation keys of the labelling page; while the other end is picked, Tab, Enter and Esc are its own."""

    message = Signal(str)
    failed = Signal(str)
    changed = Signal()  # picking started, moved or ended: the view repaints

    def __init__(self, session: Session, view, layer: RelationLayer, undo: QUndoStack, parent=None):
        super().__init__(parent)
        self.session, self.view, self.layer, self.undo = session, view, layer, undo
        self.picking: Picking | None = None
        self.current_relation: int | None = None  # the one the relations table shows chosen: Shift+R and Shift+Del act on it
        self.own_keys: set[str] = {"R"}  # keys that do not end the picking (R and the types' keys)
        self.held = nullcontext  # () -> a context inside which the arcs are not repainted (the painter's, once installed)
        view.installEventFilter(self)
        view.clicked.connect(self._clicked)  # connected after the span editor's: the clicked span is current already
        session.opened.connect(self.cancel)
        session.spansReset.connect(self._spans_reloaded)
        layer.removed.connect(lambda relation: self.current_relation == relation.id and self.choose(None))

    # -- starting and ending ---------------------------------------------------------------------

    def fitting_types(self, span: Span) -> list[RelationType]:
        return [t for t in self.layer.types.values() if span.label in t.from_labels or span.label in t.to_labels]

    def start_any(self) -> None:
        self.start(None)

    def start(self, type_name: str | None = None) -> None:
        """Start a relation from the current span (R: the first type that fits; again: the next one)."""
        if self.picking is not None:
            self._switch_type(type_name)
            return
        source = self.session.spans.get(self.session.current)
        if source is None:
            self.message.emit("Select a span first (click it, or Tab), then press R or a relation type's key.")
            return
        kinds = self.fitting_types(source)
        if type_name is not None:
            kinds = [t for t in kinds if t.name == type_name]
        if not kinds:
            what = f"{type_name} cannot" if type_name else "No relation type can"
            self.message.emit(f"{what} link a {source.label} span (see the label set).")
            return
        self.picking = Picking(source.id, kinds[0].name, [])
        self._find_candidates()
        self.view.setFocus()

    def _switch_type(self, type_name: str | None) -> None:
        source = self.session.spans[self.picking.source]
        names = [t.name for t in self.fitting_types(source)]
        if type_name is None:
            type_name = names[(names.index(self.picking.type) + 1) % len(names)]
        elif type_name not in names:
            self.message.emit(f"{type_name} cannot link a {source.label} span.")
            return
        self.picking.type = type_name
        self._find_candidates()

    def _find_candidates(self) -> None:
        p = self.picking
        source, kind = self.session.spans[p.source], self.layer.types[p.type]
        allowed = set(kind.from_labels) | set(kind.to_labels)
        found = []
        for outline in self.session.spans.outlines:  # (start, end, label, id): no Span made for each
            span_id, label = outline[3], outline[2]
            if label in allowed and span_id != source.id and (ends := direction(kind, source, span_id, label)) \
                    and not self.layer.between(p.type, *ends):
                found.append(outline)
        found.sort(key=lambda o: _distance(source, o))
        p.candidates, p.index = [o[3] for o in found], 0
        self.session.set_current(p.candidates[0] if p.candidates else None)
        self._prompt()

    def _prompt(self) -> None:
        p = self.picking
        source = self.session.spans[p.source]
        if not p.candidates:
            self.message.emit(f"{p.type} from {source.label} “{source.text[:30]}”: no span to link to here. "
                              "R: next type, Esc: cancel.")
            return
        target = self.session.spans[p.candidates[p.index]]
        self.message.emit(f"{p.type} with {target.label} “{target.text[:30]}” ({p.index + 1} of {len(p.candidates)}): "
                          "Enter links, Tab / Shift+Tab: next / previous, or click a span; R: next type, Esc: cancel.")
        self.changed.emit()

    def _spans_reloaded(self) -> None:
        """Another program changed the spans while the other end was being picked: pick among those there now."""
        if self.picking is not None:
            if self.picking.source in self.session.spans:
                self._find_candidates()
            else:
                self.picking = None
                self.changed.emit()

    def cancel(self) -> None:
        if self.picking is not None:
            source = self.picking.source
            self.picking = None
            if source in self.session.spans:
                self.session.set_current(source)
            self.changed.emit()

    def step(self, forward: bool) -> None:
        p = self.picking
        if p.candidates:
            p.index = (p.index + (1 if forward else -1)) % len(p.candidates)
            self.session.set_current(p.candidates[p.index])
            self._prompt()

    def finish(self, target_id: int | None) -> None:
        """Link the source with `target_id` (one of the candidates) as one undoable edit."""
        p = self.picking
        if target_id is None or target_id not in p.candidates:
            self.message.emit("That span cannot be this relation's other end; pick another, or Esc.")
            return
        source, target = self.session.spans[p.source], self.session.spans[target_id]
        from_id, to_id = direction(self.layer.types[p.type], source, target.id, target.label)
        self.picking = None
        command = AddRelation(self.layer, Relation(p.type, from_id, to_id, self.session.annotator), self.failed.emit)
        with self.held():  # the arcs are repainted once, as they end up
            if push(self.undo, command):
                self.session.set_current(source.id)
                self.choose(command.relation.id)
                self.message.emit(f"Linked {describe(self.session, command.relation)}.")
            self.changed.emit()

    # -- the relation the table has chosen -------------------------------------------------------

    def choose(self, relation_id: int | None) -> None:
        if relation_id != self.current_relation:
            self.current_relation = relation_id
            self.changed.emit()

    def chosen(self) -> Relation | None:
        relation = self.layer.relations.get(self.current_relation)
        if relation is None:
            self.message.emit("Choose a relation first: select one of its spans, or a row of the relations table.")
        return relation

    def change_type(self) -> None:
        """Give the chosen relation the next type its two ends fit."""
        if (relation := self.chosen()) is None:
            return
        ends = [self.session.spans.get(i) for i in (relation.from_id, relation.to_id)]
        names = [t.name for t in self.layer.types.values()
                 if t.misfit(ends[0].label, ends[1].label) is None and t.name != relation.type
                 and not self.layer.between(t.name, relation.from_id, relation.to_id)]
        if not names:
            self.message.emit(f"No other relation type fits {ends[0].label} → {ends[1].label} here.")
            return
        order = list(self.layer.types)
        later = [n for n in names if order.index(n) > order.index(relation.type)] if relation.type in order else []
        push(self.undo, ChangeRelationType(self.layer, relation, (later or names)[0], self.failed.emit))
        self.changed.emit()

    def delete_current(self) -> None:
        if (relation := self.chosen()) is not None:
            push(self.undo, DeleteRelation(self.layer, relation, self.failed.emit))

    # -- events while picking --------------------------------------------------------------------

    def _clicked(self, position: int) -> None:
        if self.picking is None:
            return
        ids = self.view.index.span_ids_at(position)
        target = next((i for i in ids if i in self.picking.candidates), None)
        if target is None:
            self.session.set_current(self.picking.candidates[self.picking.index] if self.picking.candidates else None)
        self.finish(target)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if self.picking is None or event.type() not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        key = event.key()
        held = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if key in PICKING_KEYS and not held:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # Esc and Enter come to us, not to the window's shortcuts
            elif key == Qt.Key.Key_Escape:
                self.cancel()
                self.message.emit("No relation made.")
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                p = self.picking
                self.finish(p.candidates[p.index] if p.candidates else None)
            else:
                self.step(key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            return True
        if key not in MODIFIER_KEYS and QKeySequence(event.keyCombination()).toString().upper() not in self.own_keys:
            self.cancel()
            self.message.emit("No relation made.")
            if not held and event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # a plain key only ends the picking (Delete must not delete the span it started from)
                return True
        return False


def bind_types(window, editor: RelationEditor, types: list[RelationType]) -> str:
    """One action per relation type under Edit › Relation; returns what was left unbound, and why ("" if nothing)."""
    for name in [n for n in window.actions if n.startswith("relation:")]:
        action = window.actions.pop(name)
        window.removeAction(action)
        window.labelling_actions.remove(action)
        window.menus["edit/relation"].removeAction(action)
        action.deleteLater()
    problems = dict(relation_key_problems([(label.name, label.key) for label in window.labels],
                                          [(t.name, t.key) for t in types]))
    editor.own_keys = {"R"}
    for i, kind in enumerate(types):
        action = QAction(f"Make a {kind.name} relation", window)
        action.setObjectName(f"relation:{kind.name}")
        action.setStatusTip(f"{kind.name}: {' or '.join(kind.from_labels)} → {' or '.join(kind.to_labels)}")
        if kind.key and i not in problems:
            action.setShortcut(QKeySequence(kind.key))
            editor.own_keys.add(kind.key.upper())
        action.triggered.connect(lambda _=False, n=kind.name: editor.start(n))
        window.addAction(action)
        window.actions[action.objectName()] = action
        window.labelling_actions.append(action)
        action.setEnabled(window.modes.currentWidget() is window.main_splitter)
        window.menus["edit/relation"].addAction(action)
    return "; ".join(f"{types[i].name}: {why}" for i, why in problems.items())


def install(window) -> None:
    """The relation layer, keys, arcs and table of the labelling page (before the window's actions are built)."""
    from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter

    from .relationpainter import RelationPainter
    from .relationtable import RelationTable, RelationTableModel

    layer = RelationLayer(window.session, window)
    editor = RelationEditor(window.session, window.view, layer, window.undo, window)
    window.relation_layer, window.relation_editor = layer, editor
    editor.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
    editor.failed.connect(window.show_failure)
    painter = window.relation_painter = RelationPainter(window.view, layer, editor)
    editor.held = painter.held
    window.view.underlays.append(painter.paint_under)
    window.view.overlays.append(painter.paint_over)
    layer.reset.connect(painter.forget)
    for signal in (layer.added, layer.removed, layer.updated):
        signal.connect(painter.relations_changed)  # only the arcs that changed are repainted
    editor.changed.connect(painter.refresh)
    window.session.currentChanged.connect(painter.refresh)
    window.relation_model = RelationTableModel(layer, window)
    window.relation_table = RelationTable(window.relation_model, editor)
    tables = QSplitter(Qt.Orientation.Horizontal)
    window.text_splitter.insertWidget(window.text_splitter.indexOf(window.span_table), tables)
    tables.addWidget(window.span_table)
    tables.addWidget(window.relation_table)
    tables.setSizes([620, 380])
    window.relation_keys = QLabel()
    window.relation_keys.setTextFormat(Qt.TextFormat.RichText)
    window.relation_keys.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # narrow windows clip it
    window.view.parentWidget().layout().insertWidget(1, window.relation_keys)
    window.relation_table.selectionModel().currentRowChanged.connect(lambda current, _: _row_chosen(window, current))
    window.session.currentChanged.connect(lambda span_id: _span_chosen(window, span_id))
    editor.changed.connect(lambda: _show_chosen(window))
    layer.added.connect(lambda relation: editor.choose(relation.id))  # made, or put back by an undo: Shift+R acts on it
    layer.updated.connect(lambda _old, new: editor.choose(new.id))
    window.events.changed.connect(lambda kind, article_id: _store_changed(window, kind, article_id))


def bind_window_types(window) -> None:
    """Bind the relation types' keys (after the window's own actions); a key another action owns is left unbound."""
    types = list(window.relation_layer.types.values())
    unbound = bind_types(window, window.relation_editor, types)
    if unbound:
        window.unbound_keys = " ".join(filter(None, [window.unbound_keys, f"Relation keys left unbound: {unbound}. "
                                                     "Fix them with `annotator labels --set`."]))
        window.show_failure(window.unbound_keys)
    _show_keys(window, types)


def _show_keys(window, types: list[RelationType]) -> None:
    import html

    def one(kind: RelationType) -> str:
        key = window.actions[f"relation:{kind.name}"].shortcut().toString()
        ends = f"{'|'.join(kind.from_labels)} → {'|'.join(kind.to_labels)}"
        return (f"<b>{html.escape(key or '–')}</b> <span style='color:{kind.color}'>━━▶</span> "
                f"{html.escape(kind.name)} <small>({html.escape(ends)})</small>")

    shown = " &nbsp; ".join(one(kind) for kind in types)
    window.relation_keys.setText(f"Relations: <b>R</b> any type &nbsp; {shown} &nbsp; <small>then Tab / Enter or click "
                                 "the other end; Esc cancels</small>" if types else "")
    window.relation_keys.setVisible(bool(types))


def _store_changed(window, kind: str, article_id) -> None:
    """New relation types from a new label set; relations written by something else than this layer (another
    program's, once the session has taken in its span changes)."""
    layer = window.relation_layer
    if kind in ("labels", "outside") and window.store.relation_types() != list(layer.types.values()):
        layer.reload_types()
        bind_window_types(window)
        window.relation_painter.forget()  # the types' colours
    if kind == "relations" and article_id in (None, window.session.article_id) and not window.session.writing:
        layer.reload()
    elif kind == "outside":
        QTimer.singleShot(0, layer.reload_if_changed)


def _row_chosen(window, current) -> None:
    """A row of the relations table: it becomes the chosen relation, its from span the current one."""
    if not current.isValid():
        return
    relation = window.relation_model.rows[current.row()]
    window.relation_editor.choose(relation.id)
    if window.session.current not in (relation.from_id, relation.to_id):
        window.session.set_current(relation.from_id)


def _span_chosen(window, span_id) -> None:
    """A span made current: its first relation is chosen, unless the chosen one is already one of its."""
    editor = window.relation_editor
    if editor.picking is not None:
        return
    chosen = window.relation_layer.relations.get(editor.current_relation)
    if chosen is None or span_id not in (chosen.from_id, chosen.to_id):
        relations = window.relation_layer.of_span(span_id)
        editor.choose(relations[0].id if relations else None)


def _show_chosen(window) -> None:
    table, row = window.relation_table, window.relation_model.row_of(window.relation_editor.current_relation)
    selection = table.selectionModel()
    if row < 0:
        selection.clearSelection()
    elif selection.currentIndex().row() != row:
        index = window.relation_model.index(row, 0)
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)
        table.scrollTo(index)
