"""COPY behind the caller: a thread of its own sends each batch of an import while the caller reads and checks the
next, so the server's work and the client's take place at once (psycopg lets go of the GIL while it waits on the
socket). Batches go in order, at most one waiting (memory stays flat); the first error stops every later batch and
is raised in the caller's thread, which then rolls the whole transaction back."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from queue import Queue

import psycopg


class CopyBehind:
    """A writer thread over one connection: `copy` hands it a batch, `wait` returns when all are in (or raises the
    first error), `stop` ends the thread."""

    def __init__(self, conn: psycopg.Connection):
        self._conn = conn
        self._batches: Queue[tuple[str, Iterable[tuple]] | None] = Queue(maxsize=1)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="annotator-copy-behind", daemon=True)
        self._thread.start()

    def copy(self, statement: str, rows: Iterable[tuple]) -> None:
        """Send `rows` with the COPY `statement` after the batches before it; raises an error of an earlier batch."""
        self._raise()
        self._batches.put((statement, rows))

    def wait(self) -> None:
        """Return when every batch handed over is in the database; raise the first error any of them met."""
        self._batches.join()
        self._raise()

    def stop(self) -> BaseException | None:
        """Let the batch being sent end, send no other, end the thread; the first error it met, if any."""
        if self.error is None:
            self.error = _Stopped()  # batches still waiting are dropped: the caller rolls back
        self._batches.put(None)
        self._thread.join()
        error, self.error = self.error, None  # its traceback holds the writer's frame, which holds this writer
        return None if isinstance(error, _Stopped) else error

    def _raise(self) -> None:
        if self.error is not None and not isinstance(self.error, _Stopped):
            raise self.error

    def _write(self) -> None:
        while (batch := self._batches.get()) is not None:
            try:
                if self.error is None:
                    statement, rows = batch
                    with self._conn.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
            except BaseException as e:  # raised again in the caller's thread
                self.error = e
            finally:
                self._batches.task_done()
        self._batches.task_done()


class _Stopped(Exception):
    """The caller stopped the writer (it is rolling back)."""
