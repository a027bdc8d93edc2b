"""A simulated annotator for the suggestions benchmark (issue 13): it reaches a corpus's reference labels article
after article and counts its actions, with suggestions from propagation, patterns or a model retrained as it goes."""

from __future__ import annotations

import copy
import json
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from annotator.beside_propagation import propagation_first
from annotator.model import Article, Span, Suggestion
from annotator.propagation import Propagator
from annotator.suggesting import overlaps

Key = tuple[int, int, str]
Labelled = tuple[str, set[Key]]  # an article's text and its reference spans


class SimulatedAnnotator:
    """Goes through each article in text order, dealing with whatever comes first: a reference span not made yet
    (made by hand: one action) or a suggestion on screen (those overlapping a span already made are hidden, as
    `annotator suggest` hides them, and so is another source's overlapping a propagation suggestion, as the window
    hides it). A suggestion at the place of a reference span not made yet but with another label is accepted with
    the reference label by that label's key (one action, counted `relabelled`; with relabel=False it is rejected
    and the span made by hand, two). Any other wrong suggestion is rejected (one action); a right one is accepted,
    one action each with `one_by_one`, else left for one Shift+Enter at the end of the article (one action an
    article), unless accepting it at once with Enter (one action, counted `by_enter`) hides a wrong one on screen.

    The reference decides only what the user would: whether a suggestion on screen is right, which span to make.
    Suggestions: propagation of the spans made so far (in this article too, each span as it is made; a right one
    left for Shift+Enter propagates once accepted), and `shown` (another source's, as they stood on opening)."""

    def __init__(self, *, propagate: bool = True, one_by_one: bool = False, min_score: float = 0.0,
                 ignore_case: bool = False, relabel: bool = True):
        self.propagate, self.one_by_one, self.min_score, self.ignore_case = propagate, one_by_one, min_score, ignore_case
        self.relabel = relabel
        self.terms: Counter[tuple[str, str]] = Counter()
        self.nesting: set[tuple[str, str]] = set()
        self.counts = Counter(reference=0, by_hand=0, accepted=0, by_enter=0, relabelled=0, rejected=0, bulk=0)
        self.on_opening: Counter[tuple[str, bool]] = Counter()  # (source, right) of what was on screen on opening
        self._propagator: Propagator | None = None
        self.rejected: list[str] = []  # text/label of each rejected suggestion

    @property
    def actions(self) -> int:
        c = self.counts
        return c["by_hand"] + c["relabelled"] + c["rejected"] + c["by_enter"] + c["bulk"]

    def label(self, text: str, reference: set[Key], shown: Iterable[Suggestion] = ()) -> None:
        shown = [s for s in shown if s.score >= self.min_score]
        self.counts["reference"] += len(reference)
        decided: set[Key] = set()
        made: list[Span] = []
        pending: list[Key] = []
        for source, keys in _by_source(self.on_screen(text, shown, decided, made, pending)).items():
            self.on_opening.update((source, key in reference) for key in keys)
        while True:
            todo = [(k[0], -k[1], 1, k) for k in reference if k not in decided]
            todo += [(s.start, -s.end, 0, s.key) for s in self.on_screen(text, shown, decided, made, pending)]
            if not todo:
                break
            _, _, is_reference, key = min(todo)
            decided.add(key)
            if is_reference:
                self.counts["by_hand"] += 1
                self.learn(text, key, made)
            elif key not in reference and self.relabel and (place := self.other_label(key, reference, decided)):
                self.counts["relabelled"] += 1
                decided.add(place)
                self.learn(text, place, made)
            elif key not in reference:
                self.counts["rejected"] += 1
                self.rejected.append(text[key[0]:key[1]] + "/" + key[2] + ("" if any(
                    a < key[1] and key[0] < b for a, b, _ in reference) else " (no reference span there)"))
            else:
                self.counts["accepted"] += 1
                if self.one_by_one or self.hides_wrong(text, key, reference,
                                                       self.on_screen(text, shown, decided - {key}, made, pending)):
                    self.counts["by_enter"] += 1
                    self.learn(text, key, made)
                else:
                    pending.append(key)
        self.counts["bulk"] += bool(pending)
        for key in pending:
            self.learn(text, key, made)

    @staticmethod
    def other_label(key: Key, reference: set[Key], decided: set[Key]) -> Key | None:
        """The reference span not made yet at the place of the wrong suggestion `key` (so with another label), or None."""
        return next((r for r in reference if r[:2] == key[:2] and r not in decided), None)

    @staticmethod
    def hides_wrong(text: str, key: Key, reference: set[Key], on_screen: list[Suggestion]) -> bool:
        """Whether accepting the right suggestion `key` now (Enter) would hide a wrong one on screen."""
        return any(s.start < key[1] and key[0] < s.end and s.key not in reference for s in on_screen)

    def on_screen(self, text: str, shown: list[Suggestion], decided: set[Key], made: list[Span],
                  pending: list[Key]) -> list[Suggestion]:
        """The suggestions not dealt with yet; those left for Shift+Enter are still on screen, and hide (propagation
        first) another source's under them."""
        visible = [s for s in self.propagated(text) + shown
                   if (s.key not in decided or s.key in pending) and not overlaps(s, made, self.nesting)]
        return [s for s in propagation_first(visible) if s.key not in decided]

    def propagated(self, text: str) -> list[Suggestion]:
        if not self.propagate or not self.terms:
            return []
        if self._propagator is None:
            self._propagator = Propagator([(t, label, n) for (t, label), n in self.terms.items()],
                                          ignore_case=self.ignore_case)
        return [s for s in self._propagator.find(text) if s.score >= self.min_score]

    def learn(self, text: str, key: Key, made: list[Span]) -> None:
        """A span made (by hand or by accepting): its text propagates from now on; nested label pairs noted."""
        span = Span(key[0], key[1], key[2], text[key[0]:key[1]])
        self.terms[(span.text, span.label)] += 1
        self._propagator = None
        for other in made:
            if other.start <= span.start and span.end <= other.end and len(span.text) < len(other.text):
                self.nesting.add((other.label, span.label))
            if span.start <= other.start and other.end <= span.end and len(other.text) < len(span.text):
                self.nesting.add((span.label, other.label))
        made.append(span)

    def summary(self) -> dict:
        sources = sorted({source for source, _ in self.on_opening})
        return dict(self.counts) | {"actions": self.actions, "on_opening": {
            source: {"right": self.on_opening[(source, True)], "wrong": self.on_opening[(source, False)]}
            for source in sources}}


def _by_source(suggestions: list[Suggestion]) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = {}
    for s in suggestions:
        out.setdefault(s.source.split(":")[0], set()).add(s.key)
    return out


def simulate(articles: list[Labelled], sources: Iterable = (), **options) -> dict:
    """Label `articles` in order with SimulatedAnnotator(**options); each of `sources` (see PatternsFromLabels,
    RetrainedModel) suggests on each article from the articles labelled before it."""
    annotator, done = SimulatedAnnotator(**options), []
    for text, reference in articles:
        annotator.label(text, reference, [s for source in sources for s in source.suggest(done, text)])
        done.append((text, reference))
    return annotator.summary()


class PatternsFromLabels:
    """`annotator patterns` from the articles labelled so far, then `annotator suggest --patterns` on the next."""

    def __init__(self, lang: str = "xx"):
        self.lang, self._matcher, self._for = lang, None, -1

    def suggest(self, done: list[Labelled], text: str) -> list[Suggestion]:
        from annotator.patterns import PatternMatcher

        if not done:
            return []
        if self._for != len(done):
            terms = {(t[a:b], label) for t, reference in done for a, b, label in reference}
            self._matcher, self._for = PatternMatcher([{"label": lb, "pattern": p} for p, lb in terms], self.lang), len(done)
        return self._matcher.find(text)


class RetrainedModel:
    """`annotator train` on the articles labelled so far (once there are `first`), again every `every` articles,
    and its suggestions (from the min-score it chose on its held-out articles; `beside_propagation()`: the one
    annotator.beside_propagation chooses on them, as the window and `suggest --propagate` use; `view(key)`: another
    one in the training's metrics) on the next. Trainings are kept, so that several simulations share them."""

    def __init__(self, labels: set[str], *, every: int, first: int = 2, lang: str = "xx", **train_options):
        self.labels, self.every, self.first, self.lang = labels, every, first, lang
        self.train_options = train_options
        self._folder = tempfile.TemporaryDirectory(prefix="simulated-model-")  # removed when the last view goes
        self.folder = Path(self._folder.name)
        self.models: dict[int, object] = {}
        self.metrics: dict[int, dict] = {}
        self.min_score_key = "min_score"

    def beside_propagation(self) -> RetrainedModel:
        """The same trainings, suggesting from the min-score chosen for use beside propagation."""
        return self.view("chosen_beside_propagation")

    def view(self, min_score_key: str) -> RetrainedModel:
        """The same trainings, suggesting from the min-score under `min_score_key` in their metrics."""
        view = copy.copy(self)
        view.min_score_key = min_score_key
        return view

    def trained_on(self, count: int) -> int:
        """How many articles the model used before article number `count` was trained on (0: none yet)."""
        return 0 if count < self.first else self.first + (count - self.first) // self.every * self.every

    def suggest(self, done: list[Labelled], text: str) -> list[Suggestion]:
        count = self.trained_on(len(done))
        if not count:
            return []
        if count not in self.models:
            self.models[count] = self.train(done[:count])
        return [s for s in self.models[count].find(text) if s.score >= self.metrics[count][self.min_score_key]]

    def train(self, labelled: list[Labelled]):
        from annotator.beside_propagation import FILE, min_score
        from annotator.store import open_store
        from annotator.training import ModelSuggester, train

        out = self.folder / f"after-{len(labelled)}"
        store = open_store(out.with_suffix(".db"))
        with store.transaction():
            for number, (text, reference) in enumerate(labelled):
                store.add_article(Article(f"a{number}", text))
                store.insert_span_rows([(f"a{number}", "sim", label, a, b, text[a:b], None, "sim", "")
                                        for a, b, label in sorted(reference)])
        self.metrics[len(labelled)] = train(store, out, annotator="sim", lang=self.lang,
                                            progress=lambda share, message: None, **self.train_options)
        store.close()
        self.metrics[len(labelled)]["chosen_beside_propagation"] = min_score(str(out))
        self.metrics[len(labelled)]["beside_propagation"] = json.loads((out / FILE).read_text("utf-8"))
        return ModelSuggester(str(out), self.labels, min_score=0.0)
