"""A spaCy model's suggestions computed in a worker process of their own: loading and running the model never holds
the window's interpreter (nor its GIL). Requests and results travel through a pipe, one request at a time, so neither
side ever blocks on a full pipe."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from pathlib import Path

from .model import Suggestion
from .uncertainty import uncertainty

STOP_WAIT_S = 0.5  # then the worker is ended: it holds nothing to save


def serve(conn, model: str, labels: list[str], mapping: dict[str, str], beside_propagation: bool = False) -> None:
    """The worker: load the model, say "ready" (or "error"), then answer (article_id, text) with the suggestions that
    reach the model's tuned min-score and its uncertainty over every span it scored (the unsure ones included)."""
    try:
        from .beside_propagation import min_score
        from .training import ModelSuggester, tuned_min_score

        suggester = ModelSuggester(model, set(labels), mapping, min_score=0.0)
        shown = min_score(model) if beside_propagation else tuned_min_score(Path(model))
    except Exception as e:  # told to the window, which says it on screen
        conn.send(("error", None, f"{model}: {e}"))
        return
    conn.send(("ready", None, suggester.source))
    while (request := _next(conn)) is not None:
        article_id, text = request
        try:
            found = suggester.find(text)
            rows = [(s.start, s.end, s.label, s.text, s.source, s.score) for s in found if s.score >= shown]
            conn.send(("found", article_id, (rows, uncertainty(s.score for s in found))))
        except Exception as e:
            conn.send(("error", article_id, f"{type(e).__name__}: {e}"))


def _next(conn):
    """The next request, or None when the window says stop or has gone (its end of the pipe closed)."""
    try:
        return conn.recv()
    except EOFError:
        return None


class ModelWorker:
    """The window's side of the worker: `ask` queues an article, `results` takes what has arrived without waiting."""

    def __init__(self, model: str, labels: list[str], mapping: dict[str, str] | None = None, *,
                 beside_propagation: bool = False):
        context = multiprocessing.get_context("spawn")  # nothing of the window's process (Qt) is copied
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, model, labels, mapping or {}, beside_propagation), daemon=True,
                                       name="annotator-model")
        self.process.start()
        child.close()
        self.queue: deque[tuple[str, str]] = deque()
        self.busy = True  # loading the model
        self.dead = False
        self.asked: set[str] = set()

    def ask(self, article_id: str, text: str) -> None:
        """Queue an article, once per worker."""
        if article_id not in self.asked:
            self.asked.add(article_id)
            self.queue.append((article_id, text))
            self._send()

    def _send(self) -> None:
        if not self.busy and not self.dead and self.queue:
            try:
                self.conn.send(self.queue.popleft())
            except OSError:
                self.dead = True
                return
            self.busy = True

    def results(self) -> list[tuple[str, str | None, object]]:
        """("ready", None, source), ("found", article_id, ([Suggestion], uncertainty)) or ("error", article_id, message), as they
        arrive; the worker gone is an error too."""
        arrived = []
        try:
            while self.conn.poll():
                kind, article_id, payload = self.conn.recv()
                if kind == "found":
                    rows, doubt = payload
                    payload = ([Suggestion(*row) for row in rows], doubt)
                arrived.append((kind, article_id, payload))
                self.busy = False
                self.dead = self.dead or (kind == "error" and article_id is None)  # the model did not load
        except (EOFError, OSError):
            arrived.append(("error", None, "the model's worker process ended"))
            self.dead = True
            return arrived
        self._send()
        return arrived

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # the worker has gone already
            self.conn.send(None)
        self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_WAIT_S)
        self.conn.close()
