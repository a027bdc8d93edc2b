"""A psycopg connection that takes the store's SQLite-dialect queries: `?` and `?N` placeholders, the column
named `end` (a reserved word in PostgreSQL), `BEGIN IMMEDIATE` and `IS NOT ?`; so the store keeps one set of
queries wherever the SQL itself is portable."""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from functools import lru_cache

import psycopg

from .pg_behind import CopyBehind

# a quoted string or identifier (kept as it is), or a placeholder, `end` as a column, `%`, `IS NOT ?`
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"[^"]*"|\?(\d*)|\bIS NOT \?|(?<![\w.'"])end\b|(?<=\.)end\b|%""")


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, tuple[int, ...] | None]:
    """`sql` in psycopg's dialect, and for each of its `%s` the index of the parameter it takes (None: in order)."""
    if sql.startswith("BEGIN IMMEDIATE"):
        return "BEGIN", None
    order: list[int] = []
    numbered = False

    def replace(match: re.Match) -> str:
        nonlocal numbered
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")  # psycopg reads placeholders inside literals too
        if token == "%":
            return "%%"
        if token == "end":
            return '"end"'
        if token.startswith("IS NOT"):
            order.append(len(order))
            return "IS DISTINCT FROM %s"
        if match.group(1):
            numbered = True
            order.append(int(match.group(1)) - 1)
        else:
            order.append(len(order))
        return "%s"

    return _TOKEN.sub(replace, sql), tuple(order) if numbered else None


def _arranged(params: list, order: tuple[int, ...] | None) -> list:
    return params if order is None else [params[i] for i in order]


class PgConnection:
    """The few methods of sqlite3.Connection the store uses, over one psycopg connection in autocommit mode (the
    store begins and commits its own transactions)."""

    def __init__(self, conn: psycopg.Connection):
        self._raw = conn
        self._held_begin: str | None = None  # a BEGIN not sent yet: it goes with the next statement, one round trip
        self.total_changes = 0  # rows inserted, changed or deleted so far, as sqlite3 counts them
        self.streaming = False  # reads go through server-side cursors, a batch at a time (inside a snapshot)
        self._streams: list[psycopg.ServerCursor] = []
        self.behind: CopyBehind | None = None  # COPYs still being sent by a thread of their own (store.writes_behind)

    def execute(self, sql: str, params: Iterable = ()) -> psycopg.Cursor:
        self._caught_up()
        text, order = translate(sql)
        if self._held_begin and text in ("COMMIT", "ROLLBACK"):  # a transaction that sent nothing: nothing to end
            self._held_begin = None
            return self._raw.cursor()
        if self.streaming and text.startswith("SELECT"):
            cursor = self.raw.cursor(name=f"stream_{len(self._streams)}")
            cursor.itersize = 1000
            self._streams.append(cursor)
        else:
            cursor = self._raw.cursor()
        if self._held_begin:
            begin, self._held_begin = self._held_begin, None
            with self._raw.pipeline():
                self._raw.execute(begin)
                cursor.execute(text, _arranged(list(params), order))
        else:
            cursor.execute(text, _arranged(list(params), order))  # never None: `%%` must always become `%`
        if cursor.rowcount > 0 and cursor.description is None:
            self.total_changes += cursor.rowcount
        return cursor

    @property
    def raw(self) -> psycopg.Connection:
        """The psycopg connection itself, after sending any BEGIN held back (and the COPYs behind)."""
        self._caught_up()
        if self._held_begin:
            begin, self._held_begin = self._held_begin, None
            self._raw.execute(begin)
        return self._raw

    def _caught_up(self) -> None:
        """Wait for the COPYs behind, so that what comes next sees their rows (raises the first error they met)."""
        if self.behind is not None:
            self.behind.wait()

    def begin(self, statement: str = "BEGIN") -> None:
        """Begin a transaction with the next statement, in the same round trip to the server."""
        self._held_begin = statement

    def executemany(self, sql: str, rows: Iterable) -> psycopg.Cursor:
        text, order = translate(sql)
        batch = [_arranged(list(row), order) for row in rows]
        if not batch:  # nothing to send: no need to wait for the COPYs behind either
            return self._raw.cursor()
        cursor = self.raw.cursor()
        cursor.executemany(text, batch)
        self.total_changes += max(cursor.rowcount, 0)
        return cursor

    def end_streams(self) -> None:
        """Close the server-side cursors (before the snapshot they read in ends) and read plainly again."""
        streams, self._streams, self.streaming = self._streams, [], False
        for cursor in streams:
            with suppress(psycopg.Error):  # the transaction failed: its cursors are gone with it
                cursor.close()

    @property
    def in_transaction(self) -> bool:
        return bool(self._held_begin) or self._raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self._held_begin = None
        self._raw.close()

    def __del__(self):
        self._raw.close()  # a store dropped unclosed closes its connection quietly, as sqlite3's does
