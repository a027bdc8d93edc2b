"""Everything only SQLite says: connecting and its PRAGMAs, the FTS5 search index, JSON functions, its errors."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from .. import words

CACHE_MIB = 8  # SQLite's page cache per connection; large_cache() raises it for bulk writes
EngineError = sqlite3.Error  # what a query can raise; callers outside the store catch this name, never sqlite3's


def connect(path: str, *, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (the store begins its own transactions) with foreign keys on."""
    target = Path(path).resolve().as_uri() + "?mode=ro" if readonly else path
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=0, uri=readonly)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_MIB * 1024}")
    return conn


def set_busy_wait(conn: sqlite3.Connection, seconds: float) -> None:
    """How long a statement waits for another process's write lock before failing as busy."""
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def set_cache(conn: sqlite3.Connection, mib: int) -> None:
    conn.execute(f"PRAGMA cache_size = -{mib * 1024}")


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def set_user_version(conn: sqlite3.Connection, number: int) -> None:
    conn.execute(f"PRAGMA user_version = {int(number)}")


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def prepare_new_file(conn: sqlite3.Connection) -> None:
    """Settings a new database file takes before its first table."""
    conn.execute("PRAGMA page_size = 8192")  # ~5% faster bulk imports than 4096
    conn.execute("PRAGMA journal_mode = WAL")


def fast_commits(conn: sqlite3.Connection) -> None:
    """synchronous=NORMAL (in WAL): a commit still survives the process being killed, only not a power cut,
    and skips the fsync that costs ~6 ms of every single-span edit in the window."""
    conn.execute("PRAGMA synchronous = NORMAL")


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection commits to the database (PRAGMA data_version)."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


def integrity_ok(conn: sqlite3.Connection) -> bool:
    """SQLite's integrity check, and the search index matching the articles it indexes. FTS5 checks an external-content
    index against every row of its table, so the articles still pending are indexed for the check and taken out again."""
    if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        return False
    conn.execute("SAVEPOINT integrity")
    try:
        conn.execute("INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles "
                     "WHERE rowid > (SELECT last_rowid FROM search_indexed)")
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute("INSERT INTO articles_chars (articles_chars, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.execute("ROLLBACK TO integrity")
        conn.execute("RELEASE integrity")
    return True


# -- the full-text search index (FTS5 over title and text, an external-content table over `articles`) ---------------
# Articles are stored pending and indexed afterwards, in rowid order (articles only append): `search_indexed` holds
# the last rowid indexed, and the triggers on articles touch the index only for rows at or below it.

FTS_MATCH = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
FTS_AUTOMERGE = 16  # segments of one level FTS5 gathers before merging them: its default 4 took a third more CPU


def search_backlog(conn: sqlite3.Connection) -> int:
    """How many articles are not indexed for search yet."""
    return conn.execute("SELECT count(*) FROM articles WHERE rowid > (SELECT last_rowid FROM search_indexed)").fetchone()[0]


def index_next(conn: sqlite3.Connection, limit: int) -> int:
    """Index the next `limit` pending articles for search, inside the caller's transaction; how many."""
    mark = conn.execute("SELECT last_rowid FROM search_indexed").fetchone()[0]
    found = conn.execute("SELECT rowid, title, text FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
                         (mark, limit)).fetchall()
    if not found:
        return 0
    last = found[-1][0]
    conn.execute("INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles "
                 "WHERE rowid > ? AND rowid <= ?", (mark, last))
    conn.executemany("INSERT INTO articles_chars (rowid, chars) VALUES (?, ?)",
                     ((rowid, chars) for rowid, title, text in found if (chars := chars_of(title, text))))
    conn.execute("UPDATE search_indexed SET last_rowid = ?", (last,))
    return len(found)


def chars_of(title: str | None, text: str) -> str:
    """What the second index (articles_chars) holds of an article: its unspaced runs, a code point a word."""
    return words.index_text(f"{title or ''}\n{text}")


def fts_query(text: str) -> str:
    """A user's words (but runs of Chinese, Japanese, Thai...) as an FTS5 query: each word quoted, all required,
    the last one a prefix. An underscore parts words, as the index's tokenizer does (a quoted "snake_case" would
    be a phrase, which the index cannot answer)."""
    found = re.findall(r"[^\W_]+", words.without_runs(text))
    if not found:
        return '""'
    return " ".join(f'"{w}"' for w in found[:-1]) + (" " if len(found) > 1 else "") + f'"{found[-1]}"*'


def search_conditions(query: str) -> list[tuple[str, tuple]]:
    """(SQL condition on articles `a`, parameters) for the articles holding every word and every piece of an
    unspaced run (as a phrase of its characters, found anywhere in a run) of `query`."""
    conditions = []
    spaced, phrases = fts_query(query), words.phrases(query)
    if spaced != '""' or not phrases:
        conditions.append((f"a.rowid IN ({FTS_MATCH})", (spaced,)))
    if phrases:
        conditions.append(("a.rowid IN (SELECT rowid FROM articles_chars WHERE articles_chars MATCH ?)",
                           (" ".join(f'"{phrase}"' for phrase in phrases),)))
    return conditions


# -- JSON functions: a canonical record built inside the database ---------------------------------------------------


def record_json_sql(spans: tuple[str, list], relations: tuple[str, list], linked: str, where: tuple[str, list],
                    named: bool = True) -> tuple[str, list]:
    """SELECT (id, record as JSON) from articles `a`, and its parameters, with the spans the query `spans` selects
    (id, start, end, label, text, annotator, note, attributes of article a.id, and `{linked}` as linked) and the relations
    `relations` selects (type, from_id, to_id, annotator), each a (query, parameters): the same text as
    `formats.jsonl.line()` makes in Python. Only a record with relations has "relations", and only the spans
    they name (`linked`, an expression on the span's `id`) have an "id". Without `named` (the gold layer) spans and
    relations name no annotator."""
    fields = _SPAN_FIELDS if named else _SPAN_FIELDS.replace(_ANNOTATOR, "")
    relation_fields = "'type', type, 'from', from_id, 'to', to_id" + (", " + _ANNOTATOR.rstrip(", ") if named else "")
    parts: list[str | tuple[str, list]] = [
        "SELECT a.id, CASE WHEN EXISTS (", relations, ") THEN ", _RECORD_HEAD,
        f"(SELECT json_group_array(CASE WHEN linked THEN {_span_json(fields, _WITH_ID)} ELSE {_span_json(fields)} END) "
        "FROM (", (spans[0].format(linked=linked), spans[1]),
        f")), 'relations', (SELECT json_group_array(json_object({relation_fields})) FROM (", relations,
        "))) ELSE ", _RECORD_HEAD,
        f"(SELECT json_group_array({_span_json(fields)}) FROM (", (spans[0].format(linked=0), spans[1]),
        "))) END FROM articles a ", where, " ORDER BY a.id",
    ]
    sql = "".join(part if isinstance(part, str) else part[0] for part in parts)
    return sql, [value for part in parts if not isinstance(part, str) for value in part[1]]


_RECORD_HEAD = ("json_object('id', a.id, 'text', a.text, 'text_sha256', a.text_sha256, "
                "'title', coalesce(a.title, ''), 'source', coalesce(a.source, ''), "
                "'meta', json(coalesce(nullif(a.meta, ''), '{}')), 'spans', ")


_WITH_ID = "'id', id, "
_ANNOTATOR = "'annotator', annotator, "
_SPAN_FIELDS = f"'start', start, 'end', end, 'label', label, 'text', text, {_ANNOTATOR}'note', note"


def _span_json(fields: str, first: str = "") -> str:
    """A span's record of `fields` (with the `first` fields before them, e.g. its id): it names its attributes only
    when it has some, as Span.to_record does."""
    return (f"CASE WHEN attributes IS NULL THEN json_object({first}{fields}) "
            f"ELSE json_object({first}{fields}, 'attributes', json(attributes)) END")


# -- errors in words ------------------------------------------------------------------------------------------------


def is_busy(error: BaseException) -> bool:
    """Whether the error is another connection holding the write lock."""
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


def explain(error: BaseException) -> str | None:
    """A user's explanation of an engine error that is not a bug (a file the user can fix), or None."""
    message = str(error)
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    if is_busy(error):
        return "another process is writing to it; nothing was changed. Try again when it is done"
    if "readonly" in message or "read-only" in message:
        return "cannot write to it (the file or its folder is read-only); nothing was changed"
    if "disk is full" in message:
        return "the disk is full; nothing was changed"
    if "unable to open" in message:
        return "cannot open it (no permission for the file or its folder, or the folder is missing)"
    if "malformed" in message or "not a database" in message or "disk I/O" in message or "corrupt" in message:
        return (f"the database file is damaged or unreadable ({message}); restore a copy, or save what is left "
                "with the sqlite3 tool's .recover command")
    return None
