"""The store on PostgreSQL: the same `Store`, with what the engine does its own way (connecting, schema versions,
transactions and snapshots, search, bulk inserts with COPY, the canonical records) in place of SQLite's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..model import Relation, Span
from . import Store, postgres
from . import rows as rows_of
from . import spans as span_rows
from .connection import StoreError
from .filters import Condition, annotator_is, id_range, where
from .pg_behind import CopyBehind
from .pg_search import PgSearchIndex

SCHEMA_LOCK = 0x616E6E6F  # an advisory lock held while the schema is made or upgraded, so two openers do it once
_SPAN_COPY = ('COPY spans (article_id, annotator, label, start, "end", text, note, origin, created, updated, '
              "attributes) FROM STDIN")
_ARTICLE_COPY = "COPY articles (id, title, text, text_sha256, source, meta, created) FROM STDIN"


class PostgresStore(PgSearchIndex, Store):
    """An annotator database on a PostgreSQL server, opened by its URL."""

    engine = postgres

    def __init__(self, url: str, *, migrate: bool = True, readonly: bool = False, create: bool = True):
        self._prepare(postgres.shown(url), readonly)
        self.url = url
        self.conn = postgres.connect(url, readonly=readonly)
        try:
            self.set_busy_wait(self._busy_wait)
            version, tables = self.version, self.table_names()
            if version == 0 and tables - {"schema_version"}:
                raise StoreError(f"{self.path}: not an annotator database (it holds other tables)")
            if version > postgres.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer annotator (schema version {version}; this one knows "
                    f"{postgres.SCHEMA_VERSION}); not opened, not changed. Upgrade annotator to open it.")
            if version == 0 and (readonly or not create):
                raise StoreError(f"{self.path}: holds no annotator database yet (`annotator import --db URL` makes one)")
            if migrate and not readonly and version < postgres.SCHEMA_VERSION:
                self.migrate()
        except BaseException:
            self.conn.close()
            raise

    @property
    def name(self) -> str:
        """The database's name and server (the URL without user and password)."""
        parts = postgres.urlsplit(self.url)
        return f"{parts.path.lstrip('/')} on {parts.hostname or 'the local server'}"

    def another(self) -> PostgresStore:
        return PostgresStore(self.url)

    @property
    def version(self) -> int:
        if "schema_version" not in self.table_names():
            return 0
        return self.conn.execute("SELECT version FROM schema_version").fetchone()[0]

    def migrate(self, to: int = postgres.SCHEMA_VERSION) -> None:
        """Make or upgrade the schema in one transaction, once however many processes open the database at once."""
        with self.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
            postgres.upgrade(self.conn, self.version, to)

    def table_names(self) -> set[str]:
        found = self.conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {row[0] for row in found}

    def ids_follow_copy(self) -> None:
        """After rows came in with their own ids (a copy), each id sequence goes on after the largest."""
        for table in ("spans", "gold_spans", "suggestions", "relations", "gold_relations"):
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")

    def fast_commits(self) -> None:
        """Commits that survive this process being killed; a server crash may lose the last few (no wait for the disk)."""
        self.conn.execute("SET synchronous_commit = off")

    def data_version(self) -> int:
        """A number that changes when any connection commits a change to the server."""
        return int(self.conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()[0])

    def set_busy_wait(self, seconds: float) -> None:
        """How long a write waits for rows another connection is changing before failing with StoreBusy."""
        self._busy_wait = seconds
        self.conn.execute("SELECT set_config('lock_timeout', ?, false)", (f"{int(seconds * 1000)}ms",))

    @contextmanager
    def large_cache(self, mib: int = 64) -> Iterator[None]:
        yield  # the server's own shared buffers serve every connection

    def _user_error(self, error: BaseException) -> BaseException:
        """As SQLite's, and rows locked longer than the busy wait are StoreBusy (PostgreSQL locks rows, not files)."""
        return self._begin_error(error) if postgres.is_busy(error) else super()._user_error(error)

    def _begin(self) -> None:
        self.conn.begin()  # sent with the transaction's first statement (a lock it waits for fails that statement)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction that sees the database as it was when it began (REPEATABLE READ); what it reads
        comes a batch at a time (server-side cursors), so that an export's memory stays flat."""
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.conn.streaming = True
        try:
            yield
        except BaseException:
            self.conn.end_streams()
            self._rollback()
            raise
        self.conn.end_streams()
        self.conn.execute("COMMIT")

    def integrity_ok(self) -> bool:
        """Every article indexed for search or waiting for it, no search words of an article that is not there,
        and every span's text the piece of its article it says."""
        return self.conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_search s WHERE "
            "s.rowid = a.rowid) AND NOT EXISTS (SELECT 1 FROM search_pending q WHERE q.rowid = a.rowid)) "
            "AND NOT EXISTS (SELECT 1 FROM article_search s WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE "
            "a.rowid = s.rowid)) AND NOT EXISTS (SELECT 1 FROM spans p "
            "JOIN articles a ON a.id = p.article_id WHERE substr(a.text, p.start + 1, p.end - p.start) <> p.text)"
        ).fetchone()[0]

    # -- articles: bulk inserts and search --------------------------------------------------------------------------

    def _insert_articles(self, rows: list[tuple]) -> None:
        """Insert (id, title, text, sha, source, meta_json, created) rows with COPY; a trigger queues them for the
        search index (store/pg_search.py), which is built after the import."""
        if self.conn.behind is not None:
            self.conn.behind.copy(_ARTICLE_COPY, [row[:7] for row in rows])
        else:
            with self.conn.raw.cursor().copy(_ARTICLE_COPY) as copy:
                for row in rows:
                    copy.write_row(row[:7])
        self.conn.total_changes += len(rows)

    def insert_span_rows(self, rows: list[tuple]) -> None:
        """Insert span rows (as Bulk.insert_span_rows takes them) with COPY."""
        if not rows:
            return
        if self.conn.behind is not None:  # a member's import writes nothing behind (see writes_behind)
            self.conn.behind.copy(_SPAN_COPY, [rows_of.full_span_row(row) for row in rows])
        elif self.member_role():  # the server refuses COPY under row-level security: a member's go by INSERT
            return super().insert_span_rows(rows)
        else:
            with self.conn.raw.cursor().copy(_SPAN_COPY) as copy:
                for row in rows:
                    copy.write_row(rows_of.full_span_row(row))
        self.conn.total_changes += len(rows)
        self._changed("spans")

    @contextmanager
    def writes_behind(self) -> Iterator[None]:
        """Inside a transaction: articles and spans are COPYed by a thread of their own while the caller prepares
        the next batch (store/pg_behind.py); any other statement waits for them first. At the end every batch is in,
        or the first error any met is raised here (the caller's transaction then rolls everything back)."""
        if self.member_role():  # a member's spans go by INSERT, in the caller's thread
            yield
            return
        remake = self._drop_span_checks()
        raw = self.conn.raw  # the BEGIN held back goes now, before any batch
        behind = self.conn.behind = CopyBehind(raw)
        try:
            yield
            behind.wait()
            self._make_again(remake)
        except BaseException as e:
            self.conn.behind = None
            earlier = behind.stop()  # an error of a batch before the records the caller's error came from
            if earlier is None or earlier is e or not isinstance(e, Exception):
                del earlier  # a traceback holds this frame: no cycle through it (nor a warning when it is collected)
                raise
            try:
                raise earlier from None
            finally:
                del earlier
        self.conn.behind = None
        behind.stop()

    def _drop_span_checks(self) -> list[str]:
        """Into a database without articles (so without spans): drop the spans' foreign keys for the import, and
        return the statements that make them again, as they were, at its end (one join over all rows instead of a
        lookup and a row lock a span). Until then others wait to read articles and spans, which they have none of
        yet. The indexes stay: the import looks spans up by article. Nothing (and no statement) when it holds any."""
        if self.conn.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0]:
            return []
        found = self.conn.execute(
            "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'spans'::regclass AND contype = 'f' ORDER BY conname").fetchall()
        for name, _ in found:
            self.conn.execute(f"ALTER TABLE spans DROP CONSTRAINT {name}")
        return [f"ALTER TABLE spans ADD CONSTRAINT {name} {definition}" for name, definition in found]

    def _make_again(self, statements: list[str]) -> None:
        """Make again what _drop_span_checks dropped (checking every span at once)."""
        for statement in statements:
            self.conn.execute(statement)

    def _insert_span(self, article_id: str, span: Span, stamp: str) -> int:
        """As Spans', in one statement: one round trip to the server instead of two."""
        return self.conn.execute(
            f"WITH new AS (INSERT INTO spans ({span_rows.NEW_SPAN_COLUMNS}) VALUES (?, ?, ?, "
            f"?, ?, ?, ?, ?, ?, ?, ?) RETURNING id), status AS ({span_rows.IN_PROGRESS} "
            f"SELECT ?, ?, 'in_progress', ? {span_rows.IN_PROGRESS_CONFLICT}) SELECT id FROM new",
            (*span_rows.new_span_row(article_id, span, stamp), article_id, span.annotator, stamp),
        ).fetchone()[0]

    def member_role(self) -> str | None:
        row = self.conn.execute(
            "SELECT current_user::text FROM pg_class c JOIN pg_roles r ON r.rolname = current_user "
            "WHERE c.oid = to_regclass('spans') AND c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls "
            "AND NOT pg_has_role(current_user, c.relowner, 'MEMBER')"
        ).fetchone()
        return row[0] if row else None

    def _search_conditions(self, query: str) -> list[tuple[str, tuple]]:
        return postgres.search_conditions(query)

    def search(self, query: str, limit: int = 100) -> list[tuple[str, str]]:
        """(id, title) of the first `limit` articles, in corpus order, with every word of `query` in title or text."""
        where_sql, params = where(*(Condition(sql, args) for sql, args in self._search_conditions(query)))
        return list(self.conn.execute(f"SELECT a.id, a.title FROM articles a {where_sql} ORDER BY a.rowid LIMIT ?",
                                      [*params, limit]))

    def article_keys(self) -> tuple[dict[str, str], dict[str, str]]:
        ids_by_sha, shas_by_id = {}, {}
        for sha, article_id in self.conn.execute("SELECT text_sha256, id FROM articles"):
            ids_by_sha[sha], shas_by_id[article_id] = article_id, sha
        return ids_by_sha, shas_by_id

    # -- the canonical records --------------------------------------------------------------------------------------

    def iter_record_json(
        self, *, annotator: str | None = None, status: str = "any", gold: bool = False,
        from_id: str | None = None, before_id: str | None = None,
    ) -> Iterator[tuple[str, str]]:
        """(article id, canonical record as JSON) of what `iter_articles` yields: made by formats.jsonl itself
        (PostgreSQL's JSON functions space and order keys their own way)."""
        from ..formats.jsonl import line

        table, owner = ("gold_relations", "reviewer") if gold else ("relations", "annotator")
        relation_where, params = where(id_range("article_id", from_id, before_id),
                                       annotator_is(owner, None if gold else annotator))
        relations: dict[str, list[Relation]] = {}
        found = self.conn.execute(
            f"SELECT article_id, type, from_id, to_id, {owner}, id FROM {table} {relation_where} ORDER BY id", params)
        for article_id, kind, from_id_, to_id, who, relation_id in found:
            relations.setdefault(article_id, []).append(  # a gold relation is nobody's, as Export.iter_relations says
                Relation(kind, from_id_, to_id, "" if gold else who, relation_id, article_id))
        for article, spans in self.iter_articles(annotator=annotator, status=status, gold=gold, from_id=from_id,
                                                  before_id=before_id):
            yield article.id, line(article, spans, relations.get(article.id, ()))[:-1]

