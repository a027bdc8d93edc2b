"""The search index's own phase: an import stores articles pending, and they are indexed afterwards, a batch in one
short transaction, so that labelling starts at once and a window's writes never wait long for the indexer."""

from __future__ import annotations

from . import sqlite
from .connection import Connection


class SearchIndex(Connection):
    def search_backlog(self) -> int:
        """How many articles are not indexed for search yet: search does not find them until they are."""
        return sqlite.search_backlog(self.conn)

    def index_for_search(self, limit: int) -> int:
        """Index up to `limit` pending articles for search in one short transaction; how many (0: none was left)."""
        with self.transaction():
            return sqlite.index_next(self.conn, limit)
