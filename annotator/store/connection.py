"""The connection to one database: opening and checking it, migrations, transactions, waiting for a busy writer,
and telling listeners of each committed change."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from . import sqlite
from .migrations import MIGRATIONS, SCHEMA_VERSION, default_labels, sqlite_utils_database, write_labels

if TYPE_CHECKING:
    from sqlite_utils import Database

QUIET_WAIT_S = 2.0  # a writer waits this long for another process's write lock before saying it is waiting
BUSY_WAIT_S = 600.0  # ... and this long in all before giving up
READ_WAIT_S = 10.0  # what else may wait for a lock (a reader while a new database file is set up)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StoreError(UserError):
    """The database cannot do what was asked for a reason the user can fix (busy, read-only, damaged, full)."""


class StoreBusy(StoreError):
    """Another process held the write lock for longer than this store waits."""


class Connection:
    """An open annotator database. Every write is one `BEGIN IMMEDIATE` transaction; listeners hear of each."""

    engine = sqlite  # the module that knows the engine's errors (postgres.py for a PostgresStore)

    def __init__(self, path: str | Path, *, migrate: bool = True, readonly: bool = False):
        self._prepare(str(path), readonly)
        try:
            conn = sqlite.connect(self.path, readonly=readonly)
            sqlite.set_busy_wait(conn, READ_WAIT_S)
            version = sqlite.user_version(conn)
            tables = sqlite.table_names(conn)
        except sqlite.EngineError as e:
            raise StoreError(f"{self.path}: not an annotator database ({e})") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{self.path}: written by a newer annotator (schema version {version}; this one knows "
                f"{SCHEMA_VERSION}); not opened, not changed. Upgrade annotator to open it."
            )
        self.conn = conn
        if version and "articles" not in tables:
            raise StoreError(f"{self.path}: not an annotator database (no articles table)")
        if version == 0 and tables:
            raise StoreError(f"{self.path}: not an annotator database (it holds other tables)")
        if migrate and not readonly and version < SCHEMA_VERSION:
            try:
                self.migrate()
            except sqlite.EngineError as e:
                raise self._user_error(e) from None

    def _prepare(self, path: str, readonly: bool) -> None:
        """What every engine's store holds before it connects: its name, listeners and transaction state."""
        self.path = path
        self.readonly = readonly
        self._listeners: list[Callable[[str, str | None], None]] = []
        self._depth = 0
        self._pending: list[tuple[str, str | None]] = []
        self._before_commit: dict[str, Callable[[], None]] = {}  # work to do once just before a commit, by name
        self._busy_wait = BUSY_WAIT_S
        self.on_wait: Callable[[str], None] | None = None  # told, once a write starts waiting for another process

    @property
    def name(self) -> str:
        """What the window's title calls this database: the file's name."""
        return Path(self.path).name

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, for migrations and inspection."""
        return sqlite_utils_database(self.conn)

    @property
    def version(self) -> int:
        return sqlite.user_version(self.conn)

    def migrate(self, to: int = SCHEMA_VERSION) -> None:
        """Apply each migration after the current version, each in its own transaction."""
        if self.version == 0:
            sqlite.prepare_new_file(self.conn)
        for number in range(self.version + 1, to + 1):
            with self.transaction():
                MIGRATIONS[number - 1](self.db)
                if number == 1:
                    write_labels(self.conn, default_labels())
                sqlite.set_user_version(self.conn, number)

    def close(self) -> None:
        self.conn.close()

    def member_role(self) -> str | None:
        """The connected role's name where the database's rules bind it (a team member on PostgreSQL, not the
        owner): the store then writes as that annotator and no other. None on SQLite and for the coordinator."""
        return None

    def another(self):
        """A new connection to the same database, for another thread (a store is used by one thread at a time)."""
        return type(self)(self.path)

    def fast_commits(self) -> None:
        """Commits that survive the process being killed, only not a power cut (no fsync on each)."""
        sqlite.fast_commits(self.conn)

    def data_version(self) -> int:
        """A number that changes when another connection commits (cheap enough to poll every second)."""
        return sqlite.data_version(self.conn)

    def set_busy_wait(self, seconds: float) -> None:
        """How long a write waits for another process's write lock before failing with StoreBusy (the window
        uses a short wait, so that a key never freezes it)."""
        self._busy_wait = seconds

    @contextmanager
    def large_cache(self, mib: int = 64) -> Iterator[None]:
        """A bigger page cache while bulk work inserts into random-keyed indexes (imports, merges)."""
        sqlite.set_cache(self.conn, mib)
        try:
            yield
        finally:
            sqlite.set_cache(self.conn, sqlite.CACHE_MIB)

    def _user_error(self, error: BaseException) -> BaseException:
        """An engine error as a one-line StoreError naming this database when the user can act on it; else itself."""
        explained = self.engine.explain(error)
        return StoreError(f"{self.path}: {explained}") if explained else error

    # -- transactions and change notification ---------------------------------------------------

    def _changed(self, kind: str, article_id: str | None = None) -> None:
        self._pending.append((kind, article_id))

    def before_commit(self, name: str, work: Callable[[], None]) -> None:
        """Run `work` at the end of the current transaction, just before it commits (once for each name)."""
        self._before_commit.setdefault(name, work)

    def subscribe(self, listener: Callable[[str, str | None], None]) -> None:
        """Call `listener(kind, article_id)` after every committed change."""
        self._listeners.append(listener)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting for another writer quietly at first, then saying so, then giving up."""
        quiet = min(QUIET_WAIT_S, self._busy_wait)
        sqlite.set_busy_wait(self.conn, quiet)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite.EngineError as e:
            if not sqlite.is_busy(e) or self._busy_wait <= quiet:
                raise self._begin_error(e) from None
        if self.on_wait:
            self.on_wait(f"another process is writing to {self.path}; waiting…")
        started = time.monotonic()
        sqlite.set_busy_wait(self.conn, self._busy_wait - quiet)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite.EngineError as e:
            raise self._begin_error(e, quiet + time.monotonic() - started) from None

    def _begin_error(self, error: BaseException, waited: float | None = None) -> BaseException:
        if self.engine.is_busy(error):
            waited = self._busy_wait if waited is None else waited
            return StoreBusy(f"{self.path}: another process is writing to it (waited {waited:.{0 if waited >= 10 else 1}f} s); "
                             "nothing was changed. Try again when it is done")
        return self._user_error(error)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One `BEGIN IMMEDIATE` transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
            while self._before_commit:
                self._before_commit.pop(next(iter(self._before_commit)))()
        except BaseException as e:
            self._rollback()
            if isinstance(e, self.engine.EngineError) and self.engine.explain(e):
                raise self._user_error(e) from None
            raise
        finally:
            self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except self.engine.EngineError as e:
            self._rollback()
            raise self._user_error(e) from None
        pending, self._pending = self._pending, []
        for kind, article_id in dict.fromkeys(pending):
            for listener in self._listeners:
                listener(kind, article_id)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the database as it was when it began, while
        other connections go on writing (WAL); an export reads all it writes inside one."""
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot is taken at the first read
            yield
        except BaseException:
            self._rollback()
            raise
        self.conn.execute("COMMIT")

    def ids_follow_copy(self) -> None:
        """After rows came in with their own ids, new ids go on after the largest: SQLite's AUTOINCREMENT does so."""

    def table_names(self) -> set[str]:
        return sqlite.table_names(self.conn)

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
            self.conn.execute("ROLLBACK")
        self._pending.clear()
        self._before_commit.clear()
