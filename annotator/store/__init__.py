"""The one package that speaks SQL: an annotator database, one part per concern, composed into `Store`."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..paths import is_database_url
from .articles import Articles
from .assignments import TEAM_STATUSES, Assignments
from .bulk import Bulk
from .connection import BUSY_WAIT_S, Connection, StoreBusy, StoreError, now
from .export import Export
from .gold import Gold
from .labels import KEYS, PALETTE, Labels
from .migrations import MIGRATIONS, SCHEMA_VERSION, default_labels
from .relation_bulk import RelationBulk
from .relation_review import RelationReview
from .relations import RelationConflict, Relations
from .rows import ArticleRow, attributes_json
from .search_index import SearchIndex
from .spans import Spans
from .sqlite import CACHE_MIB, EngineError, fts_query
from .stats import Stats
from .suggestions import Suggestions

__all__ = [
    "BUSY_WAIT_S", "CACHE_MIB", "TEAM_STATUSES", "KEYS", "MIGRATIONS", "PALETTE", "SCHEMA_VERSION", "ArticleRow", "attributes_json", "EngineError",
    "RelationConflict",
    "Store", "StoreBusy", "StoreError", "default_labels", "explain_error", "fts_query", "now", "open_store",
]


class Store(Assignments, Suggestions, Stats, Bulk, RelationBulk, RelationReview, Relations, Gold, Export, SearchIndex, Articles, Labels,
            Spans, Connection):
    """An annotator database. Every write is one `BEGIN IMMEDIATE` transaction; listeners hear of each."""


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and create, or upgrade) an annotator database, a file or a PostgreSQL URL (postgresql://user@host/name,
    which needs the `postgres` extra); with `create=False` a missing one is refused."""
    if is_database_url(path):
        return _open_postgres(str(path), create=create)
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a database")
    if path.exists() and not path.is_file():
        raise UserError(f"{path}: not a regular file, so not a database")
    if not path.exists():
        if not create:
            raise UserError(f"{path}: no such database (check --db; `annotator import` creates one)")
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path)


def _open_postgres(url: str, *, create: bool) -> Store:
    try:
        from .pg_store import PostgresStore
    except ImportError as e:
        raise UserError(f"{url.split('@')[-1]}: PostgreSQL needs psycopg: pip install 'annotator[postgres]' ({e})") from None
    return PostgresStore(url, create=create)


def explain_error(error: BaseException, path: str | Path) -> str | None:
    """One line for an engine error the user can act on (busy, read-only, damaged, full), or None for a bug."""
    from .sqlite import explain

    explained = explain(error)
    if explained is None and type(error).__module__.startswith("psycopg"):
        from .postgres import explain as explain_postgres
        from .postgres import shown

        explained, path = explain_postgres(error), shown(str(path))
    return f"{path}: {explained}" if explained else None
