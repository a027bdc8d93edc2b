"""Suggestions in the labelling window: drawn and listed, accepted (Enter, Shift+Enter) and rejected (X) as undoable
edits, propagated as the annotator labels, and computed ahead by a model in a worker process."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject, QTimer

from ..errors import UserError
from ..model import Suggestion
from ..propagation import SOURCE as PROPAGATION
from ..propagation import Propagator
from ..suggesting import overlaps, per_label
from ..tokens import tokenize
from .commands import push
from .modelahead import ModelAhead
from .suggestioncommands import AcceptSuggestions, RejectSuggestion
from .suggestionlayer import SuggestionLayer
from .suggestionsettings import SuggestionOptions, SuggestionSettingsDialog

PROPAGATE_AT_MOST = 200  # places suggested per key press: a common word in a 1 MB article stays one key press
PROPAGATE_ON_OPEN_UP_TO = 300_000  # characters: longer articles get only what is labelled while they are open
REACH = 40  # characters around a match tokenized to see that it is made of whole words


class Suggester(QObject):
    """The window's suggestion keys and sources; `window.suggester`, the handler of the suggestion actions."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.store, self.session, self.view = window.store, window.session, window.view
        self.options = SuggestionOptions.load()
        self.layer = SuggestionLayer(window, self)
        self.layer.shows = self._still_labelled
        self.layer.hidden = self.options.hidden
        self.terms: Counter[tuple[str, str]] | None = None  # (text, label): times the annotator labelled it
        self.terms_of = ""  # the annotator whose terms they are
        self.propagator: Propagator | None = None  # built from the terms when first needed after a change
        self.labelled: set[tuple[str, str]] | None = None  # the terms still labelled, folded; likewise
        self.tokens = None  # the open article's, when first needed
        self.model = ModelAhead(self)
        s = self.session
        s.opened.connect(self._opened)
        s.spansReset.connect(self.layer.reload)  # after the view has filed the spans
        s.spanAdded.connect(self._span_added)
        s.spanRemoved.connect(self._span_removed)
        s.spanUpdated.connect(self._span_updated)
        s.currentChanged.connect(lambda span_id: span_id is not None and self.layer.set_current(None))
        self.layer.currentChanged.connect(self._suggestion_chosen)
        self.view.clicked.connect(self._clicked)
        window.editor.stepper = self.step
        window.editor.suggestion_labeller = self.accept_as
        window.events.changed.connect(self._store_changed)
        if self.options.model:
            QTimer.singleShot(0, self.model.start)

    def say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 5000)

    # -- keys -------------------------------------------------------------------------------------

    def accept(self) -> None:
        """Enter: the chosen suggestion (or the one at the caret) becomes the annotator's span."""
        chosen = self.layer.chosen()
        if chosen is None:
            self.say("No suggestion at the caret (Tab goes to the next one).")
        else:
            push(self.window.undo, AcceptSuggestions(self.layer, [chosen], self.window.show_failure))

    def accept_as(self, label: str) -> bool:
        """A label's key: the chosen suggestion (or the one at the caret) becomes the annotator's span with this label,
        one undoable edit (Prodigy's ner.correct in one key); False when there is none."""
        chosen = self.layer.chosen()
        if chosen is None:
            return False
        if chosen.label != label and self.session.spans.has(chosen.start, chosen.end, label):
            self.say(f"Already labelled {label} there.")
        else:
            push(self.window.undo, AcceptSuggestions(self.layer, [chosen], self.window.show_failure, label))
        return True

    def reject(self) -> None:
        """X: reject the chosen suggestion (or the one at the caret); the next one is chosen."""
        chosen = self.layer.chosen()
        if chosen is None:
            self.say("No suggestion at the caret (Tab goes to the next one).")
            return
        after = [s.id for s in self.layer.suggestions.values() if (s.start, s.id) > (chosen.start, chosen.id)]
        if push(self.window.undo, RejectSuggestion(self.layer, chosen, self.window.show_failure)) and after:
            self.layer.set_current(after[0])

    def accept_all(self) -> None:
        """Shift+Enter: every suggestion in the article scoring at least the setting's score, one undoable edit."""
        chosen = self.layer.above(self.options.min_score)
        if not chosen:
            self.say(f"No suggestion here scores {self.options.min_score:.2f} or more.")
        elif push(self.window.undo, AcceptSuggestions(self.layer, chosen, self.window.show_failure)):
            self.say(f"Accepted {len(chosen)} suggestions{per_label(Counter(s.label for s in chosen))}")

    def set_hidden(self, hidden: bool) -> None:
        self.options.hidden = self.layer.hidden = hidden
        self.options.save()
        self.layer.reload()
        self.say("Suggestions hidden" if hidden else "Suggestions shown")

    def step(self, forward: bool) -> bool:
        """Tab and Shift+Tab through spans and suggestions together, in text order; False when there are none."""
        if not self.layer.suggestions:
            return False
        items = sorted([(s.start, -s.end, s.label, 0, s.span_id) for s in self.session.spans.outlines]
                       + [(s.start, -s.end, s.label, 1, s.id) for s in self.layer.suggestions.values()])
        keys = [(kind, id_) for *_, kind, id_ in items]
        here = (0, self.session.current) if self.session.current is not None else (1, self.layer.current)
        if here in keys:
            i = keys.index(here) + (1 if forward else -1)
        else:
            caret = self.view.to_cp(self.view.textCursor().position())
            i = next((k for k, item in enumerate(items) if item[0] >= caret), len(items))
            i = i if forward else i - 1
        kind, id_ = keys[i % len(keys)]
        if kind == 0:
            self.layer.set_current(None)
            self.session.set_current(id_)
        else:
            self.layer.set_current(id_)
        return True

    def _clicked(self, position: int) -> None:
        if not self.view.index.span_ids_at(position):  # a span under the click is the editor's
            self.layer.set_current(self.layer.at(position))

    def _suggestion_chosen(self, suggestion_id) -> None:
        s = self.layer.suggestions.get(suggestion_id)
        if s is None:
            return
        self.session.set_current(None)
        self.view.move_caret(s.start)
        self.view.ensureCursorVisible()
        table = self.window.span_table
        index = table.model().index(len(self.window.span_model.rows) + list(self.layer.suggestions).index(s.id), 0)
        selection = table.selectionModel()
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)
        table.scrollTo(index)
        self.say(f"Suggestion {s.label} [{s.start}, {s.end}) from {s.source}, score {s.score:.2f}: "
                  "Enter accepts, X rejects, a label's key accepts it with that label")

    def row_chosen(self, row: int) -> None:
        """A suggestion's row picked in the span table."""
        self.layer.set_current(list(self.layer.suggestions)[row])

    # -- propagation --------------------------------------------------------------------------------

    def _opened(self) -> None:
        self.tokens = None
        if self.terms_of != self.session.annotator:
            self.terms, self.propagator, self.labelled = None, None, None
            self.model.forget()
        self.layer.nesting = None
        self.layer.opened()
        article_id = self.session.article_id
        if article_id is not None and self.window.settings.remember:  # the text shows first; suggestions follow
            # (a window that remembers nothing, a screenshot's, writes no suggestion of its own accord)
            QTimer.singleShot(0, lambda: self._propagate_all(article_id))
            QTimer.singleShot(0, self.model.ask_ahead)

    def _annotator_terms(self) -> Counter[tuple[str, str]]:
        if self.terms is None:
            self.terms_of = self.session.annotator
            self.terms = Counter({(text, label): n for text, label, n in self.store.labelled_terms(self.terms_of)})
        return self.terms

    def _text_tokens(self):
        if self.tokens is None:
            self.tokens = tokenize(self.session.article.text)
        return self.tokens

    def _span_added(self, span) -> None:
        """The span's text is suggested at its other places in this article at once; in others as they open."""
        self._annotator_terms()[(span.text, span.label)] += 1
        self.propagator, self.labelled = None, None
        if self.layer.quiet:
            return
        if self.options.propagate and self.session.article is not None:
            self.store_found(self.session.article_id, occurrences(self.session.article.text, span.text, span.label))
        self.layer.reload()

    def _span_removed(self, span) -> None:
        """What an undone or deleted label propagated stays stored (later undo steps may name it) but shows no more
        once no span of that text and label is left (`_still_labelled`); it is no longer looked for elsewhere."""
        self._annotator_terms()[(span.text, span.label)] -= 1
        self.propagator, self.labelled = None, None
        if not self.layer.quiet:
            self.layer.reload()

    def _span_updated(self, old, new) -> None:
        terms = self._annotator_terms()
        terms[(old.text, old.label)] -= 1
        terms[(new.text, new.label)] += 1
        self.propagator, self.labelled = None, None
        self.layer.reload()

    def _still_labelled(self, s: Suggestion) -> bool:
        """Propagation's suggestions show while the annotator still has a span of that text and label: undoing or
        deleting the last one takes back what it propagated (the rows stay, for the undo steps that name them)."""
        if s.source != PROPAGATION:
            return True
        if self.labelled is None:
            self.labelled = {(text.lower(), label) for (text, label), n in self._annotator_terms().items() if n > 0}
        return (s.text.lower(), s.label) in self.labelled

    def _propagate_all(self, article_id: str) -> None:
        if not self.options.propagate or article_id != self.session.article_id:
            return
        if len(self.session.article.text) > PROPAGATE_ON_OPEN_UP_TO:
            return
        if self.propagator is None:
            self.propagator = Propagator((text, label, n) for (text, label), n in self._annotator_terms().items() if n > 0)
        self.store_found(article_id, self.propagator.find(self.session.article.text, self._text_tokens()))

    def store_found(self, article_id: str, found: list[Suggestion]) -> None:
        """Store what a source found on an article, leaving out what is stored, rejected, or on the annotator's spans
        already; nothing is written when nothing is new. A failed write is said on screen."""
        if not found:
            return
        annotator = self.session.annotator
        known = self.store.rejected_keys(annotator, article_id) | {s.key for s in self.store.suggestions(article_id, annotator)}
        if article_id == self.session.article_id:
            new = [s for s in found if s.key not in known and not self.layer.covered(s)]
        else:
            spans = self.store.spans(article_id, annotator)
            nesting = self.layer.nesting_pairs()
            new = [s for s in found if s.key not in known and not overlaps(s, spans, nesting)]
        if new:
            try:
                self.store.add_suggestions(annotator, article_id, new)
            except UserError as e:
                self.window.show_failure(f"Suggestions not stored: {e}")

    def _store_changed(self, kind: str, article_id) -> None:
        if kind in ("suggestions", "outside") and article_id in (None, self.session.article_id):
            self.layer.reload()

    # -- Tools menu ---------------------------------------------------------------------------------

    def configure(self) -> None:
        dialog = SuggestionSettingsDialog(self.options, self.window)
        if dialog.exec():
            old, self.options = self.options, dialog.options()
            self.options.save()
            if (old.model, old.label_map) != (self.options.model, self.options.label_map):
                self.model.start()
            self.model.ask_ahead()

    def train(self) -> None:
        from .training_dialog import TrainingDialog

        TrainingDialog(self.window, self).start()

    def close(self) -> None:
        from .training_dialog import TrainingDialog

        for run in self.findChildren(TrainingDialog):
            run.cancel()
        self.model.stop()

    def next_article(self) -> str | None:
        return self.model.next_article()

    def use_model(self, folder: str) -> None:
        """A better model replaces the configured one: saved in the settings, the worker restarted on it."""
        self.options.model = folder
        self.options.save()
        self.model.start()


def occurrences(text: str, term: str, label: str, limit: int = PROPAGATE_AT_MOST) -> list[Suggestion]:
    """The first `limit` places of `term` in `text` made of whole tokens, as propagation.Propagator finds them (case
    and all), without tokenizing the whole text: the cost is the matches', not the article's."""
    found, at = [], text.find(term) if term.strip() else -1
    while at >= 0 and len(found) < limit:
        end = at + len(term)
        near = tokenize(text, max(0, at - REACH), min(len(text), end + REACH))
        if any(t.start == at for t in near) and any(t.end == end for t in near):
            found.append(Suggestion(at, end, label, term, PROPAGATION, 1.0))
        at = text.find(term, at + 1)
    return found
