"""The search index's phase on PostgreSQL: a queue of pending articles (search_pending, filled by a trigger) that
indexers take a batch at a time, FOR UPDATE SKIP LOCKED, into article_search (folded words with a GIN index, runs
of unspaced scripts with a pg_trgm index). A large backlog into an empty index fills the table without its indexes
and builds them once at the end, sorted: entry by entry, GIN insertion costs several times that."""

from __future__ import annotations

from . import postgres
from .connection import Connection

BULK_BUILD = 5000  # a backlog at least this large into an empty index is indexed without the GIN indexes, built after
SEARCH_INDEX_LOCK = 0x73656172  # an advisory lock held while the GIN indexes are dropped or built, so one does it
_INDEXES = {
    "article_search_words": "CREATE INDEX IF NOT EXISTS article_search_words ON article_search USING gin (words)",
    "article_search_runs": "CREATE INDEX IF NOT EXISTS article_search_runs ON article_search USING gin (runs gin_trgm_ops)",
}
_TAKE = ("DELETE FROM search_pending WHERE rowid IN (SELECT rowid FROM search_pending ORDER BY rowid LIMIT ? "
         "FOR UPDATE SKIP LOCKED) RETURNING rowid")


class PgSearchIndex(Connection):
    def search_backlog(self) -> int:
        """How many articles are not indexed for search yet: search does not find them until they are."""
        return self.conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]

    def index_for_search(self, limit: int) -> int:
        """Index up to `limit` pending articles for search in one short transaction; how many (0: none was left,
        and the indexes are complete). Several indexers at once each take other articles."""
        with self.transaction():
            if self._may_rebuild_indexes() and self._bulk_start():
                self.conn.execute(f"DROP INDEX IF EXISTS {', '.join(_INDEXES)}")
            taken = [row[0] for row in self.conn.execute(_TAKE, (limit,))]
            if not taken:
                self._complete_indexes()
                return 0
            found = self.conn.execute("SELECT rowid, title, text FROM articles WHERE rowid = ANY(?)", (taken,)).fetchall()
            self.conn.execute("DELETE FROM article_search WHERE rowid = ANY(?)", (taken,))  # an article changed meanwhile
            with self.conn.raw.cursor().copy("COPY article_search (rowid, words, runs) FROM STDIN") as copy:
                for rowid, title, text in found:
                    copy.write_row((rowid, postgres.search_words(title, text), postgres.search_runs(title, text)))
            return len(taken)

    def _may_rebuild_indexes(self) -> bool:
        """Whether this connection may drop and build the search indexes (the table's owner, not a team member)."""
        return self.conn.execute("SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE "
                                 "oid = 'article_search'::regclass), 'MEMBER')").fetchone()[0]

    def _missing_indexes(self) -> list[str]:
        made = {row[0] for row in self.conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'article_search'")}
        return [name for name in _INDEXES if name not in made]

    def _bulk_start(self) -> bool:
        """Whether a large backlog goes into an empty index that still has its GIN indexes (then drop them)."""
        if self._missing_indexes() or self.conn.execute("SELECT EXISTS (SELECT 1 FROM article_search)").fetchone()[0]:
            return False
        backlog = self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM search_pending LIMIT ?) AS q", (BULK_BUILD,))
        if backlog.fetchone()[0] < BULK_BUILD:
            return False
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SEARCH_INDEX_LOCK,))
        return not self._missing_indexes()

    def _complete_indexes(self) -> None:
        """Build the GIN indexes a bulk start dropped, once the queue is empty (sorted, in one statement each)."""
        if not self._missing_indexes() or not self._may_rebuild_indexes():
            return
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (SEARCH_INDEX_LOCK,))
        self.conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name in self._missing_indexes():
            self.conn.execute(_INDEXES[name])
