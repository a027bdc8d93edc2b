"""A model's suggestions computed ahead for the window: the worker process started on the configured model, the
open article and the next ones not done sent to it, its answers stored as they arrive, its uncertainty kept for
choosing the next article."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from ..errors import UserError
from ..uncertainty import most_uncertain

AHEAD = 5  # articles after the open one whose model suggestions are computed ahead
AHEAD_BY_UNCERTAINTY = 20  # more of them when the next article is the one the model is least sure about
POLL_MS = 100  # how often the window looks for the model worker's results
LOADING = "Loading the model"


class ModelAhead(QObject):
    """The Suggester's model part; `worker` is None while no model is configured (or it did not load)."""

    def __init__(self, suggester):
        super().__init__(suggester)
        self.suggester = suggester
        self.store, self.session, self.window = suggester.store, suggester.session, suggester.window
        self.worker = None
        self.doubts: dict[str, float] = {}  # article id: the model's uncertainty there
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self._poll)

    @property
    def options(self):
        return self.suggester.options

    def forget(self) -> None:
        """Another annotator: every article is asked again, and uncertainty is theirs."""
        self.doubts = {}
        if self.worker is not None:
            self.worker.asked.clear()

    def start(self) -> None:
        """(Re)start the worker on the configured model; the window goes on while it loads."""
        from ..suggestworker import ModelWorker
        from ..training import parse_mapping

        self.stop()
        if not self.options.model:
            return
        try:
            mapping = parse_mapping(self.options.label_map)
        except UserError as e:
            self.window.show_failure(f"Model not started: {e}")
            return
        self.worker = ModelWorker(self.options.model, [lb.name for lb in self.window.labels], mapping,
                                  beside_propagation=self.options.propagate)
        self.doubts = {}
        self.timer.start()
        self.suggester.say(f"{LOADING} {self.options.model} …")

    def stop(self) -> None:
        self.timer.stop()
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def ask_ahead(self) -> None:
        """The open article and the next ones not done go to the model (each once)."""
        if self.worker is None or self.worker.dead or self.session.article_id is None:
            return
        ids, article_id = [self.session.article_id], self.session.article_id
        for _ in range(AHEAD_BY_UNCERTAINTY if self.options.by_uncertainty else AHEAD):
            article_id = self.store.next_article(self.session.annotator, article_id)
            if article_id is None or article_id in ids:
                break
            ids.append(article_id)
        for article_id in ids:
            if article_id not in self.worker.asked:
                self.worker.ask(article_id, self.store.article(article_id).text)

    def _poll(self) -> None:
        if self.worker is None:
            return
        for kind, article_id, payload in self.worker.results():
            if kind == "ready":
                if self.window.statusBar().currentMessage().startswith(LOADING):  # not over a training's verdict
                    self.suggester.say(f"Model ready: {payload}")
                self.ask_ahead()
            elif kind == "found" and self.store.article_exists(article_id):
                found, self.doubts[article_id] = payload
                self.suggester.store_found(article_id, found)
            elif kind == "error":
                self.window.show_failure(f"Model: {payload}")
                if article_id is None:
                    self.stop()
                    return

    def next_article(self) -> str | None:
        """With ordering by uncertainty: the not-done article the model is least sure about, of those it has seen."""
        if not self.options.by_uncertainty or not self.doubts:
            return None
        annotator, here = self.session.annotator, self.session.article_id
        open_ = [a for a in self.doubts if a != here and self.store.status(a, annotator) in ("todo", "in_progress")]
        return most_uncertain(self.doubts, open_)
